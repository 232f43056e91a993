package org.jorchestrate.nats.fault;

/** The events the fault-test nodes exchange. */
public enum FaultEvent {
  DATA
}

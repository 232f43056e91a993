package org.jorchestrate.events;

/** A public event enum for listeners compiled at run time by the tests. */
public enum Unnamed {
  PING
}

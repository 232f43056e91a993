package org.jorchestrate.nats.internal;

import io.nats.client.Connection;
import io.nats.client.JetStream;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.api.AckPolicy;
import io.nats.client.api.ConsumerConfiguration;
import io.nats.client.api.ConsumerInfo;
import io.nats.client.api.DeliverPolicy;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import io.nats.client.api.StreamInfo;
import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import org.jorchestrate.events.EventManager;
import org.jorchestrate.events.spi.Relays;
import org.jorchestrate.nats.BridgeError;
import org.jorchestrate.nats.BridgeErrorHandler;
import org.jorchestrate.nats.BridgeStatistics;
import org.jspecify.annotations.Nullable;

/*
 * One running bridge: sets up the broker side (stream, marks bucket, durable consumer), then runs
 * the outbox (sending) and the inbox (receiving). NatsEventBridge is its public face.
 */
public final class Bridge {

  /* Shorter than the default gap timeout, so a message lost on its way is redelivered first. */
  static final Duration ACK_WAIT = Duration.ofSeconds(20);
  static final int MAX_ACK_PENDING = 20_000;

  /* JetStream API error codes the bridge handles. */
  static final int CONSUMER_NOT_FOUND = 10014;
  static final int STREAM_NOT_FOUND = 10059;

  private final BridgeConfig config;
  private final EventManager manager;
  private final ErrorSink errors;
  private final Outbox outbox;
  private final Inbox inbox;
  private final StallGuard stallGuard;
  private boolean closed;

  /**
   * Sets up the broker side and starts forwarding and consuming.
   *
   * @param config the settings
   * @param manager the local manager
   * @param connection the user's connection
   * @param handler the user's error handler, if any
   * @throws IOException if the broker cannot be reached
   * @throws JetStreamApiException if the broker refuses the set-up
   */
  public Bridge(
      BridgeConfig config,
      EventManager manager,
      Connection connection,
      @Nullable BridgeErrorHandler handler)
      throws IOException, JetStreamApiException, InterruptedException {
    this.config = config;
    this.manager = manager;
    this.errors = new ErrorSink(handler);
    JetStreamManagement management = connection.jetStreamManagement();
    JetStream jetStream = connection.jetStream();
    EnvelopeCodec codec = new EnvelopeCodec(config.maxMessageBytes());
    this.stallGuard = new StallGuard(connection, config.nodeId());
    this.outbox = new Outbox(config, codec, connection, jetStream, errors, this.stallGuard);
    // First claim the manager (it has at most one relay): a bridge that cannot be built must
    // leave nothing behind, no thread and no relay. Emissions queue until the sender starts.
    Relays.install(manager, outbox);
    Map<String, Long> loaded;
    try {
      ensureStream(management);
      String durable = config.nodeId();
      Marks marks = new Marks(connection, config.stream() + "_marks", config.nodeId());
      loaded = marks.load();
      Long stored = loaded.remove(Marks.RESUME);
      long resume = stored == null ? 0 : stored;
      ensureConsumer(management, durable, resume);
      this.inbox =
          new Inbox(
              config,
              manager,
              connection,
              jetStream,
              management,
              codec,
              marks,
              errors,
              durable,
              loaded,
              resume,
              new Inbox.ConsumerSetup() {
                @Override
                public void ensure(long resumeAt) throws IOException, JetStreamApiException {
                  ensureConsumer(management, durable, resumeAt);
                }

                @Override
                public void restartAt(long streamSequence)
                    throws IOException, JetStreamApiException {
                  restartConsumer(management, durable, streamSequence);
                }
              },
              this.stallGuard);
    } catch (IOException | JetStreamApiException | RuntimeException | Error e) {
      Relays.uninstall(manager, outbox);
      throw e;
    }
    inbox.start();
    outbox.start();
    stallGuard.start();
    ErrorSink.LOG.info(
        "NATS bridge {} (incarnation {}) started on stream {}, subjects {}, {} stored marks",
        config.nodeId(),
        config.epoch(),
        config.stream(),
        config.filterSubject(),
        loaded.size());
  }

  private void ensureStream(JetStreamManagement management)
      throws IOException, JetStreamApiException {
    StreamInfo info;
    try {
      info = management.getStreamInfo(config.stream());
    } catch (JetStreamApiException missing) {
      if (missing.getApiErrorCode() != STREAM_NOT_FOUND) {
        throw missing;
      }
      management.addStream(
          StreamConfiguration.builder()
              .name(config.stream())
              .subjects(config.filterSubject())
              .storageType(StorageType.File)
              .maxAge(config.streamMaxAge())
              .duplicateWindow(Duration.ofMinutes(2))
              .build());
      return;
    }
    if (!info.getConfiguration().getSubjects().contains(config.filterSubject())) {
      throw new IllegalStateException(
          "the JetStream stream "
              + config.stream()
              + " exists but does not take the subjects "
              + config.filterSubject()
              + " (it takes "
              + info.getConfiguration().getSubjects()
              + "); add them to the stream, or choose another stream or subjectPrefix");
    }
  }

  /*
   * A node's durable consumer. On a restart with messages delivered but not acknowledged, the
   * broker would hold them back until their ack wait expires while delivering newer ones at once;
   * so the consumer is re-created to deliver from its ack floor, in stream order: what this node
   * already delivered is then dropped by its marks, and nothing waits.
   */
  private void ensureConsumer(JetStreamManagement management, String durable, long resumeAt)
      throws IOException, JetStreamApiException {
    ConsumerConfiguration.Builder consumer = consumerConfiguration(durable);
    ConsumerInfo existing;
    try {
      existing = management.getConsumerInfo(config.stream(), durable);
    } catch (JetStreamApiException missing) {
      if (missing.getApiErrorCode() != CONSUMER_NOT_FOUND) {
        throw missing;
      }
      // New, or lost (deleted, or a failed re-creation): resume where this node stopped reading
      management.addOrUpdateConsumer(
          config.stream(),
          resumeAt > 0
              ? consumer.deliverPolicy(DeliverPolicy.ByStartSequence).startSequence(resumeAt).build()
              : consumer.deliverPolicy(DeliverPolicy.New).build());
      return;
    }
    if (existing.getNumAckPending() == 0) {
      return; // nothing in flight: resume as it is
    }
    long floor = existing.getAckFloor().getStreamSequence() + 1;
    ErrorSink.LOG.info(
        "NATS bridge {}: {} messages were in flight when this node stopped; resuming its consumer"
            + " at stream sequence {}",
        config.nodeId(),
        existing.getNumAckPending(),
        floor);
    // If the re-creation fails after the delete, the next start finds no consumer and resumes
    // from the position the marks hold (at or before the ack floor), not from "new".
    management.deleteConsumer(config.stream(), durable);
    management.addOrUpdateConsumer(
        config.stream(),
        consumer.deliverPolicy(DeliverPolicy.ByStartSequence).startSequence(floor).build());
  }

  /*
   * Deletes and creates again this node's durable consumer, to deliver from the given stream
   * sequence at once: the inbox asks for it when messages the broker delivered never reached it
   * (see Inbox.recoverLostDeliveries), instead of waiting for their ack wait.
   */
  private void restartConsumer(JetStreamManagement management, String durable, long startAt)
      throws IOException, JetStreamApiException {
    try {
      management.deleteConsumer(config.stream(), durable);
    } catch (JetStreamApiException missing) {
      if (missing.getApiErrorCode() != CONSUMER_NOT_FOUND) { // create it all the same
        throw missing;
      }
    }
    management.addOrUpdateConsumer(
        config.stream(),
        consumerConfiguration(durable)
            .deliverPolicy(DeliverPolicy.ByStartSequence)
            .startSequence(startAt)
            .build());
  }

  private ConsumerConfiguration.Builder consumerConfiguration(String durable) {
    return ConsumerConfiguration.builder()
        .durable(durable)
        .filterSubject(config.filterSubject())
        .ackPolicy(AckPolicy.Explicit)
        .ackWait(ACK_WAIT)
        .maxAckPending(MAX_ACK_PENDING);
  }

  /**
   * Stops relaying, sends what was accepted (within the close timeout), stops consuming after the
   * callbacks of what was taken ran. Idempotent.
   */
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    Relays.uninstall(manager, outbox);
    try {
      long unsent = outbox.close(config.closeTimeout());
      if (unsent > 0) {
        errors.report(
            BridgeError.Kind.CLOSE_ABANDONED,
            "NATS bridge "
                + config.nodeId()
                + ": close() gave up after "
                + config.closeTimeout()
                + " with "
                + unsent
                + " accepted events not confirmed by the broker",
            null);
      }
      if (!inbox.close(config.closeTimeout())) {
        ErrorSink.LOG.warn(
            "NATS bridge {}: close() stopped receiving with {} remote events whose callbacks had"
                + " not finished; the broker redelivers them to this node's next start",
            config.nodeId(),
            inbox.inFlight());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      ErrorSink.LOG.warn("NATS bridge {}: close() interrupted", config.nodeId());
    }
    try {
      stallGuard.stop();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    ErrorSink.LOG.info("NATS bridge {} closed: {}", config.nodeId(), statistics());
  }

  /**
   * Returns the counters.
   *
   * @return a snapshot
   */
  public BridgeStatistics statistics() {
    return new BridgeStatistics(
        outbox.published(),
        outbox.pending(),
        outbox.overflowed(),
        outbox.refused(),
        outbox.publishFailures(),
        inbox.received.get(),
        inbox.delivered.get(),
        inbox.duplicates.get(),
        inbox.redelivered.get(),
        inbox.ownSkipped.get(),
        inbox.poison.get(),
        inbox.gapsSkipped.get(),
        inbox.lostDeliveryRecoveries.get(),
        inbox.heldGauge(),
        inbox.backlogGauge());
  }
}

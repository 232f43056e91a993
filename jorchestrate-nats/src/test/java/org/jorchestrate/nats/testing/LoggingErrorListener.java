package org.jorchestrate.nats.testing;

import io.nats.client.Connection;
import io.nats.client.ErrorListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Logs what the NATS client reports asynchronously, so that test logs show it. */
final class LoggingErrorListener implements ErrorListener {

  private static final Logger LOG = LoggerFactory.getLogger("nats-client");

  @Override
  public void errorOccurred(Connection conn, String error) {
    LOG.warn("server error: {}", error);
  }

  @Override
  public void exceptionOccurred(Connection conn, Exception exp) {
    LOG.debug("client exception: {}", exp.toString());
  }
}

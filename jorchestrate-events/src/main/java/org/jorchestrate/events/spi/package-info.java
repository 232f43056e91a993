/**
 * Extension points for JOrchestrate's own modules, such as the NATS bridge: relaying local
 * emissions and emitting remote ones. Exported only to those modules; not for applications.
 */
@NullMarked
package org.jorchestrate.events.spi;

import org.jspecify.annotations.NullMarked;

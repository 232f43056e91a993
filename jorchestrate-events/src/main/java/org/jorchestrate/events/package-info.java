/**
 * The event manager API: {@link org.jorchestrate.events.EventManager} and the few types it hands
 * out.
 *
 * <p>Start with {@link org.jorchestrate.events.EventManager}: it states the delivery, ordering,
 * error and shutdown contracts. Everything in this package is null-marked: parameters and results
 * are non-null unless annotated {@code @Nullable}.
 */
@NullMarked
package org.jorchestrate.events;

import org.jspecify.annotations.NullMarked;

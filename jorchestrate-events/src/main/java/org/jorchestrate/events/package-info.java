/**
 * The event manager API: {@link org.jorchestrate.events.EventManager} and the few types it hands
 * out.
 *
 * <p>Results are meant to be used ({@code @CheckReturnValue}), except where ignoring them is the
 * normal case, as for {@code emit} and the {@code register} methods, whose handles the
 * specification's own usage ignores.
 *
 * <p>Start with {@link org.jorchestrate.events.EventManager}: it states the delivery, ordering,
 * error and shutdown contracts. Everything in this package is null-marked: parameters and results
 * are non-null unless annotated {@code @Nullable}.
 */
@NullMarked
@CheckReturnValue
package org.jorchestrate.events;

import com.google.errorprone.annotations.CheckReturnValue;
import org.jspecify.annotations.NullMarked;

/**
 * The dispatch engine behind {@link org.jorchestrate.events.EventManager}. Not exported: no
 * compatibility promise.
 *
 * <h2>Memory-mode naming</h2>
 *
 * Fields accessed through a {@link java.lang.invoke.VarHandle} or a field updater name their access
 * mode in the accessor: {@code fooOpaque()} / {@code setFooOpaque(v)} for opaque (no ordering, only
 * atomicity and eventual visibility: used for monitoring counters with a single writer), {@code
 * setFooRelease(v)} for a release store, {@code casFoo(expect, update)} for a volatile
 * compare-and-set. A plain name ({@code foo}) is a volatile or final field. Each relaxed access
 * carries a one-line reason.
 */
@NullMarked
package org.jorchestrate.events.internal;

import org.jspecify.annotations.NullMarked;

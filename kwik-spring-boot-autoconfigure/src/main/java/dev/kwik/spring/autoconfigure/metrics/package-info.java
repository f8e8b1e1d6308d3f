/**
 * Micrometer meters for KWIK: per-path traffic, RTT, congestion window and state, session and path gauges, path
 * events. See {@link dev.kwik.spring.autoconfigure.metrics.KwikMetrics} for names, tags and semantics.
 */
package dev.kwik.spring.autoconfigure.metrics;

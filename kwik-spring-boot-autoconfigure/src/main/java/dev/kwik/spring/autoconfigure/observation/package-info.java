/**
 * Micrometer Observation support: accepted sessions, handler invocations and dials as observations.
 */
package dev.kwik.spring.autoconfigure.observation;

package dev.kwik.internal.wire;

/**
 * What each side grants the other at the start of a path, carried in HELLO and HELLO_OK.
 *
 * @param maxData         initial session credit in bytes (sum of the highest offsets over all streams)
 * @param maxStreamData   initial credit per stream in bytes
 * @param maxStreamsBidi  how many bidirectional streams the peer may open (cumulative count)
 * @param maxStreamsUni   how many unidirectional streams the peer may open (cumulative count)
 */
public record TransportParams(long maxData, long maxStreamData, long maxStreamsBidi, long maxStreamsUni) {
}

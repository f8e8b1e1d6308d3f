package dev.kwik;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * An immutable snapshot of one path: where it goes, what it is for, how it is and what it carried.
 * Counters are KWIK packet bytes (headers included) as seen by this side.
 */
public final class PathInfo {
    private final long pathId;
    private final InetSocketAddress remoteAddress;
    private final Role role;
    private final boolean isDefault;
    private final PathState state;
    private final Instant createdAt;
    private final Instant lastActiveAt;
    private final Instant closedAt;
    private final String closeReason;
    private final Duration smoothedRtt;
    private final long bytesSent;
    private final long bytesReceived;
    private final long packetsSent;
    private final long packetsReceived;
    private final long packetsLost;
    private final long packetsRetransmitted;
    private final long congestionWindow;
    private final int weight;
    private final boolean backup;

    /** Built by KWIK; applications receive instances, they do not make them. */
    public PathInfo(long pathId, InetSocketAddress remoteAddress, Role role, boolean isDefault, PathState state,
                    Instant createdAt, Instant lastActiveAt, Instant closedAt, String closeReason, Duration smoothedRtt,
                    long bytesSent, long bytesReceived, long packetsSent, long packetsReceived,
                    long packetsLost, long packetsRetransmitted, long congestionWindow, int weight, boolean backup) {
        this.pathId = pathId;
        this.remoteAddress = Objects.requireNonNull(remoteAddress, "remoteAddress");
        this.role = Objects.requireNonNull(role, "role");
        this.isDefault = isDefault;
        this.state = Objects.requireNonNull(state, "state");
        this.createdAt = Objects.requireNonNull(createdAt, "createdAt");
        this.lastActiveAt = lastActiveAt;
        this.closedAt = closedAt;
        this.closeReason = closeReason;
        this.smoothedRtt = smoothedRtt;
        this.bytesSent = bytesSent;
        this.bytesReceived = bytesReceived;
        this.packetsSent = packetsSent;
        this.packetsReceived = packetsReceived;
        this.packetsLost = packetsLost;
        this.packetsRetransmitted = packetsRetransmitted;
        this.congestionWindow = congestionWindow;
        this.weight = weight;
        this.backup = backup;
    }

    /** Id of the path within its session (0 for the first path to the primary). */
    public long pathId() {
        return pathId;
    }

    /** The peer's UDP address. */
    public InetSocketAddress remoteAddress() {
        return remoteAddress;
    }

    /** The role of the server at the end of this path. */
    public Role role() {
        return role;
    }

    /** Whether this is the default path (the one the client's own writes prefer). */
    public boolean isDefault() {
        return isDefault;
    }

    public PathState state() {
        return state;
    }

    public Instant createdAt() {
        return createdAt;
    }

    /** When the last packet arrived on this path. */
    public Instant lastActiveAt() {
        return lastActiveAt;
    }

    /** When the path ended, or null while it lives. */
    public Instant closedAt() {
        return closedAt;
    }

    /** Why the path ended, or null while it lives. */
    public String closeReason() {
        return closeReason;
    }

    /** Smoothed heartbeat round-trip time; {@link Duration#ZERO} before the first sample. */
    public Duration smoothedRtt() {
        return smoothedRtt;
    }

    public long bytesSent() {
        return bytesSent;
    }

    public long bytesReceived() {
        return bytesReceived;
    }

    public long packetsSent() {
        return packetsSent;
    }

    public long packetsReceived() {
        return packetsReceived;
    }

    /**
     * QUIC packets of this path's connection declared lost by QUIC's loss recovery, sampled with each
     * heartbeat (0 for a path this server only knows from the client's reports).
     */
    public long packetsLost() {
        return packetsLost;
    }

    /** QUIC packets of this path's connection that QUIC retransmitted, sampled with each heartbeat. */
    public long packetsRetransmitted() {
        return packetsRetransmitted;
    }

    /** The QUIC congestion window of this path's connection in bytes, sampled with each heartbeat (0 if unknown). */
    public long congestionWindow() {
        return congestionWindow;
    }

    /** This side's weight for the path under the weighted scheduler (1 unless set with pathPreferences). */
    public int weight() {
        return weight;
    }

    /** Whether this side uses the path only when no other path to the same server is alive. */
    public boolean isBackup() {
        return backup;
    }

    @Override
    public String toString() {
        return "PathInfo[id=" + pathId + ", remote=" + remoteAddress + ", role=" + role + ", default=" + isDefault
                + ", state=" + state + ", rtt=" + smoothedRtt.toNanos() / 1000 + "us, sent=" + bytesSent
                + ", received=" + bytesReceived + (closeReason != null ? ", reason=" + closeReason : "") + "]";
    }
}

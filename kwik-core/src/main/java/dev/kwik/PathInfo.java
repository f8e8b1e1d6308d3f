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
    private final String clientInterface;
    private final InetSocketAddress serverAddress;

    private PathInfo(Builder b) {
        this.pathId = b.pathId;
        this.remoteAddress = Objects.requireNonNull(b.remoteAddress, "remoteAddress");
        this.role = Objects.requireNonNull(b.role, "role");
        this.isDefault = b.isDefault;
        this.state = Objects.requireNonNull(b.state, "state");
        this.createdAt = Objects.requireNonNull(b.createdAt, "createdAt");
        this.lastActiveAt = b.lastActiveAt;
        this.closedAt = b.closedAt;
        this.closeReason = b.closeReason;
        this.smoothedRtt = b.smoothedRtt;
        this.bytesSent = b.bytesSent;
        this.bytesReceived = b.bytesReceived;
        this.packetsSent = b.packetsSent;
        this.packetsReceived = b.packetsReceived;
        this.packetsLost = b.packetsLost;
        this.packetsRetransmitted = b.packetsRetransmitted;
        this.congestionWindow = b.congestionWindow;
        this.weight = b.weight;
        this.backup = b.backup;
        this.clientInterface = b.clientInterface;
        this.serverAddress = b.serverAddress;
    }

    /** Id of the path within its session (0 for the first path to the primary). */
    public long pathId() {
        return pathId;
    }

    /** The peer's UDP address. */
    public InetSocketAddress remoteAddress() {
        return remoteAddress;
    }

    /**
     * The id of the client interface this path leaves the client from ({@link ClientInterface}), or null when the
     * client declared none or the path was opened without one (the operating system chose the route).
     */
    public String clientInterface() {
        return clientInterface;
    }

    /**
     * The server address the client dialed for this path: on the client, the remote address; on a server, the
     * address given to {@code addPath} or, for the session's first path, the address its socket is bound to
     * (null when that is a wildcard address).
     */
    public InetSocketAddress serverAddress() {
        return serverAddress;
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

    /** QUIC packets of this path's connection that QUIC retransmitted, sampled with the congestion window. */
    public long packetsRetransmitted() {
        return packetsRetransmitted;
    }

    /**
     * The QUIC congestion window of this path's connection in bytes (0 if unknown), sampled when the path
     * activates, with each heartbeat and at most every 20 ms while acknowledgements arrive.
     */
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
                + ", received=" + bytesReceived + (clientInterface != null ? ", interface=" + clientInterface : "")
                + (closeReason != null ? ", reason=" + closeReason : "") + "]";
    }

    /**
     * Starts a snapshot with what every path has. KWIK builds these; an application may too, to test its own
     * {@link PathListener} or dashboards. Unset counters are 0, the weight 1, the RTT zero.
     */
    public static Builder builder(long pathId, InetSocketAddress remoteAddress, Role role, PathState state, Instant createdAt) {
        return new Builder(pathId, remoteAddress, role, state, createdAt);
    }

    /** Builds a {@link PathInfo}; see {@link PathInfo#builder}. */
    public static final class Builder {
        private final long pathId;
        private final InetSocketAddress remoteAddress;
        private final Role role;
        private final PathState state;
        private final Instant createdAt;
        private boolean isDefault;
        private Instant lastActiveAt;
        private Instant closedAt;
        private String closeReason;
        private Duration smoothedRtt = Duration.ZERO;
        private long bytesSent;
        private long bytesReceived;
        private long packetsSent;
        private long packetsReceived;
        private long packetsLost;
        private long packetsRetransmitted;
        private long congestionWindow;
        private int weight = 1;
        private boolean backup;
        private String clientInterface;
        private InetSocketAddress serverAddress;

        private Builder(long pathId, InetSocketAddress remoteAddress, Role role, PathState state, Instant createdAt) {
            this.pathId = pathId;
            this.remoteAddress = remoteAddress;
            this.role = role;
            this.state = state;
            this.createdAt = createdAt;
        }

        /** Whether this is the session's default path. */
        public Builder isDefault(boolean isDefault) {
            this.isDefault = isDefault;
            return this;
        }

        public Builder lastActiveAt(Instant lastActiveAt) {
            this.lastActiveAt = lastActiveAt;
            return this;
        }

        /** When and why the path ended (null, null while it lives). */
        public Builder closed(Instant closedAt, String closeReason) {
            this.closedAt = closedAt;
            this.closeReason = closeReason;
            return this;
        }

        public Builder smoothedRtt(Duration smoothedRtt) {
            this.smoothedRtt = smoothedRtt;
            return this;
        }

        /** KWIK packet counters as seen by this side. */
        public Builder traffic(long bytesSent, long bytesReceived, long packetsSent, long packetsReceived) {
            this.bytesSent = bytesSent;
            this.bytesReceived = bytesReceived;
            this.packetsSent = packetsSent;
            this.packetsReceived = packetsReceived;
            return this;
        }

        /** The QUIC connection's own figures (last sample). */
        public Builder quic(long packetsLost, long packetsRetransmitted, long congestionWindow) {
            this.packetsLost = packetsLost;
            this.packetsRetransmitted = packetsRetransmitted;
            this.congestionWindow = congestionWindow;
            return this;
        }

        /** Scheduling preferences of the path. */
        public Builder preferences(int weight, boolean backup) {
            this.weight = weight;
            this.backup = backup;
            return this;
        }

        /** Where the path runs: the client interface it leaves from and the server address it goes to (null if unknown). */
        public Builder route(String clientInterface, InetSocketAddress serverAddress) {
            this.clientInterface = clientInterface;
            this.serverAddress = serverAddress;
            return this;
        }

        public PathInfo build() {
            return new PathInfo(this);
        }
    }
}

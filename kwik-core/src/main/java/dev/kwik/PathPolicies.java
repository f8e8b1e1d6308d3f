package dev.kwik;

import dev.kwik.internal.session.FullMeshPolicy;

import java.util.List;
import java.util.Locale;

/** The built-in {@link PathPolicy}s. */
public final class PathPolicies {
    private static final PathPolicy NONE = new PathPolicy() {
        @Override
        public void update(KwikServerSession session, List<ClientInterfaceInfo> interfaces) {
        }

        @Override
        public String toString() {
            return "none";
        }
    };

    private PathPolicies() {
    }

    /** Paths only where the application adds them (the default). */
    public static PathPolicy none() {
        return NONE;
    }

    /**
     * One path from every client interface that is up to every server the session has a path to, like MPTCP's
     * fullmesh path manager: the client's first path counts for the interface it left from, the others are added
     * with {@link KwikServerSession#addPath(java.net.InetSocketAddress, String)}. Acts on each announcement:
     * an interface that comes back gets its paths again; one that goes down loses them on the client at once.
     * A server bound to a wildcard address does not know which of its addresses the client dialed, so it adds
     * paths only to servers it knows by address: bind the primary to specific addresses.
     */
    public static PathPolicy fullmesh() {
        return new FullMeshPolicy();
    }

    /** A built-in by name: {@code none} or {@code fullmesh}. */
    public static PathPolicy named(String name) {
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "none" -> none();
            case "fullmesh", "full-mesh" -> fullmesh();
            default -> throw new IllegalArgumentException("unknown path policy '" + name + "'; expected none or fullmesh");
        };
    }
}

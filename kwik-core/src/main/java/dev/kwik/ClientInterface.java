package dev.kwik;

import java.net.InetAddress;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A local network interface a client may open paths from: Wi-Fi, a cellular modem, a second Ethernet port. Given
 * to {@link KwikClient.Builder#interfaces}; the client tells each session's primary server which interfaces it has
 * (their ids and backup flags, never their addresses), and the server decides which paths to open from which
 * ({@link KwikServerSession#addPath(java.net.InetSocketAddress, String)}, or a {@link PathPolicy}). A path from an
 * interface is a QUIC connection whose UDP socket is bound to the interface's address, so the operating system
 * must route packets from that address out of that interface (on Linux, source-based policy routing:
 * {@code ip rule add from ADDRESS table N}).
 *
 * <p>An interface is named by its local address ({@link #ofAddress}) or by the operating system's interface name
 * ({@link #ofName}, whose first address of the server's address family is used when a path opens). A
 * {@linkplain #asBackup() backup} interface (metered, expensive) carries data only while no other path to that
 * server is alive.
 */
public final class ClientInterface {
    /** Most interfaces one client may declare, and one session may announce. */
    public static final int MAX_INTERFACES = 16;
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9._-]{1,32}");
    private static final Pattern NOT_ID = Pattern.compile("[^A-Za-z0-9._-]");

    private final String id;
    private final InetAddress address;
    private final String name;
    private final boolean backup;

    private ClientInterface(String id, InetAddress address, String name, boolean backup) {
        this.id = checkId(id);
        this.address = address;
        this.name = name;
        this.backup = backup;
    }

    /** Paths from this interface leave from {@code address}, which must be an address of this machine. */
    public static ClientInterface ofAddress(String id, InetAddress address) {
        return new ClientInterface(id, Objects.requireNonNull(address, "address"), null, false);
    }

    /** Paths from this interface leave from the current address of the interface the OS calls {@code name}. */
    public static ClientInterface ofName(String id, String name) {
        Objects.requireNonNull(name, "name");
        if (name.isBlank()) {
            throw new IllegalArgumentException("interface name must not be blank");
        }
        return new ClientInterface(id, null, name, false);
    }

    /**
     * Paths from this interface leave from the current address of the interface the OS calls {@code name}; its id
     * is the name, with characters outside the id alphabet replaced by '_' and cut to 32 (what
     * {@code KwikClient.Builder.allInterfaces()} uses).
     */
    public static ClientInterface ofName(String name) {
        Objects.requireNonNull(name, "name");
        String id = NOT_ID.matcher(name).replaceAll("_");
        return ofName(id.substring(0, Math.min(32, id.length())), name);
    }

    /** The same interface, marked backup: used only while no other path to a server is alive. */
    public ClientInterface asBackup() {
        return new ClientInterface(id, address, name, true);
    }

    /** The opaque id servers know this interface by: 1 to 32 letters, digits, '.', '_' or '-'. */
    public String id() {
        return id;
    }

    /** The local address paths bind to, or null when named by OS interface name. */
    public InetAddress address() {
        return address;
    }

    /** The OS interface name, or null when given by address. */
    public String name() {
        return name;
    }

    public boolean isBackup() {
        return backup;
    }

    /** Whether {@code id} is an interface id as clients and servers accept it (on the wire too). */
    public static boolean isValidId(String id) {
        return id != null && ID.matcher(id).matches();
    }

    /** Checks an interface id as servers and clients accept it; returns it. */
    public static String checkId(String id) {
        Objects.requireNonNull(id, "id");
        if (!isValidId(id)) {
            throw new IllegalArgumentException("interface id must be 1 to 32 letters, digits, '.', '_' or '-': '" + id + "'");
        }
        return id;
    }

    @Override
    public String toString() {
        return "ClientInterface[" + id + (address != null ? " address=" + address.getHostAddress() : " name=" + name)
                + (backup ? " backup" : "") + "]";
    }
}

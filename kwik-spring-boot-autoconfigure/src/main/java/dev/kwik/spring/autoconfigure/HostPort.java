package dev.kwik.spring.autoconfigure;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;

/**
 * {@code host:port} as the {@code kwik.*} properties and the {@code kwikpaths} endpoint take it (IPv6 hosts in
 * brackets: {@code [::1]:4433}).
 */
public final class HostPort {
    private final String host;
    private final int port;

    private HostPort(String host, int port) {
        this.host = host;
        this.port = port;
    }

    /**
     * Checks and splits {@code value}; resolves nothing.
     *
     * @param minPort 0 where port 0 (any free port) makes sense, else 1
     * @throws IllegalArgumentException saying what is wrong
     */
    public static HostPort parse(String value, int minPort) {
        int colon = value == null ? -1 : value.lastIndexOf(':');
        if (colon <= 0 || colon == value.length() - 1) {
            throw new IllegalArgumentException("must be host:port, got '" + value + "'");
        }
        int port;
        try {
            port = Integer.parseInt(value.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("bad port in '" + value + "'");
        }
        if (port < minPort || port > 65535) {
            throw new IllegalArgumentException("port must be from " + minPort + " to 65535 in '" + value + "'");
        }
        String host = value.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        return new HostPort(host, port);
    }

    /** A literal IP address (a client interface's), without any name lookup. */
    public static InetAddress inetAddress(String literal) {
        String a = literal.startsWith("[") && literal.endsWith("]") ? literal.substring(1, literal.length() - 1) : literal;
        if (!a.matches("[0-9.]+|[0-9a-fA-F:.%a-z]*:[0-9a-fA-F:.%a-z]*")) {
            throw new IllegalArgumentException("not an IP address: '" + literal + "'");
        }
        try {
            return InetAddress.getByName(a);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("not an IP address: '" + literal + "'", e);
        }
    }

    /** The address, its host resolved now. */
    public InetSocketAddress toAddress() {
        return new InetSocketAddress(host, port);
    }
}

package dev.kwik;

/**
 * A client interface as the client's primary server knows it, from the client's announcement: its opaque id,
 * whether it is a backup (metered) interface, and whether it is up. Servers never learn its address.
 *
 * @param id     the interface's id, as the client declared it ({@link ClientInterface#id()})
 * @param backup whether paths from it should carry data only when no other path to a server is alive
 * @param up     whether the client can open paths from it now
 */
public record ClientInterfaceInfo(String id, boolean backup, boolean up) {
}

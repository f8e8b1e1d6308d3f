package dev.kwik.internal.session;

import dev.kwik.ClientInterface;
import dev.kwik.internal.wire.Frames;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The interfaces one client may open paths from, and which are up. An interface is down when the application
 * says so ({@code KwikClient.interfaceDown}) or when {@link #poll} finds its address gone or its link down. Each
 * change goes to every listening session, which ends the paths of an interface that went down at once (no
 * heartbeat timeout) and announces the new set to its primary.
 */
public final class ClientInterfaces {
    private static final Logger log = LoggerFactory.getLogger(ClientInterfaces.class);

    /** A session told about interface changes. */
    public interface Listener {
        void onInterfaceChanged(String id, boolean up);
    }

    private final List<ClientInterface> declared;
    /** Whether every interface that is up, not loopback and has an address is used, as the OS reports them. */
    private final boolean discover;
    private final Set<String> adminDown = ConcurrentHashMap.newKeySet();
    private final Set<String> linkDown = ConcurrentHashMap.newKeySet();
    private final List<Listener> listeners = new CopyOnWriteArrayList<>();

    public ClientInterfaces(List<ClientInterface> declared) {
        this(declared, false);
    }

    /**
     * {@code discover}: also every interface the OS reports up, not loopback and with an address, named by its OS
     * name (ids are the names, cleaned to the id alphabet), found now and by every {@link #poll} (at most
     * {@link ClientInterface#MAX_INTERFACES} in all).
     */
    public ClientInterfaces(List<ClientInterface> declared, boolean discover) {
        this.declared = new CopyOnWriteArrayList<>(declared);
        this.discover = discover;
        if (discover) {
            discover();
        }
    }

    public boolean isEmpty() {
        return declared.isEmpty() && !discover;
    }

    /** Adds the OS interfaces not known yet; returns the ids added. */
    private List<String> discover() {
        List<String> added = new ArrayList<>();
        try {
            for (Enumeration<NetworkInterface> e = NetworkInterface.getNetworkInterfaces(); e != null && e.hasMoreElements(); ) {
                NetworkInterface ni = e.nextElement();
                if (declared.size() >= ClientInterface.MAX_INTERFACES) {
                    break;
                }
                if (!ni.isUp() || ni.isLoopback() || ni.isVirtual() || !hasRoutableAddress(ni)) {
                    continue;
                }
                ClientInterface found = ClientInterface.ofName(ni.getName());
                if (find(found.id()) == null && declared.stream().noneMatch(i -> ni.getName().equals(i.name()))) {
                    declared.add(found);
                    added.add(found.id());
                }
            }
        } catch (SocketException e) {
            log.debug("event=interface-discovery-failed error={}", e.toString());
        }
        return added;
    }

    private static boolean hasRoutableAddress(NetworkInterface ni) {
        for (Enumeration<InetAddress> a = ni.getInetAddresses(); a.hasMoreElements(); ) {
            InetAddress x = a.nextElement();
            if (!x.isLinkLocalAddress() && !x.isLoopbackAddress()) {
                return true;
            }
        }
        return false;
    }

    public List<ClientInterface> all() {
        return declared;
    }

    public ClientInterface find(String id) {
        for (ClientInterface i : declared) {
            if (i.id().equals(id)) {
                return i;
            }
        }
        return null;
    }

    public boolean isUp(String id) {
        return !adminDown.contains(id) && !linkDown.contains(id);
    }

    public boolean isBackup(String id) {
        ClientInterface i = id == null ? null : find(id);
        return i != null && i.isBackup();
    }

    /**
     * The local address a path to {@code remote} from interface {@code id} binds to: the declared address, or the
     * named OS interface's first address of {@code remote}'s family; null when there is none (or it is down).
     */
    public InetAddress localAddress(String id, InetAddress remote) {
        ClientInterface i = find(id);
        if (i == null || !isUp(id)) {
            return null;
        }
        if (i.address() != null) {
            return i.address();
        }
        try {
            NetworkInterface ni = NetworkInterface.getByName(i.name());
            if (ni == null || !ni.isUp()) {
                return null;
            }
            boolean v4 = remote instanceof Inet4Address;
            for (Enumeration<InetAddress> e = ni.getInetAddresses(); e.hasMoreElements(); ) {
                InetAddress a = e.nextElement();
                if ((a instanceof Inet4Address) == v4 && !a.isLinkLocalAddress()) {
                    return a;
                }
            }
            return null;
        } catch (SocketException e) {
            return null;
        }
    }

    /** The interface a session's first path leaves from: the first one up that is not a backup, else a backup, else none. */
    public String dialInterface() {
        for (boolean backup : new boolean[] {false, true}) {
            for (ClientInterface i : declared) {
                if (i.isBackup() == backup && isUp(i.id())) {
                    return i.id();
                }
            }
        }
        return null;
    }

    public void addListener(Listener l) {
        listeners.add(l);
    }

    public void removeListener(Listener l) {
        listeners.remove(l);
    }

    /** The application marks an interface down or up again (unknown ids are refused by the caller). */
    public void setAdminUp(String id, boolean up) {
        boolean before = isUp(id);
        if (up) {
            adminDown.remove(id);
        } else {
            adminDown.add(id);
        }
        fireIfChanged(id, before);
    }

    /**
     * Checks every interface against the operating system: down when its address is on no interface that is up
     * (by address), or its interface is missing, down or without addresses (by name). A few system calls per
     * interface: about 150 µs of CPU for three interfaces on this project's VM, so the client's poll every
     * 250 ms while it has interfaces costs 0.06% of a core.
     */
    public void poll() {
        if (discover) {
            for (String id : discover()) {
                log.info("event=client-interface-found interface={}", id);
                fire(id, true);
            }
        }
        for (ClientInterface i : declared) {
            boolean present = isPresent(i);
            boolean before = isUp(i.id());
            if (present) {
                linkDown.remove(i.id());
            } else {
                linkDown.add(i.id());
            }
            fireIfChanged(i.id(), before);
        }
    }

    private static boolean isPresent(ClientInterface i) {
        try {
            if (i.address() == null) {
                NetworkInterface ni = NetworkInterface.getByName(i.name());
                return ni != null && ni.isUp() && ni.getInetAddresses().hasMoreElements();
            }
            NetworkInterface ni = NetworkInterface.getByInetAddress(i.address());
            if (ni != null) {
                return ni.isUp();
            }
            // Not assigned to an interface as such (127.0.0.2 is local through lo's 127.0.0.0/8): usable if a
            // socket can bind to it.
            try (DatagramSocket s = new DatagramSocket(new InetSocketAddress(i.address(), 0))) {
                return true;
            }
        } catch (IOException e) {
            return false;
        }
    }

    private void fireIfChanged(String id, boolean before) {
        boolean now = isUp(id);
        if (now == before) {
            return;
        }
        log.info("event=client-interface-{} interface={}", now ? "up" : "down", id);
        fire(id, now);
    }

    private void fire(String id, boolean up) {
        for (Listener l : listeners) {
            try {
                l.onInterfaceChanged(id, up);
            } catch (RuntimeException e) {
                log.warn("event=interface-listener-failed interface={}", id, e);
            }
        }
    }

    /** Ids and flags as INTERFACES carries them. */
    public List<String> ids() {
        List<String> ids = new ArrayList<>(declared.size());
        for (ClientInterface i : declared) {
            ids.add(i.id());
        }
        return ids;
    }

    public long[] flags() {
        long[] f = new long[declared.size()];
        for (int k = 0; k < f.length; k++) {
            ClientInterface i = declared.get(k);
            f[k] = (i.isBackup() ? Frames.INTERFACE_BACKUP : 0) | (isUp(i.id()) ? 0 : Frames.INTERFACE_DOWN);
        }
        return f;
    }
}

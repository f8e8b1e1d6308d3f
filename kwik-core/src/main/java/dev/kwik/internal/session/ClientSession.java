package dev.kwik.internal.session;

import dev.kwik.internal.path.Path;
import dev.kwik.internal.wire.TransportParams;

/** The client's session: a facade over its paths; nothing about paths or the control plane is public here. */
public final class ClientSession extends SessionCore {
    public ClientSession(byte[] sessionId, TransportConfig config, TransportParams serverParams, Path primary) {
        super(true, sessionId, config, serverParams, primary);
    }

    @Override
    public String toString() {
        return "KwikSession[client, id=" + idHex + ", open=" + isOpen() + "]";
    }
}

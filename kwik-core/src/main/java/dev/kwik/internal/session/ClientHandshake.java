package dev.kwik.internal.session;

import dev.kwik.ErrorCode;
import dev.kwik.KwikException;
import dev.kwik.internal.path.Path;
import dev.kwik.internal.path.PathOwner;
import dev.kwik.internal.wire.Frames;
import dev.kwik.internal.wire.Hello;
import dev.kwik.internal.wire.HelloOk;
import dev.kwik.internal.wire.WireException;
import io.netty.buffer.ByteBuf;

import java.util.concurrent.CompletableFuture;

/**
 * The client's side of HELLO on a freshly connected path: sends HELLO, then either HELLO_OK arrives (the
 * session exists and takes over the path) or CLOSE / a lost connection fails the dial with the reason.
 */
public final class ClientHandshake extends PathOwner {
    private final TransportConfig config;
    private final byte[] credentials;
    private final String target;
    private final PathJoiner joiner;
    private final CompletableFuture<ClientSession> result = new CompletableFuture<>();
    private Path path;

    public ClientHandshake(TransportConfig config, byte[] credentials, String target, PathJoiner joiner) {
        this.config = config;
        this.credentials = credentials;
        this.target = target;
        this.joiner = joiner;
    }

    public CompletableFuture<ClientSession> result() {
        return result;
    }

    /** Sends HELLO on the path's control channel. */
    public void start(Path path) {
        this.path = path;
        Hello hello = new Hello(TransportConfig.VERSION, credentials, new byte[0], new byte[0], SessionCore.localParams(config));
        ByteBuf p = Frames.newPacket(64 + credentials.length);
        Frames.hello(p, hello);
        path.send(Path.CONTROL, p, false);
    }

    @Override
    public void onHelloOk(Path from, HelloOk ok) throws WireException {
        if (ok.version() != TransportConfig.VERSION) {
            throw new WireException(ErrorCode.VERSION_MISMATCH, "server chose KWIK version " + ok.version());
        }
        path.serverKey(ok.serverKey());
        ClientSession session = new ClientSession(ok.sessionId(), config, ok.params(), path, joiner);
        path.activate(config.heartbeatInterval().toMillis(), config.deadAfter().toMillis());
        if (!result.complete(session)) {
            // The dial timed out meanwhile: nobody will use this session.
            path.sendCloseAndClose(ErrorCode.NO_ERROR, 0, "dial abandoned", false);
        }
    }

    @Override
    public void onClose(Path from, long code, long applicationCode, String reason) {
        ErrorCode c = ErrorCode.fromWire(code);
        result.completeExceptionally(new KwikException(c, target + " refused the session: " + c + ": " + reason));
        path.close(c, reason, true);
    }

    @Override
    public void onPathClosed(Path p, ErrorCode code, String reason, boolean byPeer) {
        result.completeExceptionally(new KwikException(code == ErrorCode.NO_ERROR ? ErrorCode.CONNECTION_LOST : code,
                "connection to " + target + " ended before the session was established: " + reason));
    }
}

package dev.kwik.internal.session;

import dev.kwik.ErrorCode;
import dev.kwik.KwikException;
import dev.kwik.Role;
import dev.kwik.internal.path.Path;
import dev.kwik.internal.path.PathOwner;
import dev.kwik.internal.wire.Frames;
import dev.kwik.internal.wire.Hello;
import dev.kwik.internal.wire.HelloOk;
import dev.kwik.internal.wire.WireException;
import io.netty.buffer.ByteBuf;

import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * The client's side of joining an existing session on a new path: HELLO carries the session id and the
 * primary's ticket; HELLO_OK gives the path id and the role of the server that took it.
 */
public final class JoinHandshake extends PathOwner {
    private final TransportConfig config;
    private final byte[] sessionId;
    private final byte[] ticket;
    private final String target;
    private final Consumer<Path> joined;
    private final CompletableFuture<Path> result = new CompletableFuture<>();
    private Path path;

    public JoinHandshake(TransportConfig config, byte[] sessionId, byte[] ticket, String target, Consumer<Path> joined) {
        this.config = config;
        this.sessionId = sessionId;
        this.ticket = ticket;
        this.target = target;
        this.joined = joined;
    }

    public CompletableFuture<Path> result() {
        return result;
    }

    public void start(Path path) {
        this.path = path;
        Hello hello = new Hello(TransportConfig.VERSION, new byte[0], sessionId, ticket, SessionCore.localParams(config));
        ByteBuf p = Frames.newPacket(96 + ticket.length);
        Frames.hello(p, hello);
        path.send(Path.CONTROL, p, false);
    }

    @Override
    public void onHelloOk(Path from, HelloOk ok) throws WireException {
        if (ok.version() != TransportConfig.VERSION || !Arrays.equals(ok.sessionId(), sessionId)) {
            throw new WireException(ErrorCode.PROTOCOL_VIOLATION, "HELLO_OK for another session or version");
        }
        path.assignId(ok.pathId());
        path.serverRole(ok.role() == 1 ? Role.SECONDARY : Role.PRIMARY);
        path.serverKey(ok.serverKey());
        if (result.isDone()) {
            path.close(ErrorCode.NO_ERROR, "join abandoned", false);
            return;
        }
        joined.accept(path);
        result.complete(path);
    }

    @Override
    public void onClose(Path from, long code, long applicationCode, String reason) {
        ErrorCode c = ErrorCode.fromWire(code);
        result.completeExceptionally(new KwikException(c, target + " refused the path: " + c + ": " + reason));
        path.close(c, reason, true);
    }

    @Override
    public void onPathClosed(Path p, ErrorCode code, String reason, boolean byPeer) {
        result.completeExceptionally(new KwikException(code == ErrorCode.NO_ERROR ? ErrorCode.CONNECTION_LOST : code,
                "path to " + target + " ended before it joined: " + reason));
    }
}

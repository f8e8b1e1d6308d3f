package dev.kwik.internal.session;

import dev.kwik.ErrorCode;
import dev.kwik.internal.wire.VarInt;
import dev.kwik.internal.wire.WireException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;

/**
 * A join ticket: the primary's permission for a client to open path {@code pathId} of session
 * {@code sessionId} on another address. Authenticated with HMAC-SHA256 under the cluster secret that every
 * server of a cluster shares; only servers with that secret can mint or verify one.
 *
 * <pre>
 * ticket = version (1 byte = 1) | session id (16) | path id (varint) | issuer (varint length, UTF-8)
 *          | expiry (8, epoch ms) | nonce (8) | mac (32) = HMAC-SHA256(secret, everything before it)
 * </pre>
 *
 * @param nonce random per ticket: what the replay cache remembers
 */
public record JoinTicket(byte[] sessionId, long pathId, String issuer, long expiresAtMillis, long nonce) {
    private static final int VERSION = 1;
    private static final int MAC_LENGTH = 32;
    private static final SecureRandom RANDOM = new SecureRandom();

    /** Mints and encodes a ticket. */
    public static byte[] mint(byte[] secret, byte[] sessionId, long pathId, String issuer, long expiresAtMillis) {
        ByteBuf b = Unpooled.buffer(96);
        try {
            b.writeByte(VERSION);
            b.writeBytes(sessionId);
            VarInt.write(b, pathId);
            byte[] iss = issuer.getBytes(StandardCharsets.UTF_8);
            VarInt.write(b, iss.length);
            b.writeBytes(iss);
            b.writeLong(expiresAtMillis);
            b.writeLong(RANDOM.nextLong());
            byte[] body = new byte[b.readableBytes()];
            b.getBytes(0, body);
            b.writeBytes(mac(secret, body, body.length));
            byte[] out = new byte[b.readableBytes()];
            b.readBytes(out);
            return out;
        } finally {
            b.release();
        }
    }

    /**
     * Decodes and verifies a ticket.
     *
     * @throws WireException TICKET_FORGED (malformed, or the MAC does not verify under {@code secret}),
     *                       TICKET_EXPIRED (past its expiry at {@code nowMillis})
     */
    public static JoinTicket verify(byte[] secret, byte[] ticket, long nowMillis) throws WireException {
        if (ticket.length < 1 + 16 + 1 + 1 + 16 + MAC_LENGTH || ticket[0] != VERSION) {
            throw new WireException(ErrorCode.TICKET_FORGED, "malformed join ticket");
        }
        int bodyLen = ticket.length - MAC_LENGTH;
        byte[] expected = mac(secret, ticket, bodyLen);
        if (!MessageDigest.isEqual(expected, Arrays.copyOfRange(ticket, bodyLen, ticket.length))) {
            throw new WireException(ErrorCode.TICKET_FORGED, "join ticket does not verify under this cluster's secret");
        }
        ByteBuf b = Unpooled.wrappedBuffer(ticket, 0, bodyLen);
        b.skipBytes(1);
        byte[] sid = new byte[16];
        b.readBytes(sid);
        long pathId = VarInt.read(b);
        long issLen = VarInt.read(b);
        if (issLen > b.readableBytes() - 16) {
            throw new WireException(ErrorCode.TICKET_FORGED, "malformed join ticket");
        }
        String issuer = b.readCharSequence((int) issLen, StandardCharsets.UTF_8).toString();
        long expiry = b.readLong();
        long nonce = b.readLong();
        if (b.isReadable()) {
            throw new WireException(ErrorCode.TICKET_FORGED, "malformed join ticket");
        }
        if (nowMillis > expiry) {
            throw new WireException(ErrorCode.TICKET_EXPIRED, "join ticket expired " + (nowMillis - expiry) + " ms ago");
        }
        return new JoinTicket(sid, pathId, issuer, expiry, nonce);
    }

    private static byte[] mac(byte[] secret, byte[] data, int len) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret, "HmacSHA256"));
            mac.update(data, 0, len);
            return mac.doFinal();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }
}

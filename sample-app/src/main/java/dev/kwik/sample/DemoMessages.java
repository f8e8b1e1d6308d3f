package dev.kwik.sample;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * The demo's own application messages, text {@code VERB key=value ...}, carried in KWIK stream messages and raw
 * relay messages:
 * <pre>
 * client  → primary   (stream) GET
 * primary → client    (stream) FILE name=.. size=.. chunk=.. sha256=..     then the chunks, one message each
 * primary → secondary (raw)    SEND stream=.. base=.. size=.. chunk=.. first=1 step=2
 * secondary → primary (raw)    SENT bytes=..   or   REFUSED reason=..
 * client  → primary   (stream) ACK ok=.. sha256=..
 * primary → client    (stream) DONE resent=..                              then FIN
 * primary → secondary (raw)    FINISHED
 * </pre>
 */
final class DemoMessages {
    private DemoMessages() {
    }

    static byte[] encode(String verb, Object... keyValues) {
        StringBuilder b = new StringBuilder(verb);
        for (int i = 0; i + 1 < keyValues.length; i += 2) {
            b.append(' ').append(keyValues[i]).append('=').append(keyValues[i + 1]);
        }
        return b.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** A parsed message: its verb and its key=value fields. */
    record Message(String verb, Map<String, String> fields) {
        static Message parse(byte[] bytes) {
            String[] parts = new String(bytes, StandardCharsets.UTF_8).trim().split(" ");
            Map<String, String> f = new HashMap<>();
            for (int i = 1; i < parts.length; i++) {
                int eq = parts[i].indexOf('=');
                if (eq > 0) {
                    f.put(parts[i].substring(0, eq), parts[i].substring(eq + 1));
                }
            }
            return new Message(parts[0], f);
        }

        String get(String key) {
            String v = fields.get(key);
            if (v == null) {
                throw new IllegalStateException(verb + " message without " + key + ": " + fields);
            }
            return v;
        }

        long number(String key) {
            return Long.parseLong(get(key));
        }
    }
}

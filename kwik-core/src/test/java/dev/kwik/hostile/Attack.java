package dev.kwik.hostile;

import dev.kwik.ErrorCode;
import org.junit.jupiter.api.Named;

/** One way a hostile peer breaks the rules, and the code the real KWIK peer must close with. */
record Attack(Step step, ErrorCode expected) {
    interface Step {
        void run(RawPeer peer) throws Exception;
    }

    static Named<Attack> named(String name, Step step, ErrorCode expected) {
        return Named.of(name, new Attack(step, expected));
    }
}

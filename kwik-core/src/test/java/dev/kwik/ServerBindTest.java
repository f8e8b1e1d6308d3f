package dev.kwik;

import org.junit.jupiter.api.Test;

import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ServerBindTest {
    @Test
    void aTakenUdpPortIsAddressInUseWithTheAddressInTheMessage() throws Exception {
        try (DatagramSocket taken = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            KwikServer server = KwikServer.builder().selfSigned()
                    .bind(new InetSocketAddress("127.0.0.1", taken.getLocalPort())).build();
            try {
                assertThatThrownBy(server::start).isInstanceOf(KwikException.class)
                        .hasMessageContaining("127.0.0.1:" + taken.getLocalPort()).hasMessageContaining("already in use")
                        .extracting(e -> ((KwikException) e).code()).isEqualTo(ErrorCode.ADDRESS_IN_USE);
            } finally {
                server.close();
            }
        }
    }

    @Test
    void anAddressThatIsNotLocalIsBindFailed() {
        // TEST-NET-1 (RFC 5737): never assigned to this machine.
        KwikServer server = KwikServer.builder().selfSigned().bind(new InetSocketAddress("192.0.2.1", 0)).build();
        try {
            assertThatThrownBy(server::start).isInstanceOf(KwikException.class).hasMessageContaining("192.0.2.1")
                    .extracting(e -> ((KwikException) e).code()).isEqualTo(ErrorCode.BIND_FAILED);
        } finally {
            server.close();
        }
    }
}

package dev.kwik;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@code maxUdpPayload}: what a side sends is at most what it was told, and what the other side receives whole. */
class UdpPayloadTest {
    private static final Duration T = Duration.ofSeconds(30);

    @Test
    void theServerSendsDatagramsOfTheConfiguredSizeAndTheDefaultClientTakesThem() throws Exception {
        assertThat(largestDatagramToClient(1452)).isEqualTo(1452);
    }

    @Test
    void byDefaultNoDatagramExceeds1350Bytes() throws Exception {
        assertThat(largestDatagramToClient(0)).isBetween(1200, 1350);
    }

    @Test
    void sizesOutsideWhatUdpOverAnMtuOf1500CarriesAreRefused() {
        assertThatThrownBy(() -> KwikServer.builder().maxUdpPayload(1473))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxUdpPayload");
        assertThatThrownBy(() -> KwikClient.builder().maxUdpPayload(1199))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxUdpPayload");
    }

    /** 2 MiB from server to client through a relay; the largest datagram the relay carried to the client. */
    private static int largestDatagramToClient(int serverMaxUdpPayload) throws Exception {
        try (Loopback lo = new Loopback(s -> {
            if (serverMaxUdpPayload > 0) {
                s.maxUdpPayload(serverMaxUdpPayload);
            }
        }, c -> { });
             UdpRelay relay = new UdpRelay(lo.server.localAddresses().get(0))) {
            KwikSession client = lo.client.dial("localhost:" + relay.port());
            KwikServerSession server = lo.server.accept(T);
            KwikStream request = client.openStream();
            request.write(new byte[] {1});
            KwikStream s = server.acceptStream(T);
            byte[] data = new byte[2 << 20];
            Arrays.fill(data, (byte) 7);
            s.write(data);
            s.close();
            byte[] got = request.inputStream().readAllBytes();
            assertThat(got).isEqualTo(data);
            return relay.largestDatagramToClient();
        }
    }
}

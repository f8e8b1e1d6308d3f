package dev.kwik.spring.autoconfigure;

import dev.kwik.ClientInterface;
import org.springframework.core.io.Resource;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.Errors;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Checks bound {@link KwikProperties} against the limits the KWIK builders enforce, so that a bad value fails
 * startup naming its property ({@code kwik.flow-control.stream-window ...}) instead of an argument deep inside a
 * builder.
 */
final class KwikPropertiesValidation {
    private final KwikProperties p;
    private final Errors errors;

    KwikPropertiesValidation(KwikProperties p, Errors errors) {
        this.p = p;
        this.errors = errors;
    }

    void run() {
        KwikProperties.Server s = p.getServer();
        range("server.port", "kwik.server.port", s.getPort(), 0, 65535);
        for (String a : s.getAdditionalAddresses()) {
            hostPort("server.additionalAddresses", "kwik.server.additional-addresses", a, 0);
        }
        if (s.getServerId() != null && (s.getServerId().isEmpty() || s.getServerId().length() > 255)) {
            reject("server.serverId", "kwik.server.server-id must have 1 to 255 characters");
        }
        if (s.getClusterSecret() != null && s.getClusterSecret().getBytes(StandardCharsets.UTF_8).length < 16) {
            reject("server.clusterSecret", "kwik.server.cluster-secret must have at least 16 bytes");
        }
        range("server.maxSessions", "kwik.server.max-sessions", s.getMaxSessions(), 1, Integer.MAX_VALUE);
        range("server.maxPathsPerSession", "kwik.server.max-paths-per-session", s.getMaxPathsPerSession(), 1, 64);
        if (s.getPathPolicy() == null || !List.of("none", "fullmesh").contains(s.getPathPolicy())) {
            reject("server.pathPolicy", "kwik.server.path-policy must be none or fullmesh: " + s.getPathPolicy());
        }
        clientInterfaces(p.getClient().getInterfaces());
        positive("server.ticketLifetime", "kwik.server.ticket-lifetime", s.getTicketLifetime());
        size("server.maxRawMessageSize", "kwik.server.max-raw-message-size", s.getMaxRawMessageSize(), 1, 64 * 1024);
        range("server.handlerThreads", "kwik.server.handler-threads", s.getHandlerThreads(), 1, 4096);
        range("server.handlerQueueCapacity", "kwik.server.handler-queue-capacity", s.getHandlerQueueCapacity(), 1,
                1 << 20);
        if (s.isEnabled()) {
            serverSsl(s.getSsl());
        }

        KwikProperties.Client c = p.getClient();
        if (c.getAddress() != null && !c.getAddress().contains("${")) {
            // A placeholder (localhost:${local.kwik.server.port}) resolves when the session dials.
            hostPort("client.address", "kwik.client.address", c.getAddress(), 1);
        }
        if (c.getCredentials() != null && c.getCredentials().getBytes(StandardCharsets.UTF_8).length > 4096) {
            reject("client.credentials", "kwik.client.credentials must be at most 4096 bytes");
        }
        positive("client.connectTimeout", "kwik.client.connect-timeout", c.getConnectTimeout());
        KwikProperties.ClientSsl cs = c.getSsl();
        int trustSources = (cs.getBundle() != null ? 1 : 0) + (cs.getTrustCertificate() != null ? 1 : 0)
                + (cs.isTrustAll() ? 1 : 0);
        if (trustSources > 1) {
            reject("client.ssl", "kwik.client.ssl: set at most one of bundle, trust-certificate and trust-all");
        }
        exists("client.ssl.trustCertificate", "kwik.client.ssl.trust-certificate", cs.getTrustCertificate());

        if (p.getScheduler().getPolicy() == null) {
            reject("scheduler.policy", "kwik.scheduler.policy must be one of earliest-arrival, min-rtt, round-robin, weighted, redundant");
        }
        for (Map.Entry<String, Integer> w : p.getScheduler().getWeights().entrySet()) {
            Integer v = w.getValue();
            if (v == null || v < 1 || v > 1000) {
                reject("scheduler.weights", "kwik.scheduler.weights[" + w.getKey() + "] must be between 1 and 1000: " + v);
            }
        }
        positive("paths.heartbeatInterval", "kwik.paths.heartbeat-interval", p.getPaths().getHeartbeatInterval());
        positive("paths.deadAfter", "kwik.paths.dead-after", p.getPaths().getDeadAfter());
        if (p.getPaths().getHeartbeatInterval() != null && p.getPaths().getDeadAfter() != null
                && p.getPaths().getDeadAfter().compareTo(p.getPaths().getHeartbeatInterval()) <= 0) {
            reject("paths.deadAfter", "kwik.paths.dead-after must be longer than kwik.paths.heartbeat-interval");
        }
        range("streams.perChannel", "kwik.streams.per-channel", p.getStreams().getPerChannel(), 1, 1024);
        range("streams.maxConcurrent", "kwik.streams.max-concurrent", p.getStreams().getMaxConcurrent(), 1, 1L << 30);
        size("flowControl.streamWindow", "kwik.flow-control.stream-window", p.getFlowControl().getStreamWindow(),
                1024, 1L << 40);
        size("flowControl.sessionWindow", "kwik.flow-control.session-window", p.getFlowControl().getSessionWindow(),
                1024, 1L << 40);
        positive("idleTimeout", "kwik.idle-timeout", p.getIdleTimeout());
        range("maxUdpPayload", "kwik.max-udp-payload", p.getMaxUdpPayload(), 1200, 1472);
        positive("metrics.refreshInterval", "kwik.metrics.refresh-interval", p.getMetrics().getRefreshInterval());
    }

    private void serverSsl(KwikProperties.ServerSsl ssl) {
        boolean pem = ssl.getCertificate() != null || ssl.getPrivateKey() != null;
        int sources = (ssl.getBundle() != null ? 1 : 0) + (pem ? 1 : 0) + (ssl.isSelfSigned() ? 1 : 0);
        if (sources == 0) {
            reject("server.ssl", "kwik.server.ssl: a KWIK server needs a certificate: set kwik.server.ssl.bundle, "
                    + "or kwik.server.ssl.certificate and kwik.server.ssl.private-key, or (development only) "
                    + "kwik.server.ssl.self-signed=true");
        } else if (sources > 1) {
            reject("server.ssl", "kwik.server.ssl: set only one of bundle, certificate/private-key and self-signed");
        }
        if (pem && (ssl.getCertificate() == null || ssl.getPrivateKey() == null)) {
            reject("server.ssl", "kwik.server.ssl.certificate and kwik.server.ssl.private-key go together");
        }
        exists("server.ssl.certificate", "kwik.server.ssl.certificate", ssl.getCertificate());
        exists("server.ssl.privateKey", "kwik.server.ssl.private-key", ssl.getPrivateKey());
    }

    private void clientInterfaces(List<KwikProperties.Interface> interfaces) {
        if (interfaces.size() > ClientInterface.MAX_INTERFACES) {
            reject("client.interfaces", "kwik.client.interfaces may list at most " + ClientInterface.MAX_INTERFACES
                    + " interfaces, not " + interfaces.size());
        }
        Set<String> ids = new HashSet<>();
        for (int k = 0; k < interfaces.size(); k++) {
            KwikProperties.Interface i = interfaces.get(k);
            String at = "kwik.client.interfaces[" + k + "]";
            try {
                ClientInterface.checkId(i.getId());
            } catch (RuntimeException e) {
                reject("client.interfaces", at + ".id: " + e.getMessage());
            }
            if (i.getId() != null && !ids.add(i.getId())) {
                reject("client.interfaces", at + ".id '" + i.getId() + "' is used twice");
            }
            if ((i.getAddress() == null) == (i.getName() == null)) {
                reject("client.interfaces", at + ": set exactly one of address and name");
            } else if (i.getAddress() != null) {
                try {
                    HostPort.inetAddress(i.getAddress());
                } catch (IllegalArgumentException e) {
                    reject("client.interfaces", at + ".address: " + e.getMessage());
                }
            }
        }
    }

    private void range(String field, String property, long value, long min, long max) {
        if (value < min || value > max) {
            reject(field, property + " must be between " + min + " and " + max + ": " + value);
        }
    }

    private void positive(String field, String property, Duration d) {
        if (d == null || d.isNegative() || d.isZero()) {
            reject(field, property + " must be a positive duration: " + d);
        }
    }

    private void size(String field, String property, DataSize size, long min, long max) {
        if (size == null || size.toBytes() < min || size.toBytes() > max) {
            reject(field, property + " must be between " + min + " and " + max + " bytes: "
                    + (size == null ? null : size.toBytes() + "B"));
        }
    }

    private void exists(String field, String property, Resource r) {
        if (r != null && !r.exists()) {
            reject(field, property + ": " + r.getDescription() + " does not exist");
        }
    }

    private void hostPort(String field, String property, String value, int minPort) {
        try {
            HostPort.parse(value, minPort);
        } catch (IllegalArgumentException e) {
            reject(field, property + " " + e.getMessage());
        }
    }

    private void reject(String field, String message) {
        errors.rejectValue(field, "kwik.invalid", message);
    }
}

package dev.kwik.spring.autoconfigure;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.core.io.Resource;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.Errors;
import org.springframework.validation.Validator;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Configuration of KWIK servers and clients, under the prefix {@code kwik}. Values are checked when they are
 * bound: an invalid one fails startup with a message naming the property.
 */
@ConfigurationProperties("kwik")
public class KwikProperties implements Validator {

    private final Server server = new Server();

    private final Client client = new Client();

    private final Scheduler scheduler = new Scheduler();

    private final Paths paths = new Paths();

    private final Streams streams = new Streams();

    private final FlowControl flowControl = new FlowControl();

    private final Metrics metrics = new Metrics();
    private final Observation observation = new Observation();

    /**
     * How long a path may stay silent at the QUIC level before QUIC closes it. Heartbeats keep live paths
     * busy, so this only ends paths whose peer vanished without a trace.
     */
    private Duration idleTimeout = Duration.ofSeconds(30);

    /**
     * Largest UDP payload sent, bytes (1200 to 1472). 1350 fits nearly every path; 1452 carries about 1.3% more
     * where every path has an MTU of 1500, and loses full-size datagrams (so the path) where one has less.
     */
    private int maxUdpPayload = 1350;

    public Server getServer() {
        return server;
    }

    public Client getClient() {
        return client;
    }

    public Scheduler getScheduler() {
        return scheduler;
    }

    public Paths getPaths() {
        return paths;
    }

    public Streams getStreams() {
        return streams;
    }

    public FlowControl getFlowControl() {
        return flowControl;
    }

    public Metrics getMetrics() {
        return metrics;
    }

    public Observation getObservation() {
        return observation;
    }

    public int getMaxUdpPayload() {
        return maxUdpPayload;
    }

    public void setMaxUdpPayload(int maxUdpPayload) {
        this.maxUdpPayload = maxUdpPayload;
    }

    public Duration getIdleTimeout() {
        return idleTimeout;
    }

    public void setIdleTimeout(Duration idleTimeout) {
        this.idleTimeout = idleTimeout;
    }

    /** The KWIK server: where it listens, its certificate, its cluster and its limits. */
    public static class Server {

        /**
         * Whether to create and start a KWIK server with the application context. Off by default so that
         * client applications open no UDP port.
         */
        private boolean enabled;

        /** Address to bind (an IP address or host name). Unset: every interface (0.0.0.0). */
        private String address;

        /** UDP port to bind; 0 picks a free port (see KwikServer#localAddress). */
        private int port = 4433;

        /**
         * Further addresses to listen on, as host:port, for example the server's second network interface.
         * Paths the primary adds to one of them join the same session.
         */
        private List<String> additionalAddresses = new ArrayList<>();

        /**
         * This server's id in its cluster, written into the join tickets it mints. Unset: a random id. Set it
         * on every server of a cluster to a distinct, stable value.
         */
        private String serverId;

        /**
         * Secret (at least 16 bytes, UTF-8) shared by every server of a cluster: join tickets minted by one
         * verify on the others. Unset: a random secret, so paths can join this server only.
         */
        private String clusterSecret;

        /** Most sessions held at once; further clients are refused with SERVER_BUSY. */
        private int maxSessions = 10_000;

        /** Most live paths per session; further joins are refused with PATH_JOIN_REFUSED. */
        private int maxPathsPerSession = 8;

        /**
         * What a primary does when a client announces its interfaces: none (paths only where the application
         * adds them) or fullmesh (one path from every client interface to every server of the session).
         */
        private String pathPolicy = "none";

        /** How long a join ticket stays valid after addPath mints it. */
        private Duration ticketLifetime = Duration.ofSeconds(10);

        /** Largest raw message (sendRaw) this server accepts, at most 64KB. */
        private DataSize maxRawMessageSize = DataSize.ofKilobytes(64);

        /** Threads that run KwikSessionHandler beans, one session at a time each. */
        private int handlerThreads = 16;

        /**
         * Accepted sessions waiting for a handler thread. When full, further sessions are closed at once with
         * application code 503 rather than queued without bound.
         */
        private int handlerQueueCapacity = 256;

        /** The server's TLS certificate. */
        private final ServerSsl ssl = new ServerSsl();

        public boolean isEnabled() {
            return enabled;
        }

        public void setEnabled(boolean enabled) {
            this.enabled = enabled;
        }

        public String getAddress() {
            return address;
        }

        public void setAddress(String address) {
            this.address = address;
        }

        public int getPort() {
            return port;
        }

        public void setPort(int port) {
            this.port = port;
        }

        public List<String> getAdditionalAddresses() {
            return additionalAddresses;
        }

        public void setAdditionalAddresses(List<String> additionalAddresses) {
            this.additionalAddresses = additionalAddresses;
        }

        public String getServerId() {
            return serverId;
        }

        public void setServerId(String serverId) {
            this.serverId = serverId;
        }

        public String getClusterSecret() {
            return clusterSecret;
        }

        public void setClusterSecret(String clusterSecret) {
            this.clusterSecret = clusterSecret;
        }

        public int getMaxSessions() {
            return maxSessions;
        }

        public void setMaxSessions(int maxSessions) {
            this.maxSessions = maxSessions;
        }

        public String getPathPolicy() {
            return pathPolicy;
        }

        public void setPathPolicy(String pathPolicy) {
            this.pathPolicy = pathPolicy;
        }

        public int getMaxPathsPerSession() {
            return maxPathsPerSession;
        }

        public void setMaxPathsPerSession(int maxPathsPerSession) {
            this.maxPathsPerSession = maxPathsPerSession;
        }

        public Duration getTicketLifetime() {
            return ticketLifetime;
        }

        public void setTicketLifetime(Duration ticketLifetime) {
            this.ticketLifetime = ticketLifetime;
        }

        public DataSize getMaxRawMessageSize() {
            return maxRawMessageSize;
        }

        public void setMaxRawMessageSize(DataSize maxRawMessageSize) {
            this.maxRawMessageSize = maxRawMessageSize;
        }

        public int getHandlerThreads() {
            return handlerThreads;
        }

        public void setHandlerThreads(int handlerThreads) {
            this.handlerThreads = handlerThreads;
        }

        public int getHandlerQueueCapacity() {
            return handlerQueueCapacity;
        }

        public void setHandlerQueueCapacity(int handlerQueueCapacity) {
            this.handlerQueueCapacity = handlerQueueCapacity;
        }

        public ServerSsl getSsl() {
            return ssl;
        }
    }

    /** Where the server's certificate comes from: exactly one of bundle, PEM files or self-signed. */
    public static class ServerSsl {

        /** Name of a Spring Boot SSL bundle (spring.ssl.bundle.*) holding the key and certificate chain. */
        private String bundle;

        /** PEM certificate chain, leaf first (any Spring resource location: file:, classpath:). */
        private Resource certificate;

        /** PEM private key matching the certificate (PKCS#8; Spring Boot's PEM parser also reads PKCS#1 RSA and SEC1 EC). */
        private Resource privateKey;

        /**
         * Generate a self-signed certificate for localhost at startup. Development only: clients must trust
         * it explicitly, and a warning is logged.
         */
        private boolean selfSigned;

        public String getBundle() {
            return bundle;
        }

        public void setBundle(String bundle) {
            this.bundle = bundle;
        }

        public Resource getCertificate() {
            return certificate;
        }

        public void setCertificate(Resource certificate) {
            this.certificate = certificate;
        }

        public Resource getPrivateKey() {
            return privateKey;
        }

        public void setPrivateKey(Resource privateKey) {
            this.privateKey = privateKey;
        }

        public boolean isSelfSigned() {
            return selfSigned;
        }

        public void setSelfSigned(boolean selfSigned) {
            this.selfSigned = selfSigned;
        }
    }

    /** The KWIK client and the session it can open at startup. */
    public static class Client {

        /** Whether to create a KwikClient bean. */
        private boolean enabled = true;

        /**
         * The primary server to dial, as host:port. When set, a KwikSession bean connected to it is available
         * for injection.
         */
        private String address;

        /**
         * Dial the session during startup (and fail startup if the server cannot be reached) instead of on
         * first use.
         */
        private boolean eager;

        /** Opaque credentials (UTF-8, at most 4KB) presented to the server's authenticator. */
        private String credentials;

        /** How long dialling and path joins may take before failing with CONNECT_TIMEOUT. */
        private Duration connectTimeout = Duration.ofSeconds(5);

        /**
         * Local interfaces paths may leave from (Wi-Fi, cellular, a second link), in order of preference; the
         * primary decides which paths to open from them (kwik.server.path-policy on its side).
         */
        private List<Interface> interfaces = new ArrayList<>();

        /**
         * Also use every interface the OS reports up, not loopback and with an address (named by its OS name),
         * and any that appears later.
         */
        private boolean allInterfaces;

        /** How the client verifies servers' certificates. */
        private final ClientSsl ssl = new ClientSsl();

        public boolean isEnabled() {
            return enabled;
        }

        public void setEnabled(boolean enabled) {
            this.enabled = enabled;
        }

        public String getAddress() {
            return address;
        }

        public void setAddress(String address) {
            this.address = address;
        }

        public boolean isEager() {
            return eager;
        }

        public void setEager(boolean eager) {
            this.eager = eager;
        }

        public String getCredentials() {
            return credentials;
        }

        public void setCredentials(String credentials) {
            this.credentials = credentials;
        }

        public boolean isAllInterfaces() {
            return allInterfaces;
        }

        public void setAllInterfaces(boolean allInterfaces) {
            this.allInterfaces = allInterfaces;
        }

        public List<Interface> getInterfaces() {
            return interfaces;
        }

        public void setInterfaces(List<Interface> interfaces) {
            this.interfaces = interfaces;
        }

        public Duration getConnectTimeout() {
            return connectTimeout;
        }

        public void setConnectTimeout(Duration connectTimeout) {
            this.connectTimeout = connectTimeout;
        }

        public ClientSsl getSsl() {
            return ssl;
        }
    }

    /**
     * Which certificates the client trusts. Unset: the JDK's default trust store, with host-name verification.
     */
    public static class ClientSsl {

        /** Name of a Spring Boot SSL bundle whose trust material verifies servers. */
        private String bundle;

        /** PEM file of the certificates (or CA) to trust instead of the JDK's trust store. */
        private Resource trustCertificate;

        /**
         * Accept any server certificate and host name. Development only: it removes all protection against
         * impostors, and a warning is logged.
         */
        private boolean trustAll;

        public String getBundle() {
            return bundle;
        }

        public void setBundle(String bundle) {
            this.bundle = bundle;
        }

        public Resource getTrustCertificate() {
            return trustCertificate;
        }

        public void setTrustCertificate(Resource trustCertificate) {
            this.trustCertificate = trustCertificate;
        }

        public boolean isTrustAll() {
            return trustAll;
        }

        public void setTrustAll(boolean trustAll) {
            this.trustAll = trustAll;
        }
    }

    /** One client interface: an id, and either a local address or an OS interface name. */
    public static class Interface {

        /** Opaque id the primary knows the interface by: 1 to 32 letters, digits, '.', '_' or '-'. */
        private String id;

        /** Local address paths from this interface bind to. */
        private String address;

        /** OS interface name (e.g. wlan0); its first address of the server's family is used. */
        private String name;

        /** Metered interface: carries data only while no other path to a server is alive. */
        private boolean backup;

        public String getId() {
            return id;
        }

        public void setId(String id) {
            this.id = id;
        }

        public String getAddress() {
            return address;
        }

        public void setAddress(String address) {
            this.address = address;
        }

        public String getName() {
            return name;
        }

        public void setName(String name) {
            this.name = name;
        }

        public boolean isBackup() {
            return backup;
        }

        public void setBackup(boolean backup) {
            this.backup = backup;
        }
    }

    /** How a session spreads its packets over its paths. */
    public static class Scheduler {

        /** The scheduling policy of every session. */
        private SchedulerPolicy policy = SchedulerPolicy.EARLIEST_ARRIVAL;

        /**
         * Weights for the weighted policy (1 to 1000, default 1), keyed by the remote address of a server's
         * path (host or host:port of the client end). Applied by the auto-configured server to each path
         * of the sessions it hands to KwikSessionHandler beans.
         */
        private Map<String, Integer> weights = new LinkedHashMap<>();

        public SchedulerPolicy getPolicy() {
            return policy;
        }

        public void setPolicy(SchedulerPolicy policy) {
            this.policy = policy;
        }

        public Map<String, Integer> getWeights() {
            return weights;
        }

        public void setWeights(Map<String, Integer> weights) {
            this.weights = weights;
        }
    }

    /** Built-in path schedulers. */
    public enum SchedulerPolicy {
        /**
         * Each packet on the path where it arrives first (bytes in flight, delivery rate, minimum RTT): paths of
         * different speeds and delays finish together.
         */
        EARLIEST_ARRIVAL("earliest-arrival"),
        /** The path with the lowest minimum RTT that has room; near-equal paths share by bytes in flight. */
        MIN_RTT("min-rtt"),
        /** Paths in turn. */
        ROUND_ROBIN("round-robin"),
        /** Paths in proportion to their weights. */
        WEIGHTED("weighted"),
        /** Every packet on every path: lowest latency, no aggregation. */
        REDUNDANT("redundant");

        private final String schedulerName;

        SchedulerPolicy(String schedulerName) {
            this.schedulerName = schedulerName;
        }

        /** The name KwikTransportBuilder#scheduler(String) knows this policy by. */
        public String schedulerName() {
            return schedulerName;
        }
    }

    /** Path liveness. */
    public static class Paths {

        /** Interval between PINGs on each path; also how often per-path RTT and QUIC figures are sampled. */
        private Duration heartbeatInterval = Duration.ofMillis(250);

        /**
         * A path that received nothing for this long is declared DEAD and its unacknowledged data moves to
         * another path to the same server (copies of it move sooner, when the path turns DEGRADED: after two
         * silent heartbeats, or four RTTs, at least 150 ms, of silence with data in flight).
         */
        private Duration deadAfter = Duration.ofSeconds(1);

        public Duration getHeartbeatInterval() {
            return heartbeatInterval;
        }

        public void setHeartbeatInterval(Duration heartbeatInterval) {
            this.heartbeatInterval = heartbeatInterval;
        }

        public Duration getDeadAfter() {
            return deadAfter;
        }

        public void setDeadAfter(Duration deadAfter) {
            this.deadAfter = deadAfter;
        }
    }

    /** Logical streams. */
    public static class Streams {

        /** Logical streams sharing one QUIC stream of a path (head-of-line blocking trade-off). */
        private int perChannel = 4;

        /** Streams the peer may have open at once in each direction and kind. */
        private long maxConcurrent = 256;

        public int getPerChannel() {
            return perChannel;
        }

        public void setPerChannel(int perChannel) {
            this.perChannel = perChannel;
        }

        public long getMaxConcurrent() {
            return maxConcurrent;
        }

        public void setMaxConcurrent(long maxConcurrent) {
            this.maxConcurrent = maxConcurrent;
        }
    }

    /** Receive windows. */
    public static class FlowControl {

        /** Bytes a peer may send on one stream beyond what the application has read. */
        private DataSize streamWindow = DataSize.ofMegabytes(2);

        /** Bytes each writing server may send on the whole session beyond what the application has read. */
        private DataSize sessionWindow = DataSize.ofMegabytes(16);

        public DataSize getStreamWindow() {
            return streamWindow;
        }

        public void setStreamWindow(DataSize streamWindow) {
            this.streamWindow = streamWindow;
        }

        public DataSize getSessionWindow() {
            return sessionWindow;
        }

        public void setSessionWindow(DataSize sessionWindow) {
            this.sessionWindow = sessionWindow;
        }
    }

    /** Micrometer meters (when a MeterRegistry bean exists). */
    public static class Metrics {

        /** Whether to publish kwik.* meters. */
        private boolean enabled = true;

        /** How often per-path meters are brought up to date and meters of removed paths dropped. */
        private Duration refreshInterval = Duration.ofSeconds(1);

        public boolean isEnabled() {
            return enabled;
        }

        public void setEnabled(boolean enabled) {
            this.enabled = enabled;
        }

        public Duration getRefreshInterval() {
            return refreshInterval;
        }

        public void setRefreshInterval(Duration refreshInterval) {
            this.refreshInterval = refreshInterval;
        }
    }

    // ---------------------------------------------------------------- validation at bind time

    @Override
    public boolean supports(Class<?> clazz) {
        return KwikProperties.class.isAssignableFrom(clazz);
    }

    @Override
    public void validate(Object target, Errors errors) {
        new KwikPropertiesValidation((KwikProperties) target, errors).run();
    }

    public static class Observation {

        /**
         * Whether to report accepted sessions, handler runs and dials as Micrometer observations (traces, timers)
         * when the application has an ObservationRegistry.
         */
        private boolean enabled = true;

        public boolean isEnabled() {
            return enabled;
        }

        public void setEnabled(boolean enabled) {
            this.enabled = enabled;
        }
    }
}

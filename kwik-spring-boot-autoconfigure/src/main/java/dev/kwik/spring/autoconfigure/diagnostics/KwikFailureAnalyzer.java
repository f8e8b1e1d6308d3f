package dev.kwik.spring.autoconfigure.diagnostics;

import dev.kwik.KwikException;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.core.env.Environment;

/**
 * Turns what KWIK users most often get wrong at startup into Spring Boot's {@code APPLICATION FAILED TO START}
 * report, naming the property to change: the server's UDP port taken or its address not local, and an eager
 * client dial that fails ({@code kwik.client.eager=true}). Other KWIK failures are left to Spring's own report.
 */
public final class KwikFailureAnalyzer extends AbstractFailureAnalyzer<KwikException> {
    private final Environment environment;

    public KwikFailureAnalyzer(Environment environment) {
        this.environment = environment;
    }

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, KwikException cause) {
        String address = property("kwik.server.address", "127.0.0.1");
        String port = property("kwik.server.port", "4433");
        String client = property("kwik.client.address", "(not set)");
        return switch (cause.code()) {
            case ADDRESS_IN_USE -> new FailureAnalysis("The KWIK server could not start (" + cause.code() + "): UDP "
                    + address + ":" + port + " is already in use by another socket (kwik.server.address=" + address
                    + ", kwik.server.port=" + port + ").",
                    "Stop the process that holds UDP port " + port + ", or set kwik.server.port to another port "
                            + "(0 picks a free one).", cause);
            case BIND_FAILED -> new FailureAnalysis("The KWIK server could not start (" + cause.code() + "): "
                    + cause.getMessage() + " (kwik.server.address=" + address + ").",
                    "Set kwik.server.address to an address of this machine (0.0.0.0 for every interface).", cause);
            case CONNECT_TIMEOUT, CONNECTION_LOST -> eager(cause, client,
                    "Start the KWIK server at " + client + " or correct kwik.client.address; or set "
                            + "kwik.client.eager=false to dial on first use instead of at startup.");
            case TLS_HANDSHAKE_FAILED -> eager(cause, client,
                    "Make the client trust the server's certificate (kwik.client.ssl.bundle or "
                            + "kwik.client.ssl.trust-certificate) and check that it names " + client + ".");
            case AUTH_REFUSED -> eager(cause, client, "Set kwik.client.credentials to what the server's "
                    + "KwikAuthenticator accepts.");
            default -> null;
        };
    }

    /** As written (a placeholder such as ${local.kwik.server.port} may not resolve when startup failed). */
    private String property(String name, String otherwise) {
        return Binder.get(environment).bind(name, String.class).orElse(otherwise);
    }

    private FailureAnalysis eager(KwikException cause, String client, String action) {
        if (!Boolean.parseBoolean(property("kwik.client.eager", "false"))) {
            return null;
        }
        return new FailureAnalysis("The KWIK client could not dial kwik.client.address=" + client + " at startup "
                + "(kwik.client.eager=true): " + cause.code() + ": " + cause.getMessage(), action, cause);
    }
}

package dev.kwik.spring.autoconfigure.diagnostics;

import io.netty.util.Version;
import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

import java.util.Locale;

/**
 * Netty's native QUIC library (quiche) did not load: names this machine's OS and architecture and the artifact
 * that carries the library for it, instead of a long {@code UnsatisfiedLinkError}.
 */
public final class NativeQuicFailureAnalyzer extends AbstractFailureAnalyzer<UnsatisfiedLinkError> {
    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, UnsatisfiedLinkError cause) {
        if (!fromNettyQuic(cause)) {
            return null;
        }
        String os = System.getProperty("os.name");
        String arch = System.getProperty("os.arch");
        String classifier = classifier(os, arch);
        String artifact = "io.netty:netty-codec-native-quic:" + nettyVersion() + ":" + (classifier == null ? "<classifier>" : classifier);
        return new FailureAnalysis("Netty's native QUIC library could not be loaded on " + os + " " + arch
                + ", so KWIK cannot run here: " + cause.getMessage(),
                "Add the dependency " + artifact + (classifier == null
                        ? " with the classifier of this platform (Netty publishes linux-x86_64, linux-aarch_64, "
                        + "osx-x86_64, osx-aarch_64 and windows-x86_64)"
                        : "") + ". The KWIK starter brings linux-x86_64, linux-aarch_64, osx-x86_64 and osx-aarch_64; "
                        + "if your build excludes them, add back the one this machine needs.", cause);
    }

    /** Netty's classifier for an OS and architecture as Java names them, or null when Netty publishes none. */
    static String classifier(String osName, String osArch) {
        String os = osName.toLowerCase(Locale.ROOT);
        String arch = osArch.toLowerCase(Locale.ROOT);
        String o = os.startsWith("linux") ? "linux" : os.startsWith("mac") || os.startsWith("darwin") ? "osx"
                : os.startsWith("windows") ? "windows" : null;
        String a = arch.equals("amd64") || arch.equals("x86_64") ? "x86_64"
                : arch.equals("aarch64") || arch.equals("arm64") ? "aarch_64" : null;
        if (o == null || a == null || o.equals("windows") && a.equals("aarch_64")) {
            return null;
        }
        return o + "-" + a;
    }

    private static boolean fromNettyQuic(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (String.valueOf(c.getMessage()).contains("quiche")) {
                return true;
            }
            for (StackTraceElement e : c.getStackTrace()) {
                if (e.getClassName().startsWith("io.netty.handler.codec.quic.")) {
                    return true;
                }
            }
        }
        return false;
    }

    private static String nettyVersion() {
        Version v = Version.identify().get("netty-codec-classes-quic");
        return v != null ? v.artifactVersion() : "<the Netty version of your build>";
    }
}

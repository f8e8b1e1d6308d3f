package dev.kwik.sample;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The multi-source file transfer demo. Without a profile it runs, in one JVM, a secondary KWIK server, a primary
 * KWIK server and a client, each its own Spring Boot application configured only through the starter
 * ({@code application-secondary.yml}, {@code -primary.yml}, {@code -client.yml}); with
 * {@code --spring.profiles.active=primary|secondary|client} it runs that one role, so the three can run as
 * separate processes (start the secondary, then the primary, then the client).
 */
@SpringBootApplication
@EnableConfigurationProperties(DemoProperties.class)
public class KwikDemoApplication {

    @Bean
    DemoResult demoResult() {
        return new DemoResult();
    }

    public static void main(String[] args) throws Exception {
        List<ConfigurableApplicationContext> contexts = start(args);
        ConfigurableApplicationContext client = contexts.stream()
                .filter(c -> c.getEnvironment().matchesProfiles("client")).findFirst().orElse(null);
        if (client != null && client.getBean(DemoProperties.class).isExit()) {
            boolean ok = client.getBean(DemoResult.class).ok.get();
            for (int i = contexts.size() - 1; i >= 0; i--) {
                contexts.get(i).close();
            }
            System.exit(ok ? 0 : 1);
        }
    }

    /**
     * Starts the role given by a profile in {@code args}, or all three in this JVM; returns their contexts
     * (secondary, primary, client in all-in-one mode).
     */
    static List<ConfigurableApplicationContext> start(String[] args) {
        DemoCertificates.ensure(certificateDir(args));
        List<ConfigurableApplicationContext> contexts = new ArrayList<>();
        if (hasProfile(args)) {
            contexts.add(SpringApplication.run(KwikDemoApplication.class, args));
        } else {
            ConfigurableApplicationContext secondary = role("secondary").run(args);
            contexts.add(secondary);
            contexts.add(role("primary").run(args));
            contexts.add(role("client").initializers(ctx -> ctx.getBeanFactory().registerSingleton("secondaryKiller",
                    (SecondaryKiller) secondary::close)).run(args));
        }
        return contexts;
    }

    private static SpringApplicationBuilder role(String profile) {
        return new SpringApplicationBuilder(KwikDemoApplication.class).profiles(profile);
    }

    private static boolean hasProfile(String[] args) {
        for (String a : args) {
            if (a.startsWith("--spring.profiles.active=")) {
                return true;
            }
        }
        return System.getProperty("spring.profiles.active") != null || System.getenv("SPRING_PROFILES_ACTIVE") != null;
    }

    private static Path certificateDir(String[] args) {
        for (String a : args) {
            if (a.startsWith("--demo.certificates=")) {
                return Path.of(a.substring("--demo.certificates=".length()));
            }
        }
        return Path.of(System.getProperty("java.io.tmpdir"), "kwik-demo-certificates");
    }
}

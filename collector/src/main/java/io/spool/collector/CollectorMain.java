package io.spool.collector;

import io.spool.config.Logging;
import io.spool.config.SettingException;
import io.spool.config.SettingsDef;
import io.spool.config.Sizes;
import io.spool.journal.Journal;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code java -jar spool-collector.jar}: runs the collector until SIGTERM or SIGINT, then shuts it
 * down gracefully (new requests get 503, requests in flight are answered, the journal is closed) and
 * exits 0. Every option also reads an environment variable.
 */
@Command(
        name = "spool-collector",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        usageHelpAutoWidth = true,
        versionProvider = CollectorMain.Version.class,
        subcommands = TailCommand.class,
        description = "Receives events over Segment's HTTP tracking API and stores them in the Spool journal "
                + "before answering.%nEvery option also reads the environment variable named in its description.")
public final class CollectorMain implements Callable<Integer> {
    /** The command line running this, so that errors go to its error stream (tests capture it). */
    @Spec
    CommandSpec spec;

    /** The environment the settings are read from (tests give their own). */
    Map<String, String> env = System.getenv();

    /** The command line with every setting of {@link CollectorSettings} and the {@code tail} subcommand. */
    static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new CollectorMain());
        CollectorSettings.ALL.addOptionsTo(cli.getCommandSpec());
        cli.setParameterExceptionHandler(SettingsDef.oneLineErrors("spool-collector"));
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            if (e instanceof SettingException) {
                commandLine.getErr().println("spool-collector: " + e.getMessage());
                return 2;
            }
            commandLine.getErr().println("spool-collector: " + e.getMessage());
            return 1;
        });
        return cli;
    }

    public static void main(String[] args) {
        Journal.disableChronicleAnalytics();
        // Undertow and XNIO log through JBoss Logging: through SLF4J, so that --log-level and --log-format apply.
        System.setProperty("org.jboss.logging.provider", "slf4j");
        // Spool's defaults before anything logs; call() applies --log-level and --log-format.
        Logging.configure(Logging.LOG_LEVEL.defaultValue(), Logging.LOG_FORMAT.defaultValue());
        CommandLine cli = commandLine();
        // UTF-8 whatever the locale says: tail prints stored events, whose text is UTF-8.
        cli.setOut(new PrintWriter(
                new java.io.OutputStreamWriter(System.out, java.nio.charset.StandardCharsets.UTF_8), true));
        int status;
        try {
            status = cli.execute(args);
        } catch (Throwable t) {
            // Undertow's worker threads are not daemons: without an exit here the JVM would linger.
            System.err.println("spool-collector: " + t);
            status = 1;
        }
        System.exit(status);
    }

    @Override
    public Integer call() throws Exception {
        PrintWriter err = spec.commandLine().getErr();
        SettingsDef.Values v = CollectorSettings.ALL.resolve(spec.commandLine().getParseResult(), env);
        Logging.configure(v);
        List<String> keys = new ArrayList<>(v.get(CollectorSettings.WRITE_KEY));
        Path keysFile = v.get(CollectorSettings.WRITE_KEYS_FILE);
        if (keysFile != null) {
            try {
                for (String line : Files.readAllLines(keysFile)) {
                    String key = line.strip();
                    if (!key.isEmpty() && !key.startsWith("#")) {
                        keys.add(key);
                    }
                }
            } catch (IOException e) {
                err.println("spool-collector: " + v.source(CollectorSettings.WRITE_KEYS_FILE) + " " + keysFile
                        + ": cannot read it (" + e + ")");
                return 2;
            }
        }
        boolean allowAnonymous = v.get(CollectorSettings.ALLOW_ANONYMOUS);
        if (keys.isEmpty() && !allowAnonymous) {
            err.println("spool-collector: no write key configured; pass --write-key KEY (or --write-keys-file,"
                    + " SPOOL_WRITE_KEYS), or --allow-anonymous to accept events without one");
            return 2;
        }
        if (v.get(CollectorSettings.MAX_EVENT_SIZE) > v.get(CollectorSettings.MAX_REQUEST_SIZE)) {
            throw new SettingException(
                    CollectorSettings.MAX_EVENT_SIZE,
                    v.source(CollectorSettings.MAX_EVENT_SIZE) + " "
                            + Sizes.format(v.get(CollectorSettings.MAX_EVENT_SIZE)) + ": must not exceed "
                            + v.source(CollectorSettings.MAX_REQUEST_SIZE) + " ("
                            + Sizes.format(v.get(CollectorSettings.MAX_REQUEST_SIZE)) + ")");
        }
        Path keystore = v.get(CollectorSettings.TLS_KEYSTORE);
        String keystorePassword = v.get(CollectorSettings.TLS_KEYSTORE_PASSWORD);
        if (keystorePassword != null && !keystorePassword.isEmpty() && keystore == null) {
            err.println(
                    "spool-collector: --tls-keystore-password (SPOOL_TLS_KEYSTORE_PASSWORD) is set but --tls-keystore"
                            + " (SPOOL_TLS_KEYSTORE) is not");
            return 2;
        }
        Collector.Builder builder = Collector.builder()
                .host(v.get(CollectorSettings.HOST))
                .port(v.get(CollectorSettings.PORT))
                .journalDir(v.get(CollectorSettings.JOURNAL_DIR))
                .fsync(v.get(CollectorSettings.FSYNC))
                .writeKeys(keys)
                .allowAnonymous(allowAnonymous)
                .trustProxy(v.get(CollectorSettings.TRUST_PROXY))
                .maxEventBytes(v.get(CollectorSettings.MAX_EVENT_SIZE).intValue())
                .maxRequestBytes(v.get(CollectorSettings.MAX_REQUEST_SIZE).intValue())
                .rateLimit(v.get(CollectorSettings.RATE_LIMIT))
                .minFreeDiskBytes(v.get(CollectorSettings.MIN_FREE_DISK))
                .readTimeout(v.get(CollectorSettings.READ_TIMEOUT))
                .shutdownTimeout(v.get(CollectorSettings.SHUTDOWN_TIMEOUT))
                .maxHeaderBytes(v.get(CollectorSettings.MAX_HEADER_SIZE).intValue())
                .maxConnections(v.get(CollectorSettings.MAX_CONNECTIONS))
                .console(v.get(CollectorSettings.CONSOLE));
        if (keystore != null) {
            builder.tlsKeystore(keystore, keystorePassword == null ? "" : keystorePassword);
        }
        String metricsKey = v.get(CollectorSettings.METRICS_KEY);
        if (metricsKey != null && !metricsKey.isEmpty()) {
            builder.metricsKey(metricsKey);
        }
        String adminKey = v.get(CollectorSettings.CONSOLE_ADMIN_KEY);
        if (adminKey != null && !adminKey.isEmpty()) {
            builder.consoleAdminKey(adminKey);
        }
        if (v.get(CollectorSettings.CONSOLE_WRITER_METRICS) != null) {
            builder.consoleWriterMetrics(v.get(CollectorSettings.CONSOLE_WRITER_METRICS));
        }
        if (v.get(CollectorSettings.IO_THREADS) != null) {
            builder.ioThreads(v.get(CollectorSettings.IO_THREADS));
        }
        if (v.get(CollectorSettings.WORKER_THREADS) != null) {
            builder.workerThreads(v.get(CollectorSettings.WORKER_THREADS));
        }
        Collector collector;
        try {
            collector = builder.build();
        } catch (IllegalArgumentException | IllegalStateException e) {
            err.println("spool-collector: " + e.getMessage());
            return 2;
        }
        CountDownLatch stop = new CountDownLatch(1);
        // Handling TERM and INT ourselves (rather than in a shutdown hook) is what lets the JVM exit 0.
        SignalTrap.onTermination(stop::countDown);
        try {
            // Binds the port, then opens the journal: a port in use is one line, and no journal is created.
            collector.start();
        } catch (RuntimeException e) {
            collector.close();
            err.println("spool-collector: " + e.getMessage());
            return 2;
        }
        stop.await();
        collector.close();
        return 0;
    }

    /** The version in the jar's manifest, when there is one. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = CollectorMain.class.getPackage().getImplementationVersion();
            return new String[] {"spool-collector " + (v == null ? "(development build)" : v)};
        }
    }
}

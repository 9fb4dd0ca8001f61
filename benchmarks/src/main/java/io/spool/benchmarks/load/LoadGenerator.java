package io.spool.benchmarks.load;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;

/**
 * {@code java -cp benchmarks/target/benchmarks.jar io.spool.benchmarks.load.LoadGenerator --help}:
 * Segment {@code /v1/batch} load on a collector, at a fixed rate or flat out, with a progress line a
 * second on stderr and the summary on stdout (and as JSON with {@code --json FILE}).
 */
@Command(
        name = "load-generator",
        mixinStandardHelpOptions = true,
        version = "spool-benchmarks load generator",
        sortOptions = false,
        usageHelpAutoWidth = true,
        description = {
            "Sends Segment batches (POST /v1/batch, Basic auth with the write key) of ~390-byte server-side track "
                    + "events to a collector over keep-alive connections (one request in flight on each), "
                    + "shared out over --threads non-blocking sending threads.",
            "A progress line a second goes to stderr (elapsed, events/s, requests/s, p50/p99 of that second, errors so far); "
                    + "the summary to stdout. At a fixed rate, latency is measured from each request's intended send time "
                    + "(corrected for coordinated omission).",
            "Exit status: 0, or 1 when no request was answered 200."
        })
public final class LoadGenerator implements Callable<Integer> {
    @Option(
            names = "--url",
            defaultValue = "http://127.0.0.1:8088",
            description =
                    "The collector: http://host:port (requests go to /v1/batch) or a full URL. Default: ${DEFAULT-VALUE}.")
    URI url;

    @Option(
            names = "--write-key",
            defaultValue = "bench",
            description = "The write key (Basic auth user name). Default: ${DEFAULT-VALUE}.")
    String writeKey;

    @Option(
            names = {"-c", "--connections"},
            paramLabel = "N",
            defaultValue = "16",
            description = "Keep-alive connections, one request in flight on each. Default: ${DEFAULT-VALUE}.")
    int connections;

    @Option(
            names = {"-t", "--threads"},
            paramLabel = "N",
            defaultValue = "1",
            description =
                    "Sending threads, each an event loop over its share of the connections. Default: ${DEFAULT-VALUE}.")
    int threads;

    @Option(
            names = {"-b", "--batch-size"},
            paramLabel = "EVENTS",
            defaultValue = "100",
            description = "Events per request. Default: ${DEFAULT-VALUE}.")
    int batchSize;

    @Option(
            names = "--gzip",
            description = "Send Content-Encoding: gzip bodies (compressed per request, level 1, unless --body-pool).")
    boolean gzip;

    @Option(
            names = {"-r", "--rate"},
            paramLabel = "EVENTS_PER_SECOND",
            defaultValue = "0",
            description =
                    "A fixed rate in events per second, spread over the connections; 0: flat out. Default: ${DEFAULT-VALUE}.")
    double rate;

    @Option(
            names = {"-d", "--duration"},
            paramLabel = "DURATION",
            defaultValue = "30s",
            converter = DurationConverter.class,
            description = "Measured time, after the warm-up: 30s, 10m, 1h, 500ms. Default: ${DEFAULT-VALUE}.")
    Duration duration;

    @Option(
            names = {"-w", "--warmup"},
            paramLabel = "DURATION",
            defaultValue = "10s",
            converter = DurationConverter.class,
            description = "Load sent before measuring (not in the figures). Default: ${DEFAULT-VALUE}.")
    Duration warmup;

    @Option(
            names = "--timeout",
            paramLabel = "DURATION",
            defaultValue = "30s",
            converter = DurationConverter.class,
            description = "Connect and answer timeout of one request. Default: ${DEFAULT-VALUE}.")
    Duration timeout;

    @Option(
            names = "--body-pool",
            paramLabel = "N",
            defaultValue = "0",
            description =
                    "0: new messageIds in every request. N: send N prepared bodies in turn (cheapest for the "
                            + "generator, also with --gzip; ids repeat, so the writer drops the repeats). Default: ${DEFAULT-VALUE}.")
    int bodyPool;

    @Option(names = "--json", paramLabel = "FILE", description = "Also write the summary as JSON to FILE.")
    Path json;

    public static void main(String[] args) {
        System.exit(new CommandLine(new LoadGenerator()).execute(args));
    }

    @Override
    public Integer call() throws IOException {
        LoadPlan.Builder builder = LoadPlan.builder(url)
                .writeKey(writeKey)
                .connections(connections)
                .threads(threads)
                .batchSize(batchSize)
                .eventsPerSecond(rate)
                .duration(duration)
                .warmup(warmup)
                .timeout(timeout)
                .bodyPool(bodyPool);
        if (gzip) {
            builder.gzip();
        }
        LoadPlan plan;
        try {
            plan = builder.build();
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(new CommandLine(this), e.getMessage());
        }
        System.err.println("load: " + plan + " -> " + plan.endpoint());
        LoadReport report = LoadRun.run(plan, System.err::println);
        System.out.print(report.text());
        if (json != null) {
            Path parent = json.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            Files.writeString(json, report.json(), StandardCharsets.UTF_8);
        }
        return report.requests() - report.errors() > 0 ? 0 : 1;
    }

    /** 30s, 10m, 1h, 500ms, or a bare number of seconds. */
    static final class DurationConverter implements ITypeConverter<Duration> {
        private static final Pattern FORM = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*(ms|s|m|h)?");

        @Override
        public Duration convert(String value) {
            Matcher m = FORM.matcher(value.trim().toLowerCase(Locale.ROOT));
            if (!m.matches()) {
                throw new CommandLine.TypeConversionException("not a duration (30s, 10m, 1h, 500ms): '" + value + "'");
            }
            double amount = Double.parseDouble(m.group(1));
            String unit = m.group(2) == null ? "s" : m.group(2);
            double millis = switch (unit) {
                case "ms" -> amount;
                case "m" -> amount * 60_000;
                case "h" -> amount * 3_600_000;
                default -> amount * 1000;
            };
            return Duration.ofMillis(Math.round(millis));
        }
    }
}

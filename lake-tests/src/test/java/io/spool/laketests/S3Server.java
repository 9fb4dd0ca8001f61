package io.spool.laketests;

import io.spool.testsupport.Deadline;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.gaul.s3proxy.AuthenticationType;
import org.gaul.s3proxy.S3Proxy;
import org.jclouds.ContextBuilder;
import org.jclouds.blobstore.BlobStoreContext;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * An S3 API server in this JVM: S3Proxy over jclouds' "filesystem" blob store in a local folder, on
 * 127.0.0.1 and a free port, with one bucket ({@value #BUCKET}) and one key pair. Nothing leaves the
 * machine. {@link #catalogProperties()} gives what the writer and Spark need to reach it through
 * Iceberg's S3FileIO.
 *
 * <p>S3Proxy 2.6.0 does not understand the AWS SDK's default request checksums (since SDK 2.30 a
 * {@code PutObject} streams {@code STREAMING-UNSIGNED-PAYLOAD-TRAILER} with a trailing CRC, which it
 * rejects: "x-amz-content-sha256 header does not match", gaul/s3proxy#795). Clients of this server
 * compute checksums only when an operation requires them: {@link #client()} by its builder, this JVM
 * (Spark) by {@link #SDK_SYSTEM_PROPERTIES}. The writer does it by itself when given an
 * {@code s3.endpoint} (S3-compatible servers), which S3IT proves by giving it no such setting.
 * Real S3 needs none of this.
 */
public final class S3Server implements AutoCloseable {
    public static final String BUCKET = "lake";
    public static final String ACCESS_KEY = "spool-test-access";
    public static final String SECRET_KEY = "spool-test-secret";
    public static final String REGION = "us-east-1";

    /** Environment for a child JVM whose AWS SDK talks to this server. */
    public static final Map<String, String> SDK_ENVIRONMENT = Map.of(
            "AWS_REQUEST_CHECKSUM_CALCULATION", "WHEN_REQUIRED",
            "AWS_RESPONSE_CHECKSUM_VALIDATION", "WHEN_REQUIRED");
    /** The same as system properties, for this JVM; {@link #start} sets them. */
    public static final Map<String, String> SDK_SYSTEM_PROPERTIES = Map.of(
            "aws.requestChecksumCalculation", "WHEN_REQUIRED",
            "aws.responseChecksumValidation", "WHEN_REQUIRED");

    private final S3Proxy proxy;
    private final BlobStoreContext context;
    private final Path root;
    private final URI endpoint;

    private S3Server(S3Proxy proxy, BlobStoreContext context, Path root, URI endpoint) {
        this.proxy = proxy;
        this.context = context;
        this.root = root;
        this.endpoint = endpoint;
    }

    /** Starts a server that keeps its objects under {@code root} (created if missing). */
    public static S3Server start(Path root) throws Exception {
        Files.createDirectories(root);
        SDK_SYSTEM_PROPERTIES.forEach(System::setProperty);
        Properties overrides = new Properties();
        overrides.setProperty(
                "jclouds.filesystem.basedir", root.toAbsolutePath().toString());
        BlobStoreContext context = ContextBuilder.newBuilder("filesystem")
                .credentials("unused", "unused")
                .overrides(overrides)
                .build(BlobStoreContext.class);
        context.getBlobStore().createContainerInLocation(null, BUCKET);
        S3Proxy proxy = S3Proxy.builder()
                .blobStore(context.getBlobStore())
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, ACCESS_KEY, SECRET_KEY)
                .endpoint(URI.create("http://127.0.0.1:0"))
                .build();
        try {
            proxy.start();
            Deadline.of(Duration.ofSeconds(30)).await("S3Proxy started", () -> "STARTED".equals(proxy.getState()));
        } catch (Exception | Error e) {
            try {
                proxy.stop();
            } finally {
                context.close();
            }
            throw e;
        }
        return new S3Server(proxy, context, root, URI.create("http://127.0.0.1:" + proxy.getPort()));
    }

    public URI endpoint() {
        return endpoint;
    }

    /** The folder the blob store keeps its objects in (one sub-folder per bucket). */
    public Path root() {
        return root;
    }

    /** {@code s3://lake/<path>}. */
    public String uri(String path) {
        return "s3://" + BUCKET + "/" + path;
    }

    /** Iceberg S3FileIO properties for this server: endpoint, path-style access, keys, region. */
    public Map<String, String> catalogProperties() {
        return Map.of(
                "s3.endpoint", endpoint.toString(),
                "s3.path-style-access", "true",
                "s3.access-key-id", ACCESS_KEY,
                "s3.secret-access-key", SECRET_KEY,
                "client.region", REGION);
    }

    /** The same properties as the writer takes them: {@code --catalog-property k=v} pairs. */
    public List<String> writerArguments() {
        List<String> args = new ArrayList<>();
        catalogProperties().entrySet().stream()
                .sorted(Map.Entry.comparingByKey())
                .forEach(e -> {
                    args.add("--catalog-property");
                    args.add(e.getKey() + "=" + e.getValue());
                });
        return args;
    }

    /** A client for this server (AWS SDK v2, JDK URL connection, path-style); the caller closes it. */
    public S3Client client() {
        return S3Client.builder()
                .endpointOverride(endpoint)
                .region(Region.of(REGION))
                .credentialsProvider(
                        StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS_KEY, SECRET_KEY)))
                .forcePathStyle(true)
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
                .httpClient(UrlConnectionHttpClient.create())
                .build();
    }

    @Override
    public void close() {
        try {
            proxy.stop();
        } catch (Exception e) {
            throw new IllegalStateException("cannot stop S3Proxy", e);
        } finally {
            context.close();
        }
    }
}

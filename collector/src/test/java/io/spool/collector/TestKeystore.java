package io.spool.collector;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/**
 * A self-signed server certificate for {@code localhost} and {@code 127.0.0.1}, made by the JDK's own
 * {@code keytool} in a test's folder (so no private key is committed), and a client trust that accepts it
 * and nothing else.
 */
record TestKeystore(Path file, String password, X509Certificate certificate) {
    /** Runs {@code keytool -genkeypair}; {@code type} is {@code PKCS12} or {@code JKS}. */
    static TestKeystore generate(Path dir, String type, String password) {
        Path file = dir.resolve("server-" + type.toLowerCase() + (type.equals("JKS") ? ".jks" : ".p12"));
        List<String> command = List.of(
                Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair",
                "-alias",
                "spool",
                "-keyalg",
                "EC",
                "-groupname",
                "secp256r1",
                "-validity",
                "2",
                "-dname",
                "CN=localhost",
                "-ext",
                "SAN=dns:localhost,ip:127.0.0.1",
                "-storetype",
                type,
                "-keystore",
                file.toString(),
                "-storepass",
                password,
                "-keypass",
                password);
        try {
            Process keytool =
                    new ProcessBuilder(command).redirectErrorStream(true).start();
            String output;
            try (InputStream in = keytool.getInputStream()) {
                output = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
            if (!keytool.waitFor(60, TimeUnit.SECONDS) || keytool.exitValue() != 0) {
                throw new IllegalStateException("keytool failed: " + output);
            }
            KeyStore keystore = KeyStore.getInstance(file.toFile(), password.toCharArray());
            return new TestKeystore(file, password, (X509Certificate) keystore.getCertificate("spool"));
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** A trust manager that trusts this certificate only (not the JDK's CAs). */
    X509TrustManager trustManager() {
        try {
            KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
            trust.load(null, null);
            trust.setCertificateEntry("spool", certificate);
            TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init(trust);
            return (X509TrustManager) factory.getTrustManagers()[0];
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A client TLS context that trusts this certificate only. */
    SSLContext clientContext() {
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, new javax.net.ssl.TrustManager[] {trustManager()}, null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A keystore holding the certificate alone, without its private key. */
    Path certificateOnly(Path dir) {
        Path out = dir.resolve("certificate-only.p12");
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setCertificateEntry("spool", (Certificate) certificate);
            try (var stream = java.nio.file.Files.newOutputStream(out)) {
                store.store(stream, password.toCharArray());
            }
            return out;
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}

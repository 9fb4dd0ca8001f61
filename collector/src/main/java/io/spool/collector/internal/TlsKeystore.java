package io.spool.collector.internal;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.KeyStoreException;
import java.security.UnrecoverableKeyException;
import java.util.Collections;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/**
 * Loads the server's certificate and private key from a PKCS12 or JKS keystore into a TLS context,
 * turning each way that fails into one line that names the file and the cause: these are read at
 * start-up, and a stack trace there tells an operator less than "wrong password".
 */
public final class TlsKeystore {
    private TlsKeystore() {}

    /**
     * The TLS context for the keystore at {@code file}; the key's password is the keystore's (PKCS12
     * has only one; for JKS keytool makes them the same unless told otherwise).
     *
     * @throws IllegalArgumentException naming the file and what is wrong with it
     */
    public static SSLContext load(Path file, char[] password) {
        String name = "TLS keystore " + file;
        if (!Files.exists(file)) {
            throw new IllegalArgumentException(name + " does not exist");
        }
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException(name + " is not a file");
        }
        KeyStore keystore;
        try {
            // Detects PKCS12 or JKS from the file's contents, whatever its name says.
            keystore = KeyStore.getInstance(file.toFile(), password);
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException(name + " does not exist");
        } catch (AccessDeniedException e) {
            throw new IllegalArgumentException("cannot read the " + name + ": permission denied");
        } catch (IOException e) {
            if (e.getCause() instanceof UnrecoverableKeyException) {
                throw new IllegalArgumentException(name + " did not open: wrong password");
            }
            throw new IllegalArgumentException("cannot read the " + name + ": " + e.getMessage());
        } catch (KeyStoreException e) {
            throw new IllegalArgumentException(name + " is not a PKCS12 or JKS keystore");
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("cannot read the " + name + ": " + e.getMessage());
        }
        try {
            if (Collections.list(keystore.aliases()).stream().noneMatch(alias -> isKey(keystore, alias))) {
                throw new IllegalArgumentException(name + " holds no private key (only certificates);"
                        + " the server needs its key and certificate chain");
            }
            KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            keys.init(keystore, password);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keys.getKeyManagers(), null, null);
            return context;
        } catch (UnrecoverableKeyException e) {
            throw new IllegalArgumentException(name + ": the private key's password is not the keystore's;"
                    + " give the key the keystore's password");
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("cannot use the " + name + ": " + e.getMessage());
        }
    }

    private static boolean isKey(KeyStore keystore, String alias) {
        try {
            return keystore.isKeyEntry(alias);
        } catch (KeyStoreException e) {
            return false;
        }
    }
}

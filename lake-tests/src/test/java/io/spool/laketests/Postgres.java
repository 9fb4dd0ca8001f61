package io.spool.laketests;

import io.spool.testsupport.Deadline;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Locale;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * The PostgreSQL server on 127.0.0.1:5432 ({@code .ci/postgres.sh} sets it up: role {@value #USER},
 * password {@value #PASSWORD}, database {@value #DATABASE}). When it does not answer, the script is run
 * from here, so a plain {@code mvn verify} works on a fresh machine (as root). Each test gets a fresh
 * empty database of its own: {@link #createDatabase()}.
 */
public final class Postgres {
    public static final String HOST = "127.0.0.1";
    public static final int PORT = 5432;
    public static final String DATABASE = "lake";
    public static final String USER = "spool";
    public static final String PASSWORD = "spool";

    private static boolean ready;

    private Postgres() {}

    public static String jdbcUri(String database) {
        return "jdbc:postgresql://" + HOST + ":" + PORT + "/" + database;
    }

    /** Makes sure the server answers, running {@code .ci/postgres.sh} if it does not. */
    public static synchronized void ensureRunning() throws Exception {
        if (ready) {
            return;
        }
        if (!answers()) {
            runSetupScript();
            Deadline.of(Duration.ofSeconds(60)).await("PostgreSQL on " + HOST + ":" + PORT, Postgres::answers);
        }
        ready = true;
    }

    private static boolean answers() {
        try (Connection c = connect(DATABASE)) {
            return c.isValid(2);
        } catch (SQLException e) {
            return false;
        }
    }

    static Connection connect(String database) throws SQLException {
        Properties props = new Properties();
        props.setProperty("user", USER);
        props.setProperty("password", PASSWORD);
        props.setProperty("connectTimeout", "3");
        return DriverManager.getConnection(jdbcUri(database), props);
    }

    private static void runSetupScript() throws IOException, InterruptedException {
        Path script = Repo.root().resolve(".ci").resolve("postgres.sh");
        if (!Files.isRegularFile(script)) {
            throw new IllegalStateException(
                    "PostgreSQL is not answering on " + HOST + ":" + PORT + " and " + script + " is missing");
        }
        File log = Files.createTempFile("spool-postgres-setup", ".log").toFile();
        Process p = new ProcessBuilder("bash", script.toString())
                .redirectErrorStream(true)
                .redirectOutput(log)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .start();
        // apt-get may have to download and install the server: allow it minutes, not forever.
        if (!p.waitFor(10, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new IllegalStateException(
                    script + " did not finish within 10 minutes:\n" + Files.readString(log.toPath()));
        }
        if (p.exitValue() != 0) {
            throw new IllegalStateException("PostgreSQL is not answering on " + HOST + ":" + PORT + " and " + script
                    + " failed (exit " + p.exitValue() + "):\n" + Files.readString(log.toPath()));
        }
    }

    /** A new, empty database owned by {@value #USER}; {@link Database#close()} drops it. */
    public static Database createDatabase() throws Exception {
        ensureRunning();
        String name = "lake_"
                + UUID.randomUUID().toString().replace("-", "").substring(0, 12).toLowerCase(Locale.ROOT);
        try (Connection c = connect(DATABASE);
                Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + name);
        }
        return new Database(name);
    }

    /** One test's database. */
    public static final class Database implements AutoCloseable {
        private final String name;

        private Database(String name) {
            this.name = name;
        }

        public String name() {
            return name;
        }

        public String jdbcUri() {
            return Postgres.jdbcUri(name);
        }

        public Connection connect() throws SQLException {
            return Postgres.connect(name);
        }

        /** Drops the database, closing whatever connections still use it. */
        @Override
        public void close() throws SQLException {
            try (Connection c = Postgres.connect(DATABASE);
                    Statement s = c.createStatement()) {
                s.execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
            }
        }
    }
}

package io.spool.writer.internal;

import io.spool.writer.internal.FaultPlan.Step;
import java.io.IOException;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Driver;
import java.sql.DriverManager;
import java.sql.DriverPropertyInfo;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.logging.Logger;

/**
 * The embedded catalog's SQLite database, reached through a JDBC URL
 * {@code jdbc:spool-faults:<plan>:jdbc:sqlite:<file>}, with the catalog's commit (Iceberg's
 * {@code UPDATE iceberg_tables SET metadata_location …}, the pointer swap) failing as its
 * {@link FaultPlan} says: refused before it is made (what SQLite answers on a full disk), or made and
 * its answer lost (a connection dropped after the database committed: the outcome is unknown).
 */
public final class FailingCatalogDriver implements Driver {
    private static final String PREFIX = "jdbc:spool-faults:";

    static {
        try {
            DriverManager.registerDriver(new FailingCatalogDriver());
        } catch (SQLException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** The catalog URI for the SQLite database {@code file}, failing as {@code plan} says. */
    static String uri(FaultPlan plan, Path file) {
        return PREFIX + plan.id() + ":jdbc:sqlite:" + file.toAbsolutePath();
    }

    @Override
    public Connection connect(String url, Properties info) throws SQLException {
        if (!acceptsURL(url)) {
            return null;
        }
        String rest = url.substring(PREFIX.length());
        int colon = rest.indexOf(':');
        FaultPlan plan = FaultPlan.byId(rest.substring(0, colon));
        Connection connection = DriverManager.getConnection(rest.substring(colon + 1), info);
        return proxy(Connection.class, connection, (target, method, args) -> {
            Object result = invoke(target, method, args);
            if (method.getName().equals("prepareStatement")
                    && args != null
                    && args[0] instanceof String sql
                    && sql.startsWith("UPDATE iceberg_tables SET metadata_location")) {
                return commitStatement((PreparedStatement) result, plan);
            }
            return result;
        });
    }

    private static PreparedStatement commitStatement(PreparedStatement statement, FaultPlan plan) {
        List<Object> parameters = new ArrayList<>();
        return proxy(PreparedStatement.class, statement, (target, method, args) -> {
            if (method.getName().startsWith("set") && args != null && args.length == 2) {
                parameters.add(args[1]);
            }
            if (method.getName().equals("executeUpdate") && (args == null || args.length == 0)) {
                String where = "catalog commit " + parameters;
                check(plan, Step.CATALOG_COMMIT, where);
                Object updated = invoke(target, method, args);
                check(plan, Step.CATALOG_COMMIT_ANSWER, where);
                return updated;
            }
            return invoke(target, method, args);
        });
    }

    private static void check(FaultPlan plan, Step step, String where) throws SQLException {
        try {
            plan.check(step, where);
        } catch (IOException e) {
            throw new SQLException("[SQLITE_FULL] database or disk is full (" + e.getMessage() + ")", e);
        }
    }

    private interface Handler {
        Object handle(Object target, Method method, Object[] args) throws Throwable;
    }

    @SuppressWarnings("unchecked")
    private static <T> T proxy(Class<T> type, T target, Handler handler) {
        InvocationHandler h = (p, method, args) -> handler.handle(target, method, args);
        return (T) Proxy.newProxyInstance(FailingCatalogDriver.class.getClassLoader(), new Class<?>[] {type}, h);
    }

    private static Object invoke(Object target, Method method, Object[] args) throws Throwable {
        try {
            return method.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    @Override
    public boolean acceptsURL(String url) {
        return url != null && url.startsWith(PREFIX);
    }

    @Override
    public DriverPropertyInfo[] getPropertyInfo(String url, Properties info) {
        return new DriverPropertyInfo[0];
    }

    @Override
    public int getMajorVersion() {
        return 1;
    }

    @Override
    public int getMinorVersion() {
        return 0;
    }

    @Override
    public boolean jdbcCompliant() {
        return false;
    }

    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
        throw new SQLFeatureNotSupportedException();
    }
}

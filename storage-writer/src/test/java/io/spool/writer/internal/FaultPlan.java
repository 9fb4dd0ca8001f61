package io.spool.writer.internal;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * Which steps of a commit fail, for the test doubles of the writer's stores: its data files
 * ({@link FailingOutputStore}), the tables' metadata files ({@link FailingFileIO}), the catalog's
 * database ({@link FailingCatalogDriver}) and its own state beside the journal ({@link StateIo}). Each
 * double reports every step it is about to take; a rule makes matching steps throw what a full or
 * broken disk throws. Every step taken is traced, so a test can also check the order of a commit's steps.
 *
 * <p>Iceberg creates the FileIO and the JDBC driver by name, so those find their plan by id.
 */
final class FaultPlan implements StateIo {
    /** The steps of a commit, by store, in the order a commit reaches them. */
    enum Step {
        /** The writer's own state: the note of the files a commit creates, before they are created. */
        INTENT_WRITE,
        DATA_CREATE,
        /** A data file's bytes past its header (where a full disk shows, mid-file). */
        DATA_WRITE,
        DATA_CLOSE,
        /** fsync and rename of a closed data file to its final name. */
        DATA_PUBLISH,
        DEDUP_WRITE,
        DEDUP_PUBLISH,
        DEDUP_SYNC,
        MANIFEST_WRITE,
        MANIFEST_LIST_WRITE,
        METADATA_WRITE,
        /** The catalog's pointer swap (the commit itself), refused before it is made. */
        CATALOG_COMMIT,
        /** The pointer swap made, and its answer lost: the outcome is unknown to the writer. */
        CATALOG_COMMIT_ANSWER,
        INTENT_CLEAR,
        POSITIONS_WRITE,
        /** Recovery deleting the files a failed commit left. */
        DATA_DELETE,
        /** Iceberg deleting metadata files (old versions, a failed attempt's manifests). */
        METADATA_DELETE;

        static Step of(String stateStep) {
            return switch (stateStep) {
                case StateIo.INTENT_WRITE -> INTENT_WRITE;
                case StateIo.INTENT_CLEAR -> INTENT_CLEAR;
                case StateIo.DEDUP_WRITE -> DEDUP_WRITE;
                case StateIo.DEDUP_PUBLISH -> DEDUP_PUBLISH;
                case StateIo.DEDUP_SYNC -> DEDUP_SYNC;
                case StateIo.POSITIONS_WRITE -> POSITIONS_WRITE;
                default -> throw new IllegalArgumentException("unknown state step " + stateStep);
            };
        }
    }

    /** One taken step: what and where (a file's location; the catalog's statement parameters). */
    record Taken(Step step, String where) {}

    private static final Map<String, FaultPlan> PLANS = new ConcurrentHashMap<>();

    private final String id = UUID.randomUUID().toString();
    private final List<Rule> rules = new CopyOnWriteArrayList<>();
    private final List<Taken> trace = new CopyOnWriteArrayList<>();
    private final Map<Step, Integer> failed = new EnumMap<>(Step.class);
    private volatile boolean full;

    /**
     * Fails steps matching {@code step} whose location contains {@code where} (any when null): after
     * letting {@code skip} of them pass, the next {@code times} ({@link Integer#MAX_VALUE}: until
     * {@link #clear}). {@code onFailure} runs as each failure is thrown (null for nothing).
     */
    private record Rule(Step step, String where, int skip, int times, Consumer<Taken> onFailure, int[] seen) {}

    static FaultPlan register() {
        FaultPlan plan = new FaultPlan();
        PLANS.put(plan.id, plan);
        return plan;
    }

    static FaultPlan byId(String id) {
        FaultPlan plan = PLANS.get(id);
        if (plan == null) {
            throw new IllegalStateException("no fault plan " + id);
        }
        return plan;
    }

    String id() {
        return id;
    }

    void unregister() {
        PLANS.remove(id);
    }

    FaultPlan fail(Step step, String where, int skip, int times) {
        return fail(step, where, skip, times, null);
    }

    FaultPlan fail(Step step, String where, int skip, int times, Consumer<Taken> onFailure) {
        rules.add(new Rule(step, where, skip, times, onFailure, new int[1]));
        return this;
    }

    /**
     * A full output: while on, every write to the lake's disk fails (data files, metadata files, the
     * catalog's database beside them); deletes still work, as they do on a full disk.
     */
    void full(boolean on) {
        full = on;
    }

    void clear() {
        rules.clear();
        full = false;
    }

    /** How many times {@code step} was made to fail. */
    synchronized int failures(Step step) {
        return failed.getOrDefault(step, 0);
    }

    synchronized int failures() {
        return failed.values().stream().mapToInt(Integer::intValue).sum();
    }

    List<Taken> trace() {
        return List.copyOf(trace);
    }

    void clearTrace() {
        trace.clear();
    }

    /** Called by the doubles before each step: traces it, and throws when a rule or a full output says so. */
    void check(Step step, String where) throws IOException {
        Taken taken = new Taken(step, where);
        trace.add(taken);
        if (full && writesToTheLake(step)) {
            throw failure(taken, null);
        }
        for (Rule r : rules) {
            if (r.step() != step || (r.where() != null && !where.contains(r.where()))) {
                continue;
            }
            int n;
            synchronized (r) {
                n = r.seen()[0]++;
            }
            if (n >= r.skip() && n - r.skip() < r.times()) {
                throw failure(taken, r.onFailure());
            }
        }
    }

    private static boolean writesToTheLake(Step step) {
        return switch (step) {
            case DATA_WRITE, MANIFEST_WRITE, MANIFEST_LIST_WRITE, METADATA_WRITE, CATALOG_COMMIT -> true;
            default -> false;
        };
    }

    private IOException failure(Taken taken, Consumer<Taken> onFailure) {
        synchronized (this) {
            failed.merge(taken.step(), 1, Integer::sum);
        }
        if (onFailure != null) {
            onFailure.accept(taken);
        }
        return new IOException("No space left on device (test fault: " + taken.step() + " of " + taken.where() + ")");
    }

    @Override
    public void before(String step, Path file) throws IOException {
        check(Step.of(step), file.toString());
    }

    /** The steps of the trace, in order, keeping only {@code wanted}. */
    List<Step> steps(Step... wanted) {
        List<Step> out = new ArrayList<>();
        for (Taken t : trace) {
            for (Step w : wanted) {
                if (t.step() == w) {
                    out.add(w);
                }
            }
        }
        return out;
    }
}

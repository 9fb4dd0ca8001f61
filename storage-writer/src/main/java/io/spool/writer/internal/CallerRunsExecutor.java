package io.spool.writer.internal;

import java.util.List;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * An executor that runs each task on the thread that submits it, for Iceberg's snapshot producers
 * ({@code scanManifestsWith}). Given its shared worker pool, a commit writes its one new manifest there
 * and waits for it in {@code Tasks.waitFor}, which polls its futures with a 10 ms sleep: 10–50 ms of
 * each commit spent asleep (a 500k drain's commit, 48 ms). A commit of ours writes one manifest, so there
 * is nothing to run side by side; run inline, the futures are done when the wait first looks.
 */
final class CallerRunsExecutor extends AbstractExecutorService {
    static final CallerRunsExecutor INSTANCE = new CallerRunsExecutor();

    private CallerRunsExecutor() {}

    @Override
    public void execute(Runnable command) {
        command.run();
    }

    /** Shared and stateless: it has nothing to shut down. */
    @Override
    public void shutdown() {}

    @Override
    public List<Runnable> shutdownNow() {
        return List.of();
    }

    @Override
    public boolean isShutdown() {
        return false;
    }

    @Override
    public boolean isTerminated() {
        return false;
    }

    @Override
    public boolean awaitTermination(long timeout, TimeUnit unit) {
        return false;
    }
}

package io.spool.collector.internal;

import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * Reusable request workspaces. A pool rather than thread-locals: the owner of a workspace is always
 * explicit, and the pool holds at most as many as there were requests in flight at once.
 */
final class WorkspacePool {
    private final ConcurrentLinkedQueue<Workspace> free = new ConcurrentLinkedQueue<>();

    Workspace take() {
        Workspace ws = free.poll();
        return ws != null ? ws : new Workspace();
    }

    void give(Workspace ws) {
        ws.release();
        free.offer(ws);
    }
}

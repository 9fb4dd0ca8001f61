package io.spool.benchmarks.load;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

/**
 * One sending thread of a {@link LoadRun}: a share of the connections, all non-blocking on one
 * {@link Selector}, each with one request in flight at most (HTTP/1.1 keep-alive, no pipelining) and,
 * at a fixed rate, its own schedule (rate / connections), as wrk2 does it.
 *
 * <p>Why one thread for many connections: on two cores shared with the server, a blocking thread per
 * connection waits on the run queue for its turn, and that wait is late sending, which goes straight
 * into the latency corrected for coordinated omission. One loop wakes once for whatever is ready.
 *
 * <p>Timing: {@code select} only waits whole milliseconds, and at 1,300 requests/s on 16 connections
 * the next request is due every 0.8 ms, so waiting in {@code select} until then would send late, and
 * parking until then would read answers late (both by ~0.3 ms on average, measured). So the loop
 * blocks in {@code select} for answers only, and a second thread of its own, the alarm, parks until the
 * next due time (to tens of microseconds) and wakes the selector: two cheap wake-ups a request, both
 * on time.
 */
final class EventLoop implements Runnable {
    private static final long MILLI = TimeUnit.MILLISECONDS.toNanos(1);
    /** Flat out, after a refused connect: do not spin on a server that is down. */
    private static final long CONNECT_BACKOFF = TimeUnit.MILLISECONDS.toNanos(50);
    /** How often in-flight requests are checked against the timeout, and the longest wait (stop is seen). */
    private static final long TICK = TimeUnit.MILLISECONDS.toNanos(10);

    private static final int READ_BUFFER = 16 * 1024;

    private final LoadPlan plan;
    private final InetSocketAddress address;
    private final LoadStats stats;
    private final AtomicBoolean stop;
    private final long end;
    private final boolean fixed;
    /** Between two requests of one connection at a fixed rate. */
    private final long interval;

    private final long timeout;
    private final List<Connection> connections = new ArrayList<>();
    /** Idle connections by when their next request is due (flat out: now). */
    private final PriorityQueue<Connection> idle = new PriorityQueue<>((a, b) -> Long.compare(a.next, b.next));

    private final Consumer<SelectionKey> onReady = this::ready;
    private Selector selector;
    private int inFlight;
    /** When the loop wants waking for its next due request ({@link System#nanoTime()}); MAX_VALUE: never. */
    private volatile long alarm = Long.MAX_VALUE;

    private volatile boolean finished;
    private volatile long alarmCpuNanos;
    private Thread alarmThread;

    /** Read after {@link Thread#join()}: slots due before the end never sent; connections still waiting; CPU. */
    long behind;

    long stillSending;
    long cpuNanos;

    EventLoop(
            LoadPlan plan,
            Requests.Template template,
            InetSocketAddress address,
            LoadStats stats,
            AtomicBoolean stop,
            long t0,
            long end,
            int[] indexes) {
        this.plan = plan;
        this.address = address;
        this.stats = stats;
        this.stop = stop;
        this.end = end;
        this.fixed = plan.fixedRate();
        this.interval = fixed
                ? Math.max(1, (long) (TimeUnit.SECONDS.toNanos(1) * plan.connections() / plan.requestsPerSecond()))
                : 0;
        this.timeout = plan.timeout().toNanos();
        for (int index : indexes) {
            Connection c = new Connection(new Requests(template, index));
            // staggered, so that the connections' requests do not all fall due at the same instant
            c.next = t0 + (fixed ? interval * index / plan.connections() : 0);
            c.lastAnswered = t0;
            connections.add(c);
        }
        try {
            this.selector = Selector.open();
        } catch (IOException e) {
            throw new IllegalStateException("cannot open a selector", e);
        }
    }

    /** Ends a wait early: the run is over. */
    void wakeup() {
        selector.wakeup();
    }

    @Override
    public void run() {
        alarmThread = new Thread(this::ring, Thread.currentThread().getName() + "-alarm");
        alarmThread.setDaemon(true);
        alarmThread.start();
        try {
            for (Connection c : connections) {
                idle(c);
            }
            loop();
            for (Connection c : connections) {
                if (c.inFlight) {
                    stillSending++;
                }
                if (fixed && c.next < end) {
                    // slots that fell due before the end but were never sent: the server was behind the rate
                    behind += 1 + (end - c.next - 1) / interval;
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("the selector failed", e);
        } finally {
            finished = true;
            LockSupport.unpark(alarmThread);
            try {
                alarmThread.join(1_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            for (Connection c : connections) {
                c.closeChannel();
                c.requests.close();
            }
            try {
                selector.close();
            } catch (IOException e) {
                // closing at the end: nothing more to learn
            }
            ThreadMXBean threads = ManagementFactory.getThreadMXBean();
            if (threads.isCurrentThreadCpuTimeSupported()) {
                cpuNanos = threads.getCurrentThreadCpuTime() + alarmCpuNanos;
            }
        }
    }

    /** The alarm thread: wakes the selector when {@link #alarm} falls due, once for each time set. */
    private void ring() {
        long rung = Long.MIN_VALUE;
        while (!finished) {
            long target = alarm;
            if (target == Long.MAX_VALUE || target == rung) {
                LockSupport.park(this); // until the loop sets the next one
                continue;
            }
            long wait = target - System.nanoTime();
            if (wait > 0) {
                LockSupport.parkNanos(this, wait);
                continue;
            }
            rung = target;
            selector.wakeup();
        }
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        if (threads.isCurrentThreadCpuTimeSupported()) {
            alarmCpuNanos = threads.getCurrentThreadCpuTime();
        }
    }

    private void loop() throws IOException {
        long stopDeadline = Long.MAX_VALUE;
        long nextTick = System.nanoTime() + TICK;
        while (true) {
            long now = System.nanoTime();
            if (stopDeadline == Long.MAX_VALUE && stop.get()) {
                // the requests in flight at the end were sent within the measured time: wait for their answers
                stopDeadline = now + timeout + TimeUnit.SECONDS.toNanos(5);
            }
            boolean stopping = stopDeadline != Long.MAX_VALUE;
            if (stopping && (inFlight == 0 || now >= stopDeadline)) {
                return;
            }
            if (!stopping) {
                while (!idle.isEmpty() && idle.peek().next <= now) {
                    send(idle.poll());
                }
            }
            now = System.nanoTime();
            if (now >= nextTick) {
                nextTick = now + TICK;
                expire(now);
            }
            long due = stopping || idle.isEmpty() ? Long.MAX_VALUE : idle.peek().next;
            if (due - now <= 0) {
                selector.selectNow(onReady);
                continue;
            }
            if (due != alarm) {
                alarm = due;
                LockSupport.unpark(alarmThread);
            }
            // the tick bounds the wait (timeouts, the stop); the alarm ends it when a request falls due
            selector.select(onReady, Math.max(1, (nextTick - now) / MILLI));
        }
    }

    /** Prepares the connection's next request (before it is due, so sending it costs no more than the write). */
    private void idle(Connection c) {
        if (fixed && c.next >= end) {
            return;
        }
        c.requests.next();
        idle.add(c);
    }

    private void send(Connection c) {
        long now = System.nanoTime();
        long due;
        if (fixed) {
            due = c.next;
            c.next += interval;
            if (c.lastAnswered <= due) {
                stats.sendDelay.recordValue(Math.max(0, (now - due) / 1000));
            }
        } else {
            due = now;
        }
        c.due = due;
        c.answerBytes = 0;
        c.deadline = now + timeout;
        c.inFlight = true;
        inFlight++;
        c.answer.reset();
        c.out = ByteBuffer.wrap(c.requests.bytes(), 0, c.requests.length());
        try {
            if (c.channel == null) {
                c.open();
            } else {
                c.write();
            }
        } catch (IOException e) {
            fail(c, e);
        }
    }

    private void ready(SelectionKey key) {
        Connection c = (Connection) key.attachment();
        try {
            if (!key.isValid()) {
                return;
            }
            if (key.isConnectable()) {
                c.channel.finishConnect();
                c.write();
                return;
            }
            if (key.isWritable()) {
                c.write();
            }
            if (key.isValid() && key.isReadable()) {
                c.read();
            }
        } catch (IOException e) {
            if (c.inFlight) {
                fail(c, e);
            } else {
                c.closeChannel();
            }
        }
    }

    private void answered(Connection c) {
        long now = System.nanoTime();
        c.inFlight = false;
        inFlight--;
        c.lastAnswered = now;
        stats.answered(c.answer, plan.batchSize(), (now - c.due) / 1000);
        c.answers++;
        if (c.answer.close) {
            c.closeChannel();
        }
        if (!fixed) {
            c.next = now;
        }
        idle(c);
    }

    private void fail(Connection c, IOException e) {
        if (c.stale(e)) {
            // the keep-alive race: the server closed this connection while it was idle, before the close was
            // seen here; nothing of the request was answered, so send it again on a new connection (once),
            // as browsers do. The time lost is in its latency (it keeps its due time).
            c.closeChannel();
            c.out.rewind();
            c.answer.reset();
            try {
                c.open();
                return;
            } catch (IOException again) {
                e = again;
            }
        }
        long now = System.nanoTime();
        c.inFlight = false;
        inFlight--;
        c.lastAnswered = now;
        stats.failed(e);
        c.closeChannel();
        if (!fixed) {
            c.next = e instanceof ConnectException ? now + CONNECT_BACKOFF : now;
        }
        idle(c);
    }

    private void expire(long now) {
        for (Connection c : connections) {
            if (c.inFlight && now - c.deadline >= 0) {
                fail(c, new SocketTimeoutException(c.connecting ? "connect timed out" : "answer timed out"));
            }
        }
    }

    /** One keep-alive connection and its request in flight, if any. */
    private final class Connection {
        final Requests requests;
        final HttpAnswer answer = new HttpAnswer();
        final ByteBuffer in = ByteBuffer.allocate(READ_BUFFER);
        SocketChannel channel;
        SelectionKey key;
        ByteBuffer out;
        /** The next slot of this connection's schedule not yet sent (flat out: when it may send next). */
        long next;

        long due;
        long deadline;
        long lastAnswered;
        boolean inFlight;
        boolean connecting;
        /** Answers on this channel so far, and bytes of the answer in flight. */
        int answers;

        long answerBytes;

        Connection(Requests requests) {
            this.requests = requests;
        }

        void open() throws IOException {
            SocketChannel ch = SocketChannel.open();
            try {
                ch.configureBlocking(false);
                ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
                channel = ch;
                answers = 0;
                in.clear();
                if (ch.connect(address)) {
                    key = ch.register(selector, SelectionKey.OP_READ, this);
                    write();
                } else {
                    connecting = true;
                    key = ch.register(selector, SelectionKey.OP_CONNECT, this);
                }
            } catch (IOException | RuntimeException e) {
                closeChannel();
                throw e;
            }
        }

        void write() throws IOException {
            connecting = false;
            channel.write(out);
            // reading all the time: a server may answer (and close) before it has read the whole request
            key.interestOps(out.hasRemaining() ? SelectionKey.OP_WRITE | SelectionKey.OP_READ : SelectionKey.OP_READ);
        }

        void read() throws IOException {
            int n = channel.read(in);
            if (n < 0) {
                if (inFlight) {
                    answer.endOfStream();
                    answered(this);
                }
                // closed while idle (the server's keep-alive timeout): the next request reconnects
                closeChannel();
                return;
            }
            if (!inFlight) {
                // bytes no request asked for: this connection's framing is lost
                closeChannel();
                return;
            }
            answerBytes += n;
            in.flip();
            int taken = answer.feed(in.array(), in.position(), in.limit());
            in.position(in.position() + taken);
            in.compact();
            if (answer.complete()) {
                answered(this);
            }
        }

        /** A request lost to a close that happened while the connection was idle (see {@link #fail}). */
        boolean stale(IOException e) {
            return channel != null
                    && answers > 0
                    && answerBytes == 0
                    && !(e instanceof SocketTimeoutException)
                    && !(e instanceof HttpAnswer.MalformedAnswerException);
        }

        void closeChannel() {
            if (channel != null) {
                try {
                    channel.close();
                } catch (IOException e) {
                    // closing a broken connection: nothing more to learn
                }
                channel = null;
                key = null;
                connecting = false;
            }
        }
    }
}

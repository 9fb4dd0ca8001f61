package io.spool.writer.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * The writer's note, beside its journal, of the data files the commit in progress creates: each file is
 * noted (and the note synced) before the file is created, so that recovery after a crash knows exactly
 * which files the interrupted commit may have left, without listing the lake (on S3 a listing is slow and
 * billed). Recovery then asks the table whether that commit landed: if it did, the files are the table's;
 * if not, nothing references them and they are deleted.
 *
 * <p>Format: a first line {@code commit <seq>}, then {@code file <table> <location>} lines.
 * Thread safe: the Parquet threads open files too.
 */
final class CommitIntent {
    /** A file noted in the intent: which table ("events" or "rejected") and its final location. */
    record Noted(String table, String location) {}

    /** What a previous run left: the commit's sequence number and its files. */
    record Left(long seq, List<Noted> files) {}

    private final Path file;
    private final StateIo io;
    private FileChannel channel;

    CommitIntent(Path file) {
        this(file, StateIo.NONE);
    }

    CommitIntent(Path file, StateIo io) {
        this.file = file;
        this.io = io;
    }

    /** Starts the note of commit {@code seq} (replacing whatever was there). */
    synchronized void begin(long seq) throws IOException {
        closeChannel();
        channel = FileChannel.open(
                file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
        append("commit " + seq + "\n");
        LocalOutputStore.syncDirectory(file.getParent()); // the note itself survives a power cut
    }

    synchronized boolean begun() {
        return channel != null;
    }

    /** Notes a file before it is created. */
    synchronized void note(String table, String location) throws IOException {
        if (channel == null) {
            throw new IllegalStateException("no commit begun");
        }
        append("file " + table + " " + location + "\n");
    }

    private void append(String line) throws IOException {
        io.before(StateIo.INTENT_WRITE, file);
        ByteBuffer bytes = ByteBuffer.wrap(line.getBytes(StandardCharsets.UTF_8));
        while (bytes.hasRemaining()) {
            channel.write(bytes);
        }
        channel.force(false);
    }

    /** The commit is decided (published, or its files dealt with): forget it. */
    synchronized void clear() throws IOException {
        io.before(StateIo.INTENT_CLEAR, file);
        closeChannel();
        Files.deleteIfExists(file);
    }

    /** What an earlier run left, or null. A torn last line (a crash mid-write) is ignored: its file was never created. */
    synchronized Left read() throws IOException {
        if (!Files.exists(file)) {
            return null;
        }
        String text = Files.readString(file, StandardCharsets.UTF_8);
        // only whole lines count: what follows the last newline was being written when the writer died
        List<String> lines =
                List.of(text.substring(0, text.lastIndexOf('\n') + 1).split("\n"));
        if (lines.isEmpty() || !lines.get(0).startsWith("commit ")) {
            return null;
        }
        long seq;
        try {
            seq = Long.parseLong(lines.get(0).substring(7).trim());
        } catch (NumberFormatException e) {
            return null;
        }
        List<Noted> files = new ArrayList<>();
        for (String line : lines.subList(1, lines.size())) {
            String[] parts = line.split(" ", 3);
            if (parts.length == 3 && parts[0].equals("file")) {
                files.add(new Noted(parts[1], parts[2]));
            }
        }
        return new Left(seq, files);
    }

    private void closeChannel() throws IOException {
        if (channel != null) {
            channel.close();
            channel = null;
        }
    }

    synchronized void close() throws IOException {
        closeChannel();
    }
}

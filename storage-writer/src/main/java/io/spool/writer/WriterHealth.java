package io.spool.writer;

/**
 * Whether a writer is doing its job: committing what the journal holds, or idle with nothing waiting.
 * What the writer's {@code GET /health} answers (200 when {@link #healthy()}, else 503) and
 * {@code StorageWriter.health()} returns.
 *
 * <p>Unhealthy when the oldest record not yet committed has waited longer than {@link #maxLagSeconds()}
 * (twice the roll interval plus a minute: a healthy writer commits every roll interval), when commits
 * have been failing for longer than that, while it starts (before it knows where it stands), and once
 * its thread has stopped.
 *
 * @param healthy whether it is committing, or idle with nothing waiting
 * @param state {@code idle}, {@code committing}, {@code retrying} (a commit failed, not yet for long),
 *     {@code starting}, {@code lagging}, {@code failing} or {@code stopped}
 * @param lagSeconds age of the oldest record not yet committed; 0 when nothing waits
 * @param pendingRecords records in the journal after the last committed position
 * @param maxLagSeconds the bound of both lag and a run of failed commits
 * @param reason why, in a sentence, when not healthy or retrying; else null
 */
public record WriterHealth(
        boolean healthy, String state, double lagSeconds, long pendingRecords, double maxLagSeconds, String reason) {

    /** The answer's body: {@code {"status":"ok","state":"idle","lagSeconds":0.0,...}}. */
    public String toJson() {
        StringBuilder json = new StringBuilder(128)
                .append("{\"status\":\"")
                .append(healthy ? "ok" : "unhealthy")
                .append("\",\"state\":\"")
                .append(state)
                .append("\",\"lagSeconds\":")
                .append(Math.round(lagSeconds * 1000) / 1000.0)
                .append(",\"pendingRecords\":")
                .append(pendingRecords)
                .append(",\"maxLagSeconds\":")
                .append(maxLagSeconds);
        if (reason != null) {
            json.append(",\"reason\":");
            quote(json, reason);
        }
        return json.append('}').toString();
    }

    private static void quote(StringBuilder out, String s) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"' || c == '\\') {
                out.append('\\').append(c);
            } else if (c < 0x20) {
                out.append(String.format("\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        out.append('"');
    }
}

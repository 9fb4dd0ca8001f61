package io.spool.writer.internal;

/**
 * One row of the rejected table: an event the collector refused (a dead letter) or a journal record
 * this writer could not decode. Mutable and reused; the payload is a slice of a buffer it does not own.
 */
public final class RejectedRow {
    long receivedAt;
    String writeKey;
    String ip;
    String error;
    int batchIndex = -1;
    byte[] payload;
    int payloadOffset;
    int payloadLength = -1;

    RejectedRow set(long receivedAt, String writeKey, String ip, String error, int batchIndex) {
        this.receivedAt = receivedAt;
        this.writeKey = writeKey;
        this.ip = ip;
        this.error = error;
        this.batchIndex = batchIndex;
        this.payload = null;
        this.payloadLength = -1;
        return this;
    }

    RejectedRow payload(byte[] array, int offset, int length) {
        this.payload = array;
        this.payloadOffset = offset;
        this.payloadLength = length;
        return this;
    }
}

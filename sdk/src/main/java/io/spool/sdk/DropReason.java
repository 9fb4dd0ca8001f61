package io.spool.sdk;

/** Why a valid event was not queued. */
public enum DropReason {
    /** The buffer held its maximum number of events or bytes (the collector is slow or down). */
    BUFFER_FULL,
    /** The client was closed (or is closing). */
    CLOSED
}

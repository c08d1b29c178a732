package id.ektp.hub.store;

/** Where a print job is. Like packets, the state is committed before a file is moved. */
public enum PrintJobState {
    /** Waiting for its printer (new, to be reprinted, or the printer is offline). */
    PENDING,
    /** In the printer's {@code queue/} (or its temp file is, and the rename is being finished). */
    QUEUED,
    /** A card was printed: the citizen is told it is ready. */
    PRINTED,
    /** Given up: a data mismatch, or {@code printing.maxAttempts} failed prints. Reported. */
    FAILED
}

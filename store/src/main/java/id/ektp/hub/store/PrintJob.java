package id.ektp.hub.store;

import java.time.Instant;

/**
 * One print-ready record turned into a print job. {@code prints} counts the blanks used on it
 * so far (each result, PRINTED or FAILED, is one).
 */
public record PrintJob(long seq, String prrId, String batchId, String pickupKecamatan, String nik, String record,
                       PrintJobState state, String printerId, int prints, Instant queuedAt, Instant createdAt,
                       Instant updatedAt, String lastResult) {}

package id.ektp.hub.store;

import java.time.Instant;

/**
 * One quarantined item: which flow it came from ({@code UP} packets; later {@code DOWN}
 * batches), its subject (the packet id as given), the file kept in quarantine (relative to
 * {@code dataDir/quarantine}: {@code packets/…}, {@code batches/…}, {@code messages/…}), where it came
 * from, the reason code and a sentence for an operator.
 */
public record QuarantineEntry(String quarantineId, String flow, String subjectId, String fileName,
                              String source, String reason, String detail, Instant quarantinedAt,
                              String state) {
    public static final String HELD = "HELD";
    public static final String RELEASED = "RELEASED";
    public static final String DROPPED = "DROPPED";
}

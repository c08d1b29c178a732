package id.ektp.hub.up;

/**
 * Why a packet was quarantined. The code goes into {@code PACKET_REJECTED} reports and the
 * quarantine listing beside a sentence naming the detail (which entry, which field).
 */
public enum RejectReason {
    /** Not a zip at all, truncated, or a damaged entry (CRC or inflate error). */
    CORRUPT_ZIP,
    /**
     * Bytes that belong to no entry (data put before, between or after the entries, a local entry
     * the central directory does not list), or a local header, data descriptor or extra field that
     * disagrees with the central directory: readers could see different contents.
     */
    AMBIGUOUS_ZIP,
    /** Zip features no packet needs: zip64, several disks, encryption, other compression, symbolic links. */
    UNSUPPORTED_ZIP,
    /** The zip has no {@code manifest.json}. */
    MISSING_MANIFEST,
    /** {@code manifest.json} is not JSON, or is too large to be one. */
    MALFORMED_MANIFEST,
    /** The manifest's {@code schema} is not {@code ektp.enrollment/1}: never guessed. */
    UNKNOWN_SCHEMA,
    /** A required manifest field is missing or of the wrong form. */
    INVALID_MANIFEST,
    /** The file name's packet id differs from the manifest's {@code packetId}. */
    PACKET_ID_MISMATCH,
    /** {@code kecamatanCode}/{@code deviceId} are not those of the device it came from. */
    WRONG_ORIGIN,
    /** The NIK is not syntactically valid. */
    INVALID_NIK,
    /** An entry name with a path, {@code ..}, an absolute path or control characters. */
    UNSAFE_ENTRY_NAME,
    /** The same entry name twice in the zip, or listed twice in the manifest. */
    DUPLICATE_ENTRY,
    /** A listed entry is absent from the zip. */
    MISSING_ENTRY,
    /** A zip entry the manifest does not list. */
    UNLISTED_ENTRY,
    /** An entry's size differs from the listed size. */
    SIZE_MISMATCH,
    /** An entry's SHA-256 differs from the listed one. */
    CHECKSUM_MISMATCH,
    /** More than 64 entries. */
    TOO_MANY_ENTRIES,
    /** Uncompressed content beyond {@code limits.maxPacketBytes} (zip bombs end here). */
    TOO_LARGE,
    /** A packet id already received with different content. */
    DUPLICATE_PACKET_ID
}

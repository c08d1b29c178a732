package id.ektp.hub.sandbox.packets;

/**
 * The one thing wrong with a generated packet. Each defect breaks exactly one rule of ICD §1 and
 * leaves the rest of the packet valid, so a test can tell which check caught it.
 */
public enum PacketDefect {
    /** A valid packet. */
    NONE,
    /** {@code face.jp2} has one byte changed after its SHA-256 was listed: same size, other digest. */
    CHECKSUM_MISMATCH,
    /** The manifest lists {@code finger_02.wsq} 1000 bytes larger than it is (digest still right). */
    SIZE_MISMATCH,
    /** The zip is cut in the middle: no central directory. */
    TRUNCATED,
    /** The file is pseudo-random bytes, not a zip at all. */
    NOT_A_ZIP,
    /** The zip has every payload entry but no {@code manifest.json}. */
    MISSING_MANIFEST,
    /** {@code manifest.json} stops half way, as if the device crashed while writing it: not JSON. */
    MALFORMED_MANIFEST,
    /** The manifest's schema is {@code ektp.enrollment/2}. */
    UNKNOWN_SCHEMA,
    /** The manifest has no {@code operatorId}. */
    MISSING_FIELD,
    /**
     * The manifest's {@code kecamatanCode} is the next kecamatan of the same regency, while its
     * {@code packetId} still equals the file name (built from the spec's kecamatan).
     */
    WRONG_KECAMATAN,
    /** The manifest's {@code deviceId} is another device's; {@code packetId} still equals the file name. */
    WRONG_DEVICE,
    /** The manifest's {@code packetId} has the next sequence number; the file name is the spec's. */
    PACKET_ID_MISMATCH,
    /** The manifest's NIK has birth month 13. */
    INVALID_NIK,
    /** An extra entry named {@code ../../evil.sh}, listed in the manifest with its right size and SHA-256. */
    ZIP_SLIP,
    /** An extra entry named {@code /etc/passwd}, listed in the manifest with its right size and SHA-256. */
    ABSOLUTE_PATH,
    /** {@code finger_02.wsq} is listed but absent from the zip. */
    MISSING_ENTRY,
    /** The zip holds {@code notes.txt}, which the manifest does not list. */
    UNLISTED_ENTRY,
    /** {@code finger_01.wsq} is in the zip twice (listed once). */
    DUPLICATE_ENTRY,
    /** 65 payload entries, all listed and present (66 zip entries with the manifest). */
    TOO_MANY_ENTRIES,
    /**
     * An extra entry {@code padding.bin}: 200 MiB of zeros deflated to about 200 KiB. The manifest
     * lists its true SHA-256 but its compressed size, the way a careless or hostile device would, so
     * only a reader that counts what it actually inflates notices.
     */
    ZIP_BOMB,
    /** The deflated data of {@code demographics.json} is damaged: inflating it fails. */
    CORRUPT_ENTRY,

    // ---- crafted zips: every entry listed and intact, but the zip can be read in more than one way

    /** A shell script in front of the zip, offsets unchanged ({@code cat stub.sh packet.zip}). */
    PREPENDED_BYTES,
    /** 64 bytes between {@code demographics.json} and {@code face.jp2}, offsets moved past them. */
    GAP_BETWEEN_ENTRIES,
    /** 100 bytes after the end-of-central-directory record. */
    TRAILING_BYTES,
    /** {@code finger_01.wsq}'s local header names it {@code ../../evil.sh}; its central entry does not. */
    LOCAL_NAME_MISMATCH,
    /** {@code face.jp2}'s local header gives half its sizes: a streaming reader stops half way. */
    LOCAL_SIZE_MISMATCH,
    /** {@code face.jp2}'s local header carries another CRC-32 than its central entry. */
    LOCAL_CRC_MISMATCH,
    /** {@code face.jp2}'s local header says deflated; it is stored, as its central entry says. */
    LOCAL_METHOD_MISMATCH,
    /** {@code face.jp2}'s local header has other flags than its central entry. */
    LOCAL_FLAGS_MISMATCH,
    /** A stored local entry {@code ../../evil.sh} first in the file, which the central directory does not list. */
    UNLISTED_LOCAL_ENTRY,
    /** {@code face.jp2} carries an Info-ZIP Unicode Path extra field naming it {@code ../../evil.sh}. */
    UNICODE_PATH_EXTRA,
    /** {@code face.jp2} is stored yet flagged as followed by a data descriptor. */
    STORED_WITH_DATA_DESCRIPTOR,
    /** {@code demographics.json}'s data descriptor repeats another CRC-32 than its headers. */
    DATA_DESCRIPTOR_MISMATCH,
    /** 32 bytes after the end of {@code demographics.json}'s deflate stream, inside its compressed size. */
    BYTES_AFTER_DEFLATE_STREAM,
    /** The zip ends in zip64 records (what writers do past 65,535 entries or 4 GiB). */
    ZIP64,
    /** The end record says the zip is disk 1 of several. */
    MULTI_DISK,
    /** {@code face.jp2} is flagged as encrypted. */
    ENCRYPTED_ENTRY,
    /** The zip's comment is a second end record: readers looking for it in different ways disagree. */
    SECOND_END_RECORD
}

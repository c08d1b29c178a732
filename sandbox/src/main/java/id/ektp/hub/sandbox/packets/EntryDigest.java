package id.ektp.hub.sandbox.packets;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.zip.CRC32;

/** Size, CRC-32 (which a STORED zip entry must declare before its data) and SHA-256 of some content. */
record EntryDigest(long size, long crc32, String sha256) {

    static EntryDigest of(ContentSource content) {
        Sink sink = new Sink();
        try {
            content.writeTo(sink);
        } catch (IOException e) {
            // The sink itself never fails, and content is generated in memory.
            throw new UncheckedIOException(e);
        }
        return new EntryDigest(sink.count, sink.crc.getValue(), HexFormat.of().formatHex(sink.sha.digest()));
    }

    /** Swallows the bytes, keeping only their digests. */
    private static final class Sink extends OutputStream {
        private final CRC32 crc = new CRC32();
        private final MessageDigest sha;
        private long count;

        Sink() {
            try {
                sha = MessageDigest.getInstance("SHA-256");
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException("every Java platform has SHA-256", e);
            }
        }

        @Override
        public void write(int b) {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) {
            crc.update(b, off, len);
            sha.update(b, off, len);
            count += len;
        }
    }
}

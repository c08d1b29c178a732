package id.ektp.hub.sandbox.packets;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.SplittableRandom;

/**
 * The bytes of one zip entry, produced on demand and identically every time. Entries are written
 * twice (once to learn the CRC-32 and SHA-256 a STORED entry needs up front, once into the zip), so
 * content is regenerated from a seed rather than held: a 60 MiB packet needs no 60 MiB buffer.
 */
interface ContentSource {

    /** Generation goes through a buffer this large: small enough for any heap, large enough to be fast. */
    int CHUNK = 64 * 1024;

    long size();

    /** Writes the content to {@code out}, leaving it open. */
    void writeTo(OutputStream out) throws IOException;

    static ContentSource of(byte[] bytes) {
        byte[] copy = bytes.clone();
        return new ContentSource() {
            @Override
            public long size() {
                return copy.length;
            }

            @Override
            public void writeTo(OutputStream out) throws IOException {
                out.write(copy);
            }
        };
    }

    /**
     * A file-format signature followed by pseudo-random bytes: what a biometric image looks like to
     * a zip (already compressed, so it does not compress again).
     */
    static ContentSource pseudoRandom(byte[] signature, long size, long seed) {
        return new ContentSource() {
            @Override
            public long size() {
                return size;
            }

            @Override
            public void writeTo(OutputStream out) throws IOException {
                int head = (int) Math.min(signature.length, size);
                out.write(signature, 0, head);
                SplittableRandom random = new SplittableRandom(seed);
                byte[] chunk = new byte[CHUNK];
                for (long left = size - head; left > 0; ) {
                    int n = (int) Math.min(chunk.length, left);
                    fill(random, chunk, n);
                    out.write(chunk, 0, n);
                    left -= n;
                }
            }
        };
    }

    /** {@code size} zero bytes, the stuff zip bombs are made of. */
    static ContentSource zeros(long size) {
        return new ContentSource() {
            @Override
            public long size() {
                return size;
            }

            @Override
            public void writeTo(OutputStream out) throws IOException {
                byte[] chunk = new byte[CHUNK];
                for (long left = size; left > 0; left -= chunk.length) {
                    out.write(chunk, 0, (int) Math.min(chunk.length, left));
                }
            }
        };
    }

    /** This content with the byte at {@code position} inverted: same size, different digest. */
    default ContentSource withByteFlipped(long position) {
        ContentSource original = this;
        return new ContentSource() {
            @Override
            public long size() {
                return original.size();
            }

            @Override
            public void writeTo(OutputStream out) throws IOException {
                original.writeTo(new FilterOutputStream(out) {
                    private long offset;

                    @Override
                    public void write(int b) throws IOException {
                        out.write(offset++ == position ? ~b : b);
                    }

                    @Override
                    public void write(byte[] b, int off, int len) throws IOException {
                        if (position >= offset && position < offset + len) {
                            byte[] copy = java.util.Arrays.copyOfRange(b, off, off + len);
                            int at = (int) (position - offset);
                            copy[at] = (byte) ~copy[at];
                            out.write(copy, 0, len);
                        } else {
                            out.write(b, off, len);
                        }
                        offset += len;
                    }
                });
            }
        };
    }

    private static void fill(SplittableRandom random, byte[] chunk, int n) {
        int i = 0;
        for (; i + 8 <= n; i += 8) {
            long v = random.nextLong();
            for (int k = 0; k < 8; k++) {
                chunk[i + k] = (byte) (v >>> (8 * k));
            }
        }
        if (i < n) {
            long v = random.nextLong();
            for (; i < n; i++) {
                chunk[i] = (byte) v;
                v >>>= 8;
            }
        }
    }
}

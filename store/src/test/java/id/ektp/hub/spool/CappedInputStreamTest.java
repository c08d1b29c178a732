package id.ektp.hub.spool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A peer's file larger than anything valid must not fill the disk: the stream passes the first
 * {@code cap} bytes, then ends, and tells the caller there was more (the caller quarantines it
 * as TOO_LARGE with the cap in its message).
 */
// A cap that does not hold can make a read loop spin (0-byte reads) or never end: fail instead of
// hanging the build, from a separate thread because a busy loop never notices an interrupt.
@Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class CappedInputStreamTest {
    @Test
    void aLongerStreamEndsAtTheCapAndIsMarkedExceeded() throws IOException {
        byte[] data = SpoolTest.bytes(1000);
        CappedInputStream capped = new CappedInputStream(new ByteArrayInputStream(data), 600);

        byte[] passed = capped.readAllBytes();

        assertTrue(Arrays.equals(Arrays.copyOf(data, 600), passed), "exactly the first 600 bytes");
        assertTrue(capped.exceeded());
        assertEquals(-1, capped.read(), "and it stays ended");
        assertEquals(600, capped.cap());
    }

    @Test
    void aStreamOfExactlyTheCapIsNotExceeded() throws IOException {
        CappedInputStream capped = new CappedInputStream(new ByteArrayInputStream(SpoolTest.bytes(600)), 600);
        assertEquals(600, capped.readAllBytes().length);
        assertFalse(capped.exceeded(), "a file of the largest allowed size is allowed");
    }

    @Test
    void aShorterStreamPassesWhole() throws IOException {
        CappedInputStream capped = new CappedInputStream(new ByteArrayInputStream(SpoolTest.bytes(10)), 600);
        assertEquals(10, capped.readAllBytes().length);
        assertFalse(capped.exceeded());
    }

    @Test
    void readingByteByByteStopsAtTheCapToo() throws IOException {
        CappedInputStream capped = new CappedInputStream(new ByteArrayInputStream(SpoolTest.bytes(20)), 5);
        int n = 0;
        while (capped.read() >= 0) {
            n++;
        }
        assertEquals(5, n);
        assertTrue(capped.exceeded());
    }

    @Test
    void anEndlessStreamIsCutAfterAtMostOneByteBeyondTheCap() throws IOException {
        // A peer that never stops sending: the cap must end the read, and must not drain the source.
        long[] pulled = {0};
        InputStream endless = new InputStream() {
            @Override
            public int read() {
                pulled[0]++;
                return 'x';
            }

            @Override
            public int read(byte[] b, int off, int len) {
                Arrays.fill(b, off, off + len, (byte) 'x');
                pulled[0] += len;
                return len;
            }
        };
        CappedInputStream capped = new CappedInputStream(endless, 1_000_000);
        assertEquals(1_000_000, capped.transferTo(java.io.OutputStream.nullOutputStream()));
        assertTrue(capped.exceeded());
        assertTrue(pulled[0] <= 1_000_001, "pulled " + pulled[0] + " bytes from the source");
    }
}

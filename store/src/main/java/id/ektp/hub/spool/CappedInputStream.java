package id.ektp.hub.spool;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * Passes at most {@code cap} bytes through, then reports end of stream and remembers that
 * there was more: a peer's file larger than anything valid must not fill the hub's disk.
 */
public final class CappedInputStream extends FilterInputStream {
    private final long cap;
    private long passed;
    private boolean exceeded;

    public CappedInputStream(InputStream in, long cap) {
        super(in);
        this.cap = cap;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (passed >= cap) {
            if (!exceeded && super.read() >= 0) {
                exceeded = true;
            }
            return -1;
        }
        int n = super.read(b, off, (int) Math.min(len, cap - passed));
        if (n > 0) {
            passed += n;
        }
        return n;
    }

    /** True when the underlying stream had more than {@code cap} bytes. */
    public boolean exceeded() {
        return exceeded;
    }

    public long cap() {
        return cap;
    }
}

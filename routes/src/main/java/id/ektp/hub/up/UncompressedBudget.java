package id.ektp.hub.up;

/**
 * How many uncompressed bytes a packet may still produce ({@code limits.maxPacketBytes}). Charged
 * with the bytes actually inflated, never the sizes a zip header or the manifest claims, so a zip
 * bomb is stopped one buffer past the limit instead of being inflated to the end.
 */
final class UncompressedBudget {

    private final long limit;
    private long used;

    UncompressedBudget(long limit) {
        this.limit = limit;
    }

    void charge(long bytes, String entryName) throws PacketRejectedException {
        used += bytes;
        if (used > limit) {
            throw new PacketRejectedException(RejectReason.TOO_LARGE, "entry " + EntryNames.printable(entryName)
                    + " takes the packet past " + limit + " uncompressed bytes, the limit; reading stopped there");
        }
    }

    long remaining() {
        return limit - used;
    }

    long limit() {
        return limit;
    }
}

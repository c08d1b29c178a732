package id.ektp.hub.up;

/**
 * Room on the hub's disk for what the device intake takes (the hub's {@code DiskFloor}): asked
 * before each poll, and before each file of a poll, counting what other devices are downloading
 * at that moment.
 */
public interface IntakeRoom {
    /** False while the free space is below the floor: a poll is skipped, the packets wait on the device. */
    boolean mayTakeMore();

    /** Room for {@code bytes} more above the floor, held until closed; null when there is none. */
    Held reserve(long bytes);

    /** Room held for one download in flight. */
    interface Held extends AutoCloseable {
        @Override
        void close();
    }
}

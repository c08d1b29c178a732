package id.ektp.hub.store;

import java.time.Instant;

/** How many items wait in one state, and since when the oldest has waited (null if none). */
public record Backlog(long count, Instant oldest) {
    public static final Backlog EMPTY = new Backlog(0, null);
}

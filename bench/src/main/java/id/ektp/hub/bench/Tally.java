package id.ektp.hub.bench;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** How many times each key was seen and how long it took in all: the JFR reports' one counter. */
final class Tally {
    /** One key's figures. */
    record Entry(String key, long count, long nanos) {}

    private final Map<String, long[]> byKey = new HashMap<>(); // key -> {count, nanos}

    /** Counts a sample, which has no duration. */
    void add(String key) {
        add(key, 0);
    }

    void add(String key, long nanos) {
        long[] v = byKey.computeIfAbsent(key, k -> new long[2]);
        v[0]++;
        v[1] += nanos;
    }

    long count() {
        return byKey.values().stream().mapToLong(v -> v[0]).sum();
    }

    long nanos() {
        return byKey.values().stream().mapToLong(v -> v[1]).sum();
    }

    List<Entry> topByCount(int n) {
        return top(n, Comparator.comparingLong(Entry::count));
    }

    List<Entry> topByNanos(int n) {
        return top(n, Comparator.comparingLong(Entry::nanos));
    }

    private List<Entry> top(int n, Comparator<Entry> order) {
        List<Entry> entries = new ArrayList<>();
        byKey.forEach((key, v) -> entries.add(new Entry(key, v[0], v[1])));
        entries.sort(order.reversed());
        return entries.subList(0, Math.min(n, entries.size()));
    }
}

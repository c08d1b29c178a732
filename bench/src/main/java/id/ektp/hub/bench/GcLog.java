package id.ektp.hub.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Heap figures from a unified JVM GC log ({@code -Xlog:gc*:file=...}). Every collection line
 * says {@code <used before>-><used after>(<committed>)}; the largest "before" is the highest heap
 * occupancy the JVM reached (the heap only grows between collections). A young collection's
 * "after" still counts old-generation garbage; only a full collection's "after" is the live set,
 * which is why the benchmark asks for one (a heap histogram) after each phase.
 */
record GcLog(int collections, double peakUsedMiB, double peakAfterGcMiB, double peakCommittedMiB,
             double pauseMillis, int fullCollections, double liveAfterFullGcMiB) {

    // [1.234s][info][gc] GC(3) Pause Young (Normal) (G1 Evacuation Pause) 24M->3M(256M) 3.456ms
    private static final Pattern COLLECTION = Pattern.compile(
            "\\[gc\\s*\\] GC\\(\\d+\\) (Pause .*?) (\\d+)([KMG])->(\\d+)([KMG])\\((\\d+)([KMG])\\) ([\\d.]+)ms");

    // at exit, with -Xlog:gc+heap+exit:  garbage-first heap   total 262144K, used 123456K [0x...
    private static final Pattern AT_EXIT = Pattern.compile("heap\\s+total (\\d+)K, used (\\d+)K");

    static GcLog parse(Path file) {
        int count = 0;
        int full = 0;
        double peakUsed = 0;
        double peakAfter = 0;
        double peakCommitted = 0;
        double pauses = 0;
        double live = -1;
        try {
            for (String line : Files.readAllLines(file)) {
                Matcher exit = AT_EXIT.matcher(line);
                if (line.contains("[gc,heap,exit") && exit.find()) {
                    peakUsed = Math.max(peakUsed, Long.parseLong(exit.group(2)) / 1024.0);
                    continue;
                }
                Matcher m = COLLECTION.matcher(line);
                if (!m.find()) {
                    continue;
                }
                count++;
                if (m.group(1).startsWith("Pause Full")) {
                    full++;
                    live = Math.max(live, mib(m.group(4), m.group(5)));
                }
                peakUsed = Math.max(peakUsed, mib(m.group(2), m.group(3)));
                peakAfter = Math.max(peakAfter, mib(m.group(4), m.group(5)));
                peakCommitted = Math.max(peakCommitted, mib(m.group(6), m.group(7)));
                pauses += Double.parseDouble(m.group(8));
            }
        } catch (IOException e) {
            return new GcLog(0, -1, -1, -1, 0, 0, -1);
        }
        return new GcLog(count, peakUsed, peakAfter, peakCommitted, pauses, full, live);
    }

    private static double mib(String value, String unit) {
        double v = Double.parseDouble(value);
        return switch (unit) {
            case "K" -> v / 1024;
            case "G" -> v * 1024;
            default -> v;
        };
    }
}

package id.ektp.hub.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The hub's heap, from its unified GC log ({@code -Xlog:gc*:file=...}). Every collection line says
 * {@code <used before>-><used after>(<committed>)}. The heap only grows between collections, so the largest
 * "before" is the most it ever held (live objects plus garbage not yet collected), and the largest "after" an
 * upper bound of what the hub keeps: a young collection's "after" still counts old-generation garbage. Only a
 * full collection's "after" is the live set, which is why the UP benchmark asks for one (a heap histogram) after
 * each phase. The {@code window} figures count only the collections from a given JVM uptime on (the PRR batch).
 */
record GcLog(int collections, int fullCollections, double pauseMillis, double peakUsedMiB, double peakAfterGcMiB,
             double peakCommittedMiB, double liveAfterFullGcMiB, int windowCollections, double windowPeakUsedMiB,
             double windowPeakAfterGcMiB) {

    // [12.345s][info][gc          ] GC(3) Pause Young (Normal) (G1 Evacuation Pause) 24M->3M(256M) 3.456ms
    // (the cause may contain digits: "G1 Evacuation Pause", "G1 Humongous Allocation")
    private static final Pattern COLLECTION = Pattern.compile(
            "^\\[([\\d.]+)s\\].*?\\[gc\\s*\\] GC\\(\\d+\\) (Pause .*?) (\\d+)([KMG])->(\\d+)([KMG])\\((\\d+)([KMG])\\) ([\\d.]+)ms");

    /**
     * The heap's size and use as the JVM prints it at exit ({@code -Xlog:gc+heap+exit}) and for {@code jcmd PID
     * GC.heap_info}: {@code garbage-first heap   total 262144K, used 123456K [0x...}.
     */
    static final Pattern HEAP_TOTAL = Pattern.compile("heap\\s+total (\\d+)K, used (\\d+)K");

    /** Figures over the whole log, and over the collections at or after {@code fromUptime} seconds. */
    static GcLog parse(Path file, double fromUptime) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file);
        } catch (IOException e) {
            return new GcLog(0, 0, 0, -1, -1, -1, -1, 0, -1, -1);
        }
        int count = 0;
        int full = 0;
        double pauses = 0;
        double peakUsed = 0;
        double peakAfter = 0;
        double peakCommitted = 0;
        double live = -1;
        int windowCount = 0;
        double windowUsed = 0;
        double windowAfter = 0;
        for (String line : lines) {
            if (line.contains("[gc,heap,exit")) {
                Matcher exit = HEAP_TOTAL.matcher(line);
                if (exit.find()) {
                    double used = Long.parseLong(exit.group(2)) / 1024.0;
                    peakUsed = Math.max(peakUsed, used);
                    windowUsed = Math.max(windowUsed, used);
                }
                continue;
            }
            Matcher m = COLLECTION.matcher(line);
            if (!m.find()) {
                continue;
            }
            double before = mib(m.group(3), m.group(4));
            double after = mib(m.group(5), m.group(6));
            count++;
            if (m.group(2).startsWith("Pause Full")) {
                full++;
                live = Math.max(live, after);
            }
            pauses += Double.parseDouble(m.group(9));
            peakUsed = Math.max(peakUsed, before);
            peakAfter = Math.max(peakAfter, after);
            peakCommitted = Math.max(peakCommitted, mib(m.group(7), m.group(8)));
            if (Double.parseDouble(m.group(1)) >= fromUptime) {
                windowCount++;
                windowUsed = Math.max(windowUsed, before);
                windowAfter = Math.max(windowAfter, after);
            }
        }
        return new GcLog(count, full, pauses, peakUsed, peakAfter, peakCommitted, live, windowCount, windowUsed,
                windowAfter);
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

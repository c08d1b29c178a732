package id.ektp.hub.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The hub's heap, two ways. {@link #parseGcLog}: from its unified GC log ({@code -Xlog:gc*}); every
 * collection line says {@code <used before>-><used after>(<committed>)}, and since the heap only grows
 * between collections the largest "before" is the most it ever held (live objects plus garbage not yet
 * collected), the largest "after" an upper bound of what the hub keeps live. {@link Sampler}: {@code jcmd
 * <pid> GC.heap_info} every few seconds, a cross-check that also sees the heap when no collection happens.
 */
final class PrrHeap {
    private PrrHeap() {}

    /** Figures from the GC log, over the whole hub run and over the batch only (uptime ≥ {@code fromUptime}). */
    record GcFigures(int collections, int fullCollections, double pauseMillis, double peakUsedMiB,
                     double peakAfterGcMiB, double peakCommittedMiB, double batchPeakUsedMiB,
                     double batchPeakAfterGcMiB, int batchCollections) {}

    // [12.345s][info][gc          ] GC(3) Pause Young (Normal) (G1 Evacuation Pause) 24M->3M(256M) 3.456ms
    // (the cause may contain digits: "G1 Evacuation Pause", "G1 Humongous Allocation")
    private static final Pattern COLLECTION = Pattern.compile(
            "^\\[([\\d.]+)s\\].*?\\[gc\\s*\\] GC\\(\\d+\\) (Pause .*?) (\\d+)([KMG])->(\\d+)([KMG])\\((\\d+)([KMG])\\) ([\\d.]+)ms");
    // [20.1s][info][gc,heap,exit] garbage-first heap   total 262144K, used 123456K [0x...
    private static final Pattern HEAP_TOTAL = Pattern.compile("heap\\s+total (\\d+)K, used (\\d+)K");

    static GcFigures parseGcLog(Path file, double fromUptime) {
        int count = 0;
        int full = 0;
        int batchCount = 0;
        double pauses = 0;
        double peakUsed = 0;
        double peakAfter = 0;
        double peakCommitted = 0;
        double batchUsed = 0;
        double batchAfter = 0;
        List<String> lines;
        try {
            lines = Files.readAllLines(file);
        } catch (IOException e) {
            return new GcFigures(0, 0, 0, -1, -1, -1, -1, -1, 0);
        }
        for (String line : lines) {
            if (line.contains("[gc,heap,exit")) {
                Matcher exit = HEAP_TOTAL.matcher(line);
                if (exit.find()) {
                    double used = Long.parseLong(exit.group(2)) / 1024.0;
                    peakUsed = Math.max(peakUsed, used);
                    batchUsed = Math.max(batchUsed, used);
                }
                continue;
            }
            Matcher m = COLLECTION.matcher(line);
            if (!m.find()) {
                continue;
            }
            double at = Double.parseDouble(m.group(1));
            double before = mib(m.group(3), m.group(4));
            double after = mib(m.group(5), m.group(6));
            count++;
            if (m.group(2).startsWith("Pause Full")) {
                full++;
            }
            pauses += Double.parseDouble(m.group(9));
            peakUsed = Math.max(peakUsed, before);
            peakAfter = Math.max(peakAfter, after);
            peakCommitted = Math.max(peakCommitted, mib(m.group(7), m.group(8)));
            if (at >= fromUptime) {
                batchCount++;
                batchUsed = Math.max(batchUsed, before);
                batchAfter = Math.max(batchAfter, after);
            }
        }
        return new GcFigures(count, full, pauses, peakUsed, peakAfter, peakCommitted, batchUsed, batchAfter, batchCount);
    }

    private static double mib(String value, String unit) {
        double v = Double.parseDouble(value);
        return switch (unit) {
            case "K" -> v / 1024;
            case "G" -> v * 1024;
            default -> v;
        };
    }

    /** Samples {@code jcmd <pid> GC.heap_info} on its own thread until closed. */
    static final class Sampler implements AutoCloseable {
        private final long pid;
        private final long everyMillis;
        private final Thread thread;
        private final List<double[]> samples = new ArrayList<>(); // {seconds since start, used MiB, total MiB}
        private final long start = System.nanoTime();
        private volatile boolean running = true;

        Sampler(long pid, long everyMillis) {
            this.pid = pid;
            this.everyMillis = everyMillis;
            this.thread = new Thread(this::loop, "prr-heap-sampler");
            this.thread.setDaemon(true);
            if (everyMillis > 0) {
                thread.start();
            }
        }

        private void loop() {
            String jcmd = BenchIo.jdkTool("jcmd");
            while (running) {
                try {
                    Process p = new ProcessBuilder(jcmd, Long.toString(pid), "GC.heap_info")
                            .redirectErrorStream(true).start();
                    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                    p.waitFor(20, TimeUnit.SECONDS);
                    Matcher m = HEAP_TOTAL.matcher(out);
                    if (m.find()) {
                        synchronized (samples) {
                            samples.add(new double[] {(System.nanoTime() - start) / 1e9,
                                Long.parseLong(m.group(2)) / 1024.0, Long.parseLong(m.group(1)) / 1024.0});
                        }
                    }
                    Thread.sleep(everyMillis);
                } catch (IOException e) {
                    return;
                } catch (InterruptedException e) {
                    return;
                }
            }
        }

        int count() {
            synchronized (samples) {
                return samples.size();
            }
        }

        double maxUsedMiB() {
            synchronized (samples) {
                return samples.stream().mapToDouble(s -> s[1]).max().orElse(-1);
            }
        }

        @Override
        public void close() {
            running = false;
            thread.interrupt();
            try {
                thread.join(5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}

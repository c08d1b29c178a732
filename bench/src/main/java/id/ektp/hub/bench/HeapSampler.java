package id.ektp.hub.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;

/**
 * The hub's heap in use, from {@code jcmd <pid> GC.heap_info} every few seconds on its own thread until closed: a
 * cross-check of the {@link GcLog} figures that also sees the heap while no collection happens.
 */
final class HeapSampler implements AutoCloseable {
    private final long pid;
    private final long everyMillis;
    private final Thread thread;
    private final List<Double> usedMiB = new ArrayList<>();
    private volatile boolean running = true;

    /** Samples every {@code everyMillis}; never if that is 0. */
    HeapSampler(long pid, long everyMillis) {
        this.pid = pid;
        this.everyMillis = everyMillis;
        this.thread = new Thread(this::loop, "heap-sampler");
        this.thread.setDaemon(true);
        if (everyMillis > 0) {
            thread.start();
        }
    }

    private void loop() {
        String jcmd = BenchIo.jdkTool("jcmd");
        while (running) {
            try {
                Process p = new ProcessBuilder(jcmd, Long.toString(pid), "GC.heap_info").redirectErrorStream(true)
                        .start();
                String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                p.waitFor(20, TimeUnit.SECONDS);
                Matcher m = GcLog.HEAP_TOTAL.matcher(out);
                if (m.find()) {
                    synchronized (usedMiB) {
                        usedMiB.add(Long.parseLong(m.group(2)) / 1024.0);
                    }
                }
                Thread.sleep(everyMillis);
            } catch (IOException | InterruptedException e) {
                return;
            }
        }
    }

    int count() {
        synchronized (usedMiB) {
            return usedMiB.size();
        }
    }

    double maxUsedMiB() {
        synchronized (usedMiB) {
            return usedMiB.stream().mapToDouble(Double::doubleValue).max().orElse(-1);
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

package id.ektp.hub.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** File, process and clock helpers of the PRR benchmark (self-contained: other benchmarks own theirs). */
final class PrrIo {
    /** Linux's USER_HZ; {@code /proc/<pid>/stat} counts CPU time in these. */
    private static final double CLOCK_TICKS = 100.0;

    private PrrIo() {}

    /** The PRR benchmark cannot go on; the message says why. */
    static final class PrrFailure extends RuntimeException {
        private static final long serialVersionUID = 1L;

        PrrFailure(String message) {
            super(message);
        }
    }

    static void deleteTree(Path dir) {
        BenchIo.deleteTree(dir); // one implementation for every benchmark
    }

    /** Names in {@code dir} not starting with '.' (final job files, not the hub's temp files). */
    static int countVisible(Path dir) {
        int n = 0;
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
            for (Path p : files) {
                if (p.getFileName().toString().charAt(0) != '.') {
                    n++;
                }
            }
        } catch (IOException e) {
            return -1;
        }
        return n;
    }

    static List<String> names(Path dir) {
        List<String> names = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
            for (Path p : files) {
                names.add(p.getFileName().toString());
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir, e);
        }
        return names;
    }

    /** User + system CPU seconds of a process so far, from {@code /proc/<pid>/stat}; -1 if unreadable. */
    static double processCpuSeconds(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return (Long.parseLong(f[11]) + Long.parseLong(f[12])) / CLOCK_TICKS; // utime, stime
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** System (kernel) CPU seconds of a process so far; -1 if unreadable. */
    static double processSystemCpuSeconds(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(f[12]) / CLOCK_TICKS; // stime
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** CPU seconds of this JVM (the SFTP servers, the broker and the driver). */
    static double ownCpuSeconds() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime() / 1e9;
    }

    /** The 1-minute load average, or -1. */
    static double loadAverage() {
        return ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    }

    static double seconds(long nanos) {
        return nanos / 1e9;
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PrrFailure("interrupted");
        }
    }

    static String javaExecutable() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    static int freePort() {
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

package id.ektp.hub.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/** File, process and clock helpers every benchmark driver shares. */
final class BenchIo {
    /** Linux's USER_HZ: {@code /proc/<pid>/stat} counts CPU time in these. */
    private static final long CLOCK_TICKS = clockTicks();

    private BenchIo() {}

    static String sha256(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            byte[] buffer = new byte[64 * 1024];
            for (int n; (n = in.read(buffer)) >= 0; ) {
                digest.update(buffer, 0, n);
            }
            return HexFormat.of().formatHex(digest.digest());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Deletes a folder and everything in it; nothing if it does not exist. */
    static void deleteTree(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try {
            Files.walkFileTree(dir, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    Files.deleteIfExists(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path d, IOException exc) throws IOException {
                    Files.deleteIfExists(d);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (NoSuchFileException e) {
            // gone meanwhile
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + dir, e);
        }
    }

    /** Empties a folder, keeping the folder itself (creating it if missing). */
    static void emptyDir(Path dir) {
        deleteTree(dir);
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + dir, e);
        }
    }

    /** The names in a folder, sorted; none if the folder does not exist. */
    static List<String> names(Path dir) {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir, e);
        }
    }

    /**
     * How many names in {@code dir} do not start with '.' (final job files, not the hub's temp files);
     * -1 if it cannot be listed. Cheaper than {@link #names} for a folder watched every 100 ms.
     */
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

    /** Flushes dirty pages so set-up writes do not land on the timed phase's I/O. */
    static void sync() {
        try {
            Process p = new ProcessBuilder("sync").inheritIO().start();
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
        } catch (IOException e) {
            // no sync(1): then the page cache simply stays dirty; not worth failing the run for
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Runs a short command and returns its standard output (stderr merged), or "" if it cannot run. */
    static String capture(List<String> command, long timeoutSeconds) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
            return new String(out, StandardCharsets.UTF_8).trim();
        } catch (IOException e) {
            return "";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        }
    }

    /** A tool of the JDK this driver runs on ({@code java}, {@code jcmd}), so the hub gets the same JVM. */
    static String jdkTool(String name) {
        return Path.of(System.getProperty("java.home"), "bin", name).toString();
    }

    /** CPU seconds (user + system) a live process has used so far, from /proc; -1 if unknown. */
    static double processCpuSeconds(long pid) {
        try {
            long[] ticks = cpuTicks(Files.readString(Path.of("/proc", Long.toString(pid), "stat")));
            return (ticks[0] + ticks[1]) / (double) CLOCK_TICKS;
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** System (kernel) CPU seconds a live process has used so far, from /proc; -1 if unknown. */
    static double processSystemCpuSeconds(long pid) {
        try {
            return cpuTicks(Files.readString(Path.of("/proc", Long.toString(pid), "stat")))[1] / (double) CLOCK_TICKS;
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /**
     * CPU seconds of a live process by thread group, from /proc/PID/task/*: the kernel's thread
     * name (Java's first 15 characters) with digits and trailing separators dropped, so
     * "C2 CompilerThread0" and "...Thread1" count together. Sorted, largest first.
     */
    static List<Map.Entry<String, Double>> threadCpuSeconds(long pid) {
        Map<String, Double> groups = new HashMap<>();
        try (Stream<Path> list = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
            for (Path task : list.toList()) {
                try {
                    String stat = Files.readString(task.resolve("stat"));
                    long[] ticks = cpuTicks(stat);
                    String comm = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
                    String group = comm.replaceAll("[0-9]+", "").replaceAll("[#\\s-]+$", "").trim();
                    groups.merge(group.isEmpty() ? comm : group, (ticks[0] + ticks[1]) / (double) CLOCK_TICKS,
                            Double::sum);
                } catch (IOException | RuntimeException e) {
                    // the thread ended meanwhile
                }
            }
        } catch (IOException e) {
            return List.of();
        }
        return groups.entrySet().stream().filter(e -> e.getValue() > 0)
                .sorted(Map.Entry.<String, Double>comparingByValue().reversed()).toList();
    }

    /** {utime, stime} in clock ticks, from the text of a /proc stat file. */
    private static long[] cpuTicks(String stat) {
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        // after the command name: state(3) ... utime(14) stime(15), so indexes 11 and 12 here
        return new long[] {Long.parseLong(fields[11]), Long.parseLong(fields[12])};
    }

    /** CPU seconds this JVM (the driver and the peers it runs: SFTP servers, broker) has used so far. */
    static double ownCpuSeconds() {
        var os = ManagementFactory.getOperatingSystemMXBean();
        if (os instanceof com.sun.management.OperatingSystemMXBean sun) {
            return sun.getProcessCpuTime() / 1e9;
        }
        return -1;
    }

    /** The 1-minute load average (other work on the machine shows here); negative if unknown. */
    static double loadAverage() {
        return ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    }

    /** The 1-, 5- and 15-minute load averages as the kernel gives them, e.g. "1.05 0.80 0.51"; "?" if unknown. */
    static String loadAverages() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (IOException | RuntimeException e) {
            return "?";
        }
    }

    static double seconds(long nanos) {
        return nanos / 1e9;
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BenchmarkFailure("interrupted");
        }
    }

    /** A TCP port free on 127.0.0.1 right now, for the hub's HTTP listener. */
    static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static long clockTicks() {
        try {
            return Long.parseLong(capture(List.of("getconf", "CLK_TCK"), 10));
        } catch (NumberFormatException e) {
            return 100;
        }
    }
}

package id.ektp.hub.bench;

import id.ektp.hub.sandbox.net.WanLink;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;

/**
 * The UP flow over a kecamatan line: 2 Mbit/s (250,000 bytes/s each way) cut every 12 s for
 * 2 s, the case, made with {@link WanLink} in front of the embedded SFTP servers. Two
 * runs of the hub (as its own process, from {@code ektp-hub.jar}): device → hub over the line
 * with the ministry on loopback, then hub → ministry over the line with the device on loopback.
 *
 * <p>Per direction, over the window from the first byte on the line to the last packet across:
 * <ul>
 *   <li><b>bytes per packet byte</b>: what crossed the line (SSH and SFTP framing, requests,
 *       handshakes after each cut, and anything sent twice) ÷ the packets' bytes. Target ≤ 1.1.</li>
 *   <li><b>line use</b>: what crossed the line ÷ what the line could carry while it was up
 *       (rate × up-time in the window). Target ≥ 0.9.</li>
 * </ul>
 * The last line printed is {@code RESULT wan down_bytes_per_byte=… down_line_use=… up_bytes_per_byte=…
 * up_line_use=…}.
 */
public final class WanBenchmark {
    private final Path jar;
    private final Path out;
    private final int count;
    private final long targetBytes;
    private final long rate;
    private final Duration cutEvery;
    private final Duration downTime;

    private WanBenchmark(Map<String, String> options) {
        this.jar = Path.of(options.getOrDefault("jar", "app/target/ektp-hub.jar")).toAbsolutePath();
        this.out = Path.of(options.getOrDefault("out", "bench/out/wan")).toAbsolutePath().normalize();
        this.count = Integer.parseInt(options.getOrDefault("packets", "6"));
        this.targetBytes = Long.parseLong(options.getOrDefault("bytes", String.valueOf(2L * 1024 * 1024)));
        this.rate = Long.parseLong(options.getOrDefault("rate", "250000"));
        this.cutEvery = Duration.ofSeconds(Long.parseLong(options.getOrDefault("cut-every", "12")));
        this.downTime = Duration.ofSeconds(Long.parseLong(options.getOrDefault("down", "2")));
    }

    public static void main(String[] args) {
        Map<String, String> options = new java.util.HashMap<>();
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--help")) {
                System.out.println("""
                        WanBenchmark [--jar ektp-hub.jar] [--out DIR] [--packets 6] [--bytes 2097152]
                                     [--rate 250000] [--cut-every 12] [--down 2]
                          packets of about --bytes each cross a line of --rate bytes/s each way, cut every
                          --cut-every seconds for --down seconds; device -> hub, then hub -> ministry""");
                return;
            }
            if (!args[i].startsWith("--") || i + 1 >= args.length) {
                throw new IllegalArgumentException("unknown argument " + args[i] + " (--help)");
            }
            options.put(args[i].substring(2), args[++i]);
        }
        System.exit(new WanBenchmark(options).execute());
    }

    /** One direction's figures. */
    record Figures(String direction, long packetBytes, long lineBytes, double seconds, double upSeconds, long cuts) {
        double bytesPerByte() {
            return (double) lineBytes / packetBytes;
        }

        double lineUse(long rate) {
            return lineBytes / (rate * upSeconds);
        }
    }

    private int execute() {
        try {
            Files.createDirectories(out);
            PacketSet set = PacketSet.ensure(out.resolve("staging"), "wan", count, targetBytes, 30);
            Figures down;
            Figures up;
            try (BenchEnvironment env = new BenchEnvironment(out.resolve("env"))) {
                down = run(env, set, true);
                up = run(env, set, false);
            }
            String report = report(set, down, up);
            System.out.println(report);
            Files.writeString(out.resolve("results.md"), report, StandardCharsets.UTF_8);
            System.out.printf(Locale.ROOT, "RESULT wan down_bytes_per_byte=%.3f down_line_use=%.3f "
                            + "up_bytes_per_byte=%.3f up_line_use=%.3f%n", down.bytesPerByte(), down.lineUse(rate),
                    up.bytesPerByte(), up.lineUse(rate));
            return 0;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** One hub run with the line on the device side ({@code deviceSide}) or on the ministry side. */
    private Figures run(BenchEnvironment env, PacketSet set, boolean deviceSide) throws IOException {
        String direction = deviceSide ? "device -> hub" : "hub -> ministry";
        Path runDir = out.resolve(deviceSide ? "run-down" : "run-up");
        BenchIo.deleteTree(runDir);
        Files.createDirectories(runDir);
        BenchIo.emptyDir(env.inbox());
        WanLink.Builder shape = WanLink.to(deviceSide ? env.devicePort() : env.ministryPort()).bytesPerSecond(rate)
                .cutEvery(cutEvery, downTime);
        set.placeInto(env.outbox());
        try (WanLink line = deviceSide ? env.deviceLine(shape) : env.ministryLine(shape)) {
            Path config = HubRun.writeConfig(env, runDir, deviceSide ? line.port() : env.devicePort(),
                    deviceSide ? env.ministryPort() : line.port(), "1s");
            LongSupplier crossed = deviceSide ? line::bytesToClient : line::bytesToServer;
            BooleanSupplier across = deviceSide
                    ? () -> BenchIo.names(env.outbox()).stream().noneMatch(n -> n.endsWith(".zip"))
                    : () -> set.packets().stream().allMatch(p -> Files.exists(env.inbox().resolve(p.fileName())));
            System.out.printf("[wan] %s: %d packets, %.1f MB, over %d bytes/s cut every %d s for %d s%n", direction,
                    set.packets().size(), set.totalBytes() / 1e6, rate, cutEvery.toSeconds(), downTime.toSeconds());
            try (HubProcess hub = HubProcess.start(jar, "256m", List.of(), Map.of(), runDir, config)) {
                long deadline = System.nanoTime() + Duration.ofMinutes(15).toNanos();
                while (crossed.getAsLong() == 0) {
                    waitABit(hub, deadline);
                }
                long upAtStart = line.upNanos();
                long cutsAtStart = line.cuts();
                long start = System.nanoTime();
                while (!across.getAsBoolean()) {
                    waitABit(hub, deadline);
                }
                long end = System.nanoTime();
                Figures f = new Figures(direction, set.totalBytes(), crossed.getAsLong(),
                        (end - start) / 1e9, (line.upNanos() - upAtStart) / 1e9, line.cuts() - cutsAtStart);
                if (!deviceSide) {
                    for (PacketSet.Packet p : set.packets()) {
                        if (!BenchIo.sha256(env.inbox().resolve(p.fileName())).equals(p.sha256())) {
                            throw new BenchmarkFailure(p.fileName() + " differs in the inbox");
                        }
                    }
                }
                System.out.printf(Locale.ROOT, "[wan] %s: %.1f s, %d cuts, %.3f bytes per packet byte, line use %.3f%n",
                        direction, f.seconds(), f.cuts(), f.bytesPerByte(), f.lineUse(rate));
                hub.stop("wan " + direction);
                return f;
            }
        }
    }

    private static void waitABit(HubProcess hub, long deadline) {
        if (!hub.isAlive()) {
            throw new BenchmarkFailure("the hub exited (" + hub.exitValue() + "); see " + hub.log());
        }
        if (System.nanoTime() > deadline) {
            throw new BenchmarkFailure("not across after 15 minutes; see " + hub.log());
        }
        BenchIo.sleep(10);
    }

    private String report(PacketSet set, Figures down, Figures up) {
        StringBuilder r = new StringBuilder("# UP over a cut kecamatan line\n\n");
        r.append(String.format(Locale.ROOT, "%d packets, %.1f MB; line %d bytes/s each way, cut every %d s for %d s; "
                        + "load average %s%n%n", set.packets().size(), set.totalBytes() / 1e6, rate, cutEvery.toSeconds(),
                downTime.toSeconds(), BenchIo.loadAverages()));
        r.append("| direction | packet bytes | line bytes | bytes per packet byte (≤ 1.1) | s | s line up | cuts | line use (≥ 0.9) |\n");
        r.append("|---|---|---|---|---|---|---|---|\n");
        for (Figures f : List.of(down, up)) {
            r.append(String.format(Locale.ROOT, "| %s | %d | %d | **%.3f** | %.1f | %.1f | %d | **%.3f** |%n",
                    f.direction(), f.packetBytes(), f.lineBytes(), f.bytesPerByte(), f.seconds(), f.upSeconds(), f.cuts(),
                    f.lineUse(rate)));
        }
        return r.toString();
    }
}

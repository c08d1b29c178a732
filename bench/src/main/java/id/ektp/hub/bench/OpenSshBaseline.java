package id.ektp.hub.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The baseline: OpenSSH's {@code sftp} client moving the same files between the same two
 * servers, in the most direct way a person would: one session that {@code get}s every
 * {@code *.zip} from the device outbox into a local folder, then one session that {@code put}s
 * them all into the ministry inbox. Same client key, same host-key checking, same loopback.
 */
final class OpenSshBaseline {
    static final String SFTP = "/usr/bin/sftp";
    private static final String TIME = "/usr/bin/time";

    /**
     * Wall and CPU time of one sftp session: cpu is sftp's user + system time with its ssh child
     * (-1 if unknown), serverCpu the driver JVM's, i.e. the SFTP servers'.
     */
    record Session(double seconds, double cpuSeconds, double serverCpuSeconds) {}

    /** What one baseline run measured. */
    record Result(Session download, Session upload) {
        double seconds() {
            return download.seconds() + upload.seconds();
        }

        double cpuSeconds() {
            return download.cpuSeconds() < 0 || upload.cpuSeconds() < 0 ? -1
                    : download.cpuSeconds() + upload.cpuSeconds();
        }

        double serverCpuSeconds() {
            return download.serverCpuSeconds() + upload.serverCpuSeconds();
        }
    }

    private final BenchEnvironment env;
    private final Path work;
    private final String cipher;

    /** {@code cipher} null lets OpenSSH pick (it prefers chacha20-poly1305), else {@code -c cipher}. */
    OpenSshBaseline(BenchEnvironment env, Path work, String cipher) {
        this.env = env;
        this.work = work;
        this.cipher = cipher;
    }

    static boolean available() {
        return Files.isExecutable(Path.of(SFTP));
    }

    /**
     * One baseline run: places the packets in the device outbox, times the download and the
     * upload, checks every file the inbox received, and leaves outbox, inbox and the local
     * folder empty.
     */
    Result run(PacketSet set, String label, long deadlineNanos) {
        Path local = work.resolve("baseline-local");
        BenchIo.emptyDir(local);
        BenchIo.emptyDir(env.inbox());
        set.placeInto(env.outbox());
        BenchIo.sync();

        Session down = session(label + "-download", env.devicePort(), BenchEnvironment.DEVICE_USER,
                List.of("cd outbox", "lcd " + local, "get *.zip"), deadlineNanos);
        Session up = session(label + "-upload", env.ministryPort(), BenchEnvironment.MINISTRY_USER,
                List.of("cd inbox", "lcd " + local, "put *.zip"), deadlineNanos);

        String problem = set.verify(env.inbox());
        if (problem != null) {
            throw new BenchmarkFailure("[" + label + "] OpenSSH sftp baseline delivered wrong files: " + problem);
        }
        BenchIo.emptyDir(local);
        BenchIo.emptyDir(env.inbox());
        BenchIo.emptyDir(env.outbox());
        BenchIo.sync();
        return new Result(down, up);
    }

    /** Common OpenSSH options: our key only, our known_hosts only, no prompts, no user config. */
    List<String> sshOptions(int port) {
        List<String> options = new ArrayList<>(List.of("-F", "/dev/null", "-i", env.clientKey().toString(),
                "-o", "IdentitiesOnly=yes", "-o", "IdentityAgent=none",
                "-o", "UserKnownHostsFile=" + env.knownHosts(), "-o", "GlobalKnownHostsFile=/dev/null",
                "-o", "StrictHostKeyChecking=yes", "-o", "BatchMode=yes",
                "-P", Integer.toString(port)));
        if (cipher != null) {
            options.addAll(List.of("-c", cipher));
        }
        return options;
    }

    /**
     * What OpenSSH negotiates with these servers (kex, cipher, MAC), from one verbose
     * {@code pwd} session; for the report.
     */
    String negotiated() {
        try {
            Path batch = work.resolve("probe.batch");
            Files.writeString(batch, "pwd\n");
            List<String> cmd = new ArrayList<>(List.of(SFTP, "-v"));
            cmd.addAll(sshOptions(env.ministryPort()));
            cmd.addAll(List.of("-b", batch.toString(), BenchEnvironment.MINISTRY_USER + "@127.0.0.1"));
            String out = BenchIo.capture(cmd, 30);
            StringBuilder found = new StringBuilder();
            for (String line : out.split("\n")) {
                if (line.contains("kex: algorithm:") || line.contains("kex: client->server cipher:")) {
                    found.append(found.length() == 0 ? "" : "; ").append(line.replaceFirst("^debug1: ", "").trim());
                }
            }
            return found.length() == 0 ? "(not reported)" : found.toString();
        } catch (IOException e) {
            return "(probe failed: " + e.getMessage() + ")";
        }
    }

    private Session session(String label, int port, String user, List<String> commands, long deadlineNanos) {
        try {
            Path batch = work.resolve(label + ".batch");
            Files.write(batch, commands, StandardCharsets.UTF_8);
            Path times = work.resolve(label + ".time");
            Files.deleteIfExists(times);
            Path log = work.resolve(label + ".log");
            List<String> cmd = new ArrayList<>();
            boolean timed = Files.isExecutable(Path.of(TIME));
            if (timed) {
                // wait4() rusage of sftp includes its ssh child, which does the crypto.
                cmd.addAll(List.of(TIME, "-f", "%e %U %S", "-o", times.toString()));
            }
            cmd.add(SFTP);
            cmd.add("-q");
            cmd.addAll(sshOptions(port));
            cmd.addAll(List.of("-b", batch.toString(), user + "@127.0.0.1"));

            double serverCpuBefore = BenchIo.ownCpuSeconds();
            long start = System.nanoTime();
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            long left = deadlineNanos - System.nanoTime();
            if (!p.waitFor(Math.max(0, left), TimeUnit.NANOSECONDS)) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
                throw new BenchmarkFailure("[" + label + "] OpenSSH sftp did not finish within the time limit; "
                        + "giving up (log: " + log + ")");
            }
            double seconds = BenchIo.seconds(System.nanoTime() - start);
            double serverCpu = BenchIo.ownCpuSeconds() - serverCpuBefore;
            if (p.exitValue() != 0) {
                throw new BenchmarkFailure("[" + label + "] OpenSSH sftp failed with exit code " + p.exitValue()
                        + ":\n" + tail(log));
            }
            double cpu = -1;
            if (timed && Files.isRegularFile(times)) {
                String[] f = Files.readString(times).trim().split("\\s+");
                if (f.length >= 3) {
                    cpu = Double.parseDouble(f[f.length - 2]) + Double.parseDouble(f[f.length - 1]);
                }
            }
            return new Session(seconds, cpu, serverCpu);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + SFTP, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BenchmarkFailure("interrupted");
        }
    }

    private static String tail(Path log) throws IOException {
        List<String> lines = Files.readAllLines(log);
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
    }
}

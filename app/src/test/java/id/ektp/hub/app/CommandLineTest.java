package id.ektp.hub.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command line's contract (ICD section 4): what it prints and the exit codes. */
class CommandLineTest {
    @TempDir
    Path dir;

    record Result(int exit, String out, String err) {}

    static Result run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = EktpHub.execute(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Result(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void theKlatenSampleIsValidOnceItsSecretsExist() throws IOException {
        Path config = Files.createDirectories(dir.resolve("config")).resolve("klaten.yaml");
        Files.copy(Path.of("..", "config", "klaten.yaml"), config);
        Path secrets = Files.createDirectories(dir.resolve("secrets"));
        for (String name : new String[] {"id_ed25519", "admin.token", "broker.password"}) {
            secret(secrets.resolve(name), "secret\n");
        }
        secret(secrets.resolve("known_hosts"), "10.33.10.5 ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIG\n");

        Result result = run("validate", "--config", config.toString());

        assertEquals(0, result.exit(), result.err());
        assertTrue(result.out().contains("valid"), result.out());
    }

    /**
     * The Gantiwarno device taken out for repair, the neighbour lists that name its kecamatan
     * left as they are: valid, with a warning for each, and exit 0.
     */
    @Test
    void aNeighbourWithoutADeviceIsAWarningAndTheConfigStaysValid() throws IOException {
        Path config = Files.createDirectories(dir.resolve("config")).resolve("klaten.yaml");
        String sample = Files.readString(Path.of("..", "config", "klaten.yaml"));
        int start = sample.indexOf("  - kecamatan: \"33.10.02\"");
        int end = sample.indexOf("  - kecamatan: \"33.10.03\"");
        Files.writeString(config, sample.substring(0, start) + sample.substring(end));
        Path secrets = Files.createDirectories(dir.resolve("secrets"));
        for (String name : new String[] {"id_ed25519", "admin.token", "broker.password"}) {
            secret(secrets.resolve(name), "secret\n");
        }
        secret(secrets.resolve("known_hosts"), "10.33.10.5 ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIG\n");

        Result result = run("validate", "--config", config.toString());

        assertEquals(0, result.exit(), result.err());
        assertTrue(result.out().contains("valid (3 warnings)"), result.out());
        for (String key : new String[] {"devices[0].neighbours[0]", "devices[1].neighbours[0]", "devices[7].neighbours[1]"}) {
            assertTrue(result.err().contains(key + ": no device is configured for kecamatan 33.10.02"), result.err());
        }
    }

    @Test
    void anInvalidConfigIsRefusedWithEveryProblemAndExit2() throws IOException {
        Path secrets = Files.createDirectories(dir.resolve("secrets"));
        secret(secrets.resolve("admin.token"), "t\n");
        Path key = secrets.resolve("key");
        Files.writeString(key, "k\n");
        Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-r--r--")); // world-readable
        Path config = dir.resolve("bad.yaml");
        Files.writeString(config, """
                regency: {code: "3310", name: Klaten}
                dataDir: data
                http: {host: 127.0.0.1, port: 70000, adminTokenFile: secrets/admin.token}
                ministry:
                  sftp: {host: m, username: u, privateKeyFile: secrets/key, knownHostsFile: secrets/missing,
                         inboxDir: inbox, outboxDir: outbox, pollInterval: 5 min}
                  broker: {url: "tcp://m:61616", username: u, passwordFile: secrets/nope}
                devices:
                  - {kecamatan: "33.10.05", name: Cawas, deviceId: CWS01, pollIntervall: 30s,
                     sftp: {host: h, username: u, privateKeyFile: secrets/key, knownHostsFile: secrets/missing}}
                printers:
                  - {id: DKC-1, folder: printers/DKC-1, serves: ["*"]}
                stock: {reorderDaysOfCover: 7, targetDaysOfCover: 30, criticalDaysOfCover: 2, checkSchedule: "every morning"}
                """);

        for (String command : new String[] {"validate", "run"}) {
            Result result = run(command, "--config", config.toString());
            assertEquals(2, result.exit(), command + " exits 2 on a bad config");
            for (String expected : new String[] {"regency.code", "http.port", "ministry.sftp.privateKeyFile",
                    "ministry.sftp.knownHostsFile", "ministry.sftp.pollInterval", "ministry.broker.passwordFile",
                    "devices[0].pollIntervall", "devices[0].sftp.knownHostsFile", "stock.checkSchedule"}) {
                assertTrue(result.err().contains(expected + ":"), command + " names " + expected + " in:\n" + result.err());
            }
        }
    }

    @Test
    void usageErrorsAreNotConfigErrors() {
        assertEquals(64, run().exit());
        assertEquals(64, run("launch").exit());
        assertEquals(64, run("validate").exit());
        assertTrue(run("validate").err().contains("Missing required option: '--config=FILE'"), run("validate").err());
        assertEquals(64, run("quarantine", "--config", "hub.yaml", "relase", "Q-1").exit());
        assertEquals(0, run("help").exit());
    }

    /**
     * A misspelt option used to be ignored: {@code --damagd 12} recorded DAMAGED 0, and the real
     * entry was then refused as a repeat of the period. It is refused now, before anything is
     * sent (the configuration named does not even exist), with the option meant.
     */
    @Test
    void aMisspeltOptionIsRefusedWithTheClosestOneSuggested() {
        Result typo = run("destruction", "--config", dir.resolve("absent.yaml").toString(), "--period", "2026-11",
                "--damagd", "12", "--destroyed-at", "2026-11-23T10:00:00+07:00", "--witness", "Sri");
        assertEquals(64, typo.exit(), typo.err());
        assertTrue(typo.err().contains("Unknown options: '--damagd', '12'"), typo.err());
        assertTrue(typo.err().contains("Possible solutions: --damaged,"), typo.err());
        assertTrue(typo.err().contains("'ektp-hub destruction --help' says more"), typo.err());
        assertEquals("", typo.out());

        Result command = run("validat", "--config", "hub.yaml");
        assertEquals(64, command.exit());
        assertTrue(command.err().startsWith("ektp-hub: unknown command 'validat'\nDid you mean: ektp-hub validate"),
                command.err());

        Result value = run("stock-request", "--config", "hub.yaml", "--quantity", "lots", "--reason", "x");
        assertEquals(64, value.exit());
        assertTrue(value.err().contains("'lots' is not an int"), value.err());
    }

    @Test
    void eachCommandHasItsOwnHelp() {
        Result validate = run("validate", "--help");
        assertEquals(0, validate.exit(), validate.err());
        assertTrue(validate.out().startsWith("Usage: ektp-hub validate "), validate.out());
        assertTrue(validate.out().contains("--config=FILE"), validate.out());

        Result destruction = run("help", "destruction");
        assertEquals(0, destruction.exit(), destruction.err());
        for (String option : new String[] {"--damaged", "--unused", "--chip-invalid", "--data-invalid", "--witness"}) {
            assertTrue(destruction.out().contains(option), destruction.out());
        }

        Result all = run("--help");
        assertEquals(0, all.exit());
        for (String command : new String[] {"run", "validate", "sandbox", "quarantine", "status", "stock-arrival",
                "stock-request", "destruction", "requeue-jobs"}) {
            assertTrue(all.out().contains("  " + command + " "), command + " in:\n" + all.out());
        }
        assertTrue(all.out().contains("64   bad usage"), all.out());
    }

    @Test
    void saysWhichBuildItIs() {
        for (String[] args : new String[][] {{"--version"}, {"-V"}, {"validate", "--version"}}) {
            Result version = run(args);
            assertEquals(0, version.exit(), version.err());
            assertTrue(version.out().strip().matches("ektp-hub \\d+\\.\\d+\\.\\d+(-SNAPSHOT)? \\(Camel 4\\.18\\.0, Java "
                    + java.util.regex.Pattern.quote(System.getProperty("java.version")) + "\\)"), version.out());
        }
    }

    /** The same through the real {@code main}, in a process of its own: the exit code is the process's. */
    @Test
    void theProcessExitsWithTheCommandsCode() throws Exception {
        assertEquals(64, process("status", "--config", "hub.yaml", "--url", "http://127.0.0.1:1").exit(),
                "--config and --url are one or the other");
        Result typo = process("stock-request", "--config", "hub.yaml", "--quantity", "5", "--resaon", "school drive");
        assertEquals(64, typo.exit(), typo.err());
        assertTrue(typo.err().contains("Possible solutions: --reason"), typo.err());
        Result version = process("--version");
        assertEquals(0, version.exit(), version.err());
        assertTrue(version.out().startsWith("ektp-hub "), version.out());
        Result missing = process("validate", "--config", dir.resolve("absent.yaml").toString());
        assertEquals(2, missing.exit(), missing.err());
        assertTrue(missing.err().contains("file not found"), missing.err());
    }

    static Result process(String... args) throws Exception {
        java.util.List<String> command = new java.util.ArrayList<>(java.util.List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx128m",
                "-cp", System.getProperty("java.class.path"), EktpHub.class.getName()));
        command.addAll(java.util.List.of(args));
        Process p = new ProcessBuilder(command).start();
        java.util.concurrent.CompletableFuture<String> err = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
            try {
                return new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        return new Result(p.waitFor(), out, err.get());
    }

    private static void secret(Path file, String content) throws IOException {
        Files.writeString(file, content);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
    }
}

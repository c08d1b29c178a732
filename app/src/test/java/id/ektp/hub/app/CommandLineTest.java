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
        secret(secrets.resolve("nik.key"), "0123456789abcdef0123456789abcdef");

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
        secret(secrets.resolve("nik.key"), "a NIK key of at least thirty-two bytes\n"); // the sample's privacy.nikKeyFile

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
        assertEquals(0, run("help").exit());
    }

    private static void secret(Path file, String content) throws IOException {
        Files.writeString(file, content);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
    }
}

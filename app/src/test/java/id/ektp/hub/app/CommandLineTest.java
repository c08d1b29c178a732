package id.ektp.hub.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import id.ektp.hub.sandbox.sftp.SshKeys;
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
        installSecrets(dir.resolve("secrets"), config);

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
        installSecrets(dir.resolve("secrets"), config);

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

    /**
     * What fails at night, caught by validate on files as OpenSSH's ssh-keygen makes them: a
     * device whose host key is not in known_hosts (hashed, as {@code ssh-keygen -H} leaves it), a
     * printer key with a passphrase, a broker URL the ActiveMQ client cannot parse. Each is named
     * by its key; fixed the way the messages say, the configuration is valid.
     */
    @Test
    void validateReadsKeysAndKnownHostsAsTheHubWillAtNight() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/ssh-keygen")), "needs OpenSSH's ssh-keygen (.ci/run installs it)");
        Path secrets = Files.createDirectories(dir.resolve("secrets"));
        Files.setPosixFilePermissions(secrets, PosixFilePermissions.fromString("rwx------"));
        sh("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "hub", "-f", secrets.resolve("id_ed25519").toString());
        sh("ssh-keygen", "-q", "-t", "ed25519", "-N", "night-shift", "-C", "printer", "-f", secrets.resolve("printer_key").toString());
        sh("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "peers", "-f", secrets.resolve("peer_host_key").toString());
        String hostKey = Files.readString(secrets.resolve("peer_host_key.pub")).strip().replace(" peers", "");
        Path knownHosts = secrets.resolve("known_hosts");
        secret(knownHosts, "sftp.kemendagri.example " + hostKey + "\n[10.33.10.6]:2222 " + hostKey + "\n10.33.10.218 " + hostKey + "\n");
        sh("ssh-keygen", "-q", "-H", "-f", knownHosts.toString());
        assertTrue(Files.readString(knownHosts).startsWith("|1|"), "hashed: " + Files.readString(knownHosts));
        secret(secrets.resolve("admin.token"), "t\n");
        secret(secrets.resolve("broker.password"), "p\n");
        Path config = dir.resolve("hub.yaml");
        String yaml = """
                regency: {code: "33.10", name: Klaten}
                dataDir: data
                http: {adminTokenFile: secrets/admin.token}
                ministry:
                  sftp: {host: sftp.kemendagri.example, username: reg3310, privateKeyFile: secrets/id_ed25519,
                         knownHostsFile: secrets/known_hosts, inboxDir: inbox, outboxDir: outbox}
                  broker: {url: "failover:(ssl://mq.kemendagri.example:61617", username: reg3310, passwordFile: secrets/broker.password}
                devices:
                  - {kecamatan: "33.10.05", name: Cawas, deviceId: CWS01,
                     sftp: {host: 10.33.10.5, username: hub, privateKeyFile: secrets/id_ed25519, knownHostsFile: secrets/known_hosts}}
                  - {kecamatan: "33.10.06", name: Trucuk, deviceId: TRC01,
                     sftp: {host: 10.33.10.6, port: 2222, username: hub, privateKeyFile: secrets/id_ed25519,
                            knownHostsFile: secrets/known_hosts}}
                printers:
                  - {id: DKC-1, folder: printers/DKC-1, serves: ["*"]}
                  - {id: DKC-2, serves: ["33.10.06"], sftp: {host: 10.33.10.218, username: ektp-hub,
                     privateKeyFile: secrets/printer_key, knownHostsFile: secrets/known_hosts}}
                stock: {reorderDaysOfCover: 7, targetDaysOfCover: 30, criticalDaysOfCover: 2, checkSchedule: "0 0 7 * * ?"}
                """;
        Files.writeString(config, yaml);

        Result night = run("validate", "--config", config.toString());

        assertEquals(2, night.exit(), night.err());
        assertTrue(night.err().contains(config + ": 3 problems:"), night.err());
        assertTrue(night.err().contains("  devices[0].sftp.knownHostsFile: has no host key for 10.33.10.5: the hub would"
                + " refuse that peer at every connection"), night.err());
        assertTrue(night.err().contains("ssh-keyscan -p 22 10.33.10.5 >> " + knownHosts), night.err());
        assertTrue(night.err().contains("  printers[1].sftp.privateKeyFile: is protected by a passphrase, and the hub"
                + " cannot type a passphrase at night: remove it with ssh-keygen -p -N \"\" -f " + secrets.resolve("printer_key")),
                night.err());
        assertTrue(night.err().contains("  ministry.broker.url: 'failover:(ssl://mq.kemendagri.example:61617' is not a valid URL"),
                night.err());

        // Fixed as the messages say (the device's key checked with its administrator, here the same test key).
        Files.writeString(knownHosts, "10.33.10.5 " + hostKey + "\n", java.nio.file.StandardOpenOption.APPEND);
        sh("ssh-keygen", "-q", "-p", "-P", "night-shift", "-N", "", "-f", secrets.resolve("printer_key").toString());
        Files.writeString(config, yaml.replace("61617\"", "61617)\""));

        Result fixed = run("validate", "--config", config.toString());
        assertEquals(0, fixed.exit(), fixed.err());
        assertEquals(config + ": valid\n", fixed.out());
    }

    private static void sh(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), String.join(" ", command) + ": " + output);
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

        Result outbox = run("outbox", "--help");
        assertEquals(0, outbox.exit(), outbox.err());
        assertTrue(outbox.out().startsWith("Usage: ektp-hub outbox [-hV] --config=FILE [ACTION...]"), outbox.out());
        assertTrue(outbox.out().contains("retry ID") && outbox.out().contains("drop ID"), outbox.out());

        Result all = run("--help");
        assertEquals(0, all.exit());
        for (String command : new String[] {"run", "validate", "sandbox", "quarantine", "outbox", "status", "stock-arrival",
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

    /**
     * What an admin installs beside a configuration before it validates: the token and password
     * files, a real private key without a passphrase ({@code id_ed25519}, as the samples name it)
     * and a known_hosts with a host key for every host the configuration names.
     */
    static void installSecrets(Path secrets, Path config) throws IOException {
        Files.createDirectories(secrets);
        for (String name : new String[] {"admin.token", "broker.password"}) {
            secret(secrets.resolve(name), "secret\n");
        }
        java.security.PublicKey key = SshKeys.generate(secrets.resolve("id_ed25519")).getPublic();
        StringBuilder knownHosts = new StringBuilder();
        java.util.regex.Matcher host = java.util.regex.Pattern.compile("host: ([^,\\s}]+)").matcher(Files.readString(config));
        while (host.find()) {
            knownHosts.append(host.group(1)).append(' ').append(SshKeys.authorizedKeyLine(key)).append('\n');
        }
        secret(secrets.resolve("known_hosts"), knownHosts.toString());
        secret(secrets.resolve("nik.key"), "a NIK key of at least thirty-two bytes\n"); // the samples' privacy.nikKeyFile
    }

    private static void secret(Path file, String content) throws IOException {
        Files.writeString(file, content);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
    }
}

package id.ektp.hub.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Each rule of ICD section 4 and the brief, one row each: break the valid minimal configuration
 * ({@link ConfigFixture}) in one place and expect exactly one problem, under exactly that key.
 * Exactly one also proves a mistake does not cascade into follow-up noise.
 */
class ConfigRulesTest {
    @TempDir
    Path tmp;

    @ParameterizedTest(name = "{0}")
    @MethodSource({"unknownKeys", "types", "regencyAndDataDir", "http", "ministry", "sshFiles", "devices", "printers",
            "stock", "optionalSections", "privacy"})
    void reportsExactlyTheBrokenKey(Consumer<ConfigFixture> breakIt, String key, String fragment) {
        ConfigFixture fixture = new ConfigFixture(tmp);
        breakIt.accept(fixture);

        List<ConfigProblem> problems = fixture.check();

        assertEquals(List.of(key), problems.stream().map(ConfigProblem::key).toList(), problems::toString);
        assertTrue(problems.get(0).message().contains(fragment),
                () -> "expected '" + fragment + "' in: " + problems.get(0).message());
    }

    @Test
    void theMinimalConfigurationIsValid() {
        assertEquals(List.of(), new ConfigFixture(tmp).check());
    }

    @Test
    void twoDevicesMayShareAKecamatan() {
        ConfigFixture fixture = new ConfigFixture(tmp).set("devices[2]", """
                {kecamatan: "33.10.05", name: Cawas (balai desa), deviceId: CWS02,
                 sftp: {host: 10.33.10.55, username: hub, privateKeyFile: ../secrets/id_ed25519,
                        knownHostsFile: ../secrets/known_hosts}}""");
        assertEquals(List.of(), fixture.check());
    }

    /**
     * ICD section 4 does not ask for a device in every neighbour: an admin takes out a device
     * broken for months without editing every list that names its kecamatan, and the hub starts.
     */
    @Test
    void aNeighbourWithoutADeviceIsAWarningNotAProblem() {
        ConfigLoader.Checked checked = new ConfigFixture(tmp)
                .set("devices[0].neighbours", "[\"33.10.06\", \"33.10.14\"]").inspect();
        assertEquals(List.of(), checked.problems());
        assertEquals(List.of(new ConfigProblem("devices[0].neighbours[1]", "no device is configured for kecamatan"
                + " 33.10.14: it is not offered as a place to record until one is")), checked.warnings());
        assertEquals(List.of("33.10.06", "33.10.14"), checked.config().devices().get(0).neighbours());
        assertEquals(List.of(), new ConfigFixture(tmp).inspect().warnings(), "the minimal configuration has none");
    }

    @Test
    void theAdminTokenMayBeSharedWithTheGroup() {
        ConfigFixture fixture = new ConfigFixture(tmp).secret("admin.token", "t\n", "rw-r-----");
        assertEquals(List.of(), fixture.check());
    }

    @Test
    void knownHostsMayHoldCommentsBlankLinesAndMarkers() {
        ConfigFixture fixture = new ConfigFixture(tmp).secret("known_hosts", """
                # ministry
                sftp.kemendagri.example,203.0.113.7 %1$s

                @cert-authority *.kemendagri.example %1$s ca
                # the devices
                10.33.10.5 %1$s
                10.33.10.6 %1$s
                """.formatted(ConfigFixture.HOST_KEY), "rw-r--r--");
        assertEquals(List.of(), fixture.check());
    }

    @Test
    void anSftpPrinterIsValidBesideAFolderPrinter() {
        ConfigFixture fixture = new ConfigFixture(tmp).set("printers[1]", """
                {id: DKC-2, serves: ["33.10.06"],
                 sftp: {host: 10.33.10.201, username: printer, privateKeyFile: ../secrets/id_ed25519,
                        knownHostsFile: ../secrets/known_hosts, baseDir: spool/ektp}}""");
        assertEquals(List.of(), fixture.check());
    }

    @Test
    void withoutADefaultPrinterEveryUnservedKecamatanIsNamed() {
        ConfigFixture fixture = new ConfigFixture(tmp)
                .set("devices[2]", """
                        {kecamatan: "33.10.14", name: Pedan, deviceId: PDN01,
                         sftp: {host: 10.33.10.14, username: hub, privateKeyFile: ../secrets/id_ed25519,
                                knownHostsFile: ../secrets/known_hosts}}""")
                .set("printers[0].serves", "[\"33.10.06\"]");
        assertEquals(List.of(
                        new ConfigProblem("printers",
                                "no default printer (serves: [\"*\"]) and kecamatan 33.10.05 is served by none"),
                        new ConfigProblem("printers",
                                "no default printer (serves: [\"*\"]) and kecamatan 33.10.14 is served by none")),
                fixture.check());
    }

    @Test
    void aSharedKeyThatIsTooOpenIsReportedForEveryAccountUsingIt() {
        ConfigFixture fixture = new ConfigFixture(tmp).secret("id_ed25519", "key\n", "rw-rw-r--");
        assertEquals(List.of("ministry.sftp.privateKeyFile", "devices[0].sftp.privateKeyFile",
                        "devices[1].sftp.privateKeyFile"),
                fixture.check().stream().map(ConfigProblem::key).toList());
    }

    static Stream<Arguments> unknownKeys() {
        return Stream.of(
                row("colour", "unknown key; expected one of: regency, dataDir, http, ministry, devices, printers,"
                        + " stock, printing, reports, limits", f -> f.set("colour", "red")),
                row("http.prot", "unknown key; expected one of: host, port, adminTokenFile",
                        f -> f.set("http.prot", "8080")),
                row("ministry.sftp.baseDir", "unknown key; expected one of: host, port, username, privateKeyFile,"
                                + " knownHostsFile, connectTimeout, readTimeout, inboxDir, outboxDir, pollInterval,"
                                + " retryMaxDelay",
                        f -> f.set("ministry.sftp.baseDir", "x")),
                row("ministry.broker.password", "unknown key", f -> f.set("ministry.broker.password", "secret")),
                row("devices[1].pollIntervall", "unknown key; expected one of: kecamatan, name, deviceId, sftp,"
                        + " pollInterval, neighbours", f -> f.set("devices[1].pollIntervall", "1m")),
                row("devices[0].sftp.inboxDir", "expected one of: host, port, username, privateKeyFile,"
                        + " knownHostsFile, connectTimeout, readTimeout, outboxDir",
                        f -> f.set("devices[0].sftp.inboxDir", "inbox")),
                row("printers[0].baseDir", "unknown key", f -> f.set("printers[0].baseDir", ".")),
                row("stock.neighbours", "unknown key", f -> f.set("stock.neighbours", "[]")),
                row("printing.retries", "unknown key; expected one of: maxAttempts",
                        f -> f.set("printing", "{retries: 2}")),
                row("reports.statusEvery", "unknown key", f -> f.set("reports", "{statusEvery: 1m}")),
                row("limits.maxPacketSize", "unknown key", f -> f.set("limits", "{maxPacketSize: 1}")));
    }

    static Stream<Arguments> types() {
        return Stream.of(
                row("regency", "must be a mapping (key: value), found the text '33.10'",
                        f -> f.set("regency", "\"33.10\"")),
                row("devices", "must be a list ([a, b] or one '- item' per line), found a mapping",
                        f -> f.set("devices", "{kecamatan: \"33.10.05\"}")),
                row("devices[1]", "must be a mapping (key: value), found the text 'Trucuk'",
                        f -> f.set("devices[1]", "Trucuk")),
                row("devices[0].neighbours", "must be a list", f -> f.set("devices[0].neighbours", "\"33.10.06\"")),
                row("devices[0].name", "must be text, found a list", f -> f.set("devices[0].name", "[Cawas]")),
                row("ministry.sftp.username", "must be text, found the number 3310: put it in quotes",
                        f -> f.set("ministry.sftp.username", "3310")),
                row("ministry.sftp.host", "must be text, found the boolean true: put it in quotes",
                        f -> f.set("ministry.sftp.host", "true")),
                row("http.port", "must be a whole number, found the text '8080'", f -> f.set("http.port", "\"8080\"")),
                row("http.port", "must be a whole number, found the number 80.5", f -> f.set("http.port", "80.5")),
                row("devices[0].pollInterval", "must be a duration such as 30s, found a mapping",
                        f -> f.set("devices[0].pollInterval", "{s: 30}")),
                row("ministry.sftp.connectTimeout", "'10' is not a duration",
                        f -> f.set("ministry.sftp.connectTimeout", "10")),
                row("printing", "must be a mapping (key: value), found the number 3", f -> f.set("printing", "3")));
    }

    static Stream<Arguments> regencyAndDataDir() {
        return Stream.of(
                row("regency", "is required", f -> f.remove("regency")),
                row("regency.code", "'3310' is not a regency code (PP.RR, e.g. 33.10)",
                        f -> f.set("regency.code", "\"3310\"")),
                row("regency.code", "must be text, found the number 33.1: put it in quotes",
                        f -> f.set("regency.code", "33.10")),
                row("regency.name", "must not be empty", f -> f.set("regency.name", "\" \"")),
                row("regency.name", "is required", f -> f.set("regency.name", "null")),
                row("dataDir", "is required", f -> f.remove("dataDir")),
                row("dataDir", "is not a folder: ", f -> f.set("dataDir", "../secrets/admin.token")),
                row("dataDir", "is not a valid path", f -> f.set("dataDir", "\"data\\u0000\"")));
    }

    static Stream<Arguments> http() {
        return Stream.of(
                row("http", "is required", f -> f.remove("http")),
                row("http.host", "must not be empty", f -> f.set("http.host", "\"\"")),
                row("http.port", "must be between 1 and 65535, found 0", f -> f.set("http.port", "0")),
                row("http.port", "must be between 1 and 65535, found 65536", f -> f.set("http.port", "65536")),
                row("http.adminTokenFile", "is required", f -> f.remove("http.adminTokenFile")),
                row("http.adminTokenFile", "file not found: ", f -> f.set("http.adminTokenFile", "../secrets/nope")),
                row("http.adminTokenFile", "is not a regular file: ", f -> f.set("http.adminTokenFile", "../secrets")),
                row("http.adminTokenFile", "is empty: ", f -> f.secret("admin.token", "", "rw-------")),
                row("http.adminTokenFile", "permissions rw-r--r-- are too open (others have access): chmod o-rw",
                        f -> f.secret("admin.token", "t\n", "rw-r--r--")),
                row("http.adminTokenFile", "permissions rw-----w- are too open",
                        f -> f.secret("admin.token", "t\n", "rw-----w-")));
    }

    static Stream<Arguments> ministry() {
        return Stream.of(
                row("ministry", "is required", f -> f.remove("ministry")),
                row("ministry.sftp", "is required", f -> f.remove("ministry.sftp")),
                row("ministry.sftp.host", "is required", f -> f.remove("ministry.sftp.host")),
                row("ministry.sftp.port", "must be between 1 and 65535", f -> f.set("ministry.sftp.port", "-22")),
                row("ministry.sftp.username", "is required", f -> f.remove("ministry.sftp.username")),
                row("ministry.sftp.privateKeyFile", "is required", f -> f.remove("ministry.sftp.privateKeyFile")),
                row("ministry.sftp.knownHostsFile", "file not found", f -> f.set("ministry.sftp.knownHostsFile",
                        "known_hosts")),
                row("ministry.sftp.inboxDir", "is required", f -> f.remove("ministry.sftp.inboxDir")),
                row("ministry.sftp.outboxDir", "must not be empty", f -> f.set("ministry.sftp.outboxDir", "\"\"")),
                row("ministry.sftp.pollInterval", "'5 min' is not a duration",
                        f -> f.set("ministry.sftp.pollInterval", "5 min")),
                row("ministry.sftp.retryMaxDelay", "'0s' is not a duration",
                        f -> f.set("ministry.sftp.retryMaxDelay", "0s")),
                row("ministry.sftp.readTimeout", "'1 hour' is not a duration",
                        f -> f.set("ministry.sftp.readTimeout", "1 hour")),
                row("ministry.broker", "is required", f -> f.remove("ministry.broker")),
                row("ministry.broker.url", "'http://mq.kemendagri.example' is not an ActiveMQ broker URL: it must"
                                + " start with one of tcp://, ssl://, nio://, nio+ssl://, failover:, vm://",
                        f -> f.set("ministry.broker.url", "http://mq.kemendagri.example")),
                row("ministry.broker.url", "must not be empty", f -> f.set("ministry.broker.url", "\"\"")),
                row("ministry.broker.url", "'failover:(ssl://mq.kemendagri.example:61617' is not a valid URL",
                        f -> f.set("ministry.broker.url", "\"failover:(ssl://mq.kemendagri.example:61617\"")),
                row("ministry.broker.url", "'ssl://mq.kemendagri.example' in 'failover:(ssl://mq.kemendagri.example)'"
                                + " needs a host and a port (ActiveMQ has no default): e.g. ssl://mq.kemendagri.example:61617",
                        f -> f.set("ministry.broker.url", "\"failover:(ssl://mq.kemendagri.example)\"")),
                row("ministry.broker.url", "'htp://mq:61616' in 'failover:(ssl://mq:61617,htp://mq:61616)' is not a broker"
                                + " address",
                        f -> f.set("ministry.broker.url", "\"failover:(ssl://mq:61617,htp://mq:61616)\"")),
                row("ministry.broker.url", "'tcp://mq.kemendagri.example' needs a host and a port",
                        f -> f.set("ministry.broker.url", "\"tcp://mq.kemendagri.example\"")),
                row("ministry.broker.username", "is required", f -> f.remove("ministry.broker.username")),
                row("ministry.broker.passwordFile", "is empty", f -> f.secret("broker.password", "", "rw-------")),
                row("ministry.broker.passwordFile", "permissions rw-r----- are too open (group or others have access)"
                        + ": chmod 600", f -> f.secret("broker.password", "pw\n", "rw-r-----")),
                row("ministry.broker.passwordFile", "file not found",
                        f -> f.remove("ministry.broker.passwordFile").set("ministry.broker.passwordFile", "pw.txt")));
    }

    static Stream<Arguments> devices() {
        return Stream.of(
                row("devices", "is required", f -> f.remove("devices")),
                row("devices", "must not be empty", f -> f.set("devices", "[]")),
                // devices[0] names 33.10.06 as neighbour: no follow-up "not configured" for it.
                row("devices[1].kecamatan", "'33.10.6' is not a kecamatan code (PP.RR.KK, e.g. 33.10.05)",
                        f -> f.set("devices[1].kecamatan", "\"33.10.6\"")),
                row("devices[1].kecamatan", "'33.11.06' is not in this hub's regency 33.10",
                        f -> f.set("devices[1].kecamatan", "\"33.11.06\"")),
                row("devices[1].kecamatan", "is required", f -> f.remove("devices[1].kecamatan")),
                row("devices[1].name", "is required", f -> f.remove("devices[1].name")),
                row("devices[1].deviceId", "'trc01' is not a device id ([A-Z0-9]{2,16}, e.g. CWS01)",
                        f -> f.set("devices[1].deviceId", "trc01")),
                row("devices[1].deviceId", "'T' is not a device id", f -> f.set("devices[1].deviceId", "T")),
                row("devices[2]", "duplicate device 33.10.06/TRC01, first at devices[1]",
                        f -> f.set("devices[2]", """
                                {kecamatan: "33.10.06", name: Trucuk, deviceId: TRC01,
                                 sftp: {host: 10.33.10.60, username: hub, privateKeyFile: ../secrets/id_ed25519,
                                        knownHostsFile: ../secrets/known_hosts}}""")),
                row("devices[1].sftp", "is required", f -> f.remove("devices[1].sftp")),
                row("devices[1].sftp.host", "is required", f -> f.remove("devices[1].sftp.host")),
                row("devices[1].sftp.port", "must be between 1 and 65535, found 70000",
                        f -> f.set("devices[1].sftp.port", "70000")),
                row("devices[1].sftp.username", "must not be empty", f -> f.set("devices[1].sftp.username", "\"\"")),
                row("devices[1].sftp.privateKeyFile", "permissions rw-r--r-- are too open",
                        f -> f.secret("trucuk_key", "k\n", "rw-r--r--")
                                .set("devices[1].sftp.privateKeyFile", "../secrets/trucuk_key")),
                row("devices[1].sftp.privateKeyFile", "permissions rw---x--- are too open",
                        f -> f.secret("trucuk_key", "k\n", "rw---x---")
                                .set("devices[1].sftp.privateKeyFile", "../secrets/trucuk_key")),
                row("devices[1].sftp.knownHostsFile", "has no host keys",
                        f -> f.secret("trucuk_hosts", "# none yet\n\n", "rw-r--r--")
                                .set("devices[1].sftp.knownHostsFile", "../secrets/trucuk_hosts")),
                row("devices[1].sftp.knownHostsFile", "line 2 of ",
                        f -> f.secret("trucuk_hosts", "10.33.10.6 ssh-ed25519 AAAA\n10.33.10.6 AAAA\n", "rw-r--r--")
                                .set("devices[1].sftp.knownHostsFile", "../secrets/trucuk_hosts")),
                row("devices[1].sftp.knownHostsFile", "lines 1, 3 of ",
                        f -> f.secret("trucuk_hosts", "x\n10.33.10.6 ssh-ed25519 AAAA\nx y\n", "rw-r--r--")
                                .set("devices[1].sftp.knownHostsFile", "../secrets/trucuk_hosts")),
                row("devices[1].sftp.knownHostsFile", "is empty",
                        f -> f.secret("trucuk_hosts", "", "rw-r--r--")
                                .set("devices[1].sftp.knownHostsFile", "../secrets/trucuk_hosts")),
                row("devices[1].sftp.connectTimeout", "'10' is not a duration",
                        f -> f.set("devices[1].sftp.connectTimeout", "\"10\"")),
                row("devices[1].sftp.outboxDir", "must not be empty", f -> f.set("devices[1].sftp.outboxDir", "\"\"")),
                row("devices[1].pollInterval", "'30 s' is not a duration", f -> f.set("devices[1].pollInterval", "30 s")),
                row("devices[0].neighbours[0]", "is this device's own kecamatan",
                        f -> f.set("devices[0].neighbours", "[\"33.10.05\"]")),
                row("devices[0].neighbours[0]", "'Trucuk' is not a kecamatan code",
                        f -> f.set("devices[0].neighbours", "[Trucuk]")));
    }

    static Stream<Arguments> printers() {
        String sftpPrinter = """
                {id: DKC-2, serves: ["33.10.06"],
                 sftp: {host: 10.33.10.201, username: printer, privateKeyFile: ../secrets/id_ed25519,
                        knownHostsFile: ../secrets/known_hosts}}""";
        return Stream.of(
                row("printers", "is required", f -> f.remove("printers")),
                row("printers", "must not be empty", f -> f.set("printers", "[]")),
                row("printers[0].id", "'DKC 1' is not a printer id", f -> f.set("printers[0].id", "DKC 1")),
                row("printers[0].id", "is not a printer id", f -> f.set("printers[0].id", "P".repeat(33))),
                row("printers[0].id", "is required", f -> f.remove("printers[0].id")),
                row("printers[1].id", "duplicate printer id DKC-1, first at printers[0]",
                        f -> f.set("printers[1]", "{id: DKC-1, folder: ../printers/B, serves: [\"33.10.06\"]}")),
                row("printers[0]", "needs exactly one of folder (a local path) or sftp (an SFTP account)",
                        f -> f.remove("printers[0].folder")),
                row("printers[0]", "needs exactly one of folder (a local path) or sftp (an SFTP account), not both",
                        f -> f.set("printers[0].sftp", "{host: h, username: u, privateKeyFile: ../secrets/id_ed25519,"
                                + " knownHostsFile: ../secrets/known_hosts}")),
                row("printers[0].folder", "is not a folder: ", f -> f.set("printers[0].folder", "../secrets/known_hosts")),
                // An SFTP printer's account is checked as strictly as a device's.
                row("printers[1].sftp.knownHostsFile", "is required",
                        f -> f.set("printers[1]", sftpPrinter).remove("printers[1].sftp.knownHostsFile")),
                row("printers[1].sftp.privateKeyFile", "permissions rw-r--r-- are too open (group or others have"
                                + " access): chmod 600",
                        f -> f.secret("printer_key", "k\n", "rw-r--r--").set("printers[1]", sftpPrinter)
                                .set("printers[1].sftp.privateKeyFile", "../secrets/printer_key")),
                row("printers[1].sftp.knownHostsFile", "has no host keys",
                        f -> f.secret("printer_hosts", "# none yet\n", "rw-r--r--").set("printers[1]", sftpPrinter)
                                .set("printers[1].sftp.knownHostsFile", "../secrets/printer_hosts")),
                row("printers[1].sftp.baseDir", "'spool?x=1' is not a remote folder",
                        f -> f.set("printers[1]", sftpPrinter).set("printers[1].sftp.baseDir", "\"spool?x=1\"")),
                row("printers[1].sftp.outboxDir", "unknown key; expected one of: host, port, username, privateKeyFile,"
                                + " knownHostsFile, connectTimeout, readTimeout, baseDir",
                        f -> f.set("printers[1]", sftpPrinter).set("printers[1].sftp.outboxDir", "queue")),
                row("printers[1].sftp.connectTimeout", "is not a duration",
                        f -> f.set("printers[1]", sftpPrinter).set("printers[1].sftp.connectTimeout", "soon")),
                row("printers[0].serves", "is required", f -> f.remove("printers[0].serves")),
                row("printers[0].serves", "must not be empty", f -> f.set("printers[0].serves", "[]")),
                row("printers[1].serves[0]", "'all' is neither \"*\" nor a kecamatan code",
                        f -> f.set("printers[1]", "{id: DKC-2, folder: ../printers/B, serves: [all]}")),
                row("printers[1].serves[0]", "no device is configured for kecamatan 33.10.14",
                        f -> f.set("printers[1]", "{id: DKC-2, folder: ../printers/B, serves: [\"33.10.14\"]}")),
                row("printers[1].serves[0]", "only one printer may serve \"*\"; printers[0] already does",
                        f -> f.set("printers[1]", "{id: DKC-2, folder: ../printers/B, serves: [\"*\"]}")),
                row("printers[1].serves[1]", "kecamatan 33.10.06 is already served by printers[0]",
                        f -> f.set("printers[0].serves", "[\"33.10.06\", \"*\"]")
                                .set("printers[1]", "{id: DKC-2, folder: ../printers/B, serves: [\"33.10.05\", \"33.10.06\"]}")),
                row("printers[1].serves[0]", "'33.10.5' is neither", f -> f.set("printers[0].serves", "[\"33.10.06\"]")
                        .set("printers[1]", "{id: DKC-2, folder: ../printers/B, serves: [\"33.10.5\"]}")),
                row("printers[0]", "must be a mapping", f -> f.set("printers[0].serves", "[\"33.10.06\"]")
                        .set("printers[1]", "{id: DKC-2, folder: ../printers/B, serves: [\"33.10.05\"]}")
                        .set("printers[0]", "DKC-1")),
                row("printers", "no default printer (serves: [\"*\"]) and kecamatan 33.10.05 is served by none",
                        f -> f.set("printers[0].serves", "[\"33.10.06\"]")));
    }

    static Stream<Arguments> stock() {
        return Stream.of(
                row("stock", "is required", f -> f.remove("stock")),
                row("stock.reorderDaysOfCover", "is required", f -> f.remove("stock.reorderDaysOfCover")),
                row("stock.targetDaysOfCover", "must be at least 1, found 0", f -> f.set("stock.targetDaysOfCover", "0")),
                row("stock.criticalDaysOfCover", "must be at least 1, found -2",
                        f -> f.set("stock.criticalDaysOfCover", "-2")),
                row("stock.criticalDaysOfCover", "must be less than reorderDaysOfCover (7)",
                        f -> f.set("stock.criticalDaysOfCover", "7")),
                row("stock.reorderDaysOfCover", "must be less than targetDaysOfCover (30)",
                        f -> f.set("stock.reorderDaysOfCover", "31")),
                row("stock.checkSchedule", "is required", f -> f.remove("stock.checkSchedule")),
                row("stock.checkSchedule", "'0 0 7 * *' is not a Quartz cron expression (seconds minutes hours"
                                + " day-of-month month day-of-week, e.g. \"0 0 7 * * ?\"): Unexpected end of expression",
                        f -> f.set("stock.checkSchedule", "0 0 7 * *")),
                row("stock.checkSchedule", "Support for specifying both a day-of-week AND a day-of-month",
                        f -> f.set("stock.checkSchedule", "0 0 7 * * *")),
                row("stock.checkSchedule", "is not a Quartz cron expression",
                        f -> f.set("stock.checkSchedule", "0 0 25 * * ?")),
                row("stock.neighbourRegencies[1]", "is this hub's own regency",
                        f -> f.set("stock.neighbourRegencies", "[\"33.09\", \"33.10\"]")),
                row("stock.neighbourRegencies[0]", "'3309' is not a regency code",
                        f -> f.set("stock.neighbourRegencies", "[\"3309\"]")),
                row("stock.neighbourRegencies", "must be a list", f -> f.set("stock.neighbourRegencies", "\"33.09\"")));
    }

    static Stream<Arguments> optionalSections() {
        return Stream.of(
                row("printing.maxAttempts", "must be at least 1, found 0", f -> f.set("printing", "{maxAttempts: 0}")),
                row("printing.maxAttempts", "must be a whole number", f -> f.set("printing", "{maxAttempts: three}")),
                row("reports.deviceDownAfter", "'10 minutes' is not a duration",
                        f -> f.set("reports", "{deviceDownAfter: 10 minutes}")),
                row("reports.statusInterval", "'0m' is not a duration", f -> f.set("reports", "{statusInterval: 0m}")),
                row("limits.maxPacketBytes", "must be at least 4194304, found 4194303",
                        f -> f.set("limits", "{maxPacketBytes: 4194303}")),
                row("limits.maxPacketBytes", "must be a whole number, found the text '64MB'",
                        f -> f.set("limits", "{maxPacketBytes: 64MB}")),
                row("printing.maxAttempts", "must be at most 2147483647, found 3000000000",
                        f -> f.set("printing", "{maxAttempts: 3000000000}")),
                row("limits.maxPacketBytes", "must be at most 9223372036854775807, found 99999999999999999999",
                        f -> f.set("limits", "{maxPacketBytes: 99999999999999999999}")),
                row("limits.minFreeBytes", "must be at least 0, found -1", f -> f.set("limits", "{minFreeBytes: -1}")),
                row("limits.minFreeBytes", "must be a whole number, found the text '1GB'",
                        f -> f.set("limits", "{minFreeBytes: 1GB}")),
                row("reports.packetOverdueAfter", "'two weeks' is not a duration",
                        f -> f.set("reports", "{packetOverdueAfter: two weeks}")),
                row("devices[0].sftp.receiptsDir", "must not be the outboxDir 'outbox'",
                        f -> f.set("devices[0].sftp.receiptsDir", "outbox")),
                row("devices[0].sftp.receiptsDir", "must not be empty", f -> f.set("devices[0].sftp.receiptsDir", "\"\"")));
    }

    static Stream<Arguments> privacy() {
        return Stream.of(
                row("privacy.nikKeyFile", "is required", f -> f.set("privacy", "{}")),
                row("privacy.nikKey", "unknown key; expected one of: nikKeyFile", f -> f.set("privacy", "{nikKeyFile: ../secrets/nik.key, nikKey: abc}")),
                row("privacy.nikKeyFile", "file not found", f -> f.set("privacy", "{nikKeyFile: ../secrets/none.key}")),
                row("privacy.nikKeyFile", "holds 16 bytes, a key needs at least 32",
                        f -> f.secret("nik.key", "0123456789abcdef", "rw-------")
                                .set("privacy", "{nikKeyFile: ../secrets/nik.key}")),
                row("privacy.nikKeyFile", "permissions rw-r----- are too open (group or others have access): chmod 600",
                        f -> f.secret("nik.key", "0123456789abcdef0123456789abcdef", "rw-r-----")
                                .set("privacy", "{nikKeyFile: ../secrets/nik.key}")));
    }

    @Test
    void withoutAPrivacySectionNoKeyIsConfiguredAndWithOneItIsAbsolute() throws Exception {
        assertEquals(HubConfig.Privacy.NONE, new ConfigFixture(tmp).load().privacy());
        HubConfig keyed = new ConfigFixture(tmp).set("privacy", "{nikKeyFile: ../secrets/nik.key}").load();
        assertEquals(tmp.resolve("secrets/nik.key"), keyed.privacy().keyFile().orElseThrow());
    }

    /** Read as JSch, the hub's SSH client, will read them at night; the fixture's are good. */
    static Stream<Arguments> sshFiles() {
        return Stream.of(
                // JSch trusts a plain "host" line for any port, but a "[host]:port" line only for that port.
                row("devices[1].sftp.knownHostsFile", "has no host key for 10.33.10.6: the hub would refuse that"
                                + " peer at every connection (strict host-key checking). Add it, then compare its fingerprint",
                        f -> f.secret("known_hosts", "10.33.10.5,sftp.kemendagri.example " + ConfigFixture.HOST_KEY
                                + "\n[10.33.10.6]:2222 " + ConfigFixture.HOST_KEY + "\n", "rw-r--r--")),
                row("devices[0].sftp.knownHostsFile", "has no host key for 10.33.10.77",
                        f -> f.set("devices[0].sftp.host", "10.33.10.77").secret("known_hosts",
                                "10.33.10.6,sftp.kemendagri.example " + ConfigFixture.HOST_KEY + "\n", "rw-r--r--")),
                row("devices[0].sftp.knownHostsFile", "has only revoked keys for 10.33.10.5",
                        f -> f.secret("known_hosts", "@revoked 10.33.10.5 " + ConfigFixture.HOST_KEY
                                + "\n10.33.10.6,sftp.kemendagri.example " + ConfigFixture.HOST_KEY + "\n", "rw-r--r--")),
                row("devices[0].sftp.privateKeyFile", "is protected by a passphrase, and the hub cannot type a passphrase"
                                + " at night: remove it with ssh-keygen -p -N \"\" -f ",
                        f -> f.secret("locked_key", ConfigFixture.privateKey("night-shift"), "rw-------")
                                .set("devices[0].sftp.privateKeyFile", "../secrets/locked_key")),
                row("ministry.sftp.privateKeyFile", "is not a private key the hub can read",
                        f -> f.set("ministry.sftp.privateKeyFile", "../secrets/broker.password")));
    }

    private static Arguments row(String key, String fragment, Consumer<ConfigFixture> breakIt) {
        return Arguments.of(Named.of(key + ": " + fragment, breakIt), key, fragment);
    }
}

package id.ektp.hub.config;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import id.ektp.hub.config.HubConfig.Device;
import id.ektp.hub.config.HubConfig.SftpAccount;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reading the file, collecting every problem at once, defaults and path resolution. */
class ConfigLoaderTest {
    @TempDir
    Path tmp;

    @Test
    void aBrokenConfigurationReportsEveryProblemAtOnce() throws Exception {
        ConfigFixture f = new ConfigFixture(tmp)
                .set("regency.code", "\"33.1O\"")                                   // bad regency code
                .set("devices[2]", """
                        {kecamatan: "33.10.05", name: Cawas 2, deviceId: CWS01,
                         sftp: {host: 10.33.10.50, username: hub, privateKeyFile: ../secrets/open_key,
                                knownHostsFile: ../secrets/known_hosts}}""")         // duplicate + open key
                .secret("open_key", "key\n", "rw-r--r--")                           // world-readable key
                .set("ministry.sftp.pollInterval", "\"5 min\"")                     // bad duration
                .set("http.prot", "8081")                                           // unknown key (typo)
                .set("stock.checkSchedule", "\"0 0 7 * *\"")                        // bad cron
                .set("ministry.broker.passwordFile", "../secrets/missing.password"); // missing file

        List<ConfigProblem> problems = f.check();

        Map<String, String> expected = new LinkedHashMap<>();
        expected.put("regency.code", "'33.1O' is not a regency code");
        expected.put("http.prot", "unknown key; expected one of: host, port, adminTokenFile");
        expected.put("ministry.sftp.pollInterval",
                "'5 min' is not a duration: use a number with ms, s, m, h or d, e.g. 30s");
        expected.put("ministry.broker.passwordFile", "file not found: " + tmp.resolve("secrets/missing.password"));
        expected.put("devices[2]", "duplicate device 33.10.05/CWS01, first at devices[0]");
        expected.put("devices[2].sftp.privateKeyFile", "permissions rw-r--r-- are too open");
        expected.put("stock.checkSchedule", "'0 0 7 * *' is not a Quartz cron expression");
        assertEquals(List.copyOf(expected.keySet()), problems.stream().map(ConfigProblem::key).toList(),
                problems::toString);
        expected.forEach((key, fragment) -> assertTrue(
                problems.stream().anyMatch(p -> p.key().equals(key) && p.message().contains(fragment)),
                () -> key + " should say '" + fragment + "': " + problems));

        InvalidConfigException e = assertThrows(InvalidConfigException.class, f::load);
        assertEquals(problems, e.problems());
        assertEquals(f.config, e.source());
        assertTrue(e.getMessage().contains("  - devices[2]: duplicate device 33.10.05/CWS01, first at devices[0]"),
                e.getMessage());
    }

    @Test
    void aMinimalConfigurationGetsEveryDefault() throws Exception {
        HubConfig config = new ConfigFixture(tmp).load();

        assertEquals("127.0.0.1", config.http().host());
        assertEquals(8080, config.http().port());
        SftpAccount ministry = config.ministry().sftp().account();
        assertEquals(22, ministry.port());
        assertEquals(Duration.ofSeconds(10), ministry.connectTimeout());
        assertEquals(Duration.ofSeconds(60), ministry.readTimeout());
        assertEquals(Duration.ofSeconds(30), config.ministry().sftp().pollInterval());
        assertEquals(Duration.ofMinutes(5), config.ministry().sftp().retryMaxDelay());
        Device trucuk = config.devices().get(1);
        assertEquals(22, trucuk.sftp().port());
        assertEquals("outbox", trucuk.outboxDir());
        assertEquals(Duration.ofSeconds(30), trucuk.pollInterval());
        assertEquals(List.of(), trucuk.neighbours());
        assertEquals(3, config.printing().maxAttempts());
        assertEquals(Duration.ofMinutes(10), config.reports().deviceDownAfter());
        assertEquals(Duration.ofMinutes(15), config.reports().statusInterval());
        assertEquals(67_108_864L, config.limits().maxPacketBytes());
        assertEquals(1_073_741_824L, config.limits().minFreeBytes(), "1 GiB by default");
        assertEquals(List.of(), config.stock().neighbourRegencies());
    }

    @Test
    void everyGivenValueIsKept() throws Exception {
        HubConfig config = new ConfigFixture(tmp)
                .set("http", "{host: 0.0.0.0, port: 9090, adminTokenFile: ../secrets/admin.token}")
                .set("ministry.sftp.port", "2222")
                .set("ministry.sftp.connectTimeout", "5s")
                .set("ministry.sftp.readTimeout", "2m")
                .set("ministry.sftp.retryMaxDelay", "1h")
                .set("devices[0].sftp.outboxDir", "export/packets")
                .set("devices[0].pollInterval", "500ms")
                .set("printing", "{maxAttempts: 5}")
                .set("reports", "{deviceDownAfter: 1h, statusInterval: 1d, packetOverdueAfter: 3d}")
                .set("devices[0].sftp.receiptsDir", "import/receipts")
                .set("limits", "{maxPacketBytes: 4194304}")
                .set("stock.neighbourRegencies", "[\"33.09\", \"34.04\"]")
                .set("printers[1]", "{id: DKC-2, serves: [\"33.10.06\"], folder: /mnt/printers/DKC-2}")
                .load();

        assertEquals("0.0.0.0", config.http().host());
        assertEquals(9090, config.http().port());
        assertEquals(2222, config.ministry().sftp().account().port());
        assertEquals(Duration.ofSeconds(5), config.ministry().sftp().account().connectTimeout());
        assertEquals(Duration.ofMinutes(2), config.ministry().sftp().account().readTimeout());
        assertEquals(Duration.ofHours(1), config.ministry().sftp().retryMaxDelay());
        assertEquals("export/packets", config.devices().get(0).outboxDir());
        assertEquals(Duration.ofMillis(500), config.devices().get(0).pollInterval());
        assertEquals(5, config.printing().maxAttempts());
        assertEquals(new HubConfig.Reports(Duration.ofHours(1), Duration.ofDays(1), Duration.ofDays(3)), config.reports());
        assertEquals("import/receipts", config.devices().get(0).receiptsDir());
        assertEquals(4_194_304, config.limits().maxPacketBytes());
        assertEquals(List.of("33.09", "34.04"), config.stock().neighbourRegencies());
        HubConfig.Printer dkc2 = config.printers().get(1);
        assertEquals(Path.of("/mnt/printers/DKC-2"), dkc2.folder());
        assertNull(dkc2.sftp());
        assertEquals(List.of("33.10.06"), dkc2.serves());
    }

    @Test
    void anSftpPrintersAccountAndBaseDirAreKept() throws Exception {
        HubConfig config = new ConfigFixture(tmp)
                .set("printers[1]", """
                        {id: DKC-2, serves: ["33.10.06"],
                         sftp: {host: 10.33.10.201, port: 2222, username: printer, privateKeyFile: ../secrets/id_ed25519,
                                knownHostsFile: ../secrets/known_hosts, connectTimeout: 3s, baseDir: /var/spool/ektp/}}""")
                .set("printers[2]", """
                        {id: DKC-3, serves: ["33.10.05"],
                         sftp: {host: 10.33.10.202, username: printer, privateKeyFile: ../secrets/id_ed25519,
                                knownHostsFile: ../secrets/known_hosts}}""")
                .load();

        HubConfig.Printer dkc2 = config.printers().get(1);
        assertNull(dkc2.folder());
        assertEquals(new SftpAccount("10.33.10.201", 2222, "printer", tmp.resolve("secrets/id_ed25519"),
                tmp.resolve("secrets/known_hosts"), Duration.ofSeconds(3), Duration.ofSeconds(60)), dkc2.sftp());
        assertEquals("/var/spool/ektp", dkc2.baseDir(), "a trailing slash is dropped");
        assertEquals(List.of("33.10.06"), dkc2.serves());
        HubConfig.Printer dkc3 = config.printers().get(2);
        assertEquals(".", dkc3.baseDir(), "default: the login folder");
        assertEquals(22, dkc3.sftp().port());
        assertEquals(Duration.ofSeconds(10), dkc3.sftp().connectTimeout());
    }

    @Test
    void relativePathsAreTakenFromTheFilesFolderAndAbsoluteOnesKept() throws Exception {
        Path elsewhere = Files.createDirectories(tmp.resolve("var/lib/ektp"));
        HubConfig config = new ConfigFixture(tmp)
                .set("dataDir", "\"" + elsewhere + "/./spool/..\"")
                .set("printers[0].folder", "./../printers/./DKC-1")
                .load();

        assertEquals(tmp.resolve("config/hub.yaml"), config.source());
        assertEquals(elsewhere, config.dataDir());
        assertEquals(tmp.resolve("printers/DKC-1"), config.printers().get(0).folder());
        assertEquals(tmp.resolve("secrets/admin.token"), config.http().adminTokenFile());
        assertEquals(tmp.resolve("secrets/id_ed25519"), config.devices().get(1).sftp().privateKeyFile());
        assertEquals(tmp.resolve("secrets/broker.password"), config.ministry().broker().passwordFile());
    }

    @Test
    void aMissingFileIsAProblemOfTheFile() {
        Path missing = tmp.resolve("nope.yaml");
        assertEquals(List.of(new ConfigProblem("(file)", "file not found: " + missing)), ConfigLoader.check(missing));
        InvalidConfigException e = assertThrows(InvalidConfigException.class, () -> ConfigLoader.load(missing));
        assertEquals(missing, e.source());
    }

    @Test
    void aFolderIsNotAConfigurationFile() {
        assertEquals(List.of(new ConfigProblem("(file)", "is not a regular file: " + tmp)), ConfigLoader.check(tmp));
    }

    @Test
    void aYamlSyntaxErrorNamesItsLineAndColumn() throws Exception {
        Path file = Files.writeString(tmp.resolve("hub.yaml"), "regency: {code: \"33.10\"}\ndataDir: a: b\n", UTF_8);
        assertEquals(List.of(new ConfigProblem("(file)",
                        "not valid YAML at line 2, column 11: mapping values are not allowed here")),
                ConfigLoader.check(file));
    }

    @Test
    void aTabIndentIsReportedWhereTheTabIs() throws Exception {
        Path file = Files.writeString(tmp.resolve("hub.yaml"), "devices:\n\t- kecamatan: x\n", UTF_8);
        List<ConfigProblem> problems = ConfigLoader.check(file);
        assertEquals(1, problems.size(), problems::toString);
        assertTrue(problems.get(0).message().startsWith("not valid YAML at line 2, column 1: "), problems::toString);
        assertTrue(problems.get(0).message().contains("TAB"), problems::toString);
    }

    @Test
    void aKeyGivenTwiceIsAnErrorNotTheLastOneWins() throws Exception {
        Path file = Files.writeString(tmp.resolve("hub.yaml"), "http:\n  port: 8080\n  port: 8081\n", UTF_8);
        assertEquals(List.of(new ConfigProblem("(file)", "not valid YAML at line 3, column 7: Duplicate field 'port'")),
                ConfigLoader.check(file));
    }

    @Test
    void anEmptyFileIsAProblemNotAnException() throws Exception {
        Path file = Files.writeString(tmp.resolve("hub.yaml"), "# nothing yet\n", UTF_8);
        List<ConfigProblem> problems = ConfigLoader.check(file);
        assertEquals(List.of("(file)"), problems.stream().map(ConfigProblem::key).toList());
        assertTrue(problems.get(0).message().startsWith("is empty; expected the keys regency, dataDir, http"));
    }

    @Test
    void theTopLevelMustBeAMapping() throws Exception {
        Path file = Files.writeString(tmp.resolve("hub.yaml"), "- regency\n- dataDir\n", UTF_8);
        assertEquals(List.of(new ConfigProblem("(file)", "must be a mapping (key: value), found a list")),
                ConfigLoader.check(file));
    }

    @Test
    void anEmptyMappingListsEveryRequiredSection() throws Exception {
        Path file = Files.writeString(tmp.resolve("hub.yaml"), "{}\n", UTF_8);
        assertEquals(List.of("regency", "dataDir", "http", "ministry", "devices", "printers", "stock"),
                ConfigLoader.check(file).stream().map(ConfigProblem::key).toList());
    }
}

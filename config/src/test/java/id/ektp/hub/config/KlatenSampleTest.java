package id.ektp.hub.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import id.ektp.hub.config.HubConfig.Device;
import id.ektp.hub.config.HubConfig.Printer;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The shipped sample, {@code config/klaten.yaml}, in the layout it expects: beside {@code ../secrets/}. */
class KlatenSampleTest {
    private static final Path SAMPLE = Path.of("klaten.yaml");

    @TempDir
    Path tmp;
    Path config;

    @BeforeEach
    void installSample() throws IOException {
        config = Files.createDirectories(tmp.resolve("config")).resolve("klaten.yaml");
        Files.copy(SAMPLE, config);
        ConfigFixture.writeSecrets(tmp.resolve("secrets"));
    }

    @Test
    void isValid() {
        assertEquals(List.of(), ConfigLoader.check(config));
    }

    @Test
    void hasAllTwentySixKecamatanWithOneDeviceEach() throws Exception {
        HubConfig hub = ConfigLoader.load(config);

        assertEquals(new HubConfig.Regency("33.10", "Kabupaten Klaten", id.ektp.hub.codes.ProvinceZones.WIB), hub.regency());
        assertEquals(26, hub.devices().size());
        Set<String> kecamatan = hub.devices().stream().map(Device::kecamatan).collect(Collectors.toSet());
        for (int k = 1; k <= 26; k++) {
            assertTrue(kecamatan.contains(String.format("33.10.%02d", k)), "kecamatan " + k);
        }
        assertEquals(26, hub.devices().stream().map(Device::deviceId).distinct().count());
        for (Device d : hub.devices()) {
            int k = Integer.parseInt(d.kecamatan().substring(6));
            assertTrue(d.deviceId().matches("[A-Z]{3}01"), d.deviceId());
            assertEquals("10.33.10." + k, d.sftp().host());
            assertFalse(d.neighbours().isEmpty(), d.name() + " has no neighbours");
        }
    }

    @Test
    void cawasIsTheIcdsExample() throws Exception {
        Device cawas = ConfigLoader.load(config).device("33.10.05", "CWS01").orElseThrow();

        assertEquals("Cawas", cawas.name());
        assertEquals("331005-CWS01", cawas.key());
        assertEquals("10.33.10.5", cawas.sftp().host());
        assertEquals(List.of("33.10.06", "33.10.14"), cawas.neighbours());
    }

    @Test
    void neighboursAreMutualExceptWhereTheIcdKeptCawasShort() throws Exception {
        HubConfig hub = ConfigLoader.load(config);
        Map<String, List<String>> neighbours = hub.devices().stream()
                .collect(Collectors.toMap(Device::kecamatan, Device::neighbours));
        Set<String> oneSided = new TreeSet<>();
        neighbours.forEach((k, list) -> list.stream().filter(n -> !neighbours.get(n).contains(k))
                .forEach(n -> oneSided.add(k + "->" + n)));
        assertEquals(Set.of("33.10.04->33.10.05", "33.10.15->33.10.05"), oneSided);
    }

    @Test
    void pathsAreAbsoluteBesideTheConfigFolderAndDefaultsApplied() throws Exception {
        HubConfig hub = ConfigLoader.load(config);
        Path secrets = tmp.resolve("secrets");

        assertEquals(config, hub.source());
        assertEquals(tmp.resolve("data"), hub.dataDir());
        assertEquals(secrets.resolve("admin.token"), hub.http().adminTokenFile());
        assertEquals(secrets.resolve("broker.password"), hub.ministry().broker().passwordFile());
        assertEquals(secrets.resolve("id_ed25519"), hub.ministry().sftp().account().privateKeyFile());
        for (Device d : hub.devices()) {
            assertEquals(secrets.resolve("id_ed25519"), d.sftp().privateKeyFile());
            assertEquals(secrets.resolve("known_hosts"), d.sftp().knownHostsFile());
            assertTrue(d.sftp().privateKeyFile().isAbsolute());
            // Not in the sample: the extensions' defaults.
            assertEquals(Duration.ofSeconds(10), d.sftp().connectTimeout());
            assertEquals(Duration.ofSeconds(60), d.sftp().readTimeout());
            assertEquals("outbox", d.outboxDir());
            assertEquals("receipts", d.receiptsDir());
            assertEquals(Duration.ofSeconds(30), d.pollInterval());
        }
        assertEquals(Duration.ofMinutes(5), hub.ministry().sftp().retryMaxDelay());
        assertEquals(Duration.ofSeconds(10), hub.ministry().sftp().account().connectTimeout());
    }

    @Test
    void printersAndStockAreAsDocumented() throws Exception {
        HubConfig hub = ConfigLoader.load(config);

        Printer dkc1 = hub.printers().get(0);
        assertEquals("DKC-1", dkc1.id());
        assertTrue(dkc1.isDefault());
        assertEquals(tmp.resolve("printers/DKC-1"), dkc1.folder());
        Printer dkc2 = hub.printers().get(1);
        assertEquals("DKC-2", dkc2.id());
        assertFalse(dkc2.isDefault());
        assertNull(dkc2.folder());
        assertEquals("10.33.10.218", dkc2.sftp().host());
        assertEquals(tmp.resolve("secrets/id_ed25519"), dkc2.sftp().privateKeyFile());
        assertEquals(tmp.resolve("secrets/known_hosts"), dkc2.sftp().knownHostsFile());
        assertEquals("spool", dkc2.baseDir());
        assertFalse(dkc2.serves().isEmpty());
        assertEquals(List.of("33.09", "33.11", "34.03", "34.04"), hub.stock().neighbourRegencies());
        assertEquals(new HubConfig.Stock(7, 30, 2, "0 0 7 * * ?", List.of("33.09", "33.11", "34.03", "34.04")),
                hub.stock());
        assertEquals(3, hub.printing().maxAttempts());
        assertEquals(new HubConfig.Reports(Duration.ofMinutes(10), Duration.ofMinutes(15), Duration.ofDays(14)), hub.reports());
        assertEquals(tmp.resolve("secrets/nik.key"), hub.privacy().nikKeyFile());
        assertEquals(67_108_864L, hub.limits().maxPacketBytes());
        assertEquals(1_073_741_824L, hub.limits().minFreeBytes());
    }

    @Test
    void hasEveryKeyOfTheIcdExample() throws Exception {
        Set<String> icd;
        try (InputStream in = getClass().getResourceAsStream("/icd-example.yaml")) {
            icd = keyPaths(ConfigFixture.YAML.readTree(in));
        }
        Set<String> sample = keyPaths(ConfigFixture.YAML.readTree(SAMPLE.toFile()));

        icd.removeAll(sample);
        assertEquals(Set.of(), icd);
    }

    /** Every key path of a tree, list indices written as {@code []}. */
    private static Set<String> keyPaths(JsonNode tree) {
        Set<String> paths = new TreeSet<>();
        collect(tree, "", paths);
        return paths;
    }

    private static void collect(JsonNode node, String path, Set<String> paths) {
        if (node.isObject()) {
            node.properties().forEach(e -> {
                String key = path.isEmpty() ? e.getKey() : path + "." + e.getKey();
                paths.add(key);
                collect(e.getValue(), key, paths);
            });
        } else if (node.isArray()) {
            node.forEach(item -> collect(item, path + "[]", paths));
        }
    }
}

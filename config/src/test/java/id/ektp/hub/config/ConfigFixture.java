package id.ektp.hub.config;

import static java.nio.charset.StandardCharsets.UTF_8;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A small valid configuration in {@code <tmp>/config/hub.yaml} with its secrets in
 * {@code <tmp>/secrets/}, and ways to break it one key at a time. It leaves out every key that
 * has a default, so loading it also shows the defaults.
 */
final class ConfigFixture {
    static final YAMLMapper YAML = new YAMLMapper();

    private static final String MINIMAL = """
            regency: {code: "33.10", name: "Kabupaten Klaten"}
            dataDir: ../data
            http: {adminTokenFile: ../secrets/admin.token}
            ministry:
              sftp: {host: sftp.kemendagri.example, username: reg3310, privateKeyFile: ../secrets/id_ed25519,
                     knownHostsFile: ../secrets/known_hosts, inboxDir: inbox, outboxDir: outbox}
              broker: {url: "failover:(ssl://mq.kemendagri.example:61617)", username: reg3310,
                       passwordFile: ../secrets/broker.password}
            devices:
              - kecamatan: "33.10.05"
                name: Cawas
                deviceId: CWS01
                sftp: {host: 10.33.10.5, username: hub, privateKeyFile: ../secrets/id_ed25519,
                       knownHostsFile: ../secrets/known_hosts}
                neighbours: ["33.10.06"]
              - kecamatan: "33.10.06"
                name: Trucuk
                deviceId: TRC01
                sftp: {host: 10.33.10.6, username: hub, privateKeyFile: ../secrets/id_ed25519,
                       knownHostsFile: ../secrets/known_hosts}
            printers:
              - {id: DKC-1, folder: ../printers/DKC-1, serves: ["*"]}
            stock: {reorderDaysOfCover: 7, targetDaysOfCover: 30, criticalDaysOfCover: 2,
                    checkSchedule: "0 0 7 * * ?"}
            """;
    /** {@code name}, or {@code name[1][2]}: one step of a key path. */
    private static final Pattern SEGMENT = Pattern.compile("([^\\[]*)((?:\\[[0-9]+])*)");

    final Path root;
    final Path config;
    final Path secrets;
    private final ObjectNode tree;

    ConfigFixture(Path root) {
        this.root = root;
        this.config = root.resolve("config/hub.yaml");
        this.secrets = root.resolve("secrets");
        try {
            Files.createDirectories(config.getParent());
            this.tree = (ObjectNode) YAML.readTree(MINIMAL);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        writeSecrets(secrets);
    }

    /**
     * The five secret files the sample configurations name, owner-only: a real private key
     * without a passphrase (made here by JSch, the hub's SSH client), a known_hosts with a host
     * key for every peer the samples and these tests name (the ministry, 10.33.10.1-255 on port
     * 22, 10.33.10.201 on port 2222 and {@code h}), and the NIK key.
     */
    static void writeSecrets(Path dir) {
        secret(dir, "admin.token", "s3cret-admin-token\n", "rw-------");
        secret(dir, "id_ed25519", privateKey(), "rw-------");
        StringBuilder knownHosts = new StringBuilder("# the peers' host keys\n");
        List<String> hosts = new ArrayList<>(List.of("sftp.kemendagri.example", "[10.33.10.201]:2222", "h"));
        for (int i = 1; i <= 255; i++) {
            hosts.add("10.33.10." + i);
        }
        hosts.forEach(host -> knownHosts.append(host).append(' ').append(HOST_KEY).append('\n'));
        secret(dir, "known_hosts", knownHosts.toString(), "rw-------");
        secret(dir, "broker.password", "s3cret-broker-password\n", "rw-------");
        secret(dir, "nik.key", "0123456789abcdef0123456789abcdef\n", "rw-------");
    }

    /** A host key as known_hosts writes it: {@code ssh-ed25519 AAAA...} (a real key, base64). */
    static final String HOST_KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAII5/5EGIlbPySTft46BFw962iiS4exMmUwgQ9DuR4uDw";

    /** A new ECDSA private key in PEM, without a passphrase (or with {@code passphrase}, when given). */
    static String privateKey(String... passphrase) {
        try {
            com.jcraft.jsch.KeyPair key = com.jcraft.jsch.KeyPair.genKeyPair(new com.jcraft.jsch.JSch(),
                    com.jcraft.jsch.KeyPair.ECDSA, 256);
            java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
            if (passphrase.length == 0) {
                key.writePrivateKey(out);
            } else {
                key.writePrivateKey(out, passphrase[0].getBytes(UTF_8));
            }
            key.dispose();
            return out.toString(UTF_8);
        } catch (com.jcraft.jsch.JSchException e) {
            throw new IllegalStateException(e);
        }
    }

    static Path secret(Path dir, String name, String content, String perms) {
        try {
            Files.createDirectories(dir);
            Path file = Files.writeString(dir.resolve(name), content, UTF_8);
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString(perms));
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Writes (or rewrites) a file in the secrets folder. */
    ConfigFixture secret(String name, String content, String perms) {
        secret(secrets, name, content, perms);
        return this;
    }

    /**
     * Sets the value at a key path ({@code devices[0].sftp.port}) to {@code yaml}, parsed as
     * YAML ({@code 70000} is a number, {@code "70000"} text); an index one past the end appends.
     */
    ConfigFixture set(String path, String yaml) {
        JsonNode value;
        try {
            value = YAML.readTree(yaml);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<Object> steps = steps(path);
        JsonNode parent = walk(steps.subList(0, steps.size() - 1));
        Object last = steps.get(steps.size() - 1);
        if (last instanceof Integer index) {
            ArrayNode list = (ArrayNode) parent;
            if (index == list.size()) {
                list.add(value);
            } else {
                list.set(index, value);
            }
        } else {
            ((ObjectNode) parent).set((String) last, value);
        }
        return this;
    }

    ConfigFixture remove(String path) {
        List<Object> steps = steps(path);
        JsonNode parent = walk(steps.subList(0, steps.size() - 1));
        Object last = steps.get(steps.size() - 1);
        if (last instanceof Integer index) {
            ((ArrayNode) parent).remove(index);
        } else {
            ((ObjectNode) parent).remove((String) last);
        }
        return this;
    }

    Path write() {
        try {
            return Files.writeString(config, YAML.writeValueAsString(tree), UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    List<ConfigProblem> check() {
        return ConfigLoader.check(write());
    }

    ConfigLoader.Checked inspect() {
        return ConfigLoader.inspect(write());
    }

    HubConfig load() throws InvalidConfigException {
        return ConfigLoader.load(write());
    }

    private JsonNode walk(List<Object> steps) {
        JsonNode node = tree;
        for (Object step : steps) {
            node = step instanceof Integer index ? node.get(index) : node.get((String) step);
        }
        return node;
    }

    private static List<Object> steps(String path) {
        List<Object> steps = new ArrayList<>();
        for (String segment : path.split("\\.")) {
            Matcher m = SEGMENT.matcher(segment);
            if (!m.matches()) {
                throw new IllegalArgumentException(path);
            }
            steps.add(m.group(1));
            Matcher index = Pattern.compile("\\[([0-9]+)]").matcher(m.group(2));
            while (index.find()) {
                steps.add(Integer.parseInt(index.group(1)));
            }
        }
        return steps;
    }
}

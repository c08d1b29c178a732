package id.ektp.hub.config;

import id.ektp.hub.codes.Codes;
import id.ektp.hub.config.HubConfig.Device;
import id.ektp.hub.config.HubConfig.SftpAccount;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/** The {@code devices} list: one entry per kecamatan enrollment device. */
final class DeviceRules {
    private static final List<String> KEYS =
            List.of("kecamatan", "name", "deviceId", "sftp", "pollInterval", "neighbours");
    static final String KECAMATAN_FORM = "a kecamatan code (PP.RR.KK, e.g. 33.10.05)";

    /** The devices, null if any is wrong, and the kecamatan they are configured for. */
    record Result(List<Device> devices, Configured kecamatan) {}

    /**
     * The kecamatan codes of the devices, sorted. Not {@code complete} when a device's code
     * could not be read: then no code is called unconfigured, as it may be that device's.
     */
    record Configured(Set<String> codes, boolean complete) {
        boolean excludes(String code) {
            return complete && !codes.contains(code);
        }
    }

    private final Path baseDir;
    private final Problems problems;
    private final SshFiles ssh;
    /** Our regency code, or null when it is itself wrong (then the prefix is not checked). */
    private final String regency;
    /** {@code kecamatan/deviceId} → the key path of the device that has it. */
    private final Map<String, String> firstAt = new HashMap<>();

    DeviceRules(Path baseDir, Problems problems, SshFiles ssh, String regency) {
        this.baseDir = baseDir;
        this.problems = problems;
        this.ssh = ssh;
        this.regency = regency;
    }

    Result read(ConfigNode node) {
        int mark = problems.mark();
        List<ConfigNode> items = node.requireNonEmptyList();
        if (items == null) {
            return new Result(null, new Configured(Set.of(), false));
        }
        // Taken before the per-device checks, so a neighbour may name a device further down.
        List<String> raw = items.stream().map(item -> item.get("kecamatan").rawText()).toList();
        Set<String> codes = new TreeSet<>();
        raw.stream().filter(this::isOurs).forEach(codes::add);
        Configured kecamatan = new Configured(codes, raw.stream().allMatch(this::isOurs));
        List<Device> devices = new ArrayList<>();
        for (ConfigNode item : items) {
            Device device = device(item, kecamatan);
            if (device != null) {
                devices.add(device);
            }
        }
        return new Result(problems.noneSince(mark) ? devices : null, kecamatan);
    }

    private Device device(ConfigNode item, Configured configured) {
        int mark = problems.mark();
        if (!item.requireMap(KEYS)) {
            return null;
        }
        String kecamatan = kecamatan(item.get("kecamatan"));
        String name = item.get("name").text();
        String deviceId = item.get("deviceId").code(Codes.DEVICE_ID, "a device id ([A-Z0-9]{2,16}, e.g. CWS01)");
        if (kecamatan != null && deviceId != null) {
            String key = kecamatan + "/" + deviceId;
            String first = firstAt.putIfAbsent(key, item.path());
            if (first != null) {
                item.report("duplicate device " + key + ", first at " + first);
            }
        }
        ConfigNode sftp = item.get("sftp");
        SftpAccount account = null;
        String outboxDir = null;
        String receiptsDir = null;
        if (sftp.requireMap(SftpAccounts.keysPlus("outboxDir", "receiptsDir"))) {
            account = SftpAccounts.read(sftp, baseDir, problems, ssh);
            outboxDir = sftp.get("outboxDir").text("outbox");
            receiptsDir = sftp.get("receiptsDir").text("receipts");
            if (outboxDir != null && outboxDir.equals(receiptsDir)) {
                sftp.get("receiptsDir").report("must not be the outboxDir '" + outboxDir
                        + "': receipts would be taken for packets");
            }
        }
        Duration pollInterval = item.get("pollInterval").duration(Duration.ofSeconds(30));
        List<String> neighbours = neighbours(item.get("neighbours"), kecamatan, configured);
        return problems.noneSince(mark)
                ? new Device(kecamatan, name, deviceId, account, outboxDir, receiptsDir, pollInterval, neighbours)
                : null;
    }

    /** A kecamatan code in our regency (when that is known); reports nothing. */
    private boolean isOurs(String code) {
        return Codes.matches(Codes.KECAMATAN, code) && (regency == null || code.startsWith(regency + "."));
    }

    private String kecamatan(ConfigNode node) {
        String code = node.code(Codes.KECAMATAN, KECAMATAN_FORM);
        if (code != null && !isOurs(code)) {
            node.report("'" + code + "' is not in this hub's regency " + regency);
            return null;
        }
        return code;
    }

    private static List<String> neighbours(ConfigNode node, String own, Configured configured) {
        List<ConfigNode> items = node.optionalList();
        List<String> neighbours = new ArrayList<>();
        for (ConfigNode item : items == null ? List.<ConfigNode>of() : items) {
            String code = item.code(Codes.KECAMATAN, KECAMATAN_FORM);
            if (code == null) {
                continue;
            }
            if (Objects.equals(code, own)) {
                item.report("is this device's own kecamatan");
            } else {
                // Not an error (ICD section 4 does not ask for it): a device taken out for
                // months must not force an edit of every list naming its kecamatan. It is kept,
                // and offered as a place to record only once a device there is configured and up.
                if (configured.excludes(code)) {
                    item.warn("no device is configured for kecamatan " + code
                            + ": it is not offered as a place to record until one is");
                }
                neighbours.add(code);
            }
        }
        return neighbours;
    }
}

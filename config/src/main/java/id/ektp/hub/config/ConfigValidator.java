package id.ektp.hub.config;

import com.fasterxml.jackson.databind.JsonNode;
import id.ektp.hub.codes.Codes;
import id.ektp.hub.codes.ProvinceZones;
import id.ektp.hub.config.HubConfig.Broker;
import id.ektp.hub.config.HubConfig.Http;
import id.ektp.hub.config.HubConfig.Limits;
import id.ektp.hub.config.HubConfig.Ministry;
import id.ektp.hub.config.HubConfig.MinistrySftp;
import id.ektp.hub.config.HubConfig.Printer;
import id.ektp.hub.config.HubConfig.Printing;
import id.ektp.hub.config.HubConfig.Privacy;
import id.ektp.hub.config.HubConfig.Regency;
import id.ektp.hub.config.HubConfig.Reports;
import id.ektp.hub.config.HubConfig.SftpAccount;
import id.ektp.hub.config.HubConfig.Stock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.ParseException;
import java.time.Duration;
import java.util.ArrayList;
import java.time.ZoneId;
import java.util.List;
import java.util.Optional;
import org.quartz.CronExpression;

/**
 * Walks a parsed configuration tree section by section, reporting every problem under its key
 * path, and builds the {@link HubConfig} only when there is none. The device and printer lists
 * have rules of their own ({@link DeviceRules}, {@link PrinterRules}).
 */
final class ConfigValidator {
    /** The smallest {@code limits.maxPacketBytes} accepted: above the largest real packet (3 MiB). */
    static final long MIN_MAX_PACKET_BYTES = 4L * 1024 * 1024;

    private static final List<String> ROOT_KEYS = List.of("regency", "dataDir", "http", "ministry",
            "devices", "printers", "stock", "printing", "reports", "limits", "privacy");

    private final Path source;
    /** Relative paths in the file are relative to the file's folder (ICD section 4). */
    private final Path baseDir;
    private final Problems problems = new Problems();
    private final SshFiles ssh = new SshFiles();

    private ConfigValidator(Path source) {
        this.source = source;
        this.baseDir = source.getParent();
    }

    /** @param source the file {@code tree} was read from, absolute */
    static ConfigLoader.Checked validate(JsonNode tree, Path source) {
        return new ConfigValidator(source).run(tree);
    }

    /** A result for a file that could not even be parsed. */
    static ConfigLoader.Checked fileProblem(String message) {
        return new ConfigLoader.Checked(null, List.of(new ConfigProblem(Problems.FILE, message)), List.of());
    }

    private ConfigLoader.Checked run(JsonNode tree) {
        ConfigNode root = new ConfigNode(tree, "", problems);
        if (root.isAbsent()) {
            return fileProblem("is empty; expected the keys " + String.join(", ", ROOT_KEYS));
        }
        if (!root.requireMap(ROOT_KEYS)) {
            return new ConfigLoader.Checked(null, problems.list(), problems.warnings());
        }
        Regency regency = regency(root.get("regency"));
        String regencyCode = root.get("regency").get("code").rawText();
        if (!Codes.matches(Codes.REGENCY, regencyCode)) {
            regencyCode = null;
        }
        Path dataDir = dataDir(root.get("dataDir"));
        Http http = http(root.get("http"));
        Ministry ministry = ministry(root.get("ministry"));
        DeviceRules.Result devices = new DeviceRules(baseDir, problems, ssh, regencyCode).read(root.get("devices"));
        List<Printer> printers = new PrinterRules(baseDir, problems, ssh, devices.kecamatan()).read(root.get("printers"));
        Stock stock = stock(root.get("stock"), regencyCode);
        Printing printing = printing(root.get("printing"));
        Reports reports = reports(root.get("reports"));
        Limits limits = limits(root.get("limits"));
        Privacy privacy = privacy(root.get("privacy"));
        List<ConfigProblem> found = problems.list();
        HubConfig config = found.isEmpty()
                ? new HubConfig(source, regency, dataDir, http, ministry, devices.devices(), printers, stock, printing,
                        reports, limits, privacy)
                : null;
        return new ConfigLoader.Checked(config, found, problems.warnings());
    }

    private Regency regency(ConfigNode node) {
        int mark = problems.mark();
        if (!node.requireMap(List.of("code", "name", "timeZone"))) {
            return null;
        }
        String code = node.get("code").code(Codes.REGENCY, "a regency code (PP.RR, e.g. 33.10)");
        String name = node.get("name").text();
        ZoneId zone = code == null ? null : timeZone(node.get("timeZone"), code);
        return problems.noneSince(mark) ? new Regency(code, name, zone) : null;
    }

    /**
     * WIB, WITA or WIT: the zone of the hub's schedules and of every time it shows or sends.
     * Extension; by default the zone of the regency's province ({@link ProvinceZones}), so a
     * hub in Makassar runs its 07:00 stock check at 07:00 WITA whatever the machine's zone is.
     */
    private ZoneId timeZone(ConfigNode node, String regencyCode) {
        Optional<ZoneId> province = ProvinceZones.of(regencyCode);
        if (node.isAbsent()) {
            if (province.isEmpty()) {
                node.report("is required: province " + regencyCode.substring(0, 2) + " is not one the hub knows the"
                        + " zone of; set Asia/Jakarta (WIB), Asia/Makassar (WITA) or Asia/Jayapura (WIT)");
            }
            return province.orElse(null);
        }
        String text = node.text();
        if (text == null) {
            return null;
        }
        ZoneId zone;
        try {
            zone = ZoneId.of(text);
        } catch (java.time.DateTimeException e) {
            node.report("'" + text + "' is not a time zone: use a region id such as Asia/Jakarta, Asia/Makassar or Asia/Jayapura");
            return null;
        }
        province.filter(expected -> !expected.getRules().equals(zone.getRules())).ifPresent(expected ->
                node.warn(text + " is not the zone of province " + regencyCode.substring(0, 2) + " ("
                        + expected.getId() + ", " + ProvinceZones.label(expected) + "): the stock check and every"
                        + " time the hub shows or sends follow " + text));
        return zone;
    }

    /** The hub's own storage; created at start, so it need not exist yet. */
    private Path dataDir(ConfigNode node) {
        Path dir = node.path(baseDir);
        if (dir != null && Files.exists(dir) && !Files.isDirectory(dir)) {
            node.report("is not a folder: " + dir);
        }
        return dir;
    }

    private Http http(ConfigNode node) {
        int mark = problems.mark();
        if (!node.requireMap(List.of("host", "port", "adminTokenFile"))) {
            return null;
        }
        String host = node.get("host").text("127.0.0.1");
        Integer port = node.get("port").integer(1, 65535, 8080);
        Path tokenFile = node.get("adminTokenFile").file(baseDir, FileRule.NO_ACCESS_BY_OTHERS);
        return problems.noneSince(mark) ? new Http(host, port, tokenFile) : null;
    }

    private Ministry ministry(ConfigNode node) {
        int mark = problems.mark();
        if (!node.requireMap(List.of("sftp", "broker"))) {
            return null;
        }
        MinistrySftp sftp = ministrySftp(node.get("sftp"));
        Broker broker = broker(node.get("broker"));
        return problems.noneSince(mark) ? new Ministry(sftp, broker) : null;
    }

    private MinistrySftp ministrySftp(ConfigNode node) {
        int mark = problems.mark();
        if (!node.requireMap(SftpAccounts.keysPlus("inboxDir", "outboxDir", "pollInterval", "retryMaxDelay"))) {
            return null;
        }
        SftpAccount account = SftpAccounts.read(node, baseDir, problems, ssh);
        String inboxDir = node.get("inboxDir").text();
        String outboxDir = node.get("outboxDir").text();
        Duration pollInterval = node.get("pollInterval").duration(Duration.ofSeconds(30));
        Duration retryMaxDelay = node.get("retryMaxDelay").duration(Duration.ofMinutes(5));
        return problems.noneSince(mark)
                ? new MinistrySftp(account, inboxDir, outboxDir, pollInterval, retryMaxDelay)
                : null;
    }

    private Broker broker(ConfigNode node) {
        int mark = problems.mark();
        if (!node.requireMap(List.of("url", "username", "passwordFile", "retryMaxDelay"))) {
            return null;
        }
        ConfigNode urlNode = node.get("url");
        String url = urlNode.text();
        if (url != null) {
            BrokerUrl.problem(url).ifPresent(urlNode::report);
        }
        String username = node.get("username").text();
        Path passwordFile = node.get("passwordFile").file(baseDir, FileRule.OWNER_ONLY);
        Duration retryMaxDelay = node.get("retryMaxDelay").duration(Duration.ofMinutes(5));
        return problems.noneSince(mark) ? new Broker(url, username, passwordFile, retryMaxDelay) : null;
    }

    private Stock stock(ConfigNode node, String ownRegency) {
        int mark = problems.mark();
        if (!node.requireMap(List.of("reorderDaysOfCover", "targetDaysOfCover", "criticalDaysOfCover",
                "checkSchedule", "neighbourRegencies"))) {
            return null;
        }
        Integer reorder = node.get("reorderDaysOfCover").integer(1, Integer.MAX_VALUE);
        Integer target = node.get("targetDaysOfCover").integer(1, Integer.MAX_VALUE);
        Integer critical = node.get("criticalDaysOfCover").integer(1, Integer.MAX_VALUE);
        if (critical != null && reorder != null && critical >= reorder) {
            node.get("criticalDaysOfCover").report("must be less than reorderDaysOfCover (" + reorder + ")");
        }
        if (reorder != null && target != null && reorder >= target) {
            node.get("reorderDaysOfCover").report("must be less than targetDaysOfCover (" + target + ")");
        }
        String schedule = cron(node.get("checkSchedule"));
        List<String> neighbours = neighbourRegencies(node.get("neighbourRegencies"), ownRegency);
        return problems.noneSince(mark)
                ? new Stock(reorder, target, critical, schedule, neighbours)
                : null;
    }

    /** Parsed by the same Quartz that will run it, so what validates also schedules. */
    private static String cron(ConfigNode node) {
        String schedule = node.text();
        if (schedule == null) {
            return null;
        }
        try {
            CronExpression.validateExpression(schedule);
            return schedule;
        } catch (ParseException e) {
            node.report("'" + schedule + "' is not a Quartz cron expression (seconds minutes hours"
                    + " day-of-month month day-of-week, e.g. \"0 0 7 * * ?\"): " + e.getMessage());
            return null;
        }
    }

    private static List<String> neighbourRegencies(ConfigNode node, String ownRegency) {
        List<ConfigNode> items = node.optionalList();
        List<String> codes = new ArrayList<>();
        for (ConfigNode item : items == null ? List.<ConfigNode>of() : items) {
            String code = item.code(Codes.REGENCY, "a regency code (PP.RR, e.g. 33.09)");
            if (code != null && code.equals(ownRegency)) {
                item.report("is this hub's own regency");
            } else if (code != null) {
                codes.add(code);
            }
        }
        return codes;
    }

    private Printing printing(ConfigNode node) {
        int mark = problems.mark();
        if (!node.optionalMap(List.of("maxAttempts"))) {
            return null;
        }
        Integer maxAttempts = node.get("maxAttempts").integer(1, Integer.MAX_VALUE, 3);
        return problems.noneSince(mark) ? new Printing(maxAttempts) : null;
    }

    private Reports reports(ConfigNode node) {
        int mark = problems.mark();
        if (!node.optionalMap(List.of("deviceDownAfter", "statusInterval", "packetOverdueAfter"))) {
            return null;
        }
        Duration deviceDownAfter = node.get("deviceDownAfter").duration(Duration.ofMinutes(10));
        Duration statusInterval = node.get("statusInterval").duration(Duration.ofMinutes(15));
        Duration packetOverdueAfter = node.get("packetOverdueAfter").duration(Duration.ofDays(14));
        return problems.noneSince(mark) ? new Reports(deviceDownAfter, statusInterval, packetOverdueAfter) : null;
    }

    /** Optional: without it no NIK is hashed and no lookup answered; with it, the key must be a real secret. */
    private Privacy privacy(ConfigNode node) {
        int mark = problems.mark();
        if (node.isAbsent()) {
            return Privacy.NONE;
        }
        if (!node.optionalMap(List.of("nikKeyFile"))) {
            return null;
        }
        Path keyFile = node.get("nikKeyFile").file(baseDir, FileRule.SECRET_KEY);
        return problems.noneSince(mark) ? new Privacy(keyFile) : null;
    }

    private Limits limits(ConfigNode node) {
        int mark = problems.mark();
        if (!node.optionalMap(List.of("maxPacketBytes", "minFreeBytes"))) {
            return null;
        }
        // At least 4 MiB: real packets are 0.3-3 MiB, and a file above the limit (+1 MiB for zip
        // headers) is left on its device and quarantined as TOO_LARGE, so a mistyped small limit
        // would hold back every ordinary packet.
        Long maxPacketBytes = node.get("maxPacketBytes").wholeNumber(MIN_MAX_PACKET_BYTES, Long.MAX_VALUE, 64L * 1024 * 1024);
        Long minFreeBytes = node.get("minFreeBytes").wholeNumber(0, Long.MAX_VALUE, 1024L * 1024 * 1024);
        return problems.noneSince(mark) ? new Limits(maxPacketBytes, minFreeBytes) : null;
    }
}

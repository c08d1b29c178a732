package id.ektp.hub.config;

import id.ektp.hub.codes.Codes;
import id.ektp.hub.config.HubConfig.Printer;
import id.ektp.hub.config.HubConfig.SftpAccount;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The {@code printers} list. Every print-ready record must have exactly one printer to go to:
 * so at most one default ({@code "*"}), no kecamatan served twice, and without a default every
 * configured kecamatan served by name.
 */
final class PrinterRules {
    private static final List<String> KEYS = List.of("id", "folder", "sftp", "serves");
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9-]{1,32}");
    private static final String DEFAULT = "*";
    /**
     * A remote folder: plain path characters only, so it goes into an {@code sftp:} URI and a
     * log line as written, never read as a URI query or option.
     */
    private static final Pattern REMOTE_DIR = Pattern.compile("[A-Za-z0-9._~/-]{1,200}");

    private final Path baseDir;
    private final Problems problems;
    private final SshFiles ssh;
    /** The kecamatan of the configured devices: the only ones a printer can serve. */
    private final DeviceRules.Configured configured;
    private final Map<String, String> idFirstAt = new HashMap<>();
    /** Kecamatan code (or "*") → the key path of the printer serving it. */
    private final Map<String, String> servedBy = new HashMap<>();
    /**
     * Whether every {@code serves} list was read without a problem. Only then can "served by
     * none" be told: otherwise the kecamatan may be in the list that could not be read.
     */
    private boolean allServesRead = true;

    PrinterRules(Path baseDir, Problems problems, SshFiles ssh, DeviceRules.Configured configured) {
        this.baseDir = baseDir;
        this.problems = problems;
        this.ssh = ssh;
        this.configured = configured;
    }

    /** The printers, or null if anything is wrong with them. */
    List<Printer> read(ConfigNode node) {
        int mark = problems.mark();
        List<ConfigNode> items = node.requireNonEmptyList();
        if (items == null) {
            return null;
        }
        List<Printer> printers = new ArrayList<>();
        for (ConfigNode item : items) {
            Printer printer = printer(item);
            if (printer != null) {
                printers.add(printer);
            }
        }
        if (allServesRead && !servedBy.containsKey(DEFAULT)) {
            configured.codes().stream().filter(code -> !servedBy.containsKey(code)).forEach(code -> node.report(
                    "no default printer (serves: [\"*\"]) and kecamatan " + code + " is served by none"));
        }
        return problems.noneSince(mark) ? printers : null;
    }

    private Printer printer(ConfigNode item) {
        int mark = problems.mark();
        if (!item.requireMap(KEYS)) {
            allServesRead = false;
            return null;
        }
        ConfigNode idNode = item.get("id");
        String id = idNode.code(ID, "a printer id (letters, digits and '-', at most 32, e.g. DKC-1)");
        if (id != null) {
            String first = idFirstAt.putIfAbsent(id, item.path());
            if (first != null) {
                idNode.report("duplicate printer id " + id + ", first at " + first);
            }
        }
        ConfigNode folderNode = item.get("folder");
        ConfigNode sftpNode = item.get("sftp");
        Path folder = null;
        SftpAccount sftp = null;
        String remoteBaseDir = null;
        if (folderNode.isAbsent() == sftpNode.isAbsent()) {
            item.report("needs exactly one of folder (a local path) or sftp (an SFTP account)"
                    + (folderNode.isAbsent() ? "" : ", not both"));
        } else if (!folderNode.isAbsent()) {
            // The folder may be missing (a printer's share offline): the routes wait for it.
            folder = folderNode.path(baseDir);
            if (folder != null && Files.exists(folder) && !Files.isDirectory(folder)) {
                folderNode.report("is not a folder: " + folder);
            }
        } else if (sftpNode.requireMap(SftpAccounts.keysPlus("baseDir"))) {
            // Checked like every other SFTP account: an owner-only key, a known_hosts with entries.
            sftp = SftpAccounts.read(sftpNode, baseDir, problems, ssh);
            remoteBaseDir = remoteBaseDir(sftpNode.get("baseDir"));
        }
        List<String> serves = serves(item.get("serves"), item.path());
        return problems.noneSince(mark) ? new Printer(id, folder, sftp, remoteBaseDir, serves) : null;
    }

    /** {@code sftp.baseDir}: the remote folder holding queue/ and results/, default the login folder. */
    private static String remoteBaseDir(ConfigNode node) {
        if (node.isAbsent()) {
            return ".";
        }
        String dir = node.code(REMOTE_DIR, "a remote folder (letters, digits and . _ ~ / -, e.g. spool or /var/spool/ektp)");
        return dir == null ? null : dir.length() > 1 && dir.endsWith("/") ? dir.substring(0, dir.length() - 1) : dir;
    }

    private List<String> serves(ConfigNode node, String printer) {
        int mark = problems.mark();
        List<ConfigNode> items = node.requireNonEmptyList();
        List<String> serves = new ArrayList<>();
        for (ConfigNode item : items == null ? List.<ConfigNode>of() : items) {
            String code = item.text();
            if (code == null) {
                continue;
            }
            if (!code.equals(DEFAULT) && !Codes.matches(Codes.KECAMATAN, code)) {
                item.report("'" + code + "' is neither \"*\" nor " + DeviceRules.KECAMATAN_FORM);
            } else if (!code.equals(DEFAULT) && configured.excludes(code)) {
                item.report("no device is configured for kecamatan " + code);
            } else {
                String first = servedBy.putIfAbsent(code, printer);
                if (first == null) {
                    serves.add(code);
                } else if (code.equals(DEFAULT)) {
                    item.report("only one printer may serve \"*\"; " + first + " already does");
                } else {
                    item.report("kecamatan " + code + " is already served by " + first);
                }
            }
        }
        allServesRead &= problems.noneSince(mark);
        return serves;
    }
}

package id.ektp.hub.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * What a file named by the configuration must be. Checked at validation time so a key that
 * ssh would refuse, or a token anyone on the machine can read, fails {@code validate} instead
 * of the first login at night.
 */
enum FileRule {
    /** {@code http.adminTokenFile}: nobody but owner and group may read or change it. */
    NO_ACCESS_BY_OTHERS(EnumSet.of(PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_WRITE),
            "chmod o-rw"),
    /** SSH private keys and the broker password: owner only, as ssh itself insists for keys. */
    OWNER_ONLY(EnumSet.of(
            PosixFilePermission.GROUP_READ, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_EXECUTE,
            PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_EXECUTE),
            "chmod 600"),
    /**
     * {@code privacy.nikKeyFile}: owner only, like a private key, and at least
     * {@value #MIN_KEY_BYTES} bytes, as HMAC-SHA256 wants a key as long as its output.
     */
    SECRET_KEY(OWNER_ONLY.forbidden, "chmod 600"),
    /** A known_hosts file: public, but every entry must look like {@code hosts keytype key}. */
    KNOWN_HOSTS(EnumSet.noneOf(PosixFilePermission.class), null);

    static final int MIN_KEY_BYTES = 32;

    private final Set<PosixFilePermission> forbidden;
    private final String fix;

    FileRule(Set<PosixFilePermission> forbidden, String fix) {
        this.forbidden = forbidden;
        this.fix = fix;
    }

    /** What is wrong with {@code file}; empty when nothing is. */
    List<String> check(Path file) {
        if (!Files.exists(file)) {
            return List.of("file not found: " + file);
        }
        if (!Files.isRegularFile(file)) {
            return List.of("is not a regular file: " + file);
        }
        if (!Files.isReadable(file)) {
            return List.of("cannot be read by this user: " + file);
        }
        List<String> problems = new ArrayList<>();
        try {
            if (Files.size(file) == 0) {
                problems.add("is empty: " + file);
            } else if (this == KNOWN_HOSTS) {
                problems.addAll(knownHostsProblems(file));
            } else if (this == SECRET_KEY && Files.size(file) < MIN_KEY_BYTES) {
                problems.add("holds " + Files.size(file) + " bytes, a key needs at least " + MIN_KEY_BYTES
                        + " (e.g. head -c 32 /dev/urandom > " + file.getFileName() + "): " + file);
            }
            permissionProblem(file).ifPresent(problems::add);
        } catch (IOException e) {
            problems.add("cannot be read: " + file + " (" + e.getMessage() + ")");
        }
        return problems;
    }

    private Optional<String> permissionProblem(Path file) throws IOException {
        Set<PosixFilePermission> perms;
        try {
            perms = Files.getPosixFilePermissions(file);
        } catch (UnsupportedOperationException notPosix) {
            // e.g. a FAT or Windows file system: there are no such bits to get wrong.
            return Optional.empty();
        }
        if (perms.stream().noneMatch(forbidden::contains)) {
            return Optional.empty();
        }
        return Optional.of("permissions " + PosixFilePermissions.toString(perms)
                + " are too open" + (this != NO_ACCESS_BY_OTHERS ? " (group or others have access)" : " (others have access)")
                + ": " + fix + " " + file);
    }

    /** Lines that are neither blank, a comment, nor {@code hosts keytype key [comment]}. */
    private static List<String> knownHostsProblems(Path file) throws IOException {
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        List<String> bad = new ArrayList<>();
        int entries = 0;
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            entries++;
            if (line.split("\\s+").length < 3) {
                bad.add(String.valueOf(i + 1));
            }
        }
        List<String> problems = new ArrayList<>();
        if (entries == 0) {
            problems.add("has no host keys: " + file);
        }
        if (!bad.isEmpty()) {
            problems.add((bad.size() == 1 ? "line " + bad.get(0) + " of " + file + " is" : "lines "
                    + String.join(", ", bad) + " of " + file + " are") + " not 'hosts keytype base64-key'");
        }
        return problems;
    }
}

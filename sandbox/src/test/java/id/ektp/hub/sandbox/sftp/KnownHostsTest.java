package id.ektp.hub.sandbox.sftp;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.PublicKey;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KnownHostsTest {
    @TempDir
    Path dir;

    @Test
    void usesBracketFormOnlyForNonStandardPorts() {
        PublicKey key = SshKeys.generate(dir.resolve("host")).getPublic();
        String keyPart = SshKeys.authorizedKeyLine(key);

        assertEquals("ministry.example " + keyPart, KnownHosts.line("ministry.example", 22, key));
        assertEquals("[127.0.0.1]:2222 " + keyPart, KnownHosts.line("127.0.0.1", 2222, key));
    }

    @Test
    void appendsPeersWithoutDuplicatesAndReplacesStaleKeys() throws Exception {
        PublicKey device = SshKeys.generate(dir.resolve("device")).getPublic();
        PublicKey ministry = SshKeys.generate(dir.resolve("ministry")).getPublic();
        PublicKey newDevice = SshKeys.generate(dir.resolve("device2")).getPublic();
        Path knownHosts = dir.resolve("ssh/known_hosts");

        KnownHosts.write(knownHosts, "127.0.0.1", 2201, device);
        KnownHosts.write(knownHosts, "127.0.0.1", 2202, ministry);
        KnownHosts.write(knownHosts, "127.0.0.1", 2201, device); // identical: not written again
        assertEquals(List.of(KnownHosts.line("127.0.0.1", 2201, device), KnownHosts.line("127.0.0.1", 2202, ministry)),
                Files.readAllLines(knownHosts));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(knownHosts)));

        // Another server now on port 2201: its key replaces the stale one, the ministry entry stays.
        KnownHosts.write(knownHosts, "127.0.0.1", 2201, newDevice);
        assertEquals(List.of(KnownHosts.line("127.0.0.1", 2202, ministry), KnownHosts.line("127.0.0.1", 2201, newDevice)),
                Files.readAllLines(knownHosts));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(knownHosts)));
        try (var files = Files.list(knownHosts.getParent())) {
            assertEquals(List.of(knownHosts), files.toList(), "no temporary file left behind");
        }
    }

    @Test
    void keepsForeignLinesAndComments() throws Exception {
        Path knownHosts = dir.resolve("known_hosts");
        Files.writeString(knownHosts, "# peers of the regency hub\nprinter.local ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIB\n");
        PublicKey key = SshKeys.generate(dir.resolve("k")).getPublic();

        KnownHosts.write(knownHosts, "127.0.0.1", 2222, key);

        assertEquals(List.of("# peers of the regency hub", "printer.local ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIB",
                KnownHosts.line("127.0.0.1", 2222, key)), Files.readAllLines(knownHosts));
    }
}

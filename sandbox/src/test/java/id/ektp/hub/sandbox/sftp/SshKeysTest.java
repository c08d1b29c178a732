package id.ektp.hub.sandbox.sftp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.PublicKey;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.util.Base64;
import java.util.List;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.jcraft.jsch.JSch;

class SshKeysTest {
    @TempDir
    Path dir;

    @Test
    void writesOpenSshPrivateKeyOwnerOnlyAndAuthorizedKeysPublicKey() throws Exception {
        Path key = dir.resolve("keys/hub_ecdsa");
        KeyPair pair = SshKeys.generate(key);

        String privateText = Files.readString(key, StandardCharsets.US_ASCII);
        assertTrue(privateText.startsWith("-----BEGIN OPENSSH PRIVATE KEY-----\n"), privateText);
        assertTrue(privateText.strip().endsWith("-----END OPENSSH PRIVATE KEY-----"), privateText);
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(key)));

        Path pub = dir.resolve("keys/hub_ecdsa.pub");
        assertEquals(pub, SshKeys.publicKeyFile(key));
        String[] pubFields = Files.readString(pub).strip().split(" ");
        assertEquals(3, pubFields.length);
        assertEquals("ecdsa-sha2-nistp256", pubFields[0]);
        assertTrue(pubFields[1].startsWith("AAAA"));
        assertEquals("hub_ecdsa", pubFields[2]);

        PublicKey readBack = SshKeys.readPublicKey(pub);
        assertEquals(pair.getPublic(), readBack);
        assertEquals(256, ((ECPublicKey) readBack).getParams().getCurve().getField().getFieldSize());
        assertEquals(pubFields[0] + " " + pubFields[1], SshKeys.authorizedKeyLine(pair.getPublic()));

        // MINA can read its own output back too (the sandbox reuses keys across runs).
        assertEquals(pair.getPublic(), SshKeys.load(key).getPublic());
        assertEquals(((ECPrivateKey) pair.getPrivate()).getS(), ((ECPrivateKey) SshKeys.load(key).getPrivate()).getS());
    }

    @Test
    void jschLoadsThePrivateKey() throws Exception {
        Path key = dir.resolve("device_ecdsa");
        SshKeys.generate(key);

        com.jcraft.jsch.KeyPair loaded = com.jcraft.jsch.KeyPair.load(new JSch(), key.toString(), null);
        assertEquals(com.jcraft.jsch.KeyPair.ECDSA, loaded.getKeyType());
        assertFalse(loaded.isEncrypted());
        assertEquals("ecdsa-sha2-nistp256", loaded.getKeyTypeString());
        // The public key JSch derives from the private key file is the one in the .pub file.
        byte[] pubBlob = Base64.getDecoder().decode(Files.readString(SshKeys.publicKeyFile(key)).split(" ")[1]);
        assertArrayEquals(pubBlob, loaded.getPublicKeyBlob());

        // What camel-ftp actually calls with privateKeyFile.
        new JSch().addIdentity(key.toString());
    }

    @Test
    void openSshReadsThePrivateKey() throws Exception {
        Path sshKeygen = SftpTestSupport.executable("ssh-keygen").orElse(null);
        Assumptions.assumeTrue(sshKeygen != null, "ssh-keygen not installed");
        Path key = dir.resolve("ministry_ecdsa");
        SshKeys.generate(key);

        // ssh-keygen also refuses keys readable by others, so this checks the 0600 mode as well.
        SftpTestSupport.ProcessResult result = SftpTestSupport.run(dir, List.of(sshKeygen.toString(), "-y", "-f", key.toString()));
        assertEquals(0, result.exitCode(), result.output());
        String[] derived = result.output().strip().split(" ");
        String[] written = Files.readString(SshKeys.publicKeyFile(key)).strip().split(" ");
        assertEquals(written[0], derived[0]);
        assertEquals(written[1], derived[1]);
    }

    @Test
    void neverOverwritesAnExistingKey() {
        Path key = dir.resolve("id_ecdsa");
        KeyPair first = SshKeys.generate(key);

        UncheckedIOException e = assertThrows(UncheckedIOException.class, () -> SshKeys.generate(key));
        assertInstanceOf(FileAlreadyExistsException.class, e.getCause());
        assertEquals(first.getPublic(), SshKeys.loadOrGenerate(key).getPublic());
        assertEquals(first.getPublic(), SshKeys.readPublicKey(SshKeys.publicKeyFile(key)));
    }
}

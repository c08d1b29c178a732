package id.ektp.hub.sandbox.sftp;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.security.spec.ECGenParameterSpec;
import java.util.List;
import java.util.Set;

import org.apache.sshd.common.config.keys.AuthorizedKeyEntry;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.config.keys.PublicKeyEntryResolver;
import org.apache.sshd.common.config.keys.writer.openssh.OpenSSHKeyPairResourceWriter;
import org.apache.sshd.common.util.io.resource.PathResource;
import org.apache.sshd.common.util.security.SecurityUtils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Real SSH key files for the sandbox: the hub's client keys, the devices' keys, the ministry's.
 *
 * <p>Keys are ECDSA P-256 because every party involved speaks it: the JDK generates it without extra
 * providers, MINA SSHD serves it, the hub's JSch loads it and OpenSSH accepts it. Private keys are
 * written in the OpenSSH format ({@code -----BEGIN OPENSSH PRIVATE KEY-----}, unencrypted) which both
 * JSch and {@code ssh-keygen} read, so the same file works for the hub, for the benchmark's
 * {@code sftp} client and for a newcomer poking around with {@code ssh}.
 */
public final class SshKeys {
    private static final Logger LOG = LoggerFactory.getLogger(SshKeys.class);

    /** Suffix OpenSSH uses for the public half next to a private key file. */
    public static final String PUBLIC_KEY_SUFFIX = ".pub";

    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");

    private SshKeys() {
    }

    /**
     * Generates an ECDSA P-256 key pair, writes the private key to {@code privateKeyFile} (mode 0600) and the
     * public key to {@code privateKeyFile + ".pub"} in authorized_keys format.
     *
     * <p>Refuses to overwrite an existing private key ({@link java.nio.file.FileAlreadyExistsException}):
     * a key that peers already trust must never be replaced by accident. Use {@link #loadOrGenerate(Path)}
     * to keep keys stable across sandbox runs.
     */
    public static KeyPair generate(Path privateKeyFile) {
        KeyPair keyPair = newKeyPair();
        String comment = privateKeyFile.getFileName().toString();
        try {
            Path parent = privateKeyFile.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            writePrivateKey(privateKeyFile, keyPair, comment);
            Files.writeString(publicKeyFile(privateKeyFile), authorizedKeyLine(keyPair.getPublic()) + " " + comment + "\n",
                    StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write SSH key " + privateKeyFile, e);
        }
        LOG.debug("Generated ECDSA P-256 key {}", privateKeyFile);
        return keyPair;
    }

    /** Loads the key pair at {@code privateKeyFile}, generating it (see {@link #generate(Path)}) if absent. */
    public static KeyPair loadOrGenerate(Path privateKeyFile) {
        return Files.exists(privateKeyFile) ? load(privateKeyFile) : generate(privateKeyFile);
    }

    /** Loads an unencrypted private key (OpenSSH or PEM format) with its public half. */
    public static KeyPair load(Path privateKeyFile) {
        PathResource resource = new PathResource(privateKeyFile);
        try (InputStream in = resource.openInputStream()) {
            Iterable<KeyPair> pairs = SecurityUtils.loadKeyPairIdentities(null, resource, in, null);
            if (pairs != null) {
                for (KeyPair pair : pairs) {
                    return pair;
                }
            }
            throw new IllegalArgumentException("No key pair in " + privateKeyFile);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read SSH key " + privateKeyFile, e);
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("Cannot decode SSH key " + privateKeyFile, e);
        }
    }

    /** The public key of the first entry of an authorized_keys style file (such as a {@code .pub} file). */
    public static PublicKey readPublicKey(Path pubFile) {
        try {
            List<AuthorizedKeyEntry> entries = AuthorizedKeyEntry.readAuthorizedKeys(pubFile);
            if (entries.isEmpty()) {
                throw new IllegalArgumentException("No public key in " + pubFile);
            }
            // FAILING: an unknown key type is an error here, not something to skip silently.
            return entries.get(0).resolvePublicKey(null, PublicKeyEntryResolver.FAILING);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read public key " + pubFile, e);
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("Cannot decode public key " + pubFile, e);
        }
    }

    /** {@code "<type> <base64>"}, e.g. {@code ecdsa-sha2-nistp256 AAAA...}, without a comment. */
    public static String authorizedKeyLine(PublicKey key) {
        return PublicKeyEntry.toString(key);
    }

    /** Where {@link #generate(Path)} puts the public half of {@code privateKeyFile}. */
    public static Path publicKeyFile(Path privateKeyFile) {
        return privateKeyFile.resolveSibling(privateKeyFile.getFileName() + PUBLIC_KEY_SUFFIX);
    }

    private static KeyPair newKeyPair() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"));
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("This JDK cannot generate ECDSA P-256 keys", e);
        }
    }

    private static void writePrivateKey(Path file, KeyPair keyPair, String comment) throws IOException {
        // The file is created owner-only *before* any key byte is written, so there is no window in which
        // the key is world-readable; OpenSSH and JSch users also expect 0600 (ssh refuses laxer keys).
        createOwnerOnlyFile(file);
        try (OutputStream out = Files.newOutputStream(file, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
            OpenSSHKeyPairResourceWriter.INSTANCE.writePrivateKey(keyPair, comment, null, out);
        } catch (IOException | GeneralSecurityException | RuntimeException e) {
            Files.deleteIfExists(file);
            if (e instanceof IOException io) {
                throw io;
            }
            throw new IOException("Cannot encode private key " + file, e);
        }
    }

    /**
     * Creates {@code file} (which must not exist) readable and writable by its owner only. On file systems
     * without POSIX permissions (Windows) the file is created normally and restricted as far as
     * {@link java.io.File} allows.
     */
    static void createOwnerOnlyFile(Path file) throws IOException {
        if (file.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            FileAttribute<Set<PosixFilePermission>> ownerOnly = PosixFilePermissions.asFileAttribute(OWNER_ONLY);
            Files.createFile(file, ownerOnly);
            // createFile's attribute is filtered by the umask; a umask never adds bits, but set it anyway
            // so the result does not depend on the caller's environment.
            Files.setPosixFilePermissions(file, OWNER_ONLY);
        } else {
            Files.createFile(file);
            java.io.File f = file.toFile();
            boolean ok = f.setReadable(false, false) && f.setReadable(true, true)
                    && f.setWritable(false, false) && f.setWritable(true, true);
            if (!ok) {
                LOG.warn("Could not restrict {} to its owner", file);
            }
        }
    }
}

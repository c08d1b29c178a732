package id.ektp.hub.codes;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The keyed hash a resident is looked up by: HMAC-SHA256 of the NIK under the secret in
 * {@code privacy.nikKeyFile}, as lowercase hex. The hub stores it next to the masked NIK instead
 * of the NIK: whoever holds only the store cannot list the 10^10-odd valid NIKs of a regency and
 * hash them, as they could a plain SHA-256. The key is the file's bytes exactly as they are.
 */
public final class NikKey {
    private static final String ALGORITHM = "HmacSHA256";
    /** What {@link #fingerprint} hashes: says whether a store's hashes were made with this key, reveals nothing. */
    private static final byte[] FINGERPRINT_INPUT = "ektp-hub nik key fingerprint".getBytes(StandardCharsets.US_ASCII);

    private final SecretKeySpec key;

    private NikKey(byte[] key) {
        this.key = new SecretKeySpec(key, ALGORITHM);
    }

    /** The key in {@code file} (checked by the configuration: owner-only, at least 32 bytes). */
    public static NikKey load(Path file) throws IOException {
        return new NikKey(Files.readAllBytes(file));
    }

    public static NikKey of(byte[] key) {
        return new NikKey(key.clone());
    }

    /** HMAC-SHA256(key, nik) in hex. */
    public String hash(String nik) {
        return HexFormat.of().formatHex(mac().doFinal(nik.getBytes(StandardCharsets.US_ASCII)));
    }

    /** A short, key-dependent value the store keeps to notice a changed key at the next start. */
    public String fingerprint() {
        return HexFormat.of().formatHex(mac().doFinal(FINGERPRINT_INPUT)).substring(0, 16);
    }

    private Mac mac() {
        try {
            Mac mac = Mac.getInstance(ALGORITHM);
            mac.init(key);
            return mac;
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HmacSHA256 is part of every Java runtime", e);
        }
    }

    @Override
    public String toString() {
        return "NikKey[" + fingerprint() + "]"; // never the key
    }
}

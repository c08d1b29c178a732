package id.ektp.hub.config;

import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneId;
import java.util.List;
import java.util.Optional;

/**
 * One regency hub's configuration, as ICD section 4 defines it, after validation: every path
 * is absolute (resolved against the file's folder), every duration parsed, every default
 * applied. Instances only come out of {@link ConfigLoader}, so holding one means it is valid.
 */
public record HubConfig(
        Path source,
        Regency regency,
        Path dataDir,
        Http http,
        Ministry ministry,
        List<Device> devices,
        List<Printer> printers,
        Stock stock,
        Printing printing,
        Reports reports,
        Limits limits,
        Privacy privacy) {

    public HubConfig {
        devices = List.copyOf(devices);
        printers = List.copyOf(printers);
    }

    public Optional<Device> device(String kecamatanCode, String deviceId) {
        return devices.stream()
                .filter(d -> d.kecamatan().equals(kecamatanCode) && d.deviceId().equals(deviceId))
                .findFirst();
    }

    /**
     * {@code regency: {code: "33.10", name: "Kabupaten Klaten"}}; {@code timeZone} (extension,
     * default the zone of the regency's province: WIB, WITA or WIT, see
     * {@link id.ektp.hub.codes.ProvinceZones}) is the zone of the hub's schedules and the offset
     * its messages and status times carry.
     */
    public record Regency(String code, String name, ZoneId timeZone) {

        /** The code without dots, as queue and file names carry it: {@code 3310}. */
        public String compactCode() {
            return code.replace(".", "");
        }
    }

    /** {@code http: {host, port, adminTokenFile}}; binds to loopback unless configured. */
    public record Http(String host, int port, Path adminTokenFile) {}

    public record Ministry(MinistrySftp sftp, Broker broker) {}

    /**
     * The ministry's SFTP account. {@code retryMaxDelay} (extension, default 5m) caps the
     * exponential backoff while the ministry is unreachable; forwarding never gives up.
     */
    public record MinistrySftp(SftpAccount account, String inboxDir, String outboxDir,
                               Duration pollInterval, Duration retryMaxDelay) {}

    /**
     * {@code broker: {url, username, passwordFile}}; TLS when the URL says {@code ssl://}.
     * {@code retryMaxDelay} (extension, default 5m) caps the backoff while it is unreachable.
     */
    public record Broker(String url, String username, Path passwordFile, Duration retryMaxDelay) {}

    /**
     * How the hub logs in to an SFTP peer: always by key, always against a known_hosts file.
     * {@code connectTimeout} (default 10s) and {@code readTimeout} (default 60s) are
     * extensions of the ICD: a peer that accepts and then never answers must not hold a poll.
     */
    public record SftpAccount(String host, int port, String username, Path privateKeyFile,
                              Path knownHostsFile, Duration connectTimeout, Duration readTimeout) {}

    /**
     * One kecamatan enrollment device; {@code (kecamatan, deviceId)} is unique. {@code receiptsDir}
     * (ICD §1, default {@code receipts}) is where the hub writes what became of its packets.
     */
    public record Device(String kecamatan, String name, String deviceId, SftpAccount sftp,
                         String outboxDir, String receiptsDir, Duration pollInterval, List<String> neighbours) {
        public Device {
            neighbours = List.copyOf(neighbours);
        }

        /** {@code 331005-CWS01}: the kecamatan without dots and the device, as packet ids start. */
        public String key() {
            return kecamatan.replace(".", "") + "-" + deviceId;
        }
    }

    /**
     * A card printer: a local {@code folder} or an {@code sftp} account (exactly one), each
     * with {@code queue/} and {@code results/} inside. {@code serves} lists kecamatan codes, or
     * {@code "*"} for the default printer.
     */
    public record Printer(String id, Path folder, SftpAccount sftp, String baseDir, List<String> serves) {
        public Printer {
            serves = List.copyOf(serves);
        }

        public boolean isDefault() {
            return serves.contains("*");
        }
    }

    /**
     * Blank card stock thresholds in days of cover. {@code neighbourRegencies} (extension) are
     * the regency codes asked for a loan when stock is critical.
     */
    public record Stock(int reorderDaysOfCover, int targetDaysOfCover, int criticalDaysOfCover,
                        String checkSchedule, List<String> neighbourRegencies) {
        public Stock {
            neighbourRegencies = List.copyOf(neighbourRegencies);
        }
    }

    /** {@code printing: {maxAttempts: 3}}. */
    public record Printing(int maxAttempts) {}

    /**
     * {@code reports: {deviceDownAfter: 10m, statusInterval: 15m, packetOverdueAfter: 14d}}:
     * PACKET_OVERDUE once a forwarded packet has had no final result from the ministry this long.
     */
    public record Reports(Duration deviceDownAfter, Duration statusInterval, Duration packetOverdueAfter) {}

    /**
     * {@code limits: {maxPacketBytes: 67108864, minFreeBytes: 1073741824}}: total uncompressed
     * bytes of one packet; free space on {@code dataDir}'s disk below which the hub stops taking
     * packets and batches (they wait on the devices and at the ministry) until space is freed.
     */
    public record Limits(long maxPacketBytes, long minFreeBytes) {}

    /**
     * {@code privacy: {nikKeyFile}}: the secret keying the hash a NIK is looked up by. The section
     * may be left out ({@code nikKeyFile} null): the hub then keeps no NIK hash and answers no lookup.
     */
    public record Privacy(Path nikKeyFile) {
        public static final Privacy NONE = new Privacy(null);

        public Optional<Path> keyFile() {
            return Optional.ofNullable(nikKeyFile);
        }
    }
}

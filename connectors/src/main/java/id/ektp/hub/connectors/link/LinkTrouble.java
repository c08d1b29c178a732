package id.ektp.hub.connectors.link;

import java.util.List;
import java.util.Locale;

/**
 * What a link's raw error ({@link Link#lastError()}: camel-ftp's "GenericFileOperationFailedException:
 * Auth fail for methods 'publickey'", the hub's own SFTP client's "upload of X: writing: line cut
 * (...) at byte N of M", "Connection refused") means to an operator, in plain words: what
 * happened and what to do, in Bahasa Indonesia with the English beside it. The one place raw
 * errors are read this way; the status document ({@code /api/status}), the page and the
 * {@code status} command show these words, with the raw error kept one click away.
 *
 * <p>The first kind whose marks appear in the error wins, so the more telling ones come first
 * (a changed host key before a dropped connection).
 */
public enum LinkTrouble {
    HOST_KEY_CHANGED(List.of("hostkey has been changed", "host key has been changed", "changedhostkey", "has changed (now"),
            "Kunci host %s berubah: mesinnya diganti, atau ada pihak lain di tengah jalur.",
            "The host key of %s changed: the machine was replaced, or someone is in the middle.",
            "Jangan langsung dipercaya. Tanyakan ke pengelolanya apakah mesin itu diganti, cocokkan sidik jarinya"
                    + " (ssh-keygen -lf), baru ganti barisnya di known_hosts. Sampai itu, hub tidak mengambil apa pun darinya.",
            "Do not simply accept it. Ask its administrator whether the machine was replaced, compare the fingerprint"
                    + " (ssh-keygen -lf), and only then replace its line in known_hosts. Until then the hub takes nothing from it."),
    HOST_KEY_UNKNOWN(List.of("unknownhostkey", "reject hostkey", "unknown host key", "refused (strict host-key checking)"),
            "Kunci host %s belum ada di known_hosts, jadi hub menolaknya.",
            "The host key of %s is not in known_hosts, so the hub refuses it.",
            "Ambil kuncinya (ssh-keyscan), cocokkan sidik jarinya dengan pengelolanya, lalu tambahkan ke known_hosts.",
            "Fetch its key (ssh-keyscan), compare the fingerprint with its administrator, then add it to known_hosts."),
    LOGIN_REFUSED(List.of("auth fail", "auth cancel", "userauth fail", "password is invalid", "jmssecurityexception",
            "not authorized", "authentication failed"),
            "Login ditolak: %s tidak mengenal kunci hub.",
            "Login refused: %s does not know the hub's key.",
            "Minta pengelolanya memasang kunci publik hub (berkas .pub dari privateKeyFile) pada akun yang dipakai hub.",
            "Ask its administrator to add the hub's public key (the .pub of privateKeyFile) to the account the hub logs"
                    + " in to."),
    TLS_UNTRUSTED(List.of("pkix path", "certificate", "sslhandshake", "ssl handshake"),
            "Sertifikat %s tidak dipercaya hub.",
            "The hub does not trust the certificate of %s.",
            "Pasang sertifikat CA Kementerian di trust store Java yang dipakai hub (lihat ministry.broker.url di"
                    + " config/README.md).",
            "Add the ministry's CA certificate to the Java trust store the hub uses (see ministry.broker.url in"
                    + " config/README.md)."),
    UNREACHABLE(List.of("connection refused", "no route to host", "network is unreachable", "host is unreachable",
            "unknownhostexception", "could not connect", "failover timeout"),
            "%s mati, atau jaringannya putus.",
            "%s is off, or its line is down.",
            "Periksa apakah mesinnya menyala dan jaringannya tersambung. Hub terus mencoba sendiri; tidak ada data yang hilang.",
            "Check that the machine is on and its network connected. The hub keeps trying by itself; nothing is lost."),
    TIMED_OUT(List.of("timed out", "timeout", "socket is not established", "no answer within", "longer than its deadline"),
            "%s tidak menjawab tepat waktu: jaringannya lambat atau mesinnya macet.",
            "%s did not answer in time: a slow line, or a machine that is stuck.",
            "Periksa jaringannya; bila mesinnya macet, nyalakan ulang. Hub terus mencoba sendiri; tidak ada data yang hilang.",
            "Check the line; if the machine is stuck, restart it. The hub keeps trying by itself; nothing is lost."),
    CONNECTION_DROPPED(List.of("closed by foreign host", "end of io stream", "pipe closed", "inputstream is closed",
            "connection reset", "broken pipe", "session is down", "connection is closed", "line cut", "the line broke",
            "ended during the login"),
            "Sambungan ke %s terputus di tengah jalan.",
            "The connection to %s broke off halfway.",
            "Biasanya hanya sesaat: hub mencoba lagi. Bila terus terjadi, periksa mutu jaringannya.",
            "Usually passing: the hub tries again. If it keeps happening, check the quality of the line."),
    FOLDER_MISSING(List.of("no such file", "cannot change directory", "folder is not there", "not a directory"),
            "Folder yang dipakai hub tidak ada di %s.",
            "The folder the hub uses is missing on %s.",
            "Periksa nama folder di konfigurasi (outboxDir, inboxDir, baseDir atau folder) dan bahwa folder itu ada"
                    + " (share sudah di-mount?).",
            "Check the folder named in the configuration (outboxDir, inboxDir, baseDir or folder) and that it exists"
                    + " (is the share mounted?)."),
    PERMISSION_DENIED(List.of("permission denied", "access denied"),
            "Hub tidak diizinkan membaca atau menulis foldernya di %s.",
            "The hub may not read or write its folder on %s.",
            "Minta pengelolanya memberi akun hub hak baca dan tulis pada folder itu.",
            "Ask its administrator to give the hub's account read and write access to that folder."),
    DISK_FULL(List.of("no space left", "disk full", "quota exceeded"),
            "Disk %s penuh.",
            "The disk of %s is full.",
            "Minta pengelolanya mengosongkan ruang disk. Data menunggu di hub sampai itu.",
            "Ask its administrator to free disk space. The data waits in the hub until then."),
    OTHER(List.of(),
            "Sambungan ke %s gagal.",
            "The link to %s failed.",
            "Bila terus terjadi, berikan pesan asli di bawah ini kepada pengelola hub.",
            "If it keeps happening, give the raw error below to the hub's maintainer.");

    /** Who is at the other end, as the sentences name it. */
    public record Peer(String id, String en) {
        public static final Peer DEVICE = new Peer("perangkat kecamatan", "the kecamatan device");
        public static final Peer MINISTRY_SFTP = new Peer("server SFTP Kementerian", "the ministry's SFTP server");
        public static final Peer MINISTRY_BROKER = new Peer("broker pesan Kementerian", "the ministry's message broker");
        public static final Peer PRINTER = new Peer("printer", "the printer");
    }

    /** The words for one peer: what happened and what to do, each in Indonesian and English. */
    public record Words(String code, String what, String whatEn, String todo, String todoEn) {}

    private final List<String> marks;
    private final String what;
    private final String whatEn;
    private final String todo;
    private final String todoEn;

    LinkTrouble(List<String> marks, String what, String whatEn, String todo, String todoEn) {
        this.marks = marks;
        this.what = what;
        this.whatEn = whatEn;
        this.todo = todo;
        this.todoEn = todoEn;
    }

    /** The kind of trouble {@code error} tells of; null for no error. */
    public static LinkTrouble of(String error) {
        if (error == null) {
            return null;
        }
        String text = error.toLowerCase(Locale.ROOT);
        for (LinkTrouble trouble : values()) {
            if (trouble.marks.stream().anyMatch(text::contains)) {
                return trouble;
            }
        }
        return OTHER;
    }

    /** The words for {@code error} at {@code peer}; null for no error. */
    public static Words words(String error, Peer peer) {
        LinkTrouble trouble = of(error);
        return trouble == null ? null : trouble.words(peer);
    }

    public Words words(Peer peer) {
        if (this == LOGIN_REFUSED && peer.equals(Peer.MINISTRY_BROKER)) {
            // The broker takes a password, not a key.
            return new Words(name(), "Login ditolak: broker pesan Kementerian tidak menerima username atau kata sandi hub.",
                    "Login refused: the ministry's message broker does not accept the hub's username or password.",
                    "Periksa ministry.broker.username dan isi passwordFile dengan yang diberikan Kementerian.",
                    "Check ministry.broker.username, and that passwordFile holds the password the ministry gave.");
        }
        return new Words(name(), sentence(what, peer.id()), sentence(whatEn, peer.en()), todo, todoEn);
    }

    private static String sentence(String template, String noun) {
        String text = template.formatted(noun);
        return Character.toUpperCase(text.charAt(0)) + text.substring(1);
    }
}

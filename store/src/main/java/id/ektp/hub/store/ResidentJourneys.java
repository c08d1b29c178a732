package id.ektp.hub.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * One resident's journey, read across the tables by the keyed NIK hash ({@link NikIndex}): the
 * packets recorded for them and the print jobs made for them, each with its trail, results and
 * pickup notice. Read-only; every index it needs is the store's own.
 */
public final class ResidentJourneys {
    /** A packet as the journey shows it. */
    public record Packet(PacketRecord record, String nikMasked, Instant forwardedAt,
                         Optional<PacketResults.Result> result, Optional<Receipts.Receipt> receipt,
                         Optional<FollowUps.FollowUp> followUp, List<Audit.Line> history) {}

    /** A print job as the journey shows it: each print with its result, and the pickup notice. */
    public record PrintJobView(PrintJob job, String nikMasked, List<Print> prints, Optional<Notice> pickupNotice,
                               List<Audit.Line> history) {}

    public record Print(String status, String reason, String blankSerial, String printerId, String at, Instant recordedAt) {}

    public record Notice(String noticeId, Instant raisedAt, Instant sentAt) {}

    private final HubStore store;
    private final PacketRecords packets;
    private final PacketResults results;
    private final Receipts receipts;
    private final FollowUps followUps;
    private final PrintJobs printJobs;

    public ResidentJourneys(HubStore store, PacketRecords packets, PacketResults results, Receipts receipts,
                            FollowUps followUps, PrintJobs printJobs) {
        this.store = store;
        this.packets = packets;
        this.results = results;
        this.receipts = receipts;
        this.followUps = followUps;
        this.printJobs = printJobs;
    }

    /** One packet with everything known about it; empty for an id the hub never had. */
    public Optional<Packet> packet(String packetId) {
        return packets.find(packetId).map(record -> {
            String[] extra = store.read(c -> {
                try (PreparedStatement ps = c.prepareStatement(
                        "SELECT nik_masked, forwarded_at FROM packet WHERE packet_id = ?")) {
                    ps.setString(1, packetId);
                    try (ResultSet rs = ps.executeQuery()) {
                        rs.next();
                        return new String[] {rs.getString(1), rs.getString(2)};
                    }
                }
            });
            return new Packet(record, extra[0], extra[1] == null ? null : Instant.parse(extra[1]),
                    results.find(packetId), receipts.find(packetId), followUps.find(packetId),
                    packets.history(packetId));
        });
    }

    /** The packets of the resident whose NIK has {@code nikHash}, oldest capture first. */
    public List<Packet> packetsOf(String nikHash) {
        List<String> ids = ids("SELECT packet_id FROM packet WHERE nik_hash = ? ORDER BY captured_at, packet_id", nikHash);
        return ids.stream().map(this::packet).flatMap(Optional::stream).toList();
    }

    /** The print jobs made for the resident whose NIK has {@code nikHash}, oldest first. */
    public List<PrintJobView> printJobsOf(String nikHash) {
        List<String> ids = ids("SELECT prr_id FROM print_job WHERE nik_hash = ? ORDER BY seq", nikHash);
        List<PrintJobView> views = new ArrayList<>();
        for (String prrId : ids) {
            PrintJob job = printJobs.find(prrId).orElseThrow();
            views.add(store.read(c -> new PrintJobView(job, masked(c, prrId), prints(c, prrId), notice(c, prrId),
                    Audit.trail(c, "prr:" + prrId))));
        }
        return views;
    }

    private List<String> ids(String sql, String nikHash) {
        return store.read(c -> {
            List<String> ids = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                ps.setString(1, nikHash);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        ids.add(rs.getString(1));
                    }
                }
            }
            return ids;
        });
    }

    private static String masked(Connection c, String prrId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT nik_masked FROM print_job WHERE prr_id = ?")) {
            ps.setString(1, prrId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }

    private static List<Print> prints(Connection c, String prrId) throws SQLException {
        List<Print> prints = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT status, reason, blank_serial, printer_id, at, recorded_at FROM print_result WHERE prr_id = ?"
                        + " ORDER BY recorded_at")) {
            ps.setString(1, prrId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    prints.add(new Print(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
                            rs.getString(5), Instant.parse(rs.getString(6))));
                }
            }
        }
        return prints;
    }

    /** The pickup notice raised when the card was printed (index {@code outbox_pickup_by_prr}). */
    private static Optional<Notice> notice(Connection c, String prrId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("""
                SELECT message_id, created_at, sent_at FROM outbox
                WHERE queue = 'EKTP.NOTIFY.PICKUP' AND json_extract(body, '$.prrId') = ? ORDER BY seq DESC LIMIT 1""")) {
            ps.setString(1, prrId);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                String sent = rs.getString(3);
                return Optional.of(new Notice(rs.getString(1), Instant.parse(rs.getString(2)),
                        sent == null ? null : Instant.parse(sent)));
            }
        }
    }
}

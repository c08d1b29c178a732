package id.ektp.hub.status;

import id.ektp.hub.connectors.link.Link;
import id.ektp.hub.connectors.link.LinkTrouble;
import id.ektp.hub.connectors.link.Links;
import id.ektp.hub.connectors.ministry.MinistryBrokerConnector;
import id.ektp.hub.connectors.ministry.MinistrySftpConnector;
import id.ektp.hub.connectors.printer.PrinterConnector;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import id.ektp.hub.across.Messages;
import id.ektp.hub.admin.AdminApi;
import id.ektp.hub.across.Queues;
import id.ektp.hub.across.StockKeeper;
import id.ektp.hub.across.StockSnapshot;
import id.ektp.hub.codes.Nik;
import id.ektp.hub.config.HubConfig;
import id.ektp.hub.config.HubConfig.Device;
import id.ektp.hub.config.HubConfig.Printer;
import id.ektp.hub.down.StrandedJobs;
import id.ektp.hub.observe.BuildInfo;
import id.ektp.hub.observe.ConfigState;
import id.ektp.hub.observe.DiskFloor;
import id.ektp.hub.store.Backlog;
import id.ektp.hub.store.Outbox;
import id.ektp.hub.store.PacketRecords;
import id.ektp.hub.store.PacketState;
import id.ektp.hub.store.PrintJobState;
import id.ektp.hub.store.PrintJobs;
import id.ektp.hub.store.QuarantineEntry;
import id.ektp.hub.store.QuarantineRecords;
import id.ektp.hub.store.StockLedger;
import id.ektp.hub.store.StockLedger.Allocation;
import id.ektp.hub.store.StockLedger.StockRequest;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Supplier;

/**
 * {@code GET /api/status}: what an operator needs at a glance, as one JSON document ({@value #SCHEMA}):
 * each kecamatan device (down first), the backlogs per flow with their oldest item's age, the
 * ministry and printer links, blank stock, quarantine, recent failure reports and which
 * configuration runs. Times are ISO-8601 with the regency's offset, ages whole seconds. The
 * status page and the {@code status} command read it; NIKs never appear (masked if any text
 * carries one).
 */
public final class StatusView {
    public static final String SCHEMA = "ektp.hub-api-status/1";
    /** Failure reports shown, newest first, and how far back in the outbox to look for them. */
    static final int RECENT_REPORTS = 20;
    static final int REPORT_WINDOW = 20_000;
    /** Quarantined items listed one by one (all are counted). */
    static final int QUARANTINE_ITEMS = 50;
    static final int OPEN_REQUESTS = 10;
    /** Parked outbox messages listed one by one (all are counted). */
    static final int PARKED_ITEMS = 20;

    static final String UP = "UP";
    static final String DOWN = "DOWN";
    static final String UNKNOWN = "UNKNOWN";

    private final Supplier<HubConfig> config;
    private final Messages messages;
    private final Links deviceLinks;
    private final Links peerLinks;
    private final ConfigState configState;
    private final PacketRecords packets;
    private final PrintJobs printJobs;
    private final StrandedJobs stranded;
    private final DiskFloor disk;
    private final Outbox outbox;
    private final StockKeeper stock;
    private final StockLedger ledger;
    private final QuarantineRecords quarantine;
    private final FollowUpView followUps;

    public StatusView(Supplier<HubConfig> config, Messages messages, Links deviceLinks, Links peerLinks,
                      ConfigState configState, PacketRecords packets, PrintJobs printJobs, StrandedJobs stranded, DiskFloor disk, Outbox outbox,
                      StockKeeper stock, StockLedger ledger, QuarantineRecords quarantine, FollowUpView followUps) {
        this.config = config;
        this.messages = messages;
        this.deviceLinks = deviceLinks;
        this.peerLinks = peerLinks;
        this.configState = configState;
        this.packets = packets;
        this.printJobs = printJobs;
        this.stranded = stranded;
        this.disk = disk;
        this.outbox = outbox;
        this.stock = stock;
        this.ledger = ledger;
        this.quarantine = quarantine;
        this.followUps = followUps;
    }

    /** The document as text, for the route. */
    public String json() {
        return Messages.text(build());
    }

    public ObjectNode build() {
        HubConfig cfg = config.get();
        Instant now = messages.instant();
        ObjectNode status = messages.document(SCHEMA);
        ObjectNode regency = status.putObject("regency");
        regency.put("code", cfg.regency().code());
        regency.put("name", cfg.regency().name());
        status.put("at", messages.time(now));
        devices(status.putArray("devices"), cfg.devices(), now);
        backlogs(status.putObject("backlogs"), now);
        disk(status.putObject("disk"), now);
        links(status.putArray("links"), cfg.printers(), now);
        stock(status.putObject("stock"), cfg.stock(), now);
        quarantine(status.putObject("quarantine"), now);
        followUps.summary(status.putObject("followups"));
        failureReports(status.putArray("failureReports"), now);
        config(status.putObject("config"));
        BuildInfo build = BuildInfo.current();
        ObjectNode b = status.putObject("build");
        b.put("version", build.version());
        b.put("camel", build.camelVersion());
        b.put("java", build.javaVersion());
        return status;
    }

    private void devices(ArrayNode out, List<Device> devices, Instant now) {
        Map<String, String> stateOfKecamatan = new TreeMap<>();
        List<ObjectNode> rows = new ArrayList<>();
        for (Device device : devices) {
            ObjectNode d = Messages.json().createObjectNode();
            d.put("key", device.key());
            d.put("kecamatanCode", device.kecamatan());
            d.put("name", device.name());
            d.put("deviceId", device.deviceId());
            deviceLinks.link(device.key()).ifPresentOrElse(link -> {
                d.put("state", link.up() ? UP : DOWN);
                d.put("since", messages.time(link.since()));
                d.put("sinceSeconds", age(link.since(), now));
                d.put("lastPoll", messages.time(link.lastContact()));
                d.put("lastError", Nik.maskAll(link.lastError()));
                trouble(d, link.lastError(), LinkTrouble.Peer.DEVICE);
            }, () -> {
                d.put("state", UNKNOWN);
                d.putNull("since");
                d.putNull("sinceSeconds");
                d.putNull("lastPoll");
                d.putNull("lastError");
                d.putNull("trouble");
            });
            packets.latestFrom(device.kecamatan(), device.deviceId()).ifPresentOrElse(p -> {
                ObjectNode last = d.putObject("lastPacket");
                last.put("packetId", p.packetId());
                last.put("state", p.state().name());
                last.put("receivedAt", messages.time(p.receivedAt()));
                last.put("ageSeconds", age(p.receivedAt(), now));
            }, () -> d.putNull("lastPacket"));
            stateOfKecamatan.merge(device.kecamatan(), d.get("state").asText(), StatusView::better);
            rows.add(d);
        }
        for (int i = 0; i < rows.size(); i++) {
            ArrayNode neighbours = rows.get(i).putArray("neighbours");
            for (String code : devices.get(i).neighbours()) {
                ObjectNode n = neighbours.addObject();
                n.put("kecamatanCode", code);
                devices.stream().filter(d -> d.kecamatan().equals(code)).findFirst()
                        .ifPresentOrElse(d -> n.put("name", d.name()), () -> n.putNull("name"));
                n.put("state", stateOfKecamatan.getOrDefault(code, UNKNOWN));
            }
        }
        // Down first, then not contacted yet, then up; the configuration's order within each.
        rows.stream().sorted(Comparator.comparingInt(d -> rank(d.get("state").asText()))).forEach(out::add);
    }

    private void backlogs(ObjectNode out, Instant now) {
        Map<PacketState, Backlog> up = packets.backlog();
        ObjectNode upFlow = out.putObject("up");
        put(upFlow.putObject("received"), up.get(PacketState.RECEIVED), now);
        put(upFlow.putObject("outbound"), up.get(PacketState.OUTBOUND), now);
        upFlow.put("forwarded", up.get(PacketState.FORWARDED).count());
        upFlow.put("quarantined", up.get(PacketState.QUARANTINED).count());
        Map<PrintJobState, Backlog> down = printJobs.backlog();
        ObjectNode downFlow = out.putObject("down");
        put(downFlow.putObject("pending"), down.get(PrintJobState.PENDING), now);
        put(downFlow.putObject("queued"), down.get(PrintJobState.QUEUED), now);
        downFlow.put("printed", down.get(PrintJobState.PRINTED).count());
        downFlow.put("failed", down.get(PrintJobState.FAILED).count());
        // QUEUED on a printer no longer configured: nothing moves them on until an operator does.
        ArrayNode strandedOut = downFlow.putArray("stranded");
        for (StrandedJobs.Stranded s : stranded.list()) {
            ObjectNode item = strandedOut.addObject();
            item.put("printerId", s.printerId());
            put(item, s.queued(), now);
        }
        ObjectNode outboxFlow = out.putObject("outbox");
        put(outboxFlow, outbox.backlog(), now);
        // Refused for good by the ministry broker: nothing moves them on until an admin does.
        ObjectNode parked = outboxFlow.putObject("parked");
        parked.put("count", outbox.parkedCount());
        ArrayNode parkedItems = parked.putArray("items");
        outbox.parked(PARKED_ITEMS).forEach(m -> parkedItems.add(AdminApi.parkedItem(m)));
    }

    private void disk(ObjectNode out, Instant now) {
        DiskFloor.Reading r = disk.read();
        out.put("freeBytes", r.freeBytes());
        out.put("totalBytes", r.totalBytes());
        out.put("minFreeBytes", r.minFreeBytes());
        out.put("intakePaused", r.below());
        out.put("since", messages.time(r.since()));
        out.put("sinceSeconds", age(r.since(), now));
        out.put("pausedPolls", r.pausedPolls());
    }

    private void links(ArrayNode out, List<Printer> printers, Instant now) {
        Map<String, Link> seen = peerLinks.all();
        Set<String> peers = new LinkedHashSet<>(List.of(MinistrySftpConnector.PEER, MinistryBrokerConnector.PEER));
        printers.forEach(p -> peers.add(PrinterConnector.peer(p.id())));
        peers.addAll(seen.keySet());
        for (String peer : peers) {
            ObjectNode l = out.addObject();
            l.put("peer", peer);
            l.put("kind", peer.startsWith("printer-") ? "printer" : peer);
            Link link = seen.get(peer);
            if (link == null) {
                l.put("state", UNKNOWN);
                l.putNull("since");
                l.putNull("sinceSeconds");
                l.putNull("lastContact");
                l.putNull("lastError");
                l.putNull("trouble");
            } else {
                l.put("state", link.up() ? UP : DOWN);
                l.put("since", messages.time(link.since()));
                l.put("sinceSeconds", age(link.since(), now));
                l.put("lastContact", messages.time(link.lastContact()));
                l.put("lastError", Nik.maskAll(link.lastError()));
                trouble(l, link.lastError(), peer.equals(MinistrySftpConnector.PEER) ? LinkTrouble.Peer.MINISTRY_SFTP
                        : peer.equals(MinistryBrokerConnector.PEER) ? LinkTrouble.Peer.MINISTRY_BROKER : LinkTrouble.Peer.PRINTER);
            }
        }
    }

    /**
     * Beside a link's raw {@code lastError}, what it means in plain words ({@link LinkTrouble}):
     * {@code {code, what, whatEn, todo, todoEn}}; null while there is no error.
     */
    private static void trouble(ObjectNode node, String error, LinkTrouble.Peer peer) {
        LinkTrouble.Words words = LinkTrouble.words(error, peer);
        if (words == null) {
            node.putNull("trouble");
            return;
        }
        ObjectNode t = node.putObject("trouble");
        t.put("code", words.code());
        t.put("what", words.what());
        t.put("whatEn", words.whatEn());
        t.put("todo", words.todo());
        t.put("todoEn", words.todoEn());
    }

    private void stock(ObjectNode out, HubConfig.Stock policy, Instant now) {
        StockSnapshot s = stock.snapshot();
        out.put("onHand", s.onHand());
        out.put("avgDailyUsage", Math.round(s.avgDailyUsage() * 10) / 10.0);
        out.put("daysOfCover", s.daysOfCoverOrNull());
        String level = s.onHand() <= 0 || s.daysOfCover() < policy.criticalDaysOfCover() ? "CRITICAL"
                : s.daysOfCover() < policy.reorderDaysOfCover() ? "LOW" : "OK";
        out.put("level", level);
        out.put("reorderDaysOfCover", policy.reorderDaysOfCover());
        out.put("criticalDaysOfCover", policy.criticalDaysOfCover());
        out.put("targetDaysOfCover", policy.targetDaysOfCover());
        List<StockRequest> open = ledger.openRequests();
        out.put("openRequestCount", open.size());
        ArrayNode requests = out.putArray("openRequests");
        for (StockRequest r : open.subList(0, Math.min(OPEN_REQUESTS, open.size()))) {
            ObjectNode n = requests.addObject();
            n.put("requestId", r.requestId());
            n.put("kind", r.kind());
            n.put("reason", r.reason());
            n.put("quantity", r.quantity());
            n.put("target", r.target());
            n.put("createdAt", messages.time(r.createdAt()));
            n.put("ageSeconds", age(r.createdAt(), now));
        }
        ArrayNode awaiting = out.putArray("awaitingArrival");
        for (Allocation a : ledger.awaitingArrival()) {
            ObjectNode n = awaiting.addObject();
            n.put("allocationId", a.allocationId());
            n.put("quantity", a.quantity());
            n.put("shippedAt", a.shippedAt());
            n.put("announcedAt", messages.time(a.announcedAt()));
            n.put("ageSeconds", age(a.announcedAt(), now));
        }
    }

    private void quarantine(ObjectNode out, Instant now) {
        // Counted and limited by the store: a device sending junk must not make every refresh
        // read the whole table.
        Map<String, Integer> byReason = quarantine.heldByReason();
        out.put("count", byReason.values().stream().mapToInt(Integer::intValue).sum());
        ObjectNode reasons = out.putObject("byReason");
        byReason.forEach(reasons::put);
        ArrayNode items = out.putArray("items");
        for (QuarantineEntry e : quarantine.heldNewest(QUARANTINE_ITEMS)) {
            ObjectNode n = items.addObject();
            n.put("quarantineId", e.quarantineId());
            n.put("flow", e.flow());
            n.put("subjectId", Nik.maskAll(e.subjectId()));
            n.put("source", e.source());
            n.put("reason", e.reason());
            n.put("detail", Nik.maskAll(e.detail()));
            n.put("quarantinedAt", messages.time(e.quarantinedAt()));
            n.put("ageSeconds", age(e.quarantinedAt(), now));
        }
    }

    private void failureReports(ArrayNode out, Instant now) {
        for (Outbox.Raised raised : outbox.recent(Queues.FAILURES, RECENT_REPORTS, REPORT_WINDOW)) {
            ObjectNode n = out.addObject();
            JsonNode body = parse(raised.body());
            String kind = body.path("kind").asText("UNKNOWN");
            n.put("reportId", raised.messageId());
            n.put("kind", kind);
            n.put("raisedAt", messages.time(raised.createdAt()));
            n.put("ageSeconds", age(raised.createdAt(), now));
            n.put("sent", raised.sentAt() != null);
            n.put("sentAt", messages.time(raised.sentAt()));
            String subject;
            String detail;
            switch (kind) {
                case "PACKET_REJECTED" -> {
                    subject = body.path("packetId").asText();
                    detail = body.path("reason").asText();
                }
                case "DEVICE_DOWN", "DEVICE_UP" -> {
                    subject = body.path("kecamatanCode").asText() + " " + body.path("deviceId").asText();
                    List<String> working = new ArrayList<>();
                    body.path("nearestWorking").forEach(k -> working.add(k.asText()));
                    detail = body.path("cause").asText("")
                            + (kind.equals("DEVICE_DOWN") ? "; nearestWorking " + working : "");
                }
                case "PACKET_OVERDUE" -> {
                    subject = body.path("packetId").asText();
                    detail = "forwarded " + body.path("forwardedAt").asText() + ", no result from the ministry";
                }
                case "PRINT_FAILURE" -> {
                    subject = body.path("prrId").asText();
                    detail = body.path("reason").asText() + " (printer " + body.path("printerId").asText() + ")";
                }
                case "DESTRUCTION" -> {
                    subject = body.path("period").asText();
                    detail = body.path("counts").toString() + ", witness " + body.path("witness").asText();
                }
                default -> {
                    subject = "";
                    detail = "";
                }
            }
            n.put("subject", Nik.maskAll(subject));
            n.put("detail", Nik.maskAll(detail));
        }
    }

    private void config(ObjectNode out) {
        ConfigState.Snapshot c = configState.current();
        out.put("file", c.file() == null ? null : c.file().toString());
        out.put("sha256", c.sha256());
        out.put("appliedAt", messages.time(c.appliedAt()));
        out.put("valid", c.valid());
        out.put("rejectedAt", messages.time(c.rejectedAt()));
        ArrayNode problems = out.putArray("problems");
        c.problems().forEach(problems::add);
        ArrayNode restart = out.putArray("restartNeeded");
        c.restartNeeded().forEach(restart::add);
    }

    private void put(ObjectNode node, Backlog backlog, Instant now) {
        node.put("count", backlog.count());
        node.put("oldest", messages.time(backlog.oldest()));
        node.put("oldestAgeSeconds", age(backlog.oldest(), now));
    }

    private static Long age(Instant then, Instant now) {
        return then == null ? null : Math.max(0, Duration.between(then, now).getSeconds());
    }

    private static int rank(String state) {
        return switch (state) {
            case DOWN -> 0;
            case UNKNOWN -> 1;
            default -> 2;
        };
    }

    /** A kecamatan with several devices is as good as its best one. */
    private static String better(String a, String b) {
        return rank(a) >= rank(b) ? a : b;
    }

    private static JsonNode parse(String body) {
        try {
            return Messages.json().readTree(body);
        } catch (IOException e) {
            return Messages.json().createObjectNode();
        }
    }
}

package id.ektp.hub.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import id.ektp.hub.across.Messages;
import id.ektp.hub.across.ResidentAdvice;
import id.ektp.hub.codes.Codes;
import id.ektp.hub.codes.Nik;
import id.ektp.hub.codes.UntrustedText;
import id.ektp.hub.config.HubConfig;
import id.ektp.hub.config.HubConfig.Device;
import id.ektp.hub.store.Audit;
import id.ektp.hub.store.FollowUps;
import id.ektp.hub.store.NikIndex;
import id.ektp.hub.store.PacketResults;
import id.ektp.hub.store.PrintJob;
import id.ektp.hub.store.PrintJobState;
import id.ektp.hub.store.ResidentJourneys;
import id.ektp.hub.store.ResidentJourneys.Packet;
import id.ektp.hub.store.ResidentJourneys.PrintJobView;
import java.io.IOException;
import java.time.Clock;
import java.util.List;
import java.util.function.Supplier;
import org.apache.camel.Body;
import org.apache.camel.Header;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The calls that name a resident (ICD §4), behind the admin token: {@code GET
 * /api/packets/{packetId}}, one packet's history, and {@code POST /api/lookup {"nik"}}, "where is
 * my e-KTP?": every packet recorded for the NIK and every print-ready record made for it, found
 * by the keyed NIK hash ({@link NikIndex}), never by a NIK kept in clear. The NIK comes in the
 * body only, and goes nowhere: not into a log, an exception, or the answer (which shows it masked).
 */
public final class JourneyApi {
    /** 404: an unknown packet, or no lookup without {@code privacy.nikKeyFile}. */
    public static final class NotFound extends RuntimeException {
        NotFound(String message) {
            super(message, null, false, false);
        }
    }

    /** 409: a follow-up closed already (by hand, or by the ministry's answer). */
    public static final class AlreadyClosed extends RuntimeException {
        AlreadyClosed(String message) {
            super(message, null, false, false);
        }
    }

    private static final Logger LOG = LoggerFactory.getLogger("ektp.results");

    static final String NO_KEY = "this regency has not set privacy.nikKeyFile: the hub keeps no NIK hash, so it cannot"
            + " look a resident up by NIK (see config/README.md, privacy)";

    private final ResidentJourneys journeys;
    private final FollowUps followUps;
    private final NikIndex nikIndex;
    private final Messages messages;
    private final Supplier<HubConfig> config;
    private final Clock clock;

    public JourneyApi(ResidentJourneys journeys, FollowUps followUps, NikIndex nikIndex, Messages messages,
                      Supplier<HubConfig> config, Clock clock) {
        this.journeys = journeys;
        this.followUps = followUps;
        this.clock = clock;
        this.nikIndex = nikIndex;
        this.messages = messages;
        this.config = config;
    }

    /** {@code GET /api/packets/{packetId}}. */
    public String packet(@Header("packetId") String packetId) {
        if (packetId == null || !Codes.matches(Codes.PACKET_ID, packetId)) {
            throw new AdminApi.BadRequest("packetId must be a packet id (KKKKKK-DEVICE-yyyyMMddHHmmss-NNNN)");
        }
        Packet packet = journeys.packet(packetId)
                .orElseThrow(() -> new NotFound("no packet " + packetId + " has come to this hub"));
        return Messages.text(packet(packet));
    }

    /**
     * {@code POST /api/followups/{packetId}/close {"reason"}}: an officer closes a follow-up the
     * hub cannot close itself (the resident settled it at the office, the ministry answered by
     * letter). The reason goes into the packet's audit trail, NIK-shaped numbers masked; the
     * follow-up leaves the list. 404 for a packet without one, 409 once it is closed.
     */
    public String closeFollowUp(@Header("packetId") String packetId, @Body String body) {
        if (packetId == null || !Codes.matches(Codes.PACKET_ID, packetId)) {
            throw new AdminApi.BadRequest("packetId must be a packet id (KKKKKK-DEVICE-yyyyMMddHHmmss-NNNN)");
        }
        String reason = Nik.maskAll(UntrustedText.sentence(AdminApi.text(AdminApi.object(body), "reason").strip()));
        FollowUps.FollowUp open = followUps.find(packetId)
                .orElseThrow(() -> new NotFound("no follow-up for packet " + packetId));
        String by = "by hand (admin API): " + reason;
        if (open.closedAt() != null || !followUps.close(packetId, by, clock.instant())) {
            throw new AlreadyClosed("the follow-up of packet " + packetId + " is already closed"
                    + (open.closedBy() == null ? "" : " (" + open.closedBy() + ")"));
        }
        FollowUps.FollowUp closed = followUps.find(packetId).orElseThrow();
        LOG.info("packet {}: {} follow-up closed {}", packetId, closed.kind(), by);
        ObjectNode answer = Messages.json().createObjectNode();
        answer.put("packetId", packetId);
        answer.put("kind", closed.kind());
        answer.put("closedAt", messages.time(closed.closedAt()));
        answer.put("closedBy", closed.closedBy());
        return Messages.text(answer);
    }

    /** {@code POST /api/lookup {"nik"}}. */
    public String lookup(@Body String body) {
        if (!nikIndex.enabled()) {
            throw new NotFound(NO_KEY);
        }
        String nik = nikOf(body);
        String hash = nikIndex.hash(nik);
        List<Packet> packets = journeys.packetsOf(hash);
        List<PrintJobView> prrs = journeys.printJobsOf(hash);
        ObjectNode answer = messages.document("ektp.hub-api-lookup/1");
        answer.put("at", messages.now());
        answer.put("nik", Nik.mask(nik));
        answer.put("found", !packets.isEmpty() || !prrs.isEmpty());
        ResidentAdvice where = whereIs(packets, prrs);
        answer.putObject("summary").put("id", where.id()).put("en", where.en());
        ArrayNode packetsOut = answer.putArray("packets");
        packets.forEach(p -> packetsOut.add(packet(p)));
        ArrayNode prrsOut = answer.putArray("prrs");
        prrs.forEach(j -> prrsOut.add(printJob(j)));
        return Messages.text(answer);
    }

    /** The NIK from the body; every refusal names the field, none repeats the value. */
    private static String nikOf(String body) {
        JsonNode in;
        try {
            in = Messages.json().readTree(body == null ? "" : body);
        } catch (IOException e) {
            throw new AdminApi.BadRequest("the body is not JSON; expected {\"nik\": \"<16 digits>\"}");
        }
        if (in == null || !in.isObject()) {
            throw new AdminApi.BadRequest("the body must be a JSON object {\"nik\": \"<16 digits>\"}");
        }
        JsonNode nik = in.path("nik");
        if (!nik.isTextual()) {
            throw new AdminApi.BadRequest("nik is required (text, 16 digits)");
        }
        Nik.problem(nik.asText()).ifPresent(problem -> {
            throw new AdminApi.BadRequest("nik is not valid: " + problem);
        });
        return nik.asText();
    }

    /** Where the card is now, from the furthest step the journey reached. */
    private static ResidentAdvice whereIs(List<Packet> packets, List<PrintJobView> prrs) {
        if (!prrs.isEmpty()) {
            PrintJob job = prrs.get(prrs.size() - 1).job(); // the newest: a reprint's PRR comes after the first
            if (job.state() == PrintJobState.PRINTED) {
                return new ResidentAdvice("KTP-el sudah dicetak dan dapat diambil di kecamatan " + job.pickupKecamatan() + ".",
                        "The card is printed and can be picked up at kecamatan " + job.pickupKecamatan() + ".");
            }
            if (job.state() == PrintJobState.FAILED) {
                return new ResidentAdvice("Pencetakan KTP-el gagal dan sudah dilaporkan; kantor kabupaten menindaklanjuti.",
                        "Printing the card failed and was reported; the regency office follows it up.");
            }
            return new ResidentAdvice("Data cetak sudah diterima; KTP-el sedang dalam antrean cetak. Warga diberi tahu bila"
                    + " sudah bisa diambil.", "The print-ready record is here; the card is in the print queue. The"
                    + " resident is told when it can be picked up.");
        }
        if (packets.isEmpty()) {
            return new ResidentAdvice("Tidak ada rekaman untuk NIK ini di hub kabupaten ini (rekaman sebelum kunci"
                    + " privasi dipasang tidak dapat dicari).", "Nothing for this NIK at this regency's hub (recordings"
                    + " made before the privacy key was set cannot be searched).");
        }
        Packet last = packets.get(packets.size() - 1);
        if (last.result().isPresent() && last.result().get().isFinal()) {
            return ResidentAdvice.of(last.result().get().status(), last.result().get().detail());
        }
        if (last.followUp().isPresent() && last.followUp().get().closedAt() == null) {
            return ResidentAdvice.of(last.followUp().get().kind(), last.followUp().get().detail());
        }
        return switch (last.record().state()) {
            case QUARANTINED -> new ResidentAdvice("Rekaman bermasalah dan ditahan di hub; kantor kabupaten menghubungi"
                    + " kecamatan (mungkin perlu merekam ulang).", "The recording has a problem and is held at the hub;"
                    + " the regency office contacts the kecamatan (it may have to be recorded again).");
            case FORWARDED -> new ResidentAdvice("Sudah dikirim ke Kementerian, menunggu hasil penunggalan. Kami tidak"
                    + " menjanjikan tanggal, tetapi kami menjanjikan KTP-el.", "Forwarded to the ministry, waiting for"
                    + " de-duplication. We do not promise a day, but we promise the card.");
            default -> new ResidentAdvice("Rekaman ada di hub kabupaten dan segera dikirim ke Kementerian.",
                    "The recording is at the regency's hub and on its way to the ministry.");
        };
    }

    private ObjectNode packet(Packet p) {
        ObjectNode n = Messages.json().createObjectNode();
        n.put("packetId", p.record().packetId());
        n.put("kecamatanCode", p.record().kecamatan());
        n.put("kecamatanName", kecamatanName(p.record().kecamatan()));
        n.put("deviceId", p.record().deviceId());
        n.put("nik", p.nikMasked());
        n.put("state", p.record().state().name());
        n.put("capturedAt", messages.time(p.record().capturedAt()));
        n.put("receivedAt", messages.time(p.record().receivedAt()));
        n.put("forwardedAt", messages.time(p.forwardedAt()));
        history(n.putArray("history"), p.history());
        if (p.result().isPresent()) {
            PacketResults.Result r = p.result().get();
            ObjectNode result = n.putObject("result");
            result.put("status", r.status());
            result.put("at", r.at());
            result.put("recordedAt", messages.time(r.recordedAt()));
            JsonNode detail = parse(r.detail());
            if (detail.has("reason")) {
                result.set("reason", detail.get("reason"));
            } else if (detail.has("kecamatanCode")) {
                result.set("duplicateOf", detail);
            }
        } else {
            n.putNull("result");
        }
        if (p.receipt().isPresent()) {
            ObjectNode receipt = n.putObject("receipt");
            receipt.put("state", p.receipt().get().state());
            receipt.put("at", messages.time(p.receipt().get().at()));
            receipt.put("detail", p.receipt().get().detail());
            receipt.put("written", p.receipt().get().sentAt() != null);
            receipt.put("writtenAt", messages.time(p.receipt().get().sentAt()));
        } else {
            n.putNull("receipt");
        }
        if (p.followUp().isPresent()) {
            FollowUps.FollowUp f = p.followUp().get();
            ObjectNode followUp = n.putObject("followUp");
            followUp.put("kind", f.kind());
            followUp.put("since", messages.time(f.since()));
            followUp.put("open", f.closedAt() == null);
            followUp.put("closedAt", messages.time(f.closedAt()));
            followUp.put("closedBy", f.closedBy());
            ResidentAdvice advice = ResidentAdvice.of(f.kind(), f.detail());
            followUp.putObject("todo").put("id", advice.id()).put("en", advice.en());
        } else {
            n.putNull("followUp");
        }
        return n;
    }

    private ObjectNode printJob(PrintJobView v) {
        PrintJob job = v.job();
        ObjectNode n = Messages.json().createObjectNode();
        n.put("prrId", job.prrId());
        n.put("batchId", job.batchId());
        n.put("pickupKecamatanCode", job.pickupKecamatan());
        n.put("pickupKecamatanName", kecamatanName(job.pickupKecamatan()));
        n.put("nik", v.nikMasked());
        n.put("state", job.state().name());
        n.put("printerId", job.printerId());
        n.put("receivedAt", messages.time(job.createdAt()));
        n.put("queuedAt", messages.time(job.queuedAt()));
        n.put("blanksUsed", job.prints());
        ArrayNode prints = n.putArray("prints");
        for (ResidentJourneys.Print print : v.prints()) {
            prints.addObject().put("status", print.status()).put("reason", print.reason())
                    .put("blankSerial", print.blankSerial()).put("printerId", print.printerId()).put("at", print.at())
                    .put("recordedAt", messages.time(print.recordedAt()));
        }
        if (v.pickupNotice().isPresent()) {
            ResidentJourneys.Notice notice = v.pickupNotice().get();
            n.putObject("pickupNotice").put("noticeId", notice.noticeId()).put("raisedAt", messages.time(notice.raisedAt()))
                    .put("sent", notice.sentAt() != null).put("sentAt", messages.time(notice.sentAt()));
        } else {
            n.putNull("pickupNotice");
        }
        history(n.putArray("history"), v.history());
        return n;
    }

    private void history(ArrayNode out, List<Audit.Line> lines) {
        for (Audit.Line line : lines) {
            out.addObject().put("at", messages.time(line.at())).put("event", line.event())
                    .put("detail", Nik.maskAll(line.detail()));
        }
    }

    private String kecamatanName(String code) {
        return config.get().devices().stream().filter(d -> d.kecamatan().equals(code)).map(Device::name)
                .findFirst().orElse(null);
    }

    private static JsonNode parse(String json) {
        try {
            return json == null ? Messages.json().createObjectNode() : Messages.json().readTree(json);
        } catch (IOException e) {
            return Messages.json().createObjectNode();
        }
    }
}

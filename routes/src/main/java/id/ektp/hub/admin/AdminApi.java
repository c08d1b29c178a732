package id.ektp.hub.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import id.ektp.hub.across.Messages;
import id.ektp.hub.across.StockKeeper;
import id.ektp.hub.codes.Nik;
import id.ektp.hub.down.StrandedJobs;
import id.ektp.hub.store.Outbox;
import id.ektp.hub.store.QuarantineEntry;
import id.ektp.hub.store.QuarantineRecords;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.camel.Body;
import org.apache.camel.Header;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The admin calls of ICD section 4: those that change the hub check the bearer token, read
 * their JSON body strictly and answer with JSON; the quarantine listing is read-only, like the
 * status page. Problems with the input are
 * {@link BadRequest}s naming the field; a missing or wrong token is {@link Unauthorized}.
 */
public final class AdminApi {
    public static final List<String> DESTRUCTION_CATEGORIES = List.of("DAMAGED", "UNUSED", "CHIP_INVALID", "DATA_INVALID");

    /** 401. */
    public static final class Unauthorized extends RuntimeException {
        Unauthorized(String message) {
            super(message, null, false, false);
        }
    }

    /** 400, with a message that names what is wrong. */
    public static final class BadRequest extends RuntimeException {
        BadRequest(String message) {
            super(message, null, false, false);
        }
    }

    /** No outbox message with that id (404). */
    public static final class NoSuchMessage extends RuntimeException {
        NoSuchMessage(String message) {
            super(message, null, false, false);
        }
    }

    /** The outbox message is not parked: sent, still pending, or dropped already (409). */
    public static final class NotParked extends RuntimeException {
        NotParked(String message) {
            super(message, null, false, false);
        }
    }

    /** Parked messages listed one by one (all are counted). */
    static final int PARKED_ITEMS = 200;
    private static final Logger OUTBOX_LOG = LoggerFactory.getLogger("ektp.outbox");

    private final StockKeeper stock;
    private final QuarantineDesk quarantine;
    private final StrandedJobs stranded;
    private final Outbox outbox;
    private final AdminToken token;

    public AdminApi(StockKeeper stock, QuarantineDesk quarantine, StrandedJobs stranded, Outbox outbox,
                    Path adminTokenFile) {
        this.stock = stock;
        this.quarantine = quarantine;
        this.stranded = stranded;
        this.outbox = outbox;
        this.token = new AdminToken(adminTokenFile);
    }

    /** A configuration reload named another token file; the token itself is read at every call. */
    public void token(Path adminTokenFile) {
        token.file(adminTokenFile);
    }

    public void authorize(@Header("Authorization") String authorization) {
        if (authorization == null || !authorization.startsWith("Bearer ")) {
            throw new Unauthorized("this call needs 'Authorization: Bearer <admin token>'");
        }
        byte[] expected = token.current().orElseThrow(() -> new Unauthorized(
                "the hub has no admin token to check against (its log says why): every admin call is refused"));
        byte[] given = authorization.substring("Bearer ".length()).strip().getBytes(StandardCharsets.UTF_8);
        if (!MessageDigest.isEqual(given, expected)) {
            throw new Unauthorized("the admin token is not right");
        }
    }

    /** {@code POST /api/stock/arrivals {"allocationId", "received"}}. */
    public String confirmArrival(@Body String body) {
        JsonNode in = object(body);
        String allocationId = text(in, "allocationId");
        int received = count(in, "received");
        long onHand = stock.confirmArrival(allocationId, received);
        return json(Map.of("allocationId", allocationId, "received", received, "onHand", onHand));
    }

    /** {@code POST /api/stock/requests {"quantity", "reason"}}. */
    public String requestStock(@Body String body) {
        JsonNode in = object(body);
        int quantity = count(in, "quantity");
        if (quantity == 0) {
            throw new BadRequest("quantity must be at least 1");
        }
        String reason = text(in, "reason");
        return json(Map.of("requestId", stock.manualRequest(quantity, reason), "requested", quantity));
    }

    /** {@code POST /api/destructions {"period", "counts": {...}, "destroyedAt", "witness"}}. */
    public String recordDestruction(@Body String body) {
        JsonNode in = object(body);
        String period = text(in, "period");
        JsonNode counts = in.path("counts");
        if (!counts.isObject()) {
            throw new BadRequest("counts must be an object with " + DESTRUCTION_CATEGORIES);
        }
        Map<String, Integer> byCategory = new LinkedHashMap<>();
        for (String category : DESTRUCTION_CATEGORIES) {
            byCategory.put(category, count(counts, category, "counts." + category));
        }
        counts.fieldNames().forEachRemaining(name -> {
            if (!DESTRUCTION_CATEGORIES.contains(name)) {
                throw new BadRequest("counts." + name + " is not a category; expected " + DESTRUCTION_CATEGORIES);
            }
        });
        String destroyedAt = text(in, "destroyedAt");
        try {
            OffsetDateTime.parse(destroyedAt);
        } catch (DateTimeParseException e) {
            throw new BadRequest("destroyedAt must be an ISO-8601 time with offset, e.g. 2026-11-23T10:00:00+07:00");
        }
        String witness = text(in, "witness");
        return json(Map.of("reportId", stock.recordDestruction(period, byCategory, destroyedAt, witness)));
    }

    /**
     * {@code POST /api/printers/{id}/requeue {"reason"}}: the jobs QUEUED on a printer taken out
     * of the configuration are queued again for the printers serving their kecamatan now (see
     * {@link StrandedJobs}). 409 while the printer is configured; 404 when nothing is QUEUED on it.
     */
    public String requeueStranded(@Header("id") String printerId, @Body String body) {
        String reason = text(object(body), "reason");
        List<String> prrIds = stranded.requeue(printerId, reason);
        if (prrIds.isEmpty()) {
            throw new StrandedJobs.NothingQueued("no job is QUEUED on printer " + printerId
                    + "; printers no longer configured that hold jobs: "
                    + stranded.list().stream().map(StrandedJobs.Stranded::printerId).toList());
        }
        return json(Map.of("printerId", printerId, "requeued", prrIds.size(), "prrIds", prrIds));
    }

    /** {@code GET /api/quarantine[?all=true]}: held items, oldest first; with {@code all}, released and dropped too. */
    public String listQuarantine(@Header("all") String all) {
        boolean everything;
        if (all == null || all.equals("false")) {
            everything = false;
        } else if (all.equals("true") || all.isEmpty()) {
            everything = true;
        } else {
            throw new BadRequest("all must be true or false, not '" + all + "'");
        }
        List<QuarantineEntry> entries = everything ? quarantine.records().all() : quarantine.records().held();
        ObjectNode answer = Messages.json().createObjectNode();
        answer.put("count", entries.size());
        ArrayNode items = answer.putArray("items");
        entries.forEach(e -> items.add(item(e)));
        return Messages.text(answer);
    }

    /** {@code GET /api/quarantine/{id}}: one item with its audit trail (kept after a drop). */
    public String quarantineItem(@Header("id") String id) {
        ObjectNode answer = item(quarantine.find(id));
        ArrayNode trail = answer.putArray("trail");
        for (QuarantineRecords.TrailLine line : quarantine.records().trail(id)) {
            trail.addObject().put("at", line.at().toString()).put("event", line.event())
                    .put("detail", Nik.maskAll(line.detail()));
        }
        return Messages.text(answer);
    }

    /** {@code POST /api/quarantine/{id}/release}: check again and forward if now valid. */
    public String releaseQuarantined(@Header("id") String id) throws IOException {
        QuarantineDesk.Outcome outcome = quarantine.release(id);
        ObjectNode answer = item(outcome.entry());
        answer.put("alreadyReleased", outcome.alreadyDone());
        return Messages.text(answer);
    }

    /** {@code DELETE /api/quarantine/{id}}: drop the item; the audit trail keeps it. */
    public String dropQuarantined(@Header("id") String id) throws IOException {
        QuarantineDesk.Outcome outcome = quarantine.drop(id, "dropped by an operator (admin API)");
        ObjectNode answer = item(outcome.entry());
        answer.put("alreadyDropped", outcome.alreadyDone());
        return Messages.text(answer);
    }

    /** {@code GET /api/outbox/parked}: messages the ministry broker refused for good, oldest first. */
    public String listParked() {
        ObjectNode answer = Messages.json().createObjectNode();
        answer.put("count", outbox.parkedCount());
        ArrayNode items = answer.putArray("items");
        outbox.parked(PARKED_ITEMS).forEach(m -> items.add(parkedItem(m)));
        return Messages.text(answer);
    }

    /** {@code POST /api/outbox/{id}/retry}: a parked message is sent again, next, under the same id. */
    public String retryParked(@Header("id") String messageId) {
        Outbox.Raised message = parked(messageId);
        if (!outbox.retryParked(messageId, "retried by an admin (admin API)")) {
            throw new NotParked("outbox message " + messageId + " is no longer parked");
        }
        OUTBOX_LOG.info("Outbox message {} ({} to {}): retried by an admin; it is sent next", messageId,
                message.type(), message.queue());
        return json(Map.of("id", messageId, "state", "PENDING"));
    }

    /** {@code DELETE /api/outbox/{id}}: a parked message is given up, never sent; the audit trail keeps it. */
    public String dropParked(@Header("id") String messageId) {
        Outbox.Raised message = parked(messageId);
        if (!outbox.dropParked(messageId, "dropped by an admin (admin API)")) {
            throw new NotParked("outbox message " + messageId + " is no longer parked");
        }
        OUTBOX_LOG.warn("Outbox message {} ({} to {}): dropped by an admin; it will not be sent", messageId,
                message.type(), message.queue());
        return json(Map.of("id", messageId, "state", "DROPPED"));
    }

    private Outbox.Raised parked(String messageId) {
        Outbox.Raised message = outbox.find(messageId)
                .orElseThrow(() -> new NoSuchMessage("no outbox message " + messageId));
        if (!message.parked()) {
            throw new NotParked("outbox message " + messageId + " is not parked (it is "
                    + (message.sentAt() != null ? "sent" : message.droppedAt() != null ? "dropped" : "waiting to be sent")
                    + "); only a parked message can be retried or dropped");
        }
        return message;
    }

    /** A parked message as the API and the status page show it: never its body. */
    public static ObjectNode parkedItem(Outbox.Raised m) {
        ObjectNode node = Messages.json().createObjectNode();
        node.put("id", m.messageId());
        node.put("queue", m.queue());
        node.put("type", m.type());
        node.put("raisedAt", m.createdAt().toString());
        node.put("parkedAt", m.parkedAt().toString());
        node.put("attempts", m.attempts());
        node.put("reason", Nik.maskAll(m.lastError()));
        return node;
    }

    /** A 409's body: the error, and the item as it stands (still held, with the reason found now). */
    static String conflict(QuarantineDesk.Conflict e) {
        ObjectNode answer = Messages.json().createObjectNode();
        answer.put("error", Nik.maskAll(e.getMessage()));
        if (e.entry() != null) {
            answer.set("item", item(e.entry()));
        }
        return Messages.text(answer);
    }

    /** An entry as the API shows it; details are masked, as they may quote a NIK. */
    private static ObjectNode item(QuarantineEntry e) {
        ObjectNode node = Messages.json().createObjectNode();
        node.put("id", e.quarantineId());
        node.put("flow", e.flow());
        // Read without a token: a NIK a device put in a file name never shows.
        node.put("subject", Nik.maskAll(e.subjectId()));
        node.put("file", "quarantine/" + Nik.maskAll(e.fileName()));
        node.put("source", e.source());
        node.put("reason", e.reason());
        node.put("detail", Nik.maskAll(e.detail()));
        node.put("since", e.quarantinedAt().toString());
        node.put("state", e.state());
        return node;
    }

    static String error(String message) {
        return json(Map.of("error", message));
    }

    static JsonNode object(String body) {
        try {
            JsonNode node = Messages.json().readTree(body == null ? "" : body);
            if (node == null || !node.isObject()) {
                throw new BadRequest("the body must be a JSON object");
            }
            return node;
        } catch (IOException e) {
            throw new BadRequest("the body is not JSON");
        }
    }

    static String text(JsonNode in, String field) {
        JsonNode value = in.path(field);
        if (!value.isTextual() || value.asText().isBlank()) {
            throw new BadRequest(field + " is required (text)");
        }
        return value.asText();
    }

    private static int count(JsonNode in, String field) {
        return count(in, field, field);
    }

    private static int count(JsonNode in, String field, String name) {
        JsonNode value = in.path(field);
        if (!value.isIntegralNumber() || !value.canConvertToInt() || value.asInt() < 0) {
            throw new BadRequest(name + " is required (a whole number, 0 or more)");
        }
        return value.asInt();
    }

    private static String json(Map<String, ?> fields) {
        ObjectNode node = Messages.json().valueToTree(fields);
        return Messages.text(node);
    }
}

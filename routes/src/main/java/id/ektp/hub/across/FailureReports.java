package id.ektp.hub.across;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import id.ektp.hub.codes.UntrustedText;
import id.ektp.hub.store.Outbox;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Raises {@code ektp.failure-report/1} messages to {@value Queues#FAILURES}. Each is written to
 * the outbox in the caller's transaction; the report id is also its {@code EktpMessageId}.
 * Fields that may carry what a peer sent (a device's file name, a printer's reason, an error a
 * server gave) go in as {@link UntrustedText}: bounded, escaped, NIKs masked.
 */
public final class FailureReports {
    private final Outbox outbox;
    private final Messages messages;

    public FailureReports(Outbox outbox, Messages messages) {
        this.outbox = outbox;
        this.messages = messages;
    }

    public String packetRejected(String packetId, String kecamatanCode, String reason) {
        ObjectNode report = start("PACKET_REJECTED");
        report.put("packetId", UntrustedText.forLog(packetId));
        report.put("kecamatanCode", kecamatanCode);
        report.put("reason", UntrustedText.sentence(reason));
        return raise(report);
    }

    /** Forwarded at {@code forwardedAt} and no final result from the ministry since: once per packet. */
    public String packetOverdue(String packetId, String kecamatanCode, Instant forwardedAt) {
        ObjectNode report = start("PACKET_OVERDUE");
        report.put("packetId", packetId);
        report.put("kecamatanCode", kecamatanCode);
        report.put("forwardedAt", messages.time(forwardedAt));
        return raise(report);
    }

    public String printFailure(String prrId, String printerId, String reason, String blankSerial) {
        ObjectNode report = start("PRINT_FAILURE");
        report.put("prrId", UntrustedText.forLog(prrId));
        report.put("printerId", printerId);
        report.put("reason", UntrustedText.sentence(reason));
        report.put("blankSerial", UntrustedText.forLog(blankSerial));
        return raise(report);
    }

    /** DEVICE_DOWN or DEVICE_UP; {@code nearestWorking}: where residents can record meanwhile. */
    public String deviceLink(boolean down, String kecamatanCode, String deviceId, Instant since, String cause,
                             List<String> nearestWorking) {
        ObjectNode report = start(down ? "DEVICE_DOWN" : "DEVICE_UP");
        report.put("kecamatanCode", kecamatanCode);
        report.put("deviceId", deviceId);
        report.put("since", messages.time(since));
        report.put("cause", UntrustedText.sentence(cause));
        ArrayNode working = report.putArray("nearestWorking");
        nearestWorking.forEach(working::add);
        return raise(report);
    }

    public String destruction(String period, Map<String, Integer> counts, String destroyedAt, String witness) {
        ObjectNode report = start("DESTRUCTION");
        report.put("period", period);
        ObjectNode byCategory = report.putObject("counts");
        counts.forEach(byCategory::put);
        report.put("destroyedAt", destroyedAt);
        report.put("witness", witness);
        return raise(report);
    }

    private ObjectNode start(String kind) {
        return messages.failureReport(UUID.randomUUID().toString(), kind);
    }

    private String raise(ObjectNode report) {
        return outbox.raise(report.get("reportId").asText(), Queues.FAILURES, Queues.FAILURE_REPORT, Messages.text(report));
    }
}

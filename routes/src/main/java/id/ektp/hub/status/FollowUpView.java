package id.ektp.hub.status;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import id.ektp.hub.across.Messages;
import id.ektp.hub.across.ResidentAdvice;
import id.ektp.hub.config.HubConfig;
import id.ektp.hub.config.HubConfig.Device;
import id.ektp.hub.store.FollowUps;
import id.ektp.hub.store.FollowUps.FollowUp;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * {@code GET /api/followups} ({@value #SCHEMA}): residents who must come in (DUPLICATE: settle it
 * at the regency office; REJECTED: record again) and packets overdue at the ministry, grouped by
 * kecamatan, each with the masked NIK, since when, and what to tell the resident in Bahasa
 * Indonesia and English. No token: the NIK is masked, as on the status page.
 */
public final class FollowUpView {
    public static final String SCHEMA = "ektp.hub-api-followups/1";

    private final Supplier<HubConfig> config;
    private final Messages messages;
    private final FollowUps followUps;

    public FollowUpView(Supplier<HubConfig> config, Messages messages, FollowUps followUps) {
        this.config = config;
        this.messages = messages;
        this.followUps = followUps;
    }

    public String json() {
        return Messages.text(build());
    }

    public ObjectNode build() {
        Instant now = messages.instant();
        ObjectNode doc = messages.document(SCHEMA);
        doc.put("at", messages.time(now));
        List<FollowUp> open = followUps.open();
        doc.put("count", open.size());
        summary(doc.putObject("byKind"));
        Map<String, List<FollowUp>> byKecamatan = new LinkedHashMap<>();
        open.forEach(f -> byKecamatan.computeIfAbsent(f.kecamatan(), k -> new ArrayList<>()).add(f));
        ArrayNode groups = doc.putArray("kecamatan");
        byKecamatan.forEach((code, items) -> {
            ObjectNode group = groups.addObject();
            group.put("kecamatanCode", code);
            group.put("name", config.get().devices().stream().filter(d -> d.kecamatan().equals(code))
                    .map(Device::name).findFirst().orElse(null));
            group.put("count", items.size());
            ArrayNode out = group.putArray("items");
            items.forEach(f -> item(out.addObject(), f, now));
        });
        return doc;
    }

    /** Open follow-ups per kind, for {@code /api/status}. */
    void summary(ObjectNode out) {
        Map<String, Long> byKind = followUps.openByKind();
        byKind.forEach(out::put);
    }

    private void item(ObjectNode n, FollowUp f, Instant now) {
        n.put("packetId", f.packetId());
        n.put("kind", f.kind());
        n.put("deviceId", f.deviceId());
        n.put("nik", f.nikMasked());
        n.put("since", messages.time(f.since()));
        n.put("sinceSeconds", Math.max(0, Duration.between(f.since(), now).getSeconds()));
        n.set("detail", detail(f.detail()));
        ResidentAdvice advice = ResidentAdvice.of(f.kind(), f.detail());
        n.putObject("todo").put("id", advice.id()).put("en", advice.en());
    }

    private static JsonNode detail(String json) {
        try {
            return json == null ? Messages.json().nullNode() : Messages.json().readTree(json);
        } catch (IOException e) {
            return Messages.json().nullNode();
        }
    }
}

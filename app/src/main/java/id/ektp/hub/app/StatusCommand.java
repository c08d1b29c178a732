package id.ektp.hub.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import id.ektp.hub.config.HubConfig;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code status --config FILE} or {@code status --url http://host:port}: what the running hub
 * says on {@code GET /api/status}, as a summary an operator reads in a terminal: devices (down
 * first), backlogs, the ministry and printer links, blank stock, quarantine, recent failure
 * reports and the configuration. Exit 0 when the hub answered, 1 when it did not (or answered
 * with an error), 2 for a bad configuration.
 */
@Command(name = "status",
        description = "What the running hub says of its devices, backlogs, links, stock, quarantine and configuration"
                + " (its /api/status, as a summary).")
final class StatusCommand extends HubCommand {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Failure reports printed, newest first (the page shows more). */
    private static final int REPORTS = 5;
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss xxx");

    /** Where the hub is: its configuration's http.host and http.port, or a URL. */
    static final class Target {
        @Option(names = "--config", paramLabel = "FILE", description = "the hub's configuration file (hub.yaml)")
        Path config;
        @Option(names = "--url", paramLabel = "URL", description = "the hub's address, e.g. http://127.0.0.1:8080")
        URI url;
    }

    @ArgGroup(exclusive = true, multiplicity = "1")
    Target target;

    @Override
    public Integer call() {
        PrintWriter err = err();
        AdminClient client;
        if (target.url != null) {
            if (target.url.getScheme() == null || target.url.getHost() == null) {
                throw usage("--url must look like http://127.0.0.1:8080, not '" + target.url + "'");
            }
            client = new AdminClient(target.url);
        } else {
            HubConfig config = ConfigFile.load(target.config, err);
            if (config == null) {
                return EktpHub.BAD_CONFIG;
            }
            client = new AdminClient(config);
        }
        try {
            AdminClient.Response response = client.get("/api/status");
            if (response.status() != 200) {
                err.println("ektp-hub status: the hub answered HTTP " + response.status() + ": " + response.body());
                return EktpHub.FAILED;
            }
            print(JSON.readTree(response.body()), out());
            return EktpHub.OK;
        } catch (IOException e) {
            err.println("ektp-hub status: " + e.getMessage());
            return EktpHub.FAILED;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return EktpHub.FAILED;
        }
    }

    static void print(JsonNode s, PrintWriter out) {
        out.printf("%s (%s), %s%n", s.at("/regency/name").asText(), s.at("/regency/code").asText(), time(s.get("at")));

        JsonNode config = s.get("config");
        if (!config.get("valid").asBoolean()) {
            out.printf("%nCONFIGURATION EDIT REFUSED at %s; the hub keeps running the last good one. Fix %s:%n",
                    time(config.get("rejectedAt")), config.get("file").asText());
            config.get("problems").forEach(p -> out.println("  - " + p.asText()));
        }

        JsonNode devices = s.get("devices");
        int down = 0;
        int unknown = 0;
        for (JsonNode d : devices) {
            down += d.get("state").asText().equals("DOWN") ? 1 : 0;
            unknown += d.get("state").asText().equals("UNKNOWN") ? 1 : 0;
        }
        out.printf("%nDevices: %d, %d down, %d not contacted yet%n", devices.size(), down, unknown);
        for (JsonNode d : devices) {
            String state = d.get("state").asText();
            String since = d.get("since").isNull() ? "" : "for " + age(d.get("sinceSeconds"));
            JsonNode last = d.get("lastPacket");
            String lastPacket = last.isNull() ? "no packet yet" : "last packet " + age(last.get("ageSeconds")) + " ago";
            out.printf("  %-9s %-9s %-24s %-8s %-14s %s%n", state.equals("UNKNOWN") ? "NOT YET" : state,
                    d.get("kecamatanCode").asText(), d.get("name").asText(), d.get("deviceId").asText(), since, lastPacket);
            trouble(d, "            ", out);
            if (state.equals("DOWN")) {
                List<String> working = new ArrayList<>();
                d.get("neighbours").forEach(n -> {
                    if (n.get("state").asText().equals("UP")) {
                        working.add(n.get("name").isNull() ? n.get("kecamatanCode").asText() : n.get("name").asText());
                    }
                });
                out.println("            residents can record at: " + (working.isEmpty() ? "no neighbour is up" : String.join(", ", working)));
            }
        }

        JsonNode b = s.get("backlogs");
        out.printf("%nBacklogs%n");
        out.printf("  UP    received, not yet checked %s; waiting for the ministry %s; forwarded %d; quarantined %d%n",
                backlog(b.at("/up/received")), backlog(b.at("/up/outbound")), b.at("/up/forwarded").asLong(),
                b.at("/up/quarantined").asLong());
        out.printf("  DOWN  waiting for a printer %s; in a printer's queue %s; printed %d; failed %d%n",
                backlog(b.at("/down/pending")), backlog(b.at("/down/queued")), b.at("/down/printed").asLong(),
                b.at("/down/failed").asLong());
        for (JsonNode stranded : b.at("/down/stranded")) {
            out.printf("  DOWN  %s QUEUED on printer %s, no longer configured: its results are not read;"
                    + " if it will not print them, requeue-jobs --config FILE --printer %s --reason TEXT%n",
                    backlog(stranded), stranded.get("printerId").asText(), stranded.get("printerId").asText());
        }
        out.printf("  messages waiting for the ministry broker %s%n", backlog(b.get("outbox")));
        JsonNode parked = b.at("/outbox/parked");
        if (parked.path("count").asLong() > 0) {
            out.printf("  %d message(s) refused by the ministry broker and parked (the others still go);"
                    + " see: outbox --config FILE%n", parked.get("count").asLong());
        }

        out.printf("%nLinks%n");
        for (JsonNode l : s.get("links")) {
            String state = l.get("state").asText();
            out.printf("  %-9s %-18s %s%n", state.equals("UNKNOWN") ? "NOT YET" : state, l.get("peer").asText(),
                    l.get("since").isNull() ? "not contacted yet" : "for " + age(l.get("sinceSeconds")));
            trouble(l, "            ", out);
        }

        JsonNode st = s.get("stock");
        out.printf("%nStock: %d blanks on hand, %s a day, %s days of cover (%s; reorder below %d, critical below %d)%n",
                st.get("onHand").asLong(), st.get("avgDailyUsage").asText(),
                st.get("daysOfCover").isNull() ? "unlimited" : st.get("daysOfCover").asText(), st.get("level").asText(),
                st.get("reorderDaysOfCover").asInt(), st.get("criticalDaysOfCover").asInt());
        out.printf("  %d open request(s)%n", st.get("openRequestCount").asInt());
        for (JsonNode r : st.get("openRequests")) {
            out.printf("    %s %-9s %6d blanks%s, raised %s%n", r.get("kind").asText(), r.get("reason").asText(),
                    r.get("quantity").asInt(), r.get("target").isNull() ? "" : " from " + r.get("target").asText(),
                    time(r.get("createdAt")));
        }
        for (JsonNode a : st.get("awaitingArrival")) {
            out.printf("  awaiting arrival: %s, %d blanks, announced %s%n", a.get("allocationId").asText(),
                    a.get("quantity").asInt(), time(a.get("announcedAt")));
        }

        JsonNode q = s.get("quarantine");
        List<String> reasons = new ArrayList<>();
        q.get("byReason").properties().forEach(e -> reasons.add(e.getKey() + " " + e.getValue().asInt()));
        out.printf("%nQuarantine: %d held%s%n", q.get("count").asInt(),
                reasons.isEmpty() ? "" : " (" + String.join(", ", reasons) + "); details: ektp-hub quarantine");

        JsonNode reports = s.get("failureReports");
        out.printf("%nRecent failure reports:%s%n", reports.isEmpty() ? " none" : "");
        for (int i = 0; i < Math.min(REPORTS, reports.size()); i++) {
            JsonNode r = reports.get(i);
            out.printf("  %s %-15s %s: %s%s%n", time(r.get("raisedAt")), r.get("kind").asText(),
                    r.get("subject").asText(), r.get("detail").asText(), r.get("sent").asBoolean() ? "" : " (not sent yet)");
        }

        out.printf("%nConfiguration %s, sha256 %s, applied %s%n", config.get("file").asText(),
                config.get("sha256").asText(), time(config.get("appliedAt")));
    }

    /**
     * A link's error as the page says it: what happened and what to do, in Indonesian with the
     * English beneath, then the raw error.
     */
    private static void trouble(JsonNode link, String indent, PrintWriter out) {
        if (link.get("lastError").isNull()) {
            return;
        }
        JsonNode t = link.path("trouble");
        if (t.isObject()) {
            out.println(indent + t.get("what").asText());
            out.println(indent + t.get("whatEn").asText());
            out.println(indent + "-> " + t.get("todo").asText());
            out.println(indent + "-> " + t.get("todoEn").asText());
        }
        out.println(indent + "raw: " + link.get("lastError").asText());
    }

    private static String backlog(JsonNode b) {
        long count = b.get("count").asLong();
        return count == 0 ? "0" : count + " (oldest " + age(b.get("oldestAgeSeconds")) + ")";
    }

    /** An ISO time with offset as the hub sends it, to the second: {@code 2026-11-24 04:57:33 +07:00}. */
    static String time(JsonNode iso) {
        if (iso == null || iso.isNull()) {
            return "?";
        }
        try {
            return TIME.format(OffsetDateTime.parse(iso.asText()));
        } catch (DateTimeParseException e) {
            return iso.asText();
        }
    }

    /** Seconds as "45s", "12m", "3h05m", "2d04h". */
    static String age(JsonNode seconds) {
        if (seconds == null || seconds.isNull()) {
            return "?";
        }
        long s = seconds.asLong();
        if (s < 60) {
            return s + "s";
        }
        if (s < 3600) {
            return s / 60 + "m";
        }
        if (s < 86400) {
            return String.format("%dh%02dm", s / 3600, s % 3600 / 60);
        }
        return String.format("%dd%02dh", s / 86400, s % 86400 / 3600);
    }
}

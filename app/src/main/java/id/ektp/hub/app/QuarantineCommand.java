package id.ektp.hub.app;

import com.fasterxml.jackson.databind.JsonNode;
import id.ektp.hub.codes.Nik;
import id.ektp.hub.config.HubConfig;
import id.ektp.hub.store.QuarantineEntry;
import id.ektp.hub.store.QuarantineRecords;
import java.io.PrintWriter;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/**
 * {@code quarantine --config FILE [all | show ID | release ID | drop ID]}: the quarantine calls
 * of the running hub's API (ICD section 4), with the token from {@code http.adminTokenFile}.
 * Listing still works when the hub is stopped: it then reads the state store read-only.
 */
@Command(name = "quarantine",
        description = "List quarantined items with their reasons; show, release or drop one (through the running hub).",
        footerHeading = "%nActions:%n",
        footer = {
            "  (none)       what is held now (from the state store if the hub is stopped)",
            "  all          released and dropped items too",
            "  show ID      one item with its audit trail",
            "  release ID   check the item again and forward it if it is valid now",
            "  drop ID      drop the item (the audit trail keeps it)"})
final class QuarantineCommand extends HubCommand {
    @Mixin
    ConfigFile config;

    @Parameters(arity = "0..2", paramLabel = "ACTION", description = "all, show ID, release ID or drop ID")
    List<String> words = new ArrayList<>();

    @Override
    public Integer call() {
        String action = words.isEmpty() ? "list" : words.get(0);
        boolean withId = action.equals("show") || action.equals("release") || action.equals("drop");
        if (withId ? words.size() != 2 : !(words.isEmpty() || words.equals(List.of("all")))) {
            throw usage("expected nothing, 'all', 'show ID', 'release ID' or 'drop ID', not " + String.join(" ", words));
        }
        HubConfig hubConfig = config.load(err());
        if (hubConfig == null) {
            return EktpHub.BAD_CONFIG;
        }
        HeldItems items = new HeldItems("quarantine", hubConfig, out(), err());
        String item = withId ? "/api/quarantine/" + AdminClient.segment(words.get(1)) : null;
        boolean all = action.equals("all");
        String heading = " item(s) " + (all ? "ever " : "") + "in quarantine (" + hubConfig.dataDir().resolve("quarantine") + ")";
        return switch (action) {
            case "show" -> items.act(hub -> hub.get(item));
            case "release" -> items.act(hub -> hub.post(item + "/release", ""));
            case "drop" -> items.act(hub -> hub.delete(item));
            default -> items.list("/api/quarantine" + (all ? "?all=true" : ""),
                    (answer, out) -> {
                        out.println(answer.get("items").size() + heading);
                        for (JsonNode e : answer.get("items")) {
                            print(out, e.get("since").asText(), e.get("flow").asText(), e.get("source").asText(),
                                    e.get("reason").asText(), e.get("id").asText(), e.get("state").asText(),
                                    e.get("detail").asText());
                        }
                    },
                    (store, out) -> {
                        QuarantineRecords records = new QuarantineRecords(store, Clock.systemUTC());
                        List<QuarantineEntry> entries = all ? records.all() : records.held();
                        out.println(entries.size() + heading);
                        for (QuarantineEntry e : entries) {
                            print(out, e.quarantinedAt().toString(), e.flow(), e.source(), e.reason(), e.quarantineId(),
                                    e.state(), Nik.maskAll(e.detail()));
                        }
                    },
                    "Release and drop");
        };
    }

    private static void print(PrintWriter out, String since, String flow, String source, String reason, String id,
                              String state, String detail) {
        out.printf("%s  %-6s %-14s %-22s %s%s%n    %s%n", since, flow, source, reason, id,
                state.equals(QuarantineEntry.HELD) ? "" : "  [" + state + "]", detail);
    }
}

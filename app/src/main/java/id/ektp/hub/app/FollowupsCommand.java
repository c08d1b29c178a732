package id.ektp.hub.app;

import com.fasterxml.jackson.databind.JsonNode;
import id.ektp.hub.across.Messages;
import id.ektp.hub.config.HubConfig;
import id.ektp.hub.status.FollowUpView;
import id.ektp.hub.store.FollowUps;
import java.io.PrintWriter;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code followups --config FILE}: the residents who must come in and the packets overdue at the
 * ministry, by kecamatan, with what to tell each resident (the running hub's
 * {@code GET /api/followups}). When the hub is stopped the same list is read from its state
 * store, read-only. NIKs are masked. {@code followups --config FILE close PACKET-ID --reason TEXT}
 * closes one by hand through the running hub ({@code POST /api/followups/{id}/close}, token from
 * {@code http.adminTokenFile}).
 */
@Command(name = "followups",
        description = "Residents who must come in (duplicate recording, rejected) and packets overdue at the"
                + " ministry, by kecamatan; close one by hand once it is settled at the office.",
        footerHeading = "%nActions:%n",
        footer = {
            "  (none)                          the list (from the state store if the hub is stopped)",
            "  close PACKET-ID --reason TEXT   close one by hand (through the running hub): it leaves the list,",
            "                                  the reason is kept in the packet's audit trail"})
final class FollowupsCommand extends HubCommand {
    @Mixin
    ConfigFile config;

    @Parameters(arity = "0..2", paramLabel = "ACTION", description = "close PACKET-ID")
    List<String> words = new ArrayList<>();

    @Option(names = "--reason", paramLabel = "TEXT", description = "why it is closed (with close)")
    String reason;

    @Override
    public Integer call() {
        boolean close = !words.isEmpty() && words.get(0).equals("close");
        if (close ? words.size() != 2 : !words.isEmpty()) {
            throw usage("expected nothing or 'close PACKET-ID --reason TEXT', not " + String.join(" ", words));
        }
        if (close && (reason == null || reason.isBlank())) {
            throw usage("close needs --reason TEXT: why the follow-up is settled");
        }
        HubConfig hubConfig = config.load(err());
        if (hubConfig == null) {
            return EktpHub.BAD_CONFIG;
        }
        HeldItems items = new HeldItems("followups", hubConfig, out(), err());
        if (close) {
            String body = AdminCommand.JSON.createObjectNode().put("reason", reason).toString();
            return items.act(hub -> hub.post("/api/followups/" + AdminClient.segment(words.get(1)) + "/close", body));
        }
        return items.list("/api/followups", FollowupsCommand::print,
                (store, out) -> print(new FollowUpView(() -> hubConfig,
                        new Messages(hubConfig.regency(), Clock.systemUTC()), new FollowUps(store)).build(), out),
                "Closing a follow-up");
    }

    static void print(JsonNode list, PrintWriter out) {
        JsonNode kinds = list.get("byKind");
        out.printf("Perlu tindak lanjut / Follow-ups: %d (data ganda / duplicate %d, ditolak / rejected %d,"
                        + " terlambat di Kementerian / overdue at the ministry %d)%n", list.get("count").asInt(),
                kinds.path("DUPLICATE").asInt(), kinds.path("REJECTED").asInt(), kinds.path("OVERDUE").asInt());
        for (JsonNode group : list.get("kecamatan")) {
            out.printf("%n%s %s (%d)%n", group.get("kecamatanCode").asText(), group.path("name").asText(""),
                    group.get("count").asInt());
            for (JsonNode item : group.get("items")) {
                out.printf("  %-9s %s  NIK %s  since %s%n", item.get("kind").asText(), item.get("packetId").asText(),
                        item.path("nik").asText("(not kept)"), item.get("since").asText());
                out.println("      " + item.at("/todo/id").asText());
                out.println("      " + item.at("/todo/en").asText());
            }
        }
    }
}

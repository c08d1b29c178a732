package id.ektp.hub.app;

import com.fasterxml.jackson.databind.JsonNode;
import id.ektp.hub.codes.Nik;
import id.ektp.hub.config.HubConfig;
import id.ektp.hub.store.Outbox;
import java.io.PrintWriter;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/**
 * {@code outbox --config FILE [retry ID | drop ID]}: the outbox messages the ministry broker refused
 * for good (parked), through the running hub's API with the token from {@code http.adminTokenFile}.
 * Listing still works when the hub is stopped: it then reads the state store read-only.
 */
@Command(name = "outbox",
        description = "List the messages the ministry broker refused for good (parked; the others still go);"
                + " send one again or give it up (through the running hub).",
        footerHeading = "%nActions:%n",
        footer = {
            "  (none)       the parked messages (from the state store if the hub is stopped)",
            "  retry ID     send the message again, next and under its own id",
            "  drop ID      give the message up (the audit trail keeps it)"})
final class OutboxCommand extends HubCommand {
    @Mixin
    ConfigFile config;

    @Parameters(arity = "0..2", paramLabel = "ACTION", description = "retry ID or drop ID")
    List<String> words = new ArrayList<>();

    @Override
    public Integer call() {
        String action = words.isEmpty() ? "list" : words.get(0);
        boolean withId = action.equals("retry") || action.equals("drop");
        if (withId ? words.size() != 2 : !words.isEmpty()) {
            throw usage("expected nothing, 'retry ID' or 'drop ID', not " + String.join(" ", words));
        }
        HubConfig hubConfig = config.load(err());
        if (hubConfig == null) {
            return EktpHub.BAD_CONFIG;
        }
        HeldItems items = new HeldItems("outbox", hubConfig, out(), err());
        String message = withId ? "/api/outbox/" + AdminClient.segment(words.get(1)) : null;
        return switch (action) {
            case "retry" -> items.act(hub -> hub.post(message + "/retry", ""));
            case "drop" -> items.act(hub -> hub.delete(message));
            default -> items.list("/api/outbox/parked",
                    (answer, out) -> {
                        out.println(answer.get("count").asLong() + " message(s) parked: refused by the ministry broker");
                        for (JsonNode m : answer.get("items")) {
                            print(out, m.get("parkedAt").asText(), m.get("id").asText(), m.get("type").asText(),
                                    m.get("queue").asText(), m.get("attempts").asInt(), m.get("reason").asText());
                        }
                    },
                    (store, out) -> {
                        Outbox outbox = new Outbox(store, Clock.systemUTC());
                        out.println(outbox.parkedCount() + " message(s) parked: refused by the ministry broker");
                        for (Outbox.Raised m : outbox.parked(1000)) {
                            print(out, m.parkedAt().toString(), m.messageId(), m.type(), m.queue(), m.attempts(),
                                    Nik.maskAll(m.lastError()));
                        }
                    },
                    "Retry and drop");
        };
    }

    private static void print(PrintWriter out, String parkedAt, String id, String type, String queue, int attempts,
                              String reason) {
        out.printf("%s  %s  %s to %s, %d tries%n    %s%n", parkedAt, id, type, queue, attempts, reason);
    }
}

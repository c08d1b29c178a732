package id.ektp.hub.app;

import com.fasterxml.jackson.databind.JsonNode;
import id.ektp.hub.codes.Nik;
import id.ektp.hub.config.HubConfig;
import id.ektp.hub.store.HubStore;
import id.ektp.hub.store.Outbox;
import java.io.IOException;
import java.io.PrintStream;
import java.time.Clock;
import java.util.List;

/**
 * {@code outbox --config FILE [retry ID | drop ID]}: the outbox messages the ministry broker refused
 * for good (parked), through the running hub's API with the token from {@code http.adminTokenFile}.
 * Listing still works when the hub is stopped: it then reads the state store read-only.
 */
final class OutboxCommand implements Command {
    @Override
    public boolean takesWords() {
        return true;
    }

    @Override
    public int execute(Options options, PrintStream out, PrintStream err) throws Options.UsageException {
        List<String> words = options.words();
        String action = words.isEmpty() ? "list" : words.get(0);
        boolean withId = action.equals("retry") || action.equals("drop");
        if (withId ? words.size() != 2 : !words.isEmpty()) {
            throw new Options.UsageException("expected nothing, 'retry ID' or 'drop ID', not " + String.join(" ", words));
        }
        HubConfig config = options.config(err);
        if (config == null) {
            return EktpHub.BAD_CONFIG;
        }
        AdminClient hub = new AdminClient(config);
        try {
            return switch (action) {
                case "retry" -> answer(hub.post("/api/outbox/" + AdminClient.segment(words.get(1)) + "/retry", ""), out, err);
                case "drop" -> answer(hub.delete("/api/outbox/" + AdminClient.segment(words.get(1))), out, err);
                default -> list(hub, config, out, err);
            };
        } catch (IOException e) {
            err.println("ektp-hub outbox: " + e.getMessage());
            return EktpHub.FAILED;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return EktpHub.FAILED;
        }
    }

    private static int answer(AdminClient.Response response, PrintStream out, PrintStream err) {
        (response.status() == 200 ? out : err).println(response.body());
        return response.status() == 200 ? EktpHub.OK : EktpHub.FAILED;
    }

    private static int list(AdminClient hub, HubConfig config, PrintStream out, PrintStream err)
            throws InterruptedException {
        try {
            AdminClient.Response response = hub.get("/api/outbox/parked");
            if (response.status() != 200) {
                return answer(response, out, err);
            }
            JsonNode answer = AdminCommand.JSON.readTree(response.body());
            out.println(answer.get("count").asLong() + " message(s) parked: refused by the ministry broker");
            for (JsonNode m : answer.get("items")) {
                print(out, m.get("parkedAt").asText(), m.get("id").asText(), m.get("type").asText(),
                        m.get("queue").asText(), m.get("attempts").asInt(), m.get("reason").asText());
            }
            return EktpHub.OK;
        } catch (IOException notRunning) {
            err.println("ektp-hub outbox: " + notRunning.getMessage() + "; reading its state store instead."
                    + " Retry and drop need the running hub.");
            try (HubStore store = HubStore.openReadOnly(config.dataDir())) {
                Outbox outbox = new Outbox(store, Clock.systemUTC());
                out.println(outbox.parkedCount() + " message(s) parked: refused by the ministry broker");
                for (Outbox.Raised m : outbox.parked(1000)) {
                    print(out, m.parkedAt().toString(), m.messageId(), m.type(), m.queue(), m.attempts(),
                            Nik.maskAll(m.lastError()));
                }
                return EktpHub.OK;
            } catch (Exception e) {
                err.println("ektp-hub outbox: " + e.getMessage());
                return EktpHub.FAILED;
            }
        }
    }

    private static void print(PrintStream out, String parkedAt, String id, String type, String queue, int attempts,
                              String reason) {
        out.printf("%s  %s  %s to %s, %d tries%n    %s%n", parkedAt, id, type, queue, attempts, reason);
    }
}

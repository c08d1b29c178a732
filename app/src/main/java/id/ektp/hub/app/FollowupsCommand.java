package id.ektp.hub.app;

import com.fasterxml.jackson.databind.JsonNode;
import id.ektp.hub.across.Messages;
import id.ektp.hub.config.HubConfig;
import id.ektp.hub.status.FollowUpView;
import id.ektp.hub.store.FollowUps;
import id.ektp.hub.store.HubStore;
import java.io.IOException;
import java.io.PrintStream;
import java.time.Clock;
import java.util.List;

/**
 * {@code followups --config FILE}: the residents who must come in and the packets overdue at the
 * ministry, by kecamatan, with what to tell each resident (the running hub's
 * {@code GET /api/followups}). When the hub is stopped the same list is read from its state
 * store, read-only. NIKs are masked. {@code followups --config FILE close PACKET-ID --reason TEXT}
 * closes one by hand through the running hub ({@code POST /api/followups/{id}/close}, token from
 * {@code http.adminTokenFile}).
 */
final class FollowupsCommand implements Command {
    @Override
    public boolean takesWords() {
        return true;
    }

    @Override
    public int execute(Options options, PrintStream out, PrintStream err) throws Options.UsageException {
        List<String> words = options.words();
        boolean close = !words.isEmpty() && words.get(0).equals("close");
        if (close ? words.size() != 2 : !words.isEmpty()) {
            throw new Options.UsageException("expected nothing or 'close PACKET-ID --reason TEXT', not "
                    + String.join(" ", words));
        }
        String reason = close ? options.required("reason") : null;
        HubConfig config = options.config(err);
        if (config == null) {
            return EktpHub.BAD_CONFIG;
        }
        return close ? close(config, words.get(1), reason, out, err) : list(config, out, err);
    }

    private static int close(HubConfig config, String packetId, String reason, PrintStream out, PrintStream err) {
        try {
            AdminClient.Response response = new AdminClient(config).post(
                    "/api/followups/" + AdminClient.segment(packetId) + "/close",
                    AdminCommand.JSON.createObjectNode().put("reason", reason).toString());
            (response.status() == 200 ? out : err).println(response.body());
            return response.status() == 200 ? EktpHub.OK : EktpHub.FAILED;
        } catch (IOException e) {
            err.println("ektp-hub followups: " + e.getMessage() + "; closing a follow-up needs the running hub.");
            return EktpHub.FAILED;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return EktpHub.FAILED;
        }
    }

    private static int list(HubConfig config, PrintStream out, PrintStream err) {
        JsonNode list;
        try {
            AdminClient.Response response = new AdminClient(config).get("/api/followups");
            if (response.status() != 200) {
                err.println("ektp-hub followups: the hub answered HTTP " + response.status() + ": " + response.body());
                return EktpHub.FAILED;
            }
            list = AdminCommand.JSON.readTree(response.body());
        } catch (IOException notRunning) {
            err.println("ektp-hub followups: " + notRunning.getMessage() + "; reading its state store instead.");
            try (HubStore store = HubStore.openReadOnly(config.dataDir())) {
                list = new FollowUpView(() -> config, new Messages(config.regency(), Clock.systemUTC()),
                        new FollowUps(store)).build();
            } catch (Exception e) {
                err.println("ektp-hub followups: " + e.getMessage());
                return EktpHub.FAILED;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return EktpHub.FAILED;
        }
        print(list, out);
        return EktpHub.OK;
    }

    static void print(JsonNode list, PrintStream out) {
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

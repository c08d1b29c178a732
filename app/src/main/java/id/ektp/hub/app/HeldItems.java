package id.ektp.hub.app;

import com.fasterxml.jackson.databind.JsonNode;
import id.ektp.hub.config.HubConfig;
import id.ektp.hub.store.HubStore;
import java.io.IOException;
import java.io.PrintWriter;

/**
 * What {@code quarantine} and {@code outbox} share: items the hub holds back, acted on through
 * the running hub's admin API (with the token from {@code http.adminTokenFile}), and listed
 * from the API or, when the hub is stopped, from its state store opened read-only.
 */
final class HeldItems {
    /** One call to the running hub. */
    interface Call {
        AdminClient.Response send(AdminClient hub) throws IOException, InterruptedException;
    }

    /** Prints the list from the hub's answer (JSON). */
    interface FromHub {
        void print(JsonNode answer, PrintWriter out);
    }

    /** Prints the list from the state store. */
    interface FromStore {
        void print(HubStore store, PrintWriter out) throws Exception;
    }

    private final String command;
    private final HubConfig config;
    private final AdminClient hub;
    private final PrintWriter out;
    private final PrintWriter err;

    HeldItems(String command, HubConfig config, PrintWriter out, PrintWriter err) {
        this.command = command;
        this.config = config;
        this.hub = new AdminClient(config);
        this.out = out;
        this.err = err;
    }

    /** {@code call}'s answer on out (200: exit 0) or err (else: exit 1). */
    int act(Call call) {
        try {
            return answer(call.send(hub));
        } catch (IOException e) {
            err.println("ektp-hub " + command + ": " + e.getMessage());
            return EktpHub.FAILED;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return EktpHub.FAILED;
        }
    }

    /**
     * {@code GET path} printed by {@code fromHub}; when the hub does not answer, the same list
     * from its state store, saying so and what then needs the running hub ({@code needsHub}).
     */
    int list(String path, FromHub fromHub, FromStore fromStore, String needsHub) {
        try {
            AdminClient.Response response = hub.get(path);
            if (response.status() != 200) {
                return answer(response);
            }
            fromHub.print(AdminCommand.JSON.readTree(response.body()), out);
            return EktpHub.OK;
        } catch (IOException notRunning) {
            // The hub is stopped (or elsewhere): what it holds can still be read from its store.
            err.println("ektp-hub " + command + ": " + notRunning.getMessage() + "; reading its state store instead. "
                    + needsHub + " need the running hub.");
            return listFromStore(fromStore);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return EktpHub.FAILED;
        }
    }

    private int listFromStore(FromStore fromStore) {
        try (HubStore store = HubStore.openReadOnly(config.dataDir())) {
            fromStore.print(store, out);
            return EktpHub.OK;
        } catch (Exception e) {
            err.println("ektp-hub " + command + ": " + e.getMessage());
            return EktpHub.FAILED;
        }
    }

    private int answer(AdminClient.Response response) {
        (response.status() == 200 ? out : err).println(response.body());
        return response.status() == 200 ? EktpHub.OK : EktpHub.FAILED;
    }
}

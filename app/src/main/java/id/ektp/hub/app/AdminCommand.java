package id.ektp.hub.app;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import id.ektp.hub.config.HubConfig;
import java.io.IOException;
import java.io.PrintStream;
import java.util.function.Function;

/**
 * An admin call made from the command line: builds the JSON body from the options, posts it
 * to the running hub and prints its answer. Exit 0 on success, 1 when the hub refused or could
 * not be reached, 2 for a bad configuration.
 */
final class AdminCommand implements Command {
    static final ObjectMapper JSON = new ObjectMapper();

    /** Turns the command's options into the call's body. */
    interface Body {
        ObjectNode from(Options options) throws Options.UsageException;
    }

    /** Turns the command's options into the call's path, for calls naming what they act on. */
    interface PathOf {
        String from(Options options) throws Options.UsageException;
    }

    private final PathOf path;
    private final Body body;

    AdminCommand(String path, Body body) {
        this(options -> path, body);
    }

    AdminCommand(PathOf path, Body body) {
        this.path = path;
        this.body = body;
    }

    @Override
    public int execute(Options options, PrintStream out, PrintStream err) throws Options.UsageException {
        ObjectNode request = body.from(options);
        String target = path.from(options);
        HubConfig config = options.config(err);
        if (config == null) {
            return EktpHub.BAD_CONFIG;
        }
        try {
            AdminClient.Response response = new AdminClient(config).post(target, JSON.writeValueAsString(request));
            (response.status() == 200 ? out : err).println(response.body());
            return response.status() == 200 ? EktpHub.OK : EktpHub.FAILED;
        } catch (IOException e) {
            err.println("ektp-hub: " + e.getMessage());
            return EktpHub.FAILED;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return EktpHub.FAILED;
        }
    }

    static AdminCommand stockArrival() {
        return new AdminCommand("/api/stock/arrivals", o -> {
            ObjectNode n = JSON.createObjectNode();
            n.put("allocationId", o.required("allocation"));
            n.put("received", o.requiredInt("received"));
            return n;
        });
    }

    static AdminCommand stockRequest() {
        return new AdminCommand("/api/stock/requests", o -> {
            ObjectNode n = JSON.createObjectNode();
            n.put("quantity", o.requiredInt("quantity"));
            n.put("reason", o.required("reason"));
            return n;
        });
    }

    static AdminCommand destruction() {
        return new AdminCommand("/api/destructions", o -> {
            ObjectNode n = JSON.createObjectNode();
            n.put("period", o.required("period"));
            ObjectNode counts = n.putObject("counts");
            Function<String, String> option = category -> category.toLowerCase().replace('_', '-');
            for (String category : new String[] {"DAMAGED", "UNUSED", "CHIP_INVALID", "DATA_INVALID"}) {
                counts.put(category, o.get(option.apply(category)).isPresent() ? o.requiredInt(option.apply(category)) : 0);
            }
            n.put("destroyedAt", o.required("destroyed-at"));
            n.put("witness", o.required("witness"));
            return n;
        });
    }

    /** The jobs QUEUED on a printer taken out of the configuration, queued again. */
    static AdminCommand requeueJobs() {
        return new AdminCommand(o -> "/api/printers/" + AdminClient.segment(o.required("printer")) + "/requeue", o -> {
            ObjectNode n = JSON.createObjectNode();
            n.put("reason", o.required("reason"));
            return n;
        });
    }
}

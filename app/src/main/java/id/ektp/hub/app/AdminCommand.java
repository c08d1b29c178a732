package id.ektp.hub.app;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import id.ektp.hub.config.HubConfig;
import java.io.IOException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * An admin call made from the command line: builds the JSON body from the options, posts it
 * to the running hub and prints its answer. Exit 0 on success, 1 when the hub refused or could
 * not be reached, 2 for a bad configuration. Each call is a small subclass: its options, its
 * path and its body.
 */
abstract class AdminCommand extends HubCommand {
    static final ObjectMapper JSON = new ObjectMapper();

    @Mixin
    ConfigFile config;

    /** The call's path on the hub's API. */
    abstract String path();

    /** The call's body, from the options. */
    abstract ObjectNode body();

    @Override
    public Integer call() {
        HubConfig hub = config.load(err());
        if (hub == null) {
            return EktpHub.BAD_CONFIG;
        }
        try {
            AdminClient.Response response = new AdminClient(hub).post(path(), JSON.writeValueAsString(body()));
            (response.status() == 200 ? out() : err()).println(response.body());
            return response.status() == 200 ? EktpHub.OK : EktpHub.FAILED;
        } catch (IOException e) {
            err().println("ektp-hub: " + e.getMessage());
            return EktpHub.FAILED;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return EktpHub.FAILED;
        }
    }

    @Command(name = "stock-arrival", description = "Blanks of an announced allocation arrived (admin call to the running hub).")
    static final class StockArrival extends AdminCommand {
        @Option(names = "--allocation", paramLabel = "ID", required = true, description = "the allocation's id, as announced")
        String allocation;
        @Option(names = "--received", paramLabel = "N", required = true, description = "how many blanks arrived")
        int received;

        @Override
        String path() {
            return "/api/stock/arrivals";
        }

        @Override
        ObjectNode body() {
            ObjectNode n = JSON.createObjectNode();
            n.put("allocationId", allocation);
            n.put("received", received);
            return n;
        }
    }

    @Command(name = "stock-request", description = "Ask the ministry for blanks (admin call to the running hub).")
    static final class StockRequest extends AdminCommand {
        @Option(names = "--quantity", paramLabel = "N", required = true, description = "how many blanks")
        int quantity;
        @Option(names = "--reason", paramLabel = "TEXT", required = true, description = "why, for the ministry")
        String reason;

        @Override
        String path() {
            return "/api/stock/requests";
        }

        @Override
        ObjectNode body() {
            ObjectNode n = JSON.createObjectNode();
            n.put("quantity", quantity);
            n.put("reason", reason);
            return n;
        }
    }

    @Command(name = "destruction", description = "Record the destruction of invalid cards (admin call to the running hub).")
    static final class Destruction extends AdminCommand {
        @Option(names = "--period", paramLabel = "P", required = true, description = "the period, e.g. 2026-11 or 2026-Q4")
        String period;
        @Option(names = "--destroyed-at", paramLabel = "TIME", required = true,
                description = "when, with its offset: 2026-11-23T10:00:00+07:00")
        String destroyedAt;
        @Option(names = "--witness", paramLabel = "NAME", required = true, description = "who witnessed it")
        String witness;
        @Option(names = "--damaged", paramLabel = "N", description = "damaged cards (default 0)")
        int damaged;
        @Option(names = "--unused", paramLabel = "N", description = "unused cards (default 0)")
        int unused;
        @Option(names = "--chip-invalid", paramLabel = "N", description = "cards whose chip is invalid (default 0)")
        int chipInvalid;
        @Option(names = "--data-invalid", paramLabel = "N", description = "cards with invalid data (default 0)")
        int dataInvalid;

        @Override
        String path() {
            return "/api/destructions";
        }

        @Override
        ObjectNode body() {
            ObjectNode n = JSON.createObjectNode();
            n.put("period", period);
            ObjectNode counts = n.putObject("counts");
            counts.put("DAMAGED", damaged);
            counts.put("UNUSED", unused);
            counts.put("CHIP_INVALID", chipInvalid);
            counts.put("DATA_INVALID", dataInvalid);
            n.put("destroyedAt", destroyedAt);
            n.put("witness", witness);
            return n;
        }
    }

    /** The jobs QUEUED on a printer taken out of the configuration, queued again. */
    @Command(name = "requeue-jobs",
            description = "Queue again the jobs left QUEUED on a printer taken out of the configuration"
                    + " (only if it will not print them; admin call to the running hub).")
    static final class RequeueJobs extends AdminCommand {
        @Option(names = "--printer", paramLabel = "ID", required = true, description = "the printer taken out")
        String printer;
        @Option(names = "--reason", paramLabel = "TEXT", required = true, description = "why, for the audit trail")
        String reason;

        @Override
        String path() {
            return "/api/printers/" + AdminClient.segment(printer) + "/requeue";
        }

        @Override
        ObjectNode body() {
            ObjectNode n = JSON.createObjectNode();
            n.put("reason", reason);
            return n;
        }
    }
}

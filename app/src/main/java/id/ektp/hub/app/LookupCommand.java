package id.ektp.hub.app;

import com.fasterxml.jackson.databind.JsonNode;
import id.ektp.hub.config.HubConfig;
import java.io.BufferedReader;
import java.io.Console;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code lookup --config FILE}: "where is my e-KTP?" at the counter, through the running hub's
 * {@code POST /api/lookup} with the admin token. The NIK is asked at a prompt (not echoed) or
 * read from the first line of standard input, never taken from the command line: arguments are
 * visible to everyone on the machine ({@code ps}) and kept in shell histories. What is printed
 * shows the NIK masked.
 */
@Command(name = "lookup",
        description = "Where is a resident's e-KTP (through the running hub). The NIK is read from standard input or"
                + " a prompt, never from the command line: echo it into 'lookup --config FILE', or type it.")
final class LookupCommand extends HubCommand {
    private final Supplier<Console> console;
    private final Supplier<InputStream> stdin;

    @Mixin
    ConfigFile config;

    // Accepted only to be refused without being repeated: picocli's own error for an unknown word
    // would print it, and here it is a NIK.
    @Option(names = "--nik", hidden = true)
    String nikOption;

    @Parameters(hidden = true)
    List<String> words = new ArrayList<>();

    LookupCommand() {
        this(System::console, () -> System.in);
    }

    LookupCommand(Supplier<Console> console, Supplier<InputStream> stdin) {
        this.console = console;
        this.stdin = stdin;
    }

    @Override
    public Integer call() {
        if (!words.isEmpty() || nikOption != null) {
            throw usage("the NIK is read from standard input or a prompt, never from the command"
                    + " line (where ps and shell histories show it): echo it into 'lookup --config FILE', or type it");
        }
        HubConfig hubConfig = config.load(err());
        if (hubConfig == null) {
            return EktpHub.BAD_CONFIG;
        }
        PrintWriter out = out();
        PrintWriter err = err();
        try {
            String nik = readNik();
            if (nik == null || nik.isBlank()) {
                err.println("ektp-hub lookup: no NIK given");
                return EktpHub.FAILED;
            }
            AdminClient.Response response = new AdminClient(hubConfig).post("/api/lookup",
                    AdminCommand.JSON.writeValueAsString(AdminCommand.JSON.createObjectNode().put("nik", nik.strip())));
            if (response.status() != 200) {
                err.println("ektp-hub lookup: the hub answered HTTP " + response.status() + ": " + response.body());
                return EktpHub.FAILED;
            }
            print(AdminCommand.JSON.readTree(response.body()), out);
            return EktpHub.OK;
        } catch (IOException e) {
            err.println("ektp-hub lookup: " + e.getMessage());
            return EktpHub.FAILED;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return EktpHub.FAILED;
        }
    }

    private String readNik() throws IOException {
        Console terminal = console.get();
        if (terminal != null) {
            char[] typed = terminal.readPassword("NIK (not shown): ");
            return typed == null ? null : new String(typed);
        }
        return new BufferedReader(new InputStreamReader(stdin.get(), StandardCharsets.UTF_8)).readLine();
    }

    static void print(JsonNode a, PrintWriter out) {
        out.println("NIK " + a.get("nik").asText() + ": " + a.at("/summary/id").asText());
        out.println("    " + a.at("/summary/en").asText());
        for (JsonNode p : a.get("packets")) {
            out.printf("%nPacket %s, recorded %s at %s %s (device %s): %s%n", p.get("packetId").asText(),
                    p.path("capturedAt").asText(""), p.get("kecamatanCode").asText(), p.path("kecamatanName").asText(""),
                    p.get("deviceId").asText(), p.get("state").asText());
            JsonNode result = p.get("result");
            if (result != null && !result.isNull()) {
                out.printf("  ministry: %s at %s%s%n", result.get("status").asText(), result.get("at").asText(),
                        result.has("reason") ? " (" + result.get("reason").asText() + ")"
                                : result.has("duplicateOf") ? " (already recorded at " + result.at("/duplicateOf/kecamatanCode").asText()
                                        + " on " + result.at("/duplicateOf/recordedOn").asText() + ")" : "");
            }
            for (JsonNode line : p.get("history")) {
                out.printf("  %s  %-22s %s%n", line.get("at").asText(), line.get("event").asText(),
                        line.path("detail").asText(""));
            }
        }
        for (JsonNode j : a.get("prrs")) {
            out.printf("%nPRR %s (batch %s), pickup at %s %s: %s, %d blank(s) used%n", j.get("prrId").asText(),
                    j.get("batchId").asText(), j.get("pickupKecamatanCode").asText(), j.path("pickupKecamatanName").asText(""),
                    j.get("state").asText(), j.get("blanksUsed").asInt());
            for (JsonNode print : j.get("prints")) {
                out.printf("  print %s at %s on %s, blank %s%s%n", print.get("status").asText(), print.path("at").asText(""),
                        print.path("printerId").asText(""), print.path("blankSerial").asText(""),
                        print.path("reason").isNull() ? "" : " (" + print.get("reason").asText() + ")");
            }
            JsonNode notice = j.get("pickupNotice");
            if (notice != null && !notice.isNull()) {
                out.printf("  pickup notice %s raised %s, %s%n", notice.get("noticeId").asText(), notice.get("raisedAt").asText(),
                        notice.get("sent").asBoolean() ? "sent " + notice.get("sentAt").asText() : "not sent yet");
            }
        }
    }
}

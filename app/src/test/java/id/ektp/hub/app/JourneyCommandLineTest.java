package id.ektp.hub.app;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import id.ektp.hub.runtime.Hub;
import id.ektp.hub.sandbox.broker.EmbeddedBroker;
import id.ektp.hub.sandbox.packets.PacketSpec;
import id.ektp.hub.store.PacketState;
import id.ektp.hub.testing.HubTestEnvironment;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code followups} and {@code lookup} from the command line, against a running hub (and a stopped one). */
class JourneyCommandLineTest {
    private static final String NIK = "3310054507900001";

    @TempDir
    Path root;
    HubTestEnvironment env;

    @AfterEach
    void stop() {
        env.close();
    }

    @Test
    void anOperatorSeesWhoMustComeInAndLooksAResidentUpWithTheNikNeverOnTheCommandLine() throws Exception {
        env = HubTestEnvironment.create(root, HubTestEnvironment.TWO_DEVICES);
        EmbeddedBroker broker = env.withBroker();
        env.withPrivacyKey();
        Hub hub = env.startHub();
        String config = root.resolve("hub.yaml").toString();
        PacketSpec spec = PacketSpec.builder().sequence(1).nik(NIK).build();
        env.drop(spec);
        await().atMost(Duration.ofSeconds(40)).until(() -> hub.packets().find(spec.packetId())
                .map(r -> r.state() == PacketState.FORWARDED).orElse(false));
        broker.send("EKTP.PACKET.RESULTS.3310", "{\"schema\":\"ektp.packet-result/1\",\"packetId\":\"" + spec.packetId()
                + "\",\"regencyCode\":\"33.10\",\"status\":\"DUPLICATE\",\"at\":\"2026-11-25T10:02:00+07:00\","
                + "\"duplicateOf\":{\"kecamatanCode\":\"33.10.14\",\"recordedOn\":\"2016-03-02\"}}",
                Map.of("EktpMessageId", UUID.randomUUID().toString()));
        await().atMost(Duration.ofSeconds(40)).until(() -> hub.followUps().open().size() == 1);

        CommandLineTest.Result list = CommandLineTest.run("followups", "--config", config);
        assertEquals(0, list.exit(), list.err());
        assertTrue(list.out().contains("Follow-ups: 1"), list.out());
        assertTrue(list.out().contains("33.10.05 Device CWS01 (1)"), list.out());
        assertTrue(list.out().contains("DUPLICATE") && list.out().contains(spec.packetId())
                && list.out().contains("331005******0001"), list.out());
        assertTrue(list.out().contains("regency office"), list.out());

        Result found = lookup(new String[] {"--config", config}, NIK + "\n");
        assertEquals(0, found.exit(), found.err());
        assertTrue(found.out().startsWith("NIK 331005******0001: "), found.out());
        assertTrue(found.out().contains("Packet " + spec.packetId()), found.out());
        assertTrue(found.out().contains("ministry: DUPLICATE at 2026-11-25T10:02:00+07:00 (already recorded at 33.10.14 on 2016-03-02)"),
                found.out());
        assertFalse(found.out().contains(NIK), "printed masked");

        Result onArgv = lookup(new String[] {"--config", config, NIK}, "");
        assertEquals(64, onArgv.exit());
        assertTrue(onArgv.err().contains("never from the command line"), onArgv.err());
        assertFalse(onArgv.err().contains(NIK), "a refusal does not repeat it");
        assertEquals(64, lookup(new String[] {"--config", config, "--nik", NIK}, "").exit());

        hub.close();
        CommandLineTest.Result stopped = CommandLineTest.run("followups", "--config", config);
        assertEquals(0, stopped.exit(), stopped.err());
        assertTrue(stopped.err().contains("reading its state store instead"), stopped.err());
        assertTrue(stopped.out().contains(spec.packetId()), "the same list from the store: " + stopped.out());
    }

    @Test
    void anOfficerClosesAFollowUpByHandWithAReasonAndItLeavesTheList() throws Exception {
        env = HubTestEnvironment.create(root, HubTestEnvironment.TWO_DEVICES);
        EmbeddedBroker broker = env.withBroker();
        Hub hub = env.startHub();
        String config = root.resolve("hub.yaml").toString();
        PacketSpec spec = PacketSpec.builder().sequence(1).nik(NIK).build();
        env.drop(spec);
        await().atMost(Duration.ofSeconds(40)).until(() -> hub.packets().find(spec.packetId())
                .map(r -> r.state() == PacketState.FORWARDED).orElse(false));
        broker.send("EKTP.PACKET.RESULTS.3310", "{\"schema\":\"ektp.packet-result/1\",\"packetId\":\"" + spec.packetId()
                + "\",\"regencyCode\":\"33.10\",\"status\":\"REJECTED\",\"at\":\"2026-11-25T10:02:00+07:00\","
                + "\"reason\":\"BIOMETRIC_QUALITY\"}", Map.of("EktpMessageId", UUID.randomUUID().toString()));
        await().atMost(Duration.ofSeconds(40)).until(() -> hub.followUps().open().size() == 1);

        CommandLineTest.Result noReason = CommandLineTest.run("followups", "--config", config, "close", spec.packetId());
        assertEquals(64, noReason.exit(), noReason.err());
        assertTrue(noReason.err().contains("close needs --reason TEXT"), noReason.err());
        assertEquals(64, CommandLineTest.run("followups", "--config", config, "close").exit(), "the packet id is needed");

        CommandLineTest.Result closed = CommandLineTest.run("followups", "--config", config, "close", spec.packetId(),
                "--reason", "recorded again at the regency office on 2026-11-30");
        assertEquals(0, closed.exit(), closed.err());
        assertTrue(closed.out().contains("by hand") && closed.out().contains("recorded again at the regency office"),
                closed.out());
        assertTrue(hub.followUps().find(spec.packetId()).orElseThrow().closedAt() != null);

        CommandLineTest.Result list = CommandLineTest.run("followups", "--config", config);
        assertEquals(0, list.exit(), list.err());
        assertTrue(list.out().contains("Follow-ups: 0"), list.out());
        assertFalse(list.out().contains(spec.packetId()), "closed ones leave the list: " + list.out());

        CommandLineTest.Result again = CommandLineTest.run("followups", "--config", config, "close", spec.packetId(),
                "--reason", "twice");
        assertEquals(1, again.exit());
        assertTrue(again.err().contains("already closed"), again.err());
    }

    private record Result(int exit, String out, String err) {}

    /** {@code lookup} with {@code stdin} as its standard input and no terminal (as when piped). */
    private static Result lookup(String[] args, String stdin) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
        PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8);
        CommandLine.IFactory factory = new CommandLine.IFactory() {
            @Override
            @SuppressWarnings("unchecked")
            public <K> K create(Class<K> cls) throws Exception {
                return cls == LookupCommand.class
                        ? (K) new LookupCommand(() -> null, () -> new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)))
                        : CommandLine.defaultFactory().create(cls);
            }
        };
        String[] full = new String[args.length + 1];
        full[0] = "lookup";
        System.arraycopy(args, 0, full, 1, args.length);
        int exit = EktpHub.execute(full, o, e, factory);
        return new Result(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }
}

package id.ektp.hub.observe;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import id.ektp.hub.connectors.ministry.MinistryBrokerConnector;
import id.ektp.hub.connectors.ministry.MinistrySftpConnector;
import id.ektp.hub.up.UpRoutes;
import id.ektp.hub.observe.ObserveClient.Health;
import id.ektp.hub.runtime.Hub;
import id.ektp.hub.sandbox.broker.EmbeddedBroker;
import id.ektp.hub.sandbox.packets.PacketSpec;
import id.ektp.hub.sandbox.sftp.EmbeddedSftpServer;
import id.ektp.hub.sandbox.sftp.SshKeys;
import id.ektp.hub.store.HubStore;
import id.ektp.hub.testing.Exchanges;
import id.ektp.hub.testing.HubTestEnvironment;
import id.ektp.hub.testing.HubTestEnvironment.TestDevice;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.apache.camel.builder.NotifyBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * /observe/health, /observe/health/live and /observe/health/ready against real peers: ready
 * means the hub's own stores and routes, never its peers, which show as details.
 */
class HubHealthTest {
    private static final Duration PATIENCE = Duration.ofSeconds(30);
    private static final String CWS01 = "device-331005-CWS01";
    private static final String TRC01 = "device-331006-TRC01";

    @TempDir
    Path root;
    HubTestEnvironment env;
    EmbeddedSftpServer ownDeviceServer;
    ObserveClient observe;

    @AfterEach
    void stop() {
        if (env != null) {
            env.close();
        }
        if (ownDeviceServer != null) {
            ownDeviceServer.close();
        }
    }

    private Hub start(List<TestDevice> devices) throws Exception {
        env = HubTestEnvironment.create(root, devices);
        return startHub();
    }

    private Hub startHub() throws Exception {
        Hub hub = env.startHub();
        observe = new ObserveClient(env.httpPort());
        return hub;
    }

    @Test
    void aDeadKecamatanDeviceShowsDownAsADetailAndTheHubStaysReady() throws Exception {
        // TRC01 on an SSH server of its own, so that it can die while CWS01 lives on.
        ownDeviceServer = EmbeddedSftpServer.builder().host("127.0.0.1").port(0)
                .hostKeyFile(root.resolve("trc01_host_key")).start();
        env = HubTestEnvironment.create(root, List.of(new TestDevice("33.10.05", "CWS01"),
                TestDevice.at("33.10.06", "TRC01", ownDeviceServer.port(), "5s")));
        ownDeviceServer.addAccount("trc01", env.deviceHome("TRC01"),
                SshKeys.readPublicKey(SshKeys.publicKeyFile(root.resolve("secrets/hub_key"))));
        ownDeviceServer.writeKnownHosts(root.resolve("secrets/known_hosts"));
        startHub();

        await().atMost(PATIENCE).until(() -> "UP".equals(observe.ready().peer(TRC01))
                && "UP".equals(observe.ready().peer(CWS01)));

        ownDeviceServer.stop();
        await().atMost(PATIENCE).until(() -> "DOWN".equals(observe.ready().peer(TRC01)));

        Health ready = observe.ready();
        assertEquals(200, ready.httpStatus(), ready.toString());
        assertEquals("UP", ready.status(), ready.toString());
        assertEquals("UP", ready.check("ektp-peers").path("status").asText());
        assertEquals("UP", ready.peer(CWS01), "the other device is unaffected");
        assertNotNull(ready.peer(TRC01 + ".error"), "the cause is shown");
        assertNotNull(ready.peer(TRC01 + ".since"));
        assertTrue(ready.check("ektp-peers").path("message").asText().contains("down: " + TRC01),
                ready.check("ektp-peers").toString());
        assertEquals("UP", ready.check("ektp-local-stores").path("status").asText());
        assertEquals("UP", ready.check("route:up-intake-331006-TRC01").path("status").asText(),
                "the dead device's route is still started: it keeps polling");

        Health all = observe.health("/observe/health?data=true");
        assertEquals(200, all.httpStatus(), all.toString());
        assertEquals("DOWN", all.peer(TRC01));
        Health live = observe.health("/observe/health/live");
        assertEquals(200, live.httpStatus(), live.toString());

        ownDeviceServer.start(); // the device is back
        await().atMost(PATIENCE).until(() -> "UP".equals(observe.ready().peer(TRC01)));
    }

    @Test
    void notReadyWhileARouteIsStoppedButStillLive() throws Exception {
        Hub hub = start(HubTestEnvironment.TWO_DEVICES);
        await().atMost(PATIENCE).until(() -> observe.ready().httpStatus() == 200);

        hub.camelContext().getRouteController().stopRoute(UpRoutes.VALIDATE);
        Health ready = observe.ready();
        assertEquals(503, ready.httpStatus(), ready.toString());
        assertEquals("DOWN", ready.status());
        assertEquals("DOWN", ready.check("route:" + UpRoutes.VALIDATE).path("status").asText(),
                ready.toString());
        assertEquals(503, observe.get("/observe/health").statusCode());
        Health live = observe.health("/observe/health/live");
        assertEquals(200, live.httpStatus(), live.toString());

        hub.camelContext().getRouteController().startRoute(UpRoutes.VALIDATE);
        await().atMost(PATIENCE).until(() -> observe.ready().httpStatus() == 200);
    }

    @Test
    void notReadyOnceTheStateStoreIsClosed() throws Exception {
        Hub hub = start(HubTestEnvironment.TWO_DEVICES);
        await().atMost(PATIENCE).until(() -> observe.ready().httpStatus() == 200);
        assertEquals("UP", observe.ready().check("ektp-local-stores").path("status").asText());

        hub.camelContext().getRegistry().lookupByNameAndType("hubStore", HubStore.class).close();

        Health ready = observe.ready();
        assertEquals(503, ready.httpStatus(), ready.toString());
        assertEquals("DOWN", ready.status());
        assertEquals("DOWN", ready.check("ektp-local-stores").path("status").asText(), ready.toString());
        assertTrue(ready.check("ektp-local-stores").path("message").asText().contains("does not answer"),
                ready.toString());
        assertEquals(200, observe.health("/observe/health/live").httpStatus(), "a closed store is not a reason to restart");
    }

    @Test
    void theMinistryBrokerIsNotContactedUntilThereIsSomethingToSendThenShowsUpAndDown() throws Exception {
        env = HubTestEnvironment.create(root, HubTestEnvironment.TWO_DEVICES);
        EmbeddedBroker broker = env.withBroker();
        Hub hub = startHub();

        Health quiet = observe.ready();
        assertEquals("NOT_CONTACTED", quiet.peer(MinistryBrokerConnector.PEER), quiet.toString());
        assertTrue(quiet.check("ektp-peers").path("message").asText().matches(".*not contacted yet: [^;]*ministry-broker.*"),
                quiet.toString());

        NotifyBuilder relayed = Exchanges.of(hub).relayed();
        hub.status().raise();
        Exchanges.await(relayed, PATIENCE, "the status report relayed to the broker");
        assertEquals("UP", observe.ready().peer(MinistryBrokerConnector.PEER), "marked up by the relay's success");

        broker.stop();
        hub.status().raise();
        await().atMost(PATIENCE).until(() -> "DOWN".equals(observe.ready().peer(MinistryBrokerConnector.PEER)));
        Health ready = observe.ready();
        assertEquals(200, ready.httpStatus(), ready.toString());
        assertEquals("UP", ready.status());
        assertNotNull(ready.peer(MinistryBrokerConnector.PEER + ".error"), ready.toString());
        assertEquals(1, hub.outbox().backlog().count(), "the message waits in the outbox");

        NotifyBuilder relayedOnceBack = Exchanges.of(hub).relayed();
        broker.start();
        Exchanges.await(relayedOnceBack, PATIENCE, "the waiting report relayed once the broker is back");
        assertEquals("UP", observe.ready().peer(MinistryBrokerConnector.PEER));
        assertEquals(0, hub.outbox().backlog().count());
    }

    @Test
    void aMinistrySftpOutageShowsDownWhileUploadsAreRetriedAndTheHubStaysReady() throws Exception {
        Hub hub = start(HubTestEnvironment.TWO_DEVICES);
        await().atMost(PATIENCE).until(() -> "UP".equals(observe.ready().peer(MinistrySftpConnector.PEER)));

        env.ministryServer().stop();
        PacketSpec spec = PacketSpec.builder().kecamatanCode("33.10.05").deviceId("CWS01").sequence(1).seed(7).build();
        NotifyBuilder checked = Exchanges.of(hub).checked(spec.packetId());
        env.drop(spec);
        Exchanges.await(checked, PATIENCE, "the packet checked");
        assertEquals(1, hub.packets().backlog().get(id.ektp.hub.store.PacketState.OUTBOUND).count());
        // Marked down by a failed attempt of the forward, which goes on retrying.
        await().atMost(PATIENCE).until(() -> "DOWN".equals(observe.ready().peer(MinistrySftpConnector.PEER)));
        Health ready = observe.ready();
        assertEquals(200, ready.httpStatus(), ready.toString());
        assertFalse(ready.peer(MinistrySftpConnector.PEER + ".error").isBlank());

        NotifyBuilder forwarded = Exchanges.of(hub).forwarded(spec.packetId());
        env.ministryServer().start();
        Exchanges.await(forwarded, PATIENCE, "the packet forwarded once the ministry is back");
        assertTrue(Files.exists(env.ministryInbox().resolve(spec.packetId() + ".zip")));
        // Marked UP by the forward's success, just after the upload's rename.
        assertEquals("UP", observe.ready().peer(MinistrySftpConnector.PEER));
    }
}

package id.ektp.hub.up;

import id.ektp.hub.connectors.device.DeviceRef;
import id.ektp.hub.connectors.ministry.MinistryInbox;
import id.ektp.hub.connectors.sftp.PeerFailure;
import id.ektp.hub.spool.Spool;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import id.ektp.hub.store.PacketRecord;
import id.ektp.hub.store.PacketRecords;
import id.ektp.hub.store.PacketState;
import java.util.Optional;
import org.apache.camel.Exchange;
import org.apache.camel.Header;

/** The bookkeeping around one upload to the ministry inbox. */
public final class PacketForwarding {
    public static final String PACKET_ID = "ektpPacketId";
    public static final String ALREADY_FORWARDED = "ektpAlreadyForwarded";
    public static final String OUTBOUND_NAME = "ektpOutboundName";
    /** The packet's record as {@link #prepare} found it (its SHA-256 and device), looked up once. */
    static final String RECORD = "ektpPacketRecord";

    private final PacketRecords packets;
    private final OutboundQueue queue;
    private final MinistryInbox inbox;

    public PacketForwarding(PacketRecords packets, OutboundQueue queue, MinistryInbox inbox) {
        this.packets = packets;
        this.queue = queue;
        this.inbox = inbox;
    }

    /**
     * Uploads the packet to the ministry inbox, resuming an earlier attempt's {@code .part}. A
     * failure of the ministry or its line goes back to the forward route's policy; after a line
     * cut it asks for the next attempt in about a second ({@link Exchange#REDELIVERY_DELAY}), not
     * after the capped backoff meant for a ministry that refuses or stays away.
     */
    public void upload(Exchange exchange, @Header(PACKET_ID) String packetId,
                       @Header(Exchange.FILE_PATH) String file) throws IOException {
        Path local = Path.of(file);
        String sha256 = Optional.ofNullable(exchange.getMessage().getHeader(RECORD, PacketRecord.class))
                .map(PacketRecord::sha256).orElse(null);
        if (sha256 == null) {
            sha256 = Spool.sha256Of(local);
        }
        String outboundName = exchange.getMessage().getHeader(OUTBOUND_NAME, String.class);
        try {
            inbox.upload(local, sha256, packetId + ".zip", Files.size(local), () -> sendNextAhead(outboundName));
            exchange.getMessage().removeHeader(Exchange.REDELIVERY_DELAY);
        } catch (PeerFailure failure) {
            long delay = inbox.retryDelayMillis(failure);
            if (delay >= 0) {
                exchange.getMessage().setHeader(Exchange.REDELIVERY_DELAY, delay);
            } else {
                exchange.getMessage().removeHeader(Exchange.REDELIVERY_DELAY);
            }
            throw failure;
        }
    }

    /** Lets the next packet in line go over the line while this one is finished and recorded. */
    private void sendNextAhead(String outboundName) {
        queue.after(outboundName).ifPresent(next -> {
            String nextId = PacketValidation.packetIdOf(next.getFileName().toString());
            packets.find(nextId).filter(r -> r.state() == PacketState.OUTBOUND)
                    .ifPresent(r -> inbox.sendAhead(next, r.sha256(), nextId + ".zip"));
        });
    }

    /**
     * Names the upload {@code <packetId>.zip} and notes whether the id was forwarded before (a
     * crash after the upload was recorded but before the file was removed): never twice.
     */
    public void prepare(Exchange exchange) {
        String outboundName = exchange.getMessage().getHeader(Exchange.FILE_NAME_ONLY, String.class);
        exchange.getMessage().setHeader(OUTBOUND_NAME, outboundName);
        String packetId = PacketValidation.packetIdOf(outboundName);
        Optional<PacketRecord> known = packets.find(packetId);
        exchange.getMessage().setHeader(PACKET_ID, packetId);
        known.ifPresent(r -> exchange.getMessage().setHeader(RECORD, r));
        exchange.getMessage().setHeader(ALREADY_FORWARDED,
                known.map(r -> r.state() == PacketState.FORWARDED).orElse(false));
        exchange.getMessage().setHeader(Exchange.FILE_NAME, packetId + ".zip");
    }

    /** The packet was forwarded before a crash; its leftover local copy is simply removed. */
    public void alreadyForwarded(@Header(PACKET_ID) String packetId, @Header(OUTBOUND_NAME) String outboundName)
            throws IOException {
        queue.removed(outboundName);
        inbox.forget(packetId + ".zip");
        packets.find(packetId).ifPresent(r -> PacketLog.state(packetId, new DeviceRef(r.kecamatan(), r.deviceId()),
                PacketState.FORWARDED, "forwarded before the last restart; local copy removed, not sent again"));
    }

    /**
     * Before every upload attempt, the first and each retry: only the earliest capture waiting
     * may go (strict FIFO, also when older packets arrive while the ministry is down).
     */
    public void ensureHead(@Header(OUTBOUND_NAME) String outboundName) {
        if (!queue.isHead(outboundName)) {
            throw new NotHeadOfQueueException(outboundName);
        }
    }

    public void forwarded(@Header(PACKET_ID) String packetId, @Header(OUTBOUND_NAME) String outboundName,
                          @Header(RECORD) PacketRecord known) {
        packets.markForwarded(packetId);
        queue.removed(outboundName);
        Optional.ofNullable(known).or(() -> packets.find(packetId)).ifPresent(r -> PacketLog.state(packetId,
                new DeviceRef(r.kecamatan(), r.deviceId()), PacketState.FORWARDED, "in the ministry inbox"));
    }
}

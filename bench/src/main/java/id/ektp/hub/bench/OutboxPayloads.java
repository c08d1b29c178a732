package id.ektp.hub.bench;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.UUID;

/**
 * The benchmark's messages: {@code ektp.failure-report/1} JSON (kind {@code PACKET_REJECTED}, ICD §3) of exactly
 * 1 KiB each, padded by a {@code detail} field of hex digits (incompressible, like a real checksum message), each
 * with a fresh UUID as report id and {@code EktpMessageId}.
 */
final class OutboxPayloads {
    static final String QUEUE = "EKTP.REPORTS.FAILURES";
    static final String TYPE = "ektp.failure-report/1";
    static final String REGENCY = "33.10";
    static final int BODY_BYTES = 1024;

    /** One message: its {@code EktpMessageId} and its JSON body. */
    record Payload(String id, String body) {}

    private OutboxPayloads() {}

    static List<Payload> generate(int count, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        List<Payload> payloads = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            String id = new UUID(random.nextLong(), random.nextLong()).toString();
            payloads.add(new Payload(id, body(id, i, random)));
        }
        return payloads;
    }

    private static String body(String id, int index, SplittableRandom random) {
        String head = "{\"reportId\":\"" + id + "\",\"regencyCode\":\"" + REGENCY + "\",\"kind\":\"PACKET_REJECTED\","
                + "\"at\":\"2026-11-23T08:15:00Z\",\"packetId\":\"331005-CWS01-20261123081500-"
                + String.format("%04d", index % 10_000) + "\",\"kecamatanCode\":\"33.10.05\","
                + "\"reason\":\"CHECKSUM_MISMATCH\",\"detail\":\"";
        String tail = "\"}";
        int pad = BODY_BYTES - head.length() - tail.length();
        StringBuilder json = new StringBuilder(BODY_BYTES).append(head);
        for (int i = 0; i < pad; i++) {
            json.append(Character.forDigit(random.nextInt(16), 16));
        }
        String text = json.append(tail).toString();
        if (text.getBytes(StandardCharsets.UTF_8).length != BODY_BYTES) {
            throw new IllegalStateException("payload is not " + BODY_BYTES + " bytes");
        }
        return text;
    }
}

package id.ektp.hub.bench;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import id.ektp.hub.sandbox.packets.PacketFactory;
import id.ektp.hub.sandbox.prr.PrrBatchFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One ministry PRR batch of {@code n} valid records (ICD §2), built and serialized before the clock
 * starts: PRR ids {@code PRR-3310-<run><8 digits>}, valid NIKs of the pickup kecamatan, pickup
 * kecamatans spread round-robin over the configured devices' kecamatans.
 */
final class PrrBatch {
    static final String REGENCY = "33.10";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** What the benchmark expects to find in each job file. */
    record Expected(String nik, String pickup) {}

    private final String batchId;
    private final String text;
    private final Map<String, Expected> records;

    private PrrBatch(String batchId, String text, Map<String, Expected> records) {
        this.batchId = batchId;
        this.text = text;
        this.records = records;
    }

    static PrrBatch of(int run, int n, List<String> kecamatans) {
        String batchId = String.format("prr-3310-20261123-%04d", run);
        Map<String, Expected> expected = new LinkedHashMap<>();
        List<ObjectNode> list = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            String prrId = String.format("PRR-3310-%d%08d", run, i + 1);
            String pickup = kecamatans.get(i % kecamatans.size());
            String nik = PacketFactory.nikFor(pickup, run * 1_000_000L + i);
            list.add(PrrBatchFactory.record(prrId, nik, pickup));
            expected.put(prrId, new Expected(nik, pickup));
        }
        try {
            String text = JSON.writeValueAsString(PrrBatchFactory.batch(batchId, REGENCY, list));
            return new PrrBatch(batchId, text, Map.copyOf(expected));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    String batchId() {
        return batchId;
    }

    String fileName() {
        return batchId + ".json";
    }

    int size() {
        return records.size();
    }

    long bytes() {
        return text.length(); // ASCII only
    }

    Map<String, Expected> records() {
        return records;
    }

    /** The ministry's way: written under a temporary name, then renamed into the outbox. */
    Path publish(Path outbox) {
        try {
            return PrrBatchFactory.publishText(text, fileName(), outbox);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot publish " + fileName() + " into " + outbox, e);
        }
    }
}

package id.ektp.hub.sandbox.prr;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

/**
 * Print-ready record batches as the ministry writes them (ICD §2): {@code prr-RRRR-yyyyMMdd-seq.json},
 * written under a temporary name and renamed when complete.
 */
public final class PrrBatchFactory {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String[] NAMES = {"SRI WAHYUNI", "BUDI SANTOSO", "SITI AMINAH", "AGUS PRASETYO",
        "DEWI LESTARI", "JOKO SUSILO", "RINA MARLINA", "BAMBANG HARTONO"};

    /** One record; {@code nik} must be valid for the record to be accepted. */
    public static ObjectNode record(String prrId, String nik, String pickupKecamatan) {
        ObjectNode r = JSON.createObjectNode();
        r.put("prrId", prrId);
        r.put("nik", nik);
        r.put("name", NAMES[Math.floorMod(prrId.hashCode(), NAMES.length)]);
        r.put("birthPlace", "KLATEN");
        r.put("birthDate", "1990-07-05");
        r.put("sex", "P");
        ObjectNode address = r.putObject("address");
        address.put("street", "DUKUH KARANG RT 002 RW 001");
        address.put("desa", "BURAN");
        address.put("kecamatanCode", pickupKecamatan);
        r.put("religion", "ISLAM");
        r.put("maritalStatus", "KAWIN");
        r.put("occupation", "PETANI");
        r.put("citizenship", "WNI");
        r.put("pickupKecamatanCode", pickupKecamatan);
        r.put("photoRef", "face.jp2");
        return r;
    }

    public static ObjectNode batch(String batchId, String regencyCode, List<ObjectNode> records) {
        ObjectNode b = JSON.createObjectNode();
        b.put("schema", "ektp.prr-batch/1");
        b.put("batchId", batchId);
        b.put("regencyCode", regencyCode);
        b.put("createdAt", "2026-11-23T02:00:00+07:00");
        ArrayNode list = b.putArray("records");
        records.forEach(list::add);
        return b;
    }

    /** Writes {@code <batchId>.json} into {@code outbox} the ministry's way: temp name, then rename. */
    public static Path publish(ObjectNode batch, Path outbox) throws IOException {
        return publishText(JSON.writeValueAsString(batch), batch.get("batchId").asText() + ".json", outbox);
    }

    public static Path publishText(String text, String fileName, Path outbox) throws IOException {
        Files.createDirectories(outbox);
        Path temp = outbox.resolve("." + fileName + ".tmp");
        Files.writeString(temp, text);
        return Files.move(temp, outbox.resolve(fileName), StandardCopyOption.ATOMIC_MOVE);
    }

    private PrrBatchFactory() {}
}

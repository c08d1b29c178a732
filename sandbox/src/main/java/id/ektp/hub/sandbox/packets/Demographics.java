package id.ektp.hub.sandbox.packets;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A packet's {@code demographics.json}: a plausible resident of Kabupaten Klaten, picked from small
 * built-in lists by the spec's seed. Sex and birth date follow the NIK (day + 40 for women), as on a
 * real card.
 */
final class Demographics {

    private static final List<String> MEN = List.of("BUDI", "AGUS", "SLAMET", "BAMBANG", "JOKO", "EKO",
            "HERU", "WAHYU", "SUGENG", "RUDI", "DWI", "ARIF", "TRI", "YOGA", "ADI", "HARYANTO");
    private static final List<String> WOMEN = List.of("SRI", "SITI", "ENDANG", "RETNO", "WULAN", "DEWI",
            "RINI", "TUTIK", "SUMARNI", "LESTARI", "NINGSIH", "PUJI", "ANIK", "YULI", "RATNA", "INDAH");
    private static final List<String> FAMILY = List.of("SANTOSO", "WAHYUNI", "PRASETYO", "SETIAWAN",
            "RAHAYU", "SURYANI", "HIDAYAT", "NUGROHO", "PURNOMO", "WIBOWO", "SAPUTRA", "LESTARI",
            "HANDAYANI", "KURNIAWAN", "SUSANTI", "MULYONO");
    private static final List<String> BIRTH_PLACES = List.of("KLATEN", "KLATEN", "KLATEN", "BOYOLALI",
            "SUKOHARJO", "SURAKARTA", "YOGYAKARTA", "WONOGIRI", "SEMARANG");
    private static final List<String> DESA = List.of("BURAN", "BAREPAN", "BENDUNGAN", "BOGOR", "JAPANAN",
            "KARANGASEM", "NANGGULAN", "PAKISAN", "TIRTOMARTO", "MLESE", "PLACIKAN", "TUGUDUWUR",
            "BALANGAN", "KEDUNGAN", "NAMENGAN");
    private static final List<String> DUKUH = List.of("KARANG", "NGASEM", "SOROGATEN", "GADUNGAN",
            "KRAJAN", "TEGALREJO", "SENDANG", "NGLARANG", "PUTAT", "JATEN");
    private static final List<String> RELIGIONS = List.of("ISLAM", "ISLAM", "ISLAM", "ISLAM", "ISLAM",
            "ISLAM", "KRISTEN", "KATOLIK", "HINDU", "BUDDHA");
    private static final List<String> OCCUPATIONS = List.of("PETANI/PEKEBUN", "WIRASWASTA",
            "KARYAWAN SWASTA", "PELAJAR/MAHASISWA", "MENGURUS RUMAH TANGGA", "GURU", "PEDAGANG",
            "BURUH HARIAN LEPAS", "PEGAWAI NEGERI SIPIL");
    private static final List<String> BLOOD_TYPES = List.of("A", "B", "AB", "O", "-");

    private static final ObjectMapper JSON = new ObjectMapper();

    private Demographics() {}

    /**
     * @param nik       the NIK written into the document (may be a deliberately invalid one)
     * @param validNik  a valid NIK to take sex and birth date from
     */
    static byte[] json(String nik, String validNik, String kecamatanCode, long seed) {
        SplittableRandom random = new SplittableRandom(seed ^ 0x44454D4FL);
        boolean woman = isWoman(validNik);
        LocalDate birthDate = birthDate(validNik, random);
        int age = 2026 - birthDate.getYear();

        ObjectNode doc = JSON.createObjectNode();
        doc.put("nik", nik);
        doc.put("name", pick(woman ? WOMEN : MEN, random) + " " + pick(FAMILY, random));
        doc.put("birthPlace", pick(BIRTH_PLACES, random));
        doc.put("birthDate", birthDate.toString());
        doc.put("sex", woman ? "P" : "L");
        doc.put("bloodType", pick(BLOOD_TYPES, random));
        ObjectNode address = doc.putObject("address");
        address.put("street", String.format("DUKUH %s RT %03d RW %03d", pick(DUKUH, random),
                1 + random.nextInt(12), 1 + random.nextInt(6)));
        address.put("desa", pick(DESA, random));
        address.put("kecamatanCode", kecamatanCode);
        address.put("kabupaten", "KLATEN");
        address.put("provinsi", "JAWA TENGAH");
        doc.put("religion", pick(RELIGIONS, random));
        doc.put("maritalStatus", age < 20 ? "BELUM KAWIN"
                : pick(List.of("BELUM KAWIN", "KAWIN", "KAWIN", "KAWIN", "CERAI HIDUP", "CERAI MATI"), random));
        doc.put("occupation", age < 22 ? "PELAJAR/MAHASISWA" : pick(OCCUPATIONS, random));
        doc.put("citizenship", "WNI");
        doc.put("validUntil", "SEUMUR HIDUP");
        try {
            return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(doc).getBytes(StandardCharsets.UTF_8);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("an in-memory tree always serializes", e);
        }
    }

    private static boolean isWoman(String nik) {
        return nikDay(nik) > 40;
    }

    /** The NIK's DDMMYY, or a seeded date if the NIK is not of that form. */
    private static LocalDate birthDate(String nik, SplittableRandom random) {
        try {
            int day = nikDay(nik) % 40;
            int month = Integer.parseInt(nik.substring(8, 10));
            int yy = Integer.parseInt(nik.substring(10, 12));
            // Two-digit years: anyone born after 2026 would not be enrolling yet.
            int year = yy <= 26 ? 2000 + yy : 1900 + yy;
            return LocalDate.of(year, month, day);
        } catch (RuntimeException notADate) {
            return LocalDate.of(1950 + random.nextInt(58), 1 + random.nextInt(12), 1 + random.nextInt(28));
        }
    }

    private static int nikDay(String nik) {
        try {
            return Integer.parseInt(nik.substring(6, 8));
        } catch (RuntimeException notANik) {
            return 1;
        }
    }

    private static String pick(List<String> options, SplittableRandom random) {
        return options.get(random.nextInt(options.size()));
    }
}

package id.ektp.hub.codes;

import java.time.ZoneId;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The time zone of each province, by its Kemendagri code (the first two digits of a regency
 * code: {@code 33} of {@code 33.10}), for {@code regency.timeZone}'s default. Indonesia keeps
 * three zones and no daylight saving:
 *
 * <ul>
 *   <li>WIB, UTC+7, {@code Asia/Jakarta}: Sumatra (11 Aceh to 19 Kepulauan Bangka Belitung, 21
 *       Kepulauan Riau), Java (31 DKI Jakarta to 36 Banten), West and Central Kalimantan (61, 62);</li>
 *   <li>WITA, UTC+8, {@code Asia/Makassar}: Bali, NTB, NTT (51-53), South, East and North
 *       Kalimantan (63-65), Sulawesi (71 Sulawesi Utara to 76 Sulawesi Barat);</li>
 *   <li>WIT, UTC+9, {@code Asia/Jayapura}: Maluku and Maluku Utara (81, 82), the Papua provinces
 *       (91 Papua, 92 Papua Barat, 93 Papua Selatan, 94 Papua Tengah, 95 Papua Pegunungan,
 *       96 Papua Barat Daya).</li>
 * </ul>
 */
public final class ProvinceZones {
    public static final ZoneId WIB = ZoneId.of("Asia/Jakarta");
    public static final ZoneId WITA = ZoneId.of("Asia/Makassar");
    public static final ZoneId WIT = ZoneId.of("Asia/Jayapura");

    private static final Map<String, ZoneId> BY_PROVINCE = new TreeMap<>();

    static {
        for (String province : new String[] {"11", "12", "13", "14", "15", "16", "17", "18", "19", "21",
                "31", "32", "33", "34", "35", "36", "61", "62"}) {
            BY_PROVINCE.put(province, WIB);
        }
        for (String province : new String[] {"51", "52", "53", "63", "64", "65", "71", "72", "73", "74", "75", "76"}) {
            BY_PROVINCE.put(province, WITA);
        }
        for (String province : new String[] {"81", "82", "91", "92", "93", "94", "95", "96"}) {
            BY_PROVINCE.put(province, WIT);
        }
    }

    private ProvinceZones() {}

    /** The zone of the province of {@code regencyCode} ({@code PP.RR}); empty for a code no province has. */
    public static Optional<ZoneId> of(String regencyCode) {
        return Optional.ofNullable(regencyCode == null || regencyCode.length() < 2 ? null
                : BY_PROVINCE.get(regencyCode.substring(0, 2)));
    }

    /** {@code WIB}, {@code WITA} or {@code WIT} for the three zones; the zone's id otherwise. */
    public static String label(ZoneId zone) {
        return zone.equals(WIB) ? "WIB" : zone.equals(WITA) ? "WITA" : zone.equals(WIT) ? "WIT" : zone.getId();
    }
}

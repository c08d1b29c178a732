package id.ektp.hub.down;

import java.util.Comparator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.camel.component.file.GenericFile;

/**
 * Names in {@code spool/batches/received/}: {@code <sha256 prefix>~<the ministry's file name>},
 * the content and the name together, so two different files under one name never collide.
 */
public final class BatchSpoolNames {
    /** ICD §2: {@code prr-<RRRR>-<yyyyMMdd>-<seq>.json}. */
    private static final Pattern MINISTRY_NAME = Pattern.compile("prr-\\d{4}-(\\d{8})-(\\d+)\\.json");

    /**
     * The batch routes' {@code sorter}, for the ministry's outbox and for the spool: batches go
     * in the ministry's order, by date and then by sequence number as a number (the ICD does
     * not fix its width: {@code -9} comes before {@code -10}), not in the order of the spool's
     * hash prefixes. It matters when several wait at once (after an outage, a restart): a PRR
     * listed in two batches is accepted in the earlier one and rejected as a duplicate in the
     * later one, as the ministry would expect.
     */
    public static final Comparator<GenericFile<?>> MINISTRY_ORDER =
            Comparator.comparing((GenericFile<?> f) -> orderKey(ministryName(f.getFileNameOnly())))
                    .thenComparing(GenericFile::getFileNameOnly);

    static String of(String sha256, String fileName) {
        return sha256.substring(0, 12) + "~" + fileName;
    }

    /** The ministry's file name in a spool name; a name without a prefix is returned as it is. */
    static String ministryName(String spoolName) {
        return spoolName.substring(spoolName.indexOf('~') + 1);
    }

    /** Date, then the sequence number left-padded to 19 digits; any other name as it is. */
    static String orderKey(String ministryName) {
        Matcher m = MINISTRY_NAME.matcher(ministryName);
        if (!m.matches()) {
            return ministryName;
        }
        String seq = m.group(2);
        return m.group(1) + "-" + "0".repeat(Math.max(0, 19 - seq.length())) + seq;
    }

    private BatchSpoolNames() {
    }
}

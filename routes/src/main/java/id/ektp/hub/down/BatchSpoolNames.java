package id.ektp.hub.down;

import java.io.File;
import java.util.Comparator;
import org.apache.camel.component.file.GenericFile;

/**
 * Names in {@code spool/batches/received/}: {@code <sha256 prefix>~<the ministry's file name>},
 * the content and the name together, so two different files under one name never collide.
 */
public final class BatchSpoolNames {
    /**
     * The processing route's {@code sorter}: batches go in the ministry's order (its file names
     * are dated and numbered), not in the order of their hashes. It matters when several wait
     * at once (after an outage, a restart): a PRR listed in two batches is accepted in the
     * earlier one and rejected as a duplicate in the later one, as the ministry would expect.
     */
    public static final Comparator<GenericFile<File>> MINISTRY_ORDER =
            Comparator.comparing((GenericFile<File> f) -> ministryName(f.getFileNameOnly()))
                    .thenComparing(GenericFile::getFileNameOnly);

    static String of(String sha256, String fileName) {
        return sha256.substring(0, 12) + "~" + fileName;
    }

    static String ministryName(String spoolName) {
        return spoolName.substring(spoolName.indexOf('~') + 1);
    }

    private BatchSpoolNames() {
    }
}

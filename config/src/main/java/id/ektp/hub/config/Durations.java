package id.ektp.hub.config;

import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The configuration's durations (ICD section 4): a positive whole number and exactly one unit,
 * {@code 500ms}, {@code 30s}, {@code 10m}, {@code 2h}, {@code 1d}. Deliberately narrower than
 * ISO-8601 ({@code PT30S}): admins write these by hand, and one obvious form leaves no room
 * for {@code 5 min} to be read as something else.
 */
public final class Durations {
    private static final Pattern FORM = Pattern.compile("([0-9]+)(ms|s|m|h|d)");
    private static final Map<String, ChronoUnit> UNITS = Map.of(
            "ms", ChronoUnit.MILLIS,
            "s", ChronoUnit.SECONDS,
            "m", ChronoUnit.MINUTES,
            "h", ChronoUnit.HOURS,
            "d", ChronoUnit.DAYS);

    private Durations() {}

    /**
     * @throws IllegalArgumentException with a message fit for an admin when {@code text} is not
     *         such a duration (also zero, or too large for a {@link Duration})
     */
    public static Duration parse(String text) {
        Matcher m = FORM.matcher(text);
        if (m.matches()) {
            try {
                long amount = Long.parseLong(m.group(1));
                if (amount > 0) {
                    return Duration.of(amount, UNITS.get(m.group(2)));
                }
            } catch (NumberFormatException | ArithmeticException tooLarge) {
                // falls through to the one message an admin needs
            }
        }
        throw new IllegalArgumentException("'" + text
                + "' is not a duration: use a number with ms, s, m, h or d, e.g. 30s");
    }
}

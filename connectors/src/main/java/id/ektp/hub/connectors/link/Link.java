package id.ektp.hub.connectors.link;

import java.time.Instant;

/**
 * One peer's link as last seen, the same for a kecamatan device, the ministry's SFTP server and
 * broker, and a printer. {@code since} is when it entered this state; {@code lastContact} the
 * last attempt, good or bad; {@code lastError} says what went wrong, null while up.
 */
public record Link(boolean up, Instant since, Instant lastContact, String lastError) {}

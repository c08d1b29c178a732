package id.ektp.hub.store;

import java.time.Instant;

/**
 * A message the hub has raised and not yet handed to the ministry broker. {@code seq} is the
 * order raised; {@code messageId} is the {@code EktpMessageId} it will carry, fixed at raise
 * time so a resend after a crash carries the same id.
 */
public record OutboxMessage(long seq, String messageId, String queue, String type, String body,
                            Instant createdAt, int attempts) {}

package id.ektp.hub.across;

import id.ektp.hub.store.Outbox;
import id.ektp.hub.store.OutboxMessage;
import java.util.List;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.component.jms.JmsConstants;

/** The bookkeeping of {@link OutboxRelayRoute}: what to send next, and that it was sent. */
public final class OutboxRelay {
    static final String SEQ = "ektpOutboxSeq";
    private static final int BATCH = 200;

    private final Outbox outbox;
    private final String regencyCode;

    public OutboxRelay(Outbox outbox, String regencyCode) {
        this.outbox = outbox;
        this.regencyCode = regencyCode;
    }

    /** The oldest unsent messages; tells the scheduler whether there was anything to do. */
    public List<OutboxMessage> next(Exchange exchange) {
        List<OutboxMessage> batch = outbox.pending(BATCH);
        exchange.setProperty(Exchange.SCHEDULER_POLLED_MESSAGES, !batch.isEmpty());
        return batch;
    }

    /** One outbox row as the JMS text message ICD §3 describes. */
    public void toJms(Exchange exchange) {
        OutboxMessage row = exchange.getMessage().getBody(OutboxMessage.class);
        Message message = exchange.getMessage();
        exchange.setProperty(SEQ, row.seq()); // a property, not a header: headers become JMS properties
        message.setHeader(JmsConstants.JMS_DESTINATION_NAME, row.queue());
        message.setHeader(Queues.MESSAGE_ID, row.messageId());
        message.setHeader(Queues.TYPE, row.type());
        message.setHeader(Queues.REGENCY, regencyCode);
        message.setBody(row.body());
    }

    public void sent(Exchange exchange) {
        outbox.markSent(exchange.getProperty(SEQ, Long.class));
    }
}

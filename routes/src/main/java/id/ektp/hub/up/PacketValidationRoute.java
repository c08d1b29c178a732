package id.ektp.hub.up;

import org.apache.camel.builder.RouteBuilder;

/**
 * UP, step 2: every packet that lands in {@code spool/received/<device>/} is checked and moved
 * on by {@link PacketValidation}, to {@code spool/outbound/} or to quarantine. The folder is
 * the queue: a packet received just before a crash is checked after the restart.
 */
public final class PacketValidationRoute extends RouteBuilder {
    public static final String ROUTE_ID = "up-validate";

    @Override
    public void configure() {
        // The processor moves the file itself (durably), so the consumer leaves it alone
        // (noop) and must not remember it (idempotent=false): a file that failed on a disk
        // error is simply seen again.
        from("file:{{hub.spool.received}}?recursive=true&antInclude=*/*.zip&readLock=none"
                + "&noop=true&idempotent=false&delay=200&initialDelay=0&maxMessagesPerPoll=200&greedy=true")
                .routeId(ROUTE_ID)
                .bean("packetValidation", "validate");
    }
}

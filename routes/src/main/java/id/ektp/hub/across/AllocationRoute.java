package id.ektp.hub.across;

import org.apache.camel.builder.RouteBuilder;

/**
 * ACROSS: shipments the ministry announces, consumed in a local JMS transaction committed
 * only after {@link AllocationIntake} stored (or quarantined) the message.
 */
public final class AllocationRoute extends RouteBuilder {
    public static final String ROUTE_ID = "across-allocations";

    @Override
    public void configure() {
        from(MinistryBroker.COMPONENT + ":queue:EKTP.STOCK.ALLOCATIONS.{{hub.regency.compact}}?transacted=true")
                .routeId(ROUTE_ID)
                .bean("allocationIntake", "receive");
    }
}

package id.ektp.hub.admin;

import id.ektp.hub.across.StockKeeper;
import id.ektp.hub.down.StrandedJobs;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteConfigurationBuilder;

/**
 * How an admin call fails, as the route configuration {@value #ID} every {@code api-*} route
 * picks: each refusal becomes its HTTP status with a JSON body naming what is wrong (401 without
 * the token, 400 for a body that is wrong, 404 for an unknown id (or a lookup without a NIK key), 409 for a state that does not
 * allow the call). Anything else is a 500 from Camel's HTTP server.
 */
public final class AdminApiPolicy extends RouteConfigurationBuilder {
    public static final String ID = "admin-api";
    static final String ERROR = "direct:api-error";

    @Override
    public void configuration() {
        var policy = routeConfiguration(ID);
        policy.onException(AdminApi.Unauthorized.class).handled(true)
                .setHeader(Exchange.HTTP_RESPONSE_CODE, constant(401))
                .setHeader("WWW-Authenticate", constant("Bearer"))
                .to(ERROR);
        policy.onException(AdminApi.BadRequest.class, StockKeeper.Refused.class).handled(true)
                .setHeader(Exchange.HTTP_RESPONSE_CODE, constant(400))
                .to(ERROR);
        policy.onException(StrandedJobs.StillConfigured.class, AdminApi.NotParked.class, JourneyApi.AlreadyClosed.class)
                .handled(true)
                .setHeader(Exchange.HTTP_RESPONSE_CODE, constant(409))
                .to(ERROR);
        policy.onException(QuarantineDesk.NotFound.class, StrandedJobs.NothingQueued.class, AdminApi.NoSuchMessage.class,
                        JourneyApi.NotFound.class)
                .handled(true)
                .setHeader(Exchange.HTTP_RESPONSE_CODE, constant(404))
                .to(ERROR);
        policy.onException(QuarantineDesk.Conflict.class).handled(true)
                .setHeader(Exchange.HTTP_RESPONSE_CODE, constant(409))
                .setHeader(Exchange.CONTENT_TYPE, constant("application/json"))
                .setBody(exchange -> AdminApi.conflict(exchange.getProperty(Exchange.EXCEPTION_CAUGHT,
                        QuarantineDesk.Conflict.class)));
    }
}

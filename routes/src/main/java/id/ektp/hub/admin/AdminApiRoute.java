package id.ektp.hub.admin;

import id.ektp.hub.across.StockKeeper;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;

/**
 * The admin calls that change the hub, on the hub's HTTP server ({@code http.host:http.port}).
 * Every one needs {@code Authorization: Bearer <token>}: 401 without it, 400 with a body that
 * names what is wrong, 200 with a JSON answer otherwise.
 */
public final class AdminApiRoute extends RouteBuilder {
    @Override
    public void configure() {
        onException(AdminApi.Unauthorized.class).handled(true)
                .setHeader(Exchange.HTTP_RESPONSE_CODE, constant(401))
                .setHeader("WWW-Authenticate", constant("Bearer"))
                .to("direct:api-error");
        onException(AdminApi.BadRequest.class, StockKeeper.Refused.class).handled(true)
                .setHeader(Exchange.HTTP_RESPONSE_CODE, constant(400))
                .to("direct:api-error");

        from("direct:api-error").routeId("api-error")
                .setHeader(Exchange.CONTENT_TYPE, constant("application/json"))
                .setBody(exchange -> AdminApi.error(exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class).getMessage()));

        post("/api/stock/arrivals", "api-stock-arrivals", "confirmArrival");
        post("/api/stock/requests", "api-stock-requests", "requestStock");
        post("/api/destructions", "api-destructions", "recordDestruction");
    }

    private void post(String path, String routeId, String method) {
        from("platform-http:" + path + "?httpMethodRestrict=POST")
                .routeId(routeId)
                .bean("adminApi", "authorize")
                .convertBodyTo(String.class)
                .bean("adminApi", method)
                .setHeader(Exchange.CONTENT_TYPE, constant("application/json"));
    }
}

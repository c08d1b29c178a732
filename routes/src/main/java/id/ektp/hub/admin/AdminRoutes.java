package id.ektp.hub.admin;

import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;

/**
 * ADMIN: what an operator or an admin changes in a running hub. The configuration file is
 * watched and each edit applied or refused ({@value #CONFIG_WATCH}); the admin calls are served
 * on the hub's HTTP server ({@code http.host:http.port}). Every call that
 * changes the hub ({@code POST}, {@code DELETE}) needs {@code Authorization: Bearer <token>}:
 * 401 without it, 400 with a body that names what is wrong, 404 for an unknown quarantine id
 * (or a printer with nothing QUEUED on it, or an unknown outbox message), 409 for a quarantined
 * item still invalid (or already dropped), a requeue for a printer still configured or an outbox
 * message that is not parked, 200 with a JSON answer otherwise
 * ({@link AdminApiPolicy}).
 */
public final class AdminRoutes extends RouteBuilder {
    /** The id it had before the routes were grouped by flow: dashboards keyed on it keep working. */
    public static final String CONFIG_WATCH = "runtime-config-watch";
    public static final String QUARANTINE_RECOVERY = "admin-quarantine-recovery";

    @Override
    public void configure() {
        from(AdminApiPolicy.ERROR).routeId("api-error")
                .setHeader(Exchange.CONTENT_TYPE, constant("application/json"))
                .setBody(exchange -> AdminApi.error(exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class).getMessage()));

        // Once at the start: a release or drop whose file move a crash interrupted is finished.
        from("timer:quarantine-recovery?repeatCount=1&delay=0").routeId(QUARANTINE_RECOVERY)
                .bean("quarantineDesk", "finishInterrupted");

        // Config hot reload: every hub.config.watchMillis the file's checksum is compared with
        // the last one seen, and an edit is validated and applied or refused (ConfigReload). A
        // checksum rather than the modification time: editors that replace the file, and clocks
        // that step, cannot hide an edit from it.
        from("scheduler:config-watch?delay={{hub.config.watchMillis}}&initialDelay={{hub.config.watchMillis}}")
                .routeId(CONFIG_WATCH)
                .bean("configReload", "check");

        post("/api/stock/arrivals", "api-stock-arrivals", "confirmArrival");
        post("/api/stock/requests", "api-stock-requests", "requestStock");
        post("/api/destructions", "api-destructions", "recordDestruction");

        // Quarantine (ICD section 4). Reading needs no token, like the status page; release and
        // drop do. One consumer per path, the method chosen inside: ids come from the path.
        from("platform-http:/api/quarantine?httpMethodRestrict=GET")
                .routeId("api-quarantine-list").routeConfigurationId(AdminApiPolicy.ID)
                .bean("adminApi", "listQuarantine")
                .setHeader(Exchange.CONTENT_TYPE, constant("application/json"));
        from("platform-http:/api/quarantine/{id}?httpMethodRestrict=GET,DELETE")
                .routeId("api-quarantine-item").routeConfigurationId(AdminApiPolicy.ID)
                .choice()
                    .when(header(Exchange.HTTP_METHOD).isEqualTo("DELETE"))
                        .bean("adminApi", "authorize")
                        .bean("adminApi", "dropQuarantined")
                    .otherwise()
                        .bean("adminApi", "quarantineItem")
                .end()
                .setHeader(Exchange.CONTENT_TYPE, constant("application/json"));
        from("platform-http:/api/quarantine/{id}/release?httpMethodRestrict=POST")
                .routeId("api-quarantine-release").routeConfigurationId(AdminApiPolicy.ID)
                .bean("adminApi", "authorize")
                .bean("adminApi", "releaseQuarantined")
                .setHeader(Exchange.CONTENT_TYPE, constant("application/json"));

        // Outbox messages the ministry broker refused for good (parked). Listing needs no token;
        // retry and drop do, and each is audited.
        from("platform-http:/api/outbox/parked?httpMethodRestrict=GET")
                .routeId("api-outbox-parked").routeConfigurationId(AdminApiPolicy.ID)
                .bean("adminApi", "listParked")
                .setHeader(Exchange.CONTENT_TYPE, constant("application/json"));
        from("platform-http:/api/outbox/{id}/retry?httpMethodRestrict=POST")
                .routeId("api-outbox-retry").routeConfigurationId(AdminApiPolicy.ID)
                .bean("adminApi", "authorize")
                .bean("adminApi", "retryParked")
                .setHeader(Exchange.CONTENT_TYPE, constant("application/json"));
        from("platform-http:/api/outbox/{id}?httpMethodRestrict=DELETE")
                .routeId("api-outbox-drop").routeConfigurationId(AdminApiPolicy.ID)
                .bean("adminApi", "authorize")
                .bean("adminApi", "dropParked")
                .setHeader(Exchange.CONTENT_TYPE, constant("application/json"));

        // Jobs left QUEUED on a printer taken out of the configuration, queued again (StrandedJobs).
        from("platform-http:/api/printers/{id}/requeue?httpMethodRestrict=POST")
                .routeId("api-printer-requeue").routeConfigurationId(AdminApiPolicy.ID)
                .bean("adminApi", "authorize")
                .convertBodyTo(String.class)
                .bean("adminApi", "requeueStranded")
                .setHeader(Exchange.CONTENT_TYPE, constant("application/json"));

        // The calls that name a resident (JourneyApi), behind the token even to read. The NIK
        // of a lookup travels in the body, never in a URL; neither answer may be cached.
        from("platform-http:/api/packets/{packetId}?httpMethodRestrict=GET&headerFilterStrategy=#" + PersonalDataHeaders.BEAN)
                .routeId("api-packet").routeConfigurationId(AdminApiPolicy.ID)
                .bean("adminApi", "authorize")
                .bean("journeyApi", "packet")
                .setHeader(Exchange.CONTENT_TYPE, constant("application/json"))
                .setHeader("Cache-Control", constant("no-store"));
        from("platform-http:/api/lookup?httpMethodRestrict=POST&headerFilterStrategy=#" + PersonalDataHeaders.BEAN)
                .routeId("api-lookup").routeConfigurationId(AdminApiPolicy.ID)
                .bean("adminApi", "authorize")
                .convertBodyTo(String.class)
                .bean("journeyApi", "lookup")
                .setHeader(Exchange.CONTENT_TYPE, constant("application/json"))
                .setHeader("Cache-Control", constant("no-store"));
        // A follow-up closed by hand, with the officer's reason (audited): it names a packet of a resident.
        from("platform-http:/api/followups/{packetId}/close?httpMethodRestrict=POST&headerFilterStrategy=#"
                + PersonalDataHeaders.BEAN)
                .routeId("api-followup-close").routeConfigurationId(AdminApiPolicy.ID)
                .bean("adminApi", "authorize")
                .convertBodyTo(String.class)
                .bean("journeyApi", "closeFollowUp")
                .setHeader(Exchange.CONTENT_TYPE, constant("application/json"))
                .setHeader("Cache-Control", constant("no-store"));
    }

    private void post(String path, String routeId, String method) {
        from("platform-http:" + path + "?httpMethodRestrict=POST")
                .routeId(routeId).routeConfigurationId(AdminApiPolicy.ID)
                .bean("adminApi", "authorize")
                .convertBodyTo(String.class)
                .bean("adminApi", method)
                .setHeader(Exchange.CONTENT_TYPE, constant("application/json"));
    }
}

package id.ektp.hub.runtime;

import org.apache.camel.builder.RouteBuilder;

/**
 * Config hot reload: every {@code hub.config.watchMillis} the configuration file's checksum is
 * compared with the last one seen, and an edit is validated and applied or refused by
 * {@link ConfigReload}. A checksum rather than the modification time: editors that replace
 * the file, and clocks that step, cannot hide an edit from it.
 */
public final class ConfigWatchRoute extends RouteBuilder {
    public static final String ROUTE_ID = "runtime-config-watch";

    @Override
    public void configure() {
        errorHandler(defaultErrorHandler().maximumRedeliveries(0).logStackTrace(true));

        from("scheduler:config-watch?delay={{hub.config.watchMillis}}&initialDelay={{hub.config.watchMillis}}")
                .routeId(ROUTE_ID)
                .bean("configReload", "check");
    }
}

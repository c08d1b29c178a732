package id.ektp.hub.across;

import org.apache.camel.builder.RouteBuilder;

/**
 * ACROSS, on schedules: the stock check ({@code stock.checkSchedule}, Quartz cron), the
 * device watch (every few seconds) and the hub status report ({@code reports.statusInterval}).
 */
public final class SchedulesRoute extends RouteBuilder {
    public static final String STOCK_CHECK = "across-stock-check";
    public static final String DEVICE_WATCH = "across-device-watch";
    public static final String HUB_STATUS = "across-hub-status";

    private final String stockCron;
    private final long statusIntervalMillis;

    public SchedulesRoute(String stockCron, long statusIntervalMillis) {
        this.stockCron = stockCron;
        this.statusIntervalMillis = statusIntervalMillis;
    }

    @Override
    public void configure() {
        from("quartz://ektp/stock-check?cron=" + stockCron.trim().replaceAll("\\s+", "+"))
                .routeId(STOCK_CHECK)
                .bean("stockKeeper", "check");

        from("timer:device-watch?period=2000&delay=2000")
                .routeId(DEVICE_WATCH)
                .bean("deviceWatch", "check");

        from("timer:hub-status?period=" + statusIntervalMillis + "&delay=" + statusIntervalMillis)
                .routeId(HUB_STATUS)
                .bean("hubStatusReport", "raise");
    }
}

package id.ektp.hub.observe;

import id.ektp.hub.connectors.link.Links;
import id.ektp.hub.spool.Spool;
import id.ektp.hub.store.HubStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;

/**
 * Readiness: the hub's own disk is usable. The state store answers a query on its one
 * connection (so a closed or broken store is DOWN, not merely "configured"), and the spool
 * folders every flow moves payloads through exist. Everything the hub accepts goes through
 * both before any peer is acknowledged, so without them it must not be called ready.
 *
 * <p>Not a liveness check: a store that fails to answer at runtime (disk gone) is an
 * operator's problem, and a restart loop would not mend it.
 */
final class LocalStoresHealthCheck extends AbstractHealthCheck {
    static final String ID = "ektp-local-stores";

    private final HubStore store;
    private final Spool spool;

    LocalStoresHealthCheck(HubStore store, Spool spool) {
        super(HubHealthChecks.GROUP, ID);
        this.store = store;
        this.spool = spool;
    }

    @Override
    public boolean isLiveness() {
        return false;
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        builder.detail("state.store", store.file().toString());
        try {
            store.read(c -> {
                try (var st = c.createStatement(); var rs = st.executeQuery("SELECT 1")) {
                    return rs.next();
                }
            });
        } catch (RuntimeException e) {
            builder.down().message("state store " + store.file() + " does not answer: " + Links.describe(e)).error(e);
            return;
        }
        for (Path folder : new Path[] {spool.received(), spool.outbound(), spool.incoming()}) {
            if (!Files.isDirectory(folder)) {
                builder.down().message("spool folder " + folder + " is missing");
                return;
            }
        }
        builder.up();
    }
}

package id.ektp.hub.observe;

import id.ektp.hub.spool.Spool;
import id.ektp.hub.store.HubStore;
import java.util.List;
import java.util.stream.Stream;
import org.apache.camel.CamelContext;
import org.apache.camel.CamelContextAware;
import org.apache.camel.health.HealthCheck;
import org.apache.camel.health.HealthCheckRepository;

/**
 * The hub's own health checks, beside Camel's {@code context} and per-route checks. Bound as
 * a bean, camel-main registers it with the health-check registry; {@code /observe/health},
 * {@code /observe/health/live} and {@code /observe/health/ready} then include them.
 *
 * <ul>
 *   <li>{@value LocalStoresHealthCheck#ID} (readiness): the state store and spool folders;</li>
 *   <li>{@value PeersHealthCheck#ID} (readiness, always UP): each peer's link as a detail.</li>
 * </ul>
 *
 * See {@code HubProperties} for the Camel checks kept and dropped, and docs/design.md.
 */
public final class HubHealthChecks implements HealthCheckRepository, CamelContextAware {
    static final String GROUP = "ektp";

    private final List<HealthCheck> checks;
    private CamelContext camelContext;
    private boolean enabled = true;

    public HubHealthChecks(HubStore store, Spool spool, PeerStates peers) {
        this.checks = List.of(new LocalStoresHealthCheck(store, spool), new PeersHealthCheck(peers));
    }

    @Override
    public String getId() {
        return "ektp-hub";
    }

    @Override
    public boolean isEnabled() {
        return enabled;
    }

    @Override
    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    @Override
    public Stream<HealthCheck> stream() {
        return enabled ? checks.stream() : Stream.empty();
    }

    @Override
    public CamelContext getCamelContext() {
        return camelContext;
    }

    /** The checks need the context (for the registry's initial state); the registry sets it on registration. */
    @Override
    public void setCamelContext(CamelContext camelContext) {
        this.camelContext = camelContext;
        checks.forEach(check -> CamelContextAware.trySetCamelContext(check, camelContext));
    }
}

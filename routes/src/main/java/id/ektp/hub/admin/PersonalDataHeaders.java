package id.ektp.hub.admin;

import org.apache.camel.http.base.HttpHeaderFilterStrategy;

/**
 * The header filter of the calls that answer with a resident's data ({@link JourneyApi}, the
 * follow-up list) and of {@code /api/status}: Camel's HTTP default, except that {@code Cache-Control} goes out. Camel's default drops it from every
 * answer (as a hop-by-hop header), and {@code no-store} is what keeps a resident's journey out of
 * the counter browser's cache.
 */
public final class PersonalDataHeaders extends HttpHeaderFilterStrategy {
    /** The bean name the endpoints name ({@code headerFilterStrategy=#personalDataHeaders}). */
    public static final String BEAN = "personalDataHeaders";

    @Override
    protected void initialize() {
        super.initialize();
        getOutFilter().remove("cache-control");
    }
}

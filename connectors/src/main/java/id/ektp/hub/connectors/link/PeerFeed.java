package id.ektp.hub.connectors.link;

import java.util.List;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangePropertyKey;
import org.apache.camel.Processor;

/**
 * Route steps that tell {@link Links} (the bean {@value #BEAN}) about a contact with a
 * peer: {@link #up} after a send the peer acknowledged, {@link #downOn} as an error handler's
 * {@code onExceptionOccurred}, called on every failed attempt including each redelivery.
 *
 * <p>{@link #downOn} marks the peer down only for failures of the peer itself (the kinds
 * given, anywhere in the cause chain): a local failure in the same route, such as the state
 * store refusing a write, says nothing about the peer.
 */
public final class PeerFeed {
    public static final String BEAN = "peerLinks";

    private PeerFeed() {}

    public static Processor up(String peer) {
        return exchange -> links(exchange).up(peer);
    }

    @SafeVarargs
    public static Processor downOn(String peer, Class<? extends Throwable>... peerFailures) {
        List<Class<? extends Throwable>> kinds = List.of(peerFailures);
        return exchange -> {
            Throwable failure = exchange.getProperty(ExchangePropertyKey.EXCEPTION_CAUGHT, Throwable.class);
            if (failure == null) {
                failure = exchange.getException();
            }
            if (failure != null && causedBy(failure, kinds)) {
                links(exchange).down(peer, failure);
            }
        };
    }

    static boolean causedBy(Throwable failure, List<Class<? extends Throwable>> kinds) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            for (Class<? extends Throwable> kind : kinds) {
                if (kind.isInstance(t)) {
                    return true;
                }
            }
        }
        return false;
    }

    private static Links links(Exchange exchange) {
        return exchange.getContext().getRegistry().lookupByNameAndType(BEAN, Links.class);
    }
}

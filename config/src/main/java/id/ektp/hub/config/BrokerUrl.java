package id.ektp.hub.config;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.Optional;
import org.apache.activemq.transport.TransportFactory;
import org.apache.activemq.util.URISupport;
import org.apache.activemq.util.URISupport.CompositeData;

/**
 * {@code ministry.broker.url}, read by the ActiveMQ client that will connect with it (without
 * connecting): its syntax, {@code failover:(...)} included, and each broker's scheme (one the
 * client has a transport for), host and port. A typo here would otherwise only show when the
 * first report is sent. (Options after {@code ?} are the client's to check, when it connects.)
 */
final class BrokerUrl {
    static final List<String> PREFIXES = List.of("tcp://", "ssl://", "nio://", "nio+ssl://", "failover:", "vm://");
    private static final List<String> BROKER_SCHEMES = List.of("tcp", "ssl", "nio", "nio+ssl");

    private BrokerUrl() {}

    /** What is wrong with {@code url}; empty when the ActiveMQ client can use it. */
    static Optional<String> problem(String url) {
        if (PREFIXES.stream().noneMatch(url::startsWith)) {
            return Optional.of("'" + url + "' is not an ActiveMQ broker URL: it must start with one of "
                    + String.join(", ", PREFIXES));
        }
        try {
            URI uri = new URI(url);
            if (url.startsWith("failover:")) {
                CompositeData composite = URISupport.parseComposite(uri);
                if (composite.getComponents().length == 0) {
                    return Optional.of("'" + url + "' names no broker: write failover:(ssl://host:61617)");
                }
                for (URI broker : composite.getComponents()) {
                    Optional<String> problem = broker(broker, url);
                    if (problem.isPresent()) {
                        return problem;
                    }
                }
            } else if (!url.startsWith("vm://")) {
                Optional<String> problem = broker(uri, url);
                if (problem.isPresent()) {
                    return problem;
                }
            }
            return Optional.empty();
        } catch (URISyntaxException e) {
            return Optional.of("'" + url + "' is not a valid URL: " + e.getMessage());
        }
    }

    private static Optional<String> broker(URI broker, String url) {
        if (broker.getScheme() == null || !BROKER_SCHEMES.contains(broker.getScheme())) {
            return Optional.of("'" + broker + "' in '" + url + "' is not a broker address: it must start with one of tcp://,"
                    + " ssl://, nio://, nio+ssl://");
        }
        try {
            TransportFactory.findTransportFactory(broker);
        } catch (IOException e) {
            return Optional.of("'" + broker + "' in '" + url + "': " + e.getMessage());
        }
        if (broker.getHost() == null || broker.getPort() <= 0) {
            return Optional.of("'" + broker + "' in '" + url + "' needs a host and a port (ActiveMQ has no default):"
                    + " e.g. " + broker.getScheme() + "://mq.kemendagri.example:" + (broker.getScheme().contains("ssl") ? 61617 : 61616));
        }
        return Optional.empty();
    }
}

package id.ektp.hub.config;

/**
 * One thing wrong with a configuration: the key path as an admin would find it in the YAML
 * ({@code devices[3].sftp.privateKeyFile}) and what is wrong with it.
 */
public record ConfigProblem(String key, String message) {
    @Override
    public String toString() {
        return key + ": " + message;
    }
}

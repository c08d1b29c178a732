package id.ektp.hub.connectors.link;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Raw errors as the links record them (each seen from the hub's clients against real peers in
 * this suite's tests, or in JSch's and ActiveMQ's sources), and the kind of trouble each is.
 */
class LinkTroubleTest {
    @ParameterizedTest(name = "{1}: {0}")
    @CsvSource(delimiter = '|', value = {
        "GenericFileOperationFailedException: Auth fail for methods 'publickey' | LOGIN_REFUSED",
        "GenericFileOperationFailedException: Auth cancel for methods 'publickey' | LOGIN_REFUSED",
        "JMSSecurityException: User name [reg3310] or password is invalid. | LOGIN_REFUSED",
        "GenericFileOperationFailedException: HostKey has been changed: [127.0.0.1]:38555 | HOST_KEY_CHANGED",
        "GenericFileOperationFailedException: UnknownHostKey: [127.0.0.1]:2222. ECDSA key fingerprint is SHA256:x | HOST_KEY_UNKNOWN",
        "GenericFileOperationFailedException: reject HostKey: 10.33.10.5 | HOST_KEY_UNKNOWN",
        "GenericFileOperationFailedException: Connection refused | UNREACHABLE",
        "UncategorizedJmsException: Connection refused | UNREACHABLE",
        "UncategorizedJmsException: Could not connect to broker URL: tcp://127.0.0.1:1. Reason: java.net.ConnectException: Connection refused | UNREACHABLE",
        "JMSException: Failover timeout of 30000 ms reached. | UNREACHABLE",
        "GenericFileOperationFailedException: No route to host | UNREACHABLE",
        "GenericFileOperationFailedException: java.net.UnknownHostException: sftp.kemendagri.example | UNREACHABLE",
        "GenericFileOperationFailedException: timeout: socket is not established | TIMED_OUT",
        "GenericFileOperationFailedException: Read timed out | TIMED_OUT",
        "GenericFileOperationFailedException: connection is closed by foreign host | CONNECTION_DROPPED",
        "GenericFileOperationFailedException: End of IO Stream Read | CONNECTION_DROPPED",
        "GenericFileOperationFailedException: Pipe closed | CONNECTION_DROPPED",
        "GenericFileOperationFailedException: inputstream is closed | CONNECTION_DROPPED",
        "the queue folder is not there (a share not mounted?) | FOLDER_MISSING",
        "GenericFileOperationFailedException: Cannot change directory to: outbox | FOLDER_MISSING",
        "SftpException: No such file | FOLDER_MISSING",
        "SftpException: Permission denied | PERMISSION_DENIED",
        "SSLHandshakeException: PKIX path building failed: unable to find valid certification path | TLS_UNTRUSTED",
        "IllegalStateException: something nobody foresaw | OTHER",
        // The hub's own SFTP client (connectors.sftp), as SftpSessions and SftpLink word them.
        "Auth fail: 127.0.0.1:2222 refused the login of cws01 with key hub_ed25519 | LOGIN_REFUSED",
        "HostKey of /127.0.0.1:2222 (SHA256:x) is not in /etc/ektp/known_hosts: refused (strict host-key checking) | HOST_KEY_UNKNOWN",
        "HostKey of /127.0.0.1:2222 has changed (now SHA256:y, known_hosts has SHA256:x): refused until an operator who checked the new fingerprint puts it in /etc/ektp/known_hosts | HOST_KEY_CHANGED",
        "connect to 127.0.0.1:2222 failed: Connection refused | UNREACHABLE",
        "connect to 10.33.10.5:22 timed out after PT10S | TIMED_OUT",
        "upload of 331005-CWS01-20261223080001-0001.zip: writing: line cut (Channel is being closed) at byte 360448 of 2097612 | CONNECTION_DROPPED",
        "download of X.zip: reading: no answer within readTimeout (30 s) at byte 0 of 10 | TIMED_OUT",
        "the download of X.zip took longer than its deadline of 95 s | TIMED_OUT",
        "session with 127.0.0.1:2222 ended during the login: closed | CONNECTION_DROPPED",
        "removing packets the hub holds: the line broke | CONNECTION_DROPPED",
        "listing outbox: the server answered No such file (SSH_FX_NO_SUCH_FILE) | FOLDER_MISSING"})
    void eachRawErrorIsOneKindOfTrouble(String raw, LinkTrouble expected) {
        assertEquals(expected, LinkTrouble.of(raw));
    }

    @Test
    void theWordsSayWhatHappenedAndWhatToDoInBothLanguages() {
        LinkTrouble.Words words = LinkTrouble.words("GenericFileOperationFailedException: Auth fail for methods 'publickey'",
                LinkTrouble.Peer.DEVICE);
        assertEquals("LOGIN_REFUSED", words.code());
        assertEquals("Login ditolak: perangkat kecamatan tidak mengenal kunci hub.", words.what());
        assertEquals("Login refused: the kecamatan device does not know the hub's key.", words.whatEn());
        assertEquals("Login refused: the ministry's message broker does not accept the hub's username or password.",
                LinkTrouble.words("JMSSecurityException: User name [reg3310] or password is invalid.",
                        LinkTrouble.Peer.MINISTRY_BROKER).whatEn(), "the broker takes a password, not a key");
        assertEquals("Perangkat kecamatan mati, atau jaringannya putus.",
                LinkTrouble.words("Connection refused", LinkTrouble.Peer.DEVICE).what(), "a sentence starts with a capital");
        assertEquals("The printer is off, or its line is down.",
                LinkTrouble.words("Connection refused", LinkTrouble.Peer.PRINTER).whatEn());
        assertNull(LinkTrouble.words(null, LinkTrouble.Peer.DEVICE), "no error, no words");
    }
}

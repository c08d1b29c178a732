package id.ektp.hub.connectors.sftp;

/** A regular file as a peer's listing showed it: name, size, modification time (seconds). */
public record RemoteFile(String name, long size, long modifiedSeconds) {}

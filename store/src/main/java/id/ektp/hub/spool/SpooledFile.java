package id.ektp.hub.spool;

import java.nio.file.Path;

/** A file the spool has written and forced to disk, with what it measured on the way. */
public record SpooledFile(Path path, String sha256, long size) {}

/*
 * Experiment only, never for a real hub: makes fsync() and fdatasync() return at once without
 * flushing anything, to measure what the hub's durability (fsync of every spooled file and
 * folder, SQLite synchronous=FULL commits) costs in the benchmark.
 *
 *   gcc -shared -fPIC -O2 -o bench/out/libnofsync.so bench/nofsync.c
 *   bench/up-benchmark.sh --hub-env LD_PRELOAD=$PWD/bench/out/libnofsync.so ...
 *
 * Only the hub process gets it (--hub-env); the SFTP servers and OpenSSH never fsync anyway.
 */
int fsync(int fd) { (void) fd; return 0; }
int fdatasync(int fd) { (void) fd; return 0; }

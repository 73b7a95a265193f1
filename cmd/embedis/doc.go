// Command embedis is a standalone Redis-compatible server backed by an
// embedis Store. It takes redis-server's command line and redis.conf, so
// that a script that starts
//
//	redis-server --port 7000 --appendonly yes
//
// starts embedis with the same words:
//
//	embedis --port 7000 --appendonly yes
//	embedis /etc/redis/redis.conf --loglevel warning
//
// Every redis.conf parameter of Redis 7.4 is recognized; an unknown one is
// an error naming it. Parameters embedis has no use for (tls-*, cluster-*,
// replica-*, io-threads, ...) are accepted and shown by CONFIG GET, as in
// a Redis that does not use the feature. It listens on 127.0.0.1:6379
// unless told otherwise (--bind, --port, --unixsocket), and stops
// gracefully on SIGINT, SIGTERM or SHUTDOWN, saving a snapshot first when
// save points are configured, as Redis does.
//
// # Concurrency
//
// One process serves any number of clients in parallel (one goroutine per
// connection); every command is atomic, as in Redis. SIGINT and SIGTERM
// stop it gracefully: listeners close, connections finish their current
// command, the final snapshot is written when save points are configured,
// and the append-only log is flushed.
//
// # Caveats
//
// Not supported: daemonize yes (run it under a service manager), TLS,
// replication (replicaof), cluster mode, ACL users (user), modules
// (loadmodule) and rename-command; each is refused with an error naming
// it. The snapshot file (dbfilename, default dump.edb) is embedis's own
// format, not RDB; the append-only log is Redis's RESP format.
package main

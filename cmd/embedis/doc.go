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
// One process serves any number of clients (on Linux, TCP and unix-socket
// clients share a few event loops, and a client that blocks or subscribes
// gets a goroutine of its own; see package server); every command is
// atomic, as in Redis. SIGINT and SIGTERM
// stop it gracefully: listeners close, connections finish their current
// command, the final snapshot is written when save points are configured,
// and the append-only log is flushed.
//
// # Memory and the garbage collector
//
// Unlike redis-server, embedis runs Go's garbage collector, whose pace
// (GOGC) is set by the live heap: a small dataset means a collection every
// few megabytes of allocation, each adding latency. So while the live heap
// is small the server raises GOGC to keep the heap goal at 64 MiB or more
// (the heap floor, gcfloor.go); above that the collector runs as usual.
// EMBEDIS_GC_HEAP_FLOOR_MB sets the floor in MiB (0 turns it off), and a
// GOGC setting in the environment turns it off as well. GOMEMLIMIT, when
// set, bounds the heap as usual.
//
// # Caveats
//
// Not supported: daemonize yes (run it under a service manager), TLS,
// replication (replicaof), cluster mode, ACL users (user), modules
// (loadmodule) and rename-command; each is refused with an error naming
// it. The snapshot file (dbfilename, default dump.edb) is embedis's own
// format, not RDB; the append-only log is Redis's RESP format.
package main

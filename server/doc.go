// Package server serves an embedis Store over the Redis protocol (RESP2
// and RESP3), so that any Redis client — go-redis, rueidis, redis-cli,
// redis-benchmark — works against it unchanged.
//
// A Server listens on TCP (127.0.0.1:6379 by default, never on every
// interface unless asked), on a unix socket, or on nothing at all:
// DialContext returns an in-memory connection that go-redis takes as its
// Options.Dialer.
//
//	store := embedis.MustOpen(nil)
//	srv, _ := server.New(store, nil)
//	l, _ := net.Listen("tcp", "127.0.0.1:0")
//	go srv.Serve(l)
//	defer srv.Shutdown(context.Background())
//
// Connections are read with resp.Reader (Redis's exact protocol errors and
// limits: proto-max-bulk-len, the multibulk count,
// client-query-buffer-limit, and the stricter limits before AUTH), run
// through an embedis.Session, and their replies are buffered in a
// resp.Writer and written once per pipelined batch. A protocol error is
// answered as Redis answers it and the connection is closed.
//
// On Linux, TCP and unix-socket connections are served by event loops
// (Options.EventLoops): a few goroutines, each waiting on an epoll
// instance, read every ready socket, run its commands and write the
// replies, as Redis's event loop does. A connection that has to wait
// moves to a goroutine of its own for the rest of its life: before a
// command that may block (BLPOP, XREAD BLOCK, DEBUG SLEEP, or any command
// during CLIENT PAUSE), when it subscribes or becomes a MONITOR, when its
// client stops reading (a write would block), or when an idle timeout is
// configured. In-memory connections, and every connection elsewhere than
// Linux, have a goroutine from the start. A loop that runs out of ready
// sockets polls for up to 50µs before it sleeps (Options.LoopPoll), while
// polling keeps finding work, and for at most 2.5 ms of each 10 ms
// accounting period: a busy server spends up to about a quarter of a CPU
// per loop that redis-server would leave idle, and its clients do not pay
// to wake it.
//
// Pub/sub messages and MONITOR lines are queued in the session by the
// publishing goroutine; the connection's goroutine is woken (its read
// deadline is moved to the past) and writes them between replies, so a
// push never lands inside a reply.
//
// # Concurrency
//
// A Server's methods are safe for concurrent use. Serve may be called for
// several listeners at once. Each connection runs commands one at a time,
// as Redis does for a client; different connections run in parallel
// (each event loop serves its connections one after another, the loops
// and the goroutine-mode connections in parallel), with the Store's own
// locking keeping each command atomic.
//
// # Caveats
//
//   - Replies are written when no complete command remains in the input.
//     A client that pipelines an enormous batch gets its replies when the
//     batch has been read, with the whole batch's replies in memory, as
//     Redis's unlimited normal-client output buffer would hold them.
//   - A command that blocks (BLPOP) notices that its client disconnected
//     only when the server stops or the client is killed, because the
//     connection is not read while a command runs.
//   - A long-running command (a slow Lua script, KEYS on a huge database)
//     delays the other clients of its event loop, as it delays every
//     client of a Redis server.
//   - Client-side caching (CLIENT TRACKING) is not supported; rueidis
//     needs DisableCache: true.
//   - The pub/sub output limit is the fixed 32 MiB hard limit of Redis's
//     default client-output-buffer-limit for pubsub clients; soft limits
//     are not applied.
package server

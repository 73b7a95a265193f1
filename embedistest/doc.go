// Package embedistest runs an embedis server for a test: one line instead
// of a real Redis, unchanged client code, and a clock the test controls.
//
//	func TestCache(t *testing.T) {
//		srv := embedistest.Run(t)
//		rdb := redis.NewClient(&redis.Options{Addr: srv.Addr()})
//		// or, with no socket: &redis.Options{Dialer: srv.DialContext}
//		rdb.Set(ctx, "k", "v", time.Minute)
//		srv.FastForward(2 * time.Minute) // O(1), however many keys
//		rdb.Get(ctx, "k")                 // redis.Nil
//	}
//
// The server speaks RESP2 and RESP3 on a free port of 127.0.0.1 and over
// in-memory connections, shares the test's Store (Server.Store) so the
// test can also read and seed data through the typed API, and is stopped
// with its Store in t.Cleanup. DEBUG is enabled (enable-debug-command yes).
//
// # Concurrency
//
// A Server and its Clock are safe for concurrent use; any number of
// clients may connect. FastForward and SetTime take effect for the next
// command of every client.
//
// # Caveats
//
//   - The clock keeps running in real time, offset by FastForward and
//     SetTime, unless Clock().Freeze() stops it.
//   - A key whose TTL has passed is expired for every command at once, but
//     it is reclaimed (and DBSIZE stops counting it, as in Redis) only when
//     it is accessed or when the background expiry cycle reaches it;
//     Store().ActiveExpire() reclaims them all now.
//   - Each Run opens a new Store: tests do not share data.
package embedistest

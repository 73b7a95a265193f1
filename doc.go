// Package embedis gives a Go program Redis 7.4's data structures inside
// its own process: typed accessors at memory speed, the same semantics and
// error strings as Redis, expiry, and a command interface (Do) shared with
// the RESP server, Lua and log replay, so every command has exactly one
// implementation.
//
//	s, _ := embedis.Open(nil) // in-memory, Redis defaults
//	defer s.Close()
//	s.Set("greeting", "hello", &embedis.SetArgs{TTL: time.Minute})
//	v, err := s.Get("greeting") // "hello", nil
//	_, err = s.Get("missing")   // errors.Is(err, embedis.Nil)
//
// Methods on Store act on database 0; Select(n) returns another database.
// Errors are *Error values carrying the exact text Redis sends and match
// the sentinels (ErrWrongType, ErrSyntax, ...) with errors.Is.
//
// # Concurrency
//
// A Store, its DBs and Do are safe for concurrent use by any number of
// goroutines. Each call is atomic: multi-key commands lock every shard
// they touch in ascending order, and MULTI/EXEC (through a Session) runs
// in an exclusive section. A Session holds one client's state and must be
// used by one goroutine at a time. Returned strings and slices belong to
// the caller.
//
// # Caveats
//
// Time is read once per call, transaction or script from Options.Clock;
// a key is expired iff now > its expiry. Keys that expire unobserved are
// reclaimed by a background cycle (Options.Hz times a second) and counted
// by DBSize until then, as in Redis. Strings passed to the typed API are
// stored as given, without a copy.
package embedis

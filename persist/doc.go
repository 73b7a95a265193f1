// Package persist makes an embedis keyspace durable: an append-only log of
// RESP commands (the effects of writes) with Redis 7's multi-part layout
// (a manifest naming a base file and incremental files), the three fsync
// policies, rewriting, and loading with Redis's rules for a torn tail.
//
// # Concurrency
//
// An AOF is safe for concurrent use. Append is called by the keyspace
// while the writing unit holds its key locks: it only encodes into a
// buffer under a mutex. Sync (appendfsync always) blocks until the
// caller's records are written and fsynced; concurrent callers share one
// fsync (group commit). A background goroutine writes and fsyncs on the
// everysec/no schedules and stops on Close.
//
// # Caveats
//
// Records are written in the order Append is called; the keyspace calls
// it under the locks of the keys written, so conflicting writes are
// logged in the order they happened. Under appendfsync everysec a crash
// loses at most about two seconds of acknowledged writes; under no, what
// the operating system had not written back.
package persist

// Package persist makes an embedis keyspace durable: an append-only log of
// RESP commands (the effects of writes) with Redis 7's multi-part layout
// (a manifest naming a base file and incremental files), the three fsync
// policies, rewriting, and loading with Redis's rules for a torn tail.
//
// # Concurrency
//
// An AOF is safe for concurrent use. AppendRESP (or Append) is called by
// the keyspace while the writing unit holds its key locks: it only copies
// the unit's records into fixed-size chunks under a short mutex. Sync
// (appendfsync always) blocks until the caller's records are written and
// fsynced; concurrent callers share one fsync (group commit). A background goroutine writes the filled chunks
// (every 100 ms, or sooner when 512 KiB wait) and fsyncs on the everysec
// schedule, and stops on Close.
//
// Load reads each file with a zero-copy RESP parser: the arguments it
// passes to its callback are valid only during the call.
//
// # Caveats
//
// Records are written in the order Append is called; the keyspace calls
// it under the locks of the keys written, so conflicting writes are
// logged in the order they happened. Under appendfsync everysec a crash
// loses at most about two seconds of acknowledged writes; under no, what
// the operating system had not written back.
package persist

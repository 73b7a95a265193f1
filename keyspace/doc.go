// Package keyspace is the lock-sharded core of embedis: every logical
// database's keys and values, their expiry (lazy on access and by an
// active sampling cycle), and the hooks through which the journal,
// keyspace notifications, WATCH and blocked readers observe writes.
//
// # Layout
//
// A Keyspace has a fixed number of shards (a power of two). A key's hash
// picks its shard; each shard holds that share of every database in a
// table: an open-addressing index over fixed-size pages of Entry values.
// An Entry slot never moves while its key exists, which gives SCAN its
// guarantee and lets an *Entry be used across lookups in one critical
// section.
//
// # Execution units
//
// All access goes through a Ctx, one per execution unit (a command, an
// EXEC, a script, a typed Go call). The Ctx takes the time snapshot once,
// so no key expires in the middle of a unit (a key is expired iff
// now > expireAt). Effects (journal records, notifications, wake-ups) are
// collected while locks are held and delivered by Finish after they are
// released.
//
// The one exception is ReadStr, the typed API's GET: a read that has no
// effect to deliver (the key is alive or absent, and keymiss events are
// off) needs no unit, so it locks the shard, looks, and unlocks, and
// leaves every other case to a unit.
//
// # Concurrency
//
// A Keyspace is safe for concurrent use. The lock order is:
//
//  1. the exclusive section (Keyspace.xmu), taken by Ctx.Exclusive for
//     EXEC, scripts, FLUSHALL and SWAPDB: it waits for every shard holder
//     to leave and keeps new ones out until EndExclusive;
//  2. shard mutexes, always in ascending shard order (Ctx.Lock sorts them);
//  3. nothing else: no lock is held across I/O, a blocking wait, or a
//     user callback. Hooks run from Finish with no lock held.
//
// A Ctx is used by one goroutine at a time. Entries and the strings seen
// through StrView are valid only while the shard is locked; Str copies
// mutable values and is safe to keep. Active expiry (ActiveExpireCycle)
// takes one shard lock at a time for a bounded sample.
//
// # Caveats
//
// Pages of entries are released only when a table becomes empty; a
// database that shrinks from many keys to a few keeps its pages (the
// index itself shrinks). DBSize counts keys that expired but were not yet
// reclaimed, as Redis's DBSIZE does.
package keyspace

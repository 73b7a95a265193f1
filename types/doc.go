// Package types holds embedis's collection value structures: hashes (with
// per-field expiry), lists (a chunked deque), sets (intset, listpack and
// hashtable encodings), sorted sets (with O(log n) rank) and the
// HyperLogLog string layout. Each structure mirrors Redis's encodings
// closely enough for OBJECT ENCODING and reply order to match, and offers
// Clone (COPY, snapshots), MemUsage (maxmemory accounting) and Check (an
// invariant walk used by tests). Small hashes and sorted sets live in one
// byte buffer each, like Redis's listpacks (pack.go); the thresholds
// follow SetLimits (CONFIG SET hash-max-listpack-entries and friends).
//
// # Concurrency
//
// None of these structures is safe for concurrent use on its own: each
// value lives in one keyspace entry and is read or changed only while its
// shard lock is held (see package keyspace); that includes reads, which
// may mark a compact buffer as handed out. Slices returned by their
// methods are copies unless a method's doc says it returns a view valid
// until the next change; strings are immutable (those of a compact hash or
// sorted set share its buffer, which is then never edited in place).
//
// # Caveats
//
// MemUsage is an estimate of the Go heap held, maintained in O(1); it
// does not count allocator slack precisely. The HyperLogLog bytes are
// embedis's own layout, not Redis's (see hll.go).
package types

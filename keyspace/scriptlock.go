package keyspace

import "sort"

// Locking for scripts that run holding only the shards of their keys
// (see "Scripts" in ARCHITECTURE.md).

// Holds reports whether c may access shard i: it holds the shard's lock,
// or runs in an exclusive section.
func (c *Ctx) Holds(i int) bool {
	switch {
	case c.excl:
		return true
	case c.nheld == 1:
		return c.held1 == i
	case c.nheld > 1:
		j := sort.SearchInts(c.heldN, i)
		return j < len(c.heldN) && c.heldN[j] == i
	}
	return false
}

// HoldsKey reports whether c may access key's shard.
func (c *Ctx) HoldsKey(key string) bool {
	if c.excl || c.ks.shardBits == 0 && c.nheld > 0 {
		return true
	}
	return c.Holds(c.ks.ShardOf(key))
}

// LockMore adds shard i to the shards c holds, waiting for it. Unlike
// Lock it may be called while c holds other shards, in any order, so the
// caller must know that no holder of shard i can be waiting for a shard c
// holds: a script uses it only as a last resort (it touched a key whose
// shard it does not hold after it wrote, which the store's admission of
// scripts to shard locking rules out).
func (c *Ctx) LockMore(i int) {
	if c.Holds(i) {
		return
	}
	if c.nheld == 0 {
		c.LockShard(i)
		return
	}
	// c holds shards, so no exclusive section runs (entering one waits for
	// every holder): do not wait at the exclusive gate.
	c.ks.shards[i].mu.Lock()
	if s := c.ks.snap.Load(); s != nil {
		s.copyShard(i)
	}
	if c.nheld == 1 {
		c.heldN = append(c.heldN[:0], c.held1)
	}
	c.heldN = append(c.heldN, i)
	sort.Ints(c.heldN)
	c.nheld = len(c.heldN)
}

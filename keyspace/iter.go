package keyspace

import (
	"math/rand/v2"
)

// Scan visits part of db starting at cursor and returns the cursor to
// continue from (0 when the walk is complete). It calls fn for each live
// key it passes, with the key's shard locked (fn must not lock, and must
// not keep e). Expired keys are deleted and skipped. It stops after about
// count keys or 10×count slots.
//
// The cursor addresses a (shard, slot) position; a slot never moves while
// its key exists, so a key present for the whole walk is visited exactly
// once, as Redis guarantees.
func (c *Ctx) Scan(db int, cursor uint64, count int, fn func(e *Entry)) uint64 {
	if count < 1 {
		count = 1
	}
	ks := c.ks
	si := int(cursor >> 32)
	slot := uint32(cursor)
	found, visited := 0, 0
	for si < len(ks.shards) {
		c.LockShard(si)
		sh := &ks.shards[si]
		t := sh.dbs[db]
		if t != nil {
			for slot < t.next && found < count && visited < count*10 {
				e := t.at(slot)
				slot++
				visited++
				if e == nil {
					continue
				}
				if e.expire != 0 && !c.Loading && c.Now() > e.expire {
					c.expireEntry(db, sh, t, uint32(ks.hash(e.key)), e)
					if sh.dbs[db] != t || t.live == 0 {
						break
					}
					continue
				}
				found++
				fn(e)
			}
			done := t.next <= slot || t.live == 0
			c.Unlock()
			if !done {
				return uint64(si)<<32 | uint64(slot)
			}
		} else {
			c.Unlock()
		}
		si++
		slot = 0
		if found >= count || visited >= count*10 {
			break
		}
	}
	if si >= len(ks.shards) {
		return 0
	}
	return uint64(si) << 32
}

// Keys calls fn for every live key in db, one shard at a time, skipping
// (but not deleting) keys that have logically expired. fn runs with the
// shard locked and must not lock or keep e.
func (c *Ctx) Keys(db int, fn func(e *Entry)) {
	for si := range c.ks.shards {
		c.LockShard(si)
		if t := c.ks.shards[si].dbs[db]; t != nil {
			for s := uint32(0); s < t.next; s++ {
				e := t.at(s)
				if e == nil || (e.expire != 0 && !c.Loading && c.Now() > e.expire) {
					continue
				}
				fn(e)
			}
		}
		c.Unlock()
	}
}

// RandomKey returns a random live key of db, deleting expired keys it
// meets, or "" and false when db is empty.
func (c *Ctx) RandomKey(db int) (string, bool) {
	ks := c.ks
	n := len(ks.shards)
	for attempt := 0; attempt < 1000; attempt++ {
		start := rand.IntN(n)
		any := false
		for j := 0; j < n; j++ {
			si := (start + j) % n
			c.LockShard(si)
			sh := &ks.shards[si]
			t := sh.dbs[db]
			if t == nil || t.live == 0 {
				c.Unlock()
				continue
			}
			any = true
			for try := 0; try < 64; try++ {
				e := t.at(uint32(rand.IntN(int(t.next))))
				if e == nil {
					continue
				}
				if e.expire != 0 && !c.Loading && c.Now() > e.expire {
					c.expireEntry(db, sh, t, uint32(ks.hash(e.key)), e)
					break
				}
				k := e.key
				c.Unlock()
				return k, true
			}
			c.Unlock()
			break
		}
		if !any {
			return "", false
		}
	}
	return "", false
}

// FlushDB deletes every key of db. It runs in an exclusive section
// (joining the caller's if there is one), dirties WATCHers of keys that
// existed and wakes blocked readers so they can see the change.
func (c *Ctx) FlushDB(db int) {
	own := !c.excl
	c.Exclusive()
	c.ks.copyAll()
	c.ks.touchAllWatched(db, -1)
	for i := range c.ks.shards {
		sh := &c.ks.shards[i]
		if t := sh.dbs[db]; t != nil {
			c.ks.addMem(sh, t, -t.mem)
			sh.dirty += int64(t.live)
		}
		sh.dbs[db] = nil
	}
	c.ks.dbShards[db].Store(0)
	c.wakeAll = true
	if own {
		c.EndExclusive()
	}
}

// SwapDB exchanges the contents of databases a and b atomically, dirtying
// WATCHers of keys present in either.
func (c *Ctx) SwapDB(a, b int) {
	own := !c.excl
	c.Exclusive()
	if a != b {
		c.ks.copyAll()
		c.ks.touchAllWatched(a, b)
		for i := range c.ks.shards {
			d := c.ks.shards[i].dbs
			d[a], d[b] = d[b], d[a]
		}
		na, nb := c.ks.dbShards[a].Load(), c.ks.dbShards[b].Load()
		c.ks.dbShards[a].Store(nb)
		c.ks.dbShards[b].Store(na)
		c.wakeAll = true
	}
	if own {
		c.EndExclusive()
	}
}

// DBSize counts db's keys (including logically expired ones not yet
// reclaimed). Inside an exclusive section it is a point-in-time count.
func (c *Ctx) DBSize(db int) int {
	n := 0
	for i := range c.ks.shards {
		c.LockShard(i)
		if t := c.ks.shards[i].dbs[db]; t != nil {
			n += t.live
		}
		c.Unlock()
	}
	return n
}

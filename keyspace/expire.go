package keyspace

import "time"

// Active expiry parameters at active-expire-effort 1 (Redis expire.c).
const (
	expireKeysPerLoop     = 20 // keys with a TTL sampled per round
	expireAcceptableStale = 10 // repeat while more than this % of a sample was expired
)

// ActiveExpireCycle reclaims expired keys that nobody accessed, as Redis's
// slow cycle does: for each database and shard it samples keys that have
// an expiry from a persistent cursor, deletes the expired ones, and
// repeats while more than 10% of a sample had expired. It stops when
// budget is spent and resumes where it left off on the next call. It
// returns the number of keys it deleted.
//
// Each sample holds one shard lock for at most a few hundred slots, so
// writers are never stalled for long.
func (ks *Keyspace) ActiveExpireCycle(budget time.Duration) int {
	ks.expireMu.Lock()
	defer ks.expireMu.Unlock()
	start := time.Now()
	deleted := 0
	var c Ctx
	ks.Begin(&c)
	now := ks.clock.Now().UnixMilli()
	iter := 0
	for pass := 0; pass < ks.dbs; pass++ {
		db := ks.expDB
		ks.expDB = (ks.expDB + 1) % ks.dbs
		if ks.dbShards[db].Load() == 0 {
			continue // an empty database: nothing to sample
		}
		for si := range ks.shards {
			for {
				ks.Begin(&c)
				c.SetNow(now)
				c.lockShard(si, false) // copied for a snapshot only to delete
				sampled, expired := c.expireSample(db, si)
				c.Unlock()
				c.Finish()
				deleted += expired
				iter++
				if iter%16 == 0 && time.Since(start) > budget {
					return deleted
				}
				if sampled == 0 || expired*100/sampled <= expireAcceptableStale {
					break
				}
			}
			if fe := ks.fieldExp.Load(); fe != nil {
				ks.Begin(&c)
				c.SetNow(now)
				c.lockShard(si, false)
				deleted += c.expireFields(db, si, *fe)
				c.Unlock()
				c.Finish()
			}
		}
	}
	return deleted
}

// expireSample walks up to expireKeysPerLoop keys with an expiry in one
// table from its cursor (visiting at most 20× that many slots) and deletes
// those that expired. The shard is locked.
func (c *Ctx) expireSample(db, si int) (sampled, expired int) {
	ks := c.ks
	sh := &ks.shards[si]
	t := sh.dbs[db]
	if t == nil || t.ttl == 0 {
		return 0, 0
	}
	cur := &ks.expCur[si*ks.dbs+db]
	now := c.Now()
	for visited := 0; visited < expireKeysPerLoop*20 && sampled < expireKeysPerLoop; visited++ {
		if *cur >= t.next {
			*cur = 0
		}
		e := t.at(*cur)
		*cur++
		if e == nil || e.expire == 0 {
			continue
		}
		sampled++
		if now > e.expire {
			ks.copyForWrite(si)
			c.expireEntry(db, sh, t, uint32(ks.hash(e.key)), e)
			expired++
			if sh.dbs[db] != t || t.live == 0 {
				break
			}
		}
	}
	return sampled, expired
}

// expireFieldsPerCall bounds member reclamation per table per cycle
// (Redis: 10000/hz fields per database per call).
const expireFieldsPerCall = 1000

// expireFields visits keys with member TTLs from the table's cursor and
// lets fe reclaim their expired members. The shard is locked.
func (c *Ctx) expireFields(db, si int, fe FieldExpirer) int {
	ks := c.ks
	sh := &ks.shards[si]
	t := sh.dbs[db]
	if t == nil || t.fttl == 0 {
		return 0
	}
	cur := &ks.fexpCur[si*ks.dbs+db]
	removed, visited := 0, 0
	for removed < expireFieldsPerCall && visited < int(t.next) {
		if *cur >= t.next {
			*cur = 0
		}
		e := t.at(*cur)
		*cur++
		visited++
		if e == nil || !e.HasFieldTTL() {
			continue
		}
		ks.copyForWrite(si)
		removed += fe(c, db, e)
		if sh.dbs[db] != t || t.live == 0 || t.fttl == 0 {
			break
		}
	}
	return removed
}

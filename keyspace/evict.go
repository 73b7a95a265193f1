package keyspace

import (
	"math"
	"math/rand/v2"
	"sync"
	"sync/atomic"

	"github.com/embedis/embedis/evict"
)

// EvictConfig is the maxmemory eviction configuration.
type EvictConfig struct {
	// Policy is maxmemory-policy.
	Policy evict.Policy
	// Samples is maxmemory-samples (keys sampled per database and round).
	Samples int
	// LogFactor is lfu-log-factor.
	LogFactor int
	// DecayTime is lfu-decay-time in minutes.
	DecayTime int
}

// evictPoolSize is the number of best candidates kept across rounds, as
// Redis's EVPOOL_SIZE.
const evictPoolSize = 16

type evictCand struct {
	db    int
	key   string
	score uint64 // higher is evicted first
}

type evictState struct {
	mu   sync.Mutex
	cfg  atomic.Pointer[EvictConfig]
	pool []evictCand // ascending by score
}

// lfuPolicy is the AccessPolicy installed under the LFU policies.
type lfuPolicy struct {
	ks                   *Keyspace
	logFactor, decayTime int
}

func (p lfuPolicy) OnAccess(old uint32) uint32 {
	return evict.LFUAccess(old, p.ks.minutesMS(), p.logFactor, p.decayTime)
}

func (p lfuPolicy) OnCreate() uint32 {
	return evict.LFUPack(evict.LFUMinutes(p.ks.minutesMS()), evict.LFUInitVal)
}

// minutesMS returns the coarse clock in ms (updated by UpdateLRUClock).
func (ks *Keyspace) minutesMS() int64 { return ks.coarseMS.Load() }

// SetEviction installs the eviction configuration. Switching to or from an
// LFU policy changes what the access word of every entry means; as in
// Redis, existing words are reinterpreted and adjust over time.
func (ks *Keyspace) SetEviction(cfg EvictConfig) {
	if cfg.Samples <= 0 {
		cfg.Samples = 5
	}
	ks.ev.cfg.Store(&cfg)
	if cfg.Policy.LFU() {
		ks.SetAccessPolicy(lfuPolicy{ks: ks, logFactor: cfg.LogFactor, decayTime: cfg.DecayTime})
	} else {
		ks.SetAccessPolicy(nil)
	}
	ks.ev.mu.Lock()
	ks.ev.pool = ks.ev.pool[:0]
	ks.ev.mu.Unlock()
}

// Eviction returns the current eviction configuration.
func (ks *Keyspace) Eviction() EvictConfig {
	if c := ks.ev.cfg.Load(); c != nil {
		return *c
	}
	return EvictConfig{Samples: 5, LogFactor: evict.DefaultLogFactor, DecayTime: evict.DefaultDecayTime}
}

// score ranks an entry for eviction under cfg; higher goes first.
func (ks *Keyspace) score(cfg *EvictConfig, e *Entry) uint64 {
	switch {
	case cfg.Policy.LRU():
		return uint64(evict.LRUIdle(ks.lruClock.Load(), e.Access()))
	case cfg.Policy.LFU():
		c := evict.LFUDecay(e.Access(), evict.LFUMinutes(ks.minutesMS()), cfg.DecayTime)
		return uint64(255 - c)
	case cfg.Policy == evict.VolatileTTL:
		return math.MaxUint64 - uint64(e.expire)
	}
	return 0
}

// poolInsert keeps the best evictPoolSize candidates, ascending by score.
func (st *evictState) poolInsert(c evictCand) {
	for i, p := range st.pool {
		if p.db == c.db && p.key == c.key {
			st.pool = append(st.pool[:i], st.pool[i+1:]...)
			break
		}
	}
	i := len(st.pool)
	for i > 0 && st.pool[i-1].score > c.score {
		i--
	}
	if len(st.pool) == evictPoolSize {
		if i == 0 {
			return // worse than everything we hold
		}
		copy(st.pool, st.pool[1:i])
		st.pool[i-1] = c
		return
	}
	st.pool = append(st.pool, evictCand{})
	copy(st.pool[i+1:], st.pool[i:])
	st.pool[i] = c
}

// EvictOne evicts one key according to the eviction configuration, as
// Redis's approximated algorithm does: each database contributes a sample
// of Samples keys from a random shard to a pool of the best 16
// candidates, and the best one that still exists is deleted (firing the
// evicted event and journaling DEL). It reports whether a key was evicted;
// false means nothing is evictable (noeviction, or no candidate keys).
func (ks *Keyspace) EvictOne() bool {
	cfg := ks.Eviction()
	if cfg.Policy == evict.NoEviction {
		return false
	}
	st := &ks.ev
	st.mu.Lock()
	defer st.mu.Unlock()
	// under memory pressure recency matters most: refresh the clock
	ks.UpdateLRUClock(ks.clock.Now())
	var c Ctx
	ks.Begin(&c)
	defer func() {
		c.wrote = false // an eviction must not trigger another (afterWrite)
		c.Finish()
	}()
	if cfg.Policy.Random() {
		return ks.evictRandom(&c, &cfg)
	}
	for round := 0; round < 4; round++ {
		for db := 0; db < ks.dbs; db++ {
			ks.sampleInto(&c, &cfg, db)
		}
		for len(st.pool) > 0 {
			cand := st.pool[len(st.pool)-1]
			st.pool = st.pool[:len(st.pool)-1]
			if ks.evictKey(&c, &cfg, cand.db, cand.key) {
				return true
			}
		}
	}
	return false
}

// sampleInto adds up to cfg.Samples keys of db from one random shard (a
// run of slots from a random start) to the pool.
func (ks *Keyspace) sampleInto(c *Ctx, cfg *EvictConfig, db int) {
	if ks.dbShards[db].Load() == 0 {
		return
	}
	n := len(ks.shards)
	start := rand.IntN(n)
	for j := 0; j < n; j++ {
		si := (start + j) % n
		c.LockShard(si)
		t := ks.shards[si].dbs[db]
		if t == nil || t.live == 0 || (cfg.Policy.Volatile() && t.ttl == 0) {
			c.Unlock()
			continue
		}
		got := 0
		slot := uint32(rand.IntN(int(t.next)))
		for visited := uint32(0); visited < t.next && visited < uint32(cfg.Samples*20) && got < cfg.Samples; visited++ {
			e := t.at(slot)
			slot++
			if slot >= t.next {
				slot = 0
			}
			if e == nil || (cfg.Policy.Volatile() && e.expire == 0) {
				continue
			}
			got++
			ks.ev.poolInsert(evictCand{db: db, key: e.key, score: ks.score(cfg, e)})
		}
		c.Unlock()
		return
	}
}

func (ks *Keyspace) evictRandom(c *Ctx, cfg *EvictConfig) bool {
	for db := 0; db < ks.dbs; db++ {
		if ks.dbShards[db].Load() == 0 {
			continue
		}
		n := len(ks.shards)
		start := rand.IntN(n)
		for j := 0; j < n; j++ {
			si := (start + j) % n
			c.LockShard(si)
			t := ks.shards[si].dbs[db]
			if t == nil || t.live == 0 || (cfg.Policy.Volatile() && t.ttl == 0) {
				c.Unlock()
				continue
			}
			slot := uint32(rand.IntN(int(t.next)))
			for visited := uint32(0); visited < t.next; visited++ {
				e := t.at(slot)
				if e != nil && (!cfg.Policy.Volatile() || e.expire != 0) {
					c.evictEntry(db, e)
					c.Unlock()
					return true
				}
				if slot++; slot >= t.next {
					slot = 0
				}
			}
			c.Unlock()
		}
	}
	return false
}

// evictKey deletes db/key if it still exists (and still qualifies).
func (ks *Keyspace) evictKey(c *Ctx, cfg *EvictConfig, db int, key string) bool {
	c.Lock(key)
	defer c.Unlock()
	sh, t, h := c.table(db, key, false)
	if t == nil {
		return false
	}
	e := t.find(h, key)
	if e == nil || (cfg.Policy.Volatile() && e.expire == 0) {
		return false
	}
	_ = sh
	c.evictEntry(db, e)
	return true
}

// evictEntry deletes e as an eviction. The shard is locked.
func (c *Ctx) evictEntry(db int, e *Entry) {
	key := e.key
	c.Remove(db, e)
	c.ks.Stats.EvictedKeys.Add(1)
	c.Notify(db, NotifyEvicted, "evicted", key)
	c.Propagate(db, "DEL", key)
	c.Touch(db, key)
}

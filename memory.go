package embedis

import (
	"fmt"

	"github.com/embedis/embedis/evict"
	"github.com/embedis/embedis/keyspace"
)

// SetMaxMemory sets the memory limit in bytes (0 = none), as CONFIG SET
// maxmemory does.
func (s *Store) SetMaxMemory(n int64) {
	if n < 0 {
		n = 0
	}
	s.maxMemory.Store(n)
	if n > 0 {
		s.ks.SetAfterWrite(s.evictAfterWrite)
	} else {
		s.ks.SetAfterWrite(nil)
	}
	// publish accounting changes often enough that the limit is checked
	// against a value at most ~1/512 of it behind (per shard)
	batch := int64(64 << 10)
	if n > 0 && n/512 < batch {
		batch = n / 512
	}
	s.ks.SetMemoryBatch(batch)
}

// MaxMemory returns the memory limit in bytes (0 = none).
func (s *Store) MaxMemory() int64 { return s.maxMemory.Load() }

// SetMaxMemoryPolicy sets maxmemory-policy by its Redis name.
func (s *Store) SetMaxMemoryPolicy(name string) error {
	p, ok := evict.ParsePolicy(name)
	if !ok {
		return fmt.Errorf("embedis: unknown maxmemory-policy %q", name)
	}
	cfg := s.ks.Eviction()
	cfg.Policy = p
	s.ks.SetEviction(cfg)
	return nil
}

// SetEvictionTuning sets maxmemory-samples, lfu-log-factor and
// lfu-decay-time; a zero argument keeps the current value.
func (s *Store) SetEvictionTuning(samples, lfuLogFactor, lfuDecayTime int) {
	cfg := s.ks.Eviction()
	if samples > 0 {
		cfg.Samples = samples
	}
	if lfuLogFactor > 0 {
		cfg.LogFactor = lfuLogFactor
	}
	if lfuDecayTime > 0 {
		cfg.DecayTime = lfuDecayTime
	}
	s.ks.SetEviction(cfg)
}

// MaxMemoryPolicy returns the current maxmemory-policy name.
func (s *Store) MaxMemoryPolicy() string { return s.ks.Eviction().Policy.String() }

// freeMemoryIfNeeded is Redis's performEvictions for a command that may
// grow memory: over the limit it evicts keys per the policy until under;
// if that is impossible (noeviction, nothing evictable) it returns ErrOOM
// and the command must not run.
//
// With no limit it is one load, inlined at its callers; the work is in
// freeMemory.
func (s *Store) freeMemoryIfNeeded() error {
	if s.maxMemory.Load() == 0 {
		return nil
	}
	return s.freeMemory()
}

// freeMemory is freeMemoryIfNeeded with a limit set.
func (s *Store) freeMemory() error {
	max := s.maxMemory.Load()
	if max == 0 || s.ks.UsedMemoryFast() <= max {
		return nil
	}
	for s.ks.UsedMemoryFast() > max {
		if !s.ks.EvictOne() {
			if s.ks.UsedMemory() <= max { // the published total lagged
				return nil
			}
			return ErrOOM
		}
	}
	return nil
}

// evictAfterWrite brings memory back under the limit after a write that
// passed the check concurrently with others, so that the limit is exceeded
// only transiently. It never fails: the write already happened.
func (s *Store) evictAfterWrite() {
	max := s.maxMemory.Load()
	if max == 0 || s.ks.UsedMemoryFast() <= max {
		return
	}
	for s.ks.UsedMemoryFast() > max && s.ks.EvictOne() {
	}
}

// writeUnit begins a typed call that may grow memory: the maxmemory check
// first (ErrOOM and nothing done), then the unit with keys locked.
func (d *DB) writeUnit(c *keyspace.Ctx, keys ...string) error {
	if err := d.s.freeMemoryIfNeeded(); err != nil {
		return err
	}
	d.s.ks.Begin(c)
	c.Lock(keys...)
	return nil
}

// Stats are a Store's counters, as INFO reports them.
type Stats struct {
	// UsedMemory is the accounted size of the data set in bytes.
	UsedMemory int64
	// MaxMemory is the limit (0 = none).
	MaxMemory int64
	// MaxMemoryPolicy is the eviction policy's name.
	MaxMemoryPolicy string
	// EvictedKeys, ExpiredKeys, KeyspaceHits and KeyspaceMisses count
	// events since start or CONFIG RESETSTAT.
	EvictedKeys, ExpiredKeys, KeyspaceHits, KeyspaceMisses int64
	// Keys and Expires are per-database key counts (index = database).
	Keys, Expires []int
}

// Stats returns the store's counters.
func (s *Store) Stats() Stats {
	st := Stats{
		UsedMemory:      s.ks.UsedMemory(),
		MaxMemory:       s.maxMemory.Load(),
		MaxMemoryPolicy: s.MaxMemoryPolicy(),
		EvictedKeys:     s.ks.Stats.EvictedKeys.Load(),
		ExpiredKeys:     s.ks.Stats.ExpiredKeys.Load(),
		KeyspaceHits:    s.ks.KeyspaceHits(),
		KeyspaceMisses:  s.ks.KeyspaceMisses(),
		Keys:            make([]int, len(s.dbs)),
		Expires:         make([]int, len(s.dbs)),
	}
	for i := range s.dbs {
		st.Keys[i], st.Expires[i] = s.ks.DBStats(i)
	}
	return st
}

package bench

import (
	"sync"
	"time"
)

// Floor is the floor the in-process benchmarks compare against: a bare
// 256-way sharded map with one RWMutex per shard, doing nothing a cache
// or Redis would (no eviction, no expiry, no statistics). BenchmarkKV
// and the kvops command both measure it.
type Floor struct{ shards *[256]floorShard }

type floorEntry struct {
	v   string
	exp int64
}

type floorShard struct {
	mu sync.RWMutex
	m  map[string]floorEntry
	_  [40]byte
}

// NewFloor returns an empty Floor.
func NewFloor() Floor {
	f := Floor{new([256]floorShard)}
	for i := range f.shards {
		f.shards[i].m = map[string]floorEntry{}
	}
	return f
}

func fnv(k string) uint32 {
	h := uint32(2166136261)
	for i := 0; i < len(k); i++ {
		h ^= uint32(k[i])
		h *= 16777619
	}
	return h
}

// Get returns k's value.
func (f Floor) Get(k string) (string, bool) {
	s := &f.shards[fnv(k)&255]
	s.mu.RLock()
	e, ok := s.m[k]
	s.mu.RUnlock()
	return e.v, ok
}

// Set stores v at k.
func (f Floor) Set(k, v string) {
	s := &f.shards[fnv(k)&255]
	s.mu.Lock()
	s.m[k] = floorEntry{v: v}
	s.mu.Unlock()
}

// SetTTL stores v at k with an expiry time (recorded, never enforced).
func (f Floor) SetTTL(k, v string, ttl time.Duration) {
	s := &f.shards[fnv(k)&255]
	s.mu.Lock()
	s.m[k] = floorEntry{v: v, exp: time.Now().Add(ttl).UnixMilli()}
	s.mu.Unlock()
}

// Close does nothing.
func (f Floor) Close() {}

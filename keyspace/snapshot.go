package keyspace

import (
	"sync"
	"sync/atomic"
)

// A Snapshot is a point-in-time copy of every database, taken while the
// store keeps serving. BeginSnapshot marks the instant; from then on the
// first goroutine to lock each shard (a writer, a reader, or the snapshot
// itself) copies that shard's entries before anything can change them,
// so no writer waits for more than one shard's copy. Strings are shared
// (they are immutable; mutable ones are copied); collections are copied
// with their Clone method.
type Snapshot struct {
	ks     *Keyspace
	mu     sync.Mutex
	shards [][]SnapEntry
	done   []atomic.Bool
}

// SnapEntry is one key of a Snapshot.
type SnapEntry struct {
	DB       int
	Key      string
	Kind     Kind
	Str      string // the value of a string
	Obj      any    // a private copy of a collection value
	ExpireAt int64  // absolute unix ms, 0 = none
	FieldTTL bool   // the collection has members with their own expiry
}

// Cloner is implemented by collection values so that snapshots (and COPY)
// can take a private copy.
type Cloner interface{ Clone() any }

// BeginSnapshot starts a snapshot. atStart runs in the exclusive section
// at the snapshot's instant (e.g. to switch the append-only log to a new
// file, so that the snapshot and the log's tail meet exactly). Only one
// snapshot runs at a time: a second call waits for the first to end.
func (ks *Keyspace) BeginSnapshot(atStart func()) *Snapshot {
	ks.snapMu.Lock()
	s := &Snapshot{ks: ks, shards: make([][]SnapEntry, len(ks.shards)), done: make([]atomic.Bool, len(ks.shards))}
	ks.lockExclusive()
	ks.snap.Store(s)
	if atStart != nil {
		atStart()
	}
	ks.unlockExclusive()
	return s
}

// copyShard copies shard i into the snapshot if nobody has yet. The
// shard is locked (or the keyspace held exclusively) by the caller.
func (s *Snapshot) copyShard(i int) {
	if s.done[i].Load() {
		return
	}
	sh := &s.ks.shards[i]
	var out []SnapEntry
	for db, t := range sh.dbs {
		if t == nil {
			continue
		}
		for slot := uint32(0); slot < t.next; slot++ {
			e := t.at(slot)
			if e == nil {
				continue
			}
			se := SnapEntry{DB: db, Key: e.key, Kind: e.Kind(), ExpireAt: e.expire, FieldTTL: e.HasFieldTTL()}
			if se.Kind == KindString {
				se.Str = e.Str()
			} else if cl, ok := e.Obj().(Cloner); ok {
				se.Obj = cl.Clone()
			} else {
				se.Obj = e.Obj()
			}
			out = append(out, se)
		}
	}
	s.shards[i] = out
	s.done[i].Store(true)
}

// Collect copies every shard not copied yet (taking each lock in turn) and
// returns the entries of shard i through fn, shard by shard, then ends the
// snapshot: the keyspace stops copying on lock.
func (s *Snapshot) Collect(fn func(entries []SnapEntry) error) error {
	ks := s.ks
	defer ks.snapMu.Unlock()
	defer ks.snap.Store(nil)
	for i := range ks.shards {
		ks.lockShard(i) // copies the shard if no writer did
		ks.shards[i].mu.Unlock()
	}
	for i := range s.shards {
		if err := fn(s.shards[i]); err != nil {
			return err
		}
		s.shards[i] = nil
	}
	return nil
}

package keyspace

// Memory accounting. Every entry is charged an estimate of the Go heap it
// holds: its slot and index share (entryOverhead), its key, and its value
// (Entry.size, recomputed whenever a write Touches the key). Tables keep
// exact totals under the shard lock; shards publish their changes to a
// global counter in batches so that the maxmemory check costs one atomic
// load and writers do not share a cache line.

// entryOverhead is the fixed cost of a key: the 48-byte Entry plus its
// share of the index (8-byte words at a load factor of about 0.6).
const entryOverhead = int64(EntrySize) + 14

// Sizer is implemented by collection values: MemUsage returns an estimate
// of the bytes the value holds on the Go heap.
type Sizer interface{ MemUsage() int }

// allocSize rounds a byte count up the way Go's allocator size classes do,
// closely enough for accounting.
func allocSize(n int) int64 {
	switch {
	case n == 0:
		return 0
	case n <= 8:
		return 8
	case n <= 128:
		return int64(n+15) &^ 15
	case n <= 1024:
		return int64(n+127) &^ 127
	default:
		return int64(n+4095) &^ 4095
	}
}

// valueBytes estimates the heap held by e's value.
func valueBytes(e *Entry) int64 {
	if e.Kind() == KindString {
		if e.c != 0 {
			return int64(e.c)
		}
		return allocSize(int(e.n))
	}
	if s, ok := e.ObjView().(Sizer); ok {
		return 16 + int64(s.MemUsage())
	}
	return 16
}

func keyBytes(e *Entry) int64 { return entryOverhead + allocSize(len(e.key)) }

// EntryMemory returns the bytes accounted for e (MEMORY USAGE).
func EntryMemory(e *Entry) int64 { return keyBytes(e) + int64(e.size) }

func sat32(v int64) uint32 {
	if v > 1<<32-1 {
		return 1<<32 - 1
	}
	if v < 0 {
		return 0
	}
	return uint32(v)
}

// addMem changes a table's (and so its shard's) accounted bytes.
func (ks *Keyspace) addMem(sh *shard, t *table, d int64) {
	t.mem += d
	sh.pending += d
	if b := ks.memBatch.Load(); sh.pending > b || sh.pending < -b {
		ks.used.Add(sh.pending)
		sh.pending = 0
	}
}

// account recomputes e's value bytes after a write.
func (c *Ctx) account(sh *shard, t *table, e *Entry) {
	vb := sat32(valueBytes(e))
	if vb != e.size {
		c.ks.addMem(sh, t, int64(vb)-int64(e.size))
		e.size = vb
	}
}

// UsedMemory returns the bytes accounted for every key of every database,
// exactly (it takes each shard lock in turn).
func (ks *Keyspace) UsedMemory() int64 {
	var n int64
	for i := range ks.shards {
		ks.lockShard(i)
		for _, t := range ks.shards[i].dbs {
			if t != nil {
				n += t.mem
			}
		}
		ks.shards[i].mu.Unlock()
	}
	return n
}

// UsedMemoryFast returns the published total: it lags the exact value by
// at most the batch size (SetMemoryBatch) per shard.
func (ks *Keyspace) UsedMemoryFast() int64 { return ks.used.Load() }

// SetMemoryBatch sets how many bytes of change a shard accumulates before
// publishing them to the global counter (smaller: a more exact maxmemory
// check, more contention). Default: 64 KiB.
func (ks *Keyspace) SetMemoryBatch(b int64) {
	if b < 0 {
		b = 0
	}
	ks.memBatch.Store(b)
}

// DBMemory returns the bytes accounted for db.
func (ks *Keyspace) DBMemory(db int) int64 {
	var n int64
	for i := range ks.shards {
		ks.lockShard(i)
		if t := ks.shards[i].dbs[db]; t != nil {
			n += t.mem
		}
		ks.shards[i].mu.Unlock()
	}
	return n
}

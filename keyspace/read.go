package keyspace

// ReadStatus is the outcome of ReadStr.
type ReadStatus uint8

// The outcomes of ReadStr.
const (
	// ReadFound: the key holds a string, which is returned (a hit was
	// counted and the access data updated).
	ReadFound ReadStatus = iota
	// ReadAbsent: the key does not exist (a miss was counted).
	ReadAbsent
	// ReadWrongType: the key holds a value of another kind (a hit was
	// counted and the access data updated, as Lookup does).
	ReadWrongType
	// ReadSlow: nothing was looked at for the record (no hit or miss
	// counted, nothing changed); the caller must run the read in an
	// execution unit (Ctx) because it has effects to deliver.
	ReadSlow
)

// ReadStr is a single-key string read (GET) without an execution unit,
// for the typed Go API: it locks key's shard, finds the key in db and
// counts the hit or miss and updates the LRU/LFU data as Lookup does, and
// unlocks. A found string is returned by Str, so it stays valid after the
// shard is unlocked.
//
// A read has effects to deliver only when the key has expired (the lazy
// deletion is journaled, notified and touches WATCHers) or when keymiss
// notifications are enabled. In those cases ReadStr changes nothing and
// returns ReadSlow: the caller then does the read through a Ctx (Begin,
// Lock, Lookup, Unlock, Finish), which takes the clock and the locks
// again. The lock waits out an exclusive section; it does not copy the
// shard into a running snapshot (lockShard), as the read changes nothing
// a snapshot records (counters and access data are not in it).
func (ks *Keyspace) ReadStr(db int, key string) (string, ReadStatus) {
	h := ks.hash(key)
	i := ks.shardOf(h)
	sh := &ks.shards[i]
	sh.mu.Lock()
	if ks.excl.Load() {
		sh.mu.Unlock()
		ks.lockShard(i) // waits out the exclusive section
	}
	var e *Entry
	if t := sh.dbs[db]; t != nil {
		e = t.find(uint32(h), key)
	}
	if e == nil {
		if ks.notifyFlags.Load()&NotifyKeyMiss != 0 {
			sh.mu.Unlock()
			return "", ReadSlow
		}
		sh.misses++
		sh.mu.Unlock()
		return "", ReadAbsent
	}
	if e.expire != 0 && ks.nowMS() > e.expire {
		sh.mu.Unlock()
		return "", ReadSlow
	}
	sh.hits++
	ks.touchAccess(e)
	if e.Kind() != KindString {
		sh.mu.Unlock()
		return "", ReadWrongType
	}
	v := e.Str()
	sh.mu.Unlock()
	return v, ReadFound
}

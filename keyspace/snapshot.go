package keyspace

import (
	"encoding/binary"
	"sync/atomic"
	"unsafe"
)

// A Snapshot is a point-in-time copy of every database, taken while the
// store keeps serving. BeginSnapshot marks the instant; from then on the
// first goroutine to lock each shard (a writer, a reader, or the snapshot
// itself) copies that shard before anything can change it.
//
// The copy is cheap, so that the writer who happens to make it is barely
// delayed, and it is invisible to the garbage collector: each live entry
// is written as a compact record (its key and string value as bytes) into
// memory outside the Go heap (an anonymous mapping on Unix), sized and
// faulted in by BeginSnapshot beforehand, so copying allocates nothing,
// runs no write barrier and adds nothing to the heap whose growth would
// start a collection cycle while the snapshot runs (a collection cycle
// takes a processor from the writers for up to 10 ms at a time on a small
// machine). Reading the keys, scattered over the heap, is what the copy
// waits for: it touches a page's keys first so that those loads overlap
// (about 1.5 ms for a shard of 16K keys of a 1M-key store, 3.5 ms
// without, as at commit 2eca4d9, measured with BenchmarkSnapshotCopyShard
// from 745d22e). Small
// collections are copied on the heap (with their Clone method); large ones
// (Sharer) are not copied at all but read in place, and the first access
// to one while the snapshot may still read it clones it for the keyspace
// (see objBox). Collect then decodes one shard's records at a time,
// outside every lock, and releases that shard's memory.
//
// An exclusive section (EXEC, a script, FLUSHALL) copies only the shards
// it reaches, when it reaches them (Ctx.shardFor, Ctx.LockShard), not
// every shard not yet copied when it starts: a MULTI/EXEC during a
// snapshot costs what a plain write does.
//
// A record is one byte (bits 0-2 the kind, 0 selecting a database; bit 3:
// an expiry follows; bit 4: the collection has members with their own
// expiry; bits 5 and 6: the key, the string value, is a reference), then
// for a database selection its number (uvarint), else the key (uvarint
// length, bytes), the expiry (8 bytes, little-endian) when flagged, and
// the string (uvarint length, bytes) or the index of the collection's
// clone (uvarint). Keys and immutable strings of snapRefMin bytes or more
// are not copied: the record holds the index (uvarint) of a reference to
// them kept on the heap (immutable, they need no copy; 16 bytes each).
type Snapshot struct {
	ks     *Keyspace
	shards []shardCopy
	done   []atomic.Bool
}

// shardCopy is one shard as it was at the snapshot's instant: its records
// in one or more chunks (the first mapped ahead by BeginSnapshot; more
// from the heap only if the shard grew before the instant) and the
// clones of its collections.
type shardCopy struct {
	mem     []byte // the memory BeginSnapshot prepared (then the first chunk)
	mapped  bool   // mem comes from mapArena
	chunks  [][]byte
	objs    []any    // clones of collections, or shared ones (see Sharer)
	strs    []string // long keys and string values, referenced
	touched byte     // keeps the copy's touching loads
	// reading is true while the snapshot may read the collections it
	// shares: the mark their boxes carry (see objBox). Allocated by the
	// first share, and set false, never reset, once the shard is visited.
	reading *atomic.Bool
}

const (
	recExpire   = 1 << 3
	recFieldTTL = 1 << 4
	recKeyRef   = 1 << 5 // the key is a reference (index into strs), not bytes
	recStrRef   = 1 << 6 // so is the string value
	recKindMask = 7

	// snapRefMin is the length from which an immutable key or string
	// value is referenced rather than copied: a reference costs 16 bytes
	// on the heap but no copy under the lock (a large value would make
	// the copy long) and no snapshot memory for its bytes.
	snapRefMin = 128
)

// recordBound is an upper bound of the size of e's record.
func recordBound(e *Entry) int {
	n := 1 + binary.MaxVarintLen64 + 8 + binary.MaxVarintLen64
	if len(e.key) < snapRefMin {
		n += len(e.key)
	}
	if e.Kind() == KindString && !strRef(e) {
		n += int(e.n)
	}
	return n
}

// strRef reports whether the snapshot references e's string value rather
// than copying it: long and immutable (a mutable one is changed in place).
func strRef(e *Entry) bool { return !e.IsRaw() && e.n >= snapRefMin }

// measureBatch is how many pages of a table shardRecordBound reads per
// hold of the shard lock (2K entries: a few tens of microseconds).
const measureBatch = 32

// shardRecordBound returns (nearly) an upper bound of the size of shard
// i's records. It takes the shard's lock for measureBatch pages at a
// time, so that a writer never waits long for it; a table that changes
// between two holds is measured as it then is, and what the copy finds
// beyond the bound goes to heap chunks.
func (ks *Keyspace) shardRecordBound(i int) int {
	sh := &ks.shards[i]
	n := 0
	for db := 0; db < ks.dbs; db++ {
		for p := 0; ; p += measureBatch {
			ks.lockShard(i)
			t := sh.dbs[db]
			if t == nil || t.live == 0 || p >= len(t.pages) {
				sh.mu.Unlock()
				break
			}
			if p == 0 {
				n += 1 + binary.MaxVarintLen64
			}
			for q := p; q < min(p+measureBatch, len(t.pages)); q++ {
				pg := t.pages[q]
				lim := min(pageSize, int(t.next)-q*pageSize)
				for k := 0; k < lim; k++ {
					if e := &pg[k]; e.Kind() != KindNone {
						n += recordBound(e)
					}
				}
			}
			sh.mu.Unlock()
		}
	}
	return n
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

// A Sharer is a collection value that a snapshot may read in place rather
// than clone under the shard's lock, which for a large collection would
// stall every writer of the shard for as long as the clone takes. Share
// reports whether that is worth it and safe now: the value is large, and
// every read the snapshot's consumer makes of it (ranging over it, and
// Clone) changes nothing in it, not even a cache or a mark, because a
// writer may clone it while the consumer reads it. A shared value is
// cloned by the first Entry.Obj of the key while the snapshot still
// reads it: the writer of a huge collection during a snapshot pays for
// one clone (as a forked redis-server copies the pages a writer
// touches), the writers of its other keys nothing.
type Sharer interface {
	Cloner
	Share() bool
}

// BeginSnapshot starts a snapshot. atStart runs in the exclusive section
// at the snapshot's instant (e.g. to switch the append-only log to a new
// file, so that the snapshot and the log's tail meet exactly). Only one
// snapshot runs at a time: a second call waits for the first to end.
// Collect (or Abort) must be called to end it (and release its memory).
func (ks *Keyspace) BeginSnapshot(atStart func()) *Snapshot {
	ks.snapMu.Lock()
	s := &Snapshot{ks: ks, shards: make([]shardCopy, len(ks.shards)), done: make([]atomic.Bool, len(ks.shards))}
	// Prepare the copies' memory now, with no lock held during the
	// mapping, so that whoever copies a shard only copies. A shard that
	// grows before the instant gets the difference from the heap at copy
	// time.
	for i := range ks.shards {
		if n := ks.shardRecordBound(i); n > 0 {
			n += n/16 + 4096
			s.shards[i].mem, s.shards[i].mapped = mapArena(n)
		}
	}
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
	sc := &s.shards[i]
	buf, off := sc.mem, 0
	var touched byte
	// room makes sure n more bytes fit in buf, starting a new chunk on
	// the heap when they do not (the shard grew after BeginSnapshot
	// measured it).
	room := func(n int) {
		if off+n <= len(buf) {
			return
		}
		if off > 0 || buf != nil {
			sc.chunks = append(sc.chunks, buf[:off])
		}
		buf, off = make([]byte, max(n, 64<<10)), 0
	}
	for db, t := range s.ks.shards[i].dbs {
		if t == nil || t.live == 0 {
			continue
		}
		room(1 + binary.MaxVarintLen64)
		buf[off] = 0
		off = 1 + off + binary.PutUvarint(buf[off+1:], uint64(db))
		// Touch a page's keys and strings before copying them:
		// independent loads the processor overlaps, where the copy would
		// wait for each one in turn (keys lie scattered over the heap).
		// The next page's are touched before this one is copied, so that
		// its loads overlap the copy too.
		touch := func(p int) {
			if p >= len(t.pages) {
				return
			}
			pg := t.pages[p]
			lim := min(pageSize, int(t.next)-p*pageSize)
			for k := 0; k < lim; k++ {
				e := &pg[k]
				if n := len(e.key); n > 0 && n < snapRefMin {
					touched += e.key[0]
				}
				if e.n > 0 && e.Kind() == KindString && !strRef(e) {
					touched += *(*byte)(e.p)
				}
			}
		}
		touch(0)
		for p, pg := range t.pages {
			lim := min(pageSize, int(t.next)-p*pageSize)
			touch(p + 1)
			for k := 0; k < lim; k++ {
				e := &pg[k]
				kind := e.Kind()
				if kind == KindNone {
					continue
				}
				room(recordBound(e))
				h := byte(kind)
				if e.expire != 0 {
					h |= recExpire
				}
				if e.HasFieldTTL() {
					h |= recFieldTTL
				}
				keyRef := len(e.key) >= snapRefMin
				if keyRef {
					h |= recKeyRef
				}
				valRef := kind == KindString && strRef(e)
				if valRef {
					h |= recStrRef
				}
				buf[off] = h
				off++
				if keyRef {
					off += binary.PutUvarint(buf[off:], uint64(len(sc.strs)))
					sc.strs = append(sc.strs, e.key)
				} else {
					off += binary.PutUvarint(buf[off:], uint64(len(e.key)))
					off += copy(buf[off:], e.key)
				}
				if e.expire != 0 {
					binary.LittleEndian.PutUint64(buf[off:], uint64(e.expire))
					off += 8
				}
				if valRef {
					off += binary.PutUvarint(buf[off:], uint64(len(sc.strs)))
					sc.strs = append(sc.strs, e.Str()) // immutable: not copied
					continue
				}
				if kind == KindString {
					off += binary.PutUvarint(buf[off:], uint64(e.n))
					off += copy(buf[off:], e.StrView())
					continue
				}
				obj := e.ObjView()
				if sh, ok := obj.(Sharer); ok && sh.Share() {
					if sc.reading == nil {
						sc.reading = new(atomic.Bool)
						sc.reading.Store(true)
					}
					// (replaces any mark an earlier snapshot left: that
					// snapshot is done with the value)
					(*objBox)(e.p).shared = sc.reading
				} else if cl, ok := obj.(Cloner); ok {
					obj = cl.Clone()
				}
				off += binary.PutUvarint(buf[off:], uint64(len(sc.objs)))
				sc.objs = append(sc.objs, obj)
			}
		}
	}
	if off > 0 {
		sc.chunks = append(sc.chunks, buf[:off])
	}
	sc.touched = touched
	s.done[i].Store(true)
}

// release drops a shard's copy. The collections it shared are the
// keyspace's again: their next Obj drops the mark without cloning.
func (sc *shardCopy) release() {
	if sc.reading != nil {
		sc.reading.Store(false)
	}
	if sc.mapped {
		unmapArena(sc.mem)
	}
	*sc = shardCopy{}
}

// snapBatch is how many entries Collect hands to fn at a time.
const snapBatch = 512

// Collect visits every shard in turn — copying it first if nobody has
// (taking its lock briefly) — and hands its entries to fn in batches,
// outside every lock, releasing each shard's copy once visited. The
// entries passed to fn, their keys, strings and collection values
// included, are valid only during the call (their memory is reused or
// released afterwards, and a shared collection may change once its
// shard is released: copy what must be kept), and fn must only read the
// collections (see Sharer). The snapshot ends when Collect returns: the
// keyspace stops copying on lock.
func (s *Snapshot) Collect(fn func(entries []SnapEntry) error) error {
	ks := s.ks
	next := 0 // the first shard not visited
	defer func() { s.end(next) }()
	batch := make([]SnapEntry, 0, snapBatch)
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		err := fn(batch)
		clear(batch)
		batch = batch[:0]
		return err
	}
	for i := range ks.shards {
		ks.lockShardFor(i, true) // copies the shard if no writer did
		ks.shards[i].mu.Unlock()
		sc := &s.shards[i]
		db := 0
		var err error
		for _, ch := range sc.chunks {
			for off := 0; off < len(ch) && err == nil; {
				h := ch[off]
				off++
				if h&recKindMask == 0 {
					v, n := binary.Uvarint(ch[off:])
					db, off = int(v), off+n
					continue
				}
				se := SnapEntry{DB: db, Kind: Kind(h & recKindMask), FieldTTL: h&recFieldTTL != 0}
				if h&recKeyRef != 0 {
					v, n := binary.Uvarint(ch[off:])
					se.Key, off = sc.strs[v], off+n
				} else {
					se.Key, off = viewString(ch, off)
				}
				if h&recExpire != 0 {
					se.ExpireAt = int64(binary.LittleEndian.Uint64(ch[off:]))
					off += 8
				}
				switch {
				case h&recStrRef != 0:
					v, n := binary.Uvarint(ch[off:])
					se.Str, off = sc.strs[v], off+n
				case se.Kind == KindString:
					se.Str, off = viewString(ch, off)
				default:
					v, n := binary.Uvarint(ch[off:])
					se.Obj, off = sc.objs[v], off+n
				}
				batch = append(batch, se)
				if len(batch) == cap(batch) {
					err = flush()
				}
			}
		}
		if err == nil {
			err = flush()
		}
		sc.release() // after the last batch that points into it
		next = i + 1
		if err != nil {
			return err
		}
	}
	return nil
}

// Abort ends a snapshot without collecting it (its consumer failed before
// it could start): the keyspace stops copying and the copies made so far
// are released.
func (s *Snapshot) Abort() { s.end(0) }

// end ends the snapshot: it is unpublished, and the copies of the shards
// from next on (not visited by Collect) are released.
func (s *Snapshot) end(next int) {
	ks := s.ks
	defer ks.snapMu.Unlock()
	ks.snap.Store(nil)
	// Another goroutine may still be copying a shard that was not
	// visited: taking its lock waits that out (nobody copies once the
	// snapshot is unpublished), then its memory can go.
	for i := next; i < len(ks.shards); i++ {
		ks.lockShard(i)
		ks.shards[i].mu.Unlock()
		s.shards[i].release()
	}
}

// viewString returns the length-prefixed string at b[off:], without
// copying, and the offset after it.
func viewString(b []byte, off int) (string, int) {
	n, w := binary.Uvarint(b[off:])
	off += w
	if n == 0 {
		return "", off
	}
	return unsafe.String(&b[off], int(n)), off + int(n)
}

// RestoreString adds key with a string value and absolute expiry (0 =
// none) while loading a snapshot: the key's shard is locked and Loading
// is set. It reports false, changing nothing, when the key exists.
func (c *Ctx) RestoreString(db int, key, val string, expireAt int64) bool {
	if c.Peek(db, key) != nil {
		return false
	}
	e := c.Create(db, key)
	e.SetStr(val)
	if expireAt != 0 {
		c.SetExpire(db, e, expireAt)
	}
	c.TouchEntry(db, e)
	return true
}

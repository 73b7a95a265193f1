package keyspace

import (
	"strings"
	"sync"
)

// Record is one effect of a write, as the command that reproduces it
// (absolute times, explicit IDs, computed values). Args may alias memory
// that is valid only during the Hooks.Journal call.
type Record struct {
	DB   int
	Args []string
}

// Event is a keyspace notification: an event of a class on a key.
type Event struct {
	DB    int
	Class uint32
	Name  string
	Key   string
}

// Keyspace-notification classes (notify-keyspace-events flags).
const (
	NotifyKeyspace uint32 = 1 << iota // K
	NotifyKeyevent                    // E
	NotifyGeneric                     // g
	NotifyString                      // $
	NotifyList                        // l
	NotifySet                         // s
	NotifyHash                        // h
	NotifyZSet                        // z
	NotifyExpired                     // x
	NotifyEvicted                     // e
	NotifyStream                      // t
	NotifyKeyMiss                     // m
	NotifyModule                      // d
	NotifyNew                         // n
	// NotifyAll is the A alias: g$lshzxetd (not m, not n).
	NotifyAll = NotifyGeneric | NotifyString | NotifyList | NotifySet | NotifyHash |
		NotifyZSet | NotifyExpired | NotifyEvicted | NotifyStream | NotifyModule
)

// Ctx is one execution unit: a command, a whole EXEC, a whole script, or
// a typed Go call. It carries the unit's time snapshot, the shard locks it
// holds, and the effects to deliver once the locks are released (journal
// records, notifications, wake-ups of blocked readers).
//
// Use: ks.Begin(&c); c.Lock(keys...) or c.Exclusive(); work with Lookup,
// Create, Delete, ...; c.Unlock(); c.Finish(). A Ctx is used by one
// goroutine at a time and may be reused after Finish.
type Ctx struct {
	ks    *Keyspace
	hooks *Hooks
	now   int64

	excl    bool  // this unit runs in an exclusive section
	ownExcl bool  // ... which this Ctx started
	held1   int   // the locked shard, when nheld == 1
	nheld   int   // 0: nothing locked; 1: held1; >1: heldN
	heldN   []int // locked shard indices, ascending

	// A one-entry hash cache for the key looked up last. It keeps its own
	// copy of the key's bytes: callers may pass keys that alias buffers
	// they reuse, so comparing against the caller's string would match
	// stale memory.
	lastKey  [32]byte
	lastLen  int // -1: empty
	lastHash uint64

	// The entry found or created last and its shard, so that TouchEntry
	// needs no hashing. An entry's slot belongs to one table of one shard
	// for as long as it is referenced, so the pair stays right even if
	// the key is deleted and the slot reused.
	lastEnt *Entry
	lastSh  *shard

	records []Record
	js      *journalScratch // backs records while the unit has any
	jb      *journalBuf     // the RESP journal buffer in use (journal.go)
	jtoken  uint64          // token of the last Journal call that gave one, 0 = none
	jsync   func(uint64)    // the JournalSync of the hooks that gave jtoken
	events  []Event
	ready   []dbKey
	inWait  bool    // a waiter of this unit is queued (Block .. Unblock)
	leaving *Waiter // left its queues (UnblockLocked); gone after Finish
	wakeAll bool
	wrote   bool // a Touch happened: the unit changed data

	// BorrowedKeys says the key strings passed in alias a buffer that will
	// be reused (the server's read buffer): Create then copies the key.
	BorrowedKeys bool
	// NoTouch leaves LRU/LFU data alone on lookups (CLIENT NO-TOUCH).
	NoTouch bool
	// Loading marks replay of a log or snapshot: nothing expires on
	// access and no effects are journaled.
	Loading bool
	// ServeWaiters makes Finish serve the blocked readers of the keys the
	// unit gave data to before it returns (Keyspace.serve), as Redis
	// serves blocked clients before the next command; otherwise they are
	// only signalled and retry on their own time. Sessions (the server's
	// clients, Session.Do) set it for each command; the typed Go API
	// does not, so that a producer never waits for its consumers'
	// goroutines. Begin clears it.
	ServeWaiters bool
	// NoPropagate drops the records of the writes that follow (a script's
	// redis.set_repl): Propagate records nothing, but deletions of
	// expired keys are still recorded.
	NoPropagate bool
}

// Begin prepares c for a new execution unit on ks.
func (ks *Keyspace) Begin(c *Ctx) {
	c.ks = ks
	c.hooks = ks.hooks.Load()
	c.now = 0
	c.nheld = 0
	c.lastLen = -1
	c.lastEnt, c.lastSh = nil, nil
	c.records = c.records[:0]
	c.jtoken, c.jsync = 0, nil
	c.events = c.events[:0]
	c.ready = c.ready[:0]
	c.wakeAll = false
	c.wrote = false
	c.NoPropagate = false
	c.ServeWaiters = false
	c.leave() // (a unit that never finished)
	c.inWait = false
}

// Keyspace returns the keyspace c runs on.
func (c *Ctx) Keyspace() *Keyspace { return c.ks }

// Now returns the unit's time snapshot in unix milliseconds, reading the
// clock on first use.
func (c *Ctx) Now() int64 {
	if c.now == 0 {
		c.now = c.ks.nowMS()
	}
	return c.now
}

// SetNow fixes the unit's time snapshot.
func (c *Ctx) SetNow(ms int64) { c.now = ms }

func (c *Ctx) hashOf(key string) uint64 {
	if len(key) == c.lastLen && key == string(c.lastKey[:c.lastLen]) {
		return c.lastHash
	}
	h := c.ks.hash(key)
	c.remember(key, h)
	return h
}

// remember puts key and its hash h in the one-entry hash cache.
func (c *Ctx) remember(key string, h uint64) {
	if len(key) <= len(c.lastKey) {
		c.lastLen = copy(c.lastKey[:], key)
		c.lastHash = h
	} else {
		c.lastLen = -1
	}
}

// shardFor returns key's shard and hash. In an exclusive section it
// copies the shard into a running snapshot first (the section did not:
// see lockExclusive), as taking its lock would.
func (c *Ctx) shardFor(key string) (*shard, uint64) {
	h := c.hashOf(key)
	i := c.ks.shardOf(h)
	if c.excl {
		c.ks.copyForWrite(i)
	}
	return &c.ks.shards[i], h
}

// Lock locks the shards holding keys, in ascending order. It is a no-op
// inside an exclusive section. Call Unlock before the next Lock.
func (c *Ctx) Lock(keys ...string) {
	if c.excl {
		return
	}
	switch len(keys) {
	case 0:
		return
	case 1:
		c.LockShard(c.ks.shardOf(c.hashOf(keys[0])))
		return
	}
	c.heldN = c.heldN[:0]
	for _, k := range keys {
		c.heldN = append(c.heldN, c.ks.ShardOf(k))
	}
	c.heldN = sortUnique(c.heldN)
	if len(c.heldN) == 1 {
		c.LockShard(c.heldN[0])
		return
	}
	c.nheld = len(c.heldN)
	c.ks.lockShards(c.heldN)
	c.hooks = c.ks.hooks.Load()
}

// LockShard locks shard i alone (for walks over the whole keyspace, one
// shard at a time).
func (c *Ctx) LockShard(i int) {
	c.lockShard(i, true)
}

// lockShard is LockShard; with copy false see Keyspace.lockShardFor.
func (c *Ctx) lockShard(i int, copy bool) {
	if c.excl {
		if copy {
			c.ks.copyForWrite(i)
		}
		return
	}
	c.held1, c.nheld = i, 1
	c.ks.lockShardFor(i, copy)
	// The hooks are read again once the lock is held: a unit whose locks
	// were taken after SetHooks journals through the new hooks, so a log
	// turned on at runtime sees every write its base snapshot missed.
	// (Read before locking, a unit could take its lock after the
	// snapshot's instant and still journal through the old hooks.)
	c.hooks = c.ks.hooks.Load()
}

// Unlock releases the shard locks taken by Lock.
func (c *Ctx) Unlock() {
	if c.excl {
		return
	}
	c.journal()
	switch {
	case c.nheld == 1:
		c.ks.shards[c.held1].mu.Unlock()
	case c.nheld > 1:
		for j := len(c.heldN) - 1; j >= 0; j-- {
			c.ks.shards[c.heldN[j]].mu.Unlock()
		}
	}
	c.nheld = 0
}

// Exclusive starts an exclusive section: until EndExclusive nothing else
// runs against the keyspace. Lock and Unlock become no-ops. Nested calls
// are allowed; only the outermost starts and ends the section.
func (c *Ctx) Exclusive() {
	if c.excl {
		return
	}
	c.ks.lockExclusive()
	c.hooks = c.ks.hooks.Load()
	c.excl, c.ownExcl = true, true
}

// InExclusive reports whether c runs in an exclusive section.
func (c *Ctx) InExclusive() bool { return c.excl }

// JoinExclusive marks c as running inside an exclusive section that its
// caller already holds (a command inside EXEC or a script).
func (c *Ctx) JoinExclusive() { c.excl, c.ownExcl = true, false }

// EndExclusive ends the exclusive section started by Exclusive.
func (c *Ctx) EndExclusive() {
	if c.excl && c.ownExcl {
		c.journal()
		c.ks.unlockExclusive()
	}
	c.excl, c.ownExcl = false, false
}

func (c *Ctx) table(db int, key string, create bool) (*shard, *table, uint32) {
	sh, h := c.shardFor(key)
	t := sh.dbs[db]
	if t == nil && create {
		t = new(table)
		sh.dbs[db] = t
	}
	return sh, t, uint32(h)
}

// Peek returns key's entry without touching LRU/LFU data or hit/miss
// statistics, deleting it first if it has expired. The key's shard must be
// locked.
func (c *Ctx) Peek(db int, key string) *Entry {
	sh, h := c.shardFor(key)
	return c.peek(db, sh, uint32(h), key)
}

// peek is Peek in the shard sh holding key, whose hash is h.
func (c *Ctx) peek(db int, sh *shard, h uint32, key string) *Entry {
	t := sh.dbs[db]
	if t == nil {
		return nil
	}
	e := t.find(h, key)
	if e == nil {
		return nil
	}
	if e.expire != 0 && !c.Loading && c.Now() > e.expire {
		c.expireEntry(db, sh, t, h, e)
		return nil
	}
	c.lastEnt, c.lastSh = e, sh
	return e
}

// Lookup is a read lookup: like Peek, and it counts a keyspace hit or
// miss, fires the keymiss event on a miss, and updates the LRU/LFU data.
func (c *Ctx) Lookup(db int, key string) *Entry {
	e := c.LookupNoTouch(db, key)
	if e != nil && !c.NoTouch {
		c.touchAccess(e)
	}
	return e
}

// LookupNoTouch is a read lookup that counts hits and misses (and fires
// keymiss) but leaves LRU/LFU data alone: TTL, EXISTS, TYPE use it.
func (c *Ctx) LookupNoTouch(db int, key string) *Entry {
	sh, t, h := c.table(db, key, false)
	var e *Entry
	if t != nil {
		e = t.find(h, key)
		if e != nil && e.expire != 0 && !c.Loading && c.Now() > e.expire {
			c.expireEntry(db, sh, t, h, e)
			e = nil
		}
	}
	if e == nil {
		sh.misses++
		c.Notify(db, NotifyKeyMiss, "keymiss", key)
		return nil
	}
	sh.hits++
	c.lastEnt, c.lastSh = e, sh
	return e
}

// LookupWrite is a write lookup: like Peek, and it updates LRU/LFU data.
func (c *Ctx) LookupWrite(db int, key string) *Entry {
	e := c.Peek(db, key)
	if e != nil && !c.NoTouch {
		c.touchAccess(e)
	}
	return e
}

// LockLookupWrite is Lock(key) followed by LookupWrite(db, key), with the
// key hashed and its shard found once: the common single-key write. It
// puts the key in the one-entry hash cache only when it is missing, for
// the Create that follows (a found key is used through its entry).
func (c *Ctx) LockLookupWrite(db int, key string) *Entry {
	if c.excl { // Lock is a no-op
		return c.LookupWrite(db, key)
	}
	h := c.ks.hash(key)
	i := c.ks.shardOf(h)
	c.LockShard(i)
	e := c.peek(db, &c.ks.shards[i], uint32(h), key)
	if e == nil {
		c.remember(key, h)
	} else if !c.NoTouch {
		c.touchAccess(e)
	}
	return e
}

// touchAccess records an access for eviction (Keyspace.touchAccess).
func (c *Ctx) touchAccess(e *Entry) { c.ks.touchAccess(e) }

// touchAccess records an access for eviction: the LRU clock by default,
// or whatever the installed AccessPolicy computes (LFU).
func (ks *Keyspace) touchAccess(e *Entry) {
	if p := ks.access.Load(); p != nil {
		e.SetAccess((*p).OnAccess(e.Access()))
		return
	}
	e.SetAccess(ks.lruClock.Load())
}

// Create inserts key, which must be absent (call Peek/Lookup first), and
// returns its entry with no value yet. The caller must store a value.
func (c *Ctx) Create(db int, key string) *Entry {
	sh, t, h := c.table(db, key, true)
	if c.BorrowedKeys {
		key = strings.Clone(key)
	}
	e := t.insert(h, key)
	c.lastEnt, c.lastSh = e, sh
	if t.live == 1 {
		c.ks.dbShards[db].Add(1)
	}
	c.ks.addMem(sh, t, keyBytes(e))
	if p := c.ks.access.Load(); p != nil {
		e.SetAccess((*p).OnCreate())
	} else {
		e.SetAccess(c.ks.lruClock.Load())
	}
	return e
}

// Delete removes key if it exists and reports whether it did. It does not
// expire-check: an expired key is deleted and counts as deleted only if
// it was still alive (like Redis, a lazily expired key reports 0).
func (c *Ctx) Delete(db int, key string) bool {
	e := c.Peek(db, key)
	if e == nil {
		return false
	}
	c.Remove(db, e)
	return true
}

// Remove deletes the entry e (found by Peek/Lookup in db).
func (c *Ctx) Remove(db int, e *Entry) {
	sh, t, h := c.table(db, e.key, false)
	c.removeEntry(db, sh, t, h, e)
}

// removeEntry unaccounts and deletes e.
func (c *Ctx) removeEntry(db int, sh *shard, t *table, h uint32, e *Entry) {
	c.ks.addMem(sh, t, -(keyBytes(e) + int64(e.size)))
	mem := t.mem
	t.remove(h, e)
	t.mem = mem // remove may reset an emptied table
	if t.live == 0 {
		c.ks.dbShards[db].Add(-1)
	}
}

// SetExpire sets e's absolute expiry in unix ms; 0 removes it.
func (c *Ctx) SetExpire(db int, e *Entry, at int64) {
	if (e.expire == 0) != (at == 0) {
		_, t, _ := c.table(db, e.key, false)
		if at == 0 {
			t.ttl--
		} else {
			t.ttl++
		}
	}
	e.expire = at
}

// SetFieldTTL records whether e holds members with their own expiry, so
// the active expiry cycle visits it (see Keyspace.SetFieldExpirer).
func (c *Ctx) SetFieldTTL(db int, e *Entry, on bool) {
	if e.HasFieldTTL() == on {
		return
	}
	_, t, _ := c.table(db, e.key, false)
	if on {
		e.setFlag(flagFieldTTL, true)
		t.fttl++
	} else {
		e.setFlag(flagFieldTTL, false)
		t.fttl--
	}
}

// MoveEntry moves src's value into dst (in dstDB), keeping the member-TTL
// registration; the caller removes src afterwards.
func (c *Ctx) MoveEntry(dstDB int, dst, src *Entry) {
	dst.MoveFrom(src)
	sh, t, _ := c.table(dstDB, dst.key, false)
	dst.size = src.size
	c.ks.addMem(sh, t, int64(src.size))
	if src.HasFieldTTL() {
		c.SetFieldTTL(dstDB, dst, true)
	}
}

func (c *Ctx) expireEntry(db int, sh *shard, t *table, h uint32, e *Entry) {
	key := e.key
	c.removeEntry(db, sh, t, h, e)
	c.ks.Stats.ExpiredKeys.Add(1)
	c.Notify(db, NotifyExpired, "expired", key)
	c.propagate(db, "DEL", key)
	c.touchShard(sh, db, key)
	if len(sh.waiters) > 0 {
		c.SignalReady(db, key)
	}
}

// Touch signals that key was modified: WATCHers of it become dirty, and
// the memory accounted for its value is brought up to date. Every
// successful write calls it. The key's shard must be locked.
func (c *Ctx) Touch(db int, key string) {
	sh, h := c.shardFor(key)
	sh.dirty++
	c.wrote = true
	if t := sh.dbs[db]; t != nil {
		if e := t.find(uint32(h), key); e != nil {
			c.account(sh, t, e)
		}
	}
	c.touchShard(sh, db, key)
}

// TouchEntry is Touch for the entry the caller holds (found or created
// in this lock hold and not removed since): it skips the key's lookup.
func (c *Ctx) TouchEntry(db int, e *Entry) {
	sh := c.lastSh
	if e != c.lastEnt {
		sh, _ = c.shardFor(e.key)
	}
	sh.dirty++
	c.wrote = true
	if t := sh.dbs[db]; t != nil {
		c.account(sh, t, e)
	}
	c.touchShard(sh, db, e.key)
}

func (c *Ctx) touchShard(sh *shard, db int, key string) {
	if len(sh.watch) == 0 {
		return
	}
	ws, ok := sh.watch[dbKey{db, key}]
	if !ok {
		return
	}
	var exists bool
	if t := sh.dbs[db]; t != nil {
		exists = t.find(uint32(c.hashOf(key)), key) != nil
	}
	for _, w := range ws {
		w.touched(db, key, exists)
	}
}

// Notify records a keyspace event to publish after the unit, when the
// notify-keyspace-events configuration enables its class.
func (c *Ctx) Notify(db int, class uint32, event, key string) {
	f := c.ks.notifyFlags.Load()
	if f&class == 0 || f&(NotifyKeyspace|NotifyKeyevent) == 0 || c.hooks == nil || c.hooks.Notify == nil {
		return
	}
	c.events = append(c.events, Event{DB: db, Class: class, Name: event, Key: strings.Clone(key)})
}

// Journaling reports whether effects are being recorded (so callers can
// skip building records).
func (c *Ctx) Journaling() bool {
	return !c.Loading && c.hooks != nil && (c.hooks.Journal != nil || c.hooks.JournalRESP != nil)
}

// journalScratch holds a unit's records and their argument lists between
// Propagate and the Journal hook. A unit borrows one from journalPool on
// its first record and returns it in Finish, so a write allocates nothing
// for its record (the typed API builds a fresh Ctx per call).
type journalScratch struct {
	recs []Record
	args []string
}

var journalPool = sync.Pool{New: func() any {
	return &journalScratch{recs: make([]Record, 0, 4), args: make([]string, 0, 16)}
}}

// Propagate records the effect of a write as a command. The strings must
// stay valid until Finish returns; the argument list itself is copied.
func (c *Ctx) Propagate(db int, args ...string) {
	if c.NoPropagate {
		return
	}
	c.propagate(db, args...)
}

func (c *Ctx) propagate(db int, args ...string) {
	if !c.Journaling() {
		return
	}
	if c.hooks.JournalRESP != nil {
		c.propagateRESP(db, args)
		return
	}
	if c.js == nil {
		c.js = journalPool.Get().(*journalScratch)
		if len(c.records) == 0 {
			c.records = c.js.recs[:0]
		}
	}
	n := len(c.js.args)
	c.js.args = append(c.js.args, args...)
	c.records = append(c.records, Record{DB: db, Args: c.js.args[n:len(c.js.args):len(c.js.args)]})
}

// journal hands the records gathered so far to the journal hook while the
// unit still holds its locks (several records are wrapped in MULTI/EXEC).
func (c *Ctx) journal() {
	if c.jb != nil {
		c.journalRESP()
	}
	if len(c.records) == 0 {
		return
	}
	if len(c.records) > 1 && c.records[0].Args[0] != "MULTI" {
		c.WrapRecords()
	}
	if c.hooks != nil && c.hooks.Journal != nil {
		if tok := c.hooks.Journal(c.records); tok != 0 {
			c.jtoken, c.jsync = tok, c.hooks.JournalSync
		}
	}
	clear(c.records)
	c.records = c.records[:0]
	if c.js != nil {
		clear(c.js.args)
		c.js.args = c.js.args[:0]
	}
}

// Records returns the effects recorded so far.
func (c *Ctx) Records() []Record { return c.records }

// SignalReady records that key received data that blocked readers may be
// waiting for. The key's shard must be locked.
func (c *Ctx) SignalReady(db int, key string) {
	if c.ks.blocked.Load() == 0 { // nobody waits on any key
		return
	}
	sh, _ := c.shardFor(key)
	if len(sh.waiters) == 0 {
		return
	}
	if _, ok := sh.waiters[dbKey{db, key}]; ok {
		c.ready = append(c.ready, dbKey{db, strings.Clone(key)})
	}
}

// Finish delivers the unit's effects: journal records, notifications and
// wake-ups. Call it after Unlock/EndExclusive, before the key strings
// passed in are reused.
func (c *Ctx) Finish() {
	c.journal()
	if jb := c.jb; jb != nil { // borrowed from the pool
		c.jb = nil
		jb.pooled = false
		journalBufPool.Put(jb)
	}
	if js := c.js; js != nil {
		// give the record buffers back (keeping them if they grew large
		// would pin memory in the pool)
		c.js = nil
		if cap(c.records) <= 64 && cap(js.args) <= 256 {
			js.recs = c.records[:0]
			journalPool.Put(js)
		}
		c.records = nil
	}
	if c.wrote {
		c.wrote = false
		if f := c.ks.afterWrite.Load(); f != nil {
			(*f)()
		}
	}
	if c.jtoken != 0 {
		if c.jsync != nil {
			c.jsync(c.jtoken)
		}
		c.jtoken, c.jsync = 0, nil
	}
	if len(c.events) > 0 {
		if c.hooks != nil && c.hooks.Notify != nil {
			c.hooks.Notify(c.events)
		}
		clear(c.events)
		c.events = c.events[:0]
	}
	if c.wakeAll {
		c.wakeAll = false
		c.ks.WakeAll()
	}
	if len(c.ready) > 0 {
		for _, k := range c.ready {
			if c.ServeWaiters && !c.inWait {
				c.ks.serve(k) // the waiters are served when this returns
			} else {
				// Signal only. (A queued waiter passing the turn on must
				// never wait for other waiters: two could wait for each
				// other.)
				c.ks.wake(k)
			}
		}
		clear(c.ready)
		c.ready = c.ready[:0]
	}
	c.leave()
}

// leave marks the waiter that left its queues in this unit gone.
func (c *Ctx) leave() {
	if w := c.leaving; w != nil {
		c.leaving = nil
		w.leave()
	}
}

// WrapRecords wraps the unit's journal records in MULTI/EXEC when there is
// more than one, so a replay applies them atomically.
func (c *Ctx) WrapRecords() {
	if len(c.records) < 2 {
		return
	}
	db := c.records[0].DB
	c.records = append(c.records, Record{}, Record{})
	copy(c.records[1:], c.records[:len(c.records)-2])
	c.records[0] = Record{DB: db, Args: []string{"MULTI"}}
	c.records[len(c.records)-1] = Record{DB: c.records[len(c.records)-2].DB, Args: []string{"EXEC"}}
}

package keyspace

import (
	"hash/maphash"
	"sort"
	"sync"
	"sync/atomic"
	"time"
)

// DefaultShards is the number of shards when Options.Shards is zero.
// Chosen by bench/: beyond 64 the parallel GET/SET numbers on 2-8 cores do
// not improve while SCAN, FLUSHALL and exclusive sections get slower.
const DefaultShards = 64

// DefaultDatabases is Redis's default "databases" setting.
const DefaultDatabases = 16

// Config configures a Keyspace.
type Config struct {
	// Databases is the number of logical databases. Default: 16.
	Databases int
	// Shards is the number of lock shards, a power of two. Default: 64.
	Shards int
	// Clock tells the time. Default: SystemClock.
	Clock Clock
}

// shard is one lock's worth of the keyspace: its share of every database,
// plus the WATCH and blocking-waiter registrations of the keys it holds.
type shard struct {
	mu sync.Mutex
	// Guarded by mu (or by the exclusive section):
	dbs     []*table
	watch   map[dbKey][]*Watcher
	waiters map[dbKey]*waitQueue
	hits    int64 // keyspace hits counted under mu (no shared cache line)
	misses  int64
	pending int64   // accounted bytes not yet published to Keyspace.used
	dirty   int64   // writes (Touch calls) since start, for save points
	_       [8]byte // keep neighbouring shards' locks on separate cache lines
}

type dbKey struct {
	db  int
	key string
}

// Keyspace is the lock-sharded store of every database's keys.
type Keyspace struct {
	shards    []shard
	shardBits uint
	shardSh   uint // 64 - shardBits: the shift that leaves a hash's shard bits
	seed      maphash.Seed
	clock     Clock
	sysClock  bool         // clock is SystemClock: Now uses wallOff
	wallOff   atomic.Int64 // wall ns minus monotonic ns since monoBase
	dbs       int

	excl atomic.Bool // an exclusive section is running or starting
	xmu  sync.Mutex  // held for the whole exclusive section

	notifyFlags atomic.Uint32
	hooks       atomic.Pointer[Hooks]
	hooksMu     sync.Mutex // serializes UpdateHooks
	lruClock    atomic.Uint32
	access      atomic.Pointer[AccessPolicy]
	fieldExp    atomic.Pointer[FieldExpirer]
	used        atomic.Int64   // published accounted bytes (see memory.go)
	coarseMS    atomic.Int64   // the clock at the last UpdateLRUClock, in ms
	dbShards    []atomic.Int32 // per database: shards holding at least one key
	snap        atomic.Pointer[Snapshot]
	jbufs       []journalBuf // per shard, then the exclusive section's (journal.go)
	afterWrite  atomic.Pointer[func()]
	blocked     atomic.Int64 // waiter registrations on keys, all shards (wait.go)
	snapMu      sync.Mutex
	ev          evictState
	memBatch    atomic.Int64

	// Stats counts keyspace events for INFO.
	Stats Stats

	expireMu sync.Mutex // serializes active-expiry cycles
	expCur   []uint32   // per shard/db cursor of the active expiry walk
	fexpCur  []uint32   // per shard/db cursor of the member-expiry walk
	expDB    int
}

// Stats are the keyspace's rare-event counters; all fields are read and
// written atomically. Hits and misses are counted per shard (see
// KeyspaceHits) so that reads never share a cache line.
type Stats struct {
	ExpiredKeys atomic.Int64
	EvictedKeys atomic.Int64
}

// KeyspaceHits returns the number of successful read lookups.
func (ks *Keyspace) KeyspaceHits() int64 {
	var n int64
	for i := range ks.shards {
		ks.lockShard(i)
		n += ks.shards[i].hits
		ks.shards[i].mu.Unlock()
	}
	return n
}

// KeyspaceMisses returns the number of read lookups of missing keys.
func (ks *Keyspace) KeyspaceMisses() int64 {
	var n int64
	for i := range ks.shards {
		ks.lockShard(i)
		n += ks.shards[i].misses
		ks.shards[i].mu.Unlock()
	}
	return n
}

// ResetStats zeroes the counters (CONFIG RESETSTAT).
func (ks *Keyspace) ResetStats() {
	ks.Stats.ExpiredKeys.Store(0)
	ks.Stats.EvictedKeys.Store(0)
	for i := range ks.shards {
		ks.lockShard(i)
		ks.shards[i].hits, ks.shards[i].misses = 0, 0
		ks.shards[i].mu.Unlock()
	}
}

// Hooks are the callbacks through which the rest of embedis observes
// writes. Each is optional. Journal is called under the unit's locks (see
// its doc); the others after the unit released every lock.
type Hooks struct {
	// Journal receives the effects of an execution unit as commands (the
	// append-only log's records). It is called while the unit still holds
	// the locks of the keys it wrote, so that conflicting units are
	// journaled in the order they executed: it must only copy the records
	// (they alias buffers that are reused) and never block on I/O. It
	// returns a token for JournalSync, or 0 when there is nothing to wait
	// for (then JournalSync is not called).
	Journal func(records []Record) uint64
	// JournalRESP, when set, is called instead of Journal, in the same
	// place and with the same contract, with the unit's records already
	// encoded as RESP commands (several wrapped in MULTI/EXEC, with a
	// SELECT between records of different databases): firstDB is the
	// database of the first, lastDB of the last.
	JournalRESP func(firstDB, lastDB int, resp []byte) uint64
	// JournalSync is called from Finish, with no lock held, with the token
	// of the unit's last Journal call that returned one (not 0): it may
	// block until those records are durable (appendfsync always) before
	// the reply is sent.
	JournalSync func(token uint64)
	// Notify receives keyspace events when notifications are enabled.
	Notify func(events []Event)
}

// New builds an empty keyspace.
func New(cfg Config) *Keyspace {
	if cfg.Databases <= 0 {
		cfg.Databases = DefaultDatabases
	}
	if cfg.Shards <= 0 {
		cfg.Shards = DefaultShards
	}
	bits := uint(0)
	for 1<<bits < cfg.Shards {
		bits++
	}
	if cfg.Clock == nil {
		cfg.Clock = SystemClock{}
	}
	ks := &Keyspace{
		shards:    make([]shard, 1<<bits),
		shardBits: bits,
		shardSh:   64 - bits,
		seed:      maphash.MakeSeed(),
		clock:     cfg.Clock,
		dbs:       cfg.Databases,
	}
	_, ks.sysClock = cfg.Clock.(SystemClock)
	ks.anchorWall()
	for i := range ks.shards {
		ks.shards[i].dbs = make([]*table, cfg.Databases)
	}
	ks.jbufs = make([]journalBuf, len(ks.shards)+1)
	ks.expCur = make([]uint32, len(ks.shards)*cfg.Databases)
	ks.dbShards = make([]atomic.Int32, cfg.Databases)
	ks.fexpCur = make([]uint32, len(ks.shards)*cfg.Databases)
	ks.UpdateLRUClock(ks.clock.Now())
	ks.memBatch.Store(64 << 10)
	return ks
}

// Databases returns the number of logical databases.
func (ks *Keyspace) Databases() int { return ks.dbs }

// NumShards returns the number of lock shards.
func (ks *Keyspace) NumShards() int { return len(ks.shards) }

// Clock returns the keyspace's clock.
func (ks *Keyspace) Clock() Clock { return ks.clock }

// SetHooks installs the write observers (nil removes them).
func (ks *Keyspace) SetHooks(h *Hooks) { ks.hooks.Store(h) }

// Hooks returns the installed write observers, or nil.
func (ks *Keyspace) Hooks() *Hooks { return ks.hooks.Load() }

// UpdateHooks installs a copy of the current hooks changed by edit, so
// that observers installed by different parts (the log's journal, pub/sub
// notifications, an embedder's hooks) keep each other. Updates are
// serialized; units read the new hooks once their locks are held.
func (ks *Keyspace) UpdateHooks(edit func(h *Hooks)) {
	ks.hooksMu.Lock()
	defer ks.hooksMu.Unlock()
	h := &Hooks{}
	if old := ks.hooks.Load(); old != nil {
		*h = *old
	}
	edit(h)
	ks.hooks.Store(h)
}

// SetNotifyFlags sets the notify-keyspace-events class mask (see the Notify*
// constants). 0 disables notifications.
func (ks *Keyspace) SetNotifyFlags(f uint32) { ks.notifyFlags.Store(f) }

// NotifyFlags returns the notify-keyspace-events class mask.
func (ks *Keyspace) NotifyFlags() uint32 { return ks.notifyFlags.Load() }

// LRUResolutionMS is the LRU clock's tick. Redis ticks once a second;
// embedis serves far more operations per second in process, where a
// one-second tick would make recency invisible to eviction, so it ticks
// every 10 ms (the 24-bit clock then wraps after 46 hours).
const LRUResolutionMS = 10

// UpdateLRUClock sets the coarse LRU clock (24 bits of LRUResolutionMS
// ticks) and the coarse millisecond clock from t.
func (ks *Keyspace) UpdateLRUClock(t time.Time) {
	ks.anchorWall()
	ms := t.UnixMilli()
	ks.lruClock.Store(uint32(ms/LRUResolutionMS) & (1<<24 - 1))
	ks.coarseMS.Store(ms)
}

// IdleMS returns how long ago e was last accessed, in milliseconds, by
// the LRU clock (OBJECT IDLETIME reports it in seconds).
func (ks *Keyspace) IdleMS(e *Entry) int64 {
	now, a := ks.lruClock.Load(), e.Access()
	const max = 1<<24 - 1
	var d uint32
	if now >= a {
		d = now - a
	} else {
		d = max - a + now
	}
	return int64(d) * LRUResolutionMS
}

// LRUClock returns the coarse LRU clock.
func (ks *Keyspace) LRUClock() uint32 { return ks.lruClock.Load() }

func (ks *Keyspace) hash(key string) uint64 { return maphash.String(ks.seed, key) }

// shardOf returns the shard of a key whose hash is h: its top shardBits
// bits (none, so shard 0, when there is one shard: a shift by 64 gives 0).
func (ks *Keyspace) shardOf(h uint64) int {
	return int(h >> ks.shardSh)
}

// ShardOf returns the index of the shard that holds key.
func (ks *Keyspace) ShardOf(key string) int {
	if ks.shardBits == 0 {
		return 0
	}
	return ks.shardOf(ks.hash(key))
}

// lockShard locks one shard, waiting out any exclusive section, without
// copying it into a running snapshot: for walks that change nothing a
// snapshot copies (counters, waiter queues, access data), or that call
// copyForWrite before they change something (the active expiry cycle),
// so that they do not make every shard's copy in a row. Units that write
// lock through Ctx, which copies.
func (ks *Keyspace) lockShard(i int) {
	ks.lockShardFor(i, false)
}

// lockShardFor locks shard i, waiting out any exclusive section; with
// copy true it first copies the shard into a running snapshot if nobody
// has yet.
func (ks *Keyspace) lockShardFor(i int, copy bool) {
	sh := &ks.shards[i]
	for {
		sh.mu.Lock()
		if !ks.excl.Load() {
			if !copy {
				return
			}
			if s := ks.snap.Load(); s != nil {
				s.copyShard(i)
			}
			return
		}
		sh.mu.Unlock()
		ks.xmu.Lock()
		ks.xmu.Unlock() //nolint:staticcheck // wait for the exclusive section to end
	}
}

// copyForWrite copies shard i into a running snapshot if nobody has yet:
// a holder of its lock taken with lockShard (no copy) calls it before
// changing anything.
func (ks *Keyspace) copyForWrite(i int) {
	if s := ks.snap.Load(); s != nil {
		s.copyShard(i)
	}
}

// lockShards locks a sorted, duplicate-free list of shards in ascending
// order, waiting out any exclusive section.
func (ks *Keyspace) lockShards(idx []int) {
	for {
		for _, i := range idx {
			ks.shards[i].mu.Lock()
		}
		if !ks.excl.Load() {
			if s := ks.snap.Load(); s != nil {
				for _, i := range idx {
					s.copyShard(i)
				}
			}
			return
		}
		for _, i := range idx {
			ks.shards[i].mu.Unlock()
		}
		ks.xmu.Lock()
		ks.xmu.Unlock() //nolint:staticcheck
	}
}

// lockExclusive starts an exclusive section: when it returns no other
// goroutine holds or will take a shard lock until unlockExclusive.
func (ks *Keyspace) lockExclusive() {
	ks.xmu.Lock()
	ks.excl.Store(true)
	for i := range ks.shards {
		ks.shards[i].mu.Lock()
		ks.shards[i].mu.Unlock() //nolint:staticcheck // drain holders that got in first
	}
	// A running snapshot's shards are copied as the holder reaches them
	// (Ctx.shardFor, Ctx.lockShard, copyAll), not all now: that would
	// stall every writer for the whole keyspace's copy.
}

// copyAll copies every shard not yet copied into a running snapshot: an
// exclusive holder that is about to change tables wholesale (FLUSHDB,
// SWAPDB) calls it.
func (ks *Keyspace) copyAll() {
	if s := ks.snap.Load(); s != nil {
		for i := range ks.shards {
			s.copyShard(i)
		}
	}
}

func (ks *Keyspace) unlockExclusive() {
	ks.excl.Store(false)
	ks.xmu.Unlock()
}

func sortUnique(a []int) []int {
	if len(a) < 2 {
		return a
	}
	sort.Ints(a)
	j := 1
	for i := 1; i < len(a); i++ {
		if a[i] != a[j-1] {
			a[j] = a[i]
			j++
		}
	}
	return a[:j]
}

// DBSize returns the number of keys in db, counting keys that have
// logically expired but were not reclaimed yet (as Redis's DBSIZE does).
// It takes each shard's lock in turn, so it is not a point-in-time count
// unless called inside an exclusive section via Ctx.DBSize.
func (ks *Keyspace) DBSize(db int) int {
	n := 0
	for i := range ks.shards {
		ks.lockShard(i)
		if t := ks.shards[i].dbs[db]; t != nil {
			n += t.live
		}
		ks.shards[i].mu.Unlock()
	}
	return n
}

// DBStats returns, for db, the number of keys and of keys with an expiry.
func (ks *Keyspace) DBStats(db int) (keys, expires int) {
	for i := range ks.shards {
		ks.lockShard(i)
		if t := ks.shards[i].dbs[db]; t != nil {
			keys += t.live
			expires += t.ttl
		}
		ks.shards[i].mu.Unlock()
	}
	return
}

// AccessPolicy computes the eviction metadata word of an entry: the LFU
// policies install one; without one the word is the coarse LRU clock.
type AccessPolicy interface {
	// OnAccess returns the new word for an entry that was just accessed.
	OnAccess(old uint32) uint32
	// OnCreate returns the word for a new entry.
	OnCreate() uint32
}

// SetAccessPolicy installs p (nil restores the LRU clock).
func (ks *Keyspace) SetAccessPolicy(p AccessPolicy) {
	if p == nil {
		ks.access.Store(nil)
		return
	}
	ks.access.Store(&p)
}

// FieldExpirer reclaims the expired members of a value that has member
// TTLs (hash fields). It runs with e's shard locked inside the active
// expiry cycle and returns how many members it removed; it may delete the
// key itself (through c) when the value empties.
type FieldExpirer func(c *Ctx, db int, e *Entry) int

// SetFieldExpirer installs the member-expiry callback of the active cycle.
func (ks *Keyspace) SetFieldExpirer(f FieldExpirer) { ks.fieldExp.Store(&f) }

// Dirty returns the number of writes since the keyspace was created
// (every Touch counts one): save points compare it with the count at the
// last save.
func (ks *Keyspace) Dirty() int64 {
	var n int64
	for i := range ks.shards {
		ks.lockShard(i)
		n += ks.shards[i].dirty
		ks.shards[i].mu.Unlock()
	}
	return n
}

// SetAfterWrite installs a callback run by Finish, with no lock held,
// after every unit that changed data (the store uses it to bring memory
// back under maxmemory after concurrent writes). nil removes it.
func (ks *Keyspace) SetAfterWrite(f func()) {
	if f == nil {
		ks.afterWrite.Store(nil)
		return
	}
	ks.afterWrite.Store(&f)
}

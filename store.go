package embedis

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/embedis/embedis/evict"
	"github.com/embedis/embedis/keyspace"
	"github.com/embedis/embedis/persist"
)

// Clock tells the time; inject one with Options.Clock to control expiry in
// tests. The store reads it at most once per command, transaction or
// script.
type Clock = keyspace.Clock

// Options configure a Store. The zero value (or a nil *Options) gives a
// working in-memory store with Redis's defaults.
type Options struct {
	// Databases is the number of logical databases (redis "databases").
	// Default: 16.
	Databases int
	// Shards is the number of lock shards; rounded up to a power of two.
	// Default: 64.
	Shards int
	// Clock tells the time. Default: the system clock.
	Clock Clock
	// Hz is how many times a second background tasks (active expiry, the
	// LRU clock) run, as Redis's "hz". Default: 10.
	Hz int
	// DisableActiveExpire turns the background expiry cycle off; keys then
	// expire only when accessed (or via Store.ActiveExpire). Default: false.
	DisableActiveExpire bool
	// ProtoMaxBulkLen is the largest string value in bytes
	// ("proto-max-bulk-len"). Default: 512 MiB.
	ProtoMaxBulkLen int64
	// NotifyKeyspaceEvents is the notify-keyspace-events flag string.
	// Default: "" (off).
	NotifyKeyspaceEvents string
	// MaxMemory is the memory limit in bytes ("maxmemory"); commands that
	// may grow memory are refused with ErrOOM, or keys are evicted per
	// MaxMemoryPolicy, once the data set exceeds it. Default: 0 (no limit).
	MaxMemory int64
	// MaxMemoryPolicy is "maxmemory-policy": noeviction, allkeys-lru,
	// volatile-lru, allkeys-lfu, volatile-lfu, allkeys-random,
	// volatile-random or volatile-ttl. Default: "noeviction".
	MaxMemoryPolicy string
	// MaxMemorySamples is "maxmemory-samples". Default: 5.
	MaxMemorySamples int
	// LFULogFactor is "lfu-log-factor". Default: 10.
	LFULogFactor int
	// LFUDecayTime is "lfu-decay-time" in minutes. Default: 1.
	LFUDecayTime int

	// Dir is the working directory of snapshots and the append-only log
	// ("dir"). Default: "" — with no Dir, no Save points and AppendOnly
	// off the store is purely in memory; otherwise "." is used.
	Dir string
	// DBFilename is the snapshot file name ("dbfilename"). The format is
	// embedis's own (see ARCHITECTURE.md), not RDB. Default: "dump.edb".
	DBFilename string
	// Save are the snapshot save points ("save"). Default: none.
	Save []SavePoint
	// AppendOnly turns the append-only log on ("appendonly"). Default:
	// false.
	AppendOnly bool
	// AppendFsync is "appendfsync": always, everysec or no. Default:
	// "everysec".
	AppendFsync string
	// AppendFilename is "appendfilename". Default: "appendonly.aof".
	AppendFilename string
	// AppendDirname is "appenddirname". Default: "appendonlydir".
	AppendDirname string
	// AutoAOFRewritePercentage is "auto-aof-rewrite-percentage" (0 turns
	// automatic rewrites off). Default: 100.
	AutoAOFRewritePercentage int
	// AutoAOFRewriteMinSize is "auto-aof-rewrite-min-size". Default: 64 MiB.
	AutoAOFRewriteMinSize int64
	// AOFLoadTruncated is "aof-load-truncated". Default (nil): true.
	AOFLoadTruncated *bool
	// Logf receives warnings (a truncated log, a failed background save).
	// Default: discard.
	Logf func(format string, args ...any)
}

func (o *Options) withDefaults() (Options, error) {
	var r Options
	if o != nil {
		r = *o
	}
	if r.Databases == 0 {
		r.Databases = keyspace.DefaultDatabases
	}
	if r.Databases < 1 || r.Databases > 1<<20 {
		return r, fmt.Errorf("embedis: Options.Databases must be between 1 and %d, got %d", 1<<20, r.Databases)
	}
	if r.Shards == 0 {
		r.Shards = keyspace.DefaultShards
	}
	if r.Shards < 1 || r.Shards > 1<<16 {
		return r, fmt.Errorf("embedis: Options.Shards must be between 1 and 65536, got %d", r.Shards)
	}
	if r.Hz == 0 {
		r.Hz = 10
	}
	if r.Hz < 1 || r.Hz > 500 {
		return r, fmt.Errorf("embedis: Options.Hz must be between 1 and 500, got %d", r.Hz)
	}
	if r.ProtoMaxBulkLen == 0 {
		r.ProtoMaxBulkLen = 512 << 20
	}
	if r.ProtoMaxBulkLen < 1<<20 {
		return r, fmt.Errorf("embedis: Options.ProtoMaxBulkLen must be at least 1 MiB, got %d", r.ProtoMaxBulkLen)
	}
	if _, err := parseNotifyFlags(r.NotifyKeyspaceEvents); err != nil {
		return r, fmt.Errorf("embedis: Options.NotifyKeyspaceEvents: %v", err)
	}
	if r.Clock == nil {
		r.Clock = keyspace.SystemClock{}
	}
	if r.MaxMemory < 0 {
		return r, fmt.Errorf("embedis: Options.MaxMemory must not be negative, got %d", r.MaxMemory)
	}
	if r.MaxMemoryPolicy == "" {
		r.MaxMemoryPolicy = "noeviction"
	}
	if _, ok := evict.ParsePolicy(r.MaxMemoryPolicy); !ok {
		return r, fmt.Errorf("embedis: Options.MaxMemoryPolicy: unknown policy %q", r.MaxMemoryPolicy)
	}
	if r.MaxMemorySamples == 0 {
		r.MaxMemorySamples = 5
	}
	if r.MaxMemorySamples < 1 || r.MaxMemorySamples > 64 {
		return r, fmt.Errorf("embedis: Options.MaxMemorySamples must be between 1 and 64, got %d", r.MaxMemorySamples)
	}
	if r.LFULogFactor == 0 {
		r.LFULogFactor = evict.DefaultLogFactor
	}
	if r.LFUDecayTime == 0 {
		r.LFUDecayTime = evict.DefaultDecayTime
	}
	if r.LFULogFactor < 0 || r.LFUDecayTime < 0 {
		return r, fmt.Errorf("embedis: Options.LFULogFactor and LFUDecayTime must not be negative")
	}
	if r.DBFilename == "" {
		r.DBFilename = "dump.edb"
	}
	if r.AppendFsync == "" {
		r.AppendFsync = "everysec"
	}
	if _, ok := persist.ParseFsync(r.AppendFsync); !ok {
		return r, fmt.Errorf("embedis: Options.AppendFsync must be always, everysec or no, got %q", r.AppendFsync)
	}
	if r.AutoAOFRewritePercentage == 0 {
		r.AutoAOFRewritePercentage = 100
	}
	if r.AutoAOFRewriteMinSize == 0 {
		r.AutoAOFRewriteMinSize = 64 << 20
	}
	if r.Dir == "" && (r.AppendOnly || len(r.Save) > 0) {
		r.Dir = "."
	}
	for _, sp := range r.Save {
		if sp.Seconds < 0 || sp.Changes < 0 {
			return r, fmt.Errorf("embedis: Options.Save: invalid save point %d %d", sp.Seconds, sp.Changes)
		}
	}
	return r, nil
}

// Store is an embedded Redis: every database, with typed accessors and a
// command interface. The methods promoted from DB act on database 0; use
// Select(n) for another. A Store is safe for concurrent use by any number of
// goroutines.
type Store struct {
	*DB
	ks   *keyspace.Keyspace
	dbs  []*DB
	opts Options

	maxBulk   atomic.Int64
	maxMemory atomic.Int64
	persist   persistState
	cmdStats  commandStats // INFO commandstats / errorstats (cmdstats.go)
	hz        atomic.Int64 // background task frequency (Options.Hz, CONFIG SET hz)
	tunables  persistTunables

	closed atomic.Bool
	stop   chan struct{}
	wg     sync.WaitGroup
}

// DB is one logical database of a Store. It has the typed accessors; its
// methods are safe for concurrent use.
type DB struct {
	s   *Store
	idx int
}

// Open creates a Store. A nil opts gives an in-memory store with Redis's
// defaults. The store runs a background goroutine (active expiry) until
// Close.
func Open(opts *Options) (*Store, error) {
	o, err := opts.withDefaults()
	if err != nil {
		return nil, err
	}
	ks := keyspace.New(keyspace.Config{Databases: o.Databases, Shards: o.Shards, Clock: o.Clock})
	s := &Store{ks: ks, opts: o, stop: make(chan struct{})}
	s.cmdStats.cmds = make([]cmdStat, len(commandList))
	s.maxBulk.Store(o.ProtoMaxBulkLen)
	s.hz.Store(int64(o.Hz))
	s.initTunables()
	flags, _ := parseNotifyFlags(o.NotifyKeyspaceEvents)
	ks.SetNotifyFlags(flags)
	s.dbs = make([]*DB, o.Databases)
	for i := range s.dbs {
		s.dbs[i] = &DB{s: s, idx: i}
	}
	s.DB = s.dbs[0]
	pol, _ := evict.ParsePolicy(o.MaxMemoryPolicy)
	s.ks.SetEviction(keyspace.EvictConfig{Policy: pol, Samples: o.MaxMemorySamples, LogFactor: o.LFULogFactor, DecayTime: o.LFUDecayTime})
	s.SetMaxMemory(o.MaxMemory)
	initHashFieldExpiry(s)
	if err := s.openPersistence(); err != nil {
		return nil, err
	}
	s.wg.Add(1)
	go s.cron()
	return s, nil
}

// MustOpen is Open that panics on error; handy in tests and examples.
func MustOpen(opts *Options) *Store {
	s, err := Open(opts)
	if err != nil {
		panic(err)
	}
	return s
}

// Close stops background work. It is safe to call more than once. Calls
// made after Close return ErrClosed where they can fail, and otherwise
// keep working on the in-memory data.
func (s *Store) Close() error {
	if s.closed.Swap(true) {
		return nil
	}
	close(s.stop)
	s.wg.Wait()
	return s.closePersistence()
}

// Select returns database n (0-based). It panics when n is out of range,
// like an index; use Databases to learn the count.
func (s *Store) Select(n int) *DB { return s.dbs[n] }

// Databases returns the number of logical databases.
func (s *Store) Databases() int { return len(s.dbs) }

// Keyspace exposes the core for the server and persistence packages.
func (s *Store) Keyspace() *keyspace.Keyspace { return s.ks }

// Index returns the database's number.
func (d *DB) Index() int { return d.idx }

// ActiveExpire runs the active expiry cycle to completion now (until a
// cycle finds nothing to reclaim) and returns the number of keys it
// deleted. Useful with an injected clock.
func (s *Store) ActiveExpire() int {
	total := 0
	for {
		n := s.ks.ActiveExpireCycle(time.Hour)
		total += n
		if n == 0 {
			return total
		}
	}
}

func (s *Store) cron() {
	defer s.wg.Done()
	hz := s.hz.Load()
	period := time.Second / time.Duration(hz)
	t := time.NewTicker(period)
	defer t.Stop()
	budget := period / 4 // Redis's slow cycle: 25% of each period
	for {
		select {
		case <-s.stop:
			return
		case <-t.C:
			if h := s.hz.Load(); h != hz { // CONFIG SET hz
				hz, period = h, time.Second/time.Duration(h)
				budget = period / 4
				t.Reset(period)
			}
			s.ks.UpdateLRUClock(s.ks.Clock().Now())
			if !s.opts.DisableActiveExpire {
				s.ks.ActiveExpireCycle(budget)
			}
			s.persistCron()
		}
	}
}

// Do runs one command by its Redis name and arguments on database 0 and
// returns its reply as a RESP3-shaped value. Arguments may be strings,
// []byte, integers, floats or bools. A Redis error reply is returned as an
// *Error (the value is then the zero Value). Session state (SELECT, MULTI)
// does not outlive the call; use NewSession for that.
func (s *Store) Do(ctx context.Context, args ...any) (Value, error) {
	return s.DB.Do(ctx, args...)
}

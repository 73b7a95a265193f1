package embedis

import (
	"crypto/rand"
	"encoding/hex"
	"runtime"
	"sync"
	"sync/atomic"
	"time"
	"weak"

	"github.com/embedis/embedis/keyspace"
)

// serverState is the part of a Store that only clients see: connected
// sessions, pub/sub subscriptions, the CONFIG parameter table, server
// statistics, the slow log and MONITOR feeds. It is created on first use
// and lives as long as its Store.
//
// It holds no strong reference to the Store (the registry below is keyed
// by a weak pointer and the state is dropped when the Store is collected),
// only to the Store's keyspace.
type serverState struct {
	ks      *keyspace.Keyspace
	opts    Options
	started time.Time
	runID   string

	cfg     config
	clients clientRegistry
	ps      pubsub
	slow    slowlog
	stats   serverStats
	blocked atomic.Int64 // clients waiting in a blocking command (INFO blocked_clients)
}

// serverStats are the counters INFO stats reports; every field is atomic.
type serverStats struct {
	connections    atomic.Int64 // total_connections_received
	rejected       atomic.Int64 // rejected_connections
	commands       atomic.Int64 // commands of sessions already closed
	pubsubMessages atomic.Int64 // messages delivered by PUBLISH (Redis counts per publish)
	netInput       atomic.Int64 // total_net_input_bytes of sessions already closed
	netOutput      atomic.Int64 // total_net_output_bytes of sessions already closed
	peak           atomic.Int64 // used_memory_peak
}

var (
	// states maps a Store (weakly) to its serverState. Lookups happen once
	// per session, not per command: a Session caches its state.
	states sync.Map // weak.Pointer[Store] -> *serverState
	// stateInit serializes the creation of states so that each Store gets
	// exactly one.
	stateInit sync.Mutex
)

// state returns s's server-side state, creating it on first use.
func (s *Store) state() *serverState {
	key := weak.Make(s)
	if v, ok := states.Load(key); ok {
		return v.(*serverState)
	}
	stateInit.Lock()
	defer stateInit.Unlock()
	if v, ok := states.Load(key); ok {
		return v.(*serverState)
	}
	st := newServerState(s.ks, s.opts)
	s.installNotifyHook(st)
	states.Store(key, st)
	runtime.AddCleanup(s, func(k weak.Pointer[Store]) { states.Delete(k) }, key)
	return st
}

func newServerState(ks *keyspace.Keyspace, opts Options) *serverState {
	st := &serverState{ks: ks, opts: opts, started: time.Now()}
	var id [20]byte
	_, _ = rand.Read(id[:])
	st.runID = hex.EncodeToString(id[:])
	st.clients.m = make(map[int64]*Session)
	st.ps.init()
	st.cfg.init(st)
	st.slow.init()
	return st
}

// installNotifyHook makes keyspace notifications reach pub/sub, keeping
// the hooks already installed (the log's journal, an embedder's observers;
// an existing notification hook runs first). It runs when the server state
// is created, i.e. when the first client-facing feature is used: before
// that nobody can be subscribed, so no event has a receiver.
func (s *Store) installNotifyHook(st *serverState) {
	s.ks.UpdateHooks(func(h *keyspace.Hooks) {
		if prev := h.Notify; prev != nil {
			h.Notify = func(ev []keyspace.Event) { prev(ev); st.publishEvents(ev) }
		} else {
			h.Notify = st.publishEvents
		}
	})
}

// totals returns total_commands_processed, total_net_input_bytes and
// total_net_output_bytes: the counts of closed sessions plus those of the
// sessions still attached.
func (st *serverState) totals() (cmds, in, out int64) {
	cmds, in, out = st.stats.commands.Load(), st.stats.netInput.Load(), st.stats.netOutput.Load()
	st.clients.mu.Lock()
	for _, sess := range st.clients.m {
		cmds += sess.info.cmds.Load()
		in += sess.info.netIn.Load()
		out += sess.info.netOut.Load()
	}
	st.clients.mu.Unlock()
	return
}

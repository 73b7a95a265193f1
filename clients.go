package embedis

import (
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// ConnInfo describes the connection behind a client session. The RESP
// server passes one to Session.Attach; CLIENT LIST, CLIENT KILL and the
// delivery of pub/sub messages use it.
type ConnInfo struct {
	// Addr is the client's address as CLIENT LIST shows it ("ip:port",
	// or "/path/to.sock:0" for a unix socket).
	Addr string
	// LocalAddr is the server side of the connection ("laddr").
	LocalAddr string
	// FD is the file descriptor number shown by CLIENT LIST, or -1.
	FD int
	// Unix marks a unix-socket connection (flag U).
	Unix bool
	// Local marks a connection from the same host (loopback, unix socket
	// or in-memory), which "enable-debug-command local" trusts.
	Local bool
	// Kill closes the connection. It is called from another goroutine
	// (CLIENT KILL, maxclients lowered, shutdown) and must not block.
	Kill func()
	// Wake is called, from any goroutine, when an out-of-band message
	// (pub/sub, MONITOR) is queued for the session; the server should
	// then call WritePushes from the session's goroutine soon. It must not
	// block.
	Wake func()
}

// ErrMaxClients is returned by Session.Attach when maxclients clients are
// already connected; the server sends it and closes the connection.
var ErrMaxClients = &Error{msg: "ERR max number of clients reached"}

// clientRegistry is the list of connected clients (CLIENT LIST) and of
// MONITOR sessions.
type clientRegistry struct {
	mu       sync.Mutex
	m        map[int64]*Session
	monitors []*Session
}

// monitorsActive counts MONITOR sessions of every store, so that running
// a command checks one atomic when nobody monitors.
var monitorsActive atomic.Int32

// Attach makes the session a connected client: it appears in CLIENT LIST,
// counts toward maxclients, and must authenticate first when requirepass
// is set. It returns ErrMaxClients when the store has maxclients clients
// already. Close detaches it.
func (sess *Session) Attach(ci ConnInfo) error {
	st := sess.state()
	sess.conn = ci
	if ci.FD == 0 {
		sess.conn.FD = -1
	}
	now := time.Now()
	sess.info.created = now
	sess.info.lastSeen.Store(now.UnixMilli())
	if ci.Unix {
		sess.info.flags.Or(cflagUnix)
	}
	st.clients.mu.Lock()
	if int64(len(st.clients.m)) >= st.cfg.maxClients.Load() {
		st.clients.mu.Unlock()
		st.stats.rejected.Add(1)
		return ErrMaxClients
	}
	st.clients.m[sess.id] = sess
	st.clients.mu.Unlock()
	st.stats.connections.Add(1)
	sess.attached = true
	sess.authed = st.cfg.requirePass() == ""
	return nil
}

// detach removes sess from the client list and folds its counters into
// the server totals.
func (r *clientRegistry) detach(sess *Session) {
	st := sess.st
	r.mu.Lock()
	delete(r.m, sess.id)
	r.mu.Unlock()
	st.stats.commands.Add(sess.info.cmds.Load())
	st.stats.netInput.Add(sess.info.netIn.Load())
	st.stats.netOutput.Add(sess.info.netOut.Load())
	sess.attached = false
}

func (r *clientRegistry) addMonitor(sess *Session) {
	r.mu.Lock()
	r.monitors = append(r.monitors, sess)
	r.mu.Unlock()
	monitorsActive.Add(1)
}

func (r *clientRegistry) removeMonitor(sess *Session) {
	r.mu.Lock()
	for i, m := range r.monitors {
		if m == sess {
			r.monitors = append(r.monitors[:i], r.monitors[i+1:]...)
			monitorsActive.Add(-1)
			break
		}
	}
	r.mu.Unlock()
}

// sessions returns the connected clients ordered by id.
func (r *clientRegistry) sessions() []*Session {
	r.mu.Lock()
	out := make([]*Session, 0, len(r.m))
	for _, s := range r.m {
		out = append(out, s)
	}
	r.mu.Unlock()
	sort.Slice(out, func(i, j int) bool { return out[i].id < out[j].id })
	return out
}

func (r *clientRegistry) count() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.m)
}

// BeginBatch tells the session that the server has just read a batch of
// pipelined commands at now: the client was active then (CLIENT LIST
// idle), and the commands that follow are timed from it for the slow log.
// Sessions that never get BeginBatch (Store.Do) are not timed.
func (sess *Session) BeginBatch(now time.Time) {
	sess.batchStart, sess.batchLast, sess.batchTimed = now, 0, true
	sess.info.lastSeen.Store(now.UnixMilli())
}

// RecordIO adds bytes read from and written to the session's connection to
// its counters (INFO stats total_net_input_bytes/total_net_output_bytes).
// The server calls it once per batch of pipelined commands.
func (sess *Session) RecordIO(in, out int64) {
	if in != 0 {
		sess.info.netIn.Add(in)
	}
	if out != 0 {
		sess.info.netOut.Add(out)
	}
}

// Kill disconnects the session's client from another goroutine: it asks
// the connection to close. For the session's own goroutine use
// closeAfterReply instead so that the reply is sent first.
func (sess *Session) kill() {
	sess.info.flags.Or(cflagCloseASAP)
	if k := sess.conn.Kill; k != nil {
		k()
	}
}

// clientType is the CLIENT LIST/KILL type of the session.
func (sess *Session) clientType() string {
	if sess.info.flags.Load()&cflagPubSub != 0 {
		return "pubsub"
	}
	return "normal"
}

// clientFlagLetters are the CLIENT LIST flags in the order Redis prints
// them (O P x b d c u A U r e T; embedis has no d, c, u or r).
var clientFlagLetters = [...]struct {
	f      uint32
	letter byte
}{
	{cflagMonitor, 'O'}, {cflagPubSub, 'P'}, {cflagMulti, 'x'}, {cflagBlocked, 'b'},
	{cflagCloseASAP, 'A'}, {cflagUnix, 'U'}, {cflagNoEvict, 'e'}, {cflagNoTouch, 'T'},
}

// flagString renders the CLIENT LIST flags field.
func (sess *Session) flagString() string {
	f := sess.info.flags.Load()
	var b []byte
	for _, l := range clientFlagLetters {
		if f&l.f != 0 {
			b = append(b, l.letter)
		}
	}
	if len(b) == 0 {
		return "N"
	}
	return string(b)
}

// setFlag sets or clears a CLIENT LIST flag.
func (sess *Session) setFlag(f uint32, on bool) {
	if on {
		sess.info.flags.Or(f)
	} else {
		sess.info.flags.And(^f)
	}
}

// clientLine renders the session as one CLIENT LIST / CLIENT INFO line
// (without the trailing newline), with Redis 7.4's fields in its order.
func (sess *Session) clientLine(now time.Time) string {
	in := &sess.info
	in.mu.Lock()
	name, libName, libVer := in.name, in.libName, in.libVer
	in.mu.Unlock()
	cmd := "NULL"
	if c := in.lastCmd.Load(); c != nil {
		cmd = c.Name
	}
	age := int64(now.Sub(in.created) / time.Second)
	idle := (now.UnixMilli() - in.lastSeen.Load()) / 1000
	if idle < 0 {
		idle = 0
	}
	var b strings.Builder
	field := func(k, v string) {
		if b.Len() > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(k)
		b.WriteByte('=')
		b.WriteString(v)
	}
	num := func(k string, v int64) { field(k, strconv.FormatInt(v, 10)) }
	num("id", sess.id)
	field("addr", sess.conn.Addr)
	field("laddr", sess.conn.LocalAddr)
	num("fd", int64(sess.conn.FD))
	field("name", name)
	num("age", age)
	num("idle", idle)
	field("flags", sess.flagString())
	num("db", int64(in.db.Load()))
	num("sub", int64(in.nsub.Load()))
	num("psub", int64(in.npsub.Load()))
	num("ssub", int64(in.nssub.Load()))
	num("multi", int64(in.multi.Load()))
	num("watch", int64(in.watching.Load()))
	num("qbuf", 0)
	num("qbuf-free", 0)
	num("argv-mem", 0)
	num("multi-mem", 0)
	num("rbs", 0)
	num("rbp", 0)
	num("obl", 0)
	num("oll", 0)
	num("omem", sess.push.bytes())
	num("tot-mem", 0)
	field("events", "r")
	field("cmd", cmd)
	field("user", "default")
	num("redir", -1)
	num("resp", int64(in.proto.Load()))
	field("lib-name", libName)
	field("lib-ver", libVer)
	return b.String()
}

// ConnLimits returns the limits the server applies to the session's
// connection, as currently configured: proto-max-bulk-len and
// client-query-buffer-limit (for resp.Reader), and the idle timeout
// ("timeout", 0 = none; pub/sub clients are exempt, as in Redis).
func (sess *Session) ConnLimits() (maxBulk, queryBuf int64, idle time.Duration) {
	cfg := &sess.state().cfg
	maxBulk, queryBuf = cfg.maxBulk.Load(), cfg.queryBufLimit.Load()
	if sess.subs.count == 0 {
		idle = time.Duration(cfg.timeout.Load()) * time.Second
	}
	return
}

// blockState is a session's blocking command while it waits: CLIENT
// UNBLOCK from another client ends the wait through ch.
type blockState struct {
	mu     sync.Mutex
	on     bool          // a blocking command is waiting
	reason uint8         // set by CLIENT UNBLOCK: unblockTimeout or unblockError
	ch     chan struct{} // closed by CLIENT UNBLOCK
}

const (
	unblockTimeout uint8 = 1 + iota // reply as if the timeout passed
	unblockError                    // reply -UNBLOCKED
)

// errUnblocked is the reply of a command ended by CLIENT UNBLOCK ... ERROR.
var errUnblocked = &Error{msg: "UNBLOCKED client unblocked via CLIENT UNBLOCK"}

// beginBlock marks the session blocked (CLIENT LIST flag b, INFO
// blocked_clients) and returns the channel CLIENT UNBLOCK closes. A nil
// session never blocks and gets a nil channel.
func (sess *Session) beginBlock() <-chan struct{} {
	if sess == nil {
		return nil
	}
	b := &sess.blk
	b.mu.Lock()
	b.on, b.reason, b.ch = true, 0, make(chan struct{})
	ch := b.ch
	b.mu.Unlock()
	sess.setFlag(cflagBlocked, true)
	sess.state().blocked.Add(1)
	return ch
}

// endBlock clears the blocked state and reports how CLIENT UNBLOCK ended
// the wait (0 when it did not).
func (sess *Session) endBlock() uint8 {
	if sess == nil {
		return 0
	}
	b := &sess.blk
	b.mu.Lock()
	r := b.reason
	b.on, b.reason, b.ch = false, 0, nil
	b.mu.Unlock()
	sess.setFlag(cflagBlocked, false)
	sess.state().blocked.Add(-1)
	return r
}

// unblock ends the session's wait, if it is waiting, as CLIENT UNBLOCK
// does; it reports whether there was a wait to end.
func (sess *Session) unblock(reason uint8) bool {
	b := &sess.blk
	b.mu.Lock()
	defer b.mu.Unlock()
	if !b.on || b.reason != 0 {
		return false
	}
	b.reason = reason
	close(b.ch)
	return true
}

// sessionByID returns the connected client with the given id, or nil.
func (r *clientRegistry) sessionByID(id int64) *Session {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.m[id]
}

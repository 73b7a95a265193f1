package embedis

import (
	"context"
	"sync"
	"sync/atomic"
	"time"

	"github.com/embedis/embedis/keyspace"
	"github.com/embedis/embedis/resp"
)

var sessionIDs atomic.Int64

// Session is the state of one client: the selected database, the protocol
// version, a transaction being queued, WATCHed keys, pub/sub subscriptions
// and the client's name. The RESP server keeps one per connection; Go code
// can use one to run MULTI/EXEC or SELECT through Exec or Do.
//
// A Session must be used by one goroutine at a time (its owner). Kill,
// the CLIENT LIST view of the session and the delivery of pub/sub
// messages may come from other goroutines; they are synchronized
// internally.
type Session struct {
	s     *Store
	st    *serverState
	id    int64
	db    int
	proto int

	// NoTouch is CLIENT NO-TOUCH: reads leave LRU/LFU data alone.
	NoTouch bool
	// Ctx is the context blocking commands wait under (canceled when the
	// client goes away). Default: context.Background().
	Ctx context.Context

	multi   *multiState
	watcher *keyspace.Watcher
	// script marks the client a script's commands run on: they never
	// block.
	script bool

	// authed is false while the client must still AUTH (requirepass).
	authed bool
	// attached: registered in the client list by Attach.
	attached bool
	closed   bool
	conn     ConnInfo
	// closeAfterReply asks the server to hang up once the current reply
	// is written (QUIT, CLIENT KILL of oneself).
	closeAfterReply bool
	replyMode       uint8 // replyOn, replyOff, replySkip
	// replyW is the writer of the command running now, even when its
	// reply is silenced (CLIENT REPLY ON must answer on it).
	replyW  resp.ReplyWriter
	noEvict bool

	subs    subState       // pub/sub subscriptions; see pubsub.go
	push    pushQueue      // out-of-band messages waiting to be written
	monitor bool           // MONITOR mode
	info    clientInfo     // what CLIENT LIST shows, readable from any goroutine
	blk     blockState     // a blocking command waiting now (CLIENT UNBLOCK)
	cw      countingWriter // the current command's writer (error counting)
	ran     bool           // the current command got past the checks and ran
	inner   int            // error replies of commands run inside the current EXEC

	// batchStart is when the server read the current batch of commands;
	// batchLast how far into it the last command ended (slow log timing).
	batchStart time.Time
	batchLast  time.Duration
	batchTimed bool

	c keyspace.Ctx
	x Exec

	idText idText // stream ID replies (cmd_stream.go)

	// The command looked up last (lookupCmd) and its name exactly as
	// the client spelled it (a copy: the argument aliases a buffer).
	cmdCache     *Command
	cmdCacheName [16]byte
	cmdCacheLen  int
}

// Reply modes of CLIENT REPLY.
const (
	replyOn   uint8 = iota
	replyOff        // every reply is dropped
	replySkip       // the reply of the next command is dropped
)

type multiState struct {
	queue   [][][]byte
	cmds    []*Command
	dirty   bool // an error while queueing: EXEC aborts
	denyOOM bool // a queued command may grow memory
}

// clientInfo is the part of a session shown to other clients (CLIENT
// LIST, INFO clients): atomics written by the owner, read by anyone.
type clientInfo struct {
	created  time.Time
	cmds     atomic.Int64 // commands processed
	netIn    atomic.Int64
	netOut   atomic.Int64
	lastCmd  atomic.Pointer[Command]
	lastSeen atomic.Int64 // unix ms of the last interaction
	db       atomic.Int32
	proto    atomic.Int32
	multi    atomic.Int32 // queued commands, -1 outside MULTI
	watching atomic.Int32
	nsub     atomic.Int32
	npsub    atomic.Int32
	nssub    atomic.Int32
	flags    atomic.Uint32 // clientFlag bits

	mu      sync.Mutex // guards the strings below
	name    string
	libName string
	libVer  string
}

// clientFlag bits as CLIENT LIST shows them.
const (
	cflagPubSub    uint32 = 1 << iota // P
	cflagMulti                        // x
	cflagDirty                        // d: MULTI with a touched WATCH (not tracked; see CLIENT LIST)
	cflagMonitor                      // O
	cflagNoEvict                      // e
	cflagNoTouch                      // T
	cflagCloseASAP                    // A
	cflagUnix                         // U
	cflagBlocked                      // b
)

// NewSession returns a session on database 0 speaking RESP2. A session
// made by NewSession is authenticated and not in the client list; the RESP
// server calls Attach to make it a connected client.
func (s *Store) NewSession() *Session {
	sess := &Session{s: s, id: sessionIDs.Add(1), proto: 2, Ctx: context.Background(), authed: true}
	sess.info.multi.Store(-1)
	sess.info.proto.Store(2)
	return sess
}

// state returns the store's server state, cached in the session.
func (sess *Session) state() *serverState {
	if sess.st == nil {
		sess.st = sess.s.state()
	}
	return sess.st
}

// ID returns the session's unique id (CLIENT ID).
func (sess *Session) ID() int64 { return sess.id }

// DB returns the selected database number.
func (sess *Session) DB() int { return sess.db }

// SetDB selects a database; it returns ErrDBIndex when n is out of range.
func (sess *Session) SetDB(n int) error {
	if n < 0 || n >= len(sess.s.dbs) {
		return ErrDBIndex
	}
	sess.db = n
	sess.info.db.Store(int32(n))
	return nil
}

// Proto returns the protocol version (2 or 3).
func (sess *Session) Proto() int { return sess.proto }

// SetProto sets the protocol version (2 or 3).
func (sess *Session) SetProto(p int) {
	sess.proto = p
	sess.info.proto.Store(int32(p))
}

// Name returns the client name (CLIENT SETNAME).
func (sess *Session) Name() string {
	sess.info.mu.Lock()
	defer sess.info.mu.Unlock()
	return sess.info.name
}

// SetName sets the client name.
func (sess *Session) SetName(n string) {
	sess.info.mu.Lock()
	sess.info.name = n
	sess.info.mu.Unlock()
}

// InMulti reports whether a MULTI is open.
func (sess *Session) InMulti() bool { return sess.multi != nil }

// Authenticated reports whether the client may run commands: true unless
// a password is required (requirepass) and the client has not yet passed
// AUTH or HELLO ... AUTH. The server applies Redis's stricter request
// limits (resp.Reader.Unauthenticated) while it is false.
func (sess *Session) Authenticated() bool { return sess.authed }

// CloseAfterReply reports whether the client asked to be disconnected
// (QUIT, CLIENT KILL of itself, RESET is not one): the server writes the
// pending replies and closes the connection.
func (sess *Session) CloseAfterReply() bool { return sess.closeAfterReply }

// Close releases the session: its WATCHes and subscriptions, its MONITOR
// feed and its place in the client list. It is safe to call more than
// once; the session must not be used afterwards.
func (sess *Session) Close() {
	if sess.closed {
		return
	}
	sess.closed = true
	sess.unwatch()
	if sess.st != nil {
		sess.unsubscribeAll()
		if sess.monitor {
			sess.st.clients.removeMonitor(sess)
		}
	}
	if sess.attached {
		sess.st.clients.detach(sess)
	}
	sess.push.close()
}

// Exec runs one command (args[0] is its name) and writes the reply to w.
// args may alias a buffer the caller reuses after Exec returns.
//
// Out-of-band messages (pub/sub, MONITOR) are not written by Exec: they
// wait in the session until WritePushes, which the server calls after each
// command, so that a push never lands inside a reply.
func (sess *Session) Exec(args [][]byte, w resp.ReplyWriter) {
	if len(args) == 0 {
		return
	}
	sess.replyW = w
	if sess.replyMode != replyOn {
		if sess.replyMode == replySkip {
			sess.replyMode = replyOn
		}
		w = discardWriter{proto: sess.proto}
	}
	st := &sess.s.cmdStats
	cw := &sess.cw
	*cw = countingWriter{ReplyWriter: w, st: st}
	sess.ran, sess.inner = false, 0
	cmd := sess.exec(args, cw)
	if cmd != nil {
		switch {
		case !sess.ran:
			if cw.errs > 0 {
				sess.s.cmdStats.cmds[cmd.id].rejected.Add(1)
			}
		case cw.errs > sess.inner:
			sess.s.cmdStats.cmds[cmd.id].failed.Add(1)
		}
	}
	cw.ReplyWriter = nil
}

// exec is Exec after the reply writer is chosen; it returns the resolved
// command (nil for an unknown one), whose statistics Exec updates.
func (sess *Session) exec(args [][]byte, w resp.ReplyWriter) *Command {
	cmd, msg := resolveCmd(sess.lookupCmd(args[0]), args)
	if msg != "" {
		sess.reject(w, msg)
		return cmd
	}
	if !sess.authed && cmd.flags&flagNoAuth == 0 {
		sess.reject(w, ErrNoAuth.msg)
		return cmd
	}
	if sess.multi != nil && cmd.flags&flagNoMulti != 0 {
		sess.reject(w, "ERR Command not allowed inside a transaction")
		return cmd
	}
	if sess.s.maxMemory.Load() > 0 && sess.rejectOOM(cmd, w) {
		return cmd
	}
	if sess.subs.count > 0 && sess.proto == 2 && !cmd.allowedSubscribed() {
		sess.reject(w, "ERR Can't execute '"+cmd.Name+"': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context")
		return cmd
	}
	if sess.multi != nil && !cmd.runsInMulti() {
		q := make([][]byte, len(args))
		for i, a := range args {
			q[i] = append([]byte(nil), a...)
		}
		sess.multi.queue = append(sess.multi.queue, q)
		sess.multi.cmds = append(sess.multi.cmds, cmd)
		sess.multi.denyOOM = sess.multi.denyOOM || cmd.flags&flagDenyOOM != 0
		sess.info.multi.Store(int32(len(sess.multi.queue)))
		w.SimpleString("QUEUED")
		return cmd
	}
	if pausesActive.Load() > 0 && sess.attached {
		sess.waitPause(cmd)
	}
	sess.run(cmd, args, w)
	return cmd
}

// rejectOOM applies maxmemory before a command runs, as Redis's
// processCommand does: over the limit (after evicting what the policy
// allows) a command that may grow memory is refused with the OOM error,
// and so is anything queued inside MULTI; EXEC of a transaction holding
// such a command is aborted. It reports whether it replied.
func (sess *Session) rejectOOM(cmd *Command, w resp.ReplyWriter) bool {
	deny := cmd.flags&flagDenyOOM != 0
	if sess.multi != nil {
		switch cmd.Name {
		case "exec":
			deny = sess.multi.denyOOM
		case "discard", "quit", "reset":
			deny = false
		default:
			deny = true
		}
	}
	if !deny || sess.s.freeMemoryIfNeeded() == nil {
		return false
	}
	if cmd.Name == "exec" && sess.multi != nil {
		sess.endMulti()
		sess.unwatch()
		w.Error("EXECABORT Transaction discarded because of: " + ErrOOM.msg)
		return true
	}
	sess.reject(w, ErrOOM.msg)
	return true
}

// reject answers a command refused before it ran; inside MULTI the
// transaction is flagged so that EXEC aborts.
func (sess *Session) reject(w resp.ReplyWriter, msg string) {
	if sess.multi != nil {
		sess.multi.dirty = true
	}
	w.Error(msg)
}

// run executes a resolved command as its own execution unit.
func (sess *Session) run(cmd *Command, args [][]byte, w resp.ReplyWriter) {
	c := &sess.c
	sess.s.ks.Begin(c)
	c.BorrowedKeys = true
	c.ServeWaiters = true // blocked clients are served before the next command
	c.NoTouch = sess.NoTouch
	sess.info.lastCmd.Store(cmd)
	sess.ran = true
	x := &sess.x
	*x = Exec{s: sess.s, sess: sess, c: c, w: w, args: args, db: sess.db, cmd: cmd}
	x.lockAndRun()
	c.EndExclusive()
	c.Finish()
	*x = Exec{}
	sess.info.cmds.Add(1)
	if int32(sess.db) != sess.info.db.Load() {
		sess.info.db.Store(int32(sess.db))
	}
	// The command's duration for the slow log: the monotonic clock read
	// once per command, against the batch's start (BeginBatch).
	var d time.Duration
	if sess.batchTimed {
		end := time.Since(sess.batchStart)
		d = end - sess.batchLast
		sess.batchLast = end
	}
	cs := &sess.s.cmdStats.cmds[cmd.id]
	cs.calls.Add(1)
	cs.usec.Add(d.Microseconds())
	if sess.batchTimed || monitorsActive.Load() > 0 {
		sess.state().afterCommand(sess, cmd, args, d, sess.batchTimed)
	}
}

// discardWriter drops every reply (CLIENT REPLY OFF / SKIP).
type discardWriter struct{ proto int }

func (d discardWriter) Proto() int            { return d.proto }
func (discardWriter) SimpleString(string)     {}
func (discardWriter) Error(string)            {}
func (discardWriter) Int(int64)               {}
func (discardWriter) Bulk([]byte)             {}
func (discardWriter) BulkString(string)       {}
func (discardWriter) NullBulk()               {}
func (discardWriter) NullArray()              {}
func (discardWriter) ArrayLen(int)            {}
func (discardWriter) MapLen(int)              {}
func (discardWriter) SetLen(int)              {}
func (discardWriter) PushLen(int)             {}
func (discardWriter) Double(string)           {}
func (discardWriter) Bool(bool)               {}
func (discardWriter) Verbatim(string, string) {}
func (discardWriter) BigNumber(string)        {}
func (d discardWriter) SetProto(p int)        {}

var _ resp.ReplyWriter = discardWriter{}

// MayBlock reports whether running args in this session could make the
// caller wait: a blocking command (BLPOP, XREAD BLOCK, ...) outside MULTI,
// DEBUG (SLEEP), or any command while CLIENT PAUSE is in effect. An
// event-loop server hands such a command to a goroutine of its own so
// that the loop's other clients keep being served.
func (sess *Session) MayBlock(args [][]byte) bool {
	if len(args) == 0 {
		return false
	}
	if pausesActive.Load() > 0 {
		return true
	}
	cmd := sess.lookupCmd(args[0])
	if cmd == nil || sess.multi != nil && !cmd.runsInMulti() {
		return false
	}
	return cmd.flags&flagBlocking != 0 || cmd.Name == "debug"
}

// lookupCmd is lookupCommandBytes with a one-entry cache: a client
// usually sends the same command again (and the server asks MayBlock,
// then runs it), so most lookups compare a few bytes instead of hashing.
// The cache holds the name as sent, so a hit is a plain byte comparison
// (no case folding); the same command spelled another way is looked up
// and cached in its turn.
func (sess *Session) lookupCmd(name []byte) *Command {
	if c := sess.cmdCache; c != nil && len(name) == sess.cmdCacheLen &&
		string(name) == string(sess.cmdCacheName[:len(name)]) {
		return c
	}
	c := lookupCommandBytes(name)
	if c != nil && len(name) <= len(sess.cmdCacheName) {
		sess.cmdCache = c
		sess.cmdCacheLen = copy(sess.cmdCacheName[:], name)
	}
	return c
}

// ReceivesPushes reports whether out-of-band messages may arrive for the
// session at any time (it has pub/sub subscriptions or is a MONITOR); the
// server must then be ready to write them while the client is idle.
func (sess *Session) ReceivesPushes() bool { return sess.subs.count > 0 || sess.monitor }

// runsInMulti reports whether the command executes immediately inside
// MULTI instead of being queued.
func (c *Command) runsInMulti() bool {
	switch c.Name {
	case "exec", "discard", "multi", "watch", "quit", "reset":
		return true
	}
	return false
}

// allowedSubscribed reports whether a RESP2 client with subscriptions may
// run the command.
func (c *Command) allowedSubscribed() bool {
	switch c.Name {
	case "ping", "subscribe", "ssubscribe", "unsubscribe", "sunsubscribe",
		"psubscribe", "punsubscribe", "quit", "reset":
		return true
	}
	return false
}

func (sess *Session) unwatch() {
	if sess.watcher == nil || sess.watcher.Len() == 0 {
		return
	}
	var c keyspace.Ctx
	sess.s.ks.Begin(&c)
	c.Unwatch(sess.watcher)
	sess.info.watching.Store(0)
}

// Do runs one command in this session (so SELECT, MULTI and WATCH carry
// over between calls) and returns its reply as a value shaped for the
// session's protocol, or the Redis error as an *Error.
func (sess *Session) Do(ctx context.Context, args ...any) (Value, error) {
	if len(args) == 0 {
		return Value{}, errf("ERR empty command")
	}
	if ctx != nil {
		sess.Ctx = ctx
	}
	bargs := make([][]byte, len(args))
	for i, a := range args {
		bargs[i] = toBytes(a)
	}
	w := resp.NewValueWriter(sess.proto)
	sess.Exec(bargs, w)
	v := w.Value()
	if v.Kind == resp.KindError {
		return Value{}, errorFromText(v.Str)
	}
	return v, nil
}

// Do runs one command on this database and returns its reply as a
// RESP3-shaped value, or the Redis error as an *Error.
func (d *DB) Do(ctx context.Context, args ...any) (Value, error) {
	if len(args) == 0 {
		return Value{}, errf("ERR empty command")
	}
	sess := d.s.NewSession()
	sess.db = d.idx
	sess.proto = 3
	if ctx != nil {
		sess.Ctx = ctx
	}
	defer sess.Close()
	bargs := make([][]byte, len(args))
	for i, a := range args {
		bargs[i] = toBytes(a)
	}
	w := resp.NewValueWriter(3)
	sess.Exec(bargs, w)
	v := w.Value()
	if v.Kind == resp.KindError {
		return Value{}, errorFromText(v.Str)
	}
	return v, nil
}

// Value is a command's reply as Do returns it.
type Value = resp.Value

package embedis

import (
	"context"
	"sync/atomic"

	"github.com/embedis/embedis/keyspace"
	"github.com/embedis/embedis/resp"
)

var sessionIDs atomic.Int64

// Session is the state of one client: the selected database, the protocol
// version, a transaction being queued, WATCHed keys and the client's name.
// The RESP server keeps one per connection; Go code can use one to run
// MULTI/EXEC or SELECT through Exec. A Session must be used by one
// goroutine at a time.
type Session struct {
	s     *Store
	id    int64
	db    int
	proto int
	name  string

	// NoTouch is CLIENT NO-TOUCH: reads leave LRU/LFU data alone.
	NoTouch bool
	// Ctx is the context blocking commands wait under (canceled when the
	// client goes away). Default: context.Background().
	Ctx context.Context

	multi   *multiState
	watcher *keyspace.Watcher

	c keyspace.Ctx
	x Exec
}

type multiState struct {
	queue [][][]byte
	cmds  []*Command
	dirty bool // an error while queueing: EXEC aborts
}

// NewSession returns a session on database 0 speaking RESP2.
func (s *Store) NewSession() *Session {
	return &Session{s: s, id: sessionIDs.Add(1), proto: 2, Ctx: context.Background()}
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
	return nil
}

// Proto returns the protocol version (2 or 3).
func (sess *Session) Proto() int { return sess.proto }

// SetProto sets the protocol version (2 or 3).
func (sess *Session) SetProto(p int) { sess.proto = p }

// Name returns the client name (CLIENT SETNAME).
func (sess *Session) Name() string { return sess.name }

// SetName sets the client name.
func (sess *Session) SetName(n string) { sess.name = n }

// InMulti reports whether a MULTI is open.
func (sess *Session) InMulti() bool { return sess.multi != nil }

// Close releases the session's WATCHes.
func (sess *Session) Close() {
	sess.unwatch()
}

// Exec runs one command (args[0] is its name) and writes the reply to w.
// args may alias a buffer the caller reuses after Exec returns.
func (sess *Session) Exec(args [][]byte, w resp.ReplyWriter) {
	if len(args) == 0 {
		return
	}
	cmd, msg := resolve(args)
	if cmd == nil {
		if sess.multi != nil {
			sess.multi.dirty = true
		}
		w.Error(msg)
		return
	}
	if sess.multi != nil && !cmd.runsInMulti() {
		if cmd.flags&flagNoMulti != 0 {
			sess.multi.dirty = true
			w.Error("ERR Command not allowed inside a transaction")
			return
		}
		q := make([][]byte, len(args))
		for i, a := range args {
			q[i] = append([]byte(nil), a...)
		}
		sess.multi.queue = append(sess.multi.queue, q)
		sess.multi.cmds = append(sess.multi.cmds, cmd)
		w.SimpleString("QUEUED")
		return
	}
	sess.run(cmd, args, w)
}

// run executes a resolved command as its own execution unit.
func (sess *Session) run(cmd *Command, args [][]byte, w resp.ReplyWriter) {
	c := &sess.c
	sess.s.ks.Begin(c)
	c.BorrowedKeys = true
	c.NoTouch = sess.NoTouch
	x := &sess.x
	*x = Exec{s: sess.s, sess: sess, c: c, w: w, args: args, db: sess.db, cmd: cmd}
	x.lockAndRun()
	c.EndExclusive()
	c.Finish()
	*x = Exec{}
}

// runsInMulti reports whether the command executes immediately inside
// MULTI instead of being queued.
func (c *Command) runsInMulti() bool {
	switch c.Name {
	case "exec", "discard", "multi", "watch", "quit", "reset":
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

package embedis

import (
	"context"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unsafe"

	"github.com/embedis/embedis/keyspace"
	"github.com/embedis/embedis/lua"
	"github.com/embedis/embedis/resp"
)

// Lua scripting and functions: the store's side of the lua package.
//
// A script (EVAL, EVALSHA, FCALL and their _RO forms, Store.Eval,
// Script.Run) is one execution unit: nothing interleaves with it on any
// shard or database it touches, whether or not it declared its keys; it
// has one time snapshot; and the effects its commands record are
// journaled wrapped in MULTI/EXEC. Its commands run through the command
// table with the caller's Ctx, as the commands of EXEC do, on a separate
// script client whose SELECT does not change the caller's database.
//
// How a script is isolated (see "Scripts" in ARCHITECTURE.md): an EVAL
// script whose source shows that every key it can touch is one of its
// KEYS or a literal (lua.Analysis, scriptPlan), and any read-only script,
// runs holding only the locks of those keys' shards, so scripts on
// different keys run in parallel. Every other script, and every function,
// runs in the exclusive section. A shard-locked script that touches a key
// whose shard it does not hold before it wrote is abandoned and run again
// in the exclusive section (lua.Run.Restart).
//
// While a script runs past busy-reply-threshold, other clients get -BUSY:
// the RESP dispatcher asks scriptBusyReply before running a command.

// Errors of the scripting commands.
var (
	// ErrNotBusy: SCRIPT KILL or FUNCTION KILL with nothing running.
	ErrNotBusy = newErr(kindOther, lua.ErrNotBusy)
	// ErrUnkillable: the running script has already written.
	ErrUnkillable = newErr(kindOther, lua.ErrUnkillable)
	// ErrBusy: a script runs past busy-reply-threshold; only SCRIPT KILL
	// (FUNCTION KILL for functions) and SHUTDOWN NOSAVE are served.
	ErrBusy = newErr(kindBusy, lua.ErrBusyEval)
)

// scripting is a store's Lua state: the engine and the script client the
// scripts' commands run on.
type scripting struct {
	eng *lua.Engine
	// restarts counts shard-locked scripts run again in the exclusive
	// section.
	restarts atomic.Int64
}

var (
	// scriptStates maps a store's keyspace to its scripting state. The key
	// keeps the keyspace alive until the store is collected, when a cleanup
	// removes the entry, so a new store can never inherit an old state.
	scriptStates sync.Map // *keyspace.Keyspace -> *scripting
	scriptInit   sync.Mutex
)

// scripts returns the store's scripting state, creating it on first use.
func (s *Store) scripts() *scripting {
	if v, ok := scriptStates.Load(s.ks); ok {
		return v.(*scripting)
	}
	scriptInit.Lock()
	defer scriptInit.Unlock()
	if v, ok := scriptStates.Load(s.ks); ok {
		return v.(*scripting)
	}
	st := &scripting{eng: lua.NewEngine()}
	scriptStates.Store(s.ks, st)
	runtime.AddCleanup(s, func(ks *keyspace.Keyspace) { scriptStates.Delete(ks) }, s.ks)
	return st
}

// scriptsIfAny returns the scripting state if the store has one.
func (s *Store) scriptsIfAny() *scripting {
	if v, ok := scriptStates.Load(s.ks); ok {
		return v.(*scripting)
	}
	return nil
}

// scriptBusyReply is the check the RESP dispatcher makes before running
// cmd: while a script runs past busy-reply-threshold it returns the -BUSY
// error text for every command not flagged allow-busy (inside MULTI the
// transaction is then flagged dirty, as for any rejected command), and ""
// otherwise. The common case costs one atomic load.
func (s *Store) scriptBusyReply(cmd *Command) string {
	if !lua.AnyBusy() || cmd.flags&flagAllowBusy != 0 {
		return ""
	}
	st := s.scriptsIfAny()
	if st == nil {
		return ""
	}
	if busy, msg := st.eng.Busy(); busy {
		return msg
	}
	return ""
}

// setScriptTimeLimit applies busy-reply-threshold (lua-time-limit) in
// milliseconds; 0 disables the busy state.
func (s *Store) setScriptTimeLimit(ms int64) {
	s.scripts().eng.SetBusyThreshold(time.Duration(ms) * time.Millisecond)
}

// setScriptMaxMemory bounds the heap growth one script may cause.
func (s *Store) setScriptMaxMemory(n int64) { s.scripts().eng.SetMaxMemory(n) }

// overMemory is Redis's pre-command OOM state for a script: used memory
// over maxmemory after trying to evict (eviction only outside an
// exclusive section, where it can take shard locks).
func (s *Store) overMemory(inExclusive bool) bool {
	max := s.maxMemory.Load()
	if max == 0 {
		return false
	}
	if inExclusive {
		return s.ks.UsedMemoryFast() > max
	}
	return s.freeMemoryIfNeeded() != nil
}

// scriptMode is how a running script is isolated.
type scriptMode uint8

const (
	// modeExclusive: the keyspace's exclusive section (the script's own,
	// or the EXEC it runs in).
	modeExclusive scriptMode = iota
	// modeShards: the locks of the shards of the keys the script may
	// touch.
	modeShards
)

// scriptHost runs a script's commands through the command table.
type scriptHost struct {
	s    *Store
	c    *keyspace.Ctx
	sess *Session
	oom  bool
	mode scriptMode
	// locked are the keys whose shards a modeShards script holds.
	locked []string
	x      Exec // the command running (scripts do not nest)
	// cmds caches the commands a script called, by a hash of the name
	// (it survives from call to call with the pooled scriptCall).
	cmds [8]*Command
}

var _ lua.Host = (*scriptHost)(nil)

// scriptCommand finds the command a script calls, as Redis's
// lookupCommand does: a container's subcommand by its second argument,
// the container itself when there is none.
func scriptCommand(args [][]byte) *Command {
	cmd := lookupCommandBytes(args[0])
	if cmd == nil || cmd.sub == nil || len(args) < 2 {
		return cmd
	}
	return cmd.sub[lowerASCII(args[1])]
}

func lowerASCII(b []byte) string {
	var buf [32]byte
	if len(b) > len(buf) {
		out := make([]byte, len(b))
		for i, ch := range b {
			if 'A' <= ch && ch <= 'Z' {
				ch += 'a' - 'A'
			}
			out[i] = ch
		}
		return string(out)
	}
	for i, ch := range b {
		if 'A' <= ch && ch <= 'Z' {
			ch += 'a' - 'A'
		}
		buf[i] = ch
	}
	return string(buf[:len(b)])
}

// cachedCommand finds a script's command through a small cache of the
// names seen last (scripts call the same few commands over and over; the
// cache saves lowercasing the name and a map lookup).
func (h *scriptHost) cachedCommand(args [][]byte) *Command {
	name := args[0]
	if len(name) == 0 {
		return scriptCommand(args)
	}
	slot := &h.cmds[(len(name)+int(name[0]|0x20))&(len(h.cmds)-1)]
	if c := *slot; c != nil && equalFoldASCII(name, c.Name) {
		return c
	}
	cmd := scriptCommand(args)
	if cmd != nil && cmd.sub == nil {
		*slot = cmd
	}
	return cmd
}

// Call runs one command for a script (Redis's scriptCall).
func (h *scriptHost) Call(r *lua.Run, args [][]byte, w resp.ReplyWriter) {
	cmd := h.cachedCommand(args)
	if cmd == nil {
		w.Error("ERR Unknown Redis command called from script")
		return
	}
	if (cmd.Arity > 0 && len(args) != cmd.Arity) || len(args) < -cmd.Arity || cmd.run == nil {
		w.Error("ERR Wrong number of args calling Redis command from script")
		return
	}
	if cmd.flags&flagNoScript != 0 {
		w.Error("ERR This Redis command is not allowed from script")
		return
	}
	if h.mode == modeShards && !h.covered(cmd, args) && !h.escalate(r, cmd, args, w) {
		return
	}
	if msg := r.BeforeCommand(cmd.flags&flagWrite != 0, cmd.flags&flagDenyOOM != 0); msg != "" {
		w.Error(msg)
		return
	}
	h.c.NoPropagate = r.Repl()&lua.ReplAOF == 0
	h.x = Exec{s: h.s, sess: h.sess, c: h.c, w: w, args: args, db: h.sess.db, cmd: cmd}
	cmd.run(&h.x) // h.x is cleared when the call goes back to its pool
}

// scriptKeyless lists the commands without keys a shard-locked script may
// run: they touch no shard.
var scriptKeyless = map[string]bool{"ping": true, "echo": true, "time": true, "select": true}

// covered reports whether a shard-locked script holds what cmd needs: the
// shards of its keys; a command that walks the keyspace or takes its own
// locks needs the exclusive section.
func (h *scriptHost) covered(cmd *Command, args [][]byte) bool {
	if cmd.flags&flagSelfLock != 0 {
		return false
	}
	var posBuf [16]int
	pos := cmd.appendKeyPositions(posBuf[:0], args)
	if len(pos) == 0 {
		return cmd.FirstKey > 0 || cmd.keys != nil || scriptKeyless[cmd.Name]
	}
next:
	for _, p := range pos {
		key := unsafe.String(unsafe.SliceData(args[p]), len(args[p]))
		for _, k := range h.locked {
			if k == key {
				continue next
			}
		}
		if !h.c.HoldsKey(key) {
			return false
		}
	}
	return true
}

// escalate handles a command a shard-locked script is not locked for. A
// script that has not written is abandoned (the caller runs it again in
// the exclusive section); it reports false with an error reply that the
// script never sees. A script that wrote cannot be abandoned: it waits
// for the shards it lacks (keyspace.Ctx.LockMore).
func (h *scriptHost) escalate(r *lua.Run, cmd *Command, args [][]byte, w resp.ReplyWriter) bool {
	if r.Restart() {
		w.Error("ERR the script is run again in the exclusive section")
		return false
	}
	if !r.Dirty() {
		w.Error(lua.ErrKilled) // being killed
		return false
	}
	if cmd.flags&flagSelfLock != 0 || len(cmd.KeyPositions(args)) == 0 {
		// Not reachable for the scripts admitted to shard locking (their
		// commands are checked up front, and read-only ones never write).
		w.Error("ERR embedis: " + cmd.Name + " needs the exclusive section, which a script that wrote cannot enter")
		return false
	}
	for _, p := range cmd.KeyPositions(args) {
		h.c.LockMore(h.s.ks.ShardOf(string(args[p])))
	}
	return true
}

// noBlock reports whether the command may not block: inside MULTI/EXEC
// and scripts, blocking commands time out at once.
func (x *Exec) noBlock() bool {
	return x.c.InExclusive() || x.sess == nil || x.sess.script
}

// CommandExists reports whether args name a command (redis.acl_check_cmd).
func (h *scriptHost) CommandExists(args [][]byte) bool { return scriptCommand(args) != nil }

// OOM reports the pre-command OOM state taken when the script started.
func (h *scriptHost) OOM() bool { return h.oom }

// scriptCall is the per-call state of a script run, pooled.
type scriptCall struct {
	sess *Session
	host scriptHost
	req  lua.Request
	strs []string // KEYS and ARGV (the RESP path copies them here)
	lock []string // the keys to lock: KEYS plus literal keys
	// ints are the last integer arguments by position, with their text
	// (Go API).
	ints [maxCachedInts]struct {
		n  int64
		s  string
		ok bool
	}
	// scratch is lua.Request.Scratch, reused by the calls of the pool.
	// It is lent only when the unit's effects are delivered before the
	// call goes back to the pool: always for the Go API (unit set), for
	// RESP commands when the script's shard locks are released (and its
	// records journaled) in runScript.
	scratch []byte
	unit    bool
	c       keyspace.Ctx
	sink    valueSink
	xbuf    Exec
}

var scriptCallPool = sync.Pool{New: func() any { return new(scriptCall) }}

func getScriptCall(s *Store) *scriptCall {
	sc := scriptCallPool.Get().(*scriptCall)
	if sc.sess == nil || sc.sess.s != s {
		sc.sess = s.NewSession()
		sc.sess.script = true
	}
	return sc
}

func putScriptCall(sc *scriptCall) {
	if cap(sc.strs) > 256 || cap(sc.lock) > 256 {
		return
	}
	// Drop what could pin the caller's memory; the rest is overwritten by
	// the next call.
	sc.host.x.args, sc.host.x.w = nil, nil
	sc.host.locked = nil
	sc.req.Keys, sc.req.Args, sc.req.Out, sc.req.Command = nil, nil, nil, nil
	clear(sc.strs)
	sc.strs = sc.strs[:0]
	if len(sc.lock) > 0 {
		clear(sc.lock)
		sc.lock = sc.lock[:0]
	}
	sc.unit = false
	sc.sink.reset()
	sc.xbuf.w, sc.xbuf.args = nil, nil
	scriptCallPool.Put(sc)
}

// scriptPlan is the store's decision about one cached EVAL script, made
// once from its lua.Analysis.
type scriptPlan struct {
	// shards: the script may run holding only the shards of its KEYS and
	// of lits.
	shards bool
	// lits are the keys the script names as literals.
	lits []string
}

// planFor returns the script's plan, making it on first use.
func planFor(sc *lua.Script) *scriptPlan {
	if p, ok := sc.HostData().(*scriptPlan); ok {
		return p
	}
	p := buildPlan(sc.Analysis())
	sc.SetHostData(p)
	return p
}

// keyPlaceholder stands for a KEYS element when a command's key positions
// are computed from a call written in a script.
const keyPlaceholder = "{key}"

// buildPlan admits a script to shard locking when its analysis lists
// every command it can run and every key those commands can touch is an
// element of KEYS or a literal.
func buildPlan(a *lua.Analysis) *scriptPlan {
	if a == nil || !a.Closed {
		return &scriptPlan{}
	}
	p := &scriptPlan{shards: true}
	for _, c := range a.Calls {
		if !p.admit(c) {
			return &scriptPlan{}
		}
	}
	return p
}

// admit checks one redis.call of a script, collecting its literal keys.
// It returns false when the call may touch a key not known up front, or
// needs the exclusive section.
func (p *scriptPlan) admit(c lua.Call) bool {
	args := make([][]byte, len(c.Args))
	for i, a := range c.Args {
		switch a.Kind {
		case lua.ArgLiteral:
			args[i] = []byte(a.Text)
		case lua.ArgKey:
			args[i] = []byte(keyPlaceholder)
		}
	}
	cmd := lookupCommandBytes(args[0])
	if cmd != nil && cmd.sub != nil && (len(args) >= 2 || c.Open) {
		if len(args) < 2 || c.Args[1].Kind != lua.ArgLiteral {
			return false // the subcommand is chosen at run time
		}
		cmd = cmd.sub[strings.ToLower(c.Args[1].Text)]
	}
	if cmd == nil || cmd.run == nil || cmd.flags&flagNoScript != 0 {
		return true // refused at run time: runs nothing
	}
	if !c.Open && ((cmd.Arity > 0 && len(args) != cmd.Arity) || len(args) < -cmd.Arity) {
		return true // an arity error at run time
	}
	if cmd.flags&flagSelfLock != 0 {
		return false
	}
	if cmd.keys != nil {
		// Key positions that depend on the arguments: every other argument
		// must be a literal, so that the positions are those of the run.
		if c.Open {
			return false
		}
		pos := cmd.keys(args)
		isKey := make([]bool, len(args))
		for _, i := range pos {
			if !p.key(c.Args[i]) {
				return false
			}
			isKey[i] = true
		}
		for i, a := range c.Args {
			if !isKey[i] && a.Kind != lua.ArgLiteral {
				return false
			}
		}
		return true
	}
	if cmd.FirstKey <= 0 {
		return scriptKeyless[cmd.Name]
	}
	n, last := len(args), cmd.LastKey
	if last < 0 {
		if c.Open {
			return false
		}
		last += n
	} else if c.Open && n-1 <= last {
		return false // the open argument may land on a key position
	}
	for i := cmd.FirstKey; i <= last && i < n; i += cmd.Step {
		if !p.key(c.Args[i]) {
			return false
		}
	}
	return true
}

// key accepts an argument at a key position: a KEYS element, or a literal
// (remembered, to be locked too).
func (p *scriptPlan) key(a lua.Arg) bool {
	switch a.Kind {
	case lua.ArgKey:
		return true
	case lua.ArgLiteral:
		if !slices.Contains(p.lits, a.Text) {
			p.lits = append(p.lits, a.Text)
		}
		return true
	}
	return false
}

// runScript runs a script (sc) or a function (f) as one execution unit on
// x's Ctx, with keys and args as KEYS and ARGV. It takes the locks the
// script needs: the shards of its keys when its plan allows it (or when
// it is read-only), else the exclusive section (unless EXEC already holds
// it). It releases shard locks itself; the caller of the unit ends an
// exclusive section, as Session.run does.
func (x *Exec) runScript(call *scriptCall, sc *lua.Script, f *lua.Function, ro bool, keys, args []string) {
	st := x.s.scripts()
	oom := x.s.overMemory(x.c.InExclusive())
	mode := modeExclusive
	var lock []string
	if sc != nil && !x.c.InExclusive() {
		p := planFor(sc)
		if p.shards || lua.ReadOnlyRun(sc.Flags, ro) {
			mode = modeShards
			lock = keys
			if len(p.lits) > 0 {
				call.lock = append(append(call.lock[:0], keys...), p.lits...)
				lock = call.lock
			}
		}
	}
	if mode == modeShards {
		x.c.Lock(lock...)
	} else {
		x.c.Exclusive()
	}
	call.sess.db = x.db
	h := &call.host
	h.s, h.c, h.sess, h.oom, h.mode, h.locked = x.s, x.c, call.sess, oom, mode, lock
	req := &call.req
	req.Keys, req.Args, req.ReadOnly, req.Host, req.Out, req.Command = keys, args, ro, h, x.w, x.args
	req.Scratch = nil
	if call.unit || mode == modeShards {
		if call.scratch == nil {
			call.scratch = make([]byte, 0, 256)
		}
		req.Scratch = call.scratch
	}
	if sc == nil {
		st.eng.FCall(f, &call.req)
	} else if st.eng.Eval(sc, &call.req) {
		// It touched what it did not lock, before writing: run it again
		// in the exclusive section.
		st.restarts.Add(1)
		x.c.NoPropagate = false
		x.c.Unlock()
		x.c.Exclusive()
		call.sess.db = x.db
		call.host.mode, call.host.locked = modeExclusive, nil
		if !call.unit {
			call.req.Scratch = nil
		}
		st.eng.Eval(sc, &call.req)
		mode = modeExclusive
	}
	x.c.NoPropagate = false
	if mode == modeShards {
		x.c.Unlock()
	}
}

// parseNumKeys splits a script call's arguments after numkeys (argument
// i) into keys and args, replying with Redis's error when numkeys is
// invalid. badInt is the reply to a non-integer.
func (x *Exec) parseNumKeys(i int, badInt string) (keys, args [][]byte, ok bool) {
	n, isInt := parseInt(x.arg(i))
	if !isInt {
		x.errStr(badInt)
		return nil, nil, false
	}
	rest := x.args[i+1:]
	if n > int64(len(rest)) {
		x.errStr("ERR Number of keys can't be greater than number of args")
		return nil, nil, false
	}
	if n < 0 {
		x.errStr("ERR Number of keys can't be negative")
		return nil, nil, false
	}
	return rest[:n], rest[n:], true
}

// scriptKeys is the key positions of EVAL and FCALL: numkeys keys after
// the numkeys argument.
func scriptKeys(args [][]byte) []int {
	if len(args) < 3 {
		return nil
	}
	n, ok := parseInt(string(args[2]))
	if !ok || n <= 0 || n > int64(len(args)-3) {
		return nil
	}
	out := make([]int, n)
	for i := range out {
		out[i] = 3 + i
	}
	return out
}

// Go API.

// Scripter runs Lua scripts: *DB and *Store implement it, and Script.Run
// takes one, as go-redis's Script.Run takes a redis.Scripter.
type Scripter interface {
	Eval(ctx context.Context, script string, keys []string, args ...any) (Value, error)
	EvalSha(ctx context.Context, sha1 string, keys []string, args ...any) (Value, error)
	EvalRO(ctx context.Context, script string, keys []string, args ...any) (Value, error)
	EvalShaRO(ctx context.Context, sha1 string, keys []string, args ...any) (Value, error)
	ScriptLoad(ctx context.Context, script string) (string, error)
}

var (
	_ Scripter = (*DB)(nil)
	_ Scripter = (*Store)(nil)
)

// Eval runs a Lua script on this database as EVAL does and returns its
// reply as a RESP3-shaped value, or the script's error as an *Error. The
// script is compiled once and cached by its SHA1 like EVAL's scripts.
// Arguments may be strings, []byte, integers, floats or bools.
func (d *DB) Eval(ctx context.Context, script string, keys []string, args ...any) (Value, error) {
	return d.eval(ctx, script, "", false, keys, args)
}

// EvalRO is Eval for EVAL_RO: write commands are refused.
func (d *DB) EvalRO(ctx context.Context, script string, keys []string, args ...any) (Value, error) {
	return d.eval(ctx, script, "", true, keys, args)
}

// EvalSha runs a cached script by its SHA1 as EVALSHA does; an unknown
// SHA1 gives ErrNoScript.
func (d *DB) EvalSha(ctx context.Context, sha1 string, keys []string, args ...any) (Value, error) {
	return d.eval(ctx, "", sha1, false, keys, args)
}

// EvalShaRO is EvalSha for EVALSHA_RO.
func (d *DB) EvalShaRO(ctx context.Context, sha1 string, keys []string, args ...any) (Value, error) {
	return d.eval(ctx, "", sha1, true, keys, args)
}

// ScriptLoad caches a script without running it (SCRIPT LOAD) and
// returns its SHA1.
func (d *DB) ScriptLoad(ctx context.Context, script string) (string, error) {
	sc, err := d.s.scripts().eng.Load(script, true)
	if err != nil {
		return "", errorFromText(err.Error())
	}
	return sc.SHA, nil
}

// ScriptExists reports, for each SHA1, whether the script is cached.
func (d *DB) ScriptExists(ctx context.Context, sha1s ...string) []bool {
	eng := d.s.scripts().eng
	out := make([]bool, len(sha1s))
	for i, h := range sha1s {
		out[i] = eng.Exists(h)
	}
	return out
}

// ScriptFlush empties the script cache (SCRIPT FLUSH).
func (d *DB) ScriptFlush(ctx context.Context) { d.s.scripts().eng.Flush() }

// FCall runs a function loaded with FunctionLoad as FCALL does.
func (d *DB) FCall(ctx context.Context, function string, keys []string, args ...any) (Value, error) {
	return d.fcall(ctx, function, false, keys, args)
}

// FCallRO is FCall for FCALL_RO: the function must have the no-writes flag.
func (d *DB) FCallRO(ctx context.Context, function string, keys []string, args ...any) (Value, error) {
	return d.fcall(ctx, function, true, keys, args)
}

// FunctionLoad loads a library ("#!lua name=<lib>" and its
// redis.register_function calls) as FUNCTION LOAD [REPLACE] does and
// returns the library's name.
func (d *DB) FunctionLoad(ctx context.Context, code string, replace bool) (string, error) {
	args := []any{"FUNCTION", "LOAD"}
	if replace {
		args = append(args, "REPLACE")
	}
	v, err := d.Do(ctx, append(args, code)...)
	if err != nil {
		return "", err
	}
	return v.Str, nil
}

// goArgs converts the Go API's script arguments to strings. An integer
// equal to the one at the same position in the previous call of this
// pooled scriptCall reuses its text (scripts are often called with the
// same window, limit, ... every time), which also lets the engine keep
// the argument's Lua value.
func (call *scriptCall) goArgs(args []any) []string {
	out := call.strs[:0]
	for i, a := range args {
		switch v := a.(type) {
		case string:
			out = append(out, v)
		case int:
			out = append(out, call.num(i, int64(v)))
		case int64:
			out = append(out, call.num(i, v))
		default:
			out = append(out, string(toBytes(a)))
		}
	}
	call.strs = out
	return out
}

// maxCachedInts bounds the argument positions whose integers are cached.
const maxCachedInts = 8

// num formats the integer argument at position i.
func (call *scriptCall) num(i int, n int64) string {
	if i >= maxCachedInts {
		return strconv.FormatInt(n, 10)
	}
	c := &call.ints[i]
	if !c.ok || c.n != n {
		c.n, c.s, c.ok = n, strconv.FormatInt(n, 10), true
	}
	return c.s
}

func (d *DB) eval(ctx context.Context, body, sha string, ro bool, keys []string, args []any) (Value, error) {
	if ctx != nil {
		if err := ctx.Err(); err != nil {
			return Value{}, err
		}
	}
	st := d.s.scripts()
	var sc *lua.Script
	if sha != "" {
		if sc = st.eng.Lookup(sha); sc == nil {
			return Value{}, ErrNoScript
		}
	} else {
		var err error
		if sc, err = st.eng.Load(body, false); err != nil {
			return Value{}, errorFromText(err.Error())
		}
	}
	return d.runUnit(sc, nil, ro, keys, args)
}

func (d *DB) fcall(ctx context.Context, name string, ro bool, keys []string, args []any) (Value, error) {
	if ctx != nil {
		if err := ctx.Err(); err != nil {
			return Value{}, err
		}
	}
	f := d.s.scripts().eng.LookupFunction(name)
	if f == nil {
		return Value{}, errf("ERR Function not found")
	}
	return d.runUnit(nil, f, ro, keys, args)
}

// runUnit runs a script or function as one execution unit of this
// database with a RESP3 reply, as DB.Do does, and returns the reply.
func (d *DB) runUnit(sc *lua.Script, f *lua.Function, ro bool, keys []string, args []any) (Value, error) {
	call := getScriptCall(d.s)
	call.unit = true
	a := call.goArgs(args)
	c := &call.c
	d.s.ks.Begin(c)
	c.BorrowedKeys = true
	call.sink.proto = 3
	x := &call.xbuf
	x.s, x.c, x.w, x.db, x.sess, x.args, x.cmd = d.s, c, &call.sink, d.idx, nil, nil, nil
	x.runScript(call, sc, f, ro, keys, a)
	c.EndExclusive()
	c.Finish()
	v := call.sink.value()
	putScriptCall(call)
	if v.Kind == resp.KindError {
		return Value{}, errorFromText(v.Str)
	}
	return v, nil
}

// valueSink is the reply writer of the Go API's script calls: a scalar
// reply (the common case) becomes a Value directly; aggregates are built
// by a ValueWriter.
type valueSink struct {
	proto int
	v     resp.Value
	set   bool
	vw    *resp.ValueWriter
	agg   bool // aggregates go to vw
}

var _ resp.ReplyWriter = (*valueSink)(nil)

func (s *valueSink) reset() {
	if s.set {
		s.v, s.set = resp.Value{}, false
	}
	if s.agg {
		s.agg = false
		s.vw.Reset()
	}
}

func (s *valueSink) value() resp.Value {
	if s.agg {
		return s.vw.Value()
	}
	return s.v
}

func (s *valueSink) scalar(v resp.Value) {
	if s.agg {
		resp.WriteValue(s.vw, v)
		return
	}
	if !s.set {
		s.v, s.set = v, true
	}
}

// writer switches to the ValueWriter for an aggregate.
func (s *valueSink) writer() *resp.ValueWriter {
	if !s.agg {
		if s.vw == nil {
			s.vw = resp.NewValueWriter(s.proto)
		}
		s.vw.SetProto(s.proto)
		s.agg = true
		if s.set {
			resp.WriteValue(s.vw, s.v)
		}
	}
	return s.vw
}

// Proto reports the caller's protocol.
func (s *valueSink) Proto() int { return s.proto }

// SimpleString records a status reply.
func (s *valueSink) SimpleString(str string) { s.scalar(resp.SimpleStringValue(str)) }

// Error records an error reply.
func (s *valueSink) Error(msg string) { s.scalar(resp.ErrorValue(msg)) }

// Int records an integer reply.
func (s *valueSink) Int(n int64) { s.scalar(resp.IntValue(n)) }

// Bulk records a bulk reply (copied).
func (s *valueSink) Bulk(p []byte) { s.scalar(resp.BulkValue(string(p))) }

// BulkString records a bulk reply.
func (s *valueSink) BulkString(str string) { s.scalar(resp.BulkValue(str)) }

// NullBulk records a null bulk reply.
func (s *valueSink) NullBulk() { s.scalar(resp.NullBulkValue()) }

// NullArray records a null array reply.
func (s *valueSink) NullArray() { s.scalar(resp.NullArrayValue()) }

// ArrayLen starts an array.
func (s *valueSink) ArrayLen(n int) { s.writer().ArrayLen(n) }

// MapLen starts a map.
func (s *valueSink) MapLen(n int) { s.writer().MapLen(n) }

// SetLen starts a set.
func (s *valueSink) SetLen(n int) { s.writer().SetLen(n) }

// PushLen starts a push.
func (s *valueSink) PushLen(n int) { s.writer().PushLen(n) }

// Double records a double.
func (s *valueSink) Double(text string) { s.writer().Double(text) }

// Bool records a boolean.
func (s *valueSink) Bool(b bool) { s.writer().Bool(b) }

// Verbatim records a verbatim string.
func (s *valueSink) Verbatim(format, str string) { s.writer().Verbatim(format, str) }

// BigNumber records a big number.
func (s *valueSink) BigNumber(digits string) { s.writer().BigNumber(digits) }

// Script is a Lua script with its SHA1, run like go-redis's Script:
// EVALSHA first, and EVAL when the script is not cached (NOSCRIPT).
// A Script is safe for concurrent use.
type Script struct {
	src, hash string
}

// NewScript returns a Script for src.
func NewScript(src string) *Script {
	return &Script{src: src, hash: lua.SHA1Hex(src)}
}

// Hash returns the script's SHA1 (lowercase hex).
func (s *Script) Hash() string { return s.hash }

// Source returns the script's source.
func (s *Script) Source() string { return s.src }

// Load caches the script (SCRIPT LOAD).
func (s *Script) Load(ctx context.Context, c Scripter) error {
	_, err := c.ScriptLoad(ctx, s.src)
	return err
}

// Run runs the script with EVALSHA, falling back to EVAL when the script
// is not cached.
func (s *Script) Run(ctx context.Context, c Scripter, keys []string, args ...any) (Value, error) {
	v, err := c.EvalSha(ctx, s.hash, keys, args...)
	if err != nil && isNoScript(err) {
		return c.Eval(ctx, s.src, keys, args...)
	}
	return v, err
}

// RunRO is Run with EVALSHA_RO and EVAL_RO.
func (s *Script) RunRO(ctx context.Context, c Scripter, keys []string, args ...any) (Value, error) {
	v, err := c.EvalShaRO(ctx, s.hash, keys, args...)
	if err != nil && isNoScript(err) {
		return c.EvalRO(ctx, s.src, keys, args...)
	}
	return v, err
}

func isNoScript(err error) bool {
	e, ok := err.(*Error)
	return ok && (e.kind == kindNoScript || len(e.msg) >= 8 && e.msg[:8] == "NOSCRIPT")
}

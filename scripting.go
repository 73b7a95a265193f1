package embedis

import (
	"context"
	"runtime"
	"sync"
	"time"

	"github.com/embedis/embedis/keyspace"
	"github.com/embedis/embedis/lua"
	"github.com/embedis/embedis/resp"
)

// Lua scripting and functions: the store's side of the lua package.
//
// A script (EVAL, EVALSHA, FCALL and their _RO forms, Store.Eval,
// Script.Run) is one execution unit: it runs in the keyspace's exclusive
// section, so nothing interleaves with it on any shard or database,
// whether or not it declared its keys; it has one time snapshot; and the
// effects its commands record are journaled wrapped in MULTI/EXEC. Its
// commands run through the command table with the caller's Ctx, as the
// commands of EXEC do, on a separate script client whose SELECT does not
// change the caller's database.
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
	eng  *lua.Engine
	sess *Session // the script client; used only inside the exclusive section
	host scriptHost
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

// scriptHost runs a script's commands through the command table.
type scriptHost struct {
	s    *Store
	c    *keyspace.Ctx
	sess *Session
	oom  bool
	x    Exec // the command running (scripts do not nest)
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

// Call runs one command for a script (Redis's scriptCall).
func (h *scriptHost) Call(r *lua.Run, args [][]byte, w resp.ReplyWriter) {
	cmd := scriptCommand(args)
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
	if msg := r.BeforeCommand(cmd.flags&flagWrite != 0, cmd.flags&flagDenyOOM != 0); msg != "" {
		w.Error(msg)
		return
	}
	h.x = Exec{s: h.s, sess: h.sess, c: h.c, w: w, args: args, db: h.sess.db, cmd: cmd}
	cmd.run(&h.x)
	h.x = Exec{}
}

// CommandExists reports whether args name a command (redis.acl_check_cmd).
func (h *scriptHost) CommandExists(args [][]byte) bool { return scriptCommand(args) != nil }

// OOM reports the pre-command OOM state taken when the script started.
func (h *scriptHost) OOM() bool { return h.oom }

// runScript runs a script or function as one execution unit on x's Ctx:
// it enters the exclusive section (unless EXEC already holds it; the
// caller of the unit ends it, as Session.run does), points the script
// client at x's database and runs do.
func (x *Exec) runScript(ro bool, keys, args [][]byte, do func(eng *lua.Engine, req *lua.Request)) {
	st := x.s.scripts()
	oom := x.s.overMemory(x.c.InExclusive())
	x.c.Exclusive()
	if st.sess == nil {
		st.sess = x.s.NewSession()
	}
	st.sess.db = x.db
	st.host = scriptHost{s: x.s, c: x.c, sess: st.sess, oom: oom}
	req := lua.Request{Keys: keys, Args: args, ReadOnly: ro, Host: &st.host, Out: x.w, Command: x.args}
	do(st.eng, &req)
	st.host = scriptHost{}
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

func scriptArgs(keys []string, args []any) (k, a [][]byte) {
	k = make([][]byte, len(keys))
	for i, key := range keys {
		k[i] = []byte(key)
	}
	a = make([][]byte, len(args))
	for i, arg := range args {
		a[i] = toBytes(arg)
	}
	return k, a
}

// ctxPool recycles the Ctx of the Go API's script calls.
var ctxPool = sync.Pool{New: func() any { return new(keyspace.Ctx) }}

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
	k, a := scriptArgs(keys, args)
	return d.runUnit(func(x *Exec) {
		x.runScript(ro, k, a, func(eng *lua.Engine, req *lua.Request) { eng.Eval(sc, req) })
	})
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
	k, a := scriptArgs(keys, args)
	return d.runUnit(func(x *Exec) {
		x.runScript(ro, k, a, func(eng *lua.Engine, req *lua.Request) { eng.FCall(f, req) })
	})
}

// runUnit runs fn as one execution unit of this database with a RESP3
// reply, as DB.Do does, and converts the reply.
func (d *DB) runUnit(fn func(x *Exec)) (Value, error) {
	c := ctxPool.Get().(*keyspace.Ctx)
	d.s.ks.Begin(c)
	c.BorrowedKeys = true
	w := resp.NewValueWriter(3)
	x := Exec{s: d.s, c: c, w: w, db: d.idx}
	fn(&x)
	c.EndExclusive()
	c.Finish()
	ctxPool.Put(c)
	v := w.Value()
	if v.Kind == resp.KindError {
		return Value{}, errorFromText(v.Str)
	}
	return v, nil
}

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

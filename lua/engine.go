package lua

import (
	"container/list"
	"crypto/sha1"
	"encoding/hex"
	"fmt"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	glua "github.com/yuin/gopher-lua"
	"github.com/yuin/gopher-lua/ast"
	"github.com/yuin/gopher-lua/parse"

	"github.com/embedis/embedis/resp"
)

// Defaults of the engine's limits.
const (
	// DefaultBusyThreshold is busy-reply-threshold (lua-time-limit).
	DefaultBusyThreshold = 5 * time.Second
	// DefaultMaxMemory bounds how much the live heap may grow while one
	// script runs.
	DefaultMaxMemory = 1 << 30
	// MaxEvalScripts is how many EVAL-created scripts the cache keeps
	// before evicting the least recently used (SCRIPT LOAD scripts are
	// never evicted).
	MaxEvalScripts = 500
	// LoadTimeout bounds the run of a library's code in FUNCTION LOAD.
	LoadTimeout = 500 * time.Millisecond
)

// Error texts the engine replies with (without the leading '-').
const (
	ErrNoScript     = "NOSCRIPT No matching script. Please use EVAL."
	ErrNotBusy      = "NOTBUSY No scripts in execution right now."
	ErrUnkillable   = "UNKILLABLE Sorry the script already executed write commands against the dataset. You can either wait the script termination or kill the server in a hard way using the SHUTDOWN NOSAVE command."
	ErrBusyEval     = "BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE."
	ErrBusyFunction = "BUSY Redis is busy running a script. You can only call FUNCTION KILL or SHUTDOWN NOSAVE."
	ErrROScript     = "ERR Can not execute a script with write flag using *_ro command."
	ErrROWrite      = "ERR Write commands are not allowed from read-only scripts."
	ErrOOM          = "OOM command not allowed when used memory > 'maxmemory'."
	ErrScriptOOM    = "OOM allow-oom flag is not set on the script, can not run it when used memory > 'maxmemory'"
	ErrKilled       = "ERR Script killed by user with SCRIPT KILL..."
)

// Host is what a script needs from the store: running commands. The
// engine knows nothing of the command table.
type Host interface {
	// Call runs one command for the script (args[0] is its name) and
	// writes its reply, or an error reply, to w. It does the checks of
	// Redis's scriptCall: unknown command, arity, commands not allowed
	// from scripts, then r.BeforeCommand for the write and OOM checks.
	// args alias a buffer reused by the next call.
	Call(r *Run, args [][]byte, w resp.ReplyWriter)
	// CommandExists reports whether args name a known command
	// (redis.acl_check_cmd).
	CommandExists(args [][]byte) bool
	// OOM reports whether used memory is over maxmemory, which refuses
	// scripts and commands that may grow memory.
	OOM() bool
}

// Logger receives redis.log messages.
type Logger func(level int, msg string)

// Engine runs the Lua scripts and functions of one store: the script
// cache, the function libraries, a pool of interpreters for EVAL scripts
// (each used by one script at a time, so scripts on different keys can
// run in parallel) and one interpreter for FCALL.
type Engine struct {
	busyNS atomic.Int64
	maxMem atomic.Int64
	logger atomic.Pointer[Logger]

	scripts   sync.Map   // lowercase SHA1 -> *Script; read without locking
	mu        sync.Mutex // guards writes to scripts, nscripts and lru
	nscripts  int
	lru       list.List // EVAL-created scripts, least recently used first
	compileMu sync.Mutex
	// EvictedScripts counts scripts evicted from the cache.
	evicted atomic.Int64

	// gen is the generation of the eval interpreters: SCRIPT FLUSH bumps
	// it, and interpreters of an older generation are closed instead of
	// reused.
	gen     atomic.Uint64
	poolMu  sync.Mutex
	pool    []*vm // idle eval interpreters
	idleCap int   // maxIdleVMs()

	vmsMu sync.Mutex
	vms   map[*vm]struct{} // every open interpreter (SCRIPT KILL, busy state)

	fmu   sync.Mutex // the function interpreter and library loading
	fnVM  *vm
	lmu   sync.RWMutex // guards libs and funcs
	libs  map[string]*Library
	funcs map[string]*Function

	rand atomic.Uint64 // lrand48 state shared by all interpreters
}

// maxIdleVMs bounds the idle eval interpreters an engine keeps (an
// interpreter holds about 300 KB): two per P when the engine is created,
// plus two. More may exist while that many scripts run at once; the extra
// ones are closed when their script ends.
func maxIdleVMs() int { return 2*runtime.GOMAXPROCS(0) + 2 }

// maxVMFuncs bounds the instantiated scripts an interpreter keeps; past
// it the interpreter forgets them all (instantiating a compiled script
// again is cheap: it is never compiled twice).
const maxVMFuncs = 2 * MaxEvalScripts

// NewEngine returns an engine with Redis's defaults.
func NewEngine() *Engine {
	e := &Engine{libs: map[string]*Library{}, funcs: map[string]*Function{}, vms: map[*vm]struct{}{}, idleCap: maxIdleVMs()}
	e.busyNS.Store(int64(DefaultBusyThreshold))
	e.maxMem.Store(DefaultMaxMemory)
	e.rand.Store(lrandInit)
	e.lru.Init()
	return e
}

// SetBusyThreshold sets busy-reply-threshold: a script running longer
// makes the engine report busy (0 disables it).
func (e *Engine) SetBusyThreshold(d time.Duration) { e.busyNS.Store(int64(d)) }

// BusyThreshold returns busy-reply-threshold.
func (e *Engine) BusyThreshold() time.Duration { return time.Duration(e.busyNS.Load()) }

// SetMaxMemory bounds how much the live heap may grow during one script
// run before the script is stopped with "not enough memory"; 0 restores
// the default.
func (e *Engine) SetMaxMemory(n int64) {
	if n <= 0 {
		n = DefaultMaxMemory
	}
	e.maxMem.Store(n)
}

// SetLogger sets where redis.log messages go (nil discards them).
func (e *Engine) SetLogger(l Logger) {
	if l == nil {
		e.logger.Store(nil)
		return
	}
	e.logger.Store(&l)
}

func (e *Engine) log(level int, msg string) {
	if l := e.logger.Load(); l != nil {
		(*l)(level, msg)
	}
}

func (e *Engine) maxStringLen() int64 { return min(e.maxMem.Load(), 512<<20) }

// Flags are a script's or function's flags (the shebang's flags= or
// register_function's flags).
type Flags uint32

// Script and function flags.
const (
	FlagNoWrites Flags = 1 << iota
	FlagAllowOOM
	FlagAllowStale
	FlagNoCluster
	FlagAllowCrossSlot
	// FlagCompat marks an EVAL script without a shebang, run in
	// compatibility mode (per-command checks only).
	FlagCompat
)

var flagNames = []struct {
	f    Flags
	name string
}{
	{FlagNoWrites, "no-writes"}, {FlagAllowOOM, "allow-oom"}, {FlagAllowStale, "allow-stale"},
	{FlagNoCluster, "no-cluster"}, {FlagAllowCrossSlot, "allow-cross-slot-keys"},
}

// Names returns the flags as Redis lists them (FUNCTION LIST).
func (f Flags) Names() []string {
	var out []string
	for _, n := range flagNames {
		if f&n.f != 0 {
			out = append(out, n.name)
		}
	}
	return out
}

// Script is a compiled EVAL script in the cache.
type Script struct {
	// SHA is the lowercase hex SHA1 of Body.
	SHA string
	// Body is the script's source.
	Body string
	// Flags are the shebang's flags, or FlagCompat without a shebang.
	Flags Flags

	proto *glua.FunctionProto
	elem  *list.Element // position in the eviction list; nil for SCRIPT LOAD scripts (under Engine.mu)
	// evictable mirrors elem != nil for lookups that do not lock.
	evictable atomic.Bool
	analysis  *Analysis
	hostData  atomic.Value
}

// Analysis returns what the engine found statically about the script's
// redis.call and redis.pcall calls (see Analysis).
func (sc *Script) Analysis() *Analysis { return sc.analysis }

// HostData returns what the host stored with SetHostData, or nil.
func (sc *Script) HostData() any { return sc.hostData.Load() }

// SetHostData lets the host cache its own facts about the script (how to
// lock for it). v must always have the same concrete type.
func (sc *Script) SetHostData(v any) { sc.hostData.Store(v) }

// SHA1Hex returns the lowercase hex SHA1 of s.
func SHA1Hex(s string) string {
	sum := sha1.Sum([]byte(s))
	return hex.EncodeToString(sum[:])
}

// Load compiles body (once: the cache is keyed by its SHA1) and returns
// the cached script. byLoad marks SCRIPT LOAD, whose scripts are never
// evicted; EVAL-created scripts are evicted least recently used first
// beyond MaxEvalScripts. The error text is Redis's reply.
func (e *Engine) Load(body string, byLoad bool) (*Script, error) {
	sha := SHA1Hex(body)
	if sc := e.lookup(sha, byLoad, true); sc != nil {
		return sc, nil
	}
	e.compileMu.Lock()
	defer e.compileMu.Unlock()
	if sc := e.lookup(sha, byLoad, true); sc != nil {
		return sc, nil
	}
	flags, skip, err := parseShebang(body)
	if err != nil {
		return nil, err
	}
	proto, an, err := compileAnalyzed(body[skip:], chunkEval)
	if err != nil {
		return nil, fmt.Errorf("ERR Error compiling script (new function): %s", err.Error())
	}
	sc := &Script{SHA: sha, Body: body, Flags: flags, proto: proto, analysis: an}
	e.mu.Lock()
	defer e.mu.Unlock()
	if !byLoad {
		for e.lru.Len() >= MaxEvalScripts {
			old := e.lru.Remove(e.lru.Front()).(*Script)
			old.elem = nil
			old.evictable.Store(false)
			e.scripts.Delete(old.SHA)
			e.nscripts--
			e.evicted.Add(1)
		}
		sc.elem = e.lru.PushBack(sc)
		sc.evictable.Store(true)
	}
	e.scripts.Store(sha, sc)
	e.nscripts++
	return sc, nil
}

// lookup finds a script by its lowercase SHA. byLoad promotes an
// EVAL-created script to a permanent one; touch refreshes its LRU
// position.
func (e *Engine) lookup(sha string, byLoad, touch bool) *Script {
	v, ok := e.scripts.Load(sha)
	if !ok {
		return nil
	}
	sc := v.(*Script)
	if !sc.evictable.Load() || !byLoad && !touch {
		return sc // SCRIPT LOAD scripts have no LRU position
	}
	e.mu.Lock()
	if sc.elem != nil {
		if byLoad {
			e.lru.Remove(sc.elem)
			sc.elem = nil
			sc.evictable.Store(false)
		} else {
			e.lru.MoveToBack(sc.elem)
		}
	}
	e.mu.Unlock()
	return sc
}

// Lookup returns the cached script with the given SHA1 (any case), or nil.
func (e *Engine) Lookup(sha string) *Script {
	if len(sha) != 40 {
		return nil
	}
	return e.lookup(lowerHex(sha), false, true)
}

// Exists reports whether a script with the given SHA1 is cached.
func (e *Engine) Exists(sha string) bool {
	if len(sha) != 40 {
		return false
	}
	return e.lookup(lowerHex(sha), false, false) != nil
}

// Flush empties the script cache and resets the EVAL interpreter
// (SCRIPT FLUSH).
func (e *Engine) Flush() {
	e.mu.Lock()
	for el := e.lru.Front(); el != nil; el = el.Next() {
		sc := el.Value.(*Script)
		sc.elem = nil
		sc.evictable.Store(false)
	}
	e.scripts.Clear()
	e.nscripts = 0
	e.lru.Init()
	e.mu.Unlock()
	// Interpreters running a script now are closed when it ends.
	e.gen.Add(1)
	e.poolMu.Lock()
	idle := e.pool
	e.pool = nil
	e.poolMu.Unlock()
	for _, v := range idle {
		e.closeVM(v)
	}
}

// NumScripts returns the number of cached scripts (INFO's
// number_of_cached_scripts).
func (e *Engine) NumScripts() int {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.nscripts
}

// evalVMGet takes an idle eval interpreter of the current generation from
// the pool, or starts a new one.
func (e *Engine) evalVMGet() *vm {
	gen := e.gen.Load()
	e.poolMu.Lock()
	for n := len(e.pool); n > 0; n = len(e.pool) {
		v := e.pool[n-1]
		e.pool[n-1] = nil
		e.pool = e.pool[:n-1]
		if v.gen == gen && !v.broken {
			e.poolMu.Unlock()
			return v
		}
		e.poolMu.Unlock()
		e.closeVM(v)
		e.poolMu.Lock()
	}
	e.poolMu.Unlock()
	v := e.openVM(evalVM)
	v.gen = gen
	return v
}

// openVM starts an interpreter and registers it.
func (e *Engine) openVM(kind vmKind) *vm {
	v := newVM(e, kind)
	e.vmsMu.Lock()
	e.vms[v] = struct{}{}
	e.vmsMu.Unlock()
	return v
}

// evalVMPut gives an interpreter back to the pool once its script ended.
func (e *Engine) evalVMPut(v *vm) {
	if !v.broken && v.gen == e.gen.Load() {
		e.poolMu.Lock()
		if len(e.pool) < e.idleCap {
			e.pool = append(e.pool, v)
			e.poolMu.Unlock()
			return
		}
		e.poolMu.Unlock()
	}
	e.closeVM(v)
}

// closeVM closes an interpreter that no script uses.
func (e *Engine) closeVM(v *vm) {
	e.vmsMu.Lock()
	delete(e.vms, v)
	e.vmsMu.Unlock()
	v.close()
}

// EvictedScripts returns how many scripts were evicted from the cache.
func (e *Engine) EvictedScripts() int64 { return e.evicted.Load() }

func lowerHex(s string) string {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= 'A' && c <= 'Z' {
			return strings.ToLower(s)
		}
	}
	return s
}

// compile parses and compiles Lua source into a prototype, naming the
// chunk as Redis does ("user_script", "user_function").
func compile(src, chunk string) (*glua.FunctionProto, error) {
	stmts, err := parse.Parse(strings.NewReader(src), chunk)
	if err != nil {
		return nil, fmt.Errorf("%s", parseErrorText(err, src, chunk))
	}
	return compileStmts(stmts, chunk)
}

// compileStmts compiles a parsed chunk.
func compileStmts(stmts []ast.Stmt, chunk string) (*glua.FunctionProto, error) {
	proto, err := glua.Compile(stmts, chunk)
	if err != nil {
		if ce, ok := err.(*glua.CompileError); ok {
			return nil, fmt.Errorf("%s:%d: %s", chunk, ce.Line, ce.Message)
		}
		return nil, err
	}
	// The chunk is always called without arguments: do not build Lua 5.0's
	// "arg" table on every call.
	proto.IsVarArg &^= glua.VarArgNeedsArg
	return proto, nil
}

// parseErrorText renders a gopher-lua syntax error the way Lua 5.1 words
// its messages: "user_script:3: syntax error near 'x'".
func parseErrorText(err error, src, chunk string) string {
	pe, ok := err.(*parse.Error)
	if !ok {
		return chunk + ": " + strings.TrimSpace(err.Error())
	}
	line := pe.Pos.Line
	tok := pe.Token
	if line <= 0 {
		line = strings.Count(src, "\n") + 1
		tok = "<eof>"
	}
	msg := pe.Message
	if msg == "parse error" || msg == "syntax error" {
		msg = "unexpected symbol"
	}
	if tok == "" || tok == "EOF" {
		tok = "<eof>"
	}
	return fmt.Sprintf("%s:%d: %s near '%s'", chunk, line, msg, tok)
}

// parseShebang reads an EVAL script's "#!lua flags=..." line. It returns
// the flags (FlagCompat without a shebang) and how many bytes to skip
// (the shebang without its newline, so line numbers stay).
func parseShebang(body string) (Flags, int, error) {
	if !strings.HasPrefix(body, "#!") {
		return FlagCompat, 0, nil
	}
	end := strings.IndexByte(body, '\n')
	if end < 0 {
		return 0, 0, fmt.Errorf("ERR Invalid script shebang")
	}
	parts, ok := splitArgs(body[:end])
	if !ok || len(parts) == 0 {
		return 0, 0, fmt.Errorf("ERR Invalid engine in script shebang")
	}
	if parts[0] != "#!lua" {
		return 0, 0, fmt.Errorf("ERR Unexpected engine in script shebang: %s", parts[0])
	}
	var flags Flags
	for _, p := range parts[1:] {
		if !strings.HasPrefix(p, "flags=") {
			return 0, 0, fmt.Errorf("ERR Unknown lua shebang option: %s", p)
		}
		list := p[len("flags="):]
		if list == "" {
			continue
		}
		for _, f := range strings.Split(list, ",") {
			found := false
			for _, n := range flagNames {
				if n.name == f {
					flags |= n.f
					found = true
					break
				}
			}
			if !found {
				return 0, 0, fmt.Errorf("ERR Unexpected flag in script shebang: %s", f)
			}
		}
	}
	return flags, end, nil
}

// Run is one script or function invocation in progress. The host sees it
// in Host.Call; SCRIPT KILL, FUNCTION KILL and FUNCTION STATS see it from
// other goroutines.
type Run struct {
	e    *Engine
	host Host
	v    *vm
	name string
	eval bool
	ro   bool
	oom  bool // may run deny-oom commands over maxmemory
	// resp is the protocol commands see (redis.setresp), repl the
	// redis.set_repl flags; both belong to the script's goroutine.
	resp  int
	repl  int
	start time.Time
	args  [][]byte // the EVAL/FCALL command, for FUNCTION STATS

	state  atomic.Int32 // runClean, runDirty, runKilled, runDone
	busy   atomic.Bool
	reason string // why the run was stopped (under the interpreter's kmu)
	// restart is set by Restart (on the run's own goroutine).
	restart bool
	// straight: the run has no per-instruction checks (see execute).
	straight bool
	memAt    uint64 // live heap at the run's first check
	// seq tells the runs of one interpreter apart (a Run is reused).
	seq uint64
}

const (
	runClean int32 = iota
	runDirty
	runKilled
	runDone
)

// busyRuns counts runs past their busy threshold in the process, so
// the common check costs one atomic load.
var busyRuns atomic.Int32

// AnyBusy reports whether any engine in the process has a script running
// past its busy-reply-threshold. It is a cheap first check before Busy.
func AnyBusy() bool { return busyRuns.Load() != 0 }

// Name returns the script's SHA1 (EVAL) or the function's name.
func (r *Run) Name() string { return r.name }

// IsEval reports whether the run is an EVAL script (not a function).
func (r *Run) IsEval() bool { return r.eval }

// Proto returns the protocol commands should reply in (redis.setresp).
func (r *Run) Proto() int { return r.resp }

// Repl returns the redis.set_repl flags (ReplAll unless changed).
func (r *Run) Repl() int { return r.repl }

// ReadOnly reports whether write commands are refused (EVAL_RO,
// FCALL_RO, the no-writes flag).
func (r *Run) ReadOnly() bool { return r.ro }

// Dirty reports whether the run has called a write command.
func (r *Run) Dirty() bool { return r.state.Load() == runDirty }

// BeforeCommand does the script-level checks of a command about to run
// (Redis's scriptVerifyWriteCommandAllow and scriptVerifyOOM) and marks
// the run dirty before a write. It returns the error text to reply
// instead, or "".
func (r *Run) BeforeCommand(write, denyOOM bool) string {
	if write && r.ro {
		return ErrROWrite
	}
	st := r.state.Load()
	if denyOOM && !r.oom && st != runDirty && r.host.OOM() {
		return ErrOOM
	}
	if write && st != runDirty {
		if !r.state.CompareAndSwap(runClean, runDirty) && r.state.Load() != runDirty {
			return ErrKilled
		}
	}
	return ""
}

// tick is the periodic check of a running script: busy state and the
// memory bound.
func (r *Run) tick() {
	if th := r.e.busyNS.Load(); th > 0 && !r.busy.Load() && time.Since(r.start) > time.Duration(th) {
		r.busy.Store(true)
		busyRuns.Add(1)
	}
	live := heapLive()
	if r.memAt == 0 {
		r.memAt = live // the baseline: the heap at the first check
		return
	}
	if live > r.memAt && int64(live-r.memAt) > r.e.maxMem.Load() {
		r.e.stop(r, "not enough memory")
	}
}

// stop cancels a run with a reason.
func (e *Engine) stop(r *Run, reason string) {
	v := r.v
	v.kmu.Lock()
	defer v.kmu.Unlock()
	if r.state.Load() == runDone {
		return
	}
	r.state.Store(runKilled)
	r.reason = reason
	v.ctx.cancel()
}

// reasonRestart is the stop reason of Run.Restart.
const reasonRestart = "restart"

// Restart abandons the run, if it has not written, at the host's request:
// the script stops at its next instruction, nothing is written to the
// request's Out, and Eval returns true so that the caller runs the script
// again with stronger isolation. It returns false, changing nothing, when
// the run has written (or was killed). Call it from Host.Call.
func (r *Run) Restart() bool {
	v := r.v
	v.kmu.Lock()
	defer v.kmu.Unlock()
	if !r.state.CompareAndSwap(runClean, runKilled) {
		return false
	}
	r.reason = reasonRestart
	r.restart = true
	v.ctx.cancel()
	return true
}

// runInfo is a snapshot of a run in progress.
type runInfo struct {
	v     *vm
	seq   uint64
	eval  bool
	name  string
	start time.Time
	busy  bool
	args  []string
}

// runs returns a snapshot of every script and function in progress
// (withArgs: with their command).
func (e *Engine) runs(withArgs bool) []runInfo {
	var out []runInfo
	e.vmsMu.Lock()
	defer e.vmsMu.Unlock()
	for v := range e.vms {
		v.kmu.Lock()
		if r := v.cur.Load(); r != nil && r.state.Load() != runDone {
			ri := runInfo{v: v, seq: r.seq, eval: r.eval, name: r.name, start: r.start, busy: r.busy.Load()}
			if withArgs {
				for _, a := range r.args {
					ri.args = append(ri.args, string(a))
				}
			}
			out = append(out, ri)
		}
		v.kmu.Unlock()
	}
	return out
}

// oldest returns the run in progress that started first, or with
// busyOnly the first of those past busy-reply-threshold: the one
// FUNCTION STATS shows, and the one -BUSY and SCRIPT/FUNCTION KILL are
// about (Redis runs one script at a time; embedis runs scripts on
// disjoint keys in parallel, and the long-running one is the oldest).
func (e *Engine) oldest(withArgs, busyOnly bool) (runInfo, bool) {
	var o runInfo
	found := false
	for _, ri := range e.runs(withArgs) {
		if (!busyOnly || ri.busy) && (!found || ri.start.Before(o.start)) {
			o, found = ri, true
		}
	}
	return o, found
}

// Busy reports whether a script runs past busy-reply-threshold, and the
// -BUSY error other clients get (the FUNCTION variant for FCALL).
func (e *Engine) Busy() (bool, string) {
	busy, ok := e.oldest(false, true)
	if !ok {
		return false, ""
	}
	if busy.eval {
		return true, ErrBusyEval
	}
	return true, ErrBusyFunction
}

// Kill stops the running script (SCRIPT KILL, eval true) or function
// (FUNCTION KILL) if it has not written. It returns "" on success or
// the error reply.
func (e *Engine) Kill(eval bool) string {
	// Redis serves SCRIPT KILL only while a script is busy (past
	// busy-reply-threshold); here other clients are served while scripts
	// run, so a run that is not busy yet is not a target.
	ri, ok := e.oldest(false, true)
	if !ok {
		return ErrNotBusy
	}
	v := ri.v
	v.kmu.Lock()
	defer v.kmu.Unlock()
	r := v.cur.Load()
	if r == nil || r.seq != ri.seq || r.state.Load() == runDone {
		return ErrNotBusy
	}
	if r.state.Load() == runDirty {
		return ErrUnkillable
	}
	if eval && !r.eval {
		return ErrBusyFunction
	}
	if !eval && r.eval {
		return ErrBusyEval
	}
	if !r.state.CompareAndSwap(runClean, runKilled) {
		if r.state.Load() == runDirty {
			return ErrUnkillable
		}
		return ""
	}
	r.reason = "killed"
	v.ctx.cancel()
	return ""
}

// Abort stops every running script and function whether or not it has
// written (SHUTDOWN NOSAVE): their callers get the killed error.
func (e *Engine) Abort() {
	for _, ri := range e.runs(false) {
		v := ri.v
		v.kmu.Lock()
		if r := v.cur.Load(); r != nil && r.seq == ri.seq && r.state.Load() != runDone {
			r.state.Store(runKilled)
			r.reason = "killed"
			v.ctx.cancel()
		}
		v.kmu.Unlock()
	}
}

// RunningScript describes the script in progress (FUNCTION STATS).
type RunningScript struct {
	// Eval is set for EVAL scripts, clear for functions.
	Eval bool
	// Name is the script's SHA1 or the function's name.
	Name string
	// Command is the EVAL or FCALL command that runs it.
	Command []string
	// Duration is how long it has run.
	Duration time.Duration
}

// Running returns the script or function in progress, if any.
func (e *Engine) Running() (RunningScript, bool) {
	ri, ok := e.oldest(true, false)
	if !ok {
		return RunningScript{}, false
	}
	return RunningScript{Eval: ri.eval, Name: ri.name, Duration: time.Since(ri.start), Command: ri.args}, true
}

// Request is one EVAL or FCALL invocation.
type Request struct {
	// Keys and Args are the script's KEYS and ARGV. The engine keeps no
	// reference to them after the call.
	Keys, Args []string
	// ReadOnly is set by EVAL_RO, EVALSHA_RO and FCALL_RO.
	ReadOnly bool
	// Host runs the script's commands.
	Host Host
	// Out receives the reply.
	Out resp.ReplyWriter
	// Command is the whole command, shown by FUNCTION STATS.
	Command [][]byte
	// AllowOOM is the caller's CLIENT_ALLOW_OOM (replication, AOF).
	AllowOOM bool
	// Scratch, if not nil, is where the engine formats the numbers a
	// script passes to redis.call. The bytes are handed to commands (and
	// may end up in journal records), so the caller must not reuse the
	// buffer before the unit's effects are delivered.
	Scratch []byte
}

// check does scriptPrepareForRun's checks. It writes the error reply and
// returns false when the script may not run.
func (e *Engine) check(req *Request, flags Flags) bool {
	if flags&FlagCompat == 0 {
		if flags&FlagNoWrites == 0 && req.ReadOnly {
			req.Out.Error(ErrROScript)
			return false
		}
		if !req.AllowOOM && flags&(FlagAllowOOM|FlagNoWrites) == 0 && req.Host.OOM() {
			req.Out.Error(ErrScriptOOM)
			return false
		}
	}
	return true
}

// begin starts a run on v: its Run is reused from run to run, and other
// goroutines read it only under v.kmu.
func (v *vm) begin(req *Request, name string, flags Flags, eval bool) *Run {
	r := &v.runBuf
	v.kmu.Lock()
	r.e, r.host, r.v = v.e, req.Host, v
	r.name, r.eval, r.args = name, eval, req.Command
	r.ro = ReadOnlyRun(flags, req.ReadOnly)
	r.oom = req.AllowOOM || (flags&FlagCompat == 0 && flags&FlagAllowOOM != 0)
	r.resp, r.repl = 2, ReplAll
	r.state.Store(runClean)
	r.busy.Store(false)
	r.reason, r.restart, r.straight, r.memAt = "", false, false, 0
	r.seq++
	r.start = time.Now()
	v.cur.Store(r)
	v.kmu.Unlock()
	return r
}

// end finishes the run: SCRIPT KILL no longer sees it.
func (v *vm) end(r *Run) {
	v.kmu.Lock()
	r.state.Store(runDone)
	v.cur.Store(nil)
	r.host, r.args = nil, nil
	v.kmu.Unlock()
}

// ReadOnlyRun reports whether a script with flags, called by an _RO
// command or not, refuses write commands.
func ReadOnlyRun(flags Flags, roCommand bool) bool {
	return roCommand || (flags&FlagCompat == 0 && flags&FlagNoWrites != 0)
}

// Eval runs a cached script (EVAL, EVALSHA and their _RO variants) and
// writes its reply to req.Out. The caller provides atomicity: the store
// runs it in an exclusive section, or holding the locks of the keys it
// may touch. Scripts may run in parallel, each on an interpreter of its
// own.
//
// It returns true, having written nothing, when the host abandoned the
// run with Run.Restart; the caller then runs the script again.
func (e *Engine) Eval(sc *Script, req *Request) (restart bool) {
	if !e.check(req, sc.Flags) {
		return false
	}
	v := e.evalVMGet()
	fn := v.fns[sc]
	if fn == nil {
		if len(v.fns) >= maxVMFuncs {
			clear(v.fns)
		}
		fn = v.newScript(sc)
		v.fns[sc] = fn
	}
	v.keys.fill(v, "KEYS", req.Keys)
	v.argv.fill(v, "ARGV", req.Args)
	v.nums = req.Scratch[:0]
	restart = e.execute(v, v.begin(req, sc.SHA, sc.Flags, true), fn, nil, req.Out, sc.analysis != nil && sc.analysis.straight)
	v.keys.release(v, "KEYS")
	v.argv.release(v, "ARGV")
	e.evalVMPut(v)
	return restart
}

// execute runs fn (with args pushed for functions) under r and writes the
// reply, unless the run was abandoned by Run.Restart (it then returns
// true).
//
// A straight script (Analysis.straight: no loop, no function, no loaded
// code) runs without gopher-lua's context, which costs a check before
// every instruction: such a script executes each of its instructions at
// most once, so the periodic checks (busy state, memory bound) could
// only happen inside a Go call anyway, where they do not happen either.
// It is never busy, so SCRIPT KILL does not target it; redis.call refuses
// to run commands for a run stopped otherwise (Abort, Restart).
func (e *Engine) execute(v *vm, r *Run, fn *glua.LFunction, args []glua.LValue, out resp.ReplyWriter, straight bool) (restart bool) {
	L := v.L
	if v.ctx.Err() != nil {
		v.ctx.renew()
	}
	v.ctx.n = hookEvery
	v.run = r
	if straight {
		L.RemoveContext()
		r.straight = true
	}
	defer func() {
		if straight {
			L.SetContext(v.ctx)
		}
		busy := r.busy.Load()
		v.end(r)
		if busy {
			busyRuns.Add(-1)
		}
		v.run = nil
		v.nums = nil
		if p := recover(); p != nil {
			v.broken = true
			if r.restart {
				restart = true
				return
			}
			out.Error(noNewlines(fmt.Sprintf("ERR Error running script %s, %v", r.name, p)))
		}
	}()
	L.SetTop(0)
	L.Push(fn)
	for _, a := range args {
		L.Push(a)
	}
	err := L.PCall(len(args), 1, v.errh)
	if err != nil {
		if r.restart {
			L.SetTop(0)
			return true
		}
		var obj glua.LValue = glua.LString(err.Error())
		if ae, ok := err.(*glua.ApiError); ok {
			obj = ae.Object
		}
		L.SetTop(0)
		writeRunError(out, obj, r.name)
		return false
	}
	ret := L.Get(-1)
	L.SetTop(0)
	if r.restart {
		return true // the script ended before noticing the cancellation
	}
	if r.state.Load() == runKilled {
		// A straight script stopped while it ran Go code.
		writeRunError(out, v.killedTable(L, r), r.name)
		return false
	}
	writeReply(out, ret, r.resp, 0)
	return false
}

// writeRunError writes an uncaught script error as Redis does:
// "-<err> script: <name>, on <source>:<line>."
func writeRunError(out resp.ReplyWriter, obj glua.LValue, name string) {
	t, ok := obj.(*glua.LTable)
	if !ok {
		msg := "execution failure"
		if s, ok := luaToString(obj); ok {
			msg = s
		}
		if len(msg) > 100 {
			msg = msg[:100]
		}
		out.Error(noNewlines("ERR Error running script " + name + ", " + msg + " "))
		return
	}
	msg, ok := luaToString(t.RawGetString("err"))
	if !ok {
		msg = "ERR unknown error"
	}
	src, sok := t.RawGetString("source").(glua.LString)
	line, lok := luaToString(t.RawGetString("line"))
	if sok && lok {
		msg += " script: " + name + ", on " + string(src) + ":" + line + "."
	}
	out.Error(noNewlines(msg))
}

// killedMsg is the error a script stopped by SCRIPT/FUNCTION KILL raises.
var killedMsg = strings.TrimPrefix(ErrKilled, "ERR ")

// killedTable is the error of run r, stopped (state runKilled): killed by
// SCRIPT/FUNCTION KILL, or the reason it was stopped for.
func (v *vm) killedTable(L *glua.LState, r *Run) *glua.LTable {
	v.kmu.Lock()
	reason := r.reason
	v.kmu.Unlock()
	if reason == "killed" {
		reason = killedMsg
	}
	return errorTable(L, reason)
}

// errHandler is Redis's __redis__err__handler: it turns the error into a
// table {err=..., source=..., line=...} naming the Lua line that raised
// it (the caller's, when the error comes from a Go function).
func (v *vm) errHandler(L *glua.LState) int {
	obj := L.Get(1)
	var t *glua.LTable
	if r := v.run; r != nil && r.state.Load() == runKilled {
		t = v.killedTable(L, r)
	} else if tt, ok := obj.(*glua.LTable); ok {
		t = tt
	} else {
		var msg string
		if s, ok := luaToString(obj); ok {
			msg = fixMessage(s)
		} else {
			msg = L.ToStringMeta(obj).String()
		}
		t = L.CreateTable(0, 3)
		t.RawSetString("err", glua.LString("ERR "+msg))
	}
	for level := 1; level <= 2; level++ {
		dbg, ok := L.GetStack(level)
		if !ok {
			break
		}
		if _, err := L.GetInfo("Sl", dbg, glua.LNil); err != nil {
			break
		}
		if dbg.What == "G" {
			continue
		}
		if dbg.Source != "" {
			t.RawSetString("source", glua.LString("@"+dbg.Source))
			t.RawSetString("line", glua.LNumber(dbg.CurrentLine))
		}
		break
	}
	L.Push(t)
	return 1
}

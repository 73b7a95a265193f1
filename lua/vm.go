package lua

import (
	"strconv"
	"strings"
	"sync"
	"sync/atomic"

	glua "github.com/yuin/gopher-lua"
)

// vmKind tells the two kinds of interpreters apart: EVAL scripts get
// KEYS and ARGV globals and the debugger stubs; functions get a load-time
// environment.
type vmKind uint8

const (
	evalVM vmKind = iota
	functionVM
)

// Redis's version as scripts see it (redis.REDIS_VERSION and
// redis.REDIS_VERSION_NUM).
const (
	RedisVersion    = "7.4.1"
	RedisVersionNum = 0x070401
)

// Log levels of redis.log (redis.LOG_DEBUG ... redis.LOG_WARNING).
const (
	LogDebug   = 0
	LogVerbose = 1
	LogNotice  = 2
	LogWarning = 3
)

// Replication flags of redis.set_repl.
const (
	ReplNone  = 0
	ReplAOF   = 1
	ReplSlave = 2
	ReplAll   = ReplAOF | ReplSlave
)

const (
	errReadonly   = "Attempt to modify a readonly table"
	errNoGlobal   = "Script attempted to access nonexistent global variable '"
	chunkEval     = "user_script"
	chunkFunction = "user_function"
)

// vm is one sandboxed gopher-lua interpreter with Redis's global
// environment. It is used by one goroutine at a time (the Engine's locks).
type vm struct {
	L    *glua.LState
	e    *Engine
	kind vmKind

	// realG holds the globals; scripts see them only through env, an
	// empty read-only proxy whose __index is realG (or loadG while a
	// function library loads).
	realG *glua.LTable
	loadG *glua.LTable
	env   *glua.LTable
	envMT *glua.LTable
	// flat is the environment of the scripts that never assign a global
	// (eval interpreters only): a plain table of the globals, so reading
	// one costs one lookup instead of going through env's metatable.
	// Scripts cannot reach it (_G is env), and they have no instruction
	// that writes to it.
	flat *glua.LTable
	// ro holds every table a script must not modify (the proxies).
	ro map[*glua.LTable]struct{}

	errh *glua.LFunction
	ctx  *hookCtx

	run  *Run     // the script running, nil between runs
	load *loadCtx // the FUNCTION LOAD in progress

	// cur is run for other goroutines (SCRIPT KILL, busy state); kmu
	// orders a kill against the end of the run.
	cur    atomic.Pointer[Run]
	kmu    sync.Mutex
	runBuf Run // the Run of every script on this interpreter

	gen  uint64                      // Engine.gen when started (eval interpreters)
	fns  map[*Script]*glua.LFunction // scripts instantiated here
	keys arraySlot                   // the KEYS table, reused across runs
	argv arraySlot                   // the ARGV table, reused across runs

	callArgs [][]byte // redis.call's argument vector, reused
	nums     []byte   // number arguments of the current run (see call)
	rb       replyBuilder
	broken   bool // a Go panic escaped the VM: do not reuse it
}

// arraySlot is a global array of strings (KEYS, ARGV) refilled for each
// run. Scripts may modify the table; a table that is no longer exactly
// the n strings it was given is replaced rather than reused.
type arraySlot struct {
	t     *glua.LTable
	n     int
	bytes int
}

// maxReusedArray bounds the arrays an interpreter keeps between runs:
// bigger ones are released so that an idle interpreter pins no large
// arguments.
const (
	maxReusedArrayLen   = 64
	maxReusedArrayBytes = 64 << 10
)

// fill stores items as the global name.
func (a *arraySlot) fill(v *vm, name string, items []string) {
	t := a.t
	if t == nil || t.Metatable != glua.LNil || !onlyArray(t, a.n) {
		t = v.L.CreateTable(len(items), 0)
		a.t, a.n = t, 0
		v.realG.RawSetString(name, t)
		if v.flat != nil {
			v.flat.RawSetString(name, t)
		}
	}
	size := 0
	for i, s := range items {
		size += len(s)
		if i < a.n {
			if old, ok := t.RawGetInt(i + 1).(glua.LString); ok && string(old) == s {
				continue // the same value as last run: keep it boxed
			}
		}
		t.RawSetInt(i+1, glua.LString(s))
	}
	for i := len(items); i < a.n; i++ {
		t.RawSetInt(i+1, glua.LNil)
	}
	a.n, a.bytes = len(items), size
}

// release drops the table after a run when it is too big to keep.
func (a *arraySlot) release(v *vm, name string) {
	if a.n > maxReusedArrayLen || a.bytes > maxReusedArrayBytes {
		a.t, a.n, a.bytes = nil, 0, 0
		v.realG.RawSetString(name, glua.LNil)
		if v.flat != nil {
			v.flat.RawSetString(name, glua.LNil)
		}
	}
}

// onlyArray reports whether t holds nothing beyond its first n array
// slots (a script may have added keys to it).
func onlyArray(t *glua.LTable, n int) bool {
	var k glua.LValue
	if n == 0 {
		k, _ = t.Next(glua.LNil)
	} else {
		k, _ = t.Next(glua.LNumber(n))
	}
	return k == glua.LNil
}

func newVM(e *Engine, kind vmKind) *vm {
	L := glua.NewState(glua.Options{
		SkipOpenLibs:    true,
		CallStackSize:   1024,
		RegistrySize:    1024 * 4,
		RegistryMaxSize: 1024 * 256,
	})
	v := &vm{L: L, e: e, kind: kind, ro: map[*glua.LTable]struct{}{}, fns: map[*Script]*glua.LFunction{}}
	v.rb.v = v
	for _, open := range []struct {
		name string
		fn   glua.LGFunction
	}{
		{glua.BaseLibName, glua.OpenBase},
		{glua.TabLibName, glua.OpenTable},
		{glua.StringLibName, glua.OpenString},
		{glua.MathLibName, glua.OpenMath},
		{glua.CoroutineLibName, glua.OpenCoroutine},
	} {
		L.Push(L.NewFunction(open.fn))
		L.Push(glua.LString(open.name))
		L.Call(1, 0)
	}
	v.realG = L.G.Global
	v.setupGlobals()
	v.ctx = newHookCtx(v)
	L.SetContext(v.ctx)
	return v
}

// close releases the interpreter.
func (v *vm) close() { v.L.Close() }

// allowed lists the base functions Redis keeps (lua_builtins_allow_list
// and friends); everything else the base library defines is removed.
var allowedBase = map[string]bool{
	"xpcall": true, "tostring": true, "setmetatable": true, "next": true,
	"assert": true, "tonumber": true, "rawequal": true, "collectgarbage": true,
	"getmetatable": true, "rawset": true, "pcall": true, "coroutine": true,
	"type": true, "_G": true, "select": true, "unpack": true, "gcinfo": true,
	"pairs": true, "loadstring": true, "ipairs": true, "error": true,
	"rawget": true, "newproxy": true, "_VERSION": true,
	"string": true, "table": true, "math": true,
}

func (v *vm) setupGlobals() {
	L, g := v.L, v.realG
	// Drop what Redis does not expose.
	var drop []glua.LValue
	g.ForEach(func(k, _ glua.LValue) {
		if s, ok := k.(glua.LString); !ok || !allowedBase[string(s)] {
			drop = append(drop, k)
		}
	})
	for _, k := range drop {
		g.RawSet(k, glua.LNil)
	}
	g.RawSetString("_VERSION", glua.LString("Lua 5.1"))

	// Base functions with Redis's behaviour.
	g.RawSetString("pcall", L.NewFunction(v.luaPcall))
	g.RawSetString("loadstring", L.NewFunction(v.luaLoadstring))
	g.RawSetString("error", L.NewFunction(luaError))
	g.RawSetString("tostring", L.NewFunction(luaTostring))
	g.RawSetString("tonumber", L.NewFunction(luaTonumber(g.RawGetString("tonumber").(*glua.LFunction).GFunction)))
	g.RawSetString("rawset", L.NewFunction(v.luaRawset))
	g.RawSetString("setmetatable", L.NewFunction(v.luaSetmetatable))
	g.RawSetString("collectgarbage", L.NewFunction(luaCollectgarbage))
	g.RawSetString("gcinfo", L.NewFunction(luaGcinfo))

	// table functions that write must refuse the read-only tables.
	tbl := g.RawGetString("table").(*glua.LTable)
	for _, name := range []string{"insert", "remove", "sort"} {
		orig := tbl.RawGetString(name).(*glua.LFunction)
		tbl.RawSetString(name, L.NewFunction(v.guardFirstArg(orig.GFunction)))
	}
	tbl.RawSetString("setn", glua.LNil)
	tbl.RawSetString("getn", L.NewFunction(tableGetn))
	tbl.RawSetString("maxn", L.NewFunction(tableMaxn))
	tbl.RawSetString("foreach", L.NewFunction(tableForeach))
	tbl.RawSetString("foreachi", L.NewFunction(tableForeachi))

	str := g.RawGetString("string").(*glua.LTable)
	str.RawSetString("__index", glua.LNil)
	str.RawSetString("dump", glua.LNil)
	str.RawSetString("rep", L.NewFunction(v.strRep))
	str.RawSetString("format", L.NewFunction(strFormat(str.RawGetString("format").(*glua.LFunction).GFunction)))

	math := g.RawGetString("math").(*glua.LTable)
	math.RawSetString("random", L.NewFunction(v.mathRandom))
	math.RawSetString("randomseed", L.NewFunction(v.mathRandomseed))

	// Redis's extra libraries.
	g.RawSetString("cjson", openCjson(L))
	g.RawSetString("cmsgpack", openCmsgpack(L))
	g.RawSetString("bit", openBit(L))
	g.RawSetString("struct", openStruct(L))
	osT := L.NewTable()
	osT.RawSetString("clock", L.NewFunction(v.osClock))
	g.RawSetString("os", osT)
	rawRedis := v.redisTable(false)
	g.RawSetString("redis", rawRedis)

	// Protect every library table behind a proxy.
	var libs []string
	g.ForEach(func(k, val glua.LValue) {
		if _, ok := val.(*glua.LTable); ok && k != glua.LString("_G") {
			libs = append(libs, string(k.(glua.LString)))
		}
	})
	for _, name := range libs {
		g.RawSetString(name, v.protect(g.RawGetString(name).(*glua.LTable)))
	}
	// Strings index the protected string library; the metatable itself
	// is hidden behind a proxy too.
	strMT := L.NewTable()
	strMT.RawSetString("__index", g.RawGetString("string"))
	strMT.RawSetString("__metatable", v.protect(strMT))
	L.SetMetatable(glua.LString(""), strMT)

	// realG raises on unknown names; env is the read-only view scripts get.
	gmt := L.NewTable()
	gmt.RawSetString("__index", L.NewFunction(luaNoGlobal))
	g.Metatable = gmt
	v.env = L.NewTable()
	v.envMT = L.NewTable()
	v.envMT.RawSetString("__index", g)
	v.envMT.RawSetString("__newindex", L.NewFunction(luaReadonly))
	v.envMT.RawSetString("__metatable", v.protect(v.envMT))
	v.env.Metatable = v.envMT
	v.ro[v.env] = struct{}{}
	g.RawSetString("_G", v.env)

	if v.kind == evalVM {
		// The plain environment of the scripts that never write a global
		// (Analysis.flatEnv): the same values, the redis table itself
		// rather than its proxy (such scripts only read its fields), and
		// the same error on an unknown name.
		v.flat = L.CreateTable(0, 64)
		g.ForEach(func(k, val glua.LValue) { v.flat.RawSet(k, val) })
		v.flat.RawSetString("redis", rawRedis)
		fmt := L.NewTable()
		fmt.RawSetString("__index", L.NewFunction(luaNoGlobal))
		fmt.RawSetString("__newindex", L.NewFunction(luaReadonly))
		v.flat.Metatable = fmt
		v.ro[v.flat] = struct{}{}
	}
	if v.kind == functionVM {
		// The environment of FUNCTION LOAD: only redis.register_function,
		// redis.log and the version.
		v.loadG = L.NewTable()
		lmt := L.NewTable()
		lmt.RawSetString("__index", L.NewFunction(luaNoGlobal))
		v.loadG.Metatable = lmt
		v.loadG.RawSetString("redis", v.protect(v.redisTable(true)))
	}
	v.errh = L.NewFunction(v.errHandler)
}

// protect returns a read-only proxy of t.
func (v *vm) protect(t *glua.LTable) *glua.LTable {
	p := v.L.NewTable()
	mt := v.L.NewTable()
	mt.RawSetString("__index", t)
	mt.RawSetString("__newindex", v.L.NewFunction(luaReadonly))
	mt.RawSetString("__metatable", p) // getmetatable(proxy) gives the proxy: read-only
	p.Metatable = mt
	v.ro[p] = struct{}{}
	return p
}

// setLoadEnv switches the function VM's globals between the FUNCTION LOAD
// API and the full runtime API.
func (v *vm) setLoadEnv(on bool) {
	if on {
		v.envMT.RawSetString("__index", v.loadG)
	} else {
		v.envMT.RawSetString("__index", v.realG)
	}
}

// newFunction instantiates a compiled chunk with the sandboxed globals.
func (v *vm) newFunction(p *glua.FunctionProto) *glua.LFunction {
	fn := v.L.NewFunctionFromProto(p)
	fn.Env = v.env
	return fn
}

// newScript instantiates a compiled EVAL script: with the plain
// environment when its analysis shows it never assigns a global.
func (v *vm) newScript(sc *Script) *glua.LFunction {
	fn := v.newFunction(sc.proto)
	if v.flat != nil && sc.analysis != nil && sc.analysis.flatEnv {
		fn.Env = v.flat
	}
	return fn
}

// luaLoadstring is loadstring: the loaded chunk gets the script's
// read-only globals (gopher-lua's would get the interpreter's raw global
// table, where its assignments would outlive the script).
func (v *vm) luaLoadstring(L *glua.LState) int {
	src := L.CheckString(1)
	name := L.OptString(2, "<string>")
	fn, err := L.Load(strings.NewReader(src), name)
	if err != nil {
		L.Push(glua.LNil)
		L.Push(glua.LString(err.Error()))
		return 2
	}
	fn.Env = v.env
	if v.load != nil {
		fn.Env = v.loadG
	}
	L.Push(fn)
	return 1
}

func luaReadonly(L *glua.LState) int {
	L.RaiseError(errReadonly)
	return 0
}

func luaNoGlobal(L *glua.LState) int {
	k := L.Get(2)
	var name string
	switch kv := k.(type) {
	case glua.LString:
		name = string(kv)
	case glua.LNumber:
		name = fmtNumber(float64(kv))
	default:
		L.RaiseError("Second argument to luaProtectedTableError must be a string or number")
	}
	L.RaiseError("%s", errNoGlobal+name+"'")
	return 0
}

func (v *vm) isRO(lv glua.LValue) bool {
	t, ok := lv.(*glua.LTable)
	if !ok {
		return false
	}
	_, ro := v.ro[t]
	return ro
}

func (v *vm) guardFirstArg(fn glua.LGFunction) glua.LGFunction {
	return func(L *glua.LState) int {
		if v.isRO(L.Get(1)) {
			L.Error(glua.LString(errReadonly), 0)
		}
		return fn(L)
	}
}

func (v *vm) luaRawset(L *glua.LState) int {
	t := L.CheckTable(1)
	if v.isRO(t) {
		L.Error(glua.LString(errReadonly), 0)
	}
	k := L.CheckAny(2)
	val := L.CheckAny(3)
	if k == glua.LNil {
		L.RaiseError("table index is nil")
	}
	L.RawSet(t, k, val)
	L.SetTop(1)
	return 1
}

func (v *vm) luaSetmetatable(L *glua.LState) int {
	obj := L.Get(1)
	if _, ok := obj.(*glua.LTable); !ok {
		L.TypeError(1, glua.LTTable)
	}
	if v.isRO(obj) {
		L.Error(glua.LString(errReadonly), 0)
	}
	mt := L.Get(2)
	if mt != glua.LNil {
		if _, ok := mt.(*glua.LTable); !ok {
			L.ArgError(2, "nil or table expected")
		}
	}
	if m := obj.(*glua.LTable).Metatable; m != glua.LNil {
		if tb, ok := m.(*glua.LTable); ok && tb.RawGetString("__metatable") != glua.LNil {
			L.RaiseError("cannot change a protected metatable")
		}
	}
	L.SetMetatable(obj, mt)
	L.SetTop(1)
	return 1
}

// luaPcall is Redis's pcall: an error table's err string is returned in
// place of the table.
func (v *vm) luaPcall(L *glua.LState) int {
	if L.GetTop() < 1 {
		L.ArgError(1, "value expected")
	}
	fn := L.Get(1)
	if fn.Type() != glua.LTFunction && L.GetMetaField(fn, "__call").Type() != glua.LTFunction {
		L.SetTop(0)
		L.Push(glua.LFalse)
		L.Push(glua.LString("attempt to call a " + fn.Type().String() + " value"))
		return 2
	}
	nargs := L.GetTop() - 1
	if err := L.PCall(nargs, glua.MultRet, nil); err != nil {
		var obj glua.LValue = glua.LString(err.Error())
		if ae, ok := err.(*glua.ApiError); ok {
			obj = ae.Object
		}
		switch o := obj.(type) {
		case *glua.LTable:
			if e := o.RawGetString("err"); e.Type() == glua.LTString || e.Type() == glua.LTNumber {
				obj = e
			}
		case glua.LString:
			msg := fixMessage(string(o))
			if f, ok := fn.(*glua.LFunction); ok && f.IsG {
				msg = stripCallerPosition(L, msg)
			}
			obj = glua.LString(msg)
		}
		L.Push(glua.LFalse)
		L.Push(obj)
		return 2
	}
	L.Insert(glua.LTrue, 1)
	return L.GetTop()
}

// luaError is Lua 5.1's error: numbers get the position prefix too.
func luaError(L *glua.LState) int {
	obj := L.Get(1)
	level := L.OptInt(2, 1)
	if n, ok := obj.(glua.LNumber); ok {
		obj = glua.LString(fmtNumber(float64(n)))
	}
	L.Error(obj, level)
	return 0
}

// luaTostring formats numbers with "%.14g" as Lua 5.1 does.
func luaTostring(L *glua.LState) int {
	v := L.CheckAny(1)
	if n, ok := v.(glua.LNumber); ok {
		L.Push(glua.LString(fmtNumber(float64(n))))
		return 1
	}
	L.Push(L.ToStringMeta(v))
	return 1
}

// luaTonumber is Lua 5.1's tonumber for base 10 (numbers, and strings
// as luaO_str2d reads them: "1e3", " 0x1F ", "inf"), which gopher-lua's
// reads differently; other bases keep gopher-lua's.
func luaTonumber(orig glua.LGFunction) glua.LGFunction {
	return func(L *glua.LState) int {
		if L.GetTop() >= 2 {
			if b, ok := L.Get(2).(glua.LNumber); !ok || b != 10 {
				return orig(L)
			}
		}
		switch v := L.CheckAny(1).(type) {
		case glua.LNumber:
			L.Push(v)
		case glua.LString:
			n, ok := parseLuaNumber(string(v))
			if !ok {
				L.Push(glua.LNil)
				break
			}
			L.Push(numberValue(n))
		default:
			L.Push(glua.LNil)
		}
		return 1
	}
}

func luaCollectgarbage(L *glua.LState) int {
	opt := L.OptString(1, "collect")
	switch opt {
	case "count":
		L.Push(glua.LNumber(float64(heapLive()) / 1024))
		return 1
	case "step":
		L.Push(glua.LFalse)
		return 1
	case "collect", "stop", "restart", "setpause", "setstepmul":
		L.Push(glua.LNumber(0))
		return 1
	}
	L.ArgError(1, "invalid option '"+opt+"'")
	return 0
}

func luaGcinfo(L *glua.LState) int {
	L.Push(glua.LNumber(heapLive() / 1024))
	return 1
}

func tableGetn(L *glua.LState) int {
	L.Push(glua.LNumber(L.CheckTable(1).Len()))
	return 1
}

func tableMaxn(L *glua.LState) int {
	max := 0.0
	L.CheckTable(1).ForEach(func(k, _ glua.LValue) {
		if n, ok := k.(glua.LNumber); ok && float64(n) > max {
			max = float64(n)
		}
	})
	L.Push(glua.LNumber(max))
	return 1
}

func tableForeach(L *glua.LState) int {
	t := L.CheckTable(1)
	f := L.CheckFunction(2)
	for k, val := t.Next(glua.LNil); k != glua.LNil; k, val = t.Next(k) {
		L.Push(f)
		L.Push(k)
		L.Push(val)
		L.Call(2, 1)
		if r := L.Get(-1); r != glua.LNil {
			return 1
		}
		L.Pop(1)
	}
	return 0
}

func tableForeachi(L *glua.LState) int {
	t := L.CheckTable(1)
	f := L.CheckFunction(2)
	n := t.Len()
	for i := 1; i <= n; i++ {
		L.Push(f)
		L.Push(glua.LNumber(i))
		L.Push(t.RawGetInt(i))
		L.Call(2, 1)
		if r := L.Get(-1); r != glua.LNil {
			return 1
		}
		L.Pop(1)
	}
	return 0
}

// strRep is string.rep bounded by the engine's memory limit.
func (v *vm) strRep(L *glua.LState) int {
	s := L.CheckString(1)
	n := L.CheckInt(2)
	if n <= 0 || len(s) == 0 {
		L.Push(glua.LString(""))
		return 1
	}
	if int64(len(s))*int64(n) > v.e.maxStringLen() {
		L.RaiseError("not enough memory")
	}
	L.Push(glua.LString(strings.Repeat(s, n)))
	return 1
}

// strFormat refuses Lua 5.1's invalid widths before gopher-lua's format
// (which would otherwise allocate whatever width it is given).
func strFormat(orig glua.LGFunction) glua.LGFunction {
	return func(L *glua.LState) int {
		f := L.CheckString(1)
		for i := 0; i < len(f); i++ {
			if f[i] != '%' {
				continue
			}
			i++
			if i < len(f) && f[i] == '%' {
				continue
			}
			j := i
			for j < len(f) && strings.IndexByte("-+ #0", f[j]) >= 0 {
				j++
			}
			if j-i > 5 {
				L.RaiseError("invalid format (repeated flags)")
			}
			w := j
			for w < len(f) && f[w] >= '0' && f[w] <= '9' {
				w++
			}
			if w-j > 2 {
				L.RaiseError("invalid format (width or precision too long)")
			}
			if w < len(f) && f[w] == '.' {
				p := w + 1
				for p < len(f) && f[p] >= '0' && f[p] <= '9' {
					p++
				}
				if p-w-1 > 2 {
					L.RaiseError("invalid format (width or precision too long)")
				}
				w = p
			}
			i = w
		}
		return orig(L)
	}
}

// fixMessage gives gopher-lua's argument errors Lua 5.1's spelling
// ("bad argument #1 to 'rep' (...)").
func fixMessage(s string) string {
	i := strings.Index(s, "bad argument #")
	if i < 0 {
		return s
	}
	j := strings.Index(s[i:], " to ")
	if j < 0 {
		return s
	}
	start := i + j + 4
	end := strings.Index(s[start:], " (")
	if end <= 0 || s[start] == '\'' {
		return s
	}
	name := s[start : start+end]
	if k := strings.LastIndexByte(name, '.'); k >= 0 {
		name = name[k+1:]
	}
	return s[:start] + "'" + name + "'" + s[start+end:]
}

// stripCallerPosition removes the position gopher-lua puts on an error
// raised by a Go function that pcall called directly. Lua 5.1 names the
// function that called the failing one, pcall itself, which has no line:
// pcall(error, 'x') gives "x", not "user_script:1: x".
func stripCallerPosition(L *glua.LState, msg string) string {
	dbg, ok := L.GetStack(0)
	if !ok {
		return msg
	}
	if _, err := L.GetInfo("Sl", dbg, glua.LNil); err != nil || dbg.What == "G" {
		// pcall's own frame is Go; its caller is the Lua line.
		if dbg, ok = L.GetStack(1); !ok {
			return msg
		}
		if _, err := L.GetInfo("Sl", dbg, glua.LNil); err != nil {
			return msg
		}
	}
	prefix := dbg.Source + ":" + strconv.Itoa(dbg.CurrentLine) + ": "
	return strings.TrimPrefix(msg, prefix)
}

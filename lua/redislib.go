package lua

import (
	"crypto/sha1"
	"encoding/hex"
	"strings"
	"unsafe"

	glua "github.com/yuin/gopher-lua"
)

// redisTable builds the redis table: the full API, or (load) the one
// FUNCTION LOAD sees: register_function, log and the version.
func (v *vm) redisTable(load bool) *glua.LTable {
	L := v.L
	t := L.NewTable()
	set := func(name string, fn glua.LGFunction) { t.RawSetString(name, L.NewFunction(fn)) }
	set("log", v.redisLog)
	t.RawSetString("LOG_DEBUG", glua.LNumber(LogDebug))
	t.RawSetString("LOG_VERBOSE", glua.LNumber(LogVerbose))
	t.RawSetString("LOG_NOTICE", glua.LNumber(LogNotice))
	t.RawSetString("LOG_WARNING", glua.LNumber(LogWarning))
	t.RawSetString("REDIS_VERSION", glua.LString(RedisVersion))
	t.RawSetString("REDIS_VERSION_NUM", glua.LNumber(RedisVersionNum))
	if load {
		set("register_function", v.registerFunction)
		mt := L.NewTable()
		mt.RawSetString("__index", L.NewFunction(luaNoGlobal))
		t.Metatable = mt
		return t
	}
	set("call", func(L *glua.LState) int { return v.call(L, true) })
	set("pcall", func(L *glua.LState) int { return v.call(L, false) })
	set("setresp", v.redisSetresp)
	set("sha1hex", redisSha1hex)
	set("error_reply", redisErrorReply)
	set("status_reply", redisStatusReply)
	set("set_repl", v.redisSetRepl)
	t.RawSetString("REPL_NONE", glua.LNumber(ReplNone))
	t.RawSetString("REPL_AOF", glua.LNumber(ReplAOF))
	t.RawSetString("REPL_SLAVE", glua.LNumber(ReplSlave))
	t.RawSetString("REPL_REPLICA", glua.LNumber(ReplSlave))
	t.RawSetString("REPL_ALL", glua.LNumber(ReplAll))
	set("acl_check_cmd", v.redisACLCheckCmd)
	if v.kind == evalVM {
		set("breakpoint", func(L *glua.LState) int { L.Push(glua.LFalse); return 1 })
		set("debug", func(L *glua.LState) int { return 0 })
		set("replicate_commands", func(L *glua.LState) int { L.Push(glua.LTrue); return 1 })
	}
	return t
}

// errorTable returns {err=msg} built as Redis's luaPushError does: a
// message without a leading '-' gets the ERR code; "-CODE text" keeps its
// code; a message without a space gets ERR too. Trailing CR/LF are
// trimmed from the text.
func errorTable(L *glua.LState, msg string) *glua.LTable {
	t := L.CreateTable(0, 2)
	t.RawSetString("err", glua.LString(errorText(msg)))
	return t
}

// errorText normalizes an error as luaPushErrorBuff does.
func errorText(msg string) string {
	code, text := "ERR", msg
	if strings.HasPrefix(msg, "-") {
		rest := msg[1:]
		if i := strings.IndexByte(rest, ' '); i >= 0 {
			code, text = rest[:i], rest[i+1:]
		} else {
			text = rest
		}
	}
	text = strings.Trim(text, "\r\n")
	return code + " " + text
}

// raise raises the error table for msg from a Go function.
func raise(L *glua.LState, msg string) int {
	L.Error(errorTable(L, msg), 0)
	return 0
}

// call is redis.call (raise) and redis.pcall.
func (v *vm) call(L *glua.LState, raiseErr bool) int {
	fail := func(msg string) int {
		t := errorTable(L, msg)
		if raiseErr {
			L.Error(t, 0)
		}
		L.SetTop(0)
		L.Push(t)
		return 1
	}
	r := v.run
	if r == nil {
		return fail("redis.call/pcall can only be called inside a script invocation")
	}
	if r.straight && r.state.Load() == runKilled {
		// a run without per-instruction checks stops at its next command
		L.RaiseError("%s", killedMsg)
	}
	argc := L.GetTop()
	if argc == 0 {
		return fail("Please specify at least one argument for this redis lib call")
	}
	if cap(v.callArgs) < argc {
		v.callArgs = make([][]byte, argc)
	}
	argv := v.callArgs[:argc]
	// Strings are passed without copying (Lua strings are immutable and
	// commands never write to their arguments); numbers are formatted into
	// an append-only buffer that belongs to this run. Bytes handed to a
	// command are never overwritten during the run: the keyspace
	// remembers the last key it hashed.
	nums := v.nums
	for i := 1; i <= argc; i++ {
		switch a := L.Get(i).(type) {
		case glua.LString:
			argv[i-1] = unsafe.Slice(unsafe.StringData(string(a)), len(a))
		case glua.LNumber:
			if cap(nums)-len(nums) < 32 {
				// A new buffer: bytes handed to earlier commands of this run
				// are never overwritten.
				nums = make([]byte, 0, max(128, 32*(argc-i+1)))
			}
			start := len(nums)
			nums = appendArg(nums, float64(a))
			argv[i-1] = nums[start:len(nums):len(nums)]
		default:
			clear(argv)
			return fail("Lua redis lib command arguments must be strings or integers")
		}
	}
	v.nums = nums
	L.SetTop(0)
	rb := &v.rb
	rb.reset(r.resp)
	r.host.Call(r, argv, rb)
	val, isErr := rb.result()
	clear(argv)
	if isErr && raiseErr {
		L.Error(val, 0)
	}
	L.Push(val)
	return 1
}

func (v *vm) redisLog(L *glua.LState) int {
	argc := L.GetTop()
	if argc < 2 {
		return raise(L, "redis.log() requires two arguments or more.")
	}
	lvl, ok := luaToNumber(L.Get(1))
	if !ok {
		return raise(L, "First argument must be a number (log level).")
	}
	level := int(lvl)
	if level < LogDebug || level > LogWarning {
		return raise(L, "Invalid debug level.")
	}
	var b strings.Builder
	for j := 2; j <= argc; j++ {
		s, ok := luaToString(L.Get(j))
		if !ok {
			continue
		}
		if j != 2 {
			b.WriteByte(' ')
		}
		b.WriteString(s)
	}
	v.e.log(level, b.String())
	return 0
}

func (v *vm) redisSetresp(L *glua.LState) int {
	r := v.run
	if r == nil {
		return raise(L, "redis.setresp can only be called inside a script invocation")
	}
	if L.GetTop() != 1 {
		return raise(L, "redis.setresp() requires one argument.")
	}
	n, _ := luaToNumber(L.Get(1))
	p := int(n)
	if p != 2 && p != 3 {
		return raise(L, "RESP version must be 2 or 3.")
	}
	r.resp = p
	return 0
}

func (v *vm) redisSetRepl(L *glua.LState) int {
	r := v.run
	if r == nil {
		return raise(L, "redis.set_repl can only be called inside a script invocation")
	}
	if L.GetTop() != 1 {
		return raise(L, "redis.set_repl() requires one argument.")
	}
	n, _ := luaToNumber(L.Get(1))
	flags := int(n)
	if flags&^ReplAll != 0 {
		return raise(L, "Invalid replication flags. Use REPL_AOF, REPL_REPLICA, REPL_ALL or REPL_NONE.")
	}
	r.repl = flags
	return 0
}

func (v *vm) redisACLCheckCmd(L *glua.LState) int {
	r := v.run
	if r == nil {
		return raise(L, "redis.acl_check_cmd can only be called inside a script invocation")
	}
	argc := L.GetTop()
	if argc == 0 {
		return raise(L, "Please specify at least one argument for this redis lib call")
	}
	args := make([][]byte, argc)
	for i := 1; i <= argc; i++ {
		switch a := L.Get(i).(type) {
		case glua.LString:
			args[i-1] = []byte(a)
		case glua.LNumber:
			args[i-1] = appendArg(nil, float64(a))
		default:
			return raise(L, "Lua redis lib command arguments must be strings or integers")
		}
	}
	if !r.host.CommandExists(args) {
		return raise(L, "Invalid command passed to redis.acl_check_cmd()")
	}
	L.Push(glua.LTrue)
	return 1
}

func redisSha1hex(L *glua.LState) int {
	if L.GetTop() != 1 {
		return raise(L, "wrong number of arguments")
	}
	s, _ := luaToString(L.Get(1))
	sum := sha1.Sum([]byte(s))
	L.Push(glua.LString(hex.EncodeToString(sum[:])))
	return 1
}

func redisErrorReply(L *glua.LState) int {
	s, ok := L.Get(1).(glua.LString)
	if L.GetTop() != 1 || !ok {
		L.Push(errorTable(L, "wrong number or type of arguments"))
		return 1
	}
	msg := string(s)
	if !strings.HasPrefix(msg, "-") {
		msg = "-" + msg
	}
	L.Push(errorTable(L, msg))
	return 1
}

func redisStatusReply(L *glua.LState) int {
	s, ok := L.Get(1).(glua.LString)
	if L.GetTop() != 1 || !ok {
		L.Push(errorTable(L, "wrong number or type of arguments"))
		return 1
	}
	t := L.CreateTable(0, 1)
	t.RawSetString("ok", s)
	L.Push(t)
	return 1
}

// luaToNumber is lua_tonumber: numbers and numeric strings.
func luaToNumber(lv glua.LValue) (float64, bool) {
	switch x := lv.(type) {
	case glua.LNumber:
		return float64(x), true
	case glua.LString:
		n, ok := parseLuaNumber(string(x))
		return n, ok
	}
	return 0, false
}

// luaToString is lua_tolstring: strings, and numbers in "%.14g".
func luaToString(lv glua.LValue) (string, bool) {
	switch x := lv.(type) {
	case glua.LString:
		return string(x), true
	case glua.LNumber:
		return fmtNumber(float64(x)), true
	}
	return "", false
}

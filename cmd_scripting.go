package embedis

import (
	"strings"
	"unsafe"

	"github.com/embedis/embedis/internal/rconv"
	"github.com/embedis/embedis/lua"
)

// The scripting commands: EVAL, EVALSHA, EVAL_RO, EVALSHA_RO, FCALL,
// FCALL_RO, SCRIPT and FUNCTION.

func init() {
	const g = "scripting"
	// Scripts lock nothing themselves (flagSelfLock): runScript enters the
	// exclusive section. Their keys are still reported by COMMAND GETKEYS.
	const run = flagNoScript | flagSkipMonitor | flagStale | flagMovableKeys | flagSelfLock
	register(&Command{Name: "eval", Arity: -3, Group: g, flags: run, keys: scriptKeys, run: cmdEval})
	register(&Command{Name: "evalsha", Arity: -3, Group: g, flags: run, keys: scriptKeys, run: cmdEvalSha})
	register(&Command{Name: "eval_ro", Arity: -3, Group: g, flags: run | flagReadonly, keys: scriptKeys, run: cmdEvalRO})
	register(&Command{Name: "evalsha_ro", Arity: -3, Group: g, flags: run | flagReadonly, keys: scriptKeys, run: cmdEvalShaRO})
	register(&Command{Name: "fcall", Arity: -3, Group: g, flags: run, keys: scriptKeys, run: cmdFCall})
	register(&Command{Name: "fcall_ro", Arity: -3, Group: g, flags: run | flagReadonly, keys: scriptKeys, run: cmdFCallRO})

	register(&Command{Name: "script", Arity: -2, Group: g})
	registerSub("script", &Command{Name: "load", Arity: 3, Group: g, flags: flagNoScript | flagStale, run: cmdScriptLoad})
	registerSub("script", &Command{Name: "exists", Arity: -3, Group: g, flags: flagNoScript, run: cmdScriptExists})
	registerSub("script", &Command{Name: "flush", Arity: -2, Group: g, flags: flagNoScript, run: cmdScriptFlush})
	registerSub("script", &Command{Name: "kill", Arity: 2, Group: g, flags: flagNoScript | flagAllowBusy, run: cmdScriptKill})
	registerSub("script", &Command{Name: "debug", Arity: 3, Group: g, flags: flagNoScript, run: cmdScriptDebug})
	registerSub("script", &Command{Name: "help", Arity: 2, Group: g, flags: flagLoading | flagStale, run: cmdScriptHelp})

	register(&Command{Name: "function", Arity: -2, Group: g})
	registerSub("function", &Command{Name: "load", Arity: -3, Group: g, flags: flagWrite | flagDenyOOM | flagNoScript, run: cmdFunctionLoad})
	registerSub("function", &Command{Name: "delete", Arity: 3, Group: g, flags: flagWrite | flagNoScript, run: cmdFunctionDelete})
	registerSub("function", &Command{Name: "list", Arity: -2, Group: g, flags: flagNoScript, run: cmdFunctionList})
	registerSub("function", &Command{Name: "flush", Arity: -2, Group: g, flags: flagWrite | flagNoScript, run: cmdFunctionFlush})
	registerSub("function", &Command{Name: "dump", Arity: 2, Group: g, flags: flagNoScript, run: cmdFunctionDump})
	registerSub("function", &Command{Name: "restore", Arity: -3, Group: g, flags: flagWrite | flagDenyOOM | flagNoScript, run: cmdFunctionRestore})
	registerSub("function", &Command{Name: "stats", Arity: 2, Group: g, flags: flagNoScript | flagAllowBusy, run: cmdFunctionStats})
	registerSub("function", &Command{Name: "kill", Arity: 2, Group: g, flags: flagNoScript | flagAllowBusy, run: cmdFunctionKill})
	registerSub("function", &Command{Name: "help", Arity: 2, Group: g, flags: flagLoading | flagStale, run: cmdFunctionHelp})
}

func cmdEval(x *Exec)      { x.evalGeneric(false, false) }
func cmdEvalSha(x *Exec)   { x.evalGeneric(true, false) }
func cmdEvalRO(x *Exec)    { x.evalGeneric(false, true) }
func cmdEvalShaRO(x *Exec) { x.evalGeneric(true, true) }

// evalGeneric is Redis's evalGenericCommand (and evalShaCommand's length
// check).
func (x *Exec) evalGeneric(bySHA, ro bool) {
	eng := x.s.scripts().eng
	if bySHA && len(x.args[1]) != 40 {
		x.err(ErrNoScript)
		return
	}
	keys, args, ok := x.parseNumKeys(2, ErrNotInteger.msg)
	if !ok {
		return
	}
	var sc *lua.Script
	if bySHA {
		if sc = eng.Lookup(x.arg(1)); sc == nil {
			x.err(ErrNoScript)
			return
		}
	} else {
		var err error
		if sc, err = eng.Load(x.argOwned(1), false); err != nil {
			x.errStr(err.Error())
			return
		}
	}
	x.runScriptRESP(sc, nil, ro, keys, args)
}

// runScriptRESP runs a script or function for a RESP command: KEYS and
// ARGV are copied out of the request buffer into one allocation.
func (x *Exec) runScriptRESP(sc *lua.Script, f *lua.Function, ro bool, keys, args [][]byte) {
	call := getScriptCall(x.s)
	n := 0
	for _, b := range keys {
		n += len(b)
	}
	for _, b := range args {
		n += len(b)
	}
	buf := make([]byte, 0, n)
	strs := call.strs[:0]
	for _, part := range [2][][]byte{keys, args} {
		for _, b := range part {
			start := len(buf)
			buf = append(buf, b...)
			strs = append(strs, unsafe.String(unsafe.SliceData(buf[start:]), len(b)))
		}
	}
	call.strs = strs
	x.runScript(call, sc, f, ro, strs[:len(keys)], strs[len(keys):])
	putScriptCall(call)
}

func cmdFCall(x *Exec)   { x.fcallGeneric(false) }
func cmdFCallRO(x *Exec) { x.fcallGeneric(true) }

// fcallGeneric is Redis's fcallCommandGeneric.
func (x *Exec) fcallGeneric(ro bool) {
	f := x.s.scripts().eng.LookupFunction(x.arg(1))
	if f == nil {
		x.errStr("ERR Function not found")
		return
	}
	keys, args, ok := x.parseNumKeys(2, "ERR Bad number of keys provided")
	if !ok {
		return
	}
	x.runScriptRESP(nil, f, ro, keys, args)
}

func cmdScriptLoad(x *Exec) {
	sc, err := x.s.scripts().eng.Load(x.argOwned(2), true)
	if err != nil {
		x.errStr(err.Error())
		return
	}
	x.w.BulkString(sc.SHA)
}

func cmdScriptExists(x *Exec) {
	eng := x.s.scripts().eng
	x.w.ArrayLen(len(x.args) - 2)
	for i := 2; i < len(x.args); i++ {
		if eng.Exists(x.arg(i)) {
			x.w.Int(1)
		} else {
			x.w.Int(0)
		}
	}
}

// flushMode accepts FLUSH's optional SYNC or ASYNC.
func (x *Exec) flushMode() bool {
	return len(x.args) == 2 || len(x.args) == 3 && (x.argIs(2, "sync") || x.argIs(2, "async"))
}

func cmdScriptFlush(x *Exec) {
	if !x.flushMode() {
		x.errStr("ERR SCRIPT FLUSH only support SYNC|ASYNC option")
		return
	}
	x.s.scripts().eng.Flush()
	x.ok()
}

func cmdScriptKill(x *Exec) {
	if msg := x.s.scripts().eng.Kill(true); msg != "" {
		x.errStr(msg)
		return
	}
	x.ok()
}

// cmdScriptDebug answers SCRIPT DEBUG: the Lua debugger is not supported.
func cmdScriptDebug(x *Exec) {
	switch {
	case x.argIs(2, "no"):
		x.ok()
	case x.argIs(2, "yes"), x.argIs(2, "sync"):
		x.errStr("ERR SCRIPT DEBUG is not supported by embedis")
	default:
		x.errStr("ERR Use SCRIPT DEBUG YES/SYNC/NO")
	}
}

func (x *Exec) scriptingHelp(name string, lines ...string) {
	x.w.ArrayLen(len(lines) + 3)
	x.w.SimpleString(name + " <subcommand> [<arg> [value] [opt] ...]. Subcommands are:")
	for _, l := range lines {
		x.w.SimpleString(l)
	}
	x.w.SimpleString("HELP")
	x.w.SimpleString("    Prints this help.")
}

func cmdScriptHelp(x *Exec) {
	x.scriptingHelp("SCRIPT",
		"DEBUG (YES|SYNC|NO)",
		"    Set the debug mode for subsequent scripts executed.",
		"EXISTS <sha1> [<sha1> ...]",
		"    Return information about the existence of the scripts in the script cache.",
		"FLUSH [ASYNC|SYNC]",
		"    Flush the Lua scripts cache. Very dangerous on replicas.",
		"    When called without the optional mode argument, the behavior is determined by the",
		"    lazyfree-lazy-user-flush configuration directive. Valid modes are:",
		"    * ASYNC: Asynchronously flush the scripts cache.",
		"    * SYNC: Synchronously flush the scripts cache.",
		"KILL",
		"    Kill the currently executing Lua script.",
		"LOAD <script>",
		"    Load a script into the scripts cache without executing it.",
	)
}

func cmdFunctionHelp(x *Exec) {
	x.scriptingHelp("FUNCTION",
		"LOAD [REPLACE] <FUNCTION CODE>",
		"    Create a new library with the given library name and code.",
		"DELETE <LIBRARY NAME>",
		"    Delete the given library.",
		"LIST [LIBRARYNAME PATTERN] [WITHCODE]",
		"    Return general information on all the libraries:",
		"    * Library name",
		"    * The engine used to run the Library",
		"    * Library description",
		"    * Functions list",
		"    * Library code (if WITHCODE is given)",
		"    It also possible to get only function that matches a pattern using LIBRARYNAME argument.",
		"STATS",
		"    Return information about the current function running:",
		"    * Function name",
		"    * Command used to run the function",
		"    * Duration in MS that the function is running",
		"    If no function is running, return nil",
		"    In addition, returns a list of available engines.",
		"KILL",
		"    Kill the current running function.",
		"FLUSH [ASYNC|SYNC]",
		"    Delete all the libraries.",
		"    When called without the optional mode argument, the behavior is determined by the",
		"    lazyfree-lazy-user-flush configuration directive. Valid modes are:",
		"    * ASYNC: Asynchronously flush the libraries.",
		"    * SYNC: Synchronously flush the libraries.",
		"DUMP",
		"    Return a serialized payload representing the current libraries, can be restored using FUNCTION RESTORE command",
		"RESTORE <PAYLOAD> [FLUSH|APPEND|REPLACE]",
		"    Restore the libraries represented by the given payload, it is possible to give a restore policy to",
		"    control how to handle existing libraries (default APPEND):",
		"    * FLUSH: delete all existing libraries.",
		"    * APPEND: appends the restored libraries to the existing libraries. On collision, abort.",
		"    * REPLACE: appends the restored libraries to the existing libraries, On collision, replace the old",
		"      libraries with the new libraries (notice that even on this option there is a chance of failure",
		"      in case of functions name collision with another library).",
	)
}

// functionSubSyntaxErr is addReplySubcommandSyntaxError for FUNCTION.
func (x *Exec) functionSubSyntaxErr() {
	sub := x.arg(1)
	if len(sub) > 128 {
		sub = sub[:128]
	}
	x.errStr(sanitizeErr("ERR unknown subcommand or wrong number of arguments for '" + sub + "'. Try FUNCTION HELP."))
}

// propagateFunction journals a FUNCTION command as received.
func (x *Exec) propagateFunction() {
	if !x.c.Journaling() {
		return
	}
	args := make([]string, len(x.args))
	for i := range x.args {
		args[i] = x.argOwned(i)
	}
	args[0], args[1] = "FUNCTION", strings.ToUpper(args[1])
	x.c.Propagate(x.db, args...)
}

func cmdFunctionLoad(x *Exec) {
	replace := false
	i := 2
	for ; i < len(x.args)-1; i++ {
		if x.argIs(i, "replace") {
			replace = true
			continue
		}
		x.errStr(sanitizeErr("ERR Unknown option given: " + x.arg(i)))
		return
	}
	if i >= len(x.args) {
		x.errStr("ERR Function code is missing")
		return
	}
	name, err := x.s.scripts().eng.LoadLibrary(x.argOwned(i), replace)
	if err != nil {
		x.errStr(sanitizeErr(err.Error()))
		return
	}
	x.propagateFunction()
	x.w.BulkString(name)
}

func cmdFunctionDelete(x *Exec) {
	if err := x.s.scripts().eng.DeleteLibrary(x.arg(2)); err != nil {
		x.errStr(err.Error())
		return
	}
	x.propagateFunction()
	x.ok()
}

func cmdFunctionFlush(x *Exec) {
	if len(x.args) > 3 {
		x.functionSubSyntaxErr()
		return
	}
	if !x.flushMode() {
		x.errStr("ERR FUNCTION FLUSH only supports SYNC|ASYNC option")
		return
	}
	x.s.scripts().eng.FlushFunctions()
	x.propagateFunction()
	x.ok()
}

func cmdFunctionList(x *Exec) {
	withCode := false
	var pattern string
	havePattern := false
	for i := 2; i < len(x.args); i++ {
		if !withCode && x.argIs(i, "withcode") {
			withCode = true
			continue
		}
		if !havePattern && x.argIs(i, "libraryname") {
			if i >= len(x.args)-1 {
				x.errStr("ERR library name argument was not given")
				return
			}
			i++
			pattern, havePattern = x.argOwned(i), true
			continue
		}
		x.errStr(sanitizeErr("ERR Unknown argument " + x.arg(i)))
		return
	}
	var match func(string) bool
	if havePattern {
		match = func(name string) bool { return matchPatternNoCase(pattern, name) }
	}
	libs := x.s.scripts().eng.Libraries(match)
	w := x.w
	w.ArrayLen(len(libs))
	for _, lib := range libs {
		if withCode {
			w.MapLen(4)
		} else {
			w.MapLen(3)
		}
		w.BulkString("library_name")
		w.BulkString(lib.Name)
		w.BulkString("engine")
		w.BulkString(lib.Engine)
		w.BulkString("functions")
		w.ArrayLen(len(lib.Functions))
		for _, f := range lib.Functions {
			w.MapLen(3)
			w.BulkString("name")
			w.BulkString(f.Name)
			w.BulkString("description")
			if f.HasDescription {
				w.BulkString(f.Description)
			} else {
				w.NullBulk()
			}
			w.BulkString("flags")
			names := f.Flags.Names()
			w.SetLen(len(names))
			for _, n := range names {
				w.SimpleString(n)
			}
		}
		if withCode {
			w.BulkString("library_code")
			w.BulkString(lib.Code)
		}
	}
}

func cmdFunctionDump(x *Exec) { x.w.Bulk(x.s.scripts().eng.Dump()) }

func cmdFunctionRestore(x *Exec) {
	if len(x.args) > 4 {
		x.functionSubSyntaxErr()
		return
	}
	policy := lua.RestoreAppend
	if len(x.args) == 4 {
		switch {
		case x.argIs(3, "append"):
		case x.argIs(3, "replace"):
			policy = lua.RestoreReplace
		case x.argIs(3, "flush"):
			policy = lua.RestoreFlush
		default:
			x.errStr("ERR Wrong restore policy given, value should be either FLUSH, APPEND or REPLACE.")
			return
		}
	}
	if err := x.s.scripts().eng.Restore(x.args[2], policy); err != nil {
		x.errStr(sanitizeErr(err.Error()))
		return
	}
	x.propagateFunction()
	x.ok()
}

func cmdFunctionStats(x *Exec) {
	eng := x.s.scripts().eng
	rs, running := eng.Running()
	if running && rs.Eval {
		x.errStr(lua.ErrBusyEval)
		return
	}
	w := x.w
	w.MapLen(2)
	w.BulkString("running_script")
	if !running {
		w.NullBulk()
	} else {
		w.MapLen(3)
		w.BulkString("name")
		w.BulkString(rs.Name)
		w.BulkString("command")
		w.ArrayLen(len(rs.Command))
		for _, a := range rs.Command {
			w.BulkString(a)
		}
		w.BulkString("duration_ms")
		w.Int(rs.Duration.Milliseconds())
	}
	libs, funcs := eng.Counts()
	w.BulkString("engines")
	w.MapLen(1)
	w.BulkString("LUA")
	w.MapLen(2)
	w.BulkString("libraries_count")
	w.Int(int64(libs))
	w.BulkString("functions_count")
	w.Int(int64(funcs))
}

func cmdFunctionKill(x *Exec) {
	if msg := x.s.scripts().eng.Kill(false); msg != "" {
		x.errStr(msg)
		return
	}
	x.ok()
}

// matchPatternNoCase is Redis's case-insensitive glob match.
func matchPatternNoCase(pattern, s string) bool { return rconv.Match(pattern, s, true) }

// Package lua runs Redis 7.4's Lua scripts and functions on gopher-lua
// (Lua 5.1, like Redis): the EVAL script cache, FUNCTION libraries, the
// sandboxed global environment, the redis table, the cjson, cmsgpack, bit
// and struct libraries, and the conversions between Lua values and RESP2
// or RESP3 replies (REDIS_SEMANTICS.md section 9).
//
// The package knows nothing of the command table. An Engine is handed a
// Host for each invocation; the host runs the commands a script calls
// (redis.call, redis.pcall) and writes their replies to a
// resp.ReplyWriter that builds Lua values directly. The embedis package
// implements Host with its command table and runs every script as one
// execution unit of the keyspace.
//
// What a script sees:
//
//   - Globals are read-only: assigning one raises "Attempt to modify a
//     readonly table", reading an unknown one raises "Script attempted to
//     access nonexistent global variable 'x'". The library tables (redis,
//     string, table, math, cjson, ...) are read-only too.
//   - Available: the base functions Redis keeps (pcall with Redis's error
//     table handling, error, type, tostring with Lua 5.1's "%.14g",
//     tonumber, pairs, ipairs, next, select, unpack, rawget, rawset,
//     rawequal, setmetatable, getmetatable, assert, xpcall, loadstring,
//     collectgarbage, gcinfo, newproxy, coroutine), string, table, math
//     (math.random is Redis's lrand48), os.clock only, cjson, cmsgpack,
//     bit and struct. Not available: io, os.execute and the rest of os,
//     require, package, loadfile, dofile, print, debug, setfenv, getfenv.
//   - Uncaught errors reply "<CODE> <message> script: <sha1 or function>,
//     on @user_script:<line>." as Redis 7 does.
//
// # Concurrency
//
// An Engine is safe for concurrent use. EVAL scripts run on a pool of
// interpreters, one script per interpreter at a time, so several scripts
// may run in parallel; functions share one interpreter, behind a mutex.
// The caller provides atomicity against other clients (embedis holds the
// locks of the shards a script may touch, or the keyspace's exclusive
// section), and may abandon a run that has not written with Run.Restart
// to run it again with stronger isolation. Each script's Analysis tells
// the caller what the script can touch. Load, Lookup, Exists,
// Flush, the library calls and the introspection calls (Kill, Busy,
// Running, Counts, Libraries) may be called from any goroutine, including
// while scripts run: SCRIPT KILL, FUNCTION KILL and FUNCTION STATS do, and
// act on the run that started first.
// A Script is compiled once and shared; a Library's fields must not be
// modified. Values written to the Request's ReplyWriter are complete when
// Eval or FCall returns.
//
// Limits: a running script is checked every 100 000 Lua instructions.
// Past the busy threshold (busy-reply-threshold, default 5 s) Busy reports
// it, so that other clients get -BUSY; Kill stops a script that has not
// written (UNKILLABLE otherwise); the live heap may grow by at most the
// memory bound (default 1 GiB) during one run before the script is stopped
// with "not enough memory"; FUNCTION LOAD runs a library's code for at
// most 500 ms.
//
// # Caveats
//
//   - gopher-lua is not Redis's patched Lua. Runtime error messages of the
//     VM itself differ ("attempt to call a non-function object" where Lua
//     says "attempt to call global 'f' (a nil value)"), as do most syntax
//     error messages; the frequent ones are translated.
//   - Numbers converted to strings by the .. operator use gopher-lua's
//     formatting, not "%.14g" (tostring, cjson and string arguments to
//     redis.call are right): 1e15 .. "" gives "1000000000000000" where Lua
//     gives "1e+15".
//   - Table iteration order (pairs, next) differs from Lua's, so cjson
//     objects, cmsgpack maps and {map=...} replies with several keys list
//     them in another order.
//   - The memory bound samples the process's live heap, so it is coarse:
//     other goroutines' allocations count, and a script can allocate a
//     lot between two checks (string doubling with ..). string.rep is
//     bounded on every call.
//   - The debugger (SCRIPT DEBUG, redis.breakpoint, redis.debug) is not
//     implemented; the stubs behave as Redis does without a debugger.
//     (redis.set_repl is honoured by the host: Run.Repl.)
//   - Lua 5.0's implicit "arg" table is not built for script chunks.
package lua

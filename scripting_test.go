package embedis

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/embedis/embedis/internal/seedscripts"
	"github.com/embedis/embedis/keyspace"
	"github.com/embedis/embedis/lua"
	"github.com/embedis/embedis/resp"
)

// The seed guide's scripts, verbatim (../shared/SEED-redis-guide.txt).
const (
	seedLockScript      = seedscripts.StampedeLock
	seedRateLimitScript = seedscripts.RateLimit
)

func sha1hex(s string) string { return lua.SHA1Hex(s) }

func TestScript_SeedLockScript_Eval(t *testing.T) {
	s, clk := openTest(t)
	keys := []string{"report:42", "report:42:lock"}
	// Miss: the first caller takes the lock and gets nil.
	v, err := s.Eval(bg, seedLockScript, keys)
	require.NoError(t, err)
	assert.True(t, v.IsNull(), "lock holder gets nil")
	// Miss while locked: the others get the (still missing) value, nil.
	v, err = s.Eval(bg, seedLockScript, keys)
	require.NoError(t, err)
	assert.True(t, v.IsNull())
	ttl, err := s.TTL("report:42:lock")
	require.NoError(t, err)
	assert.Equal(t, 10*time.Second, ttl)
	// The holder stores the value: everyone gets it.
	_, err = s.Set("report:42", `{"rows":3}`, nil)
	require.NoError(t, err)
	v, err = s.Eval(bg, seedLockScript, keys)
	require.NoError(t, err)
	assert.Equal(t, `{"rows":3}`, v.Str)
	// The holder crashes: after the lock's 10 s a new caller gets the lock.
	s.Del("report:42")
	clk.Advance(9 * time.Second)
	v, _ = s.Eval(bg, seedLockScript, keys)
	assert.True(t, v.IsNull())
	n := s.Exists("report:42:lock")
	assert.Equal(t, 1, n, "lock still held at 9 s")
	clk.Advance(1001 * time.Millisecond)
	n = s.Exists("report:42:lock")
	assert.Equal(t, 0, n, "lock expired after 10 s")
	v, _ = s.Eval(bg, seedLockScript, keys)
	assert.True(t, v.IsNull())
	n = s.Exists("report:42:lock")
	assert.Equal(t, 1, n, "next caller took the lock")
}

func TestScript_SeedRateLimit_Run(t *testing.T) {
	s, _ := openTest(t)
	script := NewScript(seedRateLimitScript)
	const window, limit = 60000, 5
	now := int64(1_700_000_000_000)
	allowed := 0
	for i := 0; i < 8; i++ {
		v, err := script.Run(bg, s, []string{"ratelimit:dev1"}, now+int64(i), window, limit, fmt.Sprintf("uid-%d", i))
		require.NoError(t, err)
		allowed += int(v.Int)
	}
	assert.Equal(t, limit, allowed)
	// The window slides: a minute later the device may send again.
	v, err := script.Run(bg, s, []string{"ratelimit:dev1"}, now+window+3, window, limit, "late")
	require.NoError(t, err)
	assert.Equal(t, int64(1), v.Int)
	card, err := s.Do(bg, "ZCARD", "ratelimit:dev1")
	require.NoError(t, err)
	assert.Equal(t, int64(2), card.Int, "entries 0..2 slid out, 3, 4 and the new one... minus those at or before now+3")
	ttl, _ := s.Do(bg, "TTL", "ratelimit:dev1")
	assert.Equal(t, int64(window), ttl.Int)
	// Script.Run loaded the script once (EVAL after NOSCRIPT), then EVALSHA.
	assert.Equal(t, []bool{true}, s.ScriptExists(bg, script.Hash()))
}

func TestEval_Errors_Replies(t *testing.T) {
	s, _ := openTest(t)
	sess := s.NewSession()
	cases := []struct {
		args []string
		want string
	}{
		{[]string{"EVAL", "return 1", "x"}, "-ERR value is not an integer or out of range\r\n"},
		{[]string{"EVAL", "return 1", "-1"}, "-ERR Number of keys can't be negative\r\n"},
		{[]string{"EVAL", "return 1", "5"}, "-ERR Number of keys can't be greater than number of args\r\n"},
		{[]string{"EVALSHA", "abc", "0"}, "-NOSCRIPT No matching script. Please use EVAL.\r\n"},
		{[]string{"EVALSHA", "0123456789012345678901234567890123456789", "x"}, "-ERR value is not an integer or out of range\r\n"},
		{[]string{"EVALSHA", "0123456789012345678901234567890123456789", "0"}, "-NOSCRIPT No matching script. Please use EVAL.\r\n"},
		{[]string{"EVAL", "return (", "0"}, "-ERR Error compiling script (new function): user_script:1: unexpected symbol near '<eof>'\r\n"},
		{[]string{"SCRIPT", "LOAD", "return ("}, "-ERR Error compiling script (new function): user_script:1: unexpected symbol near '<eof>'\r\n"},
		{[]string{"EVAL", "#!lua\nreturn 1", "0"}, ":1\r\n"},
		{[]string{"EVAL_RO", "#!lua\nreturn 1", "0"}, "-ERR Can not execute a script with write flag using *_ro command.\r\n"},
		{[]string{"EVAL_RO", "return redis.call('set','x','y')", "0"}, "-ERR Write commands are not allowed from read-only scripts. script: 71e6319f97b0fe8bdfa1c5df3ce4489946dda479, on @user_script:1.\r\n"},
		{[]string{"EVAL", "return redis.call('eval','return 1', 0)", "0"}, "-ERR This Redis command is not allowed from script script: 498b5081e21f7e3039493da0ab415ae08f116868, on @user_script:1.\r\n"},
		{[]string{"EVAL", "return redis.pcall('multi')", "0"}, "-ERR This Redis command is not allowed from script\r\n"},
		{[]string{"EVAL", "return redis.pcall('object')", "0"}, "-ERR Wrong number of args calling Redis command from script\r\n"},
		{[]string{"EVAL", "return redis.pcall('object','foo')", "0"}, "-ERR Unknown Redis command called from script\r\n"},
		{[]string{"EVAL", "return redis.pcall('get','a','b')", "0"}, "-ERR Wrong number of args calling Redis command from script\r\n"},
		{[]string{"EVAL", "redis.call('set','s','x') return redis.call('incr','s')", "0"}, "-ERR value is not an integer or out of range script: " + sha1hex("redis.call('set','s','x') return redis.call('incr','s')") + ", on @user_script:1.\r\n"},
		{[]string{"EVAL", "redis.call('lpush','l','x') return redis.pcall('get','l')", "0"}, "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"},
		{[]string{"SCRIPT", "FLUSH", "bogus"}, "-ERR SCRIPT FLUSH only support SYNC|ASYNC option\r\n"},
		{[]string{"SCRIPT", "KILL"}, "-NOTBUSY No scripts in execution right now.\r\n"},
		{[]string{"FUNCTION", "KILL"}, "-NOTBUSY No scripts in execution right now.\r\n"},
		{[]string{"SCRIPT", "EXISTS", "a", sha1hex("return 1")}, "*2\r\n:0\r\n:0\r\n"},
		{[]string{"SCRIPT", "LOAD", "return 1"}, "$40\r\ne0e1f9fabfc9d4800c877a703b823ac0578ff8db\r\n"},
		{[]string{"SCRIPT", "EXISTS", "a", "E0E1F9FABFC9D4800C877A703B823AC0578FF8DB"}, "*2\r\n:0\r\n:1\r\n"},
		{[]string{"EVALSHA", "E0E1F9FABFC9D4800C877A703B823AC0578FF8DB", "0"}, ":1\r\n"},
		{[]string{"SCRIPT", "BOGUS"}, "-ERR unknown subcommand 'BOGUS'. Try SCRIPT HELP.\r\n"},
		{[]string{"EVAL", "return {KEYS[1], ARGV[1], #KEYS, #ARGV}", "1", "k", "a"}, "*4\r\n$1\r\nk\r\n$1\r\na\r\n:1\r\n:1\r\n"},
	}
	for _, c := range cases {
		assert.Equal(t, c.want, do(t, sess, c.args...), strings.Join(c.args, " "))
	}
}

func TestEval_Commands_Conversions(t *testing.T) {
	s, _ := openTest(t)
	sess := s.NewSession()
	do(t, sess, "HSET", "h", "a", "1")
	do(t, sess, "ZADD", "z", "1.5", "m")
	cases := []struct {
		proto int
		args  []string
		want  string
	}{
		{2, []string{"EVAL", "return redis.call('hgetall', 'h')", "0"}, "*2\r\n$1\r\na\r\n$1\r\n1\r\n"},
		{2, []string{"EVAL", "redis.setresp(3) return redis.call('hgetall', 'h').map.a", "0"}, "$1\r\n1\r\n"},
		{3, []string{"EVAL", "redis.setresp(3) return redis.call('hgetall', 'h')", "0"}, "%1\r\n$1\r\na\r\n$1\r\n1\r\n"},
		{2, []string{"EVAL", "return redis.call('zscore', 'z', 'm')", "0"}, "$3\r\n1.5\r\n"},
		{3, []string{"EVAL", "redis.setresp(3) return redis.call('zscore', 'z', 'm')", "0"}, ",1.5\r\n"},
		{2, []string{"EVAL", "redis.setresp(3) return redis.call('zscore', 'z', 'm').double * 2", "0"}, ":3\r\n"},
		{2, []string{"EVAL", "return redis.call('get', 'nope')", "0"}, "$-1\r\n"},
		{3, []string{"EVAL", "return redis.call('get', 'nope')", "0"}, "_\r\n"},
		{2, []string{"EVAL", "return redis.call('set', 'n', 3.5)", "0"}, "+OK\r\n"},
		{2, []string{"EVAL", "return redis.call('get', 'n')", "0"}, "$3\r\n3.5\r\n"},
		{2, []string{"EVAL", "redis.call('set', 'n', 1e100) return redis.call('get', 'n')", "0"}, "$6\r\n1e+100\r\n"},
		{2, []string{"EVAL", "redis.call('set', 'n', 0.1) return redis.call('get', 'n')", "0"}, "$3\r\n0.1\r\n"},
		{2, []string{"EVAL", "return redis.call('incrbyfloat', 'f', '0.1')", "0"}, "$3\r\n0.1\r\n"},
	}
	for _, c := range cases {
		sess.SetProto(c.proto)
		assert.Equal(t, c.want, do(t, sess, c.args...), strings.Join(c.args, " "))
	}
}

func TestEval_Select_DoesNotLeak(t *testing.T) {
	s, _ := openTest(t)
	sess := s.NewSession()
	assert.Equal(t, "+OK\r\n", do(t, sess, "EVAL", "redis.call('select', 1) return redis.call('set', 'k', 'db1')", "0"))
	assert.Equal(t, 0, sess.DB())
	assert.Equal(t, "$-1\r\n", do(t, sess, "GET", "k"))
	v, err := s.Select(1).Get("k")
	require.NoError(t, err)
	assert.Equal(t, "db1", v)
	// The script client starts on the caller's database.
	do(t, sess, "SELECT", "1")
	assert.Equal(t, "$3\r\ndb1\r\n", do(t, sess, "EVAL", "return redis.call('get', 'k')", "0"))
}

// countingClock advances one millisecond on every read.
type countingClock struct{ ms atomic.Int64 }

func (c *countingClock) Now() time.Time { return time.UnixMilli(c.ms.Add(1)) }

func TestEval_TimeFrozen(t *testing.T) {
	clk := &countingClock{}
	clk.ms.Store(1_700_000_000_000)
	s, err := Open(&Options{Clock: clk, DisableActiveExpire: true})
	require.NoError(t, err)
	defer s.Close()
	v, err := s.Eval(bg, `
redis.call('SET', 'a', 'x', 'PX', 100)
redis.call('SET', 'b', 'y', 'PX', 100)
local t1 = redis.call('PTTL', 'a')
local t2 = redis.call('PTTL', 'b')
return {t1, t2}`, nil)
	require.NoError(t, err)
	require.Len(t, v.Elems, 2)
	assert.Equal(t, int64(100), v.Elems[0].Int, "one time snapshot per script")
	assert.Equal(t, int64(100), v.Elems[1].Int)
}

func TestEval_Atomic_UndeclaredKeys(t *testing.T) {
	s, _ := openTest(t)
	// Read-modify-write on keys the script does not declare: without
	// atomicity across shards, increments would be lost.
	script := NewScript(`
for i = 1, 5 do
  local k = 'counter:' .. i
  local v = tonumber(redis.call('GET', k) or '0')
  redis.call('SET', k, v + 1)
end
return 1`)
	var wg sync.WaitGroup
	const workers, each = 8, 50
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < each; i++ {
				_, err := script.Run(bg, s, nil)
				assert.NoError(t, err)
			}
		}()
	}
	// Plain commands interleave between scripts, never inside one.
	for i := 0; i < 100; i++ {
		v, err := s.Eval(bg, "return {redis.call('GET','counter:1'), redis.call('GET','counter:5')}", nil)
		require.NoError(t, err)
		if len(v.Elems) == 2 && v.Elems[0].Kind == resp.KindBulk {
			assert.Equal(t, v.Elems[0].Str, v.Elems[1].Str, "a script's writes are seen all or nothing")
		}
	}
	wg.Wait()
	for i := 1; i <= 5; i++ {
		v, err := s.Get("counter:" + strconv.Itoa(i))
		require.NoError(t, err)
		assert.Equal(t, strconv.Itoa(workers*each), v)
	}
}

func TestEval_Journal_WrappedEffects(t *testing.T) {
	s, _ := openTest(t)
	var mu sync.Mutex
	var got [][]string
	s.Keyspace().SetHooks(&keyspace.Hooks{Journal: func(recs []keyspace.Record) uint64 {
		mu.Lock()
		defer mu.Unlock()
		for _, r := range recs {
			got = append(got, append([]string{strconv.Itoa(r.DB)}, r.Args...))
		}
		return 0
	}})
	sess := s.NewSession()
	assert.Equal(t, "$3\r\n1.5\r\n", do(t, sess, "EVAL", "redis.call('set','a','1') redis.call('incrbyfloat','f','1.5') return redis.call('get','f')", "0"))
	mu.Lock()
	defer mu.Unlock()
	require.GreaterOrEqual(t, len(got), 4)
	assert.Equal(t, "MULTI", got[0][1])
	assert.Equal(t, "EXEC", got[len(got)-1][1])
	flat := fmt.Sprint(got)
	assert.NotContains(t, flat, "EVAL", "the effects are journaled, not the script")
	assert.Contains(t, flat, "[0 SET f 1.5 KEEPTTL]", "INCRBYFLOAT's journaled effect")
}

func TestEval_InMulti(t *testing.T) {
	s, _ := openTest(t)
	sess := s.NewSession()
	do(t, sess, "MULTI")
	assert.Equal(t, "+QUEUED\r\n", do(t, sess, "EVAL", "return redis.call('incr','c')", "0"))
	assert.Equal(t, "+QUEUED\r\n", do(t, sess, "INCR", "c"))
	assert.Equal(t, "*2\r\n:1\r\n:2\r\n", do(t, sess, "EXEC"))
	// Blocking commands are refused or never block in a script.
	assert.Equal(t, "-ERR This Redis command is not allowed from script script: 1a3439041d20f7b3b7f1f8dec7f31f581bb93ead, on @user_script:1.\r\n",
		do(t, sess, "EVAL", "return redis.call('blpop','nolist', 0)", "0"))
}

func TestEval_Busy_Kill(t *testing.T) {
	s, _ := openTest(t)
	s.setScriptTimeLimit(20)
	sess := s.NewSession()
	done := make(chan string)
	go func() {
		done <- do(t, sess, "EVAL", "local i = 0 while true do i = i + 1 end", "0")
	}()
	other := s.NewSession()
	require.Eventually(t, func() bool {
		return s.scriptBusyReply(LookupCommand("get")) != ""
	}, 5*time.Second, time.Millisecond)
	assert.Equal(t, lua.ErrBusyEval, s.scriptBusyReply(LookupCommand("get")))
	assert.Equal(t, "", s.scriptBusyReply(LookupCommand("multi")), "allow-busy commands pass")
	assert.Equal(t, "-"+lua.ErrBusyEval+"\r\n", do(t, other, "FUNCTION", "KILL"))
	assert.Equal(t, "-"+lua.ErrBusyEval+"\r\n", do(t, other, "FUNCTION", "STATS"))
	assert.Equal(t, "+OK\r\n", do(t, other, "SCRIPT", "KILL"))
	got := <-done
	assert.True(t, strings.HasPrefix(got, "-ERR Script killed by user with SCRIPT KILL... script: "), got)
	assert.Equal(t, "", s.scriptBusyReply(LookupCommand("get")))
	assert.Equal(t, "+PONG\r\n", do(t, sess, "EVAL", "return redis.call('ping')", "0"))

	// A function that wrote is unkillable; one that did not is killed by
	// FUNCTION KILL.
	do(t, sess, "FUNCTION", "LOAD", "#!lua name=spin\nredis.register_function('spin', function() while true do end end)\nredis.register_function('spinw', function(k) redis.call('set', k[1], 'v') while true do end end)")
	go func() { done <- do(t, sess, "FCALL", "spinw", "1", "w") }()
	require.Eventually(t, func() bool { return s.scriptBusyReply(LookupCommand("get")) != "" }, 5*time.Second, time.Millisecond)
	assert.Equal(t, "-"+lua.ErrUnkillable+"\r\n", do(t, other, "FUNCTION", "KILL"))
	stats := do(t, other, "FUNCTION", "STATS")
	assert.Contains(t, stats, "spinw")
	assert.Contains(t, stats, "FCALL")
	st := s.scripts()
	r, _ := st.eng.Running()
	assert.Equal(t, "spinw", r.Name)
	forceStop(st.eng)
	<-done
	go func() { done <- do(t, sess, "FCALL", "spin", "0") }()
	require.Eventually(t, func() bool { return s.scriptBusyReply(LookupCommand("get")) != "" }, 5*time.Second, time.Millisecond)
	assert.Equal(t, "-"+lua.ErrBusyFunction+"\r\n", do(t, other, "SCRIPT", "KILL"))
	assert.Equal(t, "+OK\r\n", do(t, other, "FUNCTION", "KILL"))
	assert.Contains(t, <-done, "Script killed by user with SCRIPT KILL... script: spin, on @user_function:2.")
}

// forceStop ends an unkillable script for the test's sake.
func forceStop(e *lua.Engine) { e.Abort() }

func TestFunction_LoadCallListDelete(t *testing.T) {
	s, _ := openTest(t)
	sess := s.NewSession()
	lib := "#!lua name=mylib\nredis.register_function('echo', function(keys, args) return {keys[1], args[1]} end)\n" +
		"redis.register_function{function_name='ro', callback=function(keys, args) return redis.call('get', keys[1]) end, flags={'no-writes'}, description='reads'}\n" +
		"redis.register_function('wr', function(keys, args) return redis.call('set', keys[1], args[1]) end)"
	cases := []struct {
		args []string
		want string
	}{
		{[]string{"FUNCTION", "LOAD", lib}, "$5\r\nmylib\r\n"},
		{[]string{"FUNCTION", "LOAD", lib}, "-ERR Library 'mylib' already exists\r\n"},
		{[]string{"FUNCTION", "LOAD", "REPLACE", lib}, "$5\r\nmylib\r\n"},
		{[]string{"FUNCTION", "LOAD", "#!lua name=other\nredis.register_function('echo', function() end)"}, "-ERR Function echo already exists\r\n"},
		{[]string{"FUNCTION", "LOAD", "#!lua name=lib3\nlocal x = string.len('a')"}, "-ERR Error registering functions: ERR user_function:2: Script attempted to access nonexistent global variable 'string'\r\n"},
		{[]string{"FUNCTION", "LOAD", "#!lua name=lib3\nredis.call('ping')"}, "-ERR Error registering functions: ERR user_function:2: Script attempted to access nonexistent global variable 'call'\r\n"},
		{[]string{"FUNCTION", "LOAD", "#!lua name=lib3\nx = 1"}, "-ERR Error registering functions: ERR user_function:2: Attempt to modify a readonly table\r\n"},
		{[]string{"FUNCTION", "LOAD", "#!lua name=lib3\nreturn 1"}, "-ERR No functions registered\r\n"},
		{[]string{"FUNCTION", "LOAD", "#!lua name=lib3\nfoo("}, "-ERR Error compiling function: user_function:2: unexpected symbol near '<eof>'\r\n"},
		{[]string{"FUNCTION", "LOAD", "#!lua name=lib3 x=1\nreturn 1"}, "-ERR Invalid metadata value given: x=1\r\n"},
		{[]string{"FUNCTION", "LOAD", "#!lua\nreturn 1"}, "-ERR Library name was not given\r\n"},
		{[]string{"FUNCTION", "LOAD", "#!lua name=a-b\nreturn 1"}, "-ERR Library names can only contain letters, numbers, or underscores(_) and must be at least one character long\r\n"},
		{[]string{"FUNCTION", "LOAD", "#!py name=a\nreturn 1"}, "-ERR Engine 'py' not found\r\n"},
		{[]string{"FUNCTION", "LOAD", "nolib"}, "-ERR Missing library metadata\r\n"},
		{[]string{"FUNCTION", "LOAD", "#!lua name=x"}, "-ERR Invalid library metadata\r\n"},
		{[]string{"FUNCTION", "LOAD", "#!lua name=lib5\nredis.register_function{function_name='f5', callback=function() end, flags={'bogus'}}"}, "-ERR Error registering functions: ERR unknown flag given\r\n"},
		{[]string{"FUNCTION", "LOAD", "#!lua name=lib5\nredis.register_function('f5')"}, "-ERR Error registering functions: ERR calling redis.register_function with a single argument is only applicable to Lua table (representing named arguments).\r\n"},
		{[]string{"FUNCTION", "LOAD", "bogus", "x"}, "-ERR Unknown option given: bogus\r\n"},
		{[]string{"FCALL", "echo", "1", "k", "a"}, "*2\r\n$1\r\nk\r\n$1\r\na\r\n"},
		{[]string{"FCALL", "nosuch", "0"}, "-ERR Function not found\r\n"},
		{[]string{"FCALL", "echo", "x"}, "-ERR Bad number of keys provided\r\n"},
		{[]string{"FCALL", "echo", "5"}, "-ERR Number of keys can't be greater than number of args\r\n"},
		{[]string{"FCALL_RO", "wr", "1", "k", "v"}, "-ERR Can not execute a script with write flag using *_ro command.\r\n"},
		{[]string{"FCALL", "wr", "1", "k", "v"}, "+OK\r\n"},
		{[]string{"FCALL_RO", "ro", "1", "k"}, "$1\r\nv\r\n"},
		{[]string{"FUNCTION", "LIST", "LIBRARYNAME", "MY*"}, "*1\r\n*6\r\n$12\r\nlibrary_name\r\n$5\r\nmylib\r\n$6\r\nengine\r\n$3\r\nLUA\r\n$9\r\nfunctions\r\n*3\r\n" +
			"*6\r\n$4\r\nname\r\n$4\r\necho\r\n$11\r\ndescription\r\n$-1\r\n$5\r\nflags\r\n*0\r\n" +
			"*6\r\n$4\r\nname\r\n$2\r\nro\r\n$11\r\ndescription\r\n$5\r\nreads\r\n$5\r\nflags\r\n*1\r\n+no-writes\r\n" +
			"*6\r\n$4\r\nname\r\n$2\r\nwr\r\n$11\r\ndescription\r\n$-1\r\n$5\r\nflags\r\n*0\r\n"},
		{[]string{"FUNCTION", "LIST", "bogus"}, "-ERR Unknown argument bogus\r\n"},
		{[]string{"FUNCTION", "LIST", "libraryname"}, "-ERR library name argument was not given\r\n"},
		{[]string{"FUNCTION", "STATS"}, "*4\r\n$14\r\nrunning_script\r\n$-1\r\n$7\r\nengines\r\n*2\r\n$3\r\nLUA\r\n*4\r\n$15\r\nlibraries_count\r\n:1\r\n$15\r\nfunctions_count\r\n:3\r\n"},
		{[]string{"FUNCTION", "DELETE", "nosuch"}, "-ERR Library not found\r\n"},
		{[]string{"FUNCTION", "FLUSH", "bogus"}, "-ERR FUNCTION FLUSH only supports SYNC|ASYNC option\r\n"},
		{[]string{"FUNCTION", "FLUSH", "sync", "extra"}, "-ERR unknown subcommand or wrong number of arguments for 'FLUSH'. Try FUNCTION HELP.\r\n"},
		{[]string{"FUNCTION", "DELETE", "mylib"}, "+OK\r\n"},
		{[]string{"FCALL", "echo", "0"}, "-ERR Function not found\r\n"},
		{[]string{"FUNCTION", "LIST"}, "*0\r\n"},
	}
	for _, c := range cases {
		assert.Equal(t, c.want, do(t, sess, c.args...), strings.Join(c.args, " "))
	}
	// Functions survive FLUSHALL and SCRIPT FLUSH.
	do(t, sess, "FUNCTION", "LOAD", lib)
	do(t, sess, "FLUSHALL")
	do(t, sess, "SCRIPT", "FLUSH")
	assert.Equal(t, "*2\r\n$1\r\nk\r\n$1\r\na\r\n", do(t, sess, "FCALL", "echo", "1", "k", "a"))
	// Functions see no KEYS/ARGV globals and no register_function.
	do(t, sess, "FUNCTION", "LOAD", "#!lua name=g\nredis.register_function('k', function() return KEYS end)\nredis.register_function('r', function() return redis.register_function end)")
	assert.Equal(t, "-ERR user_function:2: Script attempted to access nonexistent global variable 'KEYS' script: k, on @user_function:2.\r\n", do(t, sess, "FCALL", "k", "0"))
	assert.Equal(t, "$-1\r\n", do(t, sess, "FCALL", "r", "0"))
}

func TestFunction_DumpRestore(t *testing.T) {
	s, _ := openTest(t)
	sess := s.NewSession()
	do(t, sess, "FUNCTION", "LOAD", "#!lua name=a\nredis.register_function('fa', function() return 'a' end)")
	do(t, sess, "FUNCTION", "LOAD", "#!lua name=b\nredis.register_function('fb', function() return 'b' end)")
	dump := do(t, sess, "FUNCTION", "DUMP")
	payload := dumpPayload(t, dump)
	assert.Equal(t, "-ERR Library a already exists\r\n", do(t, sess, "FUNCTION", "RESTORE", payload))
	assert.Equal(t, "+OK\r\n", do(t, sess, "FUNCTION", "RESTORE", payload, "REPLACE"))
	assert.Equal(t, "-ERR Wrong restore policy given, value should be either FLUSH, APPEND or REPLACE.\r\n", do(t, sess, "FUNCTION", "RESTORE", payload, "bogus"))
	assert.Equal(t, "-ERR DUMP payload version or checksum are wrong\r\n", do(t, sess, "FUNCTION", "RESTORE", payload[:len(payload)-1]+"x"))
	do(t, sess, "FUNCTION", "FLUSH")
	assert.Equal(t, "+OK\r\n", do(t, sess, "FUNCTION", "RESTORE", payload))
	assert.Equal(t, "$1\r\nb\r\n", do(t, sess, "FCALL", "fb", "0"))
	do(t, sess, "FUNCTION", "LOAD", "#!lua name=c\nredis.register_function('fc', function() return 'c' end)")
	assert.Equal(t, "+OK\r\n", do(t, sess, "FUNCTION", "RESTORE", payload, "FLUSH"))
	assert.Equal(t, "-ERR Function not found\r\n", do(t, sess, "FCALL", "fc", "0"))

	// A payload written by redis-server 7.0 (LZF-compressed strings).
	do(t, sess, "FUNCTION", "FLUSH")
	redisDump, err := hexDecode(redis70FunctionDump)
	require.NoError(t, err)
	assert.Equal(t, "+OK\r\n", do(t, sess, "FUNCTION", "RESTORE", string(redisDump)))
	assert.Equal(t, "$2\r\nkk\r\n", do(t, sess, "FCALL", "f1", "1", "kk"))
	assert.Equal(t, "+PONG\r\n", do(t, sess, "FCALL", "f4", "0"))
	assert.Equal(t, "-ERR user_function:4: oops script: f7, on @user_function:4.\r\n", do(t, sess, "FCALL", "f7", "0"))
}

func dumpPayload(t *testing.T, bulk string) string {
	t.Helper()
	require.True(t, strings.HasPrefix(bulk, "$"))
	i := strings.Index(bulk, "\r\n")
	n, err := strconv.Atoi(bulk[1:i])
	require.NoError(t, err)
	return bulk[i+2 : i+2+n]
}

func hexDecode(s string) ([]byte, error) {
	out := make([]byte, len(s)/2)
	for i := range out {
		v, err := strconv.ParseUint(s[2*i:2*i+2], 16, 8)
		if err != nil {
			return nil, err
		}
		out[i] = byte(v)
	}
	return out, nil
}

// redis70FunctionDump is FUNCTION DUMP of redis-server 7.0.15 holding the
// libraries lib1 (f1), lib4 (f4, no-writes) and lib5 (f5..f8).
const redis70FunctionDump = "f5c340be41741f23216c7561206e616d653d6c6962350a72656469732e72656769737465725f6607756e6374696f6e7bc008" +
	"005f602a0e276635272c2063616c6c6261636b3dc01c1c286b6579732c2061726773292072657475726e204b45595320656e" +
	"647de00f5a0328276636204ce00e43e00c8d0228277ae003310029405f8004e012640037e00332e003a80b6572726f722827" +
	"6f6f707327200d204ae012450038e00f45a0ee80b14119042827736574202d406a065b315d2c202778605e016429f5c34092" +
	"40a11f23216c7561206e616d653d6c6962340a72656469732e72656769737465725f6607756e6374696f6e7bc008005f602a" +
	"0e276634272c2063616c6c6261636b3dc01c12286b6579732c2061726773292072657475726e20064050402a1f282770696e" +
	"67272920656e642c20666c6167733d7b276e6f2d77726974657327097d2c20646573637269704071013d27400c01277df540" +
	"5623216c7561206e616d653d6c6962310a72656469732e72656769737465725f66756e6374696f6e28276631272c2066756e" +
	"6374696f6e286b6579732c2061726773292072657475726e206b6579735b315d20656e64290a004c465b1a41669405"

func TestStore_Eval_Errors(t *testing.T) {
	s, _ := openTest(t)
	_, err := s.EvalSha(bg, "0123456789012345678901234567890123456789", nil)
	assert.ErrorIs(t, err, ErrNoScript)
	_, err = s.Eval(bg, "return redis.call('incr', KEYS[1])", []string{"k"})
	require.NoError(t, err)
	_, err = s.Set("s", "x", nil)
	require.NoError(t, err)
	_, err = s.Eval(bg, "return redis.call('incr', KEYS[1])", []string{"s"})
	var e *Error
	require.ErrorAs(t, err, &e)
	assert.True(t, strings.HasPrefix(e.Error(), "ERR value is not an integer or out of range script: "))
	_, err = s.EvalRO(bg, "return redis.call('set', 'a', 'b')", nil)
	assert.ErrorContains(t, err, "Write commands are not allowed from read-only scripts.")
	sha, err := s.ScriptLoad(bg, "return ARGV[1] .. ARGV[2]")
	require.NoError(t, err)
	v, err := s.EvalShaRO(bg, strings.ToUpper(sha), nil, "a", 7)
	require.NoError(t, err)
	assert.Equal(t, "a7", v.Str)
	ctx, cancel := context.WithCancel(bg)
	cancel()
	_, err = s.Eval(ctx, "return 1", nil)
	assert.ErrorIs(t, err, context.Canceled)
	name, err := s.FunctionLoad(bg, "#!lua name=gl\nredis.register_function('gf', function(k, a) return #k + #a end)", false)
	require.NoError(t, err)
	assert.Equal(t, "gl", name)
	v, err = s.FCall(bg, "gf", []string{"a", "b"}, 1)
	require.NoError(t, err)
	assert.Equal(t, int64(3), v.Int)
	_, err = s.FCallRO(bg, "gf", nil)
	assert.ErrorContains(t, err, "Can not execute a script with write flag using *_ro command.")
}

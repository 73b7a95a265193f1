package lua

import (
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/embedis/embedis/resp"
)

// fakeHost is a tiny command table over a map: enough to exercise the
// bridge without the store.
type fakeHost struct {
	mu   sync.Mutex
	kv   map[string]string
	oom  bool
	hook func(args [][]byte)
}

func newFakeHost() *fakeHost { return &fakeHost{kv: map[string]string{}} }

func (h *fakeHost) CommandExists(args [][]byte) bool {
	switch strings.ToLower(string(args[0])) {
	case "get", "set", "incr", "ping", "hello3", "del":
		return true
	}
	return false
}

func (h *fakeHost) OOM() bool { return h.oom }

func (h *fakeHost) Call(r *Run, args [][]byte, w resp.ReplyWriter) {
	if h.hook != nil {
		h.hook(args)
	}
	name := strings.ToLower(string(args[0]))
	write := name == "set" || name == "incr" || name == "del"
	if !h.CommandExists(args) {
		w.Error("ERR Unknown Redis command called from script")
		return
	}
	if msg := r.BeforeCommand(write, name == "set"); msg != "" {
		w.Error(msg)
		return
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	switch name {
	case "ping":
		w.SimpleString("PONG")
	case "get":
		if v, ok := h.kv[string(args[1])]; ok {
			w.BulkString(v)
		} else {
			w.NullBulk()
		}
	case "set":
		h.kv[string(args[1])] = string(args[2])
		w.SimpleString("OK")
	case "del":
		delete(h.kv, string(args[1]))
		w.Int(1)
	case "incr":
		n, err := strconv.ParseInt(h.kv[string(args[1])], 10, 64)
		if err != nil && h.kv[string(args[1])] != "" {
			w.Error("ERR value is not an integer or out of range")
			return
		}
		n++
		h.kv[string(args[1])] = strconv.FormatInt(n, 10)
		w.Int(n)
	case "hello3":
		w.MapLen(2)
		w.BulkString("a")
		w.Double("1.5")
		w.BulkString("b")
		w.Bool(true)
	}
}

func evalRaw(t *testing.T, e *Engine, h Host, proto int, body string, keys []string, args ...string) string {
	t.Helper()
	sc, err := e.Load(body, false)
	if err != nil {
		return "-" + err.Error() + "\r\n"
	}
	w := resp.NewWriter(proto)
	req := &Request{Host: h, Out: w}
	for _, k := range keys {
		req.Keys = append(req.Keys, k)
	}
	for _, a := range args {
		req.Args = append(req.Args, a)
	}
	e.Eval(sc, req)
	return string(w.Bytes())
}

func TestLua_Eval_Conversions(t *testing.T) {
	e := NewEngine()
	h := newFakeHost()
	cases := []struct{ script, want string }{
		{"return 1", ":1\r\n"},
		{"return 3.99", ":3\r\n"},
		{"return -3.99", ":-3\r\n"},
		{"return 0/0", ":-9223372036854775808\r\n"},
		{"return 'x'", "$1\r\nx\r\n"},
		{"return {1,2,3.99,-3.99,'x',nil,5}", "*5\r\n:1\r\n:2\r\n:3\r\n:-3\r\n$1\r\nx\r\n"},
		{"return {true,false}", "*2\r\n:1\r\n$-1\r\n"},
		{"return true", ":1\r\n"},
		{"return false", "$-1\r\n"},
		{"return nil", "$-1\r\n"},
		{"return {ok='a\\r\\nb'}", "+a  b\r\n"},
		{"return {double=3.5}", "$3\r\n3.5\r\n"},
		{"return {err=''}", "-\r\n"},
		{"return {err='a\\nb'}", "-a b\r\n"},
		{"return redis.error_reply('')", "-ERR \r\n"},
		{"return redis.error_reply('oops')", "-ERR oops\r\n"},
		{"return redis.error_reply('MY_CODE msg')", "-MY_CODE msg\r\n"},
		{"return redis.error_reply('- x')", "- x\r\n"},
		{"return redis.status_reply('fine')", "+fine\r\n"},
		{"return redis.status_reply(1)", "-ERR wrong number or type of arguments\r\n"},
		{"return redis.sha1hex('')", "$40\r\nda39a3ee5e6b4b0d3255bfef95601890afd80709\r\n"},
		{"return redis.call('ping')", "+PONG\r\n"},
		{"return redis.call('get', 'nope')", "$-1\r\n"},
		{"return redis.pcall('nosuch')", "-ERR Unknown Redis command called from script\r\n"},
		{"return redis.pcall()", "-ERR Please specify at least one argument for this redis lib call\r\n"},
		{"return redis.pcall('set','x',true)", "-ERR Lua redis lib command arguments must be strings or integers\r\n"},
		{"return {pcall(error, {err='X y'})}", "*2\r\n$-1\r\n$3\r\nX y\r\n"},
		{"return tostring(1/3)..' '..tostring(1e15)..' '..tostring(2^53)", "$41\r\n0.33333333333333 1e+15 9.007199254741e+15\r\n"},
		{"return redis.REDIS_VERSION", "$5\r\n7.4.1\r\n"},
		{"return redis.REDIS_VERSION_NUM", ":459777\r\n"},
		{"return _VERSION", "$7\r\nLua 5.1\r\n"},
		{"return type(os.clock())", "$6\r\nnumber\r\n"},
		{"return KEYS[1]..ARGV[1]", "$2\r\nka\r\n"},
	}
	for _, c := range cases {
		got := evalRaw(t, e, h, 2, c.script, []string{"k"}, "a")
		assert.Equal(t, c.want, got, c.script)
	}
}

func TestLua_Eval_Errors(t *testing.T) {
	e := NewEngine()
	h := newFakeHost()
	sha := func(s string) string { return SHA1Hex(s) }
	cases := []struct{ script, want string }{
		{"x = 1", "-ERR user_script:1: Attempt to modify a readonly table script: %s, on @user_script:1.\r\n"},
		{"return y", "-ERR user_script:1: Script attempted to access nonexistent global variable 'y' script: %s, on @user_script:1.\r\n"},
		{"string.x = 1", "-ERR user_script:1: Attempt to modify a readonly table script: %s, on @user_script:1.\r\n"},
		{"KEYS = 1", "-ERR user_script:1: Attempt to modify a readonly table script: %s, on @user_script:1.\r\n"},
		{"return redis.call('nosuch','a','b')", "-ERR Unknown Redis command called from script script: %s, on @user_script:1.\r\n"},
		{"error('boom')", "-ERR user_script:1: boom script: %s, on @user_script:1.\r\n"},
		{"error({err='MY x'})", "-MY x script: %s, on @user_script:1.\r\n"},
		{"error('a\\nb')", "-ERR user_script:1: a b script: %s, on @user_script:1.\r\n"},
		{"return error()", "-ERR nil script: %s, on @user_script:1.\r\n"},
		{"error(123)", "-ERR user_script:1: 123 script: %s, on @user_script:1.\r\n"},
		{"return redis.call('set','x',{})", "-ERR Lua redis lib command arguments must be strings or integers script: %s, on @user_script:1.\r\n"},
		{"return redis.call()", "-ERR Please specify at least one argument for this redis lib call script: %s, on @user_script:1.\r\n"},
		{"return redis.sha1hex()", "-ERR wrong number of arguments script: %s, on @user_script:1.\r\n"},
		{"return redis.setresp(4)", "-ERR RESP version must be 2 or 3. script: %s, on @user_script:1.\r\n"},
		{"return redis.log(1)", "-ERR redis.log() requires two arguments or more. script: %s, on @user_script:1.\r\n"},
		{"return redis.log('a','b')", "-ERR First argument must be a number (log level). script: %s, on @user_script:1.\r\n"},
		{"return redis.log(9,'b')", "-ERR Invalid debug level. script: %s, on @user_script:1.\r\n"},
		{"return redis.set_repl(9)", "-ERR Invalid replication flags. Use REPL_AOF, REPL_REPLICA, REPL_ALL or REPL_NONE. script: %s, on @user_script:1.\r\n"},
		{"return print", "-ERR user_script:1: Script attempted to access nonexistent global variable 'print' script: %s, on @user_script:1.\r\n"},
		{"return rawset(_G,'x',1)", "-ERR Attempt to modify a readonly table script: %s, on @user_script:1.\r\n"},
		{"return setmetatable(_G, {})", "-ERR Attempt to modify a readonly table script: %s, on @user_script:1.\r\n"},
		{"local a = 1\nlocal b = 2\nerror('third')", "-ERR user_script:3: third script: %s, on @user_script:3.\r\n"},
		{"return os.execute", "$-1\r\n"},
		{"return io", "-ERR user_script:1: Script attempted to access nonexistent global variable 'io' script: %s, on @user_script:1.\r\n"},
		{"return require", "-ERR user_script:1: Script attempted to access nonexistent global variable 'require' script: %s, on @user_script:1.\r\n"},
		{"return loadfile", "-ERR user_script:1: Script attempted to access nonexistent global variable 'loadfile' script: %s, on @user_script:1.\r\n"},
		{"return dofile", "-ERR user_script:1: Script attempted to access nonexistent global variable 'dofile' script: %s, on @user_script:1.\r\n"},
		{"return debug", "-ERR user_script:1: Script attempted to access nonexistent global variable 'debug' script: %s, on @user_script:1.\r\n"},
		{"table.insert(string, 'x')", "-ERR Attempt to modify a readonly table script: %s, on @user_script:1.\r\n"},
		{"getmetatable('').__index = nil", "-ERR user_script:1: Attempt to modify a readonly table script: %s, on @user_script:1.\r\n"},
		{"return string.rep('x', -1)", "$0\r\n\r\n"},
	}
	for _, c := range cases {
		want := c.want
		if strings.Contains(want, "%s") {
			want = strings.ReplaceAll(want, "%s", sha(c.script))
		}
		got := evalRaw(t, e, h, 2, c.script, nil)
		assert.Equal(t, want, got, c.script)
	}
	// Nothing leaked into the shared globals.
	assert.Equal(t, "-ERR user_script:1: Script attempted to access nonexistent global variable 'x' script: "+sha("return x")+", on @user_script:1.\r\n",
		evalRaw(t, e, h, 2, "return x", nil))
	assert.Equal(t, ":0\r\n", evalRaw(t, e, h, 2, "local n = 0 for k in pairs(string) do n = n + 1 end return n", nil))
}

func TestLua_Eval_RESP3(t *testing.T) {
	e := NewEngine()
	h := newFakeHost()
	cases := []struct {
		script string
		proto  int
		want   string
	}{
		{"redis.setresp(3) return redis.call('hello3')['map']['a']['double']", 2, ":1\r\n"},
		{"redis.setresp(3) return redis.call('hello3')['map']['b']", 3, "#t\r\n"},
		{"redis.setresp(3) return redis.call('hello3')['map']['b']", 2, ":1\r\n"},
		{"return redis.call('hello3')", 2, "*4\r\n$1\r\na\r\n$3\r\n1.5\r\nb\r\n:1\r\n$1\r\nb\r\n$3\r\n1.5\r\n$1\r\na\r\n:1\r\n"},
		{"redis.setresp(3) return redis.call('get','nope') == nil", 3, "#t\r\n"},
		{"return redis.call('get','nope') == false", 3, ":1\r\n"},
		{"return false", 3, "_\r\n"},
		{"redis.setresp(3) return false", 3, "#f\r\n"},
		{"redis.setresp(3) return false", 2, ":0\r\n"},
		{"return {double=3.5}", 3, ",3.5\r\n"},
		{"return {big_number='123'}", 3, "(123\r\n"},
		{"return {verbatim_string={format='txt', string='hi'}}", 3, "=6\r\ntxt:hi\r\n"},
		{"return {map={a=1}}", 3, "%1\r\n$1\r\na\r\n:1\r\n"},
		{"return {map={a=1}}", 2, "*2\r\n$1\r\na\r\n:1\r\n"},
		{"return {set={a=true}}", 3, "~1\r\n$1\r\na\r\n"},
	}
	for _, c := range cases {
		got := evalRaw(t, e, h, c.proto, c.script, nil)
		if c.script == "return redis.call('hello3')" {
			assert.Contains(t, []string{"*4\r\n$1\r\na\r\n$3\r\n1.5\r\n$1\r\nb\r\n:1\r\n"}, got, c.script)
			continue
		}
		assert.Equal(t, c.want, got, c.script)
	}
}

func TestLua_Eval_Libraries(t *testing.T) {
	e := NewEngine()
	h := newFakeHost()
	cases := []struct{ script, want string }{
		{"return cjson.encode({1,2,'a/b'})", `[1,2,"a\/b"]`},
		{"return cjson.encode({})", `{}`},
		{"return cjson.encode({a={b=0.1}})", `{"a":{"b":0.1}}`},
		{"return cjson.encode(cjson.decode('[1,{\"x\":null},\"\\\\u00e9\"]'))", `[1,{"x":null},"é"]`},
		{"return cjson.decode('{\"a\":[1,2,3]}').a[3]", "3"},
		{"local ok, err = pcall(cjson.decode, '{') return err", "Expected object key string but found T_END at character 2"},
		{"return bit.tohex(bit.band(0xff, 0x0f))", "0000000f"},
		{"return bit.bor(1,2,4)", "7"},
		{"return bit.tobit(0xffffffff)", "-1"},
		{"return bit.tohex(-1, -4)", "FFFF"},
		{"return bit.lshift(1, 31)", "-2147483648"},
		{"return bit.bxor(5, 3) .. bit.bnot(0) .. bit.arshift(-16, 2) .. bit.rshift(-16, 28)", "6-1-415"},
		{"return struct.pack('>I2', 258)", "\x01\x02"},
		{"return struct.unpack('<i2', '\\255\\255')", "-1"},
		{"return struct.size('>iI2d')", "14"},
		{"local s = struct.pack('bc0', 3, 'abc') return struct.unpack('bc0', s)", "abc"},
		{"return cmsgpack.pack({1,2,3})", "\x93\x01\x02\x03"},
		{"return cmsgpack.pack(-1, 300, 1.5, 'ab', true)", "\xff\xcd\x01\x2c\xca\x3f\xc0\x00\x00\xa2ab\xc3"},
		{"local t = cmsgpack.unpack(cmsgpack.pack({a={1,2}})) return t.a[2]", "2"},
		{"return select(2, cmsgpack.unpack_one(cmsgpack.pack(7, 8)))", "7"},
		{"return math.floor(3.7) .. string.format('%5.2f', 1.5) .. string.upper('x')", "3 1.50X"},
		{"return table.concat({1,2,3}, ',')", "1,2,3"},
	}
	for _, c := range cases {
		w := resp.NewValueWriter(2)
		sc, err := e.Load(c.script, false)
		require.NoError(t, err, c.script)
		e.Eval(sc, &Request{Host: h, Out: w})
		v := w.Value()
		got := v.Str
		if v.Kind == resp.KindInt {
			got = strconv.FormatInt(v.Int, 10)
		}
		assert.Equal(t, c.want, got, c.script)
	}
}

func TestLua_MathRandom_Sequence(t *testing.T) {
	// The values a freshly started redis-server returns.
	e := NewEngine()
	h := newFakeHost()
	assert.Equal(t, ":4\r\n", evalRaw(t, e, h, 2, "return math.random(10)", nil))
	assert.Equal(t, ":9\r\n", evalRaw(t, e, h, 2, "return math.random(10) ", nil))
	assert.Equal(t, "*2\r\n:36\r\n:447\r\n", evalRaw(t, e, h, 2, "return {math.random(1,100), math.random(1000)}", nil))
}

func TestLua_Load_CompileOnce(t *testing.T) {
	e := NewEngine()
	a, err := e.Load("return 1", false)
	require.NoError(t, err)
	b, err := e.Load("return 1", false)
	require.NoError(t, err)
	assert.Same(t, a, b)
	assert.Same(t, a, e.Lookup(strings.ToUpper(a.SHA)))
	_, err = e.Load("return (", false)
	require.Error(t, err)
	assert.True(t, strings.HasPrefix(err.Error(), "ERR Error compiling script (new function): user_script:1: "), err.Error())
}

func TestLua_Load_Shebang(t *testing.T) {
	e := NewEngine()
	cases := []struct{ body, err string }{
		{"#!lua", "ERR Invalid script shebang"},
		{"#!py\nreturn 1", "ERR Unexpected engine in script shebang: #!py"},
		{"#!lua flags=bogus\nreturn 1", "ERR Unexpected flag in script shebang: bogus"},
		{"#!lua x=1\nreturn 1", "ERR Unknown lua shebang option: x=1"},
	}
	for _, c := range cases {
		_, err := e.Load(c.body, false)
		require.Error(t, err, c.body)
		assert.Equal(t, c.err, err.Error())
	}
	sc, err := e.Load("#!lua flags=no-writes,allow-oom\nreturn 1", false)
	require.NoError(t, err)
	assert.Equal(t, FlagNoWrites|FlagAllowOOM, sc.Flags)
	sc, err = e.Load("return 1", false)
	require.NoError(t, err)
	assert.Equal(t, FlagCompat, sc.Flags)
}

func TestLua_Eval_ReadOnly(t *testing.T) {
	e := NewEngine()
	h := newFakeHost()
	sc, _ := e.Load("return redis.call('set','a','b')", false)
	w := resp.NewWriter(2)
	e.Eval(sc, &Request{Host: h, Out: w, ReadOnly: true})
	assert.Equal(t, "-ERR Write commands are not allowed from read-only scripts. script: "+sc.SHA+", on @user_script:1.\r\n", string(w.Bytes()))
	sc, _ = e.Load("#!lua\nreturn 1", false)
	w = resp.NewWriter(2)
	e.Eval(sc, &Request{Host: h, Out: w, ReadOnly: true})
	assert.Equal(t, "-ERR Can not execute a script with write flag using *_ro command.\r\n", string(w.Bytes()))
	sc, _ = e.Load("#!lua flags=no-writes\nreturn redis.call('set','a','b')", false)
	w = resp.NewWriter(2)
	e.Eval(sc, &Request{Host: h, Out: w})
	assert.Equal(t, "-ERR Write commands are not allowed from read-only scripts. script: "+sc.SHA+", on @user_script:2.\r\n", string(w.Bytes()))
	// OOM: a shebang script without allow-oom is refused up front.
	h.oom = true
	sc, _ = e.Load("#!lua\nreturn 1", false)
	w = resp.NewWriter(2)
	e.Eval(sc, &Request{Host: h, Out: w})
	assert.Equal(t, "-"+ErrScriptOOM+"\r\n", string(w.Bytes()))
	sc, _ = e.Load("return redis.pcall('set','a','b')", false)
	w = resp.NewWriter(2)
	e.Eval(sc, &Request{Host: h, Out: w})
	assert.Equal(t, "-"+ErrOOM+"\r\n", string(w.Bytes()))
}

func TestLua_Kill(t *testing.T) {
	e := NewEngine()
	e.SetBusyThreshold(10 * time.Millisecond)
	h := newFakeHost()
	assert.Equal(t, ErrNotBusy, e.Kill(true))
	sc, _ := e.Load("local i = 0 while true do i = i + 1 end", false)
	done := make(chan string)
	go func() {
		w := resp.NewWriter(2)
		e.Eval(sc, &Request{Host: h, Out: w})
		done <- string(w.Bytes())
	}()
	require.Eventually(t, func() bool { busy, _ := e.Busy(); return busy }, 5*time.Second, time.Millisecond)
	assert.True(t, AnyBusy())
	_, msg := e.Busy()
	assert.Equal(t, ErrBusyEval, msg)
	assert.Equal(t, ErrBusyEval, e.Kill(false))
	assert.Equal(t, "", e.Kill(true))
	got := <-done
	assert.Equal(t, "-ERR Script killed by user with SCRIPT KILL... script: "+sc.SHA+", on @user_script:1.\r\n", got)
	assert.False(t, AnyBusy())

	// A script that wrote cannot be killed.
	sc, _ = e.Load("redis.call('set','a','b') while true do end", false)
	go func() {
		w := resp.NewWriter(2)
		e.Eval(sc, &Request{Host: h, Out: w})
		done <- string(w.Bytes())
	}()
	require.Eventually(t, func() bool { busy, _ := e.Busy(); return busy }, 5*time.Second, time.Millisecond)
	assert.Equal(t, ErrUnkillable, e.Kill(true))
	// Stop it the hard way for the test.
	e.Abort()
	<-done
	// A pcall cannot swallow the kill.
	sc, _ = e.Load("while true do pcall(function() while true do end end) end", false)
	go func() {
		w := resp.NewWriter(2)
		e.Eval(sc, &Request{Host: h, Out: w})
		done <- string(w.Bytes())
	}()
	require.Eventually(t, func() bool { busy, _ := e.Busy(); return busy }, 5*time.Second, time.Millisecond)
	assert.Equal(t, "", e.Kill(true))
	assert.Contains(t, <-done, "Script killed by user with SCRIPT KILL...")
	// The interpreter is usable afterwards.
	assert.Equal(t, ":1\r\n", evalRaw(t, e, h, 2, "return 1", nil))
}

func TestLua_Cache_Evicts(t *testing.T) {
	e := NewEngine()
	loaded, err := e.Load("return 'loaded'", true)
	require.NoError(t, err)
	first, _ := e.Load("return 0", false)
	for i := 1; i <= MaxEvalScripts; i++ {
		_, err := e.Load("return "+strconv.Itoa(i), false)
		require.NoError(t, err)
	}
	assert.Nil(t, e.Lookup(first.SHA))
	assert.NotNil(t, e.Lookup(loaded.SHA))
	assert.Equal(t, int64(1), e.EvictedScripts())
	e.Flush()
	assert.Nil(t, e.Lookup(loaded.SHA))
}

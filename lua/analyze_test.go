package lua

import (
	"math"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func analyzeSrc(t *testing.T, src string) *Analysis {
	t.Helper()
	_, an, err := compileAnalyzed(src, chunkEval)
	require.NoError(t, err, src)
	return an
}

func kinds(c Call) []ArgKind {
	out := make([]ArgKind, len(c.Args))
	for i, a := range c.Args {
		out[i] = a.Kind
	}
	return out
}

func TestAnalyze_Closed(t *testing.T) {
	const (
		L = ArgLiteral
		K = ArgKey
		U = ArgUnknown
	)
	cases := []struct {
		src  string
		want [][]ArgKind // per call
		open []bool
	}{
		{`local key = KEYS[1]
local now = tonumber(ARGV[1])
redis.call('ZREMRANGEBYSCORE', key, '-inf', now - 10)
local count = redis.call('ZCARD', key)
redis.call('ZADD', key, 'NX', now, ARGV[4] .. ':' .. now)
return redis.call('EXPIRE', key, 60)`,
			[][]ArgKind{{L, K, L, U}, {L, K}, {L, K, L, U, U}, {L, K, L}}, nil},
		{`for i = 1, #KEYS do redis.call('DEL', KEYS[i]) end`, [][]ArgKind{{L, K}}, nil},
		{`return redis.pcall('INCRBY', KEYS[1], -5)`, [][]ArgKind{{L, K, L}}, nil},
		{`return redis.call('GET', 'literal')`, [][]ArgKind{{L, L}}, nil},
		{`return redis.call('SET', KEYS[1], tostring(ARGV[1]))`, [][]ArgKind{{L, K, U}}, []bool{true}},
		{`return redis.call('SET', KEYS[1], (tostring(ARGV[1])))`, [][]ArgKind{{L, K, U}}, []bool{false}},
		// a variable assigned anything but KEYS elements is unknown
		{`local k = KEYS[1] k = k .. 'x' return redis.call('GET', k)`, [][]ArgKind{{L, U}}, nil},
		{`local k = KEYS[1] local function f(k) return k end return redis.call('GET', k)`, [][]ArgKind{{L, U}}, nil},
		{`local a, b = KEYS[1], ARGV[1] return redis.call('MSET', a, b)`, [][]ArgKind{{L, K, U}}, nil},
		{`do local _VERSION = KEYS[1] end return redis.call('GET', _VERSION)`, [][]ArgKind{{L, U}}, nil},
		{`return redis.status_reply(redis.REDIS_VERSION)`, nil, nil},
	}
	for _, c := range cases {
		an := analyzeSrc(t, c.src)
		require.True(t, an.Closed, c.src)
		require.Len(t, an.Calls, len(c.want), c.src)
		for i, w := range c.want {
			assert.Equal(t, w, kinds(an.Calls[i]), c.src)
			if c.open != nil {
				assert.Equal(t, c.open[i], an.Calls[i].Open, c.src)
			}
		}
	}
	an := analyzeSrc(t, `return redis.call('INCRBY', KEYS[1], -5, 1.5, 0x10)`)
	assert.Equal(t, []string{"INCRBY", "", "-5", "1.5", "16"}, []string{an.Calls[0].Args[0].Text, an.Calls[0].Args[1].Text,
		an.Calls[0].Args[2].Text, an.Calls[0].Args[3].Text, an.Calls[0].Args[4].Text})
}

func TestAnalyze_NotClosed(t *testing.T) {
	for _, src := range []string{
		`local c = redis.call return c('GET', KEYS[1])`,
		`return pcall(redis.call, 'GET', KEYS[1])`,
		`return redis.call(ARGV[1], KEYS[1])`,
		`return redis[ARGV[1]]('GET', KEYS[1])`,
		`return redis:call('GET')`,
		`KEYS[1] = 'x' return redis.call('GET', KEYS[1])`,
		`table.insert(KEYS, 'x') return redis.call('GET', KEYS[2])`,
		`return redis.call('DEL', unpack(KEYS))`,
		`return _G.redis.call('GET', 'x')`,
		`return loadstring("return redis.call('GET', 'x')")()`,
		`local KEYS = {'x'} return redis.call('GET', KEYS[1])`,
		`local redis = {} return 1`,
		`local t = {redis} return 1`,
		`setmetatable(KEYS, {}) return 1`,
		`function redis.foo() end return 1`,
	} {
		an := analyzeSrc(t, src)
		assert.False(t, an.Closed, src)
	}
}

func TestAnalyze_FlatEnv(t *testing.T) {
	for src, flat := range map[string]bool{
		`local x = 1 x = 2 return x`:                             true,
		`local function f() f = nil end return 1`:                true, // f is local in its own body
		`local f = function() f = nil end return 1`:              true, // gopher-lua declares it first too
		`for i = 1, 2 do i = 3 end return 1`:                     true,
		`x = 1 return x`:                                         false,
		`do local x = 1 end x = 2 return 1`:                      false,
		`function f() end return 1`:                              false,
		`local t = {} function t.f() end return 1`:               true,
		`repeat local y = 1 until y == 1 return 1`:               true,
		`local function g(a) a = 2 return a end return g(1)`:     true,
		`local c = redis.call return 1`:                          false, // not closed
		`return redis.call('GET', KEYS[1]) .. tostring(ARGV[1])`: true,
	} {
		assert.Equal(t, flat, analyzeSrc(t, src).flatEnv, src)
	}
}

func TestLua_Loadstring_ReadOnlyGlobals(t *testing.T) {
	e := NewEngine()
	h := newFakeHost()
	got := evalRaw(t, e, h, 2, "loadstring('x = 1')() return 1", nil)
	assert.Contains(t, got, "Attempt to modify a readonly table")
	got = evalRaw(t, e, h, 2, "return x", nil)
	assert.Contains(t, got, "Script attempted to access nonexistent global variable 'x'")
	assert.Equal(t, ":3\r\n", evalRaw(t, e, h, 2, "return loadstring('return 1 + 2')()", nil))
	// A script with the plain environment sees the same globals and errors.
	assert.Equal(t, "$1\r\nv\r\n", evalRaw(t, e, h, 2, "redis.call('set', KEYS[1], 'v') return redis.call('get', KEYS[1])", []string{"k"}))
	assert.Contains(t, evalRaw(t, e, h, 2, "return nosuch", nil), "Script attempted to access nonexistent global variable 'nosuch'")
	assert.Equal(t, ":0\r\n", evalRaw(t, e, h, 2, "return _G.redis == redis and 0 or 1", nil))
	assert.Equal(t, ":2\r\n", evalRaw(t, e, h, 2, "return #KEYS", []string{"a", "b"}))
}

func TestLua_Tonumber(t *testing.T) {
	e := NewEngine()
	h := newFakeHost()
	for script, want := range map[string]string{
		"return tonumber('42')":                          ":42\r\n",
		"return tonumber(' 1e3 ')":                       ":1000\r\n",
		"return tonumber('0x1F')":                        ":31\r\n",
		"return tonumber('-0x10')":                       ":-16\r\n",
		"return tonumber('1.5') * 2":                     ":3\r\n",
		"return tonumber('12abc') == nil":                ":1\r\n",
		"return tonumber('') == nil":                     ":1\r\n",
		"return tonumber({}) == nil":                     ":1\r\n",
		"return tonumber(7)":                             ":7\r\n",
		"return tostring(tonumber('1e400'))":             "$3\r\ninf\r\n",
		"return tonumber('99999999999999999999') > 1e19": ":1\r\n",
		"return tonumber('ff', 16)":                      ":255\r\n",
		"return tonumber('10', 10)":                      ":10\r\n",
		"return tonumber('1700000000123')":               ":1700000000123\r\n",
		"return tostring(tonumber('-0'))":                "$2\r\n-0\r\n",
		"return tostring(tonumber('-0.0'))":              "$2\r\n-0\r\n",
		"return tostring(tonumber('0'))":                 "$1\r\n0\r\n",
	} {
		assert.Equal(t, want, evalRaw(t, e, h, 2, script, nil), script)
	}
	assert.Contains(t, evalRaw(t, e, h, 2, "return tonumber()", nil), "bad argument #1 to 'tonumber'")
}

func TestAnalyze_Straight(t *testing.T) {
	for src, straight := range map[string]bool{
		`local a = tonumber(ARGV[1]) if a > 1 then return redis.call('GET', KEYS[1]) end return a`: true,
		`return pcall(redis.call, 'GET', 'x')`:                                                     true,
		`while true do end`:                                                                        false,
		`repeat until false`:                                                                       false,
		`for i = 1, 10 do end return 1`:                                                            false,
		`for k, v in pairs({}) do end return 1`:                                                    false,
		`local f = function() return 1 end return f()`:                                             false,
		`local function f() return f() end return 1`:                                               false,
		`return loadstring('while true do end')()`:                                                 false,
		`return _G['loadstring']('return 1')()`:                                                    false,
	} {
		assert.Equal(t, straight, analyzeSrc(t, src).straight, src)
	}
}

func TestParseLuaNumber_FastPath(t *testing.T) {
	for _, s := range []string{"0", "-0", "7", "-42", "1700000000123", "999999999999999", "1234567890123456", "-", "", "12a", "+5", " 5", "007"} {
		want, wok := parseLuaNumberSlow(s)
		got, ok := parseLuaNumber(s)
		assert.Equal(t, wok, ok, s)
		assert.Equal(t, want, got, s)
		if ok && want == 0 {
			assert.Equal(t, math.Signbit(want), math.Signbit(got), s)
		}
	}
}

// parseLuaNumberSlow is parseLuaNumber without its fast path.
func parseLuaNumberSlow(s string) (float64, bool) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, false
	}
	f, err := strconv.ParseFloat(s, 64)
	return f, err == nil
}

package lua

import (
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

package embedis

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestSet_OptionsAndErrors(t *testing.T) {
	s, _ := openTest(t)
	x := s.NewSession()
	cases := []struct {
		args []string
		want string
	}{
		{[]string{"SET", "k", "v"}, "+OK\r\n"},
		{[]string{"SET", "k", "v", "NX"}, "$-1\r\n"},
		{[]string{"SET", "k", "v2", "XX", "GET"}, "$1\r\nv\r\n"},
		{[]string{"SET", "k", "v3", "NX", "GET"}, "$2\r\nv2\r\n"},
		{[]string{"SET", "n", "v", "XX", "GET"}, "$-1\r\n"},
		{[]string{"SET", "k", "v", "NX", "XX"}, "-ERR syntax error\r\n"},
		{[]string{"SET", "k", "v", "EX", "10", "PX", "100"}, "-ERR syntax error\r\n"},
		{[]string{"SET", "k", "v", "KEEPTTL", "EX", "10"}, "-ERR syntax error\r\n"},
		{[]string{"SET", "k", "v", "EX"}, "-ERR syntax error\r\n"},
		{[]string{"SET", "k", "v", "EX", "0"}, "-ERR invalid expire time in 'set' command\r\n"},
		{[]string{"SET", "k", "v", "PX", "-5"}, "-ERR invalid expire time in 'set' command\r\n"},
		{[]string{"SET", "k", "v", "EX", "abc"}, "-ERR value is not an integer or out of range\r\n"},
		{[]string{"SET", "k", "v", "EX", "9223372036854775807"}, "-ERR invalid expire time in 'set' command\r\n"},
		{[]string{"SET", "k", "v", "EX", "1", "EX", "2"}, "+OK\r\n"},
		{[]string{"SET", "k"}, "-ERR wrong number of arguments for 'set' command\r\n"},
		{[]string{"SETEX", "k", "0", "v"}, "-ERR invalid expire time in 'setex' command\r\n"},
		{[]string{"PSETEX", "k", "-1", "v"}, "-ERR invalid expire time in 'psetex' command\r\n"},
	}
	for _, c := range cases {
		assert.Equal(t, c.want, do(t, x, c.args...), "%v", c.args)
	}
}

func TestSet_GetOnWrongTypeWritesNothing(t *testing.T) {
	s, _ := openTest(t)
	x := s.NewSession()
	require.Equal(t, ":1\r\n", do(t, x, "HSET", "h", "f", "v"))
	assert.Equal(t, "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n", do(t, x, "SET", "h", "w", "GET"))
	assert.Equal(t, "+hash\r\n", do(t, x, "TYPE", "h"), "nothing was written")
	require.Equal(t, "+OK\r\n", do(t, x, "SET", "k", "v"))
	assert.Equal(t, "$1\r\nv\r\n", do(t, x, "SET", "k", "w", "GET"))
}

func TestSet_ExpiryInThePastIsAccepted(t *testing.T) {
	s, clk := openTest(t)
	x := s.NewSession()
	past := clk.NowMS() - 1000
	assert.Equal(t, "+OK\r\n", do(t, x, "SET", "k", "v", "PXAT", itoa(past)))
	assert.Equal(t, 1, s.DBSize(), "stored already expired, counted until reclaimed")
	assert.Equal(t, "$-1\r\n", do(t, x, "GET", "k"))
	assert.Equal(t, 0, s.DBSize())
}

func TestExpire_EdgeCases(t *testing.T) {
	s, clk := openTest(t)
	x := s.NewSession()
	do(t, x, "SET", "k", "v")
	assert.Equal(t, ":-1\r\n", do(t, x, "TTL", "k"))
	assert.Equal(t, ":-2\r\n", do(t, x, "TTL", "nokey"))
	assert.Equal(t, ":0\r\n", do(t, x, "EXPIRE", "nokey", "10"))
	// LT on a persistent key succeeds; GT fails
	assert.Equal(t, ":0\r\n", do(t, x, "EXPIRE", "k", "100", "GT"))
	assert.Equal(t, ":1\r\n", do(t, x, "EXPIRE", "k", "100", "LT"))
	assert.Equal(t, ":0\r\n", do(t, x, "EXPIRE", "k", "50", "NX"))
	assert.Equal(t, ":1\r\n", do(t, x, "EXPIRE", "k", "200", "GT"))
	assert.Equal(t, ":0\r\n", do(t, x, "EXPIRE", "k", "150", "GT"))
	assert.Equal(t, ":200\r\n", do(t, x, "TTL", "k"))
	clk.Advance(400 * time.Millisecond)
	assert.Equal(t, ":200\r\n", do(t, x, "TTL", "k"), "199.6 s rounds to 200")
	clk.Advance(200 * time.Millisecond)
	assert.Equal(t, ":199\r\n", do(t, x, "TTL", "k"))
	assert.Equal(t, ":199400\r\n", do(t, x, "PTTL", "k"))
	assert.Equal(t, "-ERR NX and XX, GT or LT options at the same time are not compatible\r\n", do(t, x, "EXPIRE", "k", "1", "NX", "XX"))
	assert.Equal(t, "-ERR GT and LT options at the same time are not compatible\r\n", do(t, x, "EXPIRE", "k", "1", "GT", "LT"))
	assert.Equal(t, "-ERR Unsupported option foo\r\n", do(t, x, "EXPIRE", "k", "1", "foo"))
	assert.Equal(t, "-ERR invalid expire time in 'expire' command\r\n", do(t, x, "EXPIRE", "k", "9223372036854775807"))
	assert.Equal(t, "-ERR invalid expire time in 'pexpire' command\r\n", do(t, x, "PEXPIRE", "k", "9223372036854775807"))
	// EXPIRE with a negative time deletes and replies 1
	assert.Equal(t, ":1\r\n", do(t, x, "EXPIRE", "k", "-1"))
	assert.Equal(t, ":0\r\n", do(t, x, "EXISTS", "k"))
	do(t, x, "SET", "k", "v")
	assert.Equal(t, ":1\r\n", do(t, x, "PEXPIREAT", "k", itoa(clk.NowMS()+1500)))
	assert.Equal(t, ":"+itoa((clk.NowMS()+1500+500)/1000)+"\r\n", do(t, x, "EXPIRETIME", "k"))
	assert.Equal(t, ":"+itoa(clk.NowMS()+1500)+"\r\n", do(t, x, "PEXPIRETIME", "k"))
	assert.Equal(t, ":1\r\n", do(t, x, "PERSIST", "k"))
	assert.Equal(t, ":0\r\n", do(t, x, "PERSIST", "k"))
	assert.Equal(t, ":-1\r\n", do(t, x, "PEXPIRETIME", "k"))
}

func TestIncr_OverflowAndParsing(t *testing.T) {
	s, _ := openTest(t)
	x := s.NewSession()
	assert.Equal(t, ":1\r\n", do(t, x, "INCR", "n"))
	assert.Equal(t, ":-4\r\n", do(t, x, "DECRBY", "n", "5"))
	do(t, x, "SET", "n", "9223372036854775806")
	assert.Equal(t, ":9223372036854775807\r\n", do(t, x, "INCR", "n"))
	assert.Equal(t, "-ERR increment or decrement would overflow\r\n", do(t, x, "INCR", "n"))
	assert.Equal(t, "-ERR decrement would overflow\r\n", do(t, x, "DECRBY", "n", "-9223372036854775808"))
	for _, bad := range []string{"+5", "05", " 5", "5.0", "", "abc", "99999999999999999999"} {
		do(t, x, "SET", "b", bad)
		assert.Equal(t, "-ERR value is not an integer or out of range\r\n", do(t, x, "INCR", "b"), "%q", bad)
	}
	assert.Equal(t, "-ERR value is not an integer or out of range\r\n", do(t, x, "INCRBY", "n", "x"))
	// the TTL is kept
	do(t, x, "SET", "t", "1", "EX", "100")
	do(t, x, "INCR", "t")
	assert.Equal(t, ":100\r\n", do(t, x, "TTL", "t"))
}

func TestIncrByFloat_Formatting(t *testing.T) {
	s, _ := openTest(t)
	x := s.NewSession()
	do(t, x, "SET", "f", "0.1")
	assert.Equal(t, "$3\r\n0.3\r\n", do(t, x, "INCRBYFLOAT", "f", "0.2"))
	assert.Equal(t, "$4\r\n5000\r\n", do(t, x, "INCRBYFLOAT", "g", "5.0e3"))
	assert.Equal(t, "-ERR value is not a valid float\r\n", do(t, x, "INCRBYFLOAT", "f", "abc"))
	do(t, x, "SET", "s", "abc")
	assert.Equal(t, "-ERR value is not a valid float\r\n", do(t, x, "INCRBYFLOAT", "s", "1"))
	assert.Equal(t, "-ERR increment would produce NaN or Infinity\r\n", do(t, x, "INCRBYFLOAT", "f", "inf"))
	v, err := s.IncrByFloat("h", 1.5)
	require.NoError(t, err)
	assert.Equal(t, "1.5", v)
}

func TestGetEx_OrderOfChecks(t *testing.T) {
	s, clk := openTest(t)
	x := s.NewSession()
	assert.Equal(t, "$-1\r\n", do(t, x, "GETEX", "missing", "EX", "-1"), "lookup before the expire value")
	assert.Equal(t, "$-1\r\n", do(t, x, "GETEX", "missing", "EX", "abc"))
	assert.Equal(t, "-ERR syntax error\r\n", do(t, x, "GETEX", "missing", "EX", "1", "PX", "1"))
	do(t, x, "SET", "k", "v")
	assert.Equal(t, "-ERR invalid expire time in 'getex' command\r\n", do(t, x, "GETEX", "k", "EX", "0"))
	assert.Equal(t, "$1\r\nv\r\n", do(t, x, "GETEX", "k", "PX", "5000"))
	assert.Equal(t, ":5000\r\n", do(t, x, "PTTL", "k"))
	assert.Equal(t, "$1\r\nv\r\n", do(t, x, "GETEX", "k", "PERSIST"))
	assert.Equal(t, ":-1\r\n", do(t, x, "PTTL", "k"))
	assert.Equal(t, "$1\r\nv\r\n", do(t, x, "GETEX", "k", "PXAT", itoa(clk.NowMS()-1)))
	assert.Equal(t, ":0\r\n", do(t, x, "EXISTS", "k"), "a past EXAT/PXAT deletes")
}

func TestStringOps_RangeAppendStrlen(t *testing.T) {
	s, _ := openTest(t)
	x := s.NewSession()
	assert.Equal(t, ":5\r\n", do(t, x, "APPEND", "a", "Hello"))
	assert.Equal(t, ":11\r\n", do(t, x, "APPEND", "a", " World"))
	assert.Equal(t, "$5\r\nWorld\r\n", do(t, x, "GETRANGE", "a", "-5", "-1"))
	assert.Equal(t, "$0\r\n\r\n", do(t, x, "GETRANGE", "a", "-1", "-5"))
	assert.Equal(t, "$11\r\nHello World\r\n", do(t, x, "GETRANGE", "a", "0", "100"))
	assert.Equal(t, "$0\r\n\r\n", do(t, x, "GETRANGE", "nokey", "0", "-1"))
	assert.Equal(t, ":11\r\n", do(t, x, "SETRANGE", "a", "6", "Redis"))
	assert.Equal(t, "$11\r\nHello Redis\r\n", do(t, x, "GET", "a"))
	assert.Equal(t, ":0\r\n", do(t, x, "SETRANGE", "new", "5", ""))
	assert.Equal(t, ":0\r\n", do(t, x, "EXISTS", "new"), "an empty SETRANGE creates nothing")
	assert.Equal(t, ":8\r\n", do(t, x, "SETRANGE", "pad", "5", "abc"))
	assert.Equal(t, "$8\r\n\x00\x00\x00\x00\x00abc\r\n", do(t, x, "GET", "pad"))
	assert.Equal(t, "-ERR offset is out of range\r\n", do(t, x, "SETRANGE", "pad", "-1", "x"))
	assert.Equal(t, "-ERR string exceeds maximum allowed size (proto-max-bulk-len)\r\n", do(t, x, "SETRANGE", "pad", "536870911", "xx"))
	assert.Equal(t, ":0\r\n", do(t, x, "STRLEN", "nokey"))
	assert.Equal(t, ":8\r\n", do(t, x, "STRLEN", "pad"))
}

func TestMSet_MGet(t *testing.T) {
	s, _ := openTest(t)
	x := s.NewSession()
	assert.Equal(t, "+OK\r\n", do(t, x, "MSET", "a", "1", "b", "2"))
	assert.Equal(t, "-ERR wrong number of arguments for 'mset' command\r\n", do(t, x, "MSET", "a", "1", "b"))
	assert.Equal(t, ":0\r\n", do(t, x, "MSETNX", "c", "3", "a", "x"))
	assert.Equal(t, ":0\r\n", do(t, x, "EXISTS", "c"), "MSETNX is all or nothing")
	assert.Equal(t, ":1\r\n", do(t, x, "MSETNX", "c", "3", "d", "4"))
	assert.Equal(t, "*3\r\n$1\r\n1\r\n$-1\r\n$1\r\n3\r\n", do(t, x, "MGET", "a", "nokey", "c"))
}

func TestUnknownCommandAndArity(t *testing.T) {
	s, _ := openTest(t)
	x := s.NewSession()
	assert.Equal(t, "-ERR unknown command 'foo', with args beginning with: 'a' 'b' \r\n", do(t, x, "foo", "a", "b"))
	assert.Equal(t, "-ERR unknown command 'foo', with args beginning with: \r\n", do(t, x, "foo"))
	long := strings.Repeat("x", 200)
	got := do(t, x, "foo", long)
	assert.Equal(t, "-ERR unknown command 'foo', with args beginning with: '"+long[:128]+"' \r\n", got)
	assert.Equal(t, "-ERR wrong number of arguments for 'get' command\r\n", do(t, x, "GET"))
}

func TestTyped_StringAPI(t *testing.T) {
	s, clk := openTest(t)
	ok, err := s.Set("k", "v", &SetArgs{TTL: 10 * time.Second})
	require.NoError(t, err)
	assert.True(t, ok)
	v, err := s.Get("k")
	require.NoError(t, err)
	assert.Equal(t, "v", v)
	ttl, err := s.TTL("k")
	require.NoError(t, err)
	assert.Equal(t, 10*time.Second, ttl)
	_, err = s.Get("missing")
	assert.ErrorIs(t, err, Nil)
	_, err = s.TTL("missing")
	assert.ErrorIs(t, err, Nil)
	clk.Advance(10*time.Second + time.Millisecond)
	_, err = s.Get("k")
	assert.ErrorIs(t, err, Nil)

	_, err = s.Set("k", "v", &SetArgs{TTL: -time.Second})
	assert.ErrorIs(t, err, ErrInvalidExpire)
	_, err = s.Set("k", "v", &SetArgs{NX: true, XX: true})
	assert.ErrorIs(t, err, ErrSyntax)
	n, err := s.IncrBy("c", 5)
	require.NoError(t, err)
	assert.Equal(t, int64(5), n)
	_, err = s.Incr("k2")
	require.NoError(t, err)
	s.Set("str", "abc", nil)
	_, err = s.Incr("str")
	assert.ErrorIs(t, err, ErrNotInteger)
	old, err := s.GetSet("str", "def")
	require.NoError(t, err)
	assert.Equal(t, "abc", old)
	got, err := s.GetDel("str")
	require.NoError(t, err)
	assert.Equal(t, "def", got)
	assert.Equal(t, 0, s.Exists("str"))
}

func TestTyped_Get_DeliversExpiryAndKeymiss(t *testing.T) {
	s, clk := openTest(t)
	_, err := s.Set("k", "v", &SetArgs{TTL: time.Second})
	require.NoError(t, err)
	_, err = s.RPush("list", "a")
	require.NoError(t, err)
	_, err = s.Get("list")
	assert.ErrorIs(t, err, ErrWrongType)
	require.NoError(t, s.ConfigSet("notify-keyspace-events", "Kxm"))
	sub := s.PSubscribe(context.Background(), "__keyspace@0__:*")
	defer sub.Close()

	clk.Advance(time.Second + time.Millisecond)
	_, err = s.Get("k")
	assert.ErrorIs(t, err, Nil)
	assert.Equal(t, Message{Pattern: "__keyspace@0__:*", Channel: "__keyspace@0__:k", Payload: "expired"}, recv(t, sub))
	assert.Equal(t, Message{Pattern: "__keyspace@0__:*", Channel: "__keyspace@0__:k", Payload: "keymiss"}, recv(t, sub))
	assert.Equal(t, int64(1), s.Keyspace().Stats.ExpiredKeys.Load(), "the typed GET deleted the expired key")
	_, err = s.Get("missing")
	assert.ErrorIs(t, err, Nil)
	assert.Equal(t, Message{Pattern: "__keyspace@0__:*", Channel: "__keyspace@0__:missing", Payload: "keymiss"}, recv(t, sub))
	assert.Equal(t, int64(1), s.Keyspace().KeyspaceHits())
	assert.Equal(t, int64(2), s.Keyspace().KeyspaceMisses())
}

func TestTyped_Set_TouchesWatchersAndKeepsFlags(t *testing.T) {
	s, _ := openTest(t)
	sess := s.NewSession()
	do(t, sess, "WATCH", "k")
	ok, err := s.Set("k", "v1", nil) // created
	require.NoError(t, err)
	assert.True(t, ok)
	do(t, sess, "MULTI")
	do(t, sess, "GET", "k")
	assert.Equal(t, "*-1\r\n", do(t, sess, "EXEC"), "a typed SET of a new key dirties its watchers")
	do(t, sess, "WATCH", "k")
	_, err = s.Set("k", "v2", nil) // overwritten
	require.NoError(t, err)
	do(t, sess, "MULTI")
	do(t, sess, "GET", "k")
	assert.Equal(t, "*-1\r\n", do(t, sess, "EXEC"), "a typed SET of an existing key dirties its watchers")

	ok, err = s.Set("k", "nx", &SetArgs{NX: true})
	require.NoError(t, err)
	assert.False(t, ok)
	ok, err = s.Set("absent", "xx", &SetArgs{XX: true})
	require.NoError(t, err)
	assert.False(t, ok)
	assert.Equal(t, 0, s.Exists("absent"))
	_, err = s.Set("k", "v3", &SetArgs{TTL: time.Minute})
	require.NoError(t, err)
	_, err = s.Set("k", "v4", &SetArgs{KeepTTL: true})
	require.NoError(t, err)
	ttl, err := s.TTL("k")
	require.NoError(t, err)
	assert.Equal(t, time.Minute, ttl)
	_, err = s.Set("k", "v5", nil)
	require.NoError(t, err)
	ttl, err = s.TTL("k")
	require.NoError(t, err)
	assert.Equal(t, time.Duration(-1), ttl, "a plain SET drops the expiry")
	v, err := s.Get("k")
	require.NoError(t, err)
	assert.Equal(t, "v5", v)
}

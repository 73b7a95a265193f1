package embedis

import (
	"fmt"
	"sort"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestRename_MovesTTL(t *testing.T) {
	s, _ := openTest(t)
	x := s.NewSession()
	assert.Equal(t, "-ERR no such key\r\n", do(t, x, "RENAME", "a", "b"))
	assert.Equal(t, "-ERR no such key\r\n", do(t, x, "RENAME", "a", "a"))
	do(t, x, "SET", "a", "1", "EX", "100")
	do(t, x, "SET", "b", "2")
	assert.Equal(t, "+OK\r\n", do(t, x, "RENAME", "a", "a"))
	assert.Equal(t, ":0\r\n", do(t, x, "RENAMENX", "a", "a"))
	assert.Equal(t, ":0\r\n", do(t, x, "RENAMENX", "a", "b"))
	assert.Equal(t, "+OK\r\n", do(t, x, "RENAME", "a", "b"))
	assert.Equal(t, "$1\r\n1\r\n", do(t, x, "GET", "b"))
	assert.Equal(t, ":100\r\n", do(t, x, "TTL", "b"))
	assert.Equal(t, ":0\r\n", do(t, x, "EXISTS", "a"))
	do(t, x, "SET", "c", "3")
	assert.Equal(t, "+OK\r\n", do(t, x, "RENAME", "c", "b"))
	assert.Equal(t, ":-1\r\n", do(t, x, "TTL", "b"), "the source's lack of TTL moves too")
}

func TestCopyAndMove(t *testing.T) {
	s, _ := openTest(t)
	x := s.NewSession()
	do(t, x, "SET", "a", "1", "EX", "100")
	assert.Equal(t, "-ERR source and destination objects are the same\r\n", do(t, x, "COPY", "a", "a"))
	assert.Equal(t, ":1\r\n", do(t, x, "COPY", "a", "a", "DB", "1"))
	assert.Equal(t, "-ERR DB index is out of range\r\n", do(t, x, "COPY", "a", "b", "DB", "16"))
	assert.Equal(t, "-ERR value is not an integer or out of range\r\n", do(t, x, "COPY", "a", "b", "DB", "x"))
	assert.Equal(t, "-ERR syntax error\r\n", do(t, x, "COPY", "a", "b", "FOO"))
	assert.Equal(t, ":1\r\n", do(t, x, "COPY", "a", "b"))
	assert.Equal(t, ":0\r\n", do(t, x, "COPY", "a", "b"))
	assert.Equal(t, ":1\r\n", do(t, x, "COPY", "a", "b", "REPLACE"))
	assert.Equal(t, ":100\r\n", do(t, x, "TTL", "b"))
	assert.Equal(t, ":0\r\n", do(t, x, "COPY", "nokey", "z"))
	assert.Equal(t, "-ERR source and destination objects are the same\r\n", do(t, x, "MOVE", "a", "0"))
	assert.Equal(t, "-ERR DB index is out of range\r\n", do(t, x, "MOVE", "a", "16"))
	assert.Equal(t, ":0\r\n", do(t, x, "MOVE", "a", "1"), "exists in the target")
	assert.Equal(t, ":1\r\n", do(t, x, "MOVE", "b", "1"))
	assert.Equal(t, ":0\r\n", do(t, x, "EXISTS", "b"))
	assert.Equal(t, "+OK\r\n", do(t, x, "SELECT", "1"))
	assert.Equal(t, ":100\r\n", do(t, x, "TTL", "b"), "MOVE keeps the TTL")
	assert.Equal(t, "-ERR DB index is out of range\r\n", do(t, x, "SELECT", "16"))
	assert.Equal(t, "-ERR value is out of range, value must between -2147483648 and 2147483647\r\n", do(t, x, "SELECT", "99999999999"))
}

func TestDelExistsTypeTouch(t *testing.T) {
	s, clk := openTest(t)
	x := s.NewSession()
	do(t, x, "MSET", "a", "1", "b", "2")
	do(t, x, "PEXPIRE", "b", "10")
	assert.Equal(t, ":3\r\n", do(t, x, "EXISTS", "a", "a", "b"), "duplicates count")
	assert.Equal(t, "+string\r\n", do(t, x, "TYPE", "a"))
	assert.Equal(t, "+none\r\n", do(t, x, "TYPE", "nokey"))
	clk.Advance(11 * time.Millisecond)
	assert.Equal(t, ":1\r\n", do(t, x, "DEL", "a", "b", "c"), "a lazily expired key is not counted")
	assert.Equal(t, ":0\r\n", do(t, x, "TOUCH", "a"))
}

func TestKeysScanRandomKey(t *testing.T) {
	s, _ := openTest(t)
	x := s.NewSession()
	assert.Equal(t, "$-1\r\n", do(t, x, "RANDOMKEY"))
	want := []string{}
	for i := 0; i < 300; i++ {
		k := fmt.Sprintf("user:%d", i)
		s.Set(k, "v", nil)
		if i%3 == 0 {
			want = append(want, k)
		}
	}
	s.Set("other", "v", nil)
	keys := s.Keys("user:*")
	assert.Len(t, keys, 300)
	// SCAN with MATCH and a small COUNT covers every key exactly once here
	var got []string
	var cur uint64
	for i := 0; ; i++ {
		ks, next := s.Scan(cur, &ScanArgs{Match: "user:*", Count: 7})
		got = append(got, ks...)
		cur = next
		if cur == 0 {
			break
		}
		require.Less(t, i, 10000)
	}
	assert.Len(t, got, 300)
	k, err := s.RandomKey()
	require.NoError(t, err)
	assert.NotEmpty(t, k)
	assert.Equal(t, "-ERR invalid cursor\r\n", do(t, x, "SCAN", "abc"))
	assert.Equal(t, "-ERR syntax error\r\n", do(t, x, "SCAN", "0", "COUNT", "0"))
	assert.Equal(t, "-ERR syntax error\r\n", do(t, x, "SCAN", "0", "FOO"))
	assert.Equal(t, "-ERR value is not an integer or out of range\r\n", do(t, x, "SCAN", "0", "COUNT", "x"))
	r := do(t, x, "SCAN", "0", "TYPE", "nosuchtype", "COUNT", "1000")
	assert.Contains(t, r, "*0\r\n", "an unknown TYPE matches nothing")
	_ = want
	sort.Strings(got)
}

func TestFlushAndSwap(t *testing.T) {
	s, _ := openTest(t)
	x := s.NewSession()
	do(t, x, "SET", "a", "1")
	assert.Equal(t, "-ERR syntax error\r\n", do(t, x, "FLUSHDB", "NOW"))
	assert.Equal(t, "-ERR invalid first DB index\r\n", do(t, x, "SWAPDB", "x", "1"))
	assert.Equal(t, "-ERR invalid second DB index\r\n", do(t, x, "SWAPDB", "0", "x"))
	assert.Equal(t, "-ERR DB index is out of range\r\n", do(t, x, "SWAPDB", "0", "16"))
	assert.Equal(t, "+OK\r\n", do(t, x, "SWAPDB", "0", "1"))
	assert.Equal(t, ":0\r\n", do(t, x, "DBSIZE"))
	do(t, x, "SELECT", "1")
	assert.Equal(t, ":1\r\n", do(t, x, "DBSIZE"))
	assert.Equal(t, "+OK\r\n", do(t, x, "FLUSHALL", "ASYNC"))
	assert.Equal(t, ":0\r\n", do(t, x, "DBSIZE"))
}

func TestMulti_ExecSemantics(t *testing.T) {
	s, _ := openTest(t)
	x := s.NewSession()
	assert.Equal(t, "-ERR EXEC without MULTI\r\n", do(t, x, "EXEC"))
	assert.Equal(t, "-ERR DISCARD without MULTI\r\n", do(t, x, "DISCARD"))
	assert.Equal(t, "+OK\r\n", do(t, x, "MULTI"))
	assert.Equal(t, "-ERR MULTI calls can not be nested\r\n", do(t, x, "MULTI"))
	assert.Equal(t, "+QUEUED\r\n", do(t, x, "SET", "a", "1"))
	assert.Equal(t, "+QUEUED\r\n", do(t, x, "SET", "a", "1", "NX", "XX"), "syntax errors are runtime errors")
	assert.Equal(t, "+QUEUED\r\n", do(t, x, "INCR", "a"))
	assert.Equal(t, "*3\r\n+OK\r\n-ERR syntax error\r\n:2\r\n", do(t, x, "EXEC"))
	// queue-time errors abort
	do(t, x, "MULTI")
	assert.Equal(t, "-ERR wrong number of arguments for 'get' command\r\n", do(t, x, "GET"))
	do(t, x, "INCR", "a")
	assert.Equal(t, "-EXECABORT Transaction discarded because of previous errors.\r\n", do(t, x, "EXEC"))
	assert.Equal(t, "$1\r\n2\r\n", do(t, x, "GET", "a"))
	assert.Equal(t, "+OK\r\n", do(t, x, "MULTI"))
	assert.Equal(t, "*0\r\n", do(t, x, "EXEC"), "an empty transaction")
}

func TestWatch_AbortsOnTouch(t *testing.T) {
	s, _ := openTest(t)
	a, b := s.NewSession(), s.NewSession()
	do(t, a, "SET", "k", "1")
	assert.Equal(t, "+OK\r\n", do(t, a, "WATCH", "k"))
	do(t, b, "SET", "k", "1") // identical value still touches
	do(t, a, "MULTI")
	do(t, a, "INCR", "k")
	assert.Equal(t, "*-1\r\n", do(t, a, "EXEC"))
	// after EXEC everything is unwatched
	do(t, a, "MULTI")
	do(t, a, "INCR", "k")
	assert.Equal(t, "*1\r\n:2\r\n", do(t, a, "EXEC"))
	// a no-op write does not touch
	do(t, a, "WATCH", "k", "missing")
	do(t, b, "DEL", "missing")
	do(t, a, "MULTI")
	do(t, a, "INCR", "k")
	assert.Equal(t, "*1\r\n:3\r\n", do(t, a, "EXEC"))
	do(t, a, "MULTI")
	assert.Equal(t, "-ERR WATCH inside MULTI is not allowed\r\n", do(t, a, "WATCH", "k"))
	assert.Equal(t, "+OK\r\n", do(t, a, "DISCARD"))
}

func TestWatch_ExpiryAborts(t *testing.T) {
	s, clk := openTest(t)
	a := s.NewSession()
	do(t, a, "SET", "k", "1", "PX", "100")
	do(t, a, "WATCH", "k")
	clk.Advance(200 * time.Millisecond)
	do(t, a, "MULTI")
	do(t, a, "SET", "x", "1")
	assert.Equal(t, "*-1\r\n", do(t, a, "EXEC"))
}

func TestExec_IsAtomicAcrossShards(t *testing.T) {
	s, _ := openTest(t)
	const n = 200
	done := make(chan struct{})
	go func() {
		defer close(done)
		sess := s.NewSession()
		for i := 0; i < n; i++ {
			do(t, sess, "MULTI")
			do(t, sess, "INCR", "x")
			do(t, sess, "INCR", "y")
			do(t, sess, "EXEC")
		}
	}()
	r := s.NewSession()
	for i := 0; i < n; i++ {
		vals, _ := s.MGet("x", "y")
		assert.Equal(t, vals[0], vals[1], "MGET saw a half-applied EXEC")
		_ = r
	}
	<-done
	v, _ := s.Get("x")
	assert.Equal(t, strconv.Itoa(n), v)
}

package embedis

import (
	"context"
	"errors"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/embedis/embedis/keyspace"
	"github.com/embedis/embedis/types"
)

// listScenario was recorded from redis-server 7.0.15 (RESP2 and, where it
// differs, RESP3); 7.4 gives the same replies for all of these commands.
var listScenario = []struct{ cmd, resp2, resp3 string }{
	{"LPUSH l a b c", ":3\r\n", ""},
	{"RPUSH l d e", ":5\r\n", ""},
	{"LRANGE l 0 -1", "*5\r\n$1\r\nc\r\n$1\r\nb\r\n$1\r\na\r\n$1\r\nd\r\n$1\r\ne\r\n", ""},
	{"LRANGE l -2 -1", "*2\r\n$1\r\nd\r\n$1\r\ne\r\n", ""},
	{"LRANGE l 3 1", "*0\r\n", ""},
	{"LRANGE l -100 100", "*5\r\n$1\r\nc\r\n$1\r\nb\r\n$1\r\na\r\n$1\r\nd\r\n$1\r\ne\r\n", ""},
	{"LRANGE l 5 10", "*0\r\n", ""},
	{"LRANGE l 0 -6", "*0\r\n", ""},
	{"LRANGE missing 0 -1", "*0\r\n", ""},
	{"LRANGE l x 1", "-ERR value is not an integer or out of range\r\n", ""},
	{"LLEN l", ":5\r\n", ""},
	{"LLEN missing", ":0\r\n", ""},
	{"LINDEX l 0", "$1\r\nc\r\n", ""},
	{"LINDEX l -1", "$1\r\ne\r\n", ""},
	{"LINDEX l 5", "$-1\r\n", "_\r\n"},
	{"LINDEX l -6", "$-1\r\n", "_\r\n"},
	{"LINDEX missing x", "$-1\r\n", "_\r\n"},
	{"LINDEX l x", "-ERR value is not an integer or out of range\r\n", ""},
	{"LPUSHX missing a", ":0\r\n", ""},
	{"RPUSHX missing a", ":0\r\n", ""},
	{"EXISTS missing", ":0\r\n", ""},
	{"LPUSHX l z", ":6\r\n", ""},
	{"RPUSHX l y z", ":8\r\n", ""},
	{"LSET l 0 A", "+OK\r\n", ""},
	{"LSET l -1 Z", "+OK\r\n", ""},
	{"LSET l 7 x", "+OK\r\n", ""},
	{"LSET l -8 x", "+OK\r\n", ""},
	{"LSET missing 0 x", "-ERR no such key\r\n", ""},
	{"LSET l x y", "-ERR value is not an integer or out of range\r\n", ""},
	{"LRANGE l 0 -1", "*8\r\n$1\r\nx\r\n$1\r\nc\r\n$1\r\nb\r\n$1\r\na\r\n$1\r\nd\r\n$1\r\ne\r\n$1\r\ny\r\n$1\r\nx\r\n", ""},
	{"LINSERT l BEFORE A first", ":-1\r\n", ""},
	{"LINSERT l after Z last", ":-1\r\n", ""},
	{"LINSERT l before nope x", ":-1\r\n", ""},
	{"LINSERT missing before a x", ":0\r\n", ""},
	{"LINSERT l middle a x", "-ERR syntax error\r\n", ""},
	{"LRANGE l 0 -1", "*8\r\n$1\r\nx\r\n$1\r\nc\r\n$1\r\nb\r\n$1\r\na\r\n$1\r\nd\r\n$1\r\ne\r\n$1\r\ny\r\n$1\r\nx\r\n", ""},
	{"LREM l 0 nothing", ":0\r\n", ""},
	{"RPUSH r a b a c a b a", ":7\r\n", ""},
	{"LREM r 2 a", ":2\r\n", ""},
	{"LRANGE r 0 -1", "*5\r\n$1\r\nb\r\n$1\r\nc\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\na\r\n", ""},
	{"LREM r -1 a", ":1\r\n", ""},
	{"LRANGE r 0 -1", "*4\r\n$1\r\nb\r\n$1\r\nc\r\n$1\r\na\r\n$1\r\nb\r\n", ""},
	{"LREM r 0 b", ":2\r\n", ""},
	{"LRANGE r 0 -1", "*2\r\n$1\r\nc\r\n$1\r\na\r\n", ""},
	{"LREM r 0 c", ":1\r\n", ""},
	{"LREM r 0 a", ":1\r\n", ""},
	{"EXISTS r", ":0\r\n", ""},
	{"LREM r x a", "-ERR value is not an integer or out of range\r\n", ""},
	{"RPUSH t 1 2 3 4 5 6", ":6\r\n", ""},
	{"LTRIM t 1 -2", "+OK\r\n", ""},
	{"LRANGE t 0 -1", "*4\r\n$1\r\n2\r\n$1\r\n3\r\n$1\r\n4\r\n$1\r\n5\r\n", ""},
	{"LTRIM t 0 100", "+OK\r\n", ""},
	{"LTRIM t -100 1", "+OK\r\n", ""},
	{"LRANGE t 0 -1", "*2\r\n$1\r\n2\r\n$1\r\n3\r\n", ""},
	{"LTRIM t 5 1", "+OK\r\n", ""},
	{"EXISTS t", ":0\r\n", ""},
	{"LTRIM missing 0 1", "+OK\r\n", ""},
	{"LTRIM t a 1", "-ERR value is not an integer or out of range\r\n", ""},
	{"RPUSH p a b c d e", ":5\r\n", ""},
	{"LPOP p", "$1\r\na\r\n", ""},
	{"RPOP p", "$1\r\ne\r\n", ""},
	{"LPOP p 0", "*0\r\n", ""},
	{"LPOP p 2", "*2\r\n$1\r\nb\r\n$1\r\nc\r\n", ""},
	{"RPOP p 5", "*1\r\n$1\r\nd\r\n", ""},
	{"EXISTS p", ":0\r\n", ""},
	{"LPOP p", "$-1\r\n", "_\r\n"},
	{"LPOP p 0", "*-1\r\n", "_\r\n"},
	{"RPOP p 3", "*-1\r\n", "_\r\n"},
	{"LPOP p -1", "-ERR value is out of range, must be positive\r\n", ""},
	{"LPOP p x", "-ERR value is out of range, must be positive\r\n", ""},
	{"LPOP p 1 2", "-ERR wrong number of arguments for 'lpop' command\r\n", ""},
	{"RPUSH p 1 2 3", ":3\r\n", ""},
	{"RPOP p 2", "*2\r\n$1\r\n3\r\n$1\r\n2\r\n", ""},
	{"RPUSH pos a b c a b c a", ":7\r\n", ""},
	{"LPOS pos a", ":0\r\n", ""},
	{"LPOS pos a RANK 2", ":3\r\n", ""},
	{"LPOS pos a RANK -1", ":6\r\n", ""},
	{"LPOS pos a RANK -3", ":0\r\n", ""},
	{"LPOS pos a RANK 4", "$-1\r\n", "_\r\n"},
	{"LPOS pos a COUNT 0", "*3\r\n:0\r\n:3\r\n:6\r\n", ""},
	{"LPOS pos a COUNT 2", "*2\r\n:0\r\n:3\r\n", ""},
	{"LPOS pos a COUNT 0 RANK -1", "*3\r\n:6\r\n:3\r\n:0\r\n", ""},
	{"LPOS pos a COUNT 0 RANK 2 MAXLEN 4", "*1\r\n:3\r\n", ""},
	{"LPOS pos a MAXLEN 1 RANK -1", ":6\r\n", ""},
	{"LPOS pos c COUNT 1 MAXLEN 3", "*1\r\n:2\r\n", ""},
	{"LPOS pos z COUNT 0", "*0\r\n", ""},
	{"LPOS pos z", "$-1\r\n", "_\r\n"},
	{"LPOS missing a", "$-1\r\n", "_\r\n"},
	{"LPOS missing a COUNT 0", "*0\r\n", ""},
	{"LPOS pos a RANK 0", "-ERR RANK can't be zero: use 1 to start from the first match, 2 from the second ... or use negative to start from the end of the list\r\n", ""},
	{"LPOS missing a RANK 0", "-ERR RANK can't be zero: use 1 to start from the first match, 2 from the second ... or use negative to start from the end of the list\r\n", ""},
	{"LPOS pos a COUNT -1", "-ERR COUNT can't be negative\r\n", ""},
	{"LPOS pos a MAXLEN -1", "-ERR MAXLEN can't be negative\r\n", ""},
	{"LPOS pos a RANK x", "-ERR value is not an integer or out of range\r\n", ""},
	{"LPOS pos a COUNT x", "-ERR COUNT can't be negative\r\n", ""},
	{"LPOS pos a rank", "-ERR syntax error\r\n", ""},
	{"LPOS pos a BOGUS 1", "-ERR syntax error\r\n", ""},
	{"LPOS pos a rank 9223372036854775807", "$-1\r\n", "_\r\n"},
	{"RPUSH src 1 2 3", ":3\r\n", ""},
	{"LMOVE src dst LEFT RIGHT", "$1\r\n1\r\n", ""},
	{"LMOVE src dst right left", "$1\r\n3\r\n", ""},
	{"LRANGE src 0 -1", "*1\r\n$1\r\n2\r\n", ""},
	{"LRANGE dst 0 -1", "*2\r\n$1\r\n3\r\n$1\r\n1\r\n", ""},
	{"LMOVE src src LEFT RIGHT", "$1\r\n2\r\n", ""},
	{"LMOVE src dst RIGHT LEFT", "$1\r\n2\r\n", ""},
	{"EXISTS src", ":0\r\n", ""},
	{"LMOVE src dst LEFT LEFT", "$-1\r\n", "_\r\n"},
	{"LMOVE dst dst RIGHT LEFT", "$1\r\n1\r\n", ""},
	{"LRANGE dst 0 -1", "*3\r\n$1\r\n1\r\n$1\r\n2\r\n$1\r\n3\r\n", ""},
	{"RPOPLPUSH dst other", "$1\r\n3\r\n", ""},
	{"RPOPLPUSH missing other", "$-1\r\n", "_\r\n"},
	{"LMOVE src dst UP LEFT", "-ERR syntax error\r\n", ""},
	{"LMOVE src dst LEFT UP", "-ERR syntax error\r\n", ""},
	{"LMOVE missing dst LEFT UP", "-ERR syntax error\r\n", ""},
	{"SET str v", "+OK\r\n", ""},
	{"LMOVE dst str LEFT LEFT", "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n", ""},
	{"LRANGE dst 0 -1", "*2\r\n$1\r\n1\r\n$1\r\n2\r\n", ""},
	{"LMOVE str dst LEFT LEFT", "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n", ""},
	{"RPOPLPUSH dst str", "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n", ""},
	{"LPUSH str a", "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n", ""},
	{"RPUSH str a", "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n", ""},
	{"LPUSHX str a", "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n", ""},
	{"LPOP str", "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n", ""},
	{"RPOP str 1", "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n", ""},
	{"LRANGE str 0 1", "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n", ""},
	{"LINDEX str 0", "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n", ""},
	{"LLEN str", "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n", ""},
	{"LSET str 0 a", "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n", ""},
	{"LINSERT str before a b", "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n", ""},
	{"LREM str 0 a", "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n", ""},
	{"LTRIM str 0 1", "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n", ""},
	{"LPOS str a", "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n", ""},
	{"RPUSH m1 a b c", ":3\r\n", ""},
	{"RPUSH m2 x y", ":2\r\n", ""},
	{"LMPOP 2 missing m1 LEFT", "*2\r\n$2\r\nm1\r\n*1\r\n$1\r\na\r\n", ""},
	{"LMPOP 2 missing m1 RIGHT COUNT 5", "*2\r\n$2\r\nm1\r\n*2\r\n$1\r\nc\r\n$1\r\nb\r\n", ""},
	{"EXISTS m1", ":0\r\n", ""},
	{"LMPOP 2 m1 m2 right count 1", "*2\r\n$2\r\nm2\r\n*1\r\n$1\r\ny\r\n", ""},
	{"LMPOP 1 missing LEFT", "*-1\r\n", "_\r\n"},
	{"LMPOP 2 str m2 LEFT", "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n", ""},
	{"LMPOP 2 m2 str LEFT", "*2\r\n$2\r\nm2\r\n*1\r\n$1\r\nx\r\n", ""},
	{"LMPOP 0 m2 LEFT", "-ERR numkeys should be greater than 0\r\n", ""},
	{"LMPOP x m2 LEFT", "-ERR numkeys should be greater than 0\r\n", ""},
	{"LMPOP -1 m2 LEFT", "-ERR numkeys should be greater than 0\r\n", ""},
	{"LMPOP 2 m2 LEFT", "-ERR syntax error\r\n", ""},
	{"LMPOP 1 m2 MIDDLE", "-ERR syntax error\r\n", ""},
	{"LMPOP 1 m2 LEFT COUNT 0", "-ERR count should be greater than 0\r\n", ""},
	{"LMPOP 1 m2 LEFT COUNT x", "-ERR count should be greater than 0\r\n", ""},
	{"LMPOP 1 m2 LEFT COUNT 1 COUNT 1", "-ERR syntax error\r\n", ""},
	{"LMPOP 1 m2 LEFT COUNT", "-ERR syntax error\r\n", ""},
	{"LMPOP 1 m2 LEFT BOGUS", "-ERR syntax error\r\n", ""},
	{"LMPOP 9223372036854775807 m2 LEFT", "-ERR syntax error\r\n", ""},
	{"BLPOP missing str 0", "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n", ""},
	{"RPUSH m2 again", ":1\r\n", ""},
	{"BLPOP m2 0", "*2\r\n$2\r\nm2\r\n$5\r\nagain\r\n", ""},
	{"BLPOP missing x", "-ERR timeout is not a float or out of range\r\n", ""},
	{"BLPOP missing -1", "-ERR timeout is negative\r\n", ""},
	{"BLPOP missing nan", "-ERR timeout is not a float or out of range\r\n", ""},
	{"BRPOP missing 0.01", "*-1\r\n", "_\r\n"},
	{"BLPOP missing 0.01", "*-1\r\n", "_\r\n"},
	{"BLMOVE missing dst LEFT LEFT 0.01", "*-1\r\n", "_\r\n"},
	{"BRPOPLPUSH missing dst 0.01", "*-1\r\n", "_\r\n"},
	{"BLMPOP 0.01 1 missing LEFT", "*-1\r\n", "_\r\n"},
	{"BLMPOP 0.01 1 missing LEFT COUNT 2", "*-1\r\n", "_\r\n"},
	{"BLMOVE m1 dst LEFT MIDDLE 0", "-ERR syntax error\r\n", ""},
	{"BLMOVE m1 dst LEFT LEFT x", "-ERR timeout is not a float or out of range\r\n", ""},
	{"BLMOVE str dst LEFT LEFT 0", "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n", ""},
	{"BLMPOP x 1 missing LEFT", "-ERR timeout is not a float or out of range\r\n", ""},
	{"BLMPOP -1 1 missing LEFT", "-ERR timeout is negative\r\n", ""},
	{"BLMPOP 0 0 missing LEFT", "-ERR numkeys should be greater than 0\r\n", ""},
	{"BLMPOP 0 1 missing LEFT COUNT 0", "-ERR count should be greater than 0\r\n", ""},
	{"BRPOPLPUSH str dst 0", "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n", ""},
	{"RPUSH b1 x y z", ":3\r\n", ""},
	{"BLPOP missing b1 0", "*2\r\n$2\r\nb1\r\n$1\r\nx\r\n", ""},
	{"BRPOP b1 0", "*2\r\n$2\r\nb1\r\n$1\r\nz\r\n", ""},
	{"BLMOVE b1 b2 LEFT RIGHT 0", "$1\r\ny\r\n", ""},
	{"BLMPOP 0 2 missing b2 RIGHT COUNT 3", "*2\r\n$2\r\nb2\r\n*1\r\n$1\r\ny\r\n", ""},
	{"EXISTS b1 b2", ":0\r\n", ""},
	{"MULTI", "+OK\r\n", ""},
	{"BLPOP missing 0", "+QUEUED\r\n", ""},
	{"BRPOP missing 0", "+QUEUED\r\n", ""},
	{"BLMOVE missing x LEFT LEFT 0", "+QUEUED\r\n", ""},
	{"BRPOPLPUSH missing x 0", "+QUEUED\r\n", ""},
	{"BLMPOP 0 1 missing LEFT", "+QUEUED\r\n", ""},
	{"LPUSH ml a", "+QUEUED\r\n", ""},
	{"BLPOP ml 0", "+QUEUED\r\n", ""},
	{"EXEC", "*7\r\n*-1\r\n*-1\r\n$-1\r\n$-1\r\n*-1\r\n:1\r\n*2\r\n$2\r\nml\r\n$1\r\na\r\n", "*7\r\n_\r\n_\r\n_\r\n_\r\n_\r\n:1\r\n*2\r\n$2\r\nml\r\n$1\r\na\r\n"},
	{"LPUSH", "-ERR wrong number of arguments for 'lpush' command\r\n", ""},
	{"LPUSH l", "-ERR wrong number of arguments for 'lpush' command\r\n", ""},
	{"LPOP", "-ERR wrong number of arguments for 'lpop' command\r\n", ""},
	{"LRANGE l 0", "-ERR wrong number of arguments for 'lrange' command\r\n", ""},
	{"LINDEX l", "-ERR wrong number of arguments for 'lindex' command\r\n", ""},
	{"LMOVE a b LEFT", "-ERR wrong number of arguments for 'lmove' command\r\n", ""},
	{"BLPOP l", "-ERR wrong number of arguments for 'blpop' command\r\n", ""},
	{"LMPOP 1 l", "-ERR wrong number of arguments for 'lmpop' command\r\n", ""},
	{"BLMPOP 0 1 l", "-ERR wrong number of arguments for 'blmpop' command\r\n", ""},
}

func TestList_ScenarioMatchesRedis(t *testing.T) {
	for _, proto := range []int{2, 3} {
		s, _ := openTest(t)
		sess := s.NewSession()
		sess.SetProto(proto)
		for _, c := range listScenario {
			want := c.resp2
			if proto == 3 && c.resp3 != "" {
				want = c.resp3
			}
			assert.Equal(t, want, do(t, sess, strings.Fields(c.cmd)...), "RESP%d: %s", proto, c.cmd)
		}
		for _, k := range []string{"l", "pos", "dst", "other", "b2", "ml"} {
			checkList(t, s, k)
		}
	}
}

// checkList runs the invariant check of key's list, if it is one.
func checkList(t *testing.T, s *Store, key string) {
	t.Helper()
	var c keyspace.Ctx
	s.Keyspace().Begin(&c)
	c.Lock(key)
	var err error
	if e := c.Peek(0, key); e != nil && e.Kind() == keyspace.KindList {
		err = e.Obj().(*types.List).Check()
	}
	c.Unlock()
	c.Finish()
	require.NoError(t, err, key)
}

// waiters returns how many clients are blocked on key in db 0.
func waiters(s *Store, key string) int {
	var c keyspace.Ctx
	s.Keyspace().Begin(&c)
	c.Lock(key)
	n := c.Waiting(0, key)
	c.Unlock()
	c.Finish()
	return n
}

// waitBlocked waits until n clients are blocked on key.
func waitBlocked(t *testing.T, s *Store, key string, n int) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for waiters(s, key) != n {
		if time.Now().After(deadline) {
			t.Fatalf("expected %d waiters on %q, have %d", n, key, waiters(s, key))
		}
		time.Sleep(time.Millisecond)
	}
}

// blockedCall runs a command in its own session and goroutine; the reply
// arrives on the returned channel. The session's context ends with the
// test, so a stuck call cannot outlive it.
func blockedCall(t *testing.T, s *Store, args ...string) <-chan string {
	sess := s.NewSession()
	ctx, cancel := context.WithCancel(context.Background())
	sess.Ctx = ctx
	out := make(chan string, 1)
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		out <- do(t, sess, args...)
	}()
	t.Cleanup(func() { cancel(); wg.Wait() })
	return out
}

func listRecv(t *testing.T, ch <-chan string) string {
	t.Helper()
	select {
	case v := <-ch:
		return v
	case <-time.After(5 * time.Second):
		t.Fatal("no reply")
		return ""
	}
}

func TestList_TypedAPI(t *testing.T) {
	s, _ := openTest(t)
	d := s.Select(0)
	n, err := d.LPush("l", "a", "b", "c")
	require.NoError(t, err)
	assert.Equal(t, 3, n)
	n, err = d.RPush("l", "d")
	require.NoError(t, err)
	assert.Equal(t, 4, n)
	got, err := d.LRange("l", 0, -1)
	require.NoError(t, err)
	assert.Equal(t, []string{"c", "b", "a", "d"}, got)
	got, err = d.LRange("missing", 0, -1)
	require.NoError(t, err)
	assert.Equal(t, []string{}, got)

	n, err = d.LPushX("missing", "x")
	assert.NoError(t, err)
	assert.Equal(t, 0, n)
	n, err = d.RPushX("l", "e", "f")
	assert.NoError(t, err)
	assert.Equal(t, 6, n)
	_, err = d.LPush("l")
	assert.EqualError(t, err, "ERR wrong number of arguments for 'lpush' command")

	v, err := d.LIndex("l", -1)
	assert.NoError(t, err)
	assert.Equal(t, "f", v)
	_, err = d.LIndex("l", 6)
	assert.ErrorIs(t, err, Nil)
	_, err = d.LIndex("missing", 0)
	assert.ErrorIs(t, err, Nil)

	assert.NoError(t, d.LSet("l", 0, "C"))
	assert.ErrorIs(t, d.LSet("l", 10, "x"), ErrIndexOutOfRange)
	assert.ErrorIs(t, d.LSet("missing", 0, "x"), ErrNoSuchKey)

	n, err = d.LInsert("l", true, "C", "first")
	assert.NoError(t, err)
	assert.Equal(t, 7, n)
	n, err = d.LInsert("l", false, "nope", "x")
	assert.NoError(t, err)
	assert.Equal(t, -1, n)
	n, err = d.LInsert("missing", false, "a", "x")
	assert.NoError(t, err)
	assert.Equal(t, 0, n)

	n, err = d.LLen("l")
	assert.NoError(t, err)
	assert.Equal(t, 7, n)

	v, err = d.LPop("l")
	assert.NoError(t, err)
	assert.Equal(t, "first", v)
	v, err = d.RPop("l")
	assert.NoError(t, err)
	assert.Equal(t, "f", v)
	_, err = d.LPop("missing")
	assert.ErrorIs(t, err, Nil)
	vals, err := d.LPopCount("l", 2)
	assert.NoError(t, err)
	assert.Equal(t, []string{"C", "b"}, vals)
	vals, err = d.RPopCount("l", 0)
	assert.NoError(t, err)
	assert.Equal(t, []string{}, vals)
	_, err = d.LPopCount("missing", 1)
	assert.ErrorIs(t, err, Nil)
	_, err = d.LPopCount("l", -1)
	assert.EqualError(t, err, "ERR value is out of range, must be positive")
	vals, err = d.RPopCount("l", 10)
	assert.NoError(t, err)
	assert.Equal(t, []string{"e", "d", "a"}, vals)
	n = d.Exists("l")
	assert.Equal(t, 0, n, "an emptied list is deleted")

	// LREM, LTRIM
	d.RPush("r", "a", "b", "a", "c", "a")
	n, err = d.LRem("r", -2, "a")
	assert.NoError(t, err)
	assert.Equal(t, 2, n)
	got, _ = d.LRange("r", 0, -1)
	assert.Equal(t, []string{"a", "b", "c"}, got)
	assert.NoError(t, d.LTrim("r", 1, 1))
	got, _ = d.LRange("r", 0, -1)
	assert.Equal(t, []string{"b"}, got)
	assert.NoError(t, d.LTrim("r", 1, 0))
	n = d.Exists("r")
	assert.Equal(t, 0, n)
	assert.NoError(t, d.LTrim("missing", 0, 1))

	// LPOS
	d.RPush("p", "a", "b", "c", "a", "b", "c", "a")
	i, err := d.LPos("p", "a", nil)
	assert.NoError(t, err)
	assert.Equal(t, int64(0), i)
	i, err = d.LPos("p", "a", &LPosArgs{Rank: -2})
	assert.NoError(t, err)
	assert.Equal(t, int64(3), i)
	_, err = d.LPos("p", "z", nil)
	assert.ErrorIs(t, err, Nil)
	_, err = d.LPos("p", "a", &LPosArgs{Rank: 4})
	assert.ErrorIs(t, err, Nil)
	is, err := d.LPosCount("p", "a", 0, &LPosArgs{Rank: 2})
	assert.NoError(t, err)
	assert.Equal(t, []int64{3, 6}, is)
	is, err = d.LPosCount("p", "a", 0, &LPosArgs{MaxLen: 4})
	assert.NoError(t, err)
	assert.Equal(t, []int64{0, 3}, is)
	is, err = d.LPosCount("missing", "a", 1, nil)
	assert.NoError(t, err)
	assert.Empty(t, is)
	_, err = d.LPosCount("p", "a", -1, nil)
	assert.EqualError(t, err, "ERR COUNT can't be negative")
	_, err = d.LPos("p", "a", &LPosArgs{MaxLen: -1})
	assert.EqualError(t, err, "ERR MAXLEN can't be negative")
	// 7.4 checks RANK's range (-LONG_MAX..LONG_MAX); 7.0 accepted LONG_MIN.
	_, err = d.LPos("p", "a", &LPosArgs{Rank: minInt64})
	assert.EqualError(t, err, "ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807")
	sess := s.NewSession()
	assert.Equal(t, "-ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807\r\n",
		do(t, sess, "LPOS", "p", "a", "RANK", "-9223372036854775808"))

	// LMOVE, RPOPLPUSH, LMPOP
	d.RPush("src", "1", "2", "3")
	v, err = d.LMove("src", "dst", Left, Right)
	assert.NoError(t, err)
	assert.Equal(t, "1", v)
	v, err = d.RPopLPush("src", "dst")
	assert.NoError(t, err)
	assert.Equal(t, "3", v)
	got, _ = d.LRange("dst", 0, -1)
	assert.Equal(t, []string{"3", "1"}, got)
	v, err = d.LMove("dst", "dst", Left, Right)
	assert.NoError(t, err)
	assert.Equal(t, "3", v)
	got, _ = d.LRange("dst", 0, -1)
	assert.Equal(t, []string{"1", "3"}, got)
	_, err = d.LMove("missing", "dst", Left, Right)
	assert.ErrorIs(t, err, Nil)
	_, err = d.Set("str", "v", nil)
	require.NoError(t, err)
	_, err = d.LMove("src", "str", Left, Right)
	assert.ErrorIs(t, err, ErrWrongType)
	got, _ = d.LRange("src", 0, -1)
	assert.Equal(t, []string{"2"}, got, "nothing moves when dst has the wrong type")

	key, vals, err := d.LMPop(Right, 5, "missing", "dst", "src")
	assert.NoError(t, err)
	assert.Equal(t, "dst", key)
	assert.Equal(t, []string{"3", "1"}, vals)
	_, _, err = d.LMPop(Left, 1, "missing")
	assert.ErrorIs(t, err, Nil)
	_, _, err = d.LMPop(Left, 1, "str", "src")
	assert.ErrorIs(t, err, ErrWrongType)
	_, _, err = d.LMPop(Left, 0, "src")
	assert.EqualError(t, err, "ERR count should be greater than 0")
	_, _, err = d.LMPop(Left, 1)
	assert.EqualError(t, err, "ERR numkeys should be greater than 0")

	// wrong type everywhere
	_, err = d.LPush("str", "a")
	assert.ErrorIs(t, err, ErrWrongType)
	_, err = d.LLen("str")
	assert.ErrorIs(t, err, ErrWrongType)
	_, err = d.LRange("str", 0, 1)
	assert.ErrorIs(t, err, ErrWrongType)
	_, err = d.LPop("str")
	assert.ErrorIs(t, err, ErrWrongType)
	_, err = d.LPos("str", "a", nil)
	assert.ErrorIs(t, err, ErrWrongType)
	checkList(t, s, "src")
}

func TestList_LargeListModel(t *testing.T) {
	s, _ := openTest(t)
	d := s.Select(0)
	var front, back []string // the model: front reversed, then back
	for i := range 20000 {
		v := strconv.Itoa(i)
		if i%7 == 0 {
			v = strings.Repeat("x", i%300)
		}
		if i%2 == 0 {
			d.RPush("big", v)
			back = append(back, v)
		} else {
			d.LPush("big", v)
			front = append(front, v)
		}
	}
	slices.Reverse(front)
	model := append(front, back...)
	for _, i := range []int64{0, 1, 5000, 9999, 10000, 19999, -1, -20000} {
		v, err := d.LIndex("big", i)
		require.NoError(t, err)
		j := i
		if j < 0 {
			j += int64(len(model))
		}
		assert.Equal(t, model[j], v, "LINDEX %d", i)
	}
	got, err := d.LRange("big", 9990, 10010)
	require.NoError(t, err)
	assert.Equal(t, model[9990:10011], got)
	n, err := d.LInsert("big", false, "101", "inserted")
	require.NoError(t, err)
	j := slices.Index(model, "101")
	model = slices.Insert(model, j+1, "inserted")
	assert.Equal(t, len(model), n)
	removed, err := d.LRem("big", 0, "")
	require.NoError(t, err)
	before := len(model)
	model = slices.DeleteFunc(model, func(s string) bool { return s == "" })
	assert.Equal(t, before-len(model), removed)
	require.NoError(t, d.LTrim("big", 100, -101))
	model = model[100 : len(model)-100]
	got, err = d.LRange("big", 0, -1)
	require.NoError(t, err)
	assert.Equal(t, model, got)
	checkList(t, s, "big")

	// COPY clones the list
	ok, err := d.Copy("big", "copy", nil)
	require.NoError(t, err)
	require.True(t, ok)
	d.LPush("copy", "only-in-copy")
	got2, _ := d.LRange("copy", 1, -1)
	assert.Equal(t, model, got2)
	checkList(t, s, "copy")
}

// listRecorder records journal records and keyspace events.
type listRecorder struct {
	mu      sync.Mutex
	records []string
	events  []string
}

func (r *listRecorder) journal(recs []keyspace.Record) uint64 {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, rec := range recs {
		r.records = append(r.records, strings.Join(rec.Args, " "))
	}
	return 0
}

func (r *listRecorder) notify(evs []keyspace.Event) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, e := range evs {
		if e.Class&keyspace.NotifyKeyMiss == 0 {
			r.events = append(r.events, e.Name+":"+e.Key)
		}
	}
}

func (r *listRecorder) take() (records, events []string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	records, events = r.records, r.events
	r.records, r.events = nil, nil
	return records, events
}

func TestList_JournalAndEvents(t *testing.T) {
	s, err := Open(&Options{NotifyKeyspaceEvents: "KEA"})
	require.NoError(t, err)
	t.Cleanup(func() { s.Close() })
	rec := &listRecorder{}
	s.Keyspace().SetHooks(&keyspace.Hooks{Journal: rec.journal, Notify: rec.notify})
	sess := s.NewSession()
	none := []string(nil)
	step := func(wantRecords, wantEvents []string, args ...string) {
		t.Helper()
		do(t, sess, args...)
		records, events := rec.take()
		assert.Equal(t, wantRecords, records, "records of %q", args)
		assert.Equal(t, wantEvents, events, "events of %q", args)
	}
	step([]string{"LPUSH l a b"}, []string{"lpush:l"}, "LPUSH", "l", "a", "b")
	step([]string{"RPUSH l c"}, []string{"rpush:l"}, "RPUSHX", "l", "c")
	step(none, none, "LPUSHX", "missing", "c")
	step([]string{"LPOP l"}, []string{"lpop:l"}, "LPOP", "l")
	step(none, none, "LPOP", "l", "0")
	step([]string{"LSET l 0 A"}, []string{"lset:l"}, "LSET", "l", "0", "A")
	step([]string{"LINSERT l BEFORE A z"}, []string{"linsert:l"}, "LINSERT", "l", "before", "A", "z")
	step(none, none, "LINSERT", "l", "before", "nope", "z")
	step(none, none, "LREM", "l", "0", "nope")
	step([]string{"LREM l 1 z"}, []string{"lrem:l"}, "LREM", "l", "1", "z")
	step(none, []string{"ltrim:l"}, "LTRIM", "l", "0", "-1")
	// LMOVE: the destination's push event comes before the source's pop
	step([]string{"LMOVE l d LEFT RIGHT"}, []string{"rpush:d", "lpop:l"}, "LMOVE", "l", "d", "LEFT", "RIGHT")
	step([]string{"LMOVE l d RIGHT LEFT"}, []string{"lpush:d", "rpop:l", "del:l"}, "RPOPLPUSH", "l", "d")
	step([]string{"RPOP d 1"}, []string{"rpop:d"}, "LMPOP", "2", "missing", "d", "RIGHT")
	step([]string{"LPOP d 1"}, []string{"lpop:d", "del:d"}, "LMPOP", "1", "d", "LEFT", "COUNT", "5")
	step([]string{"RPUSH t 1 2 3"}, []string{"rpush:t"}, "RPUSH", "t", "1", "2", "3")
	step([]string{"LTRIM t 1 1"}, []string{"ltrim:t"}, "LTRIM", "t", "1", "1")
	step([]string{"LPOP t 1"}, []string{"lpop:t", "del:t"}, "LPOP", "t", "5") // the count popped
	// blocking commands served at once journal their non-blocking form
	do(t, sess, "RPUSH", "b", "1", "2", "3", "4")
	rec.take()
	step([]string{"LPOP b"}, []string{"lpop:b"}, "BLPOP", "missing", "b", "0")
	step([]string{"RPOP b"}, []string{"rpop:b"}, "BRPOP", "b", "0")
	step([]string{"LMOVE b c LEFT LEFT"}, []string{"lpush:c", "lpop:b"}, "BLMOVE", "b", "c", "LEFT", "LEFT", "0")
	step([]string{"LPOP b 1"}, []string{"lpop:b", "del:b"}, "BLMPOP", "0", "1", "b", "LEFT", "COUNT", "3")

	// a blocked pop journals the pop that served it
	reply := blockedCall(t, s, "BLPOP", "w", "0")
	waitBlocked(t, s, "w", 1)
	do(t, s.NewSession(), "RPUSH", "w", "x")
	assert.Equal(t, "*2\r\n$1\r\nw\r\n$1\r\nx\r\n", listRecv(t, reply))
	records, events := rec.take()
	assert.Equal(t, []string{"RPUSH w x", "LPOP w"}, records)
	assert.Equal(t, []string{"rpush:w", "lpop:w", "del:w"}, events)

	// typed calls journal the same
	d := s.Select(0)
	d.RPush("y", "1", "2")
	d.LMove("y", "y", Left, Right)
	d.LPopCount("y", 5)
	records, events = rec.take()
	assert.Equal(t, []string{"RPUSH y 1 2", "LMOVE y y LEFT RIGHT", "LPOP y 2"}, records)
	assert.Equal(t, []string{"rpush:y", "rpush:y", "lpop:y", "lpop:y", "del:y"}, events)
}

func TestList_CommandTable(t *testing.T) {
	cases := []struct {
		name                     string
		arity, first, last, step int
		flags                    []string
	}{
		{"lpush", -3, 1, 1, 1, []string{"write", "denyoom", "fast"}},
		{"lpop", -2, 1, 1, 1, []string{"write", "fast"}},
		{"lrange", 4, 1, 1, 1, []string{"readonly"}},
		{"llen", 2, 1, 1, 1, []string{"readonly", "fast"}},
		{"lmove", 5, 1, 2, 1, []string{"write", "denyoom"}},
		{"lmpop", -4, 0, 0, 0, []string{"write", "movablekeys"}},
		{"blpop", -3, 1, -2, 1, []string{"write", "noscript", "blocking"}},
		{"blmove", 6, 1, 2, 1, []string{"write", "denyoom", "noscript", "blocking"}},
		{"blmpop", -5, 0, 0, 0, []string{"write", "blocking", "movablekeys"}},
	}
	for _, c := range cases {
		cmd := LookupCommand(c.name)
		require.NotNil(t, cmd, c.name)
		assert.Equal(t, c.arity, cmd.Arity, c.name)
		assert.Equal(t, c.first, cmd.FirstKey, c.name)
		assert.Equal(t, c.last, cmd.LastKey, c.name)
		assert.Equal(t, c.step, cmd.Step, c.name)
		assert.ElementsMatch(t, c.flags, cmd.Flags(), c.name)
	}
	keys := func(args ...string) []int {
		b := make([][]byte, len(args))
		for i, a := range args {
			b[i] = []byte(a)
		}
		return LookupCommand(args[0]).KeyPositions(b)
	}
	assert.Equal(t, []int{2, 3}, keys("LMPOP", "2", "a", "b", "LEFT"))
	assert.Equal(t, []int{3}, keys("BLMPOP", "0", "1", "a", "LEFT", "COUNT", "2"))
	assert.Nil(t, keys("LMPOP", "3", "a", "b", "LEFT"))
	assert.Nil(t, keys("LMPOP", "x", "a", "LEFT"))
	assert.Equal(t, []int{1, 2}, keys("BLPOP", "a", "b", "0"))
}

func TestBLPop_PushServesTheLastPushedHead(t *testing.T) {
	s, _ := openTest(t)
	reply := blockedCall(t, s, "BLPOP", "k", "0")
	waitBlocked(t, s, "k", 1)
	assert.Equal(t, ":3\r\n", do(t, s.NewSession(), "LPUSH", "k", "a", "b", "c"))
	// the waiter is served after LPUSH completes: the head is c
	assert.Equal(t, "*2\r\n$1\r\nk\r\n$1\r\nc\r\n", listRecv(t, reply))
	assert.Equal(t, "*2\r\n$1\r\nb\r\n$1\r\na\r\n", do(t, s.NewSession(), "LRANGE", "k", "0", "-1"))
	assert.Equal(t, 0, waiters(s, "k"))
}

func TestBLPop_WaitersAreServedFIFO(t *testing.T) {
	s, _ := openTest(t)
	first := blockedCall(t, s, "BRPOP", "q", "other", "0")
	waitBlocked(t, s, "q", 1)
	second := blockedCall(t, s, "BLPOP", "q", "0")
	waitBlocked(t, s, "q", 2)
	sess := s.NewSession()
	do(t, sess, "RPUSH", "q", "x")
	assert.Equal(t, "*2\r\n$1\r\nq\r\n$1\r\nx\r\n", listRecv(t, first))
	waitBlocked(t, s, "q", 1)
	select {
	case r := <-second:
		t.Fatalf("second waiter served early: %q", r)
	default:
	}
	do(t, sess, "RPUSH", "q", "y", "z")
	assert.Equal(t, "*2\r\n$1\r\nq\r\n$1\r\ny\r\n", listRecv(t, second))
	assert.Equal(t, "*1\r\n$1\r\nz\r\n", do(t, sess, "LRANGE", "q", "0", "-1"))
	waitBlocked(t, s, "other", 0)
}

func TestBLPop_ServedAfterExec(t *testing.T) {
	s, _ := openTest(t)
	reply := blockedCall(t, s, "BLPOP", "k", "0")
	waitBlocked(t, s, "k", 1)
	sess := s.NewSession()
	do(t, sess, "MULTI")
	do(t, sess, "RPUSH", "k", "a")
	do(t, sess, "LPUSH", "k", "b")
	do(t, sess, "RPUSH", "k", "c")
	assert.Equal(t, "*3\r\n:1\r\n:2\r\n:3\r\n", do(t, sess, "EXEC"))
	// the waiter sees the state after EXEC: b a c
	assert.Equal(t, "*2\r\n$1\r\nk\r\n$1\r\nb\r\n", listRecv(t, reply))

	// a push undone in the same transaction serves nobody
	reply = blockedCall(t, s, "BLPOP", "k2", "0")
	waitBlocked(t, s, "k2", 1)
	do(t, sess, "MULTI")
	do(t, sess, "LPUSH", "k2", "a")
	do(t, sess, "DEL", "k2")
	do(t, sess, "EXEC")
	waitBlocked(t, s, "k2", 1)
	do(t, sess, "RPUSH", "k2", "late")
	assert.Equal(t, "*2\r\n$2\r\nk2\r\n$4\r\nlate\r\n", listRecv(t, reply))
}

func TestBLPop_OtherTypesDoNotWake(t *testing.T) {
	s, _ := openTest(t)
	reply := blockedCall(t, s, "BLPOP", "a", "b", "0")
	waitBlocked(t, s, "a", 1)
	sess := s.NewSession()
	do(t, sess, "SET", "tmp", "x")
	do(t, sess, "RENAME", "tmp", "a") // a string arrives at a: no wake-up
	waitBlocked(t, s, "a", 1)
	select {
	case r := <-reply:
		t.Fatalf("served by a string: %q", r)
	default:
	}
	// a list arriving at b re-runs the command, which meets the string
	// at a first, as Redis's re-execution does
	do(t, sess, "RPUSH", "b", "v")
	assert.Equal(t, "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n", listRecv(t, reply))
	assert.Equal(t, ":1\r\n", do(t, sess, "LLEN", "b"))
}

func TestBLMove_WaitsOnSourceAndChecksDestination(t *testing.T) {
	s, _ := openTest(t)
	sess := s.NewSession()
	reply := blockedCall(t, s, "BLMOVE", "src", "dst", "RIGHT", "LEFT", "0")
	waitBlocked(t, s, "src", 1)
	assert.Equal(t, 0, waiters(s, "dst"), "only the source is waited on")
	do(t, sess, "RPUSH", "src", "a", "b")
	assert.Equal(t, "$1\r\nb\r\n", listRecv(t, reply))
	assert.Equal(t, "*1\r\n$1\r\nb\r\n", do(t, sess, "LRANGE", "dst", "0", "-1"))

	// served later with a destination of the wrong type: WRONGTYPE, and
	// the element stays
	do(t, sess, "SET", "str", "x")
	reply = blockedCall(t, s, "BRPOPLPUSH", "src2", "str", "0")
	waitBlocked(t, s, "src2", 1)
	do(t, sess, "RPUSH", "src2", "v")
	assert.Equal(t, "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n", listRecv(t, reply))
	assert.Equal(t, "*1\r\n$1\r\nv\r\n", do(t, sess, "LRANGE", "src2", "0", "-1"))
}

func TestBLMPop_BlocksOnAllKeys(t *testing.T) {
	s, _ := openTest(t)
	reply := blockedCall(t, s, "BLMPOP", "0", "2", "x", "y", "RIGHT", "COUNT", "2")
	waitBlocked(t, s, "x", 1)
	waitBlocked(t, s, "y", 1)
	do(t, s.NewSession(), "RPUSH", "y", "1", "2", "3")
	assert.Equal(t, "*2\r\n$1\r\ny\r\n*2\r\n$1\r\n3\r\n$1\r\n2\r\n", listRecv(t, reply))
	waitBlocked(t, s, "x", 0)
}

func TestBLPop_Timeout(t *testing.T) {
	s, _ := openTest(t)
	sess := s.NewSession()
	assert.Equal(t, "*-1\r\n", do(t, sess, "BLPOP", "k", "0.02"))
	assert.Equal(t, "*-1\r\n", do(t, sess, "BLMOVE", "k", "d", "LEFT", "LEFT", "0.02"), "a timed-out BLMOVE replies a null array")
	sess.SetProto(3)
	assert.Equal(t, "_\r\n", do(t, sess, "BLMPOP", "0.02", "1", "k", "LEFT"))
	assert.Equal(t, 0, waiters(s, "k"))

	d := s.Select(0)
	_, _, err := d.BLPop(context.Background(), 20*time.Millisecond, "k")
	assert.ErrorIs(t, err, Nil)
	_, err = d.BLMove(context.Background(), "k", "d", Left, Right, 20*time.Millisecond)
	assert.ErrorIs(t, err, Nil)
	_, _, err = d.BLMPop(context.Background(), 20*time.Millisecond, Left, 1, "k")
	assert.ErrorIs(t, err, Nil)
	_, _, err = d.BLPop(context.Background(), -time.Second, "k")
	assert.EqualError(t, err, "ERR timeout is negative")
}

func TestBLPop_TypedAPI(t *testing.T) {
	// registered first, so it runs after the store is closed
	before := goleak.IgnoreCurrent()
	t.Cleanup(func() { goleak.VerifyNone(t, before) })
	s, _ := openTest(t)
	d := s.Select(0)

	// served at once
	d.RPush("k", "a", "b")
	key, v, err := d.BLPop(context.Background(), 0, "missing", "k")
	require.NoError(t, err)
	assert.Equal(t, "k", key)
	assert.Equal(t, "a", v)
	key, v, err = d.BRPop(context.Background(), 0, "k")
	require.NoError(t, err)
	assert.Equal(t, [2]string{"k", "b"}, [2]string{key, v})

	// served by a later push
	type res struct {
		key, val string
		err      error
	}
	ch := make(chan res, 1)
	go func() {
		k, v, err := d.BLPop(context.Background(), 0, "k")
		ch <- res{k, v, err}
	}()
	waitBlocked(t, s, "k", 1)
	d.RPush("k", "x")
	r := <-ch
	require.NoError(t, r.err)
	assert.Equal(t, "x", r.val)

	// canceled by the context: the waiter is removed
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		k, v, err := d.BLPop(ctx, 0, "k", "k2")
		ch <- res{k, v, err}
	}()
	waitBlocked(t, s, "k2", 1)
	cancel()
	r = <-ch
	assert.ErrorIs(t, r.err, context.Canceled)
	assert.Equal(t, 0, waiters(s, "k"))
	assert.Equal(t, 0, waiters(s, "k2"))
	_, _, err = d.BLPop(ctx, 0, "k")
	assert.ErrorIs(t, err, context.Canceled, "an ended context does not wait")

	// deadline of the context
	dctx, dcancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer dcancel()
	_, err = d.BLMove(dctx, "k", "d", Left, Left, 0)
	assert.True(t, errors.Is(err, context.DeadlineExceeded), "%v", err)

	// BLMove and BLMPop served by a push
	ch2 := make(chan res, 1)
	go func() {
		v, err := d.BLMove(context.Background(), "m", "d", Right, Left, time.Minute)
		ch2 <- res{"", v, err}
	}()
	waitBlocked(t, s, "m", 1)
	d.RPush("m", "1", "2")
	r = <-ch2
	require.NoError(t, r.err)
	assert.Equal(t, "2", r.val)
	go func() {
		k, vals, err := d.BLMPop(context.Background(), 0, Left, 5, "none", "m")
		ch2 <- res{k, strings.Join(vals, ","), err}
	}()
	r = <-ch2
	require.NoError(t, r.err)
	assert.Equal(t, res{"m", "1", nil}, r)

	// wrong type
	d.Set("s", "v", nil)
	_, _, err = d.BLPop(context.Background(), 0, "missing", "s")
	assert.ErrorIs(t, err, ErrWrongType)
}

// TestList_ObjectEncoding checks Redis 7.4's listpack/quicklist rule
// (t_list.c listTypeTryConvertListpack / listTypeTryConvertQuicklist,
// list-max-listpack-size -2). Redis 7.0, the difftest oracle, has no
// listpack lists, so these values come from the 7.4 sources.
func TestList_ObjectEncoding(t *testing.T) {
	s, _ := openTest(t)
	sess := s.NewSession()
	do(t, sess, "RPUSH", "l", "a", "b", "c")
	assert.Equal(t, "$8\r\nlistpack\r\n", do(t, sess, "OBJECT", "ENCODING", "l"))
	// an empty listpack is 7 bytes; a push converts when 7 + the raw
	// lengths pushed exceed 8192
	do(t, sess, "RPUSH", "fits", strings.Repeat("x", 8185))
	assert.Equal(t, "$8\r\nlistpack\r\n", do(t, sess, "OBJECT", "ENCODING", "fits"))
	do(t, sess, "RPUSH", "over", strings.Repeat("x", 8186))
	assert.Equal(t, "$9\r\nquicklist\r\n", do(t, sess, "OBJECT", "ENCODING", "over"))

	// 100 values of 100 bytes (103 listpack bytes each): quicklist nodes
	// of 79 and 21 elements. After RPOP 60 one node of 40 remains
	// (4127 bytes > 4096); one more pop takes it to 4024 bytes: listpack.
	args := []string{"RPUSH", "q"}
	for range 100 {
		args = append(args, strings.Repeat("v", 100))
	}
	do(t, sess, args...)
	assert.Equal(t, "$9\r\nquicklist\r\n", do(t, sess, "OBJECT", "ENCODING", "q"))
	do(t, sess, "RPOP", "q", "60")
	assert.Equal(t, "$9\r\nquicklist\r\n", do(t, sess, "OBJECT", "ENCODING", "q"))
	do(t, sess, "RPOP", "q")
	assert.Equal(t, "$8\r\nlistpack\r\n", do(t, sess, "OBJECT", "ENCODING", "q"))
	checkList(t, s, "q")
}

// TestBLPop_ManyWaitersAndPushers checks that every pushed element is
// popped exactly once while clients block and wake concurrently.
func TestBLPop_ManyWaitersAndPushers(t *testing.T) {
	s, _ := openTest(t)
	d := s.Select(0)
	const consumers, producers, perProducer = 6, 3, 100
	total := producers * perProducer
	got := make(chan string, total)
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	for range consumers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				_, v, err := d.BLPop(ctx, 0, "q1", "q2")
				if err != nil {
					return
				}
				got <- v
			}
		}()
	}
	for p := range producers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range perProducer {
				key := "q1"
				if i%2 == 1 {
					key = "q2"
				}
				_, err := d.RPush(key, strconv.Itoa(p*perProducer+i))
				assert.NoError(t, err)
			}
		}()
	}
	seen := map[string]bool{}
	for range total {
		select {
		case v := <-got:
			assert.False(t, seen[v], "popped twice: %s", v)
			seen[v] = true
		case <-time.After(10 * time.Second):
			t.Fatalf("only %d of %d elements popped", len(seen), total)
		}
	}
	cancel()
	wg.Wait()
	assert.Len(t, seen, total)
	assert.Equal(t, 0, waiters(s, "q1")+waiters(s, "q2"))
	n1, _ := d.LLen("q1")
	n2, _ := d.LLen("q2")
	assert.Equal(t, 0, n1+n2)
}

package embedis

import (
	"errors"
	"math"
	"net"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/embedis/embedis/internal/difftest"
	"github.com/embedis/embedis/keyspace"
	"github.com/embedis/embedis/resp"
	"github.com/embedis/embedis/types"
)

// hashRec captures the journal and keyspace events of a store.
type hashRec struct {
	mu   sync.Mutex
	recs []string // "HDEL h f" per record
	evs  []string // "event key"
}

func (r *hashRec) journal() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := r.recs
	r.recs = nil
	return out
}

func (r *hashRec) events() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := r.evs
	r.evs = nil
	return out
}

// hashStore opens a store with a test clock, no background expiry, field
// expiry installed, every keyspace event enabled, and journal/event
// capture. Every hash left at the end of the test is Check()ed.
func hashStore(t *testing.T) (*Store, *Session, *testClock, *hashRec) {
	t.Helper()
	clk := newTestClock()
	s, err := Open(&Options{Clock: clk, DisableActiveExpire: true})
	require.NoError(t, err)
	initHashFieldExpiry(s)
	rec := &hashRec{}
	ks := s.Keyspace()
	ks.SetNotifyFlags(keyspace.NotifyAll | keyspace.NotifyKeyspace | keyspace.NotifyKeyevent)
	ks.SetHooks(&keyspace.Hooks{
		Journal: func(records []keyspace.Record) uint64 {
			rec.mu.Lock()
			defer rec.mu.Unlock()
			for _, r := range records {
				rec.recs = append(rec.recs, strings.Join(r.Args, " "))
			}
			return 0
		},
		Notify: func(events []keyspace.Event) {
			rec.mu.Lock()
			defer rec.mu.Unlock()
			for _, e := range events {
				rec.evs = append(rec.evs, e.Name+" "+e.Key)
			}
		},
	})
	t.Cleanup(func() {
		for db := 0; db < 2; db++ {
			for _, k := range s.Select(db).Keys("*") {
				if h := hashObj(s, db, k); h != nil {
					assert.NoError(t, h.Check(), "hash %q", k)
				}
			}
		}
		s.Close()
	})
	return s, s.NewSession(), clk, rec
}

// hashObj returns the hash value at key (nil if none), for white-box checks.
func hashObj(s *Store, db int, key string) *types.Hash {
	var c keyspace.Ctx
	s.Keyspace().Begin(&c)
	c.Loading = true // look without expiring anything
	c.Lock(key)
	defer c.Unlock()
	e := c.Peek(db, key)
	if e == nil || e.Kind() != keyspace.KindHash {
		return nil
	}
	return objOf[*types.Hash](e)
}

func hashEncodingOf(s *Store, key string) string {
	if h := hashObj(s, 0, key); h != nil {
		return h.Encoding()
	}
	return ""
}

const hashWrongType = "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"

func TestHash_Commands_Basics(t *testing.T) {
	s, sess, _, rec := hashStore(t)
	assert.Equal(t, ":3\r\n", do(t, sess, "HSET", "h", "a", "1", "b", "2", "c", "3"))
	assert.Equal(t, ":1\r\n", do(t, sess, "HSET", "h", "a", "x", "d", "4"))
	assert.Equal(t, "-ERR wrong number of arguments for 'hset' command\r\n", do(t, sess, "HSET", "h", "a", "1", "b"))
	assert.Equal(t, "-ERR wrong number of arguments for 'hset' command\r\n", do(t, sess, "HSET", "h", "a"))
	assert.Equal(t, "-ERR wrong number of arguments for 'hmset' command\r\n", do(t, sess, "HMSET", "h", "a", "1", "b"))
	assert.Equal(t, "+OK\r\n", do(t, sess, "HMSET", "h", "a", "1"))
	assert.Equal(t, "$1\r\n1\r\n", do(t, sess, "HGET", "h", "a"))
	assert.Equal(t, "$-1\r\n", do(t, sess, "HGET", "h", "zz"))
	assert.Equal(t, "$-1\r\n", do(t, sess, "HGET", "nokey", "a"))
	assert.Equal(t, ":4\r\n", do(t, sess, "HLEN", "h"))
	assert.Equal(t, ":0\r\n", do(t, sess, "HLEN", "nokey"))
	assert.Equal(t, ":1\r\n", do(t, sess, "HEXISTS", "h", "b"))
	assert.Equal(t, ":0\r\n", do(t, sess, "HEXISTS", "h", "zz"))
	assert.Equal(t, ":0\r\n", do(t, sess, "HEXISTS", "nokey", "zz"))
	assert.Equal(t, ":1\r\n", do(t, sess, "HSTRLEN", "h", "b"))
	assert.Equal(t, ":0\r\n", do(t, sess, "HSTRLEN", "nokey", "b"))
	// listpack order: insertion order, overwrites in place
	assert.Equal(t, "*8\r\n$1\r\na\r\n$1\r\n1\r\n$1\r\nb\r\n$1\r\n2\r\n$1\r\nc\r\n$1\r\n3\r\n$1\r\nd\r\n$1\r\n4\r\n", do(t, sess, "HGETALL", "h"))
	assert.Equal(t, "*4\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nc\r\n$1\r\nd\r\n", do(t, sess, "HKEYS", "h"))
	assert.Equal(t, "*4\r\n$1\r\n1\r\n$1\r\n2\r\n$1\r\n3\r\n$1\r\n4\r\n", do(t, sess, "HVALS", "h"))
	assert.Equal(t, "*0\r\n", do(t, sess, "HGETALL", "nokey"))
	assert.Equal(t, "*3\r\n$1\r\n1\r\n$-1\r\n$1\r\n3\r\n", do(t, sess, "HMGET", "h", "a", "x", "c"))
	assert.Equal(t, "*1\r\n$-1\r\n", do(t, sess, "HMGET", "nokey", "a"))
	assert.Equal(t, ":0\r\n", do(t, sess, "HSETNX", "h", "a", "x"))
	assert.Equal(t, ":1\r\n", do(t, sess, "HSETNX", "h", "e", "5"))
	assert.Equal(t, ":0\r\n", do(t, sess, "HDEL", "h", "nope"))
	assert.Equal(t, ":0\r\n", do(t, sess, "HDEL", "nokey", "nope"))
	assert.Equal(t, "+hash\r\n", do(t, sess, "TYPE", "h"))
	rec.journal()
	rec.events()
	assert.Equal(t, ":5\r\n", do(t, sess, "HDEL", "h", "a", "b", "c", "d", "e", "f"))
	assert.Equal(t, ":0\r\n", do(t, sess, "EXISTS", "h"))
	assert.Equal(t, []string{"HDEL h a b c d e f"}, rec.journal())
	assert.Equal(t, []string{"hdel h", "del h"}, rec.events())
	_ = s
}

func TestHash_Commands_WrongType(t *testing.T) {
	_, sess, _, _ := hashStore(t)
	do(t, sess, "SET", "s", "x")
	for _, args := range [][]string{
		{"HSET", "s", "a", "1"}, {"HMSET", "s", "a", "1"}, {"HSETNX", "s", "a", "1"}, {"HGET", "s", "a"},
		{"HMGET", "s", "a"}, {"HGETALL", "s"}, {"HKEYS", "s"}, {"HVALS", "s"}, {"HDEL", "s", "a"},
		{"HLEN", "s"}, {"HEXISTS", "s", "a"}, {"HSTRLEN", "s", "a"}, {"HINCRBY", "s", "a", "1"},
		{"HINCRBYFLOAT", "s", "a", "1"}, {"HRANDFIELD", "s"}, {"HRANDFIELD", "s", "1"}, {"HSCAN", "s", "0"},
		{"HEXPIRE", "s", "10", "FIELDS", "1", "a"}, {"HPEXPIREAT", "s", "x", "FIELDS", "0", "a"},
		{"HTTL", "s", "FIELDS", "1", "a"}, {"HPEXPIRETIME", "s", "NOPE", "1", "a"}, {"HPERSIST", "s", "FIELDS", "1", "a"},
	} {
		assert.Equal(t, hashWrongType, do(t, sess, args...), "%v", args)
	}
	// argument checks that come before the type check
	assert.Equal(t, "-ERR value is not an integer or out of range\r\n", do(t, sess, "HINCRBY", "s", "f", "abc"))
	assert.Equal(t, "-ERR value is NaN or Infinity\r\n", do(t, sess, "HINCRBYFLOAT", "s", "f", "inf"))
	assert.Equal(t, "-ERR value is not a valid float\r\n", do(t, sess, "HINCRBYFLOAT", "s", "f", "abc"))
	assert.Equal(t, "-ERR invalid cursor\r\n", do(t, sess, "HSCAN", "s", "x"))
	assert.Equal(t, "-ERR syntax error\r\n", do(t, sess, "HRANDFIELD", "s", "1", "x"))
}

func TestHash_Commands_RESP3Shapes(t *testing.T) {
	_, sess, _, _ := hashStore(t)
	sess.SetProto(3)
	do(t, sess, "HSET", "h", "a", "1", "b", "2")
	assert.Equal(t, "%2\r\n$1\r\na\r\n$1\r\n1\r\n$1\r\nb\r\n$1\r\n2\r\n", do(t, sess, "HGETALL", "h"))
	assert.Equal(t, "%0\r\n", do(t, sess, "HGETALL", "nokey"))
	assert.Equal(t, "*0\r\n", do(t, sess, "HKEYS", "nokey"))
	assert.Equal(t, "*2\r\n$1\r\n1\r\n_\r\n", do(t, sess, "HMGET", "h", "a", "x"))
	assert.Equal(t, "_\r\n", do(t, sess, "HGET", "h", "x"))
	assert.Equal(t, "_\r\n", do(t, sess, "HRANDFIELD", "nokey"))
	// count >= size returns the whole hash in order, as pairs in RESP3
	assert.Equal(t, "*2\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n*2\r\n$1\r\nb\r\n$1\r\n2\r\n", do(t, sess, "HRANDFIELD", "h", "5", "WITHVALUES"))
	sess.SetProto(2)
	assert.Equal(t, "*4\r\n$1\r\na\r\n$1\r\n1\r\n$1\r\nb\r\n$1\r\n2\r\n", do(t, sess, "HRANDFIELD", "h", "5", "WITHVALUES"))
}

func TestHash_HIncrBy_Errors(t *testing.T) {
	_, sess, _, rec := hashStore(t)
	do(t, sess, "HSET", "h", "f", "inf", "n", "9223372036854775807", "e", "", "sp", " 5")
	assert.Equal(t, "-ERR increment or decrement would overflow\r\n", do(t, sess, "HINCRBY", "h", "n", "1"))
	assert.Equal(t, ":9223372036854775806\r\n", do(t, sess, "HINCRBY", "h", "n", "-1"))
	assert.Equal(t, "-ERR hash value is not an integer\r\n", do(t, sess, "HINCRBY", "h", "e", "1"))
	assert.Equal(t, "-ERR hash value is not an integer\r\n", do(t, sess, "HINCRBY", "h", "sp", "1"))
	assert.Equal(t, "-ERR hash value is not a float\r\n", do(t, sess, "HINCRBYFLOAT", "h", "e", "1"))
	assert.Equal(t, "-ERR increment would produce NaN or Infinity\r\n", do(t, sess, "HINCRBYFLOAT", "h", "f", "1"))
	assert.Equal(t, ":-5\r\n", do(t, sess, "HINCRBY", "h", "new", "-5"))
	assert.Equal(t, "$5\r\n-1500\r\n", do(t, sess, "HINCRBYFLOAT", "h", "new2", "-1.5e3"))
	assert.Equal(t, "$2\r\n16\r\n", do(t, sess, "HINCRBYFLOAT", "h", "new3", "0x10"))
	do(t, sess, "HSET", "h", "x", "0.1")
	assert.Equal(t, "$3\r\n0.3\r\n", do(t, sess, "HINCRBYFLOAT", "h", "x", "0.2"))
	assert.Equal(t, ":1\r\n", do(t, sess, "HINCRBY", "fresh", "f", "1"))
	rec.journal()
	do(t, sess, "HINCRBYFLOAT", "h", "x", "1")
	do(t, sess, "HINCRBY", "h", "new", "2")
	assert.Equal(t, []string{"HSET h x 1.3", "HINCRBY h new 2"}, rec.journal(), "HINCRBYFLOAT journals HSET")
	// a failed increment on a new key leaves nothing behind
	assert.Equal(t, ":0\r\n", do(t, sess, "EXISTS", "nokey"))
}

func TestHash_Encoding_Conversions(t *testing.T) {
	s, sess, _, _ := hashStore(t)
	do(t, sess, "HSET", "h", "a", "1")
	assert.Equal(t, "listpack", hashEncodingOf(s, "h"))
	do(t, sess, "HSET", "h", "big", "1e300")
	do(t, sess, "HINCRBYFLOAT", "h", "big", "1e300") // a 301-byte value
	assert.Equal(t, ":301\r\n", do(t, sess, "HSTRLEN", "h", "big"))
	assert.Equal(t, "hashtable", hashEncodingOf(s, "h"))

	args := []string{"HSET", "many"}
	for i := 0; i <= types.HashMaxListpackEntries; i++ {
		args = append(args, "f", "v") // the same field: still converts
	}
	do(t, sess, args...)
	assert.Equal(t, "hashtable", hashEncodingOf(s, "many"))
	assert.Equal(t, ":1\r\n", do(t, sess, "HLEN", "many"))

	do(t, sess, "HSET", "ex", "a", "1")
	assert.Equal(t, "*1\r\n:-2\r\n", do(t, sess, "HEXPIRE", "ex", "100", "FIELDS", "1", "nope"))
	assert.Equal(t, "listpackex", hashEncodingOf(s, "ex"), "HEXPIRE converts even when nothing is set")
}

func TestHash_HRandField(t *testing.T) {
	_, sess, _, _ := hashStore(t)
	do(t, sess, "HSET", "h", "a", "1", "b", "2", "c", "3")
	assert.Equal(t, "-ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807\r\n",
		do(t, sess, "HRANDFIELD", "h", "-9223372036854775808"))
	assert.Equal(t, "-ERR value is not an integer or out of range\r\n", do(t, sess, "HRANDFIELD", "h", "x"))
	assert.Equal(t, "-ERR syntax error\r\n", do(t, sess, "HRANDFIELD", "h", "1", "withvaluesx"))
	assert.Equal(t, "-ERR syntax error\r\n", do(t, sess, "HRANDFIELD", "h", "1", "withvalues", "x"))
	assert.Equal(t, "-ERR value is out of range\r\n", do(t, sess, "HRANDFIELD", "h", "9223372036854775807", "withvalues"))
	assert.Equal(t, "-ERR syntax error\r\n", do(t, sess, "HRANDFIELD", "nokey", "5", "withvaluesx"))
	assert.Equal(t, "*0\r\n", do(t, sess, "HRANDFIELD", "nokey", "3"))
	assert.Equal(t, "*0\r\n", do(t, sess, "HRANDFIELD", "h", "0"))
	one := do(t, sess, "HRANDFIELD", "h")
	assert.Contains(t, []string{"$1\r\na\r\n", "$1\r\nb\r\n", "$1\r\nc\r\n"}, one)
	assert.Equal(t, "*3\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nc\r\n", do(t, sess, "HRANDFIELD", "h", "10"))

	for _, n := range []int{3, 600} {
		do(t, sess, "DEL", "r")
		for i := 0; i < n; i++ {
			do(t, sess, "HSET", "r", "f"+strconv.Itoa(i), "v"+strconv.Itoa(i))
		}
		for _, count := range []int{1, 2, n / 3, n - 1} {
			v, err := sess.s.HRandFieldWithValues("r", count)
			require.NoError(t, err)
			require.Len(t, v, count)
			seen := map[string]bool{}
			for _, p := range v {
				require.False(t, seen[p.Field], "distinct")
				seen[p.Field] = true
				assert.Equal(t, "v"+p.Field[1:], p.Value)
			}
		}
		v, err := sess.s.HRandFieldN("r", -2*n)
		require.NoError(t, err)
		assert.Len(t, v, 2*n, "negative counts repeat")
	}
}

func TestHash_HScan(t *testing.T) {
	_, sess, _, _ := hashStore(t)
	do(t, sess, "HSET", "h", "a", "1", "b", "2", "c", "3")
	all := "*2\r\n$1\r\n0\r\n*6\r\n$1\r\na\r\n$1\r\n1\r\n$1\r\nb\r\n$1\r\n2\r\n$1\r\nc\r\n$1\r\n3\r\n"
	assert.Equal(t, all, do(t, sess, "HSCAN", "h", "0"))
	assert.Equal(t, all, do(t, sess, "HSCAN", "h", "77", "COUNT", "1"), "small hashes ignore the cursor")
	assert.Equal(t, "*2\r\n$1\r\n0\r\n*3\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nc\r\n", do(t, sess, "HSCAN", "h", "0", "NOVALUES"))
	assert.Equal(t, "*2\r\n$1\r\n0\r\n*2\r\n$1\r\nb\r\n$1\r\n2\r\n", do(t, sess, "HSCAN", "h", "0", "MATCH", "b*"))
	assert.Equal(t, "-ERR syntax error\r\n", do(t, sess, "HSCAN", "h", "0", "COUNT", "0"))
	assert.Equal(t, "-ERR syntax error\r\n", do(t, sess, "HSCAN", "h", "0", "TYPE", "hash"))
	assert.Equal(t, "-ERR invalid cursor\r\n", do(t, sess, "HSCAN", "h", "-1"))
	// a missing key answers before the options are even looked at
	assert.Equal(t, "*2\r\n$1\r\n0\r\n*0\r\n", do(t, sess, "HSCAN", "nokey", "0", "COUNT", "0"))

	const n = 2000
	for i := 0; i < n; i++ {
		do(t, sess, "HSET", "big", "f"+strconv.Itoa(i), strconv.Itoa(i))
	}
	seen := map[string]bool{}
	cursor, calls := uint64(0), 0
	for {
		items, next, err := sess.s.HScan("big", cursor, &HScanArgs{Count: 50})
		require.NoError(t, err)
		require.Len(t, items, 100)
		for i := 0; i < len(items); i += 2 {
			seen[items[i]] = true
			assert.Equal(t, items[i][1:], items[i+1])
		}
		calls++
		if cursor = next; cursor == 0 {
			break
		}
	}
	assert.Len(t, seen, n)
	assert.Equal(t, n/50, calls)
	fields, _, err := sess.s.HScan("big", 0, &HScanArgs{Match: "f1999", Count: 100000, NoValues: true})
	require.NoError(t, err)
	assert.Equal(t, []string{"f1999"}, fields)
}

func TestHash_HExpire_Errors(t *testing.T) {
	_, sess, _, _ := hashStore(t)
	do(t, sess, "HSET", "h", "a", "1")
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"HEXPIRE", "h", "x", "FIELDS", "1", "a"}, "-ERR value is not an integer or out of range\r\n"},
		{[]string{"HEXPIRE", "h", "-1", "FIELDS", "1", "a"}, "-ERR invalid expire time, must be >= 0\r\n"},
		{[]string{"HPEXPIREAT", "h", "-1", "FIELDS", "1", "a"}, "-ERR invalid expire time, must be >= 0\r\n"},
		{[]string{"HEXPIRE", "h", "70368744178", "FIELDS", "1", "a"}, "-ERR invalid expire time in 'hexpire' command\r\n"},
		{[]string{"HEXPIREAT", "h", "70368744178", "FIELDS", "1", "a"}, "-ERR invalid expire time in 'hexpireat' command\r\n"},
		{[]string{"HPEXPIREAT", "h", "70368744177664", "FIELDS", "1", "a"}, "-ERR invalid expire time in 'hpexpireat' command\r\n"},
		{[]string{"HPEXPIRE", "h", "70368744177663", "FIELDS", "1", "a"}, "-ERR invalid expire time in 'hpexpire' command\r\n"},
		{[]string{"HEXPIRE", "h", "10", "FIELD", "1", "a"}, "-ERR Mandatory argument FIELDS is missing or not at the right position\r\n"},
		{[]string{"HEXPIRE", "h", "10", "BAD", "FIELDS", "1", "a"}, "-ERR Mandatory argument FIELDS is missing or not at the right position\r\n"},
		{[]string{"HEXPIRE", "h", "10", "NX", "XX", "FIELDS", "1", "a"}, "-ERR Mandatory argument FIELDS is missing or not at the right position\r\n"},
		{[]string{"HEXPIRE", "h", "10", "FIELDS", "0", "a"}, "-ERR Parameter `numFields` should be greater than 0\r\n"},
		{[]string{"HEXPIRE", "h", "10", "FIELDS", "x", "a"}, "-ERR Parameter `numFields` should be greater than 0\r\n"},
		{[]string{"HEXPIRE", "h", "10", "FIELDS", "2", "a"}, "-ERR The `numfields` parameter must match the number of arguments\r\n"},
		{[]string{"HEXPIRE", "h", "10", "NX", "FIELDS", "1"}, "-ERR The `numfields` parameter must match the number of arguments\r\n"},
		{[]string{"HEXPIRE", "h", "10", "FIELDS", "1"}, "-ERR wrong number of arguments for 'hexpire' command\r\n"},
		{[]string{"HTTL", "h", "FIELDS", "0", "a"}, "-ERR Number of fields must be a positive integer\r\n"},
		{[]string{"HTTL", "h", "FIELDS", "-1", "a"}, "-ERR Number of fields must be a positive integer\r\n"},
		{[]string{"HTTL", "h", "FIELD", "1", "a"}, "-ERR Mandatory argument FIELDS is missing or not at the right position\r\n"},
		{[]string{"HPTTL", "h", "FIELDS", "3", "a"}, "-ERR The `numfields` parameter must match the number of arguments\r\n"},
		{[]string{"HPERSIST", "h", "FIELDS", "0", "a"}, "-ERR Number of fields must be a positive integer\r\n"},
		{[]string{"HPERSIST", "h", "FIELDS", "1", "a", "b"}, "-ERR The `numfields` parameter must match the number of arguments\r\n"},
		{[]string{"HTTL", "h", "FIELDS", "1"}, "-ERR wrong number of arguments for 'httl' command\r\n"},
		// the key is checked first: a missing key still validates the rest
		{[]string{"HEXPIRE", "nokey", "x", "FIELDS", "1", "a"}, "-ERR value is not an integer or out of range\r\n"},
		{[]string{"HTTL", "nokey", "FIELDS", "0", "a"}, "-ERR Number of fields must be a positive integer\r\n"},
	} {
		assert.Equal(t, tc.want, do(t, sess, tc.args...), "%v", tc.args)
	}
	// the largest accepted absolute time
	assert.Equal(t, "*1\r\n:1\r\n", do(t, sess, "HPEXPIREAT", "h", "70368744177663", "FIELDS", "1", "a"))
	assert.Equal(t, "*1\r\n:1\r\n", do(t, sess, "HEXPIREAT", "h", "70368744177", "FIELDS", "1", "a"))
}

func TestHash_HExpire_CodesAndConditions(t *testing.T) {
	_, sess, clk, rec := hashStore(t)
	now := clk.NowMS()
	at := func(d int64) string { return strconv.FormatInt(now+d, 10) }
	do(t, sess, "HSET", "h", "a", "1", "b", "2", "c", "3")
	assert.Equal(t, "*2\r\n:-2\r\n:-2\r\n", do(t, sess, "HEXPIRE", "nokey", "10", "FIELDS", "2", "a", "b"))
	rec.journal()
	rec.events()
	assert.Equal(t, "*3\r\n:1\r\n:-2\r\n:1\r\n", do(t, sess, "HPEXPIRE", "h", "5000", "FIELDS", "3", "a", "x", "a"))
	assert.Equal(t, []string{"HPEXPIREAT h " + at(5000) + " FIELDS 2 a a"}, rec.journal())
	assert.Equal(t, []string{"hexpire h"}, rec.events())

	// NX: only fields without a TTL
	assert.Equal(t, "*2\r\n:0\r\n:1\r\n", do(t, sess, "HPEXPIREAT", "h", at(9000), "NX", "FIELDS", "2", "a", "b"))
	assert.Equal(t, []string{"HPEXPIREAT h " + at(9000) + " NX FIELDS 1 b"}, rec.journal())
	// XX: only fields with a TTL
	assert.Equal(t, "*2\r\n:1\r\n:0\r\n", do(t, sess, "HPEXPIREAT", "h", at(8000), "xx", "FIELDS", "2", "a", "c"))
	// GT fails on a field without a TTL (infinite) and when not greater
	assert.Equal(t, "*3\r\n:0\r\n:0\r\n:1\r\n", do(t, sess, "HPEXPIREAT", "h", at(8500), "GT", "FIELDS", "3", "c", "b", "a"))
	// LT succeeds on a field without a TTL
	assert.Equal(t, "*3\r\n:1\r\n:0\r\n:1\r\n", do(t, sess, "HPEXPIREAT", "h", at(8500), "LT", "FIELDS", "3", "c", "a", "b"))
	assert.Equal(t, "*4\r\n:9\r\n:9\r\n:9\r\n:-2\r\n", do(t, sess, "HTTL", "h", "FIELDS", "4", "a", "b", "c", "x"))
	rec.journal()
	rec.events()
	// a time not in the future deletes (the condition still applies)
	assert.Equal(t, "*2\r\n:2\r\n:-2\r\n", do(t, sess, "HPEXPIREAT", "h", at(0), "LT", "FIELDS", "2", "a", "x"))
	assert.Equal(t, "*1\r\n:0\r\n", do(t, sess, "HPEXPIREAT", "h", at(0), "NX", "FIELDS", "1", "b"))
	assert.Equal(t, "*1\r\n:2\r\n", do(t, sess, "HPEXPIREAT", "h", at(0), "XX", "FIELDS", "1", "b"))
	assert.Equal(t, []string{"HDEL h a", "HDEL h b"}, rec.journal())
	assert.Equal(t, []string{"hdel h", "hdel h"}, rec.events())
	assert.Equal(t, "*2\r\n:2\r\n:-2\r\n", do(t, sess, "HEXPIREAT", "h", "1", "FIELDS", "2", "c", "c"))
	assert.Equal(t, []string{"HDEL h c"}, rec.journal())
	assert.Equal(t, []string{"hdel h", "del h"}, rec.events())
	assert.Equal(t, ":0\r\n", do(t, sess, "EXISTS", "h"))
}

func TestHash_HTTL_Family(t *testing.T) {
	s, sess, clk, rec := hashStore(t)
	now := clk.NowMS()
	do(t, sess, "HSET", "h", "a", "1", "b", "2", "c", "3")
	assert.Equal(t, "*2\r\n:-1\r\n:-2\r\n", do(t, sess, "HTTL", "h", "FIELDS", "2", "a", "x"))
	assert.Equal(t, "*1\r\n:-2\r\n", do(t, sess, "HPTTL", "nokey", "FIELDS", "1", "a"))
	do(t, sess, "HPEXPIRE", "h", "1001", "FIELDS", "1", "a")
	do(t, sess, "HPEXPIRE", "h", "400", "FIELDS", "1", "b")
	assert.Equal(t, "*2\r\n:2\r\n:1\r\n", do(t, sess, "HTTL", "h", "FIELDS", "2", "a", "b"), "HTTL rounds up")
	assert.Equal(t, "*2\r\n:1001\r\n:400\r\n", do(t, sess, "HPTTL", "h", "FIELDS", "2", "a", "b"))
	assert.Equal(t, "*2\r\n:"+strconv.FormatInt(now+1001, 10)+"\r\n:-1\r\n", do(t, sess, "HPEXPIRETIME", "h", "FIELDS", "2", "a", "c"))
	assert.Equal(t, "*1\r\n:"+strconv.FormatInt((now+1001+999)/1000, 10)+"\r\n", do(t, sess, "HEXPIRETIME", "h", "FIELDS", "1", "a"))
	clk.Advance(400 * time.Millisecond)
	// expiring exactly now: alive for reads; HTTL on a listpackex says -2
	assert.Equal(t, "$1\r\n2\r\n", do(t, sess, "HGET", "h", "b"))
	assert.Equal(t, "*1\r\n:-2\r\n", do(t, sess, "HPTTL", "h", "FIELDS", "1", "b"))
	clk.Advance(1 * time.Millisecond)
	assert.Equal(t, "*1\r\n:-2\r\n", do(t, sess, "HTTL", "h", "FIELDS", "1", "b"))
	assert.Equal(t, ":3\r\n", do(t, sess, "HLEN", "h"), "HLEN counts the unreclaimed field")
	// HPERSIST
	rec.journal()
	rec.events()
	assert.Equal(t, "*4\r\n:1\r\n:-1\r\n:-2\r\n:-2\r\n", do(t, sess, "HPERSIST", "h", "FIELDS", "4", "a", "c", "b", "x"))
	assert.Equal(t, []string{"HPERSIST h FIELDS 4 a c b x"}, rec.journal())
	assert.Equal(t, []string{"hpersist h"}, rec.events())
	assert.Equal(t, "*1\r\n:-1\r\n", do(t, sess, "HPERSIST", "h", "FIELDS", "1", "a"))
	assert.Empty(t, rec.journal())
	assert.Empty(t, rec.events())
	assert.Equal(t, "*1\r\n:-2\r\n", do(t, sess, "HPERSIST", "nokey", "FIELDS", "1", "a"))
	assert.Equal(t, ":3\r\n", do(t, sess, "HLEN", "h"))

	// a hashtable: a field expiring exactly now still has 0 ms left
	for i := 0; i < 600; i++ {
		do(t, sess, "HSET", "big", "f"+strconv.Itoa(i), "v")
	}
	require.Equal(t, "hashtable", hashEncodingOf(s, "big"))
	do(t, sess, "HPEXPIRE", "big", "10", "FIELDS", "1", "f1")
	clk.Advance(10 * time.Millisecond)
	assert.Equal(t, "*1\r\n:0\r\n", do(t, sess, "HPTTL", "big", "FIELDS", "1", "f1"))
	assert.Equal(t, "*1\r\n:0\r\n", do(t, sess, "HTTL", "big", "FIELDS", "1", "f1"))
}

func TestHash_FieldExpiry_Lazy(t *testing.T) {
	s, sess, clk, rec := hashStore(t)
	do(t, sess, "HSET", "h", "a", "1", "b", "2", "c", "3", "d", "4")
	do(t, sess, "HEXPIRE", "h", "1", "FIELDS", "3", "a", "b", "c")
	assert.True(t, hashObj(s, 0, "h") != nil)
	clk.Advance(2 * time.Second)
	rec.journal()
	rec.events()
	// the listing commands skip expired fields without deleting them
	assert.Equal(t, "*2\r\n$1\r\nd\r\n$1\r\n4\r\n", do(t, sess, "HGETALL", "h"))
	assert.Equal(t, "*1\r\n$1\r\nd\r\n", do(t, sess, "HKEYS", "h"))
	assert.Equal(t, "*2\r\n$1\r\n0\r\n*2\r\n$1\r\nd\r\n$1\r\n4\r\n", do(t, sess, "HSCAN", "h", "0"))
	assert.Equal(t, ":4\r\n", do(t, sess, "HLEN", "h"))
	assert.Empty(t, rec.journal())
	// single-field reads delete
	assert.Equal(t, "$-1\r\n", do(t, sess, "HGET", "h", "a"))
	assert.Equal(t, []string{"HDEL h a"}, rec.journal())
	assert.Equal(t, []string{"hexpired h"}, rec.events())
	assert.Equal(t, ":3\r\n", do(t, sess, "HLEN", "h"))
	assert.Equal(t, ":0\r\n", do(t, sess, "HSTRLEN", "h", "b"))
	assert.Equal(t, ":0\r\n", do(t, sess, "HEXISTS", "h", "c"))
	assert.Equal(t, ":1\r\n", do(t, sess, "HLEN", "h"))
	assert.Equal(t, []string{"HDEL h b", "HDEL h c"}, rec.journal())
	// deleting the last field deletes the key
	do(t, sess, "HPEXPIRE", "h", "10", "FIELDS", "1", "d")
	clk.Advance(time.Second)
	rec.events()
	assert.Equal(t, ":0\r\n", do(t, sess, "HSTRLEN", "h", "d"))
	assert.Equal(t, []string{"hexpired h", "del h"}, rec.events())
	assert.Equal(t, ":0\r\n", do(t, sess, "EXISTS", "h"))
}

func TestHash_FieldExpiry_WritesAndQuirks(t *testing.T) {
	s, sess, clk, rec := hashStore(t)
	do(t, sess, "HSET", "h", "a", "1", "b", "2", "c", "3", "n", "10")
	do(t, sess, "HEXPIRE", "h", "100", "FIELDS", "3", "a", "b", "n")
	// HSET clears the TTL and moves the field to the end of a listpackex;
	// HINCRBY keeps it in place with its TTL
	assert.Equal(t, ":0\r\n", do(t, sess, "HSET", "h", "a", "x"))
	assert.Equal(t, ":11\r\n", do(t, sess, "HINCRBY", "h", "n", "1"))
	assert.Equal(t, "*3\r\n:-1\r\n:100\r\n:100\r\n", do(t, sess, "HTTL", "h", "FIELDS", "3", "a", "b", "n"))
	// fields with equal TTLs: each one set goes before the others
	assert.Equal(t, "*4\r\n$1\r\nn\r\n$1\r\nb\r\n$1\r\nc\r\n$1\r\na\r\n", do(t, sess, "HKEYS", "h"))
	assert.Equal(t, "$4\r\n11.5\r\n", do(t, sess, "HINCRBYFLOAT", "h", "n", "0.5"))
	assert.Equal(t, "*1\r\n:100\r\n", do(t, sess, "HTTL", "h", "FIELDS", "1", "n"))
	assert.Equal(t, "listpackex", hashEncodingOf(s, "h"))

	clk.Advance(101 * time.Second)
	rec.journal()
	rec.events()
	// HSET on an expired, unreclaimed field counts as an update
	assert.Equal(t, ":0\r\n", do(t, sess, "HSET", "h", "b", "new"))
	assert.Equal(t, "*1\r\n:-1\r\n", do(t, sess, "HTTL", "h", "FIELDS", "1", "b"))
	// HINCRBY on an expired field starts from 0 (lazily deleted first)
	assert.Equal(t, ":5\r\n", do(t, sess, "HINCRBY", "h", "n", "5"))
	assert.Equal(t, []string{"HSET h b new", "MULTI", "HDEL h n", "HINCRBY h n 5", "EXEC"}, rec.journal())
	assert.Equal(t, []string{"hset h", "hexpired h", "hincrby h"}, rec.events())
	assert.Equal(t, "*1\r\n:-1\r\n", do(t, sess, "HTTL", "h", "FIELDS", "1", "n"))

	// HDEL counts an expired field; HSETNX replaces it
	do(t, sess, "HPEXPIRE", "h", "1", "FIELDS", "2", "a", "b")
	clk.Advance(10 * time.Millisecond)
	assert.Equal(t, ":1\r\n", do(t, sess, "HDEL", "h", "a"))
	assert.Equal(t, ":1\r\n", do(t, sess, "HSETNX", "h", "b", "fresh"))
	assert.Equal(t, "$5\r\nfresh\r\n", do(t, sess, "HGET", "h", "b"))

	// HSETNX/HINCRBYFLOAT on a hash whose only field expired: a new hash
	do(t, sess, "HSET", "one", "f", "1.5")
	do(t, sess, "HPEXPIRE", "one", "1", "FIELDS", "1", "f")
	clk.Advance(10 * time.Millisecond)
	rec.events()
	assert.Equal(t, "$1\r\n1\r\n", do(t, sess, "HINCRBYFLOAT", "one", "f", "1"))
	assert.Equal(t, []string{"hexpired one", "del one", "hincrbyfloat one"}, rec.events())
	assert.Equal(t, "listpack", hashEncodingOf(s, "one"))
}

func TestHash_FieldExpiry_HMGetEvents(t *testing.T) {
	_, sess, clk, rec := hashStore(t)
	do(t, sess, "HSET", "h", "a", "1", "b", "2", "c", "3")
	do(t, sess, "HPEXPIRE", "h", "1", "FIELDS", "2", "a", "b")
	do(t, sess, "HSET", "solo", "a", "1")
	do(t, sess, "HPEXPIRE", "solo", "1", "FIELDS", "1", "a")
	clk.Advance(10 * time.Millisecond)
	rec.journal()
	rec.events()
	assert.Equal(t, "*4\r\n$-1\r\n$1\r\n3\r\n$-1\r\n$-1\r\n", do(t, sess, "HMGET", "h", "a", "c", "b", "x"))
	assert.Equal(t, []string{"hexpired h"}, rec.events(), "one event for the whole command")
	assert.Equal(t, []string{"MULTI", "HDEL h a", "HDEL h b", "EXEC"}, rec.journal())
	// Redis 7.4 quirk: an expired field that empties the hash is not counted
	assert.Equal(t, "*2\r\n$-1\r\n$-1\r\n", do(t, sess, "HMGET", "solo", "a", "a"))
	assert.Empty(t, rec.events())
	assert.Equal(t, []string{"HDEL solo a"}, rec.journal())
	assert.Equal(t, ":0\r\n", do(t, sess, "EXISTS", "solo"))
}

func TestHash_FieldExpiry_HRandFieldReclaims(t *testing.T) {
	_, sess, clk, rec := hashStore(t)
	do(t, sess, "HSET", "h", "a", "1", "b", "2", "c", "3")
	do(t, sess, "HPEXPIRE", "h", "1", "FIELDS", "2", "a", "b")
	clk.Advance(10 * time.Millisecond)
	rec.journal()
	rec.events()
	assert.Equal(t, "$1\r\nc\r\n", do(t, sess, "HRANDFIELD", "h"))
	// listpackex order: b was given its TTL after a, so it sits first
	assert.Equal(t, []string{"MULTI", "HDEL h b", "HDEL h a", "EXEC"}, rec.journal())
	assert.Equal(t, []string{"hexpired h"}, rec.events())
	assert.Equal(t, ":1\r\n", do(t, sess, "HLEN", "h"))
	do(t, sess, "HPEXPIRE", "h", "1", "FIELDS", "1", "c")
	clk.Advance(10 * time.Millisecond)
	assert.Equal(t, "*0\r\n", do(t, sess, "HRANDFIELD", "h", "-5"))
	assert.Equal(t, ":0\r\n", do(t, sess, "EXISTS", "h"))
}

func TestHash_FieldExpiry_Active(t *testing.T) {
	s, sess, clk, rec := hashStore(t)
	do(t, sess, "HSET", "h", "a", "1", "b", "2")
	do(t, sess, "HPEXPIRE", "h", "10", "FIELDS", "1", "a")
	for i := 0; i < 700; i++ {
		do(t, sess, "HSET", "big", "f"+strconv.Itoa(i), "v")
	}
	do(t, sess, "HPEXPIRE", "big", "10", "FIELDS", "3", "f1", "f2", "f3")
	do(t, sess, "HSET", "gone", "x", "1")
	do(t, sess, "HPEXPIRE", "gone", "10", "FIELDS", "1", "x")
	assert.Zero(t, s.ActiveExpire(), "nothing expired yet")
	clk.Advance(11 * time.Millisecond)
	rec.journal()
	rec.events()
	assert.Equal(t, 5, s.ActiveExpire())
	assert.Equal(t, ":1\r\n", do(t, sess, "HLEN", "h"))
	assert.Equal(t, ":697\r\n", do(t, sess, "HLEN", "big"))
	assert.Equal(t, ":0\r\n", do(t, sess, "EXISTS", "gone"))
	var j []string
	for _, r := range rec.journal() {
		if r != "MULTI" && r != "EXEC" { // one unit per shard visit
			j = append(j, r)
		}
	}
	sort.Strings(j)
	assert.Equal(t, []string{"HDEL big f1", "HDEL big f2", "HDEL big f3", "HDEL gone x", "HDEL h a"}, j)
	ev := rec.events()
	sort.Strings(ev)
	assert.Equal(t, []string{"del gone", "hexpired big", "hexpired gone", "hexpired h"}, ev)
	assert.Zero(t, s.ActiveExpire())
	assert.Nil(t, hashObj(s, 0, "gone"))
}

func TestHash_FieldExpiry_CopyRenameKeepTTLs(t *testing.T) {
	s, sess, clk, _ := hashStore(t)
	do(t, sess, "HSET", "h", "a", "1", "b", "2")
	do(t, sess, "HPEXPIRE", "h", "100", "FIELDS", "1", "a")
	assert.Equal(t, ":1\r\n", do(t, sess, "COPY", "h", "h2"))
	assert.Equal(t, "+OK\r\n", do(t, sess, "RENAME", "h", "h3"))
	assert.Equal(t, ":1\r\n", do(t, sess, "MOVE", "h3", "1"))
	assert.Equal(t, "*1\r\n:100\r\n", do(t, sess, "HPTTL", "h2", "FIELDS", "1", "a"))
	assert.Equal(t, "listpackex", hashEncodingOf(s, "h2"))
	clk.Advance(200 * time.Millisecond)
	assert.Equal(t, 2, s.ActiveExpire(), "the copy and the moved hash are both visited")
	assert.Equal(t, ":1\r\n", do(t, sess, "HLEN", "h2"))
	do(t, sess, "SELECT", "1")
	assert.Equal(t, ":1\r\n", do(t, sess, "HLEN", "h3"))
}

func TestHash_FieldExpiry_LargeHash(t *testing.T) {
	s, sess, clk, _ := hashStore(t)
	for i := 0; i < 1000; i++ {
		do(t, sess, "HSET", "big", "f"+strconv.Itoa(i), "v")
	}
	for i := 0; i < 1000; i += 2 {
		do(t, sess, "HPEXPIRE", "big", strconv.Itoa(10+i), "FIELDS", "1", "f"+strconv.Itoa(i))
	}
	require.Equal(t, "hashtable", hashEncodingOf(s, "big"))
	clk.Advance(510 * time.Millisecond) // f0..f498 expired: 250 fields
	n, err := s.HLen("big")
	require.NoError(t, err)
	assert.Equal(t, 1000, n)
	all, err := s.HGetAll("big")
	require.NoError(t, err)
	assert.Len(t, all, 750)
	assert.Equal(t, 250, s.ActiveExpire())
	n, _ = s.HLen("big")
	assert.Equal(t, 750, n)
	ttls, err := s.HTTL("big", "f500", "f501", "f0")
	require.NoError(t, err)
	assert.Equal(t, []time.Duration{0, NoExpiry, NoField}, ttls)
}

func TestHash_TypedAPI(t *testing.T) {
	s, _, clk, rec := hashStore(t)
	n, err := s.HSet("h", "a", "1", "b", "2")
	require.NoError(t, err)
	assert.Equal(t, 2, n)
	_, err = s.HSet("h", "a")
	assert.Error(t, err)
	require.NoError(t, s.HMSet("h", "c", "3"))
	v, err := s.HGet("h", "a")
	require.NoError(t, err)
	assert.Equal(t, "1", v)
	_, err = s.HGet("h", "zz")
	assert.ErrorIs(t, err, Nil)
	_, err = s.HGet("nokey", "zz")
	assert.ErrorIs(t, err, Nil)
	vals, oks, err := s.HMGet("h", "a", "zz")
	require.NoError(t, err)
	assert.Equal(t, []string{"1", ""}, vals)
	assert.Equal(t, []bool{true, false}, oks)
	all, err := s.HGetAll("h")
	require.NoError(t, err)
	assert.Equal(t, map[string]string{"a": "1", "b": "2", "c": "3"}, all)
	keys, _ := s.HKeys("h")
	assert.Equal(t, []string{"a", "b", "c"}, keys)
	hv, _ := s.HVals("h")
	assert.Equal(t, []string{"1", "2", "3"}, hv)
	ok, err := s.HSetNX("h", "a", "x")
	require.NoError(t, err)
	assert.False(t, ok)
	ok, _ = s.HExists("h", "b")
	assert.True(t, ok)
	l, _ := s.HStrLen("h", "c")
	assert.Equal(t, 1, l)
	i, err := s.HIncrBy("h", "a", 41)
	require.NoError(t, err)
	assert.Equal(t, int64(42), i)
	f, err := s.HIncrByFloat("h", "b", 0.5)
	require.NoError(t, err)
	assert.Equal(t, "2.5", f)
	_, err = s.HIncrByFloat("h", "b", 0)
	require.NoError(t, err)
	_, err = s.HIncrBy("h", "b", 1)
	assert.EqualError(t, err, "ERR hash value is not an integer")
	_, err = s.HIncrByFloat("h", "b", math.Inf(1))
	assert.EqualError(t, err, "ERR value is NaN or Infinity")
	r, err := s.HRandField("h")
	require.NoError(t, err)
	assert.Contains(t, []string{"a", "b", "c"}, r)
	_, err = s.HRandField("nokey")
	assert.ErrorIs(t, err, Nil)
	rs, err := s.HRandFieldN("nokey", 3)
	require.NoError(t, err)
	assert.Empty(t, rs)
	rec.journal()
	d, err := s.HDel("h", "c", "zz")
	require.NoError(t, err)
	assert.Equal(t, 1, d)
	assert.Equal(t, []string{"HDEL h c zz"}, rec.journal())
	n, _ = s.HLen("h")
	assert.Equal(t, 2, n)

	// field expiry
	codes, err := s.HExpire("h", 1500*time.Millisecond, nil, "a", "zz")
	require.NoError(t, err)
	assert.Equal(t, []int{FieldExpireSet, FieldMissing}, codes)
	codes, err = s.HExpire("h", time.Second, &ExpireArgs{GT: true}, "a", "b")
	require.NoError(t, err)
	assert.Equal(t, []int{FieldConditionNotMet, FieldConditionNotMet}, codes)
	ttls, err := s.HTTL("h", "a", "b", "zz")
	require.NoError(t, err)
	assert.Equal(t, []time.Duration{1500 * time.Millisecond, NoExpiry, NoField}, ttls)
	ats, err := s.HPExpireTime("h", "a", "b")
	require.NoError(t, err)
	assert.Equal(t, []int64{clk.NowMS() + 1500, -1}, ats)
	codes, err = s.HExpireAt("h", time.UnixMilli(clk.NowMS()+5000), &ExpireArgs{NX: true}, "a", "b")
	require.NoError(t, err)
	assert.Equal(t, []int{FieldConditionNotMet, FieldExpireSet}, codes)
	codes, err = s.HPersist("h", "a", "zz")
	require.NoError(t, err)
	assert.Equal(t, []int{FieldExpireSet, FieldMissing}, codes)
	_, err = s.HExpire("h", -time.Second, nil, "a")
	assert.EqualError(t, err, "ERR invalid expire time, must be >= 0")
	_, err = s.HExpire("h", time.Second, nil)
	assert.EqualError(t, err, "ERR Parameter `numFields` should be greater than 0")
	_, err = s.HExpire("h", time.Second, &ExpireArgs{NX: true, GT: true}, "a")
	assert.Error(t, err)
	_, err = s.HExpireAt("h", time.UnixMilli(hfeMaxAbsMS+1), nil, "a")
	assert.EqualError(t, err, "ERR invalid expire time in 'hpexpireat' command")
	_, err = s.HTTL("h")
	assert.EqualError(t, err, "ERR Number of fields must be a positive integer")
	rec.journal()
	codes, err = s.HExpireAt("h", time.UnixMilli(clk.NowMS()), nil, "a")
	require.NoError(t, err)
	assert.Equal(t, []int{FieldDeleted}, codes)
	assert.Equal(t, []string{"HDEL h a"}, rec.journal())

	// WRONGTYPE everywhere
	_, _ = s.Set("str", "x", nil)
	for _, err := range []error{
		hashErr(s.HSet("str", "a", "1")), s.HMSet("str", "a", "1"), hashErr(s.HGet("str", "a")),
		hashErr3(s.HMGet("str", "a")), hashErr(s.HGetAll("str")), hashErr(s.HKeys("str")), hashErr(s.HVals("str")),
		hashErr(s.HDel("str", "a")), hashErr(s.HLen("str")), hashErr(s.HExists("str", "a")),
		hashErr(s.HStrLen("str", "a")), hashErr(s.HIncrBy("str", "a", 1)), hashErr(s.HIncrByFloat("str", "a", 1)),
		hashErr(s.HRandField("str")), hashErr(s.HRandFieldN("str", 2)), hashErr3(s.HScan("str", 0, nil)),
		hashErr(s.HExpire("str", time.Second, nil, "a")), hashErr(s.HTTL("str", "a")),
		hashErr(s.HPExpireTime("str", "a")), hashErr(s.HPersist("str", "a")), hashErr(s.HSetNX("str", "a", "b")),
	} {
		assert.True(t, errors.Is(err, ErrWrongType), "got %v", err)
	}
}

func hashErr[A any](_ A, err error) error          { return err }
func hashErr3[A, B any](_ A, _ B, err error) error { return err }

// hashDiffTarget serves embedis's command table over in-memory pipes for
// the random differential test (the RESP server's own harness,
// server/diff_test.go, runs hash.golden).
func hashDiffTarget(s *Store) difftest.Target {
	return difftest.NewTarget("embedis (pipe)", func() (net.Conn, error) {
		client, server := net.Pipe()
		go func() {
			defer server.Close()
			sess := s.NewSession()
			defer sess.Close()
			rd := resp.NewReader(server)
			w := resp.NewWriter(2)
			for {
				args, err := rd.ReadCommand()
				if err != nil {
					return
				}
				sess.Exec(args, w)
				if _, err := w.WriteTo(server); err != nil {
					return
				}
				w.Reset()
				if w.Proto() != sess.Proto() { // HELLO switched the protocol
					w.SetProto(sess.Proto())
				}
			}
		}()
		return client, nil
	})
}

// TestHash_RandomDiff runs random hash commands (alone, and mixed with the
// string family over shared keys) against embedis and a real redis-server.
// Set EMBEDIS_DIFFTEST_SEED to replay a run.
func TestHash_RandomDiff(t *testing.T) {
	if testing.Short() {
		t.Skip("needs redis-server")
	}
	oracle := difftest.StartRedis(t)
	s, err := Open(nil)
	require.NoError(t, err)
	defer s.Close()
	initHashFieldExpiry(s)
	subject := hashDiffTarget(s)
	seed := difftest.Seed(t)
	difftest.RunRandom(t, seed, 3000, difftest.HashCommands(), subject, oracle)
	if LookupCommand("rpush") != nil { // StringCommands uses RPUSH for WRONGTYPE
		difftest.RunRandom(t, seed+1, 2000, difftest.Mix(difftest.StringCommands(), difftest.HashCommands()), subject, oracle)
	}
}

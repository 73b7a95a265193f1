package embedis

import (
	"context"
	"errors"
	"math"
	"math/rand/v2"
	"net"
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

func zm(score float64, member string) Z { return Z{Score: score, Member: member} }

// zcheckAll verifies the invariants of every sorted set in db 0 when the
// test ends.
func zcheckAll(t *testing.T, s *Store) {
	t.Helper()
	t.Cleanup(func() {
		var c keyspace.Ctx
		s.ks.Begin(&c)
		c.Keys(0, func(e *keyspace.Entry) {
			if e.Kind() == keyspace.KindZSet {
				require.NoError(t, objOf[*types.ZSet](e).Check(), "key %q", e.Key())
			}
		})
		c.Finish()
	})
}

func openZ(t *testing.T) (*Store, *Session) {
	s, _ := openTest(t)
	zcheckAll(t, s)
	return s, s.NewSession()
}

// zenc returns the encoding of a sorted-set key.
func zenc(t *testing.T, s *Store, key string) string {
	var c keyspace.Ctx
	s.ks.Begin(&c)
	c.Lock(key)
	defer func() { c.Unlock(); c.Finish() }()
	z, err := zsetRead(&c, 0, key)
	require.NoError(t, err)
	require.NotNil(t, z)
	return z.Encoding()
}

func TestZSet_ZAdd_RepliesAndOptions(t *testing.T) {
	_, sess := openZ(t)
	assert.Equal(t, ":3\r\n", do(t, sess, "ZADD", "z", "1", "a", "2", "b", "3", "c"))
	assert.Equal(t, ":0\r\n", do(t, sess, "ZADD", "z", "1", "a"))
	assert.Equal(t, ":1\r\n", do(t, sess, "ZADD", "z", "CH", "5", "a"))
	assert.Equal(t, ":1\r\n", do(t, sess, "ZADD", "z", "NX", "10", "a", "4", "d"))
	assert.Equal(t, ":0\r\n", do(t, sess, "ZADD", "z", "XX", "10", "a", "7", "e"))
	assert.Equal(t, "$-1\r\n", do(t, sess, "ZSCORE", "z", "e"))
	// GT/LT never block inserts
	assert.Equal(t, ":1\r\n", do(t, sess, "ZADD", "z", "GT", "-100", "new"))
	assert.Equal(t, ":0\r\n", do(t, sess, "ZADD", "z", "GT", "CH", "1", "a"))
	assert.Equal(t, ":1\r\n", do(t, sess, "ZADD", "z", "LT", "CH", "1", "a"))
	// INCR: the new score, or nil when blocked
	assert.Equal(t, "$3\r\n2.5\r\n", do(t, sess, "ZADD", "z", "INCR", "1.5", "a"))
	assert.Equal(t, "$-1\r\n", do(t, sess, "ZADD", "z", "INCR", "NX", "1", "a"))
	assert.Equal(t, "$-1\r\n", do(t, sess, "ZADD", "z", "INCR", "GT", "-1", "a"))
	assert.Equal(t, "$-1\r\n", do(t, sess, "ZADD", "z", "INCR", "XX", "1", "nosuch"))
	// 7.4 prints the shortest round-trip form
	assert.Equal(t, "$3\r\n0.1\r\n", do(t, sess, "ZINCRBY", "f", "0.1", "m"))
	assert.Equal(t, "$19\r\n0.30000000000000004\r\n", do(t, sess, "ZINCRBY", "f", "0.2", "m"))
	assert.Equal(t, "$6\r\n1.5e-7\r\n", do(t, sess, "ZINCRBY", "g", "1.5e-7", "m"))
	sess.SetProto(3)
	assert.Equal(t, ",0.1\r\n", do(t, sess, "ZINCRBY", "h", "0.1", "m"))
	assert.Equal(t, "_\r\n", do(t, sess, "ZADD", "z", "INCR", "NX", "1", "a"))
}

func TestZSet_ZAdd_ErrorOrder(t *testing.T) {
	_, sess := openZ(t)
	do(t, sess, "SET", "s", "x")
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"ZADD", "s", "NX", "XX", "nan", "a"}, "-ERR XX and NX options at the same time are not compatible\r\n"},
		{[]string{"ZADD", "s", "GT", "LT", "1", "a"}, "-ERR GT, LT, and/or NX options at the same time are not compatible\r\n"},
		{[]string{"ZADD", "s", "NX", "GT", "1", "a"}, "-ERR GT, LT, and/or NX options at the same time are not compatible\r\n"},
		{[]string{"ZADD", "s", "INCR", "1", "a", "2", "b"}, "-ERR INCR option supports a single increment-element pair\r\n"},
		{[]string{"ZADD", "s", "1", "a", "2"}, "-ERR syntax error\r\n"},
		{[]string{"ZADD", "s", "nx", "ch"}, "-ERR syntax error\r\n"},
		{[]string{"ZADD", "s", "nan", "a"}, "-ERR value is not a valid float\r\n"},
		{[]string{"ZADD", "s", "1", "a"}, "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"},
		{[]string{"ZINCRBY", "z", "nx", "a"}, "-ERR syntax error\r\n"},
	} {
		assert.Equal(t, c.want, do(t, sess, c.args...), "%v", c.args)
	}
	do(t, sess, "ZADD", "z", "inf", "m")
	assert.Equal(t, "-ERR resulting score is not a number (NaN)\r\n", do(t, sess, "ZINCRBY", "z", "-inf", "m"))
	assert.Equal(t, "$3\r\ninf\r\n", do(t, sess, "ZSCORE", "z", "m"))
	assert.Equal(t, ":0\r\n", do(t, sess, "EXISTS", "nokey"))
	assert.Equal(t, ":0\r\n", do(t, sess, "ZADD", "nokey", "XX", "1", "a"))
	assert.Equal(t, ":0\r\n", do(t, sess, "EXISTS", "nokey"))
}

func TestZSet_TypedAPI(t *testing.T) {
	s, _ := openZ(t)
	n, err := s.ZAdd("z", nil, zm(1, "a"), zm(2, "b"), zm(3, "c"))
	require.NoError(t, err)
	assert.Equal(t, 3, n)
	n, err = s.ZAdd("z", &ZAddArgs{XX: true, CH: true}, zm(10, "a"), zm(4, "d"))
	require.NoError(t, err)
	assert.Equal(t, 1, n)
	_, err = s.ZAdd("z", &ZAddArgs{NX: true, XX: true}, zm(1, "a"))
	assert.True(t, errors.Is(err, errZIncompatibleNXXX))
	_, err = s.ZAdd("z", nil, zm(math.NaN(), "a"))
	assert.True(t, isErr(err, ErrNotFloat))
	_, err = s.ZAddIncr("z", &ZAddArgs{NX: true}, 1, "a")
	assert.True(t, isErr(err, Nil))
	v, err := s.ZIncrBy("z", 0.5, "b")
	require.NoError(t, err)
	assert.Equal(t, 2.5, v)

	sc, err := s.ZScore("z", "a")
	require.NoError(t, err)
	assert.Equal(t, 10.0, sc)
	_, err = s.ZScore("z", "nosuch")
	assert.True(t, isErr(err, Nil))
	ms, err := s.ZMScore("z", "a", "nosuch")
	require.NoError(t, err)
	assert.Equal(t, 10.0, ms[0])
	assert.True(t, math.IsNaN(ms[1]))
	card, _ := s.ZCard("z")
	assert.Equal(t, 3, card)

	r, err := s.ZRank("z", "a")
	require.NoError(t, err)
	assert.Equal(t, int64(2), r)
	r, sc, err = s.ZRevRankWithScore("z", "a")
	require.NoError(t, err)
	assert.Equal(t, int64(0), r)
	assert.Equal(t, 10.0, sc)
	_, err = s.ZRank("z", "x")
	assert.True(t, isErr(err, Nil))

	m, err := s.ZRange("z", 0, -1)
	require.NoError(t, err)
	assert.Equal(t, []string{"b", "c", "a"}, m)
	ws, err := s.ZRangeWithScores("z", -1, -1)
	require.NoError(t, err)
	assert.Equal(t, []Z{zm(10, "a")}, ws)
	m, err = s.ZRangeArgs("z", ZRangeArgs{Start: "+inf", Stop: "(2.5", ByScore: true, Rev: true})
	require.NoError(t, err)
	assert.Equal(t, []string{"a", "c"}, m)
	_, err = s.ZRangeArgs("z", ZRangeArgs{Start: "0", Stop: "1", Limit: true, Count: 1})
	assert.True(t, errors.Is(err, errZLimitRank))
	cnt, err := s.ZCount("z", "(2.5", "+inf")
	require.NoError(t, err)
	assert.Equal(t, 2, cnt)
	_, err = s.ZCount("z", "x", "1")
	assert.True(t, errors.Is(err, errZScoreRange))

	n, err = s.ZRangeStore("dst", "z", ZRangeArgs{Start: "0", Stop: "1"})
	require.NoError(t, err)
	assert.Equal(t, 2, n)
	n, err = s.ZRem("dst", "b", "nosuch")
	require.NoError(t, err)
	assert.Equal(t, 1, n)

	pm, err := s.ZPopMin("z", 2)
	require.NoError(t, err)
	assert.Equal(t, []Z{zm(2.5, "b"), zm(3, "c")}, pm)
	pm, err = s.ZPopMax("nokey", 2)
	require.NoError(t, err)
	assert.Empty(t, pm)
	key, pm, err := s.ZMPop("max", 5, "nokey", "z")
	require.NoError(t, err)
	assert.Equal(t, "z", key)
	assert.Equal(t, []Z{zm(10, "a")}, pm)
	_, _, err = s.ZMPop("max", 5, "z")
	assert.True(t, isErr(err, Nil))
	assert.Equal(t, 0, s.Exists("z"))

	s.Set("str", "x", nil)
	_, err = s.ZAdd("str", nil, zm(1, "a"))
	assert.True(t, isErr(err, ErrWrongType))
	_, err = s.ZCard("str")
	assert.True(t, isErr(err, ErrWrongType))
}

func TestZSet_TypedSetOps(t *testing.T) {
	s, sess := openZ(t)
	s.ZAdd("za", nil, zm(1, "a"), zm(2, "b"), zm(3, "c"))
	s.ZAdd("zb", nil, zm(1, "b"), zm(2, "c"), zm(3, "d"))
	do(t, sess, "SADD", "sa", "a", "d")
	u, err := s.ZUnionWithScores([]string{"za", "zb", "sa"}, &ZStoreArgs{Weights: []float64{1, 2, 10}, Aggregate: "max"})
	require.NoError(t, err)
	assert.Equal(t, []Z{zm(2, "b"), zm(4, "c"), zm(10, "a"), zm(10, "d")}, u)
	i, err := s.ZInter([]string{"za", "zb"}, nil)
	require.NoError(t, err)
	assert.Equal(t, []string{"b", "c"}, i)
	d, err := s.ZDiffWithScores("za", "zb")
	require.NoError(t, err)
	assert.Equal(t, []Z{zm(1, "a")}, d)
	n, err := s.ZUnionStore("dst", []string{"za", "zb"}, nil)
	require.NoError(t, err)
	assert.Equal(t, 4, n)
	n, err = s.ZInterStore("dst", []string{"za", "nokey"}, nil)
	require.NoError(t, err)
	assert.Equal(t, 0, n)
	assert.Equal(t, 0, s.Exists("dst"))
	n, err = s.ZInterCard(1, "za", "zb")
	require.NoError(t, err)
	assert.Equal(t, 1, n)
	_, err = s.ZUnion(nil, nil)
	assert.EqualError(t, err, "ERR at least 1 input key is needed for 'zunion' command")
	_, err = s.ZUnion([]string{"za"}, &ZStoreArgs{Weights: []float64{1, 2}})
	assert.True(t, isErr(err, ErrSyntax))
}

func TestZSet_ZRandMember(t *testing.T) {
	s, sess := openZ(t)
	for i := range 200 {
		s.ZAdd("big", nil, zm(float64(i), "m"+strconv.Itoa(i)))
	}
	s.ZAdd("small", nil, zm(1, "a"), zm(2, "b"), zm(3, "c"), zm(4, "d"))
	for _, key := range []string{"big", "small"} {
		n, _ := s.ZCard(key)
		for _, count := range []int{1, 2, 3, n - 1, n, n + 5} {
			out, err := s.ZRandMemberWithScores(key, count)
			require.NoError(t, err)
			assert.Len(t, out, min(count, n))
			seen := map[string]bool{}
			for _, m := range out {
				assert.False(t, seen[m.Member], "duplicate %s", m.Member)
				seen[m.Member] = true
				sc, err := s.ZScore(key, m.Member)
				require.NoError(t, err)
				assert.Equal(t, sc, m.Score)
			}
		}
		out, err := s.ZRandMemberN(key, -50)
		require.NoError(t, err)
		assert.Len(t, out, 50)
	}
	// a listpack sample comes out in rank order; the whole set from the top
	out, _ := s.ZRandMemberN("small", 3)
	r0, _ := s.ZRank("small", out[0])
	r1, _ := s.ZRank("small", out[1])
	r2, _ := s.ZRank("small", out[2])
	assert.True(t, r0 < r1 && r1 < r2, "%v", out)
	out, _ = s.ZRandMemberN("small", 10)
	assert.Equal(t, []string{"d", "c", "b", "a"}, out)
	s.ZAdd("one", nil, zm(1, "a"))
	sess.SetProto(3)
	assert.Equal(t, "*1\r\n*2\r\n$1\r\na\r\n,1\r\n", do(t, sess, "ZRANDMEMBER", "one", "-1", "WITHSCORES"))
	_, err := s.ZRandMember("nokey")
	assert.True(t, isErr(err, Nil))
}

func TestZSet_Encoding(t *testing.T) {
	s, sess := openZ(t)
	for i := range 128 {
		s.ZAdd("z", nil, zm(float64(i), "m"+strconv.Itoa(i)))
	}
	assert.Equal(t, "listpack", zenc(t, s, "z"))
	s.ZAdd("z", nil, zm(0, "one-more"))
	assert.Equal(t, "skiplist", zenc(t, s, "z"))
	s.ZRemRangeByRank("z", 0, -2)
	assert.Equal(t, "skiplist", zenc(t, s, "z"))

	// ZADD with more than 128 pairs converts even when they repeat members
	args := []string{"ZADD", "y", "1", "a"}
	do(t, sess, args...)
	for range 129 {
		args = append(args, "1", "a")
	}
	do(t, sess, args...)
	assert.Equal(t, "skiplist", zenc(t, s, "y"))

	s.ZAdd("long", nil, zm(1, strings.Repeat("x", 65)))
	assert.Equal(t, "skiplist", zenc(t, s, "long"))
	s.ZAdd("short", nil, zm(1, strings.Repeat("x", 64)))
	assert.Equal(t, "listpack", zenc(t, s, "short"))

	// store results go back to listpack when they fit
	s.ZUnionStore("u", []string{"z"}, nil)
	assert.Equal(t, "listpack", zenc(t, s, "u"))
	s.ZRangeStore("r", "z", ZRangeArgs{Start: "0", Stop: "-1"})
	assert.Equal(t, "listpack", zenc(t, s, "r"))
}

// ZSCAN prints a listpack score in its shortest form and a skiplist score
// with %.17Lg (REDIS_SEMANTICS.md 11.1).
func TestZSet_ZScan_ScoreText(t *testing.T) {
	s, sess := openZ(t)
	s.ZAdd("small", nil, zm(0.1, "a"), zm(math.Copysign(0, -1), "b"))
	assert.Equal(t, "*2\r\n$1\r\n0\r\n*4\r\n$1\r\nb\r\n$1\r\n0\r\n$1\r\na\r\n$3\r\n0.1\r\n",
		do(t, sess, "ZSCAN", "small", "0"))
	s.ZAdd("big", nil, zm(1, strings.Repeat("x", 100)), zm(0.1, "a"), zm(math.Copysign(0, -1), "b"), zm(1.5e-5, "c"))
	assert.Equal(t, "*2\r\n$1\r\n0\r\n*2\r\n$1\r\na\r\n$19\r\n0.10000000000000001\r\n",
		do(t, sess, "ZSCAN", "big", "0", "MATCH", "a"))
	assert.Equal(t, "*2\r\n$1\r\n0\r\n*2\r\n$1\r\nb\r\n$2\r\n-0\r\n",
		do(t, sess, "ZSCAN", "big", "0", "MATCH", "b"))
	assert.Equal(t, "*2\r\n$1\r\n0\r\n*2\r\n$1\r\nc\r\n$7\r\n1.5e-05\r\n",
		do(t, sess, "ZSCAN", "big", "0", "MATCH", "c"))
	assert.Equal(t, "$2\r\n-0\r\n", do(t, sess, "ZSCORE", "big", "b"))
	assert.Equal(t, "$1\r\n0\r\n", do(t, sess, "ZSCORE", "small", "b"))
	assert.Equal(t, "-ERR NOVALUES option can only be used in HSCAN\r\n", do(t, sess, "ZSCAN", "big", "0", "NOVALUES"))

	// a full iteration returns every member
	for i := range 1000 {
		s.ZAdd("many", nil, zm(float64(i), "m"+strconv.Itoa(i)))
	}
	seen := map[string]float64{}
	var cur uint64
	for {
		items, next, err := s.ZScan("many", cur, &ScanArgs{Count: 20})
		require.NoError(t, err)
		for _, m := range items {
			seen[m.Member] = m.Score
		}
		if cur = next; cur == 0 {
			break
		}
	}
	assert.Len(t, seen, 1000)
	assert.Equal(t, 77.0, seen["m77"])
}

func TestZSet_RESP3Shapes(t *testing.T) {
	_, sess := openZ(t)
	sess.SetProto(3)
	do(t, sess, "ZADD", "z", "1", "a", "2.5", "b", "3", "c")
	assert.Equal(t, "*2\r\n*2\r\n$1\r\na\r\n,1\r\n*2\r\n$1\r\nb\r\n,2.5\r\n", do(t, sess, "ZRANGE", "z", "0", "1", "WITHSCORES"))
	assert.Equal(t, "*2\r\n:1\r\n,2.5\r\n", do(t, sess, "ZRANK", "z", "b", "WITHSCORE"))
	assert.Equal(t, "_\r\n", do(t, sess, "ZRANK", "z", "x", "WITHSCORE"))
	assert.Equal(t, "*2\r\n$1\r\na\r\n,1\r\n", do(t, sess, "ZPOPMIN", "z"))
	assert.Equal(t, "*1\r\n*2\r\n$1\r\nc\r\n,3\r\n", do(t, sess, "ZPOPMAX", "z", "1"))
	assert.Equal(t, "*3\r\n$1\r\nz\r\n$1\r\nb\r\n,2.5\r\n", do(t, sess, "BZPOPMIN", "z", "0"))
	assert.Equal(t, "_\r\n", do(t, sess, "ZMPOP", "1", "z", "MIN"))
	assert.Equal(t, "_\r\n", do(t, sess, "BZPOPMIN", "z", "0.001"))
	do(t, sess, "ZADD", "z", "1", "a")
	assert.Equal(t, "*2\r\n,1\r\n_\r\n", do(t, sess, "ZMSCORE", "z", "a", "x"))
}

func TestZSet_Notifications(t *testing.T) {
	s, err := Open(&Options{NotifyKeyspaceEvents: "KEA"})
	require.NoError(t, err)
	t.Cleanup(func() { s.Close() })
	var mu sync.Mutex
	var got []string
	s.ks.SetHooks(&keyspace.Hooks{Notify: func(evs []keyspace.Event) {
		mu.Lock()
		defer mu.Unlock()
		for _, e := range evs {
			got = append(got, e.Name+":"+e.Key)
		}
	}})
	take := func() []string {
		mu.Lock()
		defer mu.Unlock()
		out := got
		got = nil
		return out
	}
	sess := s.NewSession()
	do(t, sess, "ZADD", "z", "1", "a", "2", "b", "3", "c", "4", "d")
	do(t, sess, "ZADD", "z", "1", "a") // no change: no event
	do(t, sess, "ZINCRBY", "z", "1", "a")
	do(t, sess, "ZREM", "z", "nosuch")
	do(t, sess, "ZREM", "z", "a")
	do(t, sess, "ZREMRANGEBYSCORE", "z", "2", "2")
	do(t, sess, "ZREMRANGEBYRANK", "z", "0", "0")
	do(t, sess, "ZREMRANGEBYLEX", "z", "-", "+")
	assert.Equal(t, []string{"zadd:z", "zincr:z", "zrem:z", "zremrangebyscore:z", "zremrangebyrank:z",
		"zremrangebylex:z", "del:z"}, take())
	do(t, sess, "ZADD", "z", "1", "a", "2", "b")
	do(t, sess, "ZPOPMIN", "z")
	do(t, sess, "ZPOPMAX", "z", "5")
	assert.Equal(t, []string{"zadd:z", "zpopmin:z", "zpopmax:z", "del:z"}, take())
	do(t, sess, "ZADD", "z", "1", "a")
	do(t, sess, "ZUNIONSTORE", "u", "1", "z")
	do(t, sess, "ZINTERSTORE", "u", "2", "z", "nokey")
	do(t, sess, "ZDIFFSTORE", "d", "1", "z")
	do(t, sess, "ZRANGESTORE", "r", "z", "0", "-1")
	assert.Equal(t, []string{"zadd:z", "zunionstore:u", "del:u", "zdiffstore:d", "zrangestore:r"}, take())
}

func TestZSet_Journal(t *testing.T) {
	s, _ := openTest(t)
	var mu sync.Mutex
	var recs []string
	s.ks.SetHooks(&keyspace.Hooks{Journal: func(rs []keyspace.Record) uint64 {
		mu.Lock()
		defer mu.Unlock()
		for _, r := range rs {
			recs = append(recs, strings.Join(r.Args, " "))
		}
		return 0
	}})
	take := func() []string {
		mu.Lock()
		defer mu.Unlock()
		out := recs
		recs = nil
		return out
	}
	sess := s.NewSession()
	do(t, sess, "ZADD", "z", "1", "a", "2", "b", "3", "c")
	do(t, sess, "ZADD", "z", "NX", "5", "a") // nothing changed
	do(t, sess, "ZMPOP", "1", "z", "MIN", "COUNT", "10")
	assert.Equal(t, []string{"ZADD z 1 a 2 b 3 c", "ZPOPMIN z 3"}, take())
	do(t, sess, "ZADD", "z", "1", "a")
	do(t, sess, "BZPOPMAX", "nokey", "z", "0")
	assert.Equal(t, []string{"ZADD z 1 a", "ZPOPMAX z"}, take())
	s.ZAdd("t", &ZAddArgs{GT: true}, zm(0.1, "x"))
	s.ZIncrBy("t", 1, "x")
	s.ZPopMin("t", 1)
	assert.Equal(t, []string{"ZADD t GT 0.1 x", "ZADD t INCR 1 x", "ZPOPMIN t 1"}, take())
}

func TestZSet_BlockingPop_WakesFIFO(t *testing.T) {
	s, _ := openZ(t)
	type res struct {
		key string
		m   Z
		err error
	}
	results := make(chan res, 2)
	var wg sync.WaitGroup
	for range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			k, m, err := s.BZPopMin(bg, 0, "a", "b")
			results <- res{k, m, err}
		}()
	}
	// both block: wait until the keyspace shows two waiters
	require.Eventually(t, func() bool {
		var c keyspace.Ctx
		s.ks.Begin(&c)
		c.Lock("b")
		n := c.Waiting(0, "b")
		c.Unlock()
		c.Finish()
		return n == 2
	}, 5*time.Second, time.Millisecond)
	s.ZAdd("b", nil, zm(2, "y"), zm(1, "x"))
	r1, r2 := <-results, <-results
	wg.Wait()
	require.NoError(t, r1.err)
	require.NoError(t, r2.err)
	got := []Z{r1.m, r2.m}
	assert.ElementsMatch(t, []Z{zm(1, "x"), zm(2, "y")}, got)
	assert.Equal(t, 0, s.Exists("b"))
}

func TestZSet_BlockingPop_TimeoutAndCancel(t *testing.T) {
	s, sess := openZ(t)
	_, _, err := s.BZPopMax(bg, time.Millisecond, "nokey")
	assert.True(t, isErr(err, Nil))
	ctx, cancel := context.WithCancel(bg)
	go func() { time.Sleep(5 * time.Millisecond); cancel() }()
	_, _, err = s.BZMPop(ctx, 0, "min", 2, "nokey")
	assert.ErrorIs(t, err, context.Canceled)
	// inside MULTI a blocking pop never waits
	do(t, sess, "MULTI")
	do(t, sess, "BZPOPMIN", "nokey", "0")
	assert.Equal(t, "*1\r\n*-1\r\n", do(t, sess, "EXEC"))
	// a command session waits and is served by a later ZADD
	done := make(chan string, 1)
	go func() {
		bs := s.NewSession()
		done <- do(t, bs, "BZMPOP", "0", "1", "q", "MAX", "COUNT", "2")
	}()
	require.Eventually(t, func() bool {
		var c keyspace.Ctx
		s.ks.Begin(&c)
		c.Lock("q")
		n := c.Waiting(0, "q")
		c.Unlock()
		c.Finish()
		return n == 1
	}, 5*time.Second, time.Millisecond)
	do(t, sess, "ZADD", "q", "1", "a", "2", "b", "3", "c")
	assert.Equal(t, "*2\r\n$1\r\nq\r\n*2\r\n*2\r\n$1\r\nc\r\n$1\r\n3\r\n*2\r\n$1\r\nb\r\n$1\r\n2\r\n", <-done)
}

func TestZSet_RankLarge(t *testing.T) {
	s, _ := openZ(t)
	r := rand.New(rand.NewPCG(1, 2))
	n := 20000
	items := make([]Z, n)
	for i := range items {
		items[i] = zm(float64(r.IntN(1000)), "m"+strconv.Itoa(i))
	}
	_, err := s.ZAdd("z", nil, items...)
	require.NoError(t, err)
	all, err := s.ZRangeWithScores("z", 0, -1)
	require.NoError(t, err)
	require.Len(t, all, n)
	for i := 0; i < n; i += 997 {
		rk, err := s.ZRank("z", all[i].Member)
		require.NoError(t, err)
		assert.Equal(t, int64(i), rk)
		rv, err := s.ZRevRank("z", all[i].Member)
		require.NoError(t, err)
		assert.Equal(t, int64(n-1-i), rv)
	}
	cnt, _ := s.ZCount("z", "100", "(200")
	want := 0
	for _, m := range all {
		if m.Score >= 100 && m.Score < 200 {
			want++
		}
	}
	assert.Equal(t, want, cnt)
}

// zsetSubject serves embedis over in-memory pipes for the differential
// harness, handling HELLO itself (the RESP server lives elsewhere).
func zsetSubject(t *testing.T) difftest.Target {
	s, _ := openTest(t)
	zcheckAll(t, s)
	var mu sync.Mutex
	var conns []net.Conn
	var wg sync.WaitGroup
	t.Cleanup(func() {
		mu.Lock()
		for _, c := range conns {
			c.Close()
		}
		mu.Unlock()
		wg.Wait()
	})
	return difftest.NewTarget("embedis (in-process)", func() (net.Conn, error) {
		a, b := net.Pipe()
		mu.Lock()
		conns = append(conns, a, b)
		mu.Unlock()
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer b.Close()
			sess := s.NewSession()
			defer sess.Close()
			rd := resp.NewReader(b)
			for {
				args, err := rd.ReadCommand()
				if err != nil {
					return
				}
				w := resp.NewWriter(sess.Proto())
				if strings.EqualFold(string(args[0]), "hello") {
					if len(args) > 1 && string(args[1]) == "3" {
						sess.SetProto(3)
						w.SetProto(3)
					}
					w.MapLen(1)
					w.BulkString("proto")
					w.Int(int64(sess.Proto()))
				} else {
					sess.Exec(args, w)
				}
				if _, err := b.Write(w.Bytes()); err != nil {
					return
				}
			}
		}()
		return a, nil
	})
}

// TestZSet_Golden runs zset.golden against embedis and a real
// redis-server (skipped when none is installed).
func TestZSet_Golden(t *testing.T) {
	redis := difftest.StartRedis(t)
	difftest.RunFile(t, "internal/difftest/testdata/zset.golden", zsetSubject(t), redis)
}

// TestZSet_Random runs random sorted-set commands against embedis and a
// real redis-server.
func TestZSet_Random(t *testing.T) {
	redis := difftest.StartRedis(t)
	n := 3000
	if testing.Short() {
		n = 500
	}
	difftest.RunRandom(t, difftest.Seed(t), n, difftest.ZSetCommands(), zsetSubject(t), redis)
}

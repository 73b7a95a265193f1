package embedis

import (
	"net"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/embedis/embedis/internal/difftest"
	"github.com/embedis/embedis/keyspace"
	"github.com/embedis/embedis/resp"
	"github.com/embedis/embedis/types"
)

// famRec captures journal records and keyspace events (as "name key").
type famRec struct {
	mu   sync.Mutex
	recs []string
	evs  []string
}

func (r *famRec) take() (recs, evs []string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	recs, evs = r.recs, r.evs
	r.recs, r.evs = nil, nil
	return recs, evs
}

// famStore opens a store with a test clock, every keyspace event enabled
// and journal/event capture. Every set left at the end of the test is
// Check()ed.
func famStore(t *testing.T) (*Store, *Session, *famRec) {
	t.Helper()
	s, err := Open(&Options{Clock: newTestClock()})
	require.NoError(t, err)
	rec := &famRec{}
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
		for _, k := range s.Select(0).Keys("*") {
			if st := setObj(s, k); st != nil {
				assert.NoError(t, st.Check(), "set %q", k)
			}
		}
		s.Close()
	})
	return s, s.NewSession(), rec
}

// setObj returns the set value at key in db 0 (nil if none).
func setObj(s *Store, key string) *types.Set {
	var c keyspace.Ctx
	s.Keyspace().Begin(&c)
	c.Loading = true
	c.Lock(key)
	defer c.Unlock()
	e := c.Peek(0, key)
	if e == nil || e.Kind() != keyspace.KindSet {
		return nil
	}
	return objOf[*types.Set](e)
}

// bulks renders a RESP2 array of bulk strings.
func famBulks(vals ...string) string {
	var b strings.Builder
	b.WriteString("*" + strconv.Itoa(len(vals)) + "\r\n")
	for _, v := range vals {
		b.WriteString("$" + strconv.Itoa(len(v)) + "\r\n" + v + "\r\n")
	}
	return b.String()
}

// setBulks renders a RESP3 set of bulk strings.
func famSetBulks(vals ...string) string {
	return "~" + famBulks(vals...)[1:]
}

const famWrongType = "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"

func TestSets_SAddSRem_RepliesEventsJournal(t *testing.T) {
	s, x, rec := famStore(t)
	assert.Equal(t, ":3\r\n", do(t, x, "SADD", "s", "a", "b", "a", "c"))
	recs, evs := rec.take()
	assert.Equal(t, []string{"SADD s a b a c"}, recs)
	assert.Equal(t, []string{"sadd s"}, evs)

	assert.Equal(t, ":0\r\n", do(t, x, "SADD", "s", "a"))
	recs, evs = rec.take()
	assert.Empty(t, recs, "nothing added: nothing journaled")
	assert.Empty(t, evs)

	assert.Equal(t, ":3\r\n", do(t, x, "SCARD", "s"))
	assert.Equal(t, ":1\r\n", do(t, x, "SISMEMBER", "s", "b"))
	assert.Equal(t, ":0\r\n", do(t, x, "SISMEMBER", "s", "z"))
	assert.Equal(t, "*3\r\n:1\r\n:0\r\n:1\r\n", do(t, x, "SMISMEMBER", "s", "a", "z", "c"))
	assert.Equal(t, "*2\r\n:0\r\n:0\r\n", do(t, x, "SMISMEMBER", "nokey", "a", "b"))

	assert.Equal(t, ":2\r\n", do(t, x, "SREM", "s", "a", "z", "b"))
	recs, evs = rec.take()
	assert.Equal(t, []string{"SREM s a z b"}, recs)
	assert.Equal(t, []string{"srem s"}, evs)
	assert.Equal(t, ":0\r\n", do(t, x, "SREM", "nokey", "a"))
	assert.Equal(t, ":1\r\n", do(t, x, "SREM", "s", "c", "c"))
	_, evs = rec.take()
	assert.Equal(t, []string{"srem s", "del s"}, evs, "the last member takes the key")
	assert.Equal(t, 0, s.DBSize())

	do(t, x, "SET", "str", "v")
	for _, cmd := range [][]string{
		{"SADD", "str", "a"}, {"SREM", "str", "a"}, {"SCARD", "str"}, {"SISMEMBER", "str", "a"},
		{"SMISMEMBER", "str", "a"}, {"SMEMBERS", "str"}, {"SPOP", "str"}, {"SRANDMEMBER", "str"},
		{"SSCAN", "str", "0"},
	} {
		assert.Equal(t, famWrongType, do(t, x, cmd...), "%v", cmd)
	}
	assert.Equal(t, "-ERR wrong number of arguments for 'sadd' command\r\n", do(t, x, "SADD", "s"))
	assert.Equal(t, "-ERR wrong number of arguments for 'smismember' command\r\n", do(t, x, "SMISMEMBER", "s"))
}

func TestSets_SMembers_Resp2AndResp3(t *testing.T) {
	_, x, _ := famStore(t)
	do(t, x, "SADD", "i", "3", "1", "2")
	do(t, x, "SADD", "l", "b", "a")
	assert.Equal(t, famBulks("1", "2", "3"), do(t, x, "SMEMBERS", "i"), "an intset is sorted")
	assert.Equal(t, famBulks("b", "a"), do(t, x, "SMEMBERS", "l"), "a listpack keeps insertion order")
	assert.Equal(t, "*0\r\n", do(t, x, "SMEMBERS", "none"))
	x.SetProto(3)
	assert.Equal(t, famSetBulks("1", "2", "3"), do(t, x, "SMEMBERS", "i"))
	assert.Equal(t, "~0\r\n", do(t, x, "SMEMBERS", "none"))
	assert.Equal(t, famSetBulks("1", "2", "3"), do(t, x, "SINTER", "i", "i"))
	assert.Equal(t, "~0\r\n", do(t, x, "SINTER", "i", "none"))
	assert.Equal(t, famSetBulks("b", "a"), do(t, x, "SDIFF", "l", "i"))
	got := do(t, x, "SPOP", "i", "1")
	assert.True(t, strings.HasPrefix(got, "~1\r\n$1\r\n"), got)
	assert.Equal(t, "~0\r\n", do(t, x, "SPOP", "none", "3"))
	assert.Equal(t, "*0\r\n", do(t, x, "SRANDMEMBER", "none", "3"), "SRANDMEMBER replies an array")
	assert.Equal(t, "_\r\n", do(t, x, "SPOP", "none"))
}

func TestSets_Encodings_FollowRedis74(t *testing.T) {
	s, x, _ := famStore(t)
	enc := func(k string) string { return setObj(s, k).Encoding() }
	do(t, x, "SADD", "ints", "1", "2", "3")
	assert.Equal(t, "intset", enc("ints"))
	do(t, x, "SADD", "ints", "a")
	assert.Equal(t, "listpack", enc("ints"))

	args := append([]string{"SADD", "big"}, famNums(1, 200)...)
	do(t, x, args...)
	assert.Equal(t, "intset", enc("big"))

	args = append([]string{"SADD", "many"}, famWords(129)...)
	do(t, x, args...)
	assert.Equal(t, "hashtable", enc("many"), "SADD of 129 strings on a new key")

	do(t, x, "SADD", "lp", "a")
	args = append([]string{"SADD", "lp"}, append(famWords(128)[:128], "a")...)
	do(t, x, args...)
	assert.Equal(t, "hashtable", enc("lp"), "a listpack given over 128 arguments converts first")

	do(t, x, "SADD", "long", strings.Repeat("x", 65))
	assert.Equal(t, "hashtable", enc("long"))

	// SINTERSTORE of integers gives an intset even from listpacks.
	do(t, x, "SADD", "m1", "1", "2", "a")
	do(t, x, "SADD", "m2", "2", "1", "b")
	assert.Equal(t, ":2\r\n", do(t, x, "SINTERSTORE", "dst", "m1", "m2"))
	assert.Equal(t, "intset", enc("dst"))
	// SUNIONSTORE of strings gives a listpack.
	assert.Equal(t, ":4\r\n", do(t, x, "SUNIONSTORE", "u", "m1", "m2"))
	assert.Equal(t, "listpack", enc("u"))
	assert.Equal(t, ":1\r\n", do(t, x, "SDIFFSTORE", "d", "ints", "m1"))
	assert.Equal(t, "intset", enc("d"))
}

func famWords(n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = "w" + strconv.Itoa(i)
	}
	return out
}

func famNums(from, to int) []string {
	var out []string
	for i := from; i <= to; i++ {
		out = append(out, strconv.Itoa(i))
	}
	return out
}

func TestSets_SPop_CountsErrorsJournal(t *testing.T) {
	s, x, rec := famStore(t)
	assert.Equal(t, "$-1\r\n", do(t, x, "SPOP", "none"))
	assert.Equal(t, "*0\r\n", do(t, x, "SPOP", "none", "5"))
	assert.Equal(t, "-ERR value is out of range, must be positive\r\n", do(t, x, "SPOP", "none", "-1"))
	assert.Equal(t, "-ERR value is out of range, must be positive\r\n", do(t, x, "SPOP", "none", "x"))
	assert.Equal(t, "-ERR syntax error\r\n", do(t, x, "SPOP", "none", "1", "2"))
	do(t, x, "SET", "str", "v")
	assert.Equal(t, "-ERR value is out of range, must be positive\r\n", do(t, x, "SPOP", "str", "-1"), "count first")
	assert.Equal(t, famWrongType, do(t, x, "SPOP", "str", "0"), "then the type, before count 0")

	do(t, x, "SADD", "one", "m")
	rec.take()
	assert.Equal(t, "$1\r\nm\r\n", do(t, x, "SPOP", "one"))
	recs, evs := rec.take()
	assert.Equal(t, []string{"SREM one m"}, recs)
	assert.Equal(t, []string{"spop one", "del one"}, evs)

	do(t, x, "SADD", "s", "a", "b", "c")
	assert.Equal(t, "*0\r\n", do(t, x, "SPOP", "s", "0"))
	rec.take()
	got := do(t, x, "SPOP", "s", "10")
	assert.True(t, got == famBulks("a", "b", "c"), got)
	recs, evs = rec.take()
	assert.Equal(t, []string{"DEL s"}, recs, "popping everything journals DEL")
	assert.Equal(t, []string{"spop s", "del s"}, evs)
	assert.Equal(t, 1, s.DBSize())

	// Fewer than the set: SREM of exactly what was popped.
	db := s.Select(0)
	_, err := db.SAdd("big", famNums(1, 2000)...)
	require.NoError(t, err)
	rec.take()
	popped, err := db.SPopN("big", 1500)
	require.NoError(t, err)
	require.Len(t, popped, 1500)
	recs, _ = rec.take()
	require.Equal(t, []string{"MULTI"}, recs[:1])
	var journaled []string
	for _, r := range recs[1 : len(recs)-1] {
		f := strings.Fields(r)
		require.Equal(t, []string{"SREM", "big"}, f[:2])
		require.LessOrEqual(t, len(f)-2, 1024)
		journaled = append(journaled, f[2:]...)
	}
	assert.ElementsMatch(t, popped, journaled)
	n, _ := db.SCard("big")
	assert.Equal(t, 500, n)
	for _, m := range popped {
		ok, _ := db.SIsMember("big", m)
		require.False(t, ok)
	}
	// Few left (case 3): the remaining members move to a new set.
	popped, err = db.SPopN("big", 490)
	require.NoError(t, err)
	assert.Len(t, popped, 490)
	n, _ = db.SCard("big")
	assert.Equal(t, 10, n)
	assert.Equal(t, "listpack", setObj(s, "big").Encoding(), "rebuilt from a hashtable: listpack, as in Redis")

	_, err = db.SPopN("big", -1)
	assert.ErrorIs(t, err, errSetNotPositive)
	m, err := db.SPop("nothing")
	assert.ErrorIs(t, err, Nil)
	assert.Empty(t, m)
}

func TestSets_SRandMember_CountsAndErrors(t *testing.T) {
	s, x, _ := famStore(t)
	assert.Equal(t, "$-1\r\n", do(t, x, "SRANDMEMBER", "none"))
	assert.Equal(t, "*0\r\n", do(t, x, "SRANDMEMBER", "none", "5"))
	assert.Equal(t, "*0\r\n", do(t, x, "SRANDMEMBER", "none", "-5"))
	assert.Equal(t, "-ERR value is not an integer or out of range\r\n", do(t, x, "SRANDMEMBER", "none", "x"))
	assert.Equal(t, "-ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807\r\n",
		do(t, x, "SRANDMEMBER", "none", "-9223372036854775808"))
	assert.Equal(t, "-ERR syntax error\r\n", do(t, x, "SRANDMEMBER", "none", "1", "2"))

	db := s.Select(0)
	for _, size := range []int{3, 100, 1000} {
		key := "s" + strconv.Itoa(size)
		_, err := db.SAdd(key, famWords(size)...)
		require.NoError(t, err)
		for _, count := range []int{1, 2, size / 2, size - 1, size, size + 5} {
			got, err := db.SRandMemberN(key, count)
			require.NoError(t, err)
			require.Len(t, got, min(count, size))
			seen := map[string]bool{}
			for _, m := range got {
				require.False(t, seen[m], "distinct members for a positive count")
				seen[m] = true
				require.True(t, strings.HasPrefix(m, "w"))
			}
		}
		got, err := db.SRandMemberN(key, -3*size)
		require.NoError(t, err)
		require.Len(t, got, 3*size, "a negative count gives exactly |count| members")
		n, _ := db.SCard(key)
		require.Equal(t, size, n, "nothing removed")
	}
	db.SAdd("one", "x")
	got, _ := db.SRandMemberN("one", -4)
	assert.Equal(t, []string{"x", "x", "x", "x"}, got)
	assert.Equal(t, "*2\r\n$1\r\nx\r\n$1\r\nx\r\n", do(t, x, "SRANDMEMBER", "one", "-2"))
}

func TestSets_SMove_OrderOfChecks(t *testing.T) {
	s, x, rec := famStore(t)
	do(t, x, "SET", "str", "v")
	assert.Equal(t, ":0\r\n", do(t, x, "SMOVE", "none", "str", "a"), "missing source: 0 before dst's type")
	assert.Equal(t, famWrongType, do(t, x, "SMOVE", "str", "none", "a"))
	do(t, x, "SADD", "src", "a", "b")
	assert.Equal(t, famWrongType, do(t, x, "SMOVE", "src", "str", "a"))
	assert.Equal(t, famWrongType, do(t, x, "SMOVE", "src", "str", "zz"), "dst type checked before membership")
	rec.take()
	assert.Equal(t, ":1\r\n", do(t, x, "SMOVE", "src", "src", "a"))
	assert.Equal(t, ":0\r\n", do(t, x, "SMOVE", "src", "src", "zz"))
	recs, evs := rec.take()
	assert.Empty(t, recs)
	assert.Empty(t, evs)

	assert.Equal(t, ":0\r\n", do(t, x, "SMOVE", "src", "dst", "zz"))
	assert.Equal(t, ":1\r\n", do(t, x, "SMOVE", "src", "dst", "a"))
	recs, evs = rec.take()
	assert.Equal(t, []string{"SMOVE src dst a"}, recs)
	assert.Equal(t, []string{"srem src", "sadd dst"}, evs)
	do(t, x, "SADD", "dst", "b")
	rec.take()
	assert.Equal(t, ":1\r\n", do(t, x, "SMOVE", "src", "dst", "b"), "already in dst still counts")
	_, evs = rec.take()
	assert.Equal(t, []string{"srem src", "del src"}, evs, "no sadd: dst already had it")
	ok, err := s.Select(0).SMove("dst", "new", "a")
	require.NoError(t, err)
	assert.True(t, ok)
	assert.Equal(t, "listpack", setObj(s, "new").Encoding(), "created for a string member")
	assert.Equal(t, famBulks("b"), do(t, x, "SMEMBERS", "dst"))
}

func TestSets_SInter_TypeChecksBeforeEmpty(t *testing.T) {
	s, x, rec := famStore(t)
	do(t, x, "SET", "str", "v")
	do(t, x, "SADD", "a", "1", "2", "3", "x")
	do(t, x, "SADD", "b", "2", "3", "4", "x")
	assert.Equal(t, famWrongType, do(t, x, "SINTER", "none", "str"))
	assert.Equal(t, famWrongType, do(t, x, "SINTERSTORE", "d", "none", "str"))
	assert.Equal(t, famWrongType, do(t, x, "SINTERCARD", "2", "none", "str"))
	assert.Equal(t, famWrongType, do(t, x, "SUNION", "none", "str"))
	assert.Equal(t, famWrongType, do(t, x, "SDIFF", "none", "str"))
	assert.Equal(t, "*0\r\n", do(t, x, "SINTER", "a", "none"))
	assert.Equal(t, famBulks("2", "3", "x"), do(t, x, "SINTER", "a", "b"))
	assert.Equal(t, ":3\r\n", do(t, x, "SINTERCARD", "2", "a", "b"))
	assert.Equal(t, ":2\r\n", do(t, x, "SINTERCARD", "2", "a", "b", "LIMIT", "2"))
	assert.Equal(t, ":3\r\n", do(t, x, "SINTERCARD", "2", "a", "b", "limit", "0"))
	assert.Equal(t, ":0\r\n", do(t, x, "SINTERCARD", "2", "a", "none"))
	n, err := s.Select(0).SInterCard(1, "a", "b")
	require.NoError(t, err)
	assert.Equal(t, 1, n)

	rec.take()
	assert.Equal(t, ":3\r\n", do(t, x, "SINTERSTORE", "d", "a", "b"))
	recs, evs := rec.take()
	assert.Equal(t, []string{"SINTERSTORE d a b"}, recs)
	assert.Equal(t, []string{"sinterstore d"}, evs)
	assert.Equal(t, ":0\r\n", do(t, x, "SINTERSTORE", "d", "a", "none"))
	recs, evs = rec.take()
	assert.Equal(t, []string{"SINTERSTORE d a none"}, recs)
	assert.Equal(t, []string{"del d"}, evs)
	assert.Equal(t, ":0\r\n", do(t, x, "SINTERSTORE", "d", "a", "none"))
	recs, evs = rec.take()
	assert.Empty(t, recs, "nothing to delete: nothing journaled")
	assert.Empty(t, evs)

	do(t, x, "SET", "d", "v")
	assert.Equal(t, ":3\r\n", do(t, x, "SINTERSTORE", "d", "a", "b"), "any type is overwritten")
	do(t, x, "EXPIRE", "d", "100")
	assert.Equal(t, ":3\r\n", do(t, x, "SINTERSTORE", "d", "a", "b"))
	assert.Equal(t, ":-1\r\n", do(t, x, "TTL", "d"), "storing clears the TTL")
}

func TestSets_SInterCard_Errors(t *testing.T) {
	s, x, _ := famStore(t)
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"SINTERCARD", "0", "a"}, "-ERR numkeys should be greater than 0\r\n"},
		{[]string{"SINTERCARD", "x", "a"}, "-ERR numkeys should be greater than 0\r\n"},
		{[]string{"SINTERCARD", "-1", "a"}, "-ERR numkeys should be greater than 0\r\n"},
		{[]string{"SINTERCARD", "2", "a"}, "-ERR Number of keys can't be greater than number of args\r\n"},
		{[]string{"SINTERCARD", "1", "a", "LIMIT", "-1"}, "-ERR LIMIT can't be negative\r\n"},
		{[]string{"SINTERCARD", "1", "a", "LIMIT", "x"}, "-ERR LIMIT can't be negative\r\n"},
		{[]string{"SINTERCARD", "1", "a", "LIMIT"}, "-ERR syntax error\r\n"},
		{[]string{"SINTERCARD", "1", "a", "foo", "1"}, "-ERR syntax error\r\n"},
		{[]string{"SINTERCARD", "1"}, "-ERR wrong number of arguments for 'sintercard' command\r\n"},
	} {
		assert.Equal(t, tc.want, do(t, x, tc.args...), "%v", tc.args)
	}
	assert.Equal(t, []int{2, 3}, LookupCommand("sintercard").KeyPositions([][]byte{[]byte("sintercard"), []byte("2"), []byte("a"), []byte("b"), []byte("LIMIT"), []byte("1")}))
	assert.Nil(t, LookupCommand("sintercard").KeyPositions([][]byte{[]byte("sintercard"), []byte("5"), []byte("a")}))
	_, err := s.Select(0).SInterCard(-1, "a")
	assert.ErrorIs(t, err, errSetLimitNegative)
}

func TestSets_SUnionSDiff_AlgorithmsAgree(t *testing.T) {
	s, x, rec := famStore(t)
	db := s.Select(0)
	db.SAdd("a", famWords(50)...)
	db.SAdd("b", famWords(10)...)
	db.SAdd("c", append(famWords(5), "extra")...)
	db.SAdd("big", famWords(2000)...)
	diff, err := db.SDiff("a", "b", "c")
	require.NoError(t, err)
	slices.Sort(diff)
	want := famWords(50)[10:]
	slices.Sort(want)
	assert.Equal(t, want, diff)
	// algorithm 2 (the other sets are small compared with the first)
	diff, _ = db.SDiff("big", "a")
	assert.Len(t, diff, 1950)
	diff, _ = db.SDiff("a", "a")
	assert.Empty(t, diff, "the same key twice: empty")
	diff, _ = db.SDiff("none", "a")
	assert.Empty(t, diff)
	diff, _ = db.SDiff("b", "none")
	assert.Len(t, diff, 10)

	union, _ := db.SUnion("b", "c", "none")
	assert.Len(t, union, 11)
	rec.take()
	assert.Equal(t, ":11\r\n", do(t, x, "SUNIONSTORE", "u", "b", "c"))
	recs, evs := rec.take()
	assert.Equal(t, []string{"SUNIONSTORE u b c"}, recs)
	assert.Equal(t, []string{"sunionstore u"}, evs)
	assert.Equal(t, ":0\r\n", do(t, x, "SDIFFSTORE", "u", "b", "a"))
	_, evs = rec.take()
	assert.Equal(t, []string{"del u"}, evs)
	assert.Equal(t, ":0\r\n", do(t, x, "EXISTS", "u"))
	n, err := db.SDiffStore("dd", "a", "b")
	require.NoError(t, err)
	assert.Equal(t, 40, n)
	n, err = db.SUnionStore("dd", "b")
	require.NoError(t, err)
	assert.Equal(t, 10, n)
	n, err = db.SInterStore("dd", "a", "big")
	require.NoError(t, err)
	assert.Equal(t, 50, n)
}

func TestSets_SScan_SmallAndLarge(t *testing.T) {
	s, x, _ := famStore(t)
	assert.Equal(t, "*2\r\n$1\r\n0\r\n*0\r\n", do(t, x, "SSCAN", "none", "0", "COUNT", "0"),
		"a missing key answers before the options are parsed")
	assert.Equal(t, "-ERR invalid cursor\r\n", do(t, x, "SSCAN", "none", "abc"))
	do(t, x, "SADD", "small", "1", "2", "3")
	assert.Equal(t, "-ERR syntax error\r\n", do(t, x, "SSCAN", "small", "0", "COUNT", "0"))
	assert.Equal(t, "-ERR syntax error\r\n", do(t, x, "SSCAN", "small", "0", "TYPE", "string"))
	assert.Equal(t, "-ERR NOVALUES option can only be used in HSCAN\r\n", do(t, x, "SSCAN", "small", "0", "NOVALUES"))
	assert.Equal(t, "-ERR invalid cursor\r\n", do(t, x, "SSCAN", "small", "x", "COUNT", "0"))
	assert.Equal(t, "*2\r\n$1\r\n0\r\n"+famBulks("1", "2", "3"), do(t, x, "SSCAN", "small", "77", "COUNT", "1"),
		"a small set comes whole with cursor 0")
	assert.Equal(t, "*2\r\n$1\r\n0\r\n"+famBulks("2"), do(t, x, "SSCAN", "small", "0", "MATCH", "2"))

	db := s.Select(0)
	db.SAdd("big", famWords(1000)...)
	seen := map[string]bool{}
	var cursor uint64
	for calls := 0; ; calls++ {
		require.Less(t, calls, 1000)
		page, next, err := db.SScan("big", cursor, &SScanArgs{Count: 25, Match: "w1*"})
		require.NoError(t, err)
		for _, m := range page {
			require.True(t, strings.HasPrefix(m, "w1"))
			seen[m] = true
		}
		// churn between calls
		db.SRem("big", "w5"+strconv.Itoa(calls))
		db.SAdd("big", "n"+strconv.Itoa(calls))
		if cursor = next; cursor == 0 {
			break
		}
	}
	assert.Len(t, seen, 111, "w1, w10-w19, w100-w199")
	reply := do(t, x, "SSCAN", "big", "0", "COUNT", "5")
	assert.True(t, strings.HasPrefix(reply, "*2\r\n$"), reply)
	assert.NotContains(t, reply, "*2\r\n$1\r\n0\r\n", "a large set needs more calls")
}

func TestSets_TypedAPI_Basics(t *testing.T) {
	s, _, rec := famStore(t)
	db := s.Select(0)
	n, err := db.SAdd("k", "a", "b")
	require.NoError(t, err)
	assert.Equal(t, 2, n)
	recs, _ := rec.take()
	assert.Equal(t, []string{"SADD k a b"}, recs)
	_, err = db.SAdd("k")
	assert.Error(t, err)
	ok, _ := db.SIsMember("k", "a")
	assert.True(t, ok)
	oks, _ := db.SMIsMember("k", "a", "z")
	assert.Equal(t, []bool{true, false}, oks)
	members, _ := db.SMembers("k")
	assert.Equal(t, []string{"a", "b"}, members)
	members, _ = db.SMembers("none")
	assert.Equal(t, []string{}, members)
	inter, _ := db.SInter("k", "none")
	assert.Equal(t, []string{}, inter)
	m, err := db.SRandMember("k")
	require.NoError(t, err)
	assert.Contains(t, []string{"a", "b"}, m)
	_, err = db.SRandMember("none")
	assert.ErrorIs(t, err, Nil)
	n, _ = db.SRem("k", "a", "b")
	assert.Equal(t, 2, n)
	db.Set("str", "v", nil)
	_, err = db.SAdd("str", "a")
	assert.ErrorIs(t, err, ErrWrongType)
	_, err = db.SCard("str")
	assert.ErrorIs(t, err, ErrWrongType)
	_, _, err = db.SScan("str", 0, nil)
	assert.ErrorIs(t, err, ErrWrongType)
}

func TestSets_Watch_TouchedBySAdd(t *testing.T) {
	s, x, _ := famStore(t)
	other := s.NewSession()
	do(t, x, "SADD", "w", "a")
	assert.Equal(t, "+OK\r\n", do(t, x, "WATCH", "w"))
	do(t, other, "SADD", "w", "a") // no change: does not touch
	do(t, x, "MULTI")
	do(t, x, "SCARD", "w")
	assert.Equal(t, "*1\r\n:1\r\n", do(t, x, "EXEC"))
	assert.Equal(t, "+OK\r\n", do(t, x, "WATCH", "w"))
	do(t, other, "SADD", "w", "b")
	do(t, x, "MULTI")
	do(t, x, "SCARD", "w")
	assert.Equal(t, "*-1\r\n", do(t, x, "EXEC"))
}

// famSubject serves a fresh store's command table over in-memory pipes
// for the differential harness (the RESP server is wired in elsewhere);
// HELLO 3 switches the protocol. Sets left at the end are Check()ed.
func famSubject(t *testing.T) difftest.Target {
	t.Helper()
	s, err := Open(nil)
	require.NoError(t, err)
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
		for _, k := range s.Select(0).Keys("*") {
			if st := setObj(s, k); st != nil {
				assert.NoError(t, st.Check(), "set %q", k)
			}
		}
		s.Close()
	})
	return difftest.NewTarget("embedis (pipe)", func() (net.Conn, error) {
		client, server := net.Pipe()
		mu.Lock()
		conns = append(conns, client, server)
		mu.Unlock()
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer server.Close()
			sess := s.NewSession()
			defer sess.Close()
			rd := resp.NewReader(server)
			for {
				args, err := rd.ReadCommand()
				if err != nil {
					return
				}
				w := resp.NewWriter(sess.Proto())
				if strings.EqualFold(string(args[0]), "hello") && len(args) == 2 && string(args[1]) == "3" {
					sess.SetProto(3)
					w.SetProto(3)
					w.MapLen(1)
					w.BulkString("proto")
					w.Int(3)
				} else {
					sess.Exec(args, w)
				}
				if _, err := server.Write(w.Bytes()); err != nil {
					return
				}
			}
		}()
		return client, nil
	})
}

// TestSets_Golden runs set.golden against embedis and a real redis-server
// (skipped when none is installed).
func TestSets_Golden(t *testing.T) {
	if testing.Short() {
		t.Skip("needs redis-server")
	}
	oracle := difftest.StartRedis(t)
	difftest.RunFile(t, "internal/difftest/testdata/set.golden", famSubject(t), oracle)
}

// TestSets_RandomDiff runs random set commands (alone, and mixed with the
// string family over shared keys) against embedis and a real
// redis-server. Set EMBEDIS_DIFFTEST_SEED to replay a run.
func TestSets_RandomDiff(t *testing.T) {
	if testing.Short() {
		t.Skip("needs redis-server")
	}
	oracle := difftest.StartRedis(t)
	subject := famSubject(t)
	seed := difftest.Seed(t)
	difftest.RunRandom(t, seed, 3000, difftest.SetCommands(), subject, oracle)
	difftest.RunRandom(t, seed+1, 2000, difftest.Mix(difftest.StringCommands(), difftest.SetCommands(), difftest.HLLCommands()), subject, oracle)
}

func TestSets_Copy_IsIndependent(t *testing.T) {
	_, x, _ := famStore(t)
	do(t, x, append([]string{"SADD", "s"}, famWords(300)...)...)
	assert.Equal(t, ":1\r\n", do(t, x, "COPY", "s", "c"))
	assert.Equal(t, ":1\r\n", do(t, x, "SADD", "c", "new"))
	assert.Equal(t, ":1\r\n", do(t, x, "SREM", "c", "w0"))
	assert.Equal(t, ":300\r\n", do(t, x, "SCARD", "s"))
	assert.Equal(t, ":1\r\n", do(t, x, "SISMEMBER", "s", "w0"))
	assert.Equal(t, ":0\r\n", do(t, x, "SISMEMBER", "s", "new"))
	assert.Equal(t, "$9\r\nhashtable\r\n", do(t, x, "OBJECT", "ENCODING", "c"))
	do(t, x, "SADD", "small", "1", "2")
	assert.Equal(t, "$6\r\nintset\r\n", do(t, x, "OBJECT", "ENCODING", "small"))
	do(t, x, "SADD", "small", "x")
	assert.Equal(t, "$8\r\nlistpack\r\n", do(t, x, "OBJECT", "ENCODING", "small"))
}

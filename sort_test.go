package embedis

import (
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/embedis/embedis/internal/difftest"
)

func TestSort_Sets_NumericAlphaLimit(t *testing.T) {
	_, x, _ := famStore(t)
	do(t, x, "SADD", "s", "3", "1", "2", "10")
	assert.Equal(t, famBulks("1", "2", "3", "10"), do(t, x, "SORT", "s"))
	assert.Equal(t, famBulks("10", "3", "2", "1"), do(t, x, "SORT", "s", "DESC"))
	assert.Equal(t, famBulks("1", "10", "2", "3"), do(t, x, "SORT", "s", "ALPHA"))
	assert.Equal(t, famBulks("2", "3"), do(t, x, "SORT", "s", "LIMIT", "1", "2"))
	assert.Equal(t, famBulks("2", "3", "10"), do(t, x, "SORT", "s", "LIMIT", "1", "-1"))
	assert.Equal(t, famBulks("1", "2"), do(t, x, "SORT", "s", "LIMIT", "-5", "2"))
	assert.Equal(t, "*0\r\n", do(t, x, "SORT", "s", "LIMIT", "4", "1"))
	assert.Equal(t, "*0\r\n", do(t, x, "SORT", "s", "LIMIT", "0", "0"))
	assert.Equal(t, famBulks("3", "10"), do(t, x, "sort", "s", "limit", "2", "100", "asc"))
	assert.Equal(t, famBulks("1", "2", "3", "10"), do(t, x, "SORT_RO", "s"))
	assert.Equal(t, "*0\r\n", do(t, x, "SORT", "none"))

	do(t, x, "SADD", "w", "b", "a", "10")
	assert.Equal(t, "-ERR One or more scores can't be converted into double\r\n", do(t, x, "SORT", "w"))
	assert.Equal(t, famBulks("10", "a", "b"), do(t, x, "SORT", "w", "ALPHA"))
	assert.Equal(t, famBulks("b", "a", "10"), do(t, x, "SORT", "w", "ALPHA", "DESC"))

	// strtod's rules: leading space, "" is 0, hex, inf; NaN and overflow fail.
	do(t, x, "SADD", "e", " 5", "", "7", "0x10", "-inf")
	assert.Equal(t, famBulks("-inf", "", " 5", "7", "0x10"), do(t, x, "SORT", "e"))
	for _, bad := range []string{"nan", "1e400", "  ", "5x"} {
		do(t, x, "DEL", "b")
		do(t, x, "SADD", "b", bad, "1")
		assert.Equal(t, "-ERR One or more scores can't be converted into double\r\n", do(t, x, "SORT", "b"), bad)
	}
}

func TestSort_Errors(t *testing.T) {
	_, x, _ := famStore(t)
	do(t, x, "SET", "str", "v")
	do(t, x, "SADD", "s", "1")
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"SORT", "s", "LIMIT", "1"}, "-ERR syntax error\r\n"},
		{[]string{"SORT", "s", "LIMIT", "0", "x"}, "-ERR value is not an integer or out of range\r\n"},
		{[]string{"SORT", "s", "LIMIT", "x", "1"}, "-ERR value is not an integer or out of range\r\n"},
		{[]string{"SORT", "s", "BY"}, "-ERR syntax error\r\n"},
		{[]string{"SORT", "s", "GET"}, "-ERR syntax error\r\n"},
		{[]string{"SORT", "s", "STORE"}, "-ERR syntax error\r\n"},
		{[]string{"SORT", "s", "foo"}, "-ERR syntax error\r\n"},
		{[]string{"SORT_RO", "s", "STORE", "d"}, "-ERR syntax error\r\n"},
		{[]string{"SORT", "str"}, famWrongType},
		{[]string{"SORT", "str", "LIMIT", "x", "1"}, "-ERR value is not an integer or out of range\r\n"},
		{[]string{"SORT"}, "-ERR wrong number of arguments for 'sort' command\r\n"},
	} {
		assert.Equal(t, tc.want, do(t, x, tc.args...), "%v", tc.args)
	}
}

func TestSort_ByAndGetPatterns(t *testing.T) {
	_, x, _ := famStore(t)
	do(t, x, "SADD", "s", "a", "b", "c")
	do(t, x, "MSET", "w_a", "3", "w_b", "1", "w_c", "2", "n_a", "A", "n_c", "C")
	assert.Equal(t, famBulks("b", "c", "a"), do(t, x, "SORT", "s", "BY", "w_*"))
	assert.Equal(t, famBulks("a", "c", "b"), do(t, x, "SORT", "s", "BY", "w_*", "DESC"))
	assert.Equal(t, "*6\r\n$1\r\nb\r\n$-1\r\n$1\r\nc\r\n$1\r\nC\r\n$1\r\na\r\n$1\r\nA\r\n",
		do(t, x, "SORT", "s", "BY", "w_*", "GET", "#", "GET", "n_*"))
	assert.Equal(t, "*3\r\n$-1\r\n$-1\r\n$-1\r\n", do(t, x, "SORT", "s", "BY", "w_*", "GET", "nostar"))
	// a missing weight counts as 0; ties go by the element
	do(t, x, "SADD", "s", "d", "e")
	assert.Equal(t, famBulks("d", "e", "b", "c", "a"), do(t, x, "SORT", "s", "BY", "w_*"))
	// ALPHA BY: missing values first
	assert.Equal(t, famBulks("b", "d", "e", "a", "c"), do(t, x, "SORT", "s", "BY", "n_*", "ALPHA"))
	do(t, x, "SET", "w_a", "abc")
	assert.Equal(t, "-ERR One or more scores can't be converted into double\r\n", do(t, x, "SORT", "s", "BY", "w_*"))
	// a weight key of another type is missing
	do(t, x, "DEL", "w_a")
	do(t, x, "SADD", "w_a", "9")
	assert.Equal(t, famBulks("a", "d", "e", "b", "c"), do(t, x, "SORT", "s", "BY", "w_*"))

	// hash fields
	do(t, x, "HSET", "h_a", "f", "30")
	do(t, x, "HSET", "h_b", "f", "10")
	do(t, x, "HSET", "h_c", "f", "20")
	do(t, x, "DEL", "s")
	do(t, x, "SADD", "s", "a", "b", "c")
	assert.Equal(t, famBulks("b", "c", "a"), do(t, x, "SORT", "s", "BY", "h_*->f"))
	assert.Equal(t, famBulks("10", "20", "30"), do(t, x, "SORT", "s", "BY", "h_*->f", "GET", "h_*->f"))
	assert.Equal(t, "*3\r\n$-1\r\n$-1\r\n$-1\r\n", do(t, x, "SORT", "s", "ALPHA", "GET", "h_*->nofield"))
	assert.Equal(t, "*3\r\n$-1\r\n$-1\r\n$-1\r\n", do(t, x, "SORT", "s", "ALPHA", "GET", "w_*->f"), "not a hash")
	do(t, x, "SET", "x_a->", "1")
	assert.Equal(t, "*3\r\n$1\r\n1\r\n$-1\r\n$-1\r\n", do(t, x, "SORT", "s", "ALPHA", "GET", "x_*->"),
		"an arrow with no field is part of the key name")

	x.SetProto(3)
	assert.Equal(t, "*3\r\n$1\r\n1\r\n_\r\n_\r\n", do(t, x, "SORT", "s", "ALPHA", "GET", "x_*->"))
}

func TestSort_NoSortAndSources(t *testing.T) {
	_, x, _ := famStore(t)
	do(t, x, "RPUSH", "l", "c", "a", "b", "10")
	assert.Equal(t, famBulks("c", "a", "b", "10"), do(t, x, "SORT", "l", "BY", "nosort"))
	assert.Equal(t, famBulks("10", "b", "a", "c"), do(t, x, "SORT", "l", "BY", "nosort", "DESC"))
	assert.Equal(t, famBulks("a", "b"), do(t, x, "SORT", "l", "BY", "nosort", "LIMIT", "1", "2"))
	assert.Equal(t, famBulks("b", "a"), do(t, x, "SORT", "l", "BY", "nosort", "LIMIT", "1", "2", "DESC"))
	assert.Equal(t, famBulks("10", "a", "b", "c"), do(t, x, "SORT", "l", "ALPHA"))
	do(t, x, "SADD", "s", "b", "a", "c")
	assert.Equal(t, famBulks("b", "a", "c"), do(t, x, "SORT", "s", "BY", "nosort"), "a set's own order")
	assert.Equal(t, ":3\r\n", do(t, x, "SORT", "s", "BY", "nosort", "STORE", "d"))
	assert.Equal(t, famBulks("a", "b", "c"), do(t, x, "LRANGE", "d", "0", "-1"), "STORE of a set forces ALPHA")
	if LookupCommand("zadd") == nil {
		t.Skip("no sorted sets yet")
	}
	do(t, x, "ZADD", "z", "3", "c", "1", "a", "2", "b")
	assert.Equal(t, famBulks("a", "b", "c"), do(t, x, "SORT", "z", "BY", "nosort"))
	assert.Equal(t, famBulks("b", "a"), do(t, x, "SORT", "z", "BY", "nosort", "DESC", "LIMIT", "1", "5"))
	assert.Equal(t, famBulks("c", "b", "a"), do(t, x, "SORT", "z", "ALPHA", "DESC"))
}

func TestSort_Store_ListEventsJournal(t *testing.T) {
	s, x, rec := famStore(t)
	do(t, x, "SADD", "s", "3", "1", "2")
	do(t, x, "SET", "d", "old")
	do(t, x, "EXPIRE", "d", "100")
	rec.take()
	assert.Equal(t, ":3\r\n", do(t, x, "SORT", "s", "STORE", "d"))
	recs, evs := rec.take()
	assert.Equal(t, []string{"MULTI", "DEL d", "RPUSH d 1 2 3", "EXEC"}, recs)
	assert.Equal(t, []string{"sortstore d"}, evs)
	assert.Equal(t, "+list\r\n", do(t, x, "TYPE", "d"))
	assert.Equal(t, ":-1\r\n", do(t, x, "TTL", "d"))
	assert.Equal(t, famBulks("1", "2", "3"), do(t, x, "LRANGE", "d", "0", "-1"))
	assert.Equal(t, ":6\r\n", do(t, x, "SORT", "s", "GET", "#", "GET", "none_*", "STORE", "d"))
	assert.Equal(t, famBulks("1", "", "2", "", "3", ""), do(t, x, "LRANGE", "d", "0", "-1"),
		"a missing GET value is stored as an empty string")
	rec.take()
	assert.Equal(t, ":0\r\n", do(t, x, "SORT", "none", "STORE", "d"))
	recs, evs = rec.take()
	assert.Equal(t, []string{"DEL d"}, recs)
	assert.Equal(t, []string{"del d"}, evs)
	assert.Equal(t, ":0\r\n", do(t, x, "EXISTS", "d"))
	assert.Equal(t, ":0\r\n", do(t, x, "SORT", "none", "STORE", "d"))
	recs, _ = rec.take()
	assert.Empty(t, recs)

	n, err := s.Select(0).SortStore("s", "d2", &SortArgs{Desc: true, Offset: 0, Count: 2})
	require.NoError(t, err)
	assert.Equal(t, 2, n)
	assert.Equal(t, famBulks("3", "2"), do(t, x, "LRANGE", "d2", "0", "-1"))
	assert.Equal(t, ":2\r\n", do(t, x, "SORT", "s", "LIMIT", "0", "2", "STORE", "d", "STORE", "d3"))
	assert.Equal(t, ":1\r\n", do(t, x, "EXISTS", "d3"), "the last STORE wins")
}

func TestSort_KeyPositions(t *testing.T) {
	args := func(a ...string) [][]byte {
		out := make([][]byte, len(a))
		for i, s := range a {
			out[i] = []byte(s)
		}
		return out
	}
	sort := LookupCommand("sort")
	assert.Equal(t, []int{1}, sort.KeyPositions(args("sort", "k", "BY", "w_*", "GET", "#")))
	assert.Equal(t, []int{1}, sort.KeyPositions(args("sort", "k", "LIMIT", "0", "1")))
	assert.Equal(t, []int{1, 6}, sort.KeyPositions(args("sort", "k", "LIMIT", "0", "1", "STORE", "d")))
	assert.Equal(t, []int{1, 3}, sort.KeyPositions(args("sort", "k", "STORE", "d")))
	assert.Equal(t, []int{1, 5}, sort.KeyPositions(args("sort", "k", "STORE", "d", "STORE", "e")))
	assert.Equal(t, []int{1}, sort.KeyPositions(args("sort", "k", "GET", "store", "x")))
	assert.Equal(t, []int{1}, LookupCommand("sort_ro").KeyPositions(args("sort_ro", "k", "STORE", "d")))
}

func TestSort_TypedAPIAndTransactions(t *testing.T) {
	s, x, _ := famStore(t)
	db := s.Select(0)
	db.SAdd("s", "b", "a", "c")
	db.MSet("w_a", "2", "w_b", "1", "w_c", "3")
	out, err := db.Sort("s", &SortArgs{By: "w_*", Get: []string{"#", "w_*", "none_*"}})
	require.NoError(t, err)
	assert.Equal(t, []string{"b", "1", "", "a", "2", "", "c", "3", ""}, out)
	out, err = db.Sort("s", &SortArgs{Alpha: true, Offset: 1, Count: -1})
	require.NoError(t, err)
	assert.Equal(t, []string{"b", "c"}, out)
	out, err = db.Sort("none", nil)
	require.NoError(t, err)
	assert.Empty(t, out)
	_, err = db.Sort("w_a", nil)
	assert.ErrorIs(t, err, ErrWrongType)
	_, err = db.Sort("s", nil)
	assert.ErrorIs(t, err, ErrSortScore)

	// inside MULTI/EXEC a SORT with patterns joins the transaction's section
	do(t, x, "MULTI")
	do(t, x, "SORT", "s", "BY", "w_*")
	do(t, x, "SORT", "s", "BY", "w_*", "STORE", "d")
	assert.Equal(t, "*2\r\n"+famBulks("b", "a", "c")+":3\r\n", do(t, x, "EXEC"))

	// many elements, weights in other shards
	for i := range 300 {
		db.SAdd("big", "e"+strconv.Itoa(i))
		db.Set("wt_e"+strconv.Itoa(i), strconv.Itoa(300-i), nil)
	}
	out, err = db.Sort("big", &SortArgs{By: "wt_*", Offset: 0, Count: 3})
	require.NoError(t, err)
	assert.Equal(t, []string{"e299", "e298", "e297"}, out)
}

// TestSort_Golden runs sort.golden against embedis and a real redis-server.
func TestSort_Golden(t *testing.T) {
	if testing.Short() {
		t.Skip("needs redis-server")
	}
	oracle := difftest.StartRedis(t)
	difftest.RunFile(t, "internal/difftest/testdata/sort.golden", famSubject(t), oracle)
}

package embedis

import (
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/embedis/embedis/resp"
)

const (
	w2LCSType   = "-ERR The specified keys must contain string values\r\n"
	w2LCSLenIdx = "-ERR If you want both the length and indexes, please just use IDX.\r\n"
	w2LCSMem    = "-ERR Insufficient memory, transient memory for LCS exceeds proto-max-bulk-len\r\n"
)

// w2Match renders one IDX match: [[a0 a1] [b0 b1]] or with its length.
func w2Match(a0, a1, b0, b1 int64, l ...int64) string {
	elems := []string{w2Arr(w2Int(a0), w2Int(a1)), w2Arr(w2Int(b0), w2Int(b1))}
	for _, n := range l {
		elems = append(elems, w2Int(n))
	}
	return w2Arr(elems...)
}

var lcsGroups = []bitsGroup{{
	name:  "LCS",
	lists: []string{"l"},
	cases: []bitsCase{
		bcase(w2OK, "MSET", "k1", "ohmytext", "k2", "mynewtext"),
		bcase(w2Bulk("mytext"), "LCS", "k1", "k2"),
		bcase(w2Int(6), "LCS", "k1", "k2", "LEN"),
		bcase(w2Arr(w2Bulk("matches"), w2Arr(w2Match(4, 7, 5, 8), w2Match(2, 3, 0, 1)), w2Bulk("len"), w2Int(6)),
			"LCS", "k1", "k2", "IDX"),
		bcase(w2Arr(w2Bulk("matches"), w2Arr(w2Match(4, 7, 5, 8)), w2Bulk("len"), w2Int(6)),
			"LCS", "k1", "k2", "IDX", "MINMATCHLEN", "4"),
		bcase(w2Arr(w2Bulk("matches"), w2Arr(w2Match(4, 7, 5, 8, 4)), w2Bulk("len"), w2Int(6)),
			"LCS", "k1", "k2", "idx", "minmatchlen", "4", "withmatchlen"),
		bcase(w2Arr(w2Bulk("matches"), w2Arr(w2Match(4, 7, 5, 8, 4), w2Match(2, 3, 0, 1, 2)), w2Bulk("len"), w2Int(6)),
			"LCS", "k1", "k2", "IDX", "WITHMATCHLEN"),
		bcase(w2Arr(w2Bulk("matches"), w2Arr(w2Match(4, 7, 5, 8), w2Match(2, 3, 0, 1)), w2Bulk("len"), w2Int(6)),
			"LCS", "k1", "k2", "IDX", "MINMATCHLEN", "-5"),
		bcase(w2LCSLenIdx, "LCS", "k1", "k2", "LEN", "IDX"),
		bcase(w2LCSLenIdx, "LCS", "k1", "k2", "IDX", "LEN"),
		bcase(w2Syntax, "LCS", "k1", "k2", "MINMATCHLEN"),
		bcase(w2NotInt, "LCS", "k1", "k2", "MINMATCHLEN", "x"),
		bcase(w2Syntax, "LCS", "k1", "k2", "foo"),
		bcase(w2Int(6), "LCS", "k1", "k2", "LEN", "WITHMATCHLEN"),
		bcase(w2Int(6), "LCS", "k1", "k2", "MINMATCHLEN", "-5", "LEN"),
		bcase(w2Bulk("mytext"), "LCS", "k1", "k2", "WITHMATCHLEN"),
		bcase(w2Bulk(""), "LCS", "m1", "m2"),
		bcase(w2Int(0), "LCS", "m1", "m2", "LEN"),
		bcase(w2Arr(w2Bulk("matches"), "*0\r\n", w2Bulk("len"), w2Int(0)), "LCS", "m1", "m2", "IDX"),
		bcase(w2Arr(w2Bulk("matches"), "*0\r\n", w2Bulk("len"), w2Int(0)), "LCS", "k1", "m2", "IDX", "WITHMATCHLEN"),
		bcase(w2LCSType, "LCS", "l", "k1"),
		bcase(w2LCSType, "LCS", "k1", "l", "foo"),
		bcase(w2LCSType, "LCS", "l", "k1", "LEN", "IDX"),
		bcase(w2LCSType, "LCS", "missing", "l"),
		bcase(w2OK, "MSET", "a", "ABCBDAB", "b", "BDCABA"),
		bcase(w2Bulk("BDAB"), "LCS", "a", "b"),
		bcase(w2Arr(w2Bulk("matches"), w2Arr(w2Match(5, 6, 3, 4, 2), w2Match(3, 4, 0, 1, 2)), w2Bulk("len"), w2Int(4)),
			"LCS", "a", "b", "IDX", "WITHMATCHLEN"),
		bcase(w2OK, "MSET", "x", "aaaa", "y", "aa"),
		bcase(w2Arr(w2Bulk("matches"), w2Arr(w2Match(2, 3, 0, 1, 2)), w2Bulk("len"), w2Int(2)),
			"LCS", "x", "y", "IDX", "WITHMATCHLEN"),
		bcase(w2Bulk("aa"), "LCS", "y", "x"),
		bcase(w2Arr(w2Bulk("matches"), w2Arr(w2Match(0, 1, 2, 3, 2)), w2Bulk("len"), w2Int(2)),
			"LCS", "y", "x", "IDX", "WITHMATCHLEN"),
		bcase(w2Err("ERR wrong number of arguments for 'lcs' command"), "LCS", "k1"),
	},
}, {
	name:  "LCSRESP3",
	proto: 3,
	cases: []bitsCase{
		bcase(w2OK, "MSET", "k1", "ohmytext", "k2", "mynewtext"),
		bcase("%2\r\n"+w2Bulk("matches")+w2Arr(w2Match(4, 7, 5, 8, 4), w2Match(2, 3, 0, 1, 2))+w2Bulk("len")+w2Int(6),
			"LCS", "k1", "k2", "IDX", "WITHMATCHLEN"),
		bcase(w2Bulk("mytext"), "LCS", "k1", "k2"),
	},
}}

func TestLCS_Replies(t *testing.T) { runBitsGroups(t, lcsGroups) }

// TestLCS_MemoryBound: the DP table (4 bytes a cell) may not exceed
// proto-max-bulk-len; 512×512 cells fit exactly in 1 MiB.
func TestLCS_MemoryBound(t *testing.T) {
	s, err := Open(&Options{ProtoMaxBulkLen: 1 << 20})
	require.NoError(t, err)
	t.Cleanup(func() { s.Close() })
	sess := s.NewSession()
	do(t, sess, "SETRANGE", "a1", "599", "x")
	do(t, sess, "SETRANGE", "b1", "599", "y")
	assert.Equal(t, w2LCSMem, do(t, sess, "LCS", "a1", "b1", "LEN"))
	do(t, sess, "SETRANGE", "a2", "510", "x")
	do(t, sess, "SETRANGE", "b2", "510", "x")
	assert.Equal(t, w2Int(511), do(t, sess, "LCS", "a2", "b2", "LEN"))
	do(t, sess, "SETRANGE", "a3", "511", "x")
	assert.Equal(t, w2LCSMem, do(t, sess, "LCS", "a3", "b2", "LEN"))
	_, err = s.LCSLen("a3", "b2")
	assert.EqualError(t, err, "ERR Insufficient memory, transient memory for LCS exceeds proto-max-bulk-len")
}

func TestLCS_TypedAPI(t *testing.T) {
	s, _ := openTest(t)
	require.NoError(t, s.MSet("k1", "ohmytext", "k2", "mynewtext"))
	str, err := s.LCS("k1", "k2")
	require.NoError(t, err)
	assert.Equal(t, "mytext", str)
	n, err := s.LCSLen("k1", "k2")
	require.NoError(t, err)
	assert.Equal(t, 6, n)
	m, n, err := s.LCSIdx("k1", "k2", 0)
	require.NoError(t, err)
	assert.Equal(t, 6, n)
	assert.Equal(t, []LCSMatch{{AStart: 4, AEnd: 7, BStart: 5, BEnd: 8, Len: 4}, {AStart: 2, AEnd: 3, BStart: 0, BEnd: 1, Len: 2}}, m)
	m, _, err = s.LCSIdx("k1", "k2", 3)
	require.NoError(t, err)
	assert.Len(t, m, 1)
	str, err = s.LCS("k1", "missing")
	require.NoError(t, err)
	assert.Equal(t, "", str)

	bitsPutList(t, s, "l")
	_, err = s.LCS("k1", "l")
	assert.EqualError(t, err, "ERR The specified keys must contain string values")

	v, err := s.Do(bg, "LCS", "k1", "k2", "IDX", "MINMATCHLEN", 4)
	require.NoError(t, err)
	assert.Equal(t, resp.MapValue(
		resp.BulkValue("matches"), resp.ArrayValue(resp.ArrayValue(
			resp.ArrayValue(resp.IntValue(4), resp.IntValue(7)),
			resp.ArrayValue(resp.IntValue(5), resp.IntValue(8)))),
		resp.BulkValue("len"), resp.IntValue(6)), v)
	_, err = s.Do(bg, "LCS", "k1", "k2", "LEN", "IDX")
	assert.EqualError(t, err, "ERR If you want both the length and indexes, please just use IDX.")
	assert.False(t, errors.Is(err, ErrWrongType))
}

// TestLCS_LongStrings checks the subsequence against the length on
// larger inputs and that it is a subsequence of both.
func TestLCS_LongStrings(t *testing.T) {
	s, _ := openTest(t)
	a := strings.Repeat("GATTACA", 60)
	b := strings.Repeat("TACGAT", 70)
	require.NoError(t, s.MSet("a", a, "b", b))
	str, err := s.LCS("a", "b")
	require.NoError(t, err)
	n, err := s.LCSLen("a", "b")
	require.NoError(t, err)
	assert.Equal(t, n, len(str))
	isSubseq := func(sub, s string) bool {
		i := 0
		for j := 0; j < len(s) && i < len(sub); j++ {
			if s[j] == sub[i] {
				i++
			}
		}
		return i == len(sub)
	}
	assert.True(t, isSubseq(str, a))
	assert.True(t, isSubseq(str, b))
	m, _, err := s.LCSIdx("a", "b", 0)
	require.NoError(t, err)
	total := 0
	for _, x := range m {
		assert.Equal(t, a[x.AStart:x.AEnd+1], b[x.BStart:x.BEnd+1])
		total += x.Len
	}
	assert.Equal(t, n, total)
}

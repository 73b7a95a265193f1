package embedis

import (
	"math"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/embedis/embedis/internal/difftest"
	"github.com/embedis/embedis/types"
)

const notHLL = "-WRONGTYPE Key is not a valid HyperLogLog string value.\r\n"

func TestHLL_PFAdd_CreatesAndReports(t *testing.T) {
	_, x, rec := famStore(t)
	assert.Equal(t, ":1\r\n", do(t, x, "PFADD", "h"), "a new key counts as a change, even without elements")
	recs, evs := rec.take()
	assert.Equal(t, []string{"PFADD h"}, recs)
	assert.Equal(t, []string{"pfadd h"}, evs)
	assert.Equal(t, ":0\r\n", do(t, x, "PFADD", "h"))
	assert.Equal(t, ":0\r\n", do(t, x, "PFCOUNT", "h"), "the new key's cache is valid: no write-back")
	recs, evs = rec.take()
	assert.Empty(t, recs)
	assert.Empty(t, evs)

	assert.Equal(t, ":1\r\n", do(t, x, "PFADD", "h", "a", "b", "c"))
	assert.Equal(t, ":0\r\n", do(t, x, "PFADD", "h", "a", "c"))
	assert.Equal(t, ":1\r\n", do(t, x, "PFADD", "h", "a", "d"))
	rec.take()
	assert.Equal(t, ":4\r\n", do(t, x, "PFCOUNT", "h"))
	recs, _ = rec.take()
	assert.Equal(t, []string{"PFCOUNT h"}, recs, "the cache write-back is journaled, as Redis propagates it")
	assert.Equal(t, ":4\r\n", do(t, x, "PFCOUNT", "h"))
	recs, _ = rec.take()
	assert.Empty(t, recs, "a valid cache is just read")

	assert.Equal(t, "+string\r\n", do(t, x, "TYPE", "h"))
	v := do(t, x, "GET", "h")
	assert.Contains(t, v, "HYLL")
}

func TestHLL_Errors(t *testing.T) {
	s, x, _ := famStore(t)
	do(t, x, "SET", "str", "hello")
	do(t, x, "SET", "magic", "HYLL")
	do(t, x, "SADD", "set", "a")
	assert.Equal(t, notHLL, do(t, x, "PFADD", "str", "a"))
	assert.Equal(t, notHLL, do(t, x, "PFADD", "magic", "a"))
	assert.Equal(t, notHLL, do(t, x, "PFCOUNT", "str"))
	assert.Equal(t, notHLL, do(t, x, "PFCOUNT", "none", "str"))
	assert.Equal(t, notHLL, do(t, x, "PFMERGE", "str", "none"))
	assert.Equal(t, notHLL, do(t, x, "PFMERGE", "none", "str"))
	assert.Equal(t, famWrongType, do(t, x, "PFADD", "set", "a"))
	assert.Equal(t, famWrongType, do(t, x, "PFCOUNT", "set"))
	assert.Equal(t, famWrongType, do(t, x, "PFCOUNT", "none", "set"))
	assert.Equal(t, famWrongType, do(t, x, "PFMERGE", "m", "set"))
	assert.Equal(t, ":0\r\n", do(t, x, "EXISTS", "m"), "a failed merge creates nothing")
	assert.Equal(t, "-ERR wrong number of arguments for 'pfadd' command\r\n", do(t, x, "PFADD"))
	assert.Equal(t, "-ERR wrong number of arguments for 'pfcount' command\r\n", do(t, x, "PFCOUNT"))

	// APPEND breaks the value: the header survives, the sketch does not.
	do(t, x, "PFADD", "h", "a", "b", "c")
	do(t, x, "APPEND", "h", "x")
	assert.Equal(t, "-INVALIDOBJ Corrupted HLL object detected\r\n", do(t, x, "PFCOUNT", "h"))
	assert.Equal(t, "-INVALIDOBJ Corrupted HLL object detected\r\n", do(t, x, "PFCOUNT", "h", "none"))
	assert.Equal(t, "-INVALIDOBJ Corrupted HLL object detected\r\n", do(t, x, "PFADD", "h", "z"))
	// SETRANGE over the header makes it an ordinary string.
	do(t, x, "PFADD", "h2", "a")
	do(t, x, "SETRANGE", "h2", "0", "X")
	assert.Equal(t, notHLL, do(t, x, "PFADD", "h2", "z"))

	db := s.Select(0)
	_, err := db.PFAdd("str", "a")
	assert.ErrorIs(t, err, ErrNotHLL)
	assert.ErrorIs(t, err, ErrWrongType, "a WRONGTYPE-class error")
	_, err = db.PFCount("set")
	assert.ErrorIs(t, err, ErrWrongType)
	assert.ErrorIs(t, db.PFMerge("x", "h"), ErrCorruptHLL)
}

func TestHLL_PFCount_UnionDoesNotWrite(t *testing.T) {
	s, x, rec := famStore(t)
	do(t, x, "PFADD", "a", "1", "2", "3")
	do(t, x, "PFADD", "b", "3", "4")
	before := do(t, x, "GET", "a")
	rec.take()
	assert.Equal(t, ":4\r\n", do(t, x, "PFCOUNT", "a", "b", "none"))
	recs, _ := rec.take()
	assert.Empty(t, recs)
	assert.Equal(t, before, do(t, x, "GET", "a"), "caches untouched")
	assert.Equal(t, ":0\r\n", do(t, x, "PFCOUNT", "none"))
	assert.Equal(t, ":0\r\n", do(t, x, "PFCOUNT", "none", "none2"))
	assert.Equal(t, 2, s.DBSize())
}

func TestHLL_PFCount_WriteBackTouchesWatch(t *testing.T) {
	s, x, _ := famStore(t)
	do(t, x, "PFADD", "h", "a")
	do(t, x, "WATCH", "h")
	other := s.NewSession()
	assert.Equal(t, ":1\r\n", do(t, other, "PFCOUNT", "h"))
	do(t, x, "MULTI")
	do(t, x, "EXISTS", "h")
	assert.Equal(t, "*-1\r\n", do(t, x, "EXEC"), "the cache write-back modified the key")
	do(t, x, "WATCH", "h")
	assert.Equal(t, ":1\r\n", do(t, other, "PFCOUNT", "h"))
	do(t, x, "MULTI")
	do(t, x, "EXISTS", "h")
	assert.Equal(t, "*1\r\n:1\r\n", do(t, x, "EXEC"), "a cached count is a pure read")
}

func TestHLL_PFMerge_IncludesDest(t *testing.T) {
	s, x, rec := famStore(t)
	assert.Equal(t, "+OK\r\n", do(t, x, "PFMERGE", "empty"))
	assert.Equal(t, ":1\r\n", do(t, x, "EXISTS", "empty"), "created even with no sources")
	assert.Equal(t, ":0\r\n", do(t, x, "PFCOUNT", "empty"))
	do(t, x, "PFADD", "d", "x", "y")
	do(t, x, "PFADD", "s1", "a", "b")
	do(t, x, "PFADD", "s2", "b", "c")
	rec.take()
	assert.Equal(t, "+OK\r\n", do(t, x, "PFMERGE", "d", "s1", "s2", "none"))
	recs, evs := rec.take()
	assert.Equal(t, []string{"PFMERGE d s1 s2 none"}, recs)
	assert.Equal(t, []string{"pfadd d"}, evs)
	assert.Equal(t, ":5\r\n", do(t, x, "PFCOUNT", "d"))
	require.NoError(t, s.Select(0).PFMerge("d2", "d", "s1"))
	n, err := s.Select(0).PFCount("d2")
	require.NoError(t, err)
	assert.Equal(t, int64(5), n)
}

// Dense HyperLogLogs: PFADD updates in place; counts stay within 2% at a
// million elements (the standard error is 0.81%).
func TestHLL_LargeCardinality(t *testing.T) {
	s, _, _ := famStore(t)
	db := s.Select(0)
	const n = 1_000_000
	batch := make([]string, 0, 1000)
	for i := 0; i < n; i++ {
		batch = append(batch, "u"+strconv.Itoa(i))
		if len(batch) == cap(batch) {
			_, err := db.PFAdd("big", batch...)
			require.NoError(t, err)
			batch = batch[:0]
		}
	}
	got, err := db.PFCount("big")
	require.NoError(t, err)
	rel := math.Abs(float64(got)-n) / n
	t.Logf("PFCOUNT of %d distinct elements: %d (error %.3f%%)", n, got, rel*100)
	assert.Less(t, rel, 0.02)
	v, err := db.Get("big")
	require.NoError(t, err)
	assert.Len(t, v, types.HLLDenseSize)
	changed, err := db.PFAdd("big", "u1", "u2")
	require.NoError(t, err)
	assert.False(t, changed)
}

// Redis 7.0 answers exactly for 1..127 distinct elements (checked with
// redis-server: 128 gives 129); embedis too, one PFADD at a time.
func TestHLL_SmallCountsExactLikeRedis(t *testing.T) {
	s, x, _ := famStore(t)
	for i := 1; i <= 127; i++ {
		do(t, x, "PFADD", "e", "e"+strconv.Itoa(i))
		do(t, x, "PFADD", "n", strconv.Itoa(i))
		require.Equal(t, ":"+strconv.Itoa(i)+"\r\n", do(t, x, "PFCOUNT", "e"))
		require.Equal(t, ":"+strconv.Itoa(i)+"\r\n", do(t, x, "PFCOUNT", "n"))
	}
	n, err := s.Select(0).PFCount("e", "n")
	require.NoError(t, err)
	assert.Equal(t, int64(254), n)
}

func TestHLL_CopyAndRenameKeepValue(t *testing.T) {
	_, x, _ := famStore(t)
	do(t, x, append([]string{"PFADD", "h"}, strings.Split("a b c d e", " ")...)...)
	assert.Equal(t, ":1\r\n", do(t, x, "COPY", "h", "h2"))
	assert.Equal(t, ":5\r\n", do(t, x, "PFCOUNT", "h2"))
	do(t, x, "PFADD", "h2", "f")
	assert.Equal(t, ":5\r\n", do(t, x, "PFCOUNT", "h"), "the copy is independent")
	assert.Equal(t, ":6\r\n", do(t, x, "PFCOUNT", "h2"))
}

// TestHLL_Golden runs hll.golden against embedis and a real redis-server.
func TestHLL_Golden(t *testing.T) {
	if testing.Short() {
		t.Skip("needs redis-server")
	}
	oracle := difftest.StartRedis(t)
	difftest.RunFile(t, "internal/difftest/testdata/hll.golden", famSubject(t), oracle)
}

// TestHLL_RandomDiff runs random PF* commands against embedis and a real
// redis-server.
func TestHLL_RandomDiff(t *testing.T) {
	if testing.Short() {
		t.Skip("needs redis-server")
	}
	oracle := difftest.StartRedis(t)
	difftest.RunRandom(t, difftest.Seed(t), 2000, difftest.HLLCommands(), famSubject(t), oracle)
}

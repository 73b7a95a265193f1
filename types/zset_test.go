package types

import (
	"math"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func zsetChecked(t *testing.T, z *ZSet) *ZSet {
	t.Helper()
	t.Cleanup(func() { require.NoError(t, z.Check()) })
	return z
}

func zitems(z *ZSet) []Z {
	out := []Z{}
	z.Ascend(0, func(_ int, m Z) bool { out = append(out, m); return true })
	return out
}

// zmodel is the reference: a sorted slice.
type zmodel []Z

func (m *zmodel) find(member string) int {
	for i, it := range *m {
		if it.Member == member {
			return i
		}
	}
	return -1
}

func (m *zmodel) set(member string, s float64) {
	if i := m.find(member); i >= 0 {
		*m = slices.Delete(*m, i, i+1)
	}
	it := Z{Score: s, Member: member}
	i, _ := slices.BinarySearchFunc(*m, it, func(a, b Z) int {
		switch {
		case zless(a.Score, a.Member, b.Score, b.Member):
			return -1
		case zless(b.Score, b.Member, a.Score, a.Member):
			return 1
		}
		return 0
	})
	*m = slices.Insert(*m, i, it)
}

func TestZSet_Insert_OrderAndRank(t *testing.T) {
	z := zsetChecked(t, NewZSet(0, 0))
	z.Insert("b", 2)
	z.Insert("a", 2)
	z.Insert("c", 1)
	z.Insert("ab", 2)
	assert.Equal(t, []Z{{1, "c"}, {2, "a"}, {2, "ab"}, {2, "b"}}, zitems(z))
	r, s, ok := z.Rank("ab")
	assert.True(t, ok)
	assert.Equal(t, 2, r)
	assert.Equal(t, 2.0, s)
	_, _, ok = z.Rank("zz")
	assert.False(t, ok)
	assert.Equal(t, "listpack", z.Encoding())
}

func TestZSet_Encoding_Conversions(t *testing.T) {
	z := zsetChecked(t, NewZSet(1, 1))
	for i := range ZSetMaxListpackEntries {
		z.Insert("m"+strconv.Itoa(i), float64(i))
	}
	assert.Equal(t, "listpack", z.Encoding())
	z.Insert("one-more", 0)
	assert.Equal(t, "skiplist", z.Encoding())
	// one way: shrinking keeps the encoding
	z.DeleteRange(0, z.Len()-1)
	assert.Equal(t, 1, z.Len())
	assert.Equal(t, "skiplist", z.Encoding())

	long := zsetChecked(t, NewZSet(1, 1))
	long.Insert(strings.Repeat("x", ZSetMaxListpackValue), 1)
	assert.Equal(t, "listpack", long.Encoding())
	long.Insert(strings.Repeat("x", ZSetMaxListpackValue+1), 1)
	assert.Equal(t, "skiplist", long.Encoding())

	assert.Equal(t, "skiplist", NewZSet(129, 1).Encoding())
	assert.Equal(t, "skiplist", NewZSet(1, 65).Encoding())
	g := zsetChecked(t, NewZSet(3, 1))
	g.Insert("a", 1)
	g.Grow(128)
	assert.Equal(t, "listpack", g.Encoding())
	g.Grow(129)
	assert.Equal(t, "skiplist", g.Encoding())
}

// Redis stores an integral listpack score as an integer: -0 comes back as
// 0. The skiplist keeps -0.
func TestZSet_NegativeZero(t *testing.T) {
	lp := zsetChecked(t, NewZSet(1, 1))
	lp.Insert("m", math.Copysign(0, -1))
	s, _ := lp.Score("m")
	assert.False(t, math.Signbit(s))

	// A member too long for a listpack converts the set first and keeps
	// its -0 (Redis's zsetAdd converts, then inserts the score as given).
	long := zsetChecked(t, NewZSet(1, 1))
	long.Insert("a", 1)
	long.Insert(strings.Repeat("x", 65), math.Copysign(0, -1))
	s, _ = long.Score(strings.Repeat("x", 65))
	assert.True(t, math.Signbit(s))
	assert.Equal(t, "skiplist", long.Encoding())

	sl := zsetChecked(t, NewZSet(200, 1))
	sl.Insert("m", math.Copysign(0, -1))
	s, _ = sl.Score("m")
	assert.True(t, math.Signbit(s))
	// 0 == -0: no update
	sl.Update("m", s, 0)
	s, _ = sl.Score("m")
	assert.True(t, math.Signbit(s))

	st := zsetChecked(t, NewZSetFromSorted([]Z{{math.Copysign(0, -1), "a"}, {0, "b"}}))
	assert.Equal(t, "listpack", st.Encoding())
	s, _ = st.Score("a")
	assert.False(t, math.Signbit(s))
}

func TestZSet_Update_MovesItem(t *testing.T) {
	for _, hint := range []int{0, 1000} {
		z := zsetChecked(t, NewZSet(hint, 1))
		for i := range 300 {
			z.Insert("m"+strconv.Itoa(i), float64(i))
		}
		z.Update("m10", 10, 1000)
		z.Update("m20", 20, 20.5)
		r, s, ok := z.Rank("m10")
		require.True(t, ok)
		assert.Equal(t, 299, r)
		assert.Equal(t, 1000.0, s)
		r, _, _ = z.Rank("m20")
		assert.Equal(t, 19, r)
	}
}

func TestZSet_ScoreBounds(t *testing.T) {
	z := zsetChecked(t, NewZSet(0, 0))
	for i, s := range []float64{1, 2, 2, 3, math.Inf(1)} {
		z.Insert("m"+strconv.Itoa(i), s)
	}
	cases := []struct {
		r      ScoreRange
		lo, hi int
	}{
		{ScoreRange{Min: 2, Max: 2}, 1, 3},
		{ScoreRange{Min: 2, Max: 2, MinEx: true}, 3, 3},
		{ScoreRange{Min: math.Inf(-1), Max: math.Inf(1)}, 0, 5},
		{ScoreRange{Min: 1, Max: 3, MinEx: true, MaxEx: true}, 1, 3},
		{ScoreRange{Min: 5, Max: 1}, 4, 1},
	}
	for _, c := range cases {
		lo, hi := z.ScoreBounds(&c.r)
		assert.Equal(t, [2]int{c.lo, c.hi}, [2]int{lo, hi}, "%+v", c.r)
	}
}

func TestZSet_Lex(t *testing.T) {
	for _, hint := range []int{0, 1000} {
		z := zsetChecked(t, NewZSet(hint, 1))
		for _, m := range []string{"a", "b", "c", "d", "e"} {
			z.Insert(m, 0)
		}
		r := &LexRange{Min: "b", MinKind: LexInclusive, Max: "d", MaxKind: LexExclusive}
		assert.Equal(t, 1, z.LexFirst(r))
		assert.Equal(t, 2, z.LexLast(r))
		all := &LexRange{MinKind: LexNegInf, MaxKind: LexPosInf}
		assert.Equal(t, 0, z.LexFirst(all))
		assert.Equal(t, 4, z.LexLast(all))
		none := &LexRange{MinKind: LexPosInf, MaxKind: LexNegInf}
		assert.Equal(t, -1, z.LexFirst(none))
		empty := &LexRange{Min: "c", MinKind: LexExclusive, Max: "c", MaxKind: LexInclusive}
		assert.Equal(t, -1, z.LexFirst(empty))
		gap := &LexRange{Min: "bb", MinKind: LexInclusive, Max: "bc", MaxKind: LexInclusive}
		assert.Equal(t, -1, z.LexFirst(gap))
		assert.Equal(t, -1, z.LexLast(gap))
	}
}

func TestZSet_Scan_ListpackAllAtOnce(t *testing.T) {
	z := zsetChecked(t, NewZSet(0, 0))
	z.Insert("b", 2)
	z.Insert("a", 1)
	var got []Z
	next := z.Scan(12345, 1, nil, func(m Z) { got = append(got, m) })
	assert.Zero(t, next)
	assert.Equal(t, []Z{{1, "a"}, {2, "b"}}, got)
}

// Every member present for the whole iteration is returned, even when the
// table grows and shrinks between calls.
func TestZSet_Scan_SurvivesResizes(t *testing.T) {
	seed := uint64(time.Now().UnixNano())
	t.Logf("seed %d", seed)
	r := rand.New(rand.NewPCG(seed, 1))
	z := zsetChecked(t, NewZSet(1000, 1))
	for i := range 1000 {
		z.Insert("keep"+strconv.Itoa(i), float64(i))
	}
	seen := map[string]bool{}
	var cur uint64
	extra := 0
	for step := 0; ; step++ {
		cur = z.Scan(cur, 10, nil, func(m Z) { seen[m.Member] = true })
		switch r.IntN(3) {
		case 0: // grow a lot
			for range 200 {
				z.Insert("tmp"+strconv.Itoa(extra), 0)
				extra++
			}
		case 1: // shrink
			for i := 0; i < extra; i++ {
				z.Delete("tmp" + strconv.Itoa(i))
			}
		}
		if cur == 0 {
			break
		}
		require.Less(t, step, 100000)
	}
	for i := range 1000 {
		assert.True(t, seen["keep"+strconv.Itoa(i)], "keep%d missing", i)
	}
}

func TestZSet_Scan_CountAndKeep(t *testing.T) {
	z := zsetChecked(t, NewZSet(500, 1))
	for i := range 500 {
		z.Insert("m"+strconv.Itoa(i), float64(i))
	}
	var got []Z
	var cur uint64
	for {
		cur = z.Scan(cur, 1000, func(m string) bool { return m == "m7" }, func(m Z) { got = append(got, m) })
		if cur == 0 {
			break
		}
	}
	assert.Equal(t, []Z{{7, "m7"}}, got)
}

func TestZSet_Clone_Independent(t *testing.T) {
	for _, n := range []int{5, 500} {
		z := zsetChecked(t, NewZSet(n, 1))
		for i := range n {
			z.Insert("m"+strconv.Itoa(i), float64(i%7))
		}
		c := zsetChecked(t, z.Clone().(*ZSet))
		assert.Equal(t, z.Encoding(), c.Encoding())
		assert.Equal(t, zitems(z), zitems(c))
		c.Delete("m1")
		_, ok := z.Score("m1")
		assert.True(t, ok)
		assert.Equal(t, n-1, c.Len())
	}
}

func TestZSet_DeleteRange(t *testing.T) {
	for _, n := range []int{50, 3000} {
		for _, rg := range [][2]int{{0, 1}, {0, n}, {10, 20}, {n / 3, n - 5}, {n - 1, n}} {
			z := zsetChecked(t, NewZSet(n, 1))
			var m zmodel
			for i := range n {
				k := "m" + strconv.Itoa(i)
				z.Insert(k, float64(i%13))
				m.set(k, float64(i%13))
			}
			assert.Equal(t, rg[1]-rg[0], z.DeleteRange(rg[0], rg[1]))
			want := append(slices.Clone(m[:rg[0]]), m[rg[1]:]...)
			assert.Equal(t, append([]Z{}, want...), zitems(z))
			require.NoError(t, z.Check())
		}
	}
}

// Random operations against the sorted-slice model, with invariant checks.
func TestZSet_Model_RandomOps(t *testing.T) {
	seed := uint64(time.Now().UnixNano())
	t.Logf("seed %d", seed)
	r := rand.New(rand.NewPCG(seed, 2))
	for _, cfg := range []struct{ hint, space, ops int }{{0, 2000, 20000}, {200, 2000, 20000}, {200, 40000, 150000}} {
		z := zsetChecked(t, NewZSet(cfg.hint, 1))
		var m zmodel
		ops, space := cfg.ops, cfg.space
		if testing.Short() {
			ops /= 5
		}
		for i := range ops {
			member := "m" + strconv.Itoa(r.IntN(space))
			score := float64(r.IntN(50)) / 4
			switch r.IntN(10) {
			case 0, 1, 2, 3:
				if old, ok := z.Score(member); ok {
					z.Update(member, old, score)
					if z.IsListpack() {
						score = zlistpackScore(score)
					}
					if score != old {
						m.set(member, score)
					}
				} else {
					z.Insert(member, score)
					m.set(member, score)
				}
			case 4, 5:
				ok := z.Delete(member)
				j := m.find(member)
				require.Equal(t, j >= 0, ok)
				if j >= 0 {
					m = slices.Delete(m, j, j+1)
				}
			case 6:
				rk, s, ok := z.Rank(member)
				j := m.find(member)
				require.Equal(t, j >= 0, ok)
				if ok {
					require.Equal(t, j, rk)
					require.Equal(t, m[j].Score, s)
				}
			case 7:
				if len(m) > 0 {
					k := r.IntN(len(m))
					require.Equal(t, m[k], z.At(k))
				}
			case 8:
				lo := r.IntN(len(m) + 1)
				hi := lo + r.IntN(40)
				if r.IntN(50) == 0 {
					hi = lo + r.IntN(len(m)+1)
				}
				z.DeleteRange(lo, hi)
				hi = min(hi, len(m))
				m = append(m[:lo:lo], m[hi:]...)
			case 9:
				rg := ScoreRange{Min: float64(r.IntN(50)) / 4, Max: float64(r.IntN(50)) / 4, MinEx: r.IntN(2) == 0, MaxEx: r.IntN(2) == 0}
				lo, hi := z.ScoreBounds(&rg)
				wlo, whi := 0, 0
				for _, it := range m {
					if !rg.GteMin(it.Score) {
						wlo++
					}
					if rg.LteMax(it.Score) {
						whi++
					}
				}
				require.Equal(t, [2]int{wlo, whi}, [2]int{lo, hi})
			}
			require.Equal(t, len(m), z.Len())
			if i%(ops/40) == 0 {
				require.NoError(t, z.Check(), "op %d", i)
				require.Equal(t, append([]Z{}, m...), zitems(z))
			}
		}
		require.Equal(t, append([]Z{}, m...), zitems(z))
		desc := []Z{}
		z.Descend(z.Len()-1, func(_ int, it Z) bool { desc = append(desc, it); return true })
		slices.Reverse(desc)
		require.Equal(t, append([]Z{}, m...), desc)
	}
}

// Sequential inserts fill leaves completely.
func TestZSet_SequentialInsert_FillsLeaves(t *testing.T) {
	z := zsetChecked(t, NewZSet(10000, 1))
	for i := range 10000 {
		z.Insert("m"+strconv.Itoa(i), float64(i))
	}
	leaves := 0
	for l := z.full.t.first; l != nil; l = l.next {
		leaves++
	}
	assert.LessOrEqual(t, leaves, 10000/zLeafCap+1)
}

func TestZSet_MemUsage_Grows(t *testing.T) {
	z := NewZSet(0, 0)
	m0 := z.MemUsage()
	z.Insert("hello", 1)
	assert.Greater(t, z.MemUsage(), m0)
}

// A deep tree shrinking in random order exercises merges and
// redistributions at every level.
func TestZSet_DeepTree_ShrinkRandomly(t *testing.T) {
	seed := uint64(time.Now().UnixNano())
	t.Logf("seed %d", seed)
	r := rand.New(rand.NewPCG(seed, 3))
	n := 30000
	z := zsetChecked(t, NewZSet(n, 1))
	members := make([]string, n)
	for i := range n {
		members[i] = "m" + strconv.Itoa(i)
		z.Insert(members[i], float64(r.IntN(1000)))
	}
	require.NoError(t, z.Check())
	r.Shuffle(n, func(i, j int) { members[i], members[j] = members[j], members[i] })
	for i, m := range members {
		require.True(t, z.Delete(m))
		if i%997 == 0 {
			require.NoError(t, z.Check(), "after %d deletes", i+1)
		}
	}
	assert.Zero(t, z.Len())
	// rebuild from sorted input, then delete from the front (pops)
	items := make([]Z, n)
	for i := range items {
		items[i] = Z{Score: float64(i), Member: "p" + strconv.Itoa(i)}
	}
	z2 := zsetChecked(t, NewZSetFromSorted(items))
	for i := range n - 1 {
		require.Equal(t, items[i], z2.At(0))
		z2.DeleteRange(0, 1)
		if i%1499 == 0 {
			require.NoError(t, z2.Check())
		}
		_ = i
	}
	assert.Equal(t, 1, z2.Len())
}

func benchZSet(b *testing.B, n int) (*ZSet, []string) {
	r := rand.New(rand.NewPCG(1, 1))
	z := NewZSet(n, 1)
	names := make([]string, n)
	for i := range names {
		names[i] = "member:" + strconv.Itoa(i)
		z.Insert(names[i], float64(r.IntN(10*n)))
	}
	return z, names
}

func BenchmarkZSet_Rank(b *testing.B) {
	for _, n := range []int{10_000, 1_000_000} {
		b.Run(strconv.Itoa(n), func(b *testing.B) {
			z, names := benchZSet(b, n)
			r := rand.New(rand.NewPCG(2, 2))
			b.ResetTimer()
			for range b.N {
				if _, _, ok := z.Rank(names[r.IntN(n)]); !ok {
					b.Fatal("missing")
				}
			}
		})
	}
}

func BenchmarkZSet_Insert(b *testing.B) {
	r := rand.New(rand.NewPCG(3, 3))
	names := make([]string, 1<<20)
	for i := range names {
		names[i] = "member:" + strconv.Itoa(i)
	}
	z := NewZSet(0, 0)
	b.ResetTimer()
	for i := range b.N {
		if i&(1<<20-1) == 0 {
			z = NewZSet(0, 0)
		}
		z.Insert(names[i&(1<<20-1)], float64(r.IntN(1<<30)))
	}
}

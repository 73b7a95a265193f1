package types

import (
	"encoding/binary"
	"math"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
	"unsafe"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Tests of the compact (one-buffer) forms of Hash and ZSet. The general
// layouts also implement listpack semantics (a hashFull that is neither
// large nor listpackex, a zsetFull without its dictionary): they serve as
// the reference the compact forms must match reply for reply.

// withLimits runs the test with l in force and restores the defaults.
func withLimits(t *testing.T, edit func(l *Limits)) {
	t.Helper()
	l := DefaultLimits()
	edit(&l)
	SetLimits(l)
	t.Cleanup(func() { SetLimits(DefaultLimits()) })
}

func randMember(r *rand.Rand, space, maxLen int) string {
	k := r.IntN(space)
	s := "m" + strconv.Itoa(k)
	// a deterministic length per member, from 0 to maxLen bytes
	if n := (k * 7919) % (maxLen + 1); n > len(s) {
		s += strings.Repeat("x", n-len(s))
	} else if k%13 == 0 {
		s = s[:n]
	}
	return s
}

func hashPairs(h interface {
	Range(int64, func(string, string) bool)
}) []string {
	var out []string
	h.Range(0, func(f, v string) bool { out = append(out, f, v); return true })
	return out
}

func TestHash_Compact_MatchesListpackReference(t *testing.T) {
	seed := uint64(time.Now().UnixNano())
	t.Logf("seed %d", seed)
	r := rand.New(rand.NewPCG(seed, 11))
	for _, valueLimit := range []int{HashMaxListpackValue, 300} {
		withLimits(t, func(l *Limits) { l.HashMaxListpackValue = valueLimit })
		for round := 0; round < 40; round++ {
			h := NewHash()
			ref := &hashFull{}
			space := 5 + r.IntN(200)
			for i := 0; i < 400; i++ {
				f := randMember(r, space, valueLimit)
				switch op := r.IntN(8); op {
				case 0, 1, 2:
					v := strings.Repeat("v", r.IntN(valueLimit+1))
					if r.IntN(400) == 0 {
						v = strings.Repeat("L", valueLimit+1) // converts both
					}
					if op == 2 {
						require.Equal(t, ref.SetKeepTTL(f, v), h.SetKeepTTL(f, v))
					} else {
						require.Equal(t, ref.Set(f, v), h.Set(f, v))
					}
				case 3:
					require.Equal(t, ref.Delete(f), h.Delete(f))
				case 4:
					v1, at1, ok1 := ref.Get(f)
					v2, at2, ok2 := h.Get(f)
					require.Equal(t, [3]any{v1, at1, ok1}, [3]any{v2, at2, ok2})
				case 5:
					if n := ref.Len(); n > 0 {
						k := r.IntN(n)
						f1, v1, _ := ref.At(k)
						f2, v2, _ := h.At(k)
						require.Equal(t, [2]string{f1, v1}, [2]string{f2, v2})
						slots := []int{k, 0, n - 1, k}
						var got []string
						h.AtSlots(slots, func(f, v string, _ int64) { got = append(got, f, v) })
						var want []string
						for _, s := range slots {
							f, v, _ := ref.At(s)
							want = append(want, f, v)
						}
						require.Equal(t, want, got)
					}
				case 6:
					n := r.IntN(600)
					ref.Reserve(n)
					h.Reserve(n)
				case 7:
					var got []string
					next := h.Scan(0, 10, func(f, v string, at int64) { got = append(got, f, v) })
					if h.IsCompact() {
						require.Zero(t, next)
						require.Equal(t, hashPairs(ref), got)
					}
				}
				require.Equal(t, ref.Len(), h.Len())
				require.Equal(t, ref.Encoding(), h.Encoding())
				if !ref.large {
					// through a clone: reading h would expose its buffer
					// and keep the next edits from happening in place
					require.Equal(t, hashPairs(ref), hashPairs(h.Clone().(*Hash)), "listpack order")
				}
			}
			require.NoError(t, h.Check())
		}
	}
}

// A buffer that never handed out strings is edited in place; one that did
// is left alone and replaced, so the strings keep their values.
func TestCompact_InPlaceUnlessExposed(t *testing.T) {
	h := hashChecked(t, NewHash())
	for i := 0; i < 10; i++ {
		h.Set("f"+strconv.Itoa(i), "value")
	}
	buf := unsafe.SliceData(h.lp)
	h.Set("f3", "other")
	h.Delete("f4")
	assert.Same(t, buf, unsafe.SliceData(h.lp), "edited in place")
	v, _, _ := h.Get("f3")
	h.Set("f3", "third")
	assert.NotSame(t, buf, unsafe.SliceData(h.lp), "a new buffer once exposed")
	assert.Equal(t, "other", v)
	buf = unsafe.SliceData(h.lp)
	h.Set("f3", "fourth")
	assert.Same(t, buf, unsafe.SliceData(h.lp), "the new buffer is not exposed")

	z := zsetChecked(t, NewZSet(0, 0))
	for i := 0; i < 10; i++ {
		z.Insert("m"+strconv.Itoa(i), float64(i))
	}
	zb := unsafe.SliceData(z.lp)
	z.Update("m2", 2, 20)
	z.Update("m9", 9, -1)
	z.Delete("m5")
	_, _ = z.Score("m1")
	_, _, _ = z.Rank("m1")
	assert.Same(t, zb, unsafe.SliceData(z.lp), "edited in place")
	first := z.At(0)
	z.Update("m9", -1, 1.5)
	assert.NotSame(t, zb, unsafe.SliceData(z.lp))
	assert.Equal(t, Z{-1, "m9"}, first)
	assert.Equal(t, []Z{{0, "m0"}, {1, "m1"}, {1.5, "m9"}, {3, "m3"}, {4, "m4"}, {6, "m6"}, {7, "m7"}, {8, "m8"}, {20, "m2"}}, zitems(z))
}

// Values read from a compact hash stay what they were whatever happens to
// the hash afterwards.
func TestHash_Compact_ReturnedStringsAreImmutable(t *testing.T) {
	h := hashChecked(t, NewHash())
	for i := 0; i < 20; i++ {
		h.Set("f"+strconv.Itoa(i), "value"+strconv.Itoa(i))
	}
	v5, _, _ := h.Get("f5")
	f19, v19, _ := h.At(19)
	var all []string
	h.Range(0, func(f, v string) bool { all = append(all, f, v); return true })
	want := slices.Clone(all)
	h.Set("f5", "other") // rebuilds
	h.Delete("f0")       // rebuilds
	h.Set("new", "x")    // appends in place
	h.Delete("new")
	h.Set("new2", "yyyyyyyyyyyyyyyyyyyyy")
	assert.True(t, h.IsCompact())
	assert.Equal(t, "value5", v5)
	assert.Equal(t, [2]string{"f19", "value19"}, [2]string{f19, v19})
	assert.Equal(t, want, all)
	v, _, _ := h.Get("f5")
	assert.Equal(t, "other", v)
}

func TestHash_Compact_ConversionAtLimits(t *testing.T) {
	withLimits(t, func(l *Limits) { l.HashMaxListpackEntries, l.HashMaxListpackValue = 4, 8 })
	h := hashChecked(t, NewHash())
	for i := 0; i < 4; i++ {
		h.Set("f"+strconv.Itoa(i), "12345678")
	}
	assert.True(t, h.IsCompact())
	assert.Equal(t, "listpack", h.Encoding())
	h.Set("f0", "x") // overwrite: still 4 fields
	assert.True(t, h.IsCompact())
	h.Set("f4", "v")
	assert.False(t, h.IsCompact())
	assert.Equal(t, "hashtable", h.Encoding())
	assert.Equal(t, []string{"f0", "x", "f1", "12345678", "f2", "12345678", "f3", "12345678", "f4", "v"},
		sortedPairs(hashPairs(h)))

	h2 := hashChecked(t, NewHash())
	h2.Set("a", "12345678")
	h2.Set("b", "123456789")
	assert.Equal(t, "hashtable", h2.Encoding(), "a value over the limit")
	h3 := hashChecked(t, NewHash())
	h3.Set("123456789", "")
	assert.Equal(t, "hashtable", h3.Encoding(), "a name over the limit")

	// a field-expiry command makes a listpackex, fields in the same order
	h4 := hashChecked(t, NewHash())
	h4.Set("b", "1")
	h4.Set("a", "2")
	h4.PrepareTTL()
	assert.False(t, h4.IsCompact())
	assert.Equal(t, "listpackex", h4.Encoding())
	assert.Equal(t, []string{"b", "1", "a", "2"}, hashPairs(h4))
	h5 := hashChecked(t, NewHash())
	h5.Set("a", "1")
	assert.False(t, h5.SetExpire("zz", 10), "a missing field does not convert")
	assert.True(t, h5.IsCompact())
	assert.True(t, h5.SetExpire("a", 10))
	assert.Equal(t, int64(10), h5.NextExpiry())
}

func sortedPairs(p []string) []string {
	type kv struct{ k, v string }
	var kvs []kv
	for i := 0; i < len(p); i += 2 {
		kvs = append(kvs, kv{p[i], p[i+1]})
	}
	slices.SortFunc(kvs, func(a, b kv) int { return strings.Compare(a.k, b.k) })
	var out []string
	for _, x := range kvs {
		out = append(out, x.k, x.v)
	}
	return out
}

func TestHash_Compact_CloneAndMemory(t *testing.T) {
	h := hashChecked(t, NewHash())
	for i := 0; i < 10; i++ {
		h.Set("f"+strconv.Itoa(i), "value")
	}
	c := hashChecked(t, h.Clone().(*Hash))
	c.Set("f1", "changed")
	c.Set("extra", "x")
	v, _, _ := h.Get("f1")
	assert.Equal(t, "value", v)
	assert.Equal(t, 10, h.Len())
	assert.True(t, c.IsCompact())
	// ten fields of 2 + 5 bytes: one buffer, about 3 bytes of framing each
	assert.LessOrEqual(t, h.MemUsage(), hashHeaderSize+128)
}

func TestZSet_Compact_MatchesListpackReference(t *testing.T) {
	seed := uint64(time.Now().UnixNano())
	t.Logf("seed %d", seed)
	r := rand.New(rand.NewPCG(seed, 12))
	scores := []float64{0, 1, -1, 2.5, -7.25, 1e300, -1e300, math.Inf(1), math.Inf(-1),
		1 << 53, -(1 << 53), 1<<53 + 2, 123456789, 0.1, math.Copysign(0, -1), 63, 64, -64, -65}
	for _, valueLimit := range []int{ZSetMaxListpackValue, 300} {
		withLimits(t, func(l *Limits) { l.ZSetMaxListpackValue = valueLimit })
		for round := 0; round < 40; round++ {
			z := NewZSet(0, 0)
			ref := newZSetFull(nil, true)
			space := 5 + r.IntN(115)
			score := func() float64 {
				if r.IntN(3) == 0 {
					return scores[r.IntN(len(scores))]
				}
				return float64(r.IntN(8))
			}
			for i := 0; i < 300; i++ {
				m := randMember(r, space, valueLimit)
				switch r.IntN(10) {
				case 0, 1, 2:
					s := score()
					old, ok := ref.Score(m)
					zold, zok := z.Score(m)
					require.Equal(t, [2]any{old, ok}, [2]any{zold, zok})
					if ok {
						ref.Update(m, old, s)
						z.Update(m, old, s)
					} else if r.IntN(2) == 0 {
						ref.Insert(m, s)
						z.Insert(m, s)
					} else {
						ref.Insert(m, s)
						z.InsertCopy(m, s)
					}
				case 3:
					require.Equal(t, ref.Delete(m), z.Delete(m))
				case 4:
					r1, s1, ok1 := ref.Rank(m)
					r2, s2, ok2 := z.Rank(m)
					require.Equal(t, [3]any{r1, s1, ok1}, [3]any{r2, s2, ok2})
				case 5:
					if n := ref.Len(); n > 0 {
						k := r.IntN(n)
						require.Equal(t, ref.At(k), z.At(k))
						ranks := []int{k, 0, n - 1, k}
						want := []Z{ref.At(k), ref.At(0), ref.At(n - 1), ref.At(k)}
						require.Equal(t, want, z.AtRanks(ranks))
					}
				case 6:
					rg := ScoreRange{Min: score(), Max: score(), MinEx: r.IntN(2) == 0, MaxEx: r.IntN(2) == 0}
					lo1, hi1 := ref.ScoreBounds(&rg)
					lo2, hi2 := z.ScoreBounds(&rg)
					require.Equal(t, [2]int{lo1, hi1}, [2]int{lo2, hi2}, "%+v", rg)
				case 7:
					kinds := []LexBoundKind{LexInclusive, LexExclusive, LexNegInf, LexPosInf}
					lr := LexRange{Min: randMember(r, space, 10), Max: randMember(r, space, 10),
						MinKind: kinds[r.IntN(4)], MaxKind: kinds[r.IntN(4)]}
					require.Equal(t, ref.LexFirst(&lr), z.LexFirst(&lr))
					require.Equal(t, ref.LexLast(&lr), z.LexLast(&lr))
					require.Equal(t, ref.LexStart(&lr), z.LexStart(&lr))
				case 8:
					if r.IntN(4) == 0 {
						lo := r.IntN(ref.Len() + 2)
						hi := lo + r.IntN(5)
						require.Equal(t, ref.DeleteRange(lo, hi), z.DeleteRange(lo, hi))
					}
				case 9:
					from := r.IntN(ref.Len()+2) - 1
					var a1, a2, d1, d2 []Z
					ref.Ascend(from, func(_ int, it Z) bool { a1 = append(a1, it); return len(a1) < 7 })
					z.Ascend(from, func(_ int, it Z) bool { a2 = append(a2, it); return len(a2) < 7 })
					ref.Descend(from, func(_ int, it Z) bool { d1 = append(d1, it); return true })
					z.Descend(from, func(_ int, it Z) bool { d2 = append(d2, it); return true })
					require.Equal(t, a1, a2)
					require.Equal(t, d1, d2)
				}
				require.Equal(t, ref.Len(), z.Len())
				require.Equal(t, zitems(&ZSet{full: ref}), zitems(z.Clone().(*ZSet)))
				require.NoError(t, z.Check())
			}
			require.NoError(t, z.Check())
			require.True(t, z.IsCompact(), "no set outgrew the limits")
			var got []Z
			require.Zero(t, z.Scan(0, 1, nil, func(it Z) { got = append(got, it) }))
			require.Equal(t, zitems(z), append([]Z{}, got...))
		}
	}
}

func TestZSet_Compact_ConversionAtLimits(t *testing.T) {
	withLimits(t, func(l *Limits) { l.ZSetMaxListpackEntries, l.ZSetMaxListpackValue = 3, 5 })
	z := zsetChecked(t, NewZSet(1, 1))
	z.Insert("a", 1)
	z.Insert("bbbbb", 2)
	z.Insert("c", 3)
	assert.True(t, z.IsCompact())
	assert.Equal(t, "listpack", z.Encoding())
	z.Insert("d", 4)
	assert.False(t, z.IsCompact())
	assert.Equal(t, "skiplist", z.Encoding())
	assert.Equal(t, []Z{{1, "a"}, {2, "bbbbb"}, {3, "c"}, {4, "d"}}, zitems(z))
	r, s, ok := z.Rank("c")
	assert.Equal(t, [3]any{2, 3.0, true}, [3]any{r, s, ok})

	z2 := zsetChecked(t, NewZSet(1, 1))
	z2.Insert("a", 1)
	z2.InsertCopy("123456", 2)
	assert.Equal(t, "skiplist", z2.Encoding(), "a member over the limit")

	assert.Equal(t, "skiplist", NewZSet(4, 1).Encoding(), "size hint over the limit")
	assert.Equal(t, "skiplist", NewZSet(1, 6).Encoding(), "first member over the limit")
	z3 := zsetChecked(t, NewZSet(1, 1))
	z3.Insert("a", 1)
	z3.Grow(3)
	assert.True(t, z3.IsCompact())
	z3.Grow(4)
	assert.Equal(t, "skiplist", z3.Encoding())

	small := NewZSetFromSorted([]Z{{1, "a"}, {2, "b"}, {math.Copysign(0, -1), "c"}}[:2])
	assert.True(t, small.IsCompact())
	assert.Equal(t, "skiplist", NewZSetFromSorted([]Z{{1, "a"}, {2, "b"}, {3, "c"}, {4, "d"}}).Encoding())
	assert.Equal(t, "skiplist", NewZSetFromSorted([]Z{{1, "abcdef"}}).Encoding())
}

func TestZSet_Compact_ScoresRoundTrip(t *testing.T) {
	var items []Z
	for i, s := range []float64{math.Inf(-1), -1e300, -(1 << 53) - 2, -(1 << 53), -300, -1.5, 0, 0.1, 1, 127, 128,
		1 << 40, 1 << 53, 1<<53 + 2, 1e300, math.Inf(1)} {
		items = append(items, Z{Score: s, Member: "m" + strconv.Itoa(i)})
	}
	z := zsetChecked(t, NewZSetFromSorted(items))
	require.True(t, z.IsCompact())
	assert.Equal(t, items, zitems(z))
	for _, it := range items {
		s, ok := z.Score(it.Member)
		assert.True(t, ok)
		assert.Equal(t, it.Score, s)
	}
	neg := zsetChecked(t, NewZSet(0, 0))
	neg.Insert("z", math.Copysign(0, -1))
	s, _ := neg.Score("z")
	assert.False(t, math.Signbit(s), "a listpack stores -0 as 0")
}

func TestZSet_Compact_CloneAndImmutableReads(t *testing.T) {
	z := zsetChecked(t, NewZSet(0, 0))
	for i := 0; i < 10; i++ {
		z.Insert("member"+strconv.Itoa(i), float64(i))
	}
	first := z.At(0)
	all := zitems(z)
	c := zsetChecked(t, z.Clone().(*ZSet))
	z.Update("member0", 0, 100)
	z.Delete("member5")
	z.Insert("member99", 1000)
	assert.Equal(t, Z{0, "member0"}, first)
	assert.Equal(t, all, zitems(c))
	assert.Equal(t, 10, c.Len())
	assert.True(t, c.IsCompact())
	// ten members of 7 bytes with small integer scores: 9 bytes each
	assert.LessOrEqual(t, c.MemUsage(), zsetHeaderSize+112)
}

// A compact set's ranks stay linear scans, but a converted set ranks in
// O(log n): the general layout holds its B+ tree.
func TestZSet_Compact_LargeSetsUseTheTree(t *testing.T) {
	z := zsetChecked(t, NewZSet(0, 0))
	for i := 0; i < 1000; i++ {
		z.Insert("m"+strconv.Itoa(i), float64(i))
	}
	require.False(t, z.IsCompact())
	require.NotNil(t, z.full.d)
	require.NotNil(t, z.full.t.root)
	r, _, ok := z.Rank("m700")
	assert.True(t, ok)
	assert.Equal(t, 700, r)
}

// A listpack allowed more elements than the compact header counts moves
// to the general layout and keeps listpack semantics.
func TestCompact_CountOverflowKeepsListpackSemantics(t *testing.T) {
	old := packMaxCount
	packMaxCount = 5
	t.Cleanup(func() { packMaxCount = old })
	withLimits(t, func(l *Limits) { l.ZSetMaxListpackEntries, l.HashMaxListpackEntries = 8, 8 })

	z := zsetChecked(t, NewZSet(0, 0))
	h := hashChecked(t, NewHash())
	for i := 0; i < 6; i++ {
		z.Insert("m"+strconv.Itoa(i), float64(-i))
		h.Set("f"+strconv.Itoa(i), "v")
	}
	assert.False(t, z.IsCompact())
	assert.Equal(t, "listpack", z.Encoding())
	assert.True(t, z.IsListpack())
	assert.False(t, h.IsCompact())
	assert.Equal(t, "listpack", h.Encoding())
	assert.Equal(t, []string{"f0", "f1", "f2", "f3", "f4", "f5"}, func() (out []string) {
		h.Range(0, func(f, _ string) bool { out = append(out, f); return true })
		return
	}())
	for i := 6; i < 9; i++ {
		z.Insert("m"+strconv.Itoa(i), float64(-i))
		h.Set("f"+strconv.Itoa(i), "v")
	}
	assert.Equal(t, "skiplist", z.Encoding())
	assert.Equal(t, "hashtable", h.Encoding())
	assert.Equal(t, Z{-8, "m8"}, z.At(0))
}

// Entries must end below 64 KiB (16-bit offsets): a listpack allowed to
// hold more bytes moves to the general layout, still a listpack.
func TestCompact_ByteOverflowKeepsListpackSemantics(t *testing.T) {
	old := packMaxTail
	packMaxTail = 200
	t.Cleanup(func() { packMaxTail = old })
	withLimits(t, func(l *Limits) { l.HashMaxListpackValue, l.ZSetMaxListpackValue = 1000, 1000 })

	h := hashChecked(t, NewHash())
	h.Set("a", strings.Repeat("x", 90))
	h.Set("b", strings.Repeat("y", 90))
	assert.True(t, h.IsCompact())
	h.Set("a", strings.Repeat("z", 120)) // an overwrite that does not fit
	assert.False(t, h.IsCompact())
	assert.Equal(t, "listpack", h.Encoding())
	v, _, _ := h.Get("a")
	assert.Equal(t, strings.Repeat("z", 120), v)
	assert.Equal(t, []string{"a", "b"}, func() (out []string) {
		h.Range(0, func(f, _ string) bool { out = append(out, f); return true })
		return
	}())

	z := zsetChecked(t, NewZSet(0, 0))
	z.Insert(strings.Repeat("m", 150), 1)
	assert.True(t, z.IsCompact())
	z.Insert(strings.Repeat("n", 150), 2)
	assert.False(t, z.IsCompact())
	assert.Equal(t, "listpack", z.Encoding())
	assert.Equal(t, 2, z.Len())

	z2 := zsetChecked(t, NewZSet(0, 0))
	z2.Insert(strings.Repeat("m", 190), 1)
	z2.Insert("a", 0)
	assert.True(t, z2.IsCompact())
	z2.Update(strings.Repeat("m", 190), 1, 1.5) // the score grows 7 bytes
	assert.False(t, z2.IsCompact())
	assert.Equal(t, []Z{{0, "a"}, {1.5, strings.Repeat("m", 190)}}, zitems(z2))
}

// Benchmarks of the compact forms next to the general layout holding the
// same small collection (the representation used before the compact
// form existed): 10 or 100 elements, one operation at a time.

func BenchmarkSmallHash(b *testing.B) {
	for _, n := range []int{10, 100} {
		fields := make([]string, n)
		for i := range fields {
			fields[i] = "member" + strconv.Itoa(i)
		}
		type hashLike interface {
			Set(f, v string) bool
			Get(f string) (string, int64, bool)
		}
		for _, kind := range []string{"compact", "general"} {
			var h hashLike
			if kind == "compact" {
				h = NewHash()
			} else {
				h = &hashFull{}
			}
			for _, f := range fields {
				h.Set(f, "value")
			}
			vals := []string{"other", "value"}
			b.Run("HSET/"+strconv.Itoa(n)+"/"+kind, func(b *testing.B) {
				for i := 0; i < b.N; i++ {
					h.Set(fields[(i*7)%n], vals[i&1])
				}
			})
			b.Run("HGET/"+strconv.Itoa(n)+"/"+kind, func(b *testing.B) {
				for i := 0; i < b.N; i++ {
					h.Get(fields[(i*7)%n])
				}
			})
		}
	}
}

func BenchmarkSmallZSet(b *testing.B) {
	for _, n := range []int{10, 100} {
		members := make([]string, n)
		for i := range members {
			members[i] = "member" + strconv.Itoa(i)
		}
		type zsetLike interface {
			Insert(m string, s float64)
			Update(m string, old, s float64)
			Score(m string) (float64, bool)
			Rank(m string) (int, float64, bool)
		}
		for _, kind := range []string{"compact", "general"} {
			var z zsetLike
			if kind == "compact" {
				z = NewZSet(0, 0)
			} else {
				z = newZSetFull(nil, true)
			}
			for i, m := range members {
				z.Insert(m, float64(i))
			}
			b.Run("ZADD-update/"+strconv.Itoa(n)+"/"+kind, func(b *testing.B) {
				for i := 0; i < b.N; i++ {
					m := members[(i*7)%n]
					old, _ := z.Score(m)
					z.Update(m, old, float64(i%(2*n)))
				}
			})
			b.Run("ZSCORE/"+strconv.Itoa(n)+"/"+kind, func(b *testing.B) {
				for i := 0; i < b.N; i++ {
					z.Score(members[(i*7)%n])
				}
			})
			b.Run("ZRANK/"+strconv.Itoa(n)+"/"+kind, func(b *testing.B) {
				for i := 0; i < b.N; i++ {
					z.Rank(members[(i*7)%n])
				}
			})
		}
	}
}

// packSplice against a slice of entries: every mix of removal, insertion,
// growth and shrinking, in place or not, exposed or not. An exposed
// buffer's entries must stay untouched unless the splice only appends.
func TestPackSplice_Model(t *testing.T) {
	seed := uint64(time.Now().UnixNano())
	t.Logf("seed %d", seed)
	r := rand.New(rand.NewPCG(seed, 13))
	size := func(b []byte, p int) int { n, q := packLen(b, p); return q - p + n }
	entry := func() []byte {
		n := r.IntN(200)
		if r.IntN(2) == 0 {
			n = r.IntN(4)
		}
		e := binary.AppendUvarint(nil, uint64(n))
		for range n {
			e = append(e, byte('a'+r.IntN(26)))
		}
		return e
	}
	var b []byte
	var ref [][]byte
	for step := 0; step < 20000; step++ {
		n := len(ref)
		i := r.IntN(n + 1)
		j := i + r.IntN(min(3, n-i)+1)
		add := j == i || r.IntN(3) > 0
		if !add && j-i == n {
			continue // the collections release an emptied buffer instead
		}
		var e []byte
		if add {
			e = entry()
		}
		grow := len(e)
		for _, x := range ref[i:j] {
			grow -= len(x)
		}
		if !packFits(b, grow, len(e)/max(len(e), 1)-(j-i)) {
			continue
		}
		exposed := r.IntN(4) == 0
		var before []byte
		oldTail, _ := packTail(b)
		if exposed && b != nil {
			packExpose(b)
			before = slices.Clone(b[packHdr:oldTail])
		}
		nb, at := packSplice(b, i, j, len(e))
		copy(nb[at:], e)
		if before != nil {
			require.Equal(t, before, b[packHdr:oldTail], "step %d: an exposed buffer changed", step)
			if i < n || j < n {
				require.NotSame(t, unsafe.SliceData(b), unsafe.SliceData(nb), "step %d", step)
			}
		}
		ref = slices.Delete(ref, i, j)
		if add {
			ref = slices.Insert(ref, i, e)
		}
		b = nb
		require.NoError(t, packCheck(b, size), "step %d", step)
		require.Equal(t, len(ref), packCount(b))
		tail, _ := packTail(b)
		for x, want := range ref {
			p := packOff(b, tail, x)
			require.Equal(t, want, b[p:p+size(b, p)], "step %d entry %d", step, x)
		}
		if r.IntN(500) == 0 {
			b, ref = nil, nil
		}
	}
}

// list-max-listpack-size: a positive value limits nodes by element count,
// a negative one by bytes; a quicklist keeps the setting it was made with.
func TestList_MaxListpackSizeIsHonoured(t *testing.T) {
	withLimits(t, func(l *Limits) { l.ListMaxListpackSize = 4 })
	l := NewList()
	l.PushBack("a", "b", "c", "d")
	assert.Equal(t, "listpack", l.Encoding())
	l.PushBack("e")
	assert.Equal(t, "quicklist", l.Encoding())
	for i := 0; i < 20; i++ {
		l.PushBack("x" + strconv.Itoa(i))
		l.PushFront("y" + strconv.Itoa(i))
	}
	require.NoError(t, l.Check())
	nodesAtMost := func(n int) {
		t.Helper()
		for i := 0; i < l.nc; i++ {
			require.LessOrEqual(t, int(l.chunkAt(i).n), n, "node %d", i)
		}
	}
	nodesAtMost(4)
	// a new setting applies to conversions, not to this quicklist's nodes
	withLimits(t, func(lm *Limits) { lm.ListMaxListpackSize = -5 })
	for i := 0; i < 20; i++ {
		l.PushBack("z" + strconv.Itoa(i))
		l.Insert("z3", "w"+strconv.Itoa(i), i%2 == 0)
	}
	nodesAtMost(4)
	withLimits(t, func(lm *Limits) { lm.ListMaxListpackSize = 4 })
	for l.Len() > 2 {
		l.PopFront()
		l.ShrinkEncoding()
	}
	assert.Equal(t, "listpack", l.Encoding(), "one node of at most half the count")

	withLimits(t, func(lm *Limits) { lm.ListMaxListpackSize = -1 })
	big := NewList()
	v := strings.Repeat("v", 1000)
	for i := 0; i < 4; i++ {
		big.PushBack(v)
	}
	assert.Equal(t, "listpack", big.Encoding())
	big.PushBack(v)
	assert.Equal(t, "quicklist", big.Encoding(), "over 4 KiB")
	for i := 0; i < 20; i++ {
		big.PushBack(v)
	}
	for i := 0; i < big.nc; i++ {
		assert.LessOrEqual(t, int(big.chunkAt(i).sz), 4096)
	}
	require.NoError(t, big.Check())
}

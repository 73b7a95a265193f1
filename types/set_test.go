package types

import (
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"testing"
	"unsafe"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// checked registers s's invariant check to run when the test ends.
func checked(t *testing.T, s *Set) *Set {
	t.Helper()
	t.Cleanup(func() {
		if err := s.Check(); err != nil {
			t.Errorf("Check: %v", err)
		}
	})
	return s
}

func nums(from, to int) []string {
	var out []string
	for i := from; i <= to; i++ {
		out = append(out, strconv.Itoa(i))
	}
	return out
}

func TestSet_Encoding_IntsetStaysUpTo512(t *testing.T) {
	s := checked(t, NewSet())
	for _, m := range nums(1, 512) {
		require.True(t, s.Add(m))
	}
	assert.Equal(t, "intset", s.Encoding())
	require.True(t, s.Add("513"))
	assert.Equal(t, "hashtable", s.Encoding(), "the 513th integer converts to a hashtable")
	assert.Equal(t, 513, s.Len())
	require.NoError(t, s.Check())
}

func TestSet_Encoding_NonCanonicalIntegersAreStrings(t *testing.T) {
	for _, m := range []string{"+1", "01", "-0", " 1", "1.0", "9223372036854775808"} {
		s := checked(t, NewSet())
		s.Add("5")
		s.Add(m)
		assert.Equal(t, "listpack", s.Encoding(), m)
		assert.True(t, s.Has(m), m)
		assert.False(t, s.Has("1"), m)
	}
}

func TestSet_Encoding_IntsetToListpackOrHashtable(t *testing.T) {
	// A string joins a small intset: listpack, keeping the intset's order.
	s := checked(t, NewSet())
	s.Add("3")
	s.Add("1")
	s.Add("a")
	assert.Equal(t, "listpack", s.Encoding())
	assert.Equal(t, []string{"1", "3", "a"}, s.Members())

	// 127 integers + a string = 128 members: still a listpack.
	s2 := checked(t, NewSet())
	for _, m := range nums(1, 127) {
		s2.Add(m)
	}
	s2.Add("a")
	assert.Equal(t, "listpack", s2.Encoding())

	// 128 integers + a string: too many for a listpack.
	s3 := checked(t, NewSet())
	for _, m := range nums(1, 128) {
		s3.Add(m)
	}
	s3.Add("a")
	assert.Equal(t, "hashtable", s3.Encoding())

	// A long string joins an intset: hashtable.
	s4 := checked(t, NewSet())
	s4.Add("1")
	s4.Add(strings.Repeat("x", 65))
	assert.Equal(t, "hashtable", s4.Encoding())
}

func TestSet_Encoding_ListpackLimits(t *testing.T) {
	s := checked(t, NewListpackSet())
	for i := range 128 {
		s.Add("m" + strconv.Itoa(i))
	}
	assert.Equal(t, "listpack", s.Encoding())
	s.Add("m0") // a duplicate changes nothing
	assert.Equal(t, "listpack", s.Encoding())
	s.Add("m128")
	assert.Equal(t, "hashtable", s.Encoding())

	s2 := checked(t, NewListpackSet())
	s2.Add(strings.Repeat("y", 64))
	assert.Equal(t, "listpack", s2.Encoding())
	s2.Add(strings.Repeat("y", 65))
	assert.Equal(t, "hashtable", s2.Encoding())

	// Conversions are one way: removing everything keeps the encoding.
	s2.Remove(strings.Repeat("y", 65))
	assert.Equal(t, "hashtable", s2.Encoding())
}

func TestSet_NewSetFor_FollowsSetTypeCreate(t *testing.T) {
	assert.Equal(t, "intset", NewSetFor("1", 1).Encoding())
	assert.Equal(t, "intset", NewSetFor("1", 512).Encoding())
	assert.Equal(t, "hashtable", NewSetFor("1", 513).Encoding())
	assert.Equal(t, "listpack", NewSetFor("a", 128).Encoding())
	assert.Equal(t, "hashtable", NewSetFor("a", 129).Encoding())
}

func TestSet_MaybeConvert_BySizeHint(t *testing.T) {
	s := NewListpackSet()
	s.Add("a")
	s.MaybeConvert(128)
	assert.Equal(t, "listpack", s.Encoding())
	s.MaybeConvert(129)
	assert.Equal(t, "hashtable", s.Encoding())

	i := NewSet()
	i.Add("1")
	i.MaybeConvert(512)
	assert.Equal(t, "intset", i.Encoding())
	i.MaybeConvert(513)
	assert.Equal(t, "hashtable", i.Encoding())
	require.NoError(t, i.Check())
}

func TestSet_ConvertToIntset(t *testing.T) {
	s := checked(t, NewListpackSet())
	s.Add("10")
	s.Add("-2")
	s.ConvertToIntset()
	assert.Equal(t, "intset", s.Encoding())
	assert.Equal(t, []string{"-2", "10"}, s.Members())

	n := checked(t, NewListpackSet())
	n.Add("10")
	n.Add("x")
	n.ConvertToIntset()
	assert.Equal(t, "listpack", n.Encoding())
}

func TestSet_AddRemoveHas_AllEncodings(t *testing.T) {
	for _, build := range []func() *Set{
		NewSet, NewListpackSet,
		func() *Set { s := NewSet(); s.MaybeConvert(1000); return s },
	} {
		s := checked(t, build())
		enc := s.Encoding()
		require.True(t, s.Add("7"), enc)
		require.False(t, s.Add("7"), enc)
		require.True(t, s.Has("7"), enc)
		require.False(t, s.Has("8"), enc)
		require.False(t, s.Remove("8"), enc)
		require.True(t, s.Remove("7"), enc)
		require.False(t, s.Has("7"), enc)
		require.Equal(t, 0, s.Len(), enc)
		require.True(t, s.Add(""), enc)
		require.True(t, s.Has(""), enc)
		require.Equal(t, []string{""}, s.Members(), enc)
	}
}

// A randomized model test: the hashtable encoding against a Go map.
func TestSet_Hashtable_ModelRandom(t *testing.T) {
	seed := rand.Uint64()
	t.Logf("seed %d", seed)
	r := rand.New(rand.NewPCG(seed, 1))
	s := checked(t, NewSetFor("x", 1000))
	model := map[string]bool{}
	for i := range 20000 {
		m := "m" + strconv.Itoa(r.IntN(3000))
		switch r.IntN(5) {
		case 0, 1:
			require.Equal(t, !model[m], s.Add(m))
			model[m] = true
		case 2, 3:
			require.Equal(t, model[m], s.Remove(m))
			delete(model, m)
		default:
			require.Equal(t, model[m], s.Has(m))
		}
		if i%2000 == 0 {
			require.NoError(t, s.Check())
		}
	}
	require.Equal(t, len(model), s.Len())
	got := s.Members()
	slices.Sort(got)
	var want []string
	for m := range model {
		want = append(want, m)
	}
	slices.Sort(want)
	require.Equal(t, want, got)
}

func TestSet_PopRandom_EmptiesEveryEncoding(t *testing.T) {
	for _, members := range [][]string{nums(1, 100), {"a", "b", "c"}, nums(1, 2000)} {
		s := checked(t, NewSet())
		for _, m := range members {
			s.Add(m)
		}
		seen := map[string]bool{}
		for s.Len() > 0 {
			m := s.PopRandom()
			require.False(t, seen[m], "popped %q twice", m)
			seen[m] = true
		}
		require.Len(t, seen, len(members))
		require.NoError(t, s.Check())
	}
}

func TestSet_Random_CoversMembers(t *testing.T) {
	s := checked(t, NewSetFor("a", 1000))
	for i := range 300 {
		s.Add("k" + strconv.Itoa(i))
	}
	// Delete most of them so that free slots abound.
	for i := range 290 {
		s.Remove("k" + strconv.Itoa(i))
	}
	seen := map[string]bool{}
	for range 2000 {
		m := s.Random()
		require.True(t, s.Has(m))
		seen[m] = true
	}
	assert.Len(t, seen, 10)
}

func TestSet_Scan_CompactReturnsAllWithCursorZero(t *testing.T) {
	s := NewSet()
	s.Add("1")
	s.Add("a")
	var got []string
	next := s.Scan(12345, 1, func(m string) { got = append(got, m) })
	assert.Equal(t, uint64(0), next)
	assert.Equal(t, []string{"1", "a"}, got)
}

// The SCAN guarantee: a member present for the whole walk is returned at
// least once, whatever is added and removed in between (including
// compactions that renumber the slots).
func TestSet_Scan_GuaranteeUnderChurn(t *testing.T) {
	seed := rand.Uint64()
	t.Logf("seed %d", seed)
	r := rand.New(rand.NewPCG(seed, 2))
	for round := range 20 {
		s := checked(t, NewSetFor("x", 1000))
		stable := map[string]bool{}
		for i := range 200 {
			m := "s" + strconv.Itoa(i)
			s.Add(m)
			stable[m] = true
		}
		for i := range 2000 {
			s.Add("c" + strconv.Itoa(i))
		}
		seen := map[string]bool{}
		var cursor uint64
		churn := 0
		for calls := 0; ; calls++ {
			require.Less(t, calls, 100000, "scan does not end")
			cursor = s.Scan(cursor, 1+r.IntN(20), func(m string) { seen[m] = true })
			if cursor == 0 {
				break
			}
			// churn: remove and add transient members
			for range r.IntN(50) {
				if r.IntN(3) > 0 {
					s.Remove("c" + strconv.Itoa(r.IntN(2000)))
				} else {
					s.Add("n" + strconv.Itoa(churn))
					churn++
				}
			}
		}
		for m := range stable {
			require.True(t, seen[m], "round %d: %q missed", round, m)
		}
	}
}

func TestSet_Scan_CursorsAdvanceAndEnd(t *testing.T) {
	s := checked(t, NewSetFor("x", 1000))
	for i := range 1000 {
		s.Add(strconv.Itoa(i) + "x")
	}
	seen := map[string]int{}
	var cursor uint64
	calls := 0
	for {
		cursor = s.Scan(cursor, 10, func(m string) { seen[m]++ })
		calls++
		if cursor == 0 {
			break
		}
	}
	assert.Len(t, seen, 1000)
	for m, n := range seen {
		require.Equal(t, 1, n, "%q returned %d times without churn", m, n)
	}
	assert.InDelta(t, 100, calls, 2)
}

func TestSet_Clone_IsIndependent(t *testing.T) {
	for _, n := range []int{3, 100, 1000} {
		s := checked(t, NewSet())
		for i := range n {
			s.Add("v" + strconv.Itoa(i))
		}
		c := checked(t, s.Clone().(*Set))
		require.Equal(t, s.Encoding(), c.Encoding())
		c.Add("new")
		c.Remove("v0")
		assert.False(t, s.Has("new"))
		assert.True(t, s.Has("v0"))
		assert.Equal(t, n, s.Len())
	}
}

func TestSet_MemUsage_GrowsWithMembers(t *testing.T) {
	s := NewSet()
	small := s.MemUsage()
	for i := range 10000 {
		s.Add("member-" + strconv.Itoa(i))
	}
	big := s.MemUsage()
	assert.Greater(t, big, small+10000*20)
	assert.Less(t, big, 10000*100, "about 40 B per member plus the bytes")
	for i := range 10000 {
		s.Remove("member-" + strconv.Itoa(i))
	}
	assert.Less(t, s.MemUsage(), big/10, "compaction releases the slots")
	require.NoError(t, s.Check())
}

// The listpack encoding against a Go map, staying within its limits.
func TestSet_Listpack_ModelRandom(t *testing.T) {
	seed := rand.Uint64()
	t.Logf("seed %d", seed)
	r := rand.New(rand.NewPCG(seed, 3))
	s := checked(t, NewListpackSet())
	model := map[string]bool{}
	pool := []string{"", "a", "bb", strings.Repeat("z", 64), "ü", "x\x00y", strings.Repeat("q", 200)[:63]}
	for i := range 40 {
		pool = append(pool, "m"+strconv.Itoa(i))
	}
	for i := range 5000 {
		m := pool[r.IntN(len(pool))]
		switch r.IntN(4) {
		case 0, 1:
			require.Equal(t, !model[m], s.Add(m))
			model[m] = true
		case 2:
			require.Equal(t, model[m], s.Remove(m))
			delete(model, m)
		default:
			if len(model) > 0 {
				p := s.PopRandom()
				require.True(t, model[p])
				delete(model, p)
			}
		}
		require.Equal(t, "listpack", s.Encoding())
		require.Equal(t, len(model), s.Len())
		if i%500 == 0 {
			require.NoError(t, s.Check())
			for m := range model {
				require.True(t, s.Has(m))
			}
		}
	}
}

// TestSet_AddCopy_KeepsNoAlias adds members that alias a buffer which is
// then overwritten, in every encoding (intset, listpack, hashtable, and
// the conversions on the way), and checks that the set kept their values.
func TestSet_AddCopy_KeepsNoAlias(t *testing.T) {
	s := checked(t, NewSet())
	buf := make([]byte, 0, 64)
	view := func(v string) string {
		buf = append(buf[:0], v...)
		return unsafe.String(unsafe.SliceData(buf), len(buf))
	}
	var want []string
	for i := range 300 {
		m := strconv.Itoa(i)
		if i%3 == 1 {
			m = "m" + m
		}
		require.True(t, s.AddCopy(view(m)))
		require.False(t, s.AddCopy(view(m)), "second add of %q", m)
		want = append(want, m)
		copy(buf[:cap(buf)], strings.Repeat("#", cap(buf)))
	}
	assert.Equal(t, "hashtable", s.Encoding())
	for _, m := range want {
		assert.True(t, s.Has(m), m)
	}
	assert.Equal(t, len(want), s.Len())
}

package types

import (
	"math/rand/v2"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"
	"unsafe"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func hashChecked(t *testing.T, h *Hash) *Hash {
	t.Helper()
	t.Cleanup(func() { require.NoError(t, h.Check()) })
	return h
}

func hashFields(h *Hash, now int64) []string {
	var out []string
	h.Range(now, func(f, v string) bool { out = append(out, f+"="+v); return true })
	return out
}

func TestHash_Set_NewAndOverwrite(t *testing.T) {
	h := hashChecked(t, NewHash())
	assert.True(t, h.Set("a", "1"))
	assert.True(t, h.Set("b", "2"))
	assert.False(t, h.Set("a", "3"))
	v, at, ok := h.Get("a")
	assert.True(t, ok)
	assert.Equal(t, "3", v)
	assert.Zero(t, at)
	_, _, ok = h.Get("zz")
	assert.False(t, ok)
	assert.Equal(t, 2, h.Len())
	assert.Equal(t, []string{"a=3", "b=2"}, hashFields(h, 0))
	assert.Equal(t, "listpack", h.Encoding())
	require.NoError(t, h.Check())
}

func TestHash_Set_EmptyFieldAndValue(t *testing.T) {
	h := hashChecked(t, NewHash())
	assert.True(t, h.Set("", ""))
	assert.True(t, h.Set("x", ""))
	v, _, ok := h.Get("")
	assert.True(t, ok)
	assert.Equal(t, "", v)
	assert.True(t, h.Delete(""))
	assert.False(t, h.Delete(""))
	assert.Equal(t, 1, h.Len())
}

// The hash must copy what it stores: callers pass strings that alias a
// network buffer about to be reused.
func TestHash_Set_CopiesArguments(t *testing.T) {
	h := hashChecked(t, NewHash())
	buf := []byte("f2xy")
	alias := func(i, j int) string { return unsafe.String(&buf[i], j-i) }
	h.Set(alias(0, 2), "")
	h.Set("empty", "")
	h.Set("e2", alias(2, 4))
	h.Set("", alias(0, 2))
	copy(buf, "zzzz")
	v, _, ok := h.Get("f2")
	assert.True(t, ok)
	assert.Equal(t, "", v)
	v, _, _ = h.Get("e2")
	assert.Equal(t, "xy", v)
	v, _, _ = h.Get("")
	assert.Equal(t, "f2", v)
	assert.Equal(t, []string{"f2=", "empty=", "e2=xy", "=f2"}, hashFields(h, 0))
}

func TestHash_Delete_KeepsListpackOrder(t *testing.T) {
	h := hashChecked(t, NewHash())
	for _, f := range []string{"a", "b", "c", "d"} {
		h.Set(f, f)
	}
	assert.True(t, h.Delete("b"))
	h.Set("e", "e")
	h.Set("a", "A") // overwrite in place
	assert.Equal(t, []string{"a=A", "c=c", "d=d", "e=e"}, hashFields(h, 0))
}

func TestHash_SetExpire_ListpackexOrder(t *testing.T) {
	h := hashChecked(t, NewHash())
	for _, f := range []string{"a", "b", "c", "d"} {
		h.Set(f, f)
	}
	h.PrepareTTL()
	assert.Equal(t, "listpackex", h.Encoding())
	assert.True(t, h.SetExpire("c", 300))
	assert.True(t, h.SetExpire("a", 200))
	assert.True(t, h.SetExpire("d", 300)) // ties go before existing equal TTLs
	assert.False(t, h.SetExpire("nope", 5))
	assert.Equal(t, []string{"a=a", "d=d", "c=c", "b=b"}, hashFields(h, 0))
	assert.Equal(t, int64(200), h.NextExpiry())
	assert.Equal(t, 3, h.TTLCount())

	h.SetKeepTTL("d", "D") // stays, keeps its TTL
	_, at, _ := h.Get("d")
	assert.Equal(t, int64(300), at)
	h.Set("a", "A") // clears the TTL and moves to the end
	assert.Equal(t, []string{"d=D", "c=c", "b=b", "a=A"}, hashFields(h, 0))
	assert.True(t, h.Persist("d")) // moves to the end
	assert.False(t, h.Persist("d"))
	assert.False(t, h.Persist("b"))
	assert.Equal(t, []string{"c=c", "b=b", "a=A", "d=D"}, hashFields(h, 0))
	assert.Equal(t, 1, h.TTLCount())
	assert.True(t, h.Persist("c"))
	assert.Zero(t, h.TTLCount())
	assert.Zero(t, h.NextExpiry())
	assert.Equal(t, "listpackex", h.Encoding(), "listpackex is sticky")
}

func TestHash_ExpireFields_SmallAndLarge(t *testing.T) {
	for _, large := range []bool{false, true} {
		t.Run(map[bool]string{false: "small", true: "large"}[large], func(t *testing.T) {
			h := hashChecked(t, NewHash())
			n := 20
			if large {
				n = 2000
			}
			h.PrepareTTL()
			for i := 0; i < n; i++ {
				f := "f" + strconv.Itoa(i)
				h.Set(f, "v")
				if i%2 == 0 {
					h.SetExpire(f, int64(1000+i))
				}
			}
			assert.Equal(t, large, h.Encoding() == "hashtable")
			assert.Equal(t, int64(1000), h.NextExpiry())
			// the field expiring exactly at now is alive
			assert.Equal(t, n-2, h.LiveLen(1004))
			var got []string
			assert.Equal(t, 2, h.ExpireFields(1004, 0, func(f string) { got = append(got, f) }))
			assert.Equal(t, []string{"f0", "f2"}, got)
			assert.Equal(t, int64(1004), h.NextExpiry())
			assert.Equal(t, 3, h.ExpireFields(1_000_000, 3, nil), "max limits the count")
			assert.Equal(t, int64(1010), h.NextExpiry())
			rest := h.ExpireFields(1_000_000, 0, nil)
			assert.Equal(t, n/2-5, rest)
			assert.Zero(t, h.TTLCount())
			assert.Zero(t, h.NextExpiry())
			assert.Equal(t, n/2, h.Len())
			require.NoError(t, h.Check())
		})
	}
}

func TestHash_Convert_ByCountLengthAndReserve(t *testing.T) {
	h := hashChecked(t, NewHash())
	for i := 0; i < HashMaxListpackEntries; i++ {
		h.Set("f"+strconv.Itoa(i), "v")
	}
	assert.Equal(t, "listpack", h.Encoding())
	h.Set("one-more", "v")
	assert.Equal(t, "hashtable", h.Encoding())

	h2 := hashChecked(t, NewHash())
	h2.Set("a", strings.Repeat("x", HashMaxListpackValue))
	assert.Equal(t, "listpack", h2.Encoding())
	h2.Set("b", strings.Repeat("x", HashMaxListpackValue+1))
	assert.Equal(t, "hashtable", h2.Encoding())

	h3 := hashChecked(t, NewHash())
	h3.PrepareTTL()
	h3.Set(strings.Repeat("k", HashMaxListpackValue+1), "v")
	assert.Equal(t, "hashtable", h3.Encoding(), "a long field name converts too")

	h4 := hashChecked(t, NewHash())
	h4.Reserve(HashMaxListpackEntries)
	assert.Equal(t, "listpack", h4.Encoding())
	h4.Reserve(HashMaxListpackEntries + 1)
	assert.Equal(t, "hashtable", h4.Encoding())
}

func TestHash_Convert_KeepsTTLs(t *testing.T) {
	h := hashChecked(t, NewHash())
	h.PrepareTTL()
	h.Set("a", "1")
	h.SetExpire("a", 50)
	h.Set("b", strings.Repeat("x", 100))
	assert.Equal(t, "hashtable", h.Encoding())
	_, at, ok := h.Get("a")
	assert.True(t, ok)
	assert.Equal(t, int64(50), at)
	assert.Equal(t, int64(50), h.NextExpiry())
}

func TestHash_Clone_Independent(t *testing.T) {
	for _, n := range []int{3, 1000} {
		h := hashChecked(t, NewHash())
		h.PrepareTTL()
		for i := 0; i < n; i++ {
			h.Set("f"+strconv.Itoa(i), "v")
		}
		h.SetExpire("f1", 77)
		c := hashChecked(t, h.Clone().(*Hash))
		c.Set("f1", "changed")
		c.Delete("f2")
		v, at, _ := h.Get("f1")
		assert.Equal(t, "v", v)
		assert.Equal(t, int64(77), at)
		assert.Equal(t, n, h.Len())
		assert.Equal(t, n-1, c.Len())
		assert.Equal(t, h.Encoding(), c.Encoding())
	}
}

func TestHash_SampleSlots_Distinct(t *testing.T) {
	for _, n := range []int{10, 600, 5000} {
		h := hashChecked(t, NewHash())
		for i := 0; i < n; i++ {
			h.Set("f"+strconv.Itoa(i), "v")
		}
		for _, k := range []int{1, 2, n / 3, n/3 + 1, n - 1} {
			got := h.SampleSlots(k)
			require.Len(t, got, k)
			seen := map[int]bool{}
			for _, s := range got {
				require.False(t, seen[s], "slot %d twice", s)
				require.True(t, s >= 0 && s < n)
				seen[s] = true
			}
			if h.Encoding() == "listpack" {
				assert.True(t, slices.IsSorted(got), "small hashes sample in field order")
			}
		}
	}
}

func TestHash_SampleSlots_Uniformish(t *testing.T) {
	h := NewHash()
	for i := 0; i < 4; i++ {
		h.Set(strconv.Itoa(i), "v")
	}
	counts := make([]int, 4)
	for i := 0; i < 4000; i++ {
		for _, s := range h.SampleSlots(2) {
			counts[s]++
		}
	}
	for _, c := range counts {
		assert.InDelta(t, 2000, c, 300)
	}
}

func TestHash_Scan_Small_ReturnsAllWithZeroCursor(t *testing.T) {
	h := NewHash()
	h.Set("a", "1")
	h.Set("b", "2")
	var got []string
	next := h.Scan(12345, 1, func(f, v string, _ int64) { got = append(got, f) })
	assert.Zero(t, next)
	assert.Equal(t, []string{"a", "b"}, got)
}

// TestHash_Scan_Large_Guarantee deletes and adds fields between scan
// calls: every field present for the whole scan must be returned.
func TestHash_Scan_Large_Guarantee(t *testing.T) {
	seed := uint64(time.Now().UnixNano())
	t.Logf("seed %d", seed)
	r := rand.New(rand.NewPCG(seed, 1))
	for round := 0; round < 20; round++ {
		h := hashChecked(t, NewHash())
		n := 600 + r.IntN(2000)
		for i := 0; i < n; i++ {
			h.Set("f"+strconv.Itoa(i), "v")
		}
		stable := map[string]bool{}
		for i := 0; i < n; i++ {
			stable["f"+strconv.Itoa(i)] = true
		}
		seen := map[string]bool{}
		next, extra := uint64(0), n
		for first := true; first || next != 0; first = false {
			next = h.Scan(next, 1+r.IntN(40), func(f, _ string, _ int64) { seen[f] = true })
			for j := r.IntN(30); j > 0; j-- {
				if r.IntN(2) == 0 {
					f := "f" + strconv.Itoa(r.IntN(n))
					if h.Delete(f) {
						delete(stable, f)
					}
				} else {
					h.Set("f"+strconv.Itoa(extra), "v")
					extra++
				}
			}
		}
		for f := range stable {
			require.True(t, seen[f], "field %s present for the whole scan was not returned", f)
		}
	}
}

// hashModel is an independent, simple implementation: a map plus the listpack
// order of a small hash.
type hashModel struct {
	vals  map[string]string
	exp   map[string]int64
	order []string
}

func (m *hashModel) remove(f string) {
	i := slices.Index(m.order, f)
	m.order = slices.Delete(m.order, i, i+1)
}

func (m *hashModel) insertSorted(f string, at int64) {
	j := 0
	for j < len(m.order) && m.exp[m.order[j]] != 0 && m.exp[m.order[j]] < at {
		j++
	}
	m.order = slices.Insert(m.order, j, f)
}

func (m *hashModel) set(f, v string, keep bool) bool {
	_, ok := m.vals[f]
	m.vals[f] = v
	if !ok {
		m.order = append(m.order, f)
		return true
	}
	if !keep && m.exp[f] != 0 {
		delete(m.exp, f)
		m.remove(f)
		m.order = append(m.order, f)
	}
	return false
}

// TestHash_Model_RandomOps runs random operations against the hashModel, for
// hashes that stay small (order checked too) and ones that grow large.
func TestHash_Model_RandomOps(t *testing.T) {
	seed := uint64(time.Now().UnixNano())
	t.Logf("seed %d", seed)
	for _, large := range []bool{false, true} {
		r := rand.New(rand.NewPCG(seed, map[bool]uint64{false: 7, true: 8}[large]))
		h := hashChecked(t, NewHash())
		h.PrepareTTL()
		m := &hashModel{vals: map[string]string{}, exp: map[string]int64{}}
		keys := 60
		if large {
			keys = 3000
		}
		now := int64(1000)
		ops := 20000
		if testing.Short() {
			ops = 3000
		}
		for i := 0; i < ops; i++ {
			f := "f" + strconv.Itoa(r.IntN(keys))
			switch op := r.IntN(10); op {
			case 0, 1, 2:
				v := strconv.Itoa(r.IntN(1000))
				keep := op == 2
				var got bool
				if keep {
					got = h.SetKeepTTL(f, v)
				} else {
					got = h.Set(f, v)
				}
				require.Equal(t, m.set(f, v, keep), got, "set %s", f)
			case 3:
				_, ok := m.vals[f]
				require.Equal(t, ok, h.Delete(f))
				if ok {
					delete(m.vals, f)
					delete(m.exp, f)
					m.remove(f)
				}
			case 4, 5:
				at := now + int64(r.IntN(200)) - 50
				if at <= 0 {
					at = 1
				}
				_, ok := m.vals[f]
				require.Equal(t, ok, h.SetExpire(f, at))
				if ok {
					m.remove(f)
					m.exp[f] = at
					m.insertSorted(f, at)
				}
			case 6:
				_, had := m.exp[f]
				require.Equal(t, had, h.Persist(f))
				if had {
					delete(m.exp, f)
					m.remove(f)
					m.order = append(m.order, f)
				}
			case 7:
				now += int64(r.IntN(30))
				max := r.IntN(5)
				var want []string
				for g, at := range m.exp {
					if at < now {
						want = append(want, g)
					}
				}
				var got []string
				n := h.ExpireFields(now, max, func(g string) { got = append(got, g) })
				require.Equal(t, len(got), n)
				if max == 0 || max >= len(want) {
					require.Len(t, got, len(want))
				} else {
					require.Len(t, got, max)
				}
				var prev int64
				for _, g := range got {
					at := m.exp[g]
					require.True(t, at != 0 && at < now, "expired %s with expiry %d at %d", g, at, now)
					require.GreaterOrEqual(t, at, prev, "earliest first")
					prev = at
					delete(m.vals, g)
					delete(m.exp, g)
					m.remove(g)
				}
			case 8:
				v, at, ok := h.Get(f)
				mv, mok := m.vals[f]
				require.Equal(t, mok, ok)
				require.Equal(t, mv, v)
				require.Equal(t, m.exp[f], at)
			case 9:
				require.Equal(t, len(m.vals), h.Len())
				require.Equal(t, len(m.exp), h.TTLCount())
				var min int64
				live := 0
				for g := range m.vals {
					at := m.exp[g]
					if at != 0 && (min == 0 || at < min) {
						min = at
					}
					if at == 0 || at >= now {
						live++
					}
				}
				require.Equal(t, min, h.NextExpiry())
				require.Equal(t, live, h.LiveLen(now))
				require.NoError(t, h.Check())
			}
			if !large {
				require.Equal(t, "listpackex", h.Encoding())
				got := make([]string, 0, h.Len())
				h.Range(0, func(g, _ string) bool { got = append(got, g); return true })
				require.True(t, slices.Equal(m.order, got), "listpack order after op %d: want %q, got %q", i, m.order, got)
			}
		}
		require.Equal(t, large, h.Encoding() == "hashtable")
		got := hashFields(h, 0)
		var want []string
		for g, v := range m.vals {
			want = append(want, g+"="+v)
		}
		sort.Strings(got)
		sort.Strings(want)
		require.Equal(t, want, got)
	}
}

func TestHash_MemUsage_Grows(t *testing.T) {
	h := NewHash()
	base := h.MemUsage()
	for i := 0; i < 1000; i++ {
		h.Set("field"+strconv.Itoa(i), "value")
	}
	assert.Greater(t, h.MemUsage(), base+1000*10)
	for i := 0; i < 1000; i++ {
		h.Delete("field" + strconv.Itoa(i))
	}
	assert.Less(t, h.MemUsage(), 8000, "memory is given back after deletes")
}

func BenchmarkHash_Set_Small(b *testing.B) {
	names := make([]string, 16)
	for i := range names {
		names[i] = "field" + strconv.Itoa(i)
	}
	b.ReportAllocs()
	for b.Loop() {
		h := NewHash()
		for _, f := range names {
			h.Set(f, "value")
		}
	}
}

func BenchmarkHash_Get_1M(b *testing.B) {
	h := NewHash()
	const n = 1 << 20
	names := make([]string, n)
	for i := range names {
		names[i] = "field:" + strconv.Itoa(i)
		h.Set(names[i], "value")
	}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		h.Get(names[i&(n-1)])
		i++
	}
}

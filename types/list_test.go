package types

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func listChecked(t *testing.T, l *List) *List {
	t.Helper()
	t.Cleanup(func() { require.NoError(t, l.Check()) })
	return l
}

func TestList_PushPopBothEnds(t *testing.T) {
	l := listChecked(t, NewList())
	l.PushFront("a", "b", "c") // LPUSH a b c → c b a
	l.PushBack("x", "y")
	assert.Equal(t, []string{"c", "b", "a", "x", "y"}, l.Range(0, 10))
	v, ok := l.PopFront()
	assert.True(t, ok)
	assert.Equal(t, "c", v)
	v, _ = l.PopBack()
	assert.Equal(t, "y", v)
	assert.Equal(t, []string{"x", "a"}, l.PopBackN(2))
	assert.Equal(t, []string{"b"}, l.PopFrontN(5))
	_, ok = l.PopFront()
	assert.False(t, ok)
	assert.Equal(t, 0, l.Len())
}

func TestList_IndexSetNegative(t *testing.T) {
	l := listChecked(t, NewList())
	for i := range 1000 {
		l.PushBack(strconv.Itoa(i))
	}
	v, ok := l.Index(-1)
	assert.True(t, ok)
	assert.Equal(t, "999", v)
	v, _ = l.Index(500)
	assert.Equal(t, "500", v)
	_, ok = l.Index(1000)
	assert.False(t, ok)
	_, ok = l.Index(-1001)
	assert.False(t, ok)
	assert.True(t, l.Set(-2, "changed"))
	assert.False(t, l.Set(1000, "x"))
	v, _ = l.Index(998)
	assert.Equal(t, "changed", v)
}

func TestList_Encoding_GrowsAtTheListpackLimit(t *testing.T) {
	// An empty listpack is 7 bytes; Redis converts when 7 + the raw
	// lengths of the values to add exceed 8192.
	l := listChecked(t, NewList())
	l.PushBack(strings.Repeat("x", 8185))
	assert.Equal(t, "listpack", l.Encoding())
	l2 := listChecked(t, NewList())
	l2.PushBack(strings.Repeat("x", 8186))
	assert.Equal(t, "quicklist", l2.Encoding())

	// Small elements: 1-byte strings take 3 listpack bytes each.
	l3 := listChecked(t, NewList())
	for l3.Encoding() == "listpack" {
		l3.PushBack("a")
	}
	// The check before a push uses the real size so far plus 1 raw byte:
	// 7 + 3k + 1 > 8192 first when k = 2729, so the push of element 2730
	// converts.
	assert.Equal(t, 2730, l3.Len())
}

func TestList_Encoding_ShrinksBelowHalf(t *testing.T) {
	l := listChecked(t, NewList())
	big := strings.Repeat("v", 100)
	for range 100 { // 100 × 103 bytes: over 8 KiB
		l.PushBack(big)
	}
	require.Equal(t, "quicklist", l.Encoding())
	for l.Len() > 0 {
		l.PopBack()
		l.ShrinkEncoding()
		if l.Encoding() == "listpack" {
			break
		}
	}
	// 100-byte strings take 103 listpack bytes. A single node of at most
	// 4096 bytes: 7 + 103k <= 4096 → k <= 39.
	assert.Equal(t, 39, l.Len())
	// growing again: it converts only above 8 KiB
	l.PushBack(big)
	assert.Equal(t, "listpack", l.Encoding())
}

func TestList_Encoding_IntegersAreCompact(t *testing.T) {
	assert.Equal(t, 2, llpEntrySize("5"))
	assert.Equal(t, 3, llpEntrySize("-5"))
	assert.Equal(t, 4, llpEntrySize("32767"))
	assert.Equal(t, 10, llpEntrySize("9223372036854775807"))
	assert.Equal(t, 4, llpEntrySize("05"), "not canonical: a 2-byte string")
	assert.Equal(t, 1+63+1, llpEntrySize(strings.Repeat("a", 63)))
	assert.Equal(t, 2+64+1, llpEntrySize(strings.Repeat("a", 64)))
	assert.Equal(t, 2+126+2, llpEntrySize(strings.Repeat("a", 126)))
	assert.Equal(t, 5+5000+2, llpEntrySize(strings.Repeat("a", 5000)))
}

func TestList_Pos(t *testing.T) {
	l := listChecked(t, NewList())
	l.PushBack("a", "b", "c", "a", "b", "c", "a")
	assert.Equal(t, []int{0}, l.Pos("a", 1, 1, 0))
	assert.Equal(t, []int{6}, l.Pos("a", -1, 1, 0))
	assert.Equal(t, []int{0, 3, 6}, l.Pos("a", 1, 0, 0))
	assert.Equal(t, []int{3, 0}, l.Pos("a", -2, 0, 0))
	assert.Equal(t, []int{0, 3}, l.Pos("a", 1, 2, 0))
	assert.Equal(t, []int{0}, l.Pos("a", 1, 0, 3))
	assert.Empty(t, l.Pos("z", 1, 0, 0))
	assert.Empty(t, l.Pos("a", 4, 0, 0))
}

func TestList_RemoveAndInsert(t *testing.T) {
	l := listChecked(t, NewList())
	l.PushBack("a", "b", "a", "c", "a")
	assert.Equal(t, 1, l.Remove(-1, "a"))
	assert.Equal(t, []string{"a", "b", "a", "c"}, l.Range(0, -1+l.Len()))
	assert.True(t, l.Insert("c", "d", false))
	assert.True(t, l.Insert("c", "e", true))
	assert.False(t, l.Insert("zz", "e", true))
	assert.Equal(t, []string{"a", "b", "a", "d", "c", "e"}, l.Range(0, 100))
	assert.Equal(t, 2, l.Remove(0, "a"))
	assert.Equal(t, []string{"b", "d", "c", "e"}, l.Range(0, 100))
}

func TestList_CloneIsDeep(t *testing.T) {
	l := listChecked(t, NewList())
	for i := range 5000 {
		l.PushBack(strconv.Itoa(i))
	}
	c := listChecked(t, l.Clone().(*List))
	c.PushFront("new")
	l.Set(0, "changed")
	assert.Equal(t, "new", c.Range(0, 0)[0])
	assert.Equal(t, "0", c.Range(1, 1)[0])
	assert.Equal(t, l.Encoding(), c.Encoding())
	assert.Greater(t, l.MemUsage(), 5000*2)
}

func TestList_MemoryIsCompact(t *testing.T) {
	l := listChecked(t, NewList())
	const n = 100_000
	for i := range n {
		l.PushBack("item:" + strconv.Itoa(i%1000))
	}
	per := float64(l.MemUsage()) / n
	t.Logf("%.1f bytes per 8-byte element", per)
	assert.Less(t, per, 16.0)
}

// TestList_RandomModel runs random operations against a []string model,
// checking invariants after every step.
func TestList_RandomModel(t *testing.T) {
	seed := time.Now().UnixNano()
	t.Logf("seed %d", seed)
	r := rand.New(rand.NewPCG(uint64(seed), 7))
	for round := range 20 {
		l := NewList()
		m := []string{}
		val := func() string {
			switch r.IntN(6) {
			case 0:
				return strconv.Itoa(r.IntN(300) - 100)
			case 1:
				return strings.Repeat("w", r.IntN(3000))
			case 2:
				return ""
			}
			return []string{"a", "b", "c", "hello", "x"}[r.IntN(5)]
		}
		for step := range 400 {
			op := r.IntN(14)
			desc := fmt.Sprintf("round %d step %d op %d", round, step, op)
			switch op {
			case 0, 1:
				vals := make([]string, 1+r.IntN(4))
				for i := range vals {
					vals[i] = val()
				}
				if op == 0 {
					l.PushFront(vals...)
					for _, v := range vals {
						m = append([]string{v}, m...)
					}
				} else {
					l.PushBack(vals...)
					m = append(m, vals...)
				}
			case 2:
				v, ok := l.PopFront()
				require.Equal(t, len(m) > 0, ok, desc)
				if ok {
					require.Equal(t, m[0], v, desc)
					m = m[1:]
				}
			case 3:
				v, ok := l.PopBack()
				require.Equal(t, len(m) > 0, ok, desc)
				if ok {
					require.Equal(t, m[len(m)-1], v, desc)
					m = m[:len(m)-1]
				}
			case 4:
				if len(m) == 0 {
					continue
				}
				i := r.IntN(len(m))
				v := val()
				require.True(t, l.Set(i, v), desc)
				m[i] = v
			case 5:
				v := val()
				if len(m) == 0 || r.IntN(5) == 0 {
					require.False(t, l.Insert("nope", v, r.IntN(2) == 0), desc)
					continue
				}
				pivot := m[r.IntN(len(m))]
				after := r.IntN(2) == 0
				require.True(t, l.Insert(pivot, v, after), desc)
				j := slices.Index(m, pivot)
				if after {
					j++
				}
				m = slices.Insert(m, j, v)
			case 6:
				v := val()
				count := r.IntN(5) - 2
				got := l.Remove(count, v)
				want := 0
				if count >= 0 {
					for i := 0; i < len(m); {
						if m[i] == v && (count == 0 || want < count) {
							m = slices.Delete(m, i, i+1)
							want++
							continue
						}
						i++
					}
				} else {
					for i := len(m) - 1; i >= 0 && want < -count; i-- {
						if m[i] == v {
							m = slices.Delete(m, i, i+1)
							want++
						}
					}
				}
				require.Equal(t, want, got, desc)
			case 7:
				k := r.IntN(5)
				l.DeleteFront(k)
				m = m[min(k, len(m)):]
			case 8:
				k := r.IntN(5)
				l.DeleteBack(k)
				m = m[:len(m)-min(k, len(m))]
			case 9:
				if len(m) > 0 {
					l.ShrinkEncoding()
				}
			case 10:
				if len(m) == 0 {
					continue
				}
				a, b := r.IntN(len(m)), r.IntN(len(m))
				a, b = min(a, b), max(a, b)
				require.Equal(t, m[a:b+1], l.Range(a, b), desc)
				var rev []string
				l.EachReverse(a, b, func(x []byte) bool { rev = append(rev, string(x)); return true })
				want := slices.Clone(m[a : b+1])
				slices.Reverse(want)
				require.Equal(t, want, rev, desc)
			case 11:
				v := val()
				var want []int
				for i, x := range m {
					if x == v {
						want = append(want, i)
					}
				}
				got := l.Pos(v, 1, 0, 0)
				require.Equal(t, len(want), len(got), desc)
				if len(want) > 0 {
					require.Equal(t, want, got, desc)
					back := l.Pos(v, -1, 1, 0)
					require.Equal(t, []int{want[len(want)-1]}, back, desc)
				}
			case 12:
				n := r.IntN(4)
				got := l.PopBackN(n)
				k := min(n, len(m))
				want := append([]string{}, m[len(m)-k:]...)
				slices.Reverse(want)
				require.Equal(t, want, got, desc)
				m = m[:len(m)-k]
			case 13:
				c := l.Clone().(*List)
				require.NoError(t, c.Check(), desc)
				require.Equal(t, m, c.Range(0, len(m)-1), desc)
			}
			require.NoError(t, l.Check(), desc)
			require.Equal(t, len(m), l.Len(), desc)
			if len(m) > 0 {
				i := r.IntN(len(m))
				v, ok := l.Index(i)
				require.True(t, ok, desc)
				require.Equal(t, m[i], v, desc)
			}
		}
		require.Equal(t, m, l.Range(0, len(m)-1))
	}
}

func BenchmarkList_PushPop(b *testing.B) {
	l := NewList()
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		l.PushFront("element")
		if i%2 == 1 {
			l.PopBack()
		}
	}
}

func BenchmarkList_Index_1M(b *testing.B) {
	l := NewList()
	for i := range 1_000_000 {
		l.PushBack(strconv.Itoa(i))
	}
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		l.View(i * 7919 % 1_000_000)
	}
}

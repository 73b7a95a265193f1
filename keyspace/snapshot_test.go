package keyspace

import (
	"strconv"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestSnapshot_PointInTime writes pairs of keys in different shards always
// together, while a snapshot runs: every pair in the snapshot must agree,
// and the snapshot must hold exactly the keys that existed at its start.
func TestSnapshot_PointInTime(t *testing.T) {
	ks := New(Config{Shards: 16, Clock: newClock()})
	const pairs = 2000
	for i := 0; i < pairs; i++ {
		setStr(ks, 0, "a"+strconv.Itoa(i), "0", 0)
		setStr(ks, 0, "b"+strconv.Itoa(i), "0", 0)
	}
	var stop atomic.Bool
	var wg sync.WaitGroup
	for g := 0; g < 4; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			for n := 1; !stop.Load(); n++ {
				i := (n*7 + g) % pairs
				a, b := "a"+strconv.Itoa(i), "b"+strconv.Itoa(i)
				v := strconv.Itoa(n)
				var c Ctx
				ks.Begin(&c)
				c.Lock(a, b, "new"+v)
				c.LookupWrite(0, a).SetStr(v)
				c.LookupWrite(0, b).SetStr(v)
				if e := c.LookupWrite(0, "new"+v); e == nil { // keys created after the start
					c.Create(0, "new"+v).SetStr(v)
				}
				c.Unlock()
			}
		}(g)
	}
	snap := ks.BeginSnapshot(nil)
	got := map[string]string{}
	require.NoError(t, snap.Collect(func(es []SnapEntry) error {
		for _, e := range es {
			got[e.Key] = e.Str
		}
		return nil
	}))
	stop.Store(true)
	wg.Wait()
	// keys created by writers may or may not be in, depending on timing;
	// but every pair must be consistent
	for i := 0; i < pairs; i++ {
		a, b := got["a"+strconv.Itoa(i)], got["b"+strconv.Itoa(i)]
		require.Equal(t, a, b, "pair %d torn in the snapshot", i)
	}
	// once the snapshot ended, nothing is copied any more
	assert.Nil(t, ks.snap.Load())
}

type cloneList struct{ items []string }

func (l *cloneList) Clone() any { return &cloneList{items: append([]string(nil), l.items...)} }

// TestSnapshot_InPlaceChangesAfterTheInstant changes values in place (a
// mutable string, a collection) and deletes and creates keys after the
// snapshot's instant: the snapshot holds the values of the instant.
func TestSnapshot_InPlaceChangesAfterTheInstant(t *testing.T) {
	ks := New(Config{Shards: 4, Clock: newClock()})
	for i := 0; i < 1000; i++ {
		setStr(ks, i%3, "k"+strconv.Itoa(i), "v"+strconv.Itoa(i), int64(i%2)*1_800_000_000_000)
	}
	var c Ctx
	ks.Begin(&c)
	c.Lock("raw")
	copy(c.Create(0, "raw").MutableStr(3), "abc")
	c.Touch(0, "raw")
	c.Unlock()
	c.Lock("list")
	c.Create(0, "list").SetObj(KindList, &cloneList{items: []string{"a", "b"}})
	c.Touch(0, "list")
	c.Unlock()

	snap := ks.BeginSnapshot(nil)
	c.Lock("raw")
	copy(c.LookupWrite(0, "raw").MutableStr(3), "xyz")
	c.Unlock()
	c.Lock("list")
	l := c.LookupWrite(0, "list").Obj().(*cloneList)
	l.items[0] = "changed"
	l.items = append(l.items, "c")
	c.Unlock()
	for i := 0; i < 1000; i += 2 {
		k := "k" + strconv.Itoa(i)
		c.Lock(k)
		c.Delete(i%3, k)
		c.Unlock()
	}
	for i := 0; i < 500; i++ {
		setStr(ks, 0, "new"+strconv.Itoa(i), "x", 0)
	}

	got := map[string]SnapEntry{}
	require.NoError(t, snap.Collect(func(es []SnapEntry) error {
		for _, e := range es {
			_, dup := got[e.Key]
			require.False(t, dup, e.Key)
			got[e.Key] = e
		}
		return nil
	}))
	require.Len(t, got, 1002)
	for i := 0; i < 1000; i++ {
		e := got["k"+strconv.Itoa(i)]
		assert.Equal(t, i%3, e.DB)
		assert.Equal(t, "v"+strconv.Itoa(i), e.Str)
		assert.Equal(t, int64(i%2)*1_800_000_000_000, e.ExpireAt)
	}
	assert.Equal(t, "abc", got["raw"].Str)
	assert.Equal(t, []string{"a", "b"}, got["list"].Obj.(*cloneList).items)
	assert.Equal(t, KindList, got["list"].Kind)
	c.Lock("raw")
	assert.Equal(t, "xyz", c.LookupWrite(0, "raw").Str())
	c.Unlock()
}

// TestSnapshot_RestoreString loads keys as a snapshot does and refuses a
// key twice.
func TestSnapshot_RestoreString(t *testing.T) {
	ks := New(Config{Shards: 4, Clock: newClock()})
	var c Ctx
	ks.Begin(&c)
	c.Loading = true
	c.Lock("a")
	require.True(t, c.RestoreString(2, "a", "1", 1_800_000_000_000))
	require.False(t, c.RestoreString(2, "a", "2", 0))
	c.Unlock()
	v, ok := getStr(ks, 2, "a")
	assert.True(t, ok)
	assert.Equal(t, "1", v)
	keys, expires := ks.DBStats(2)
	assert.Equal(t, 1, keys)
	assert.Equal(t, 1, expires)
	assert.Greater(t, ks.DBMemory(2), int64(0))
}

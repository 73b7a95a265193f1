package keyspace

import (
	"errors"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

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
			got[strings.Clone(e.Key)] = strings.Clone(e.Str) // valid only during the call
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

	longRaw, long := strings.Repeat("r", 300), strings.Repeat("l", 500)
	c.Lock("longraw")
	copy(c.Create(0, "longraw").MutableStr(300), longRaw)
	c.Touch(0, "longraw")
	c.Unlock()
	c.Lock("long")
	c.Create(0, "long").SetStr(long)
	c.Touch(0, "long")
	c.Unlock()

	snap := ks.BeginSnapshot(nil)
	c.Lock("raw")
	copy(c.LookupWrite(0, "raw").MutableStr(3), "xyz")
	c.Unlock()
	c.Lock("longraw")
	copy(c.LookupWrite(0, "longraw").MutableStr(300), strings.Repeat("R", 300)) // in place
	c.Unlock()
	c.Lock("long")
	c.LookupWrite(0, "long").SetStr("short now")
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
			e.Key, e.Str = strings.Clone(e.Key), strings.Clone(e.Str) // valid only during the call
			_, dup := got[e.Key]
			require.False(t, dup, e.Key)
			got[e.Key] = e
		}
		return nil
	}))
	require.Len(t, got, 1004)
	assert.Equal(t, longRaw, got["longraw"].Str)
	assert.Equal(t, long, got["long"].Str)
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

// collectAll returns a snapshot's entries by key, their strings copied.
func collectAll(t *testing.T, snap *Snapshot) map[string]SnapEntry {
	got := map[string]SnapEntry{}
	require.NoError(t, snap.Collect(func(es []SnapEntry) error {
		for _, e := range es {
			e.Key, e.Str = strings.Clone(e.Key), strings.Clone(e.Str)
			_, dup := got[e.Key]
			require.False(t, dup, e.Key)
			got[e.Key] = e
		}
		return nil
	}))
	return got
}

// TestSnapshot_Records round-trips what a record holds: databases, long
// keys and values (multi-byte lengths), empty values, expiries and the
// member-TTL flag.
func TestSnapshot_Records(t *testing.T) {
	ks := New(Config{Shards: 2, Clock: newClock()})
	long := strings.Repeat("v", 70_000)
	setStr(ks, 0, "empty", "", 0)
	setStr(ks, 5, "long", long, 1_800_000_000_123)
	setStr(ks, 15, strings.Repeat("k", 300), "x", 0)
	var c Ctx
	ks.Begin(&c)
	c.Lock("h")
	e := c.Create(3, "h")
	e.SetObj(KindHash, &cloneList{items: []string{"f"}})
	e.setFlag(flagFieldTTL, true)
	c.Touch(3, "h")
	c.Unlock()

	got := collectAll(t, ks.BeginSnapshot(nil))
	require.Len(t, got, 4)
	assert.Equal(t, SnapEntry{DB: 0, Key: "empty", Kind: KindString}, got["empty"])
	assert.Equal(t, SnapEntry{DB: 5, Key: "long", Kind: KindString, Str: long, ExpireAt: 1_800_000_000_123}, got["long"])
	assert.Equal(t, 15, got[strings.Repeat("k", 300)].DB)
	assert.Equal(t, "x", got[strings.Repeat("k", 300)].Str)
	h := got["h"]
	assert.Equal(t, 3, h.DB)
	assert.Equal(t, KindHash, h.Kind)
	assert.True(t, h.FieldTTL)
	assert.Equal(t, []string{"f"}, h.Obj.(*cloneList).items)
}

// TestSnapshot_ShardGrewAfterMeasure copies shards holding more than
// BeginSnapshot prepared memory for (they grew before the instant): the
// rest goes to chunks on the heap and nothing is lost.
func TestSnapshot_ShardGrewAfterMeasure(t *testing.T) {
	ks := New(Config{Shards: 4, Clock: newClock()})
	for i := 0; i < 3000; i++ {
		setStr(ks, i%2, "k"+strconv.Itoa(i), strings.Repeat("v", i%50), 0)
	}
	snap := ks.BeginSnapshot(nil)
	// what a shard that grew looks like: prepared memory too small
	// (nothing copied yet: no lock was taken since BeginSnapshot)
	for i := range snap.shards {
		require.False(t, snap.done[i].Load())
		sc := &snap.shards[i]
		if sc.mapped {
			unmapArena(sc.mem)
		}
		sc.mem, sc.mapped = make([]byte, 100*i), false
	}
	got := collectAll(t, snap)
	require.Len(t, got, 3000)
	for i := 0; i < 3000; i++ {
		e := got["k"+strconv.Itoa(i)]
		assert.Equal(t, i%2, e.DB)
		assert.Equal(t, strings.Repeat("v", i%50), e.Str)
	}
}

// TestSnapshot_CollectStopsEarly ends a snapshot whose consumer fails
// half way while writers copy shards: the error comes back, the snapshot
// is over (its memory released) and the keyspace keeps working; a new
// snapshot sees the writes.
func TestSnapshot_CollectStopsEarly(t *testing.T) {
	ks := New(Config{Shards: 16, Clock: newClock()})
	for i := 0; i < 5000; i++ {
		setStr(ks, 0, "k"+strconv.Itoa(i), "old", 0)
	}
	snap := ks.BeginSnapshot(nil)
	var stop atomic.Bool
	var wg sync.WaitGroup
	for g := 0; g < 2; g++ { // writers after the instant
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			for n := 0; !stop.Load(); n++ {
				setStr(ks, 0, "k"+strconv.Itoa((n*3+g)%5000), "new", 0)
			}
		}(g)
	}
	boom := errors.New("boom")
	calls := 0
	err := snap.Collect(func(es []SnapEntry) error {
		for _, e := range es {
			require.Equal(t, "old", e.Str)
		}
		if calls++; calls == 3 {
			return boom
		}
		return nil
	})
	require.ErrorIs(t, err, boom)
	assert.Nil(t, ks.snap.Load())
	for i := range snap.shards {
		assert.Nil(t, snap.shards[i].chunks, "shard %d not released", i)
	}
	stop.Store(true)
	wg.Wait()
	for i := 0; i < 5000; i++ {
		setStr(ks, 0, "k"+strconv.Itoa(i), "last", 0)
	}
	got := collectAll(t, ks.BeginSnapshot(nil))
	require.Len(t, got, 5000)
	assert.Equal(t, "last", got["k42"].Str)
}

// TestSnapshot_ActiveExpiryAfterTheInstant runs the active expiry cycle
// during a snapshot: it locks shards without copying them and copies a
// shard only before deleting from it, so the keys it reclaims after the
// instant are still in the snapshot, and the shards it merely looked at
// are copied by nobody but the snapshot.
func TestSnapshot_ActiveExpiryAfterTheInstant(t *testing.T) {
	clk := newClock()
	ks := New(Config{Shards: 8, Clock: clk})
	exp := clk.Now().UnixMilli() + 1000
	for i := 0; i < 400; i++ {
		setStr(ks, 1, "t"+strconv.Itoa(i), "v", exp)
	}
	for i := 0; i < 400; i++ {
		setStr(ks, 2, "p"+strconv.Itoa(i), "v", 0)
	}
	snap := ks.BeginSnapshot(nil)
	clk.Advance(2 * time.Second)
	require.Equal(t, 400, ks.ActiveExpireCycle(time.Minute))
	require.Equal(t, 0, ks.DBSize(1))
	got := collectAll(t, snap)
	require.Equal(t, 800, len(got), "keys in the snapshot")
	assert.Equal(t, exp, got["t7"].ExpireAt)

	// a cycle with nothing to delete, and walks that only count, copy
	// nothing
	snap = ks.BeginSnapshot(nil)
	require.Equal(t, 0, ks.ActiveExpireCycle(time.Minute))
	assert.Equal(t, 400, ks.DBSize(2))
	keys, _ := ks.DBStats(2)
	assert.Equal(t, 400, keys)
	assert.Positive(t, ks.Dirty())
	assert.Positive(t, ks.UsedMemory())
	assert.Positive(t, ks.DBMemory(2))
	ks.KeyspaceHits()
	ks.KeyspaceMisses()
	ks.WakeAll()
	for i := range snap.done {
		assert.False(t, snap.done[i].Load(), "shard %d copied by the expiry cycle", i)
	}
	require.Len(t, collectAll(t, snap), 400)
}

// BenchmarkSnapshotCopyShard measures the copy a writer may have to make
// under a shard lock while a snapshot runs: one shard of a keyspace of 1M
// keys (16-byte values) over 64 shards, so the shard's keys lie scattered
// over the heap as they do in a store that was filled over time.
func BenchmarkSnapshotCopyShard(b *testing.B) {
	ks := New(Config{Shards: 64, Clock: newClock()})
	for i := 0; i < 1<<20; i++ {
		setStr(ks, 0, "key:"+strconv.Itoa(i), "0123456789abcdef", 0)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		snap := ks.BeginSnapshot(nil)
		b.StartTimer()
		ks.lockShard(i % 64) // copies
		ks.shards[i%64].mu.Unlock()
		b.StopTimer()
		require.NoError(b, snap.Collect(func([]SnapEntry) error { return nil }))
		b.StartTimer()
	}
}

// shareList is a collection that lets snapshots read it in place, and
// counts its clones.
type shareList struct {
	items  []string
	clones *atomic.Int32
}

func (l *shareList) Clone() any {
	l.clones.Add(1)
	return &shareList{items: append([]string(nil), l.items...), clones: l.clones}
}

func (l *shareList) Share() bool { return true }

// TestSnapshot_SharedCollection checks that a Sharer is not cloned when
// its shard is copied, that the first access while the snapshot reads it
// clones it (leaving the snapshot the value of its instant), that later
// accesses do not, and that one the snapshot is done with is not cloned.
func TestSnapshot_SharedCollection(t *testing.T) {
	ks := New(Config{Shards: 1, Clock: newClock()})
	var clones atomic.Int32
	var c Ctx
	ks.Begin(&c)
	for _, k := range []string{"big", "idle"} {
		c.Lock(k)
		c.Create(0, k).SetObj(KindList, &shareList{items: []string{"a", "b"}, clones: &clones})
		c.Touch(0, k)
		c.Unlock()
	}
	snap := ks.BeginSnapshot(nil)
	c.Lock("big") // copies the (only) shard
	assert.Equal(t, int32(0), clones.Load(), "copying the shard cloned a shared collection")
	l := c.LookupWrite(0, "big").Obj().(*shareList)
	assert.Equal(t, int32(1), clones.Load(), "the first access did not clone")
	l.items[0] = "changed"
	l.items = append(l.items, "c")
	assert.Same(t, l, c.LookupWrite(0, "big").Obj(), "a second access cloned again")
	assert.Equal(t, int32(1), clones.Load())
	c.Unlock()
	seen := 0
	require.NoError(t, snap.Collect(func(es []SnapEntry) error {
		for _, e := range es {
			seen++
			assert.Equal(t, []string{"a", "b"}, e.Obj.(*shareList).items, e.Key)
		}
		return nil
	}))
	assert.Equal(t, 2, seen)
	c.Lock("idle")
	c.LookupWrite(0, "idle").Obj().(*shareList).items[0] = "x"
	c.Unlock()
	assert.Equal(t, int32(1), clones.Load(), "a collection the snapshot is done with was cloned")
	c.Lock("big")
	assert.Equal(t, []string{"changed", "b", "c"}, c.LookupWrite(0, "big").Obj().(*shareList).items)
	c.Unlock()
}

// TestSnapshot_ExclusiveCopiesWhatItReaches runs exclusive sections
// during a snapshot: one that changes a key copies that key's shard and
// no other, and one that flushes a database copies everything first; the
// snapshot holds the values of its instant.
func TestSnapshot_ExclusiveCopiesWhatItReaches(t *testing.T) {
	ks := New(Config{Shards: 16, Clock: newClock()})
	const n = 1000
	for i := 0; i < n; i++ {
		setStr(ks, 0, "k"+strconv.Itoa(i), "v", 0)
	}
	snap := ks.BeginSnapshot(nil)
	copied := func() int {
		k := 0
		for i := range snap.done {
			if snap.done[i].Load() {
				k++
			}
		}
		return k
	}
	var c Ctx
	ks.Begin(&c)
	c.Exclusive()
	c.LookupWrite(0, "k7").SetStr("changed")
	c.Create(0, "new").SetStr("x")
	c.EndExclusive()
	want := map[int]bool{ks.ShardOf("k7"): true, ks.ShardOf("new"): true}
	assert.Equal(t, len(want), copied(), "an exclusive section copied shards it did not reach")
	ks.Begin(&c)
	c.FlushDB(0)
	assert.Equal(t, 16, copied())
	got := collectAll(t, snap)
	require.Len(t, got, n)
	for i := 0; i < n; i++ {
		assert.Equal(t, "v", got["k"+strconv.Itoa(i)].Str)
	}
	assert.Equal(t, 0, ks.DBSize(0))
}

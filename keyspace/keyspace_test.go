package keyspace

import (
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

type manualClock struct{ ms atomic.Int64 }

func (m *manualClock) Now() time.Time          { return time.UnixMilli(m.ms.Load()) }
func (m *manualClock) Advance(d time.Duration) { m.ms.Add(d.Milliseconds()) }

func newClock() *manualClock {
	c := &manualClock{}
	c.ms.Store(1_700_000_000_000)
	return c
}

func setStr(ks *Keyspace, db int, key, val string, exp int64) {
	var c Ctx
	ks.Begin(&c)
	c.Lock(key)
	e := c.LookupWrite(db, key)
	if e == nil {
		e = c.Create(db, key)
	}
	e.SetStr(val)
	c.SetExpire(db, e, exp)
	c.Touch(db, key)
	c.Unlock()
	c.Finish()
}

func getStr(ks *Keyspace, db int, key string) (string, bool) {
	var c Ctx
	ks.Begin(&c)
	c.Lock(key)
	defer c.Unlock()
	e := c.Lookup(db, key)
	if e == nil {
		return "", false
	}
	return e.Str(), true
}

func del(ks *Keyspace, db int, key string) bool {
	var c Ctx
	ks.Begin(&c)
	c.Lock(key)
	defer c.Unlock()
	return c.Delete(db, key)
}

func TestTable_RandomOps_MatchMap(t *testing.T) {
	seed := time.Now().UnixNano()
	t.Logf("seed %d", seed)
	r := rand.New(rand.NewPCG(uint64(seed), 1))
	ks := New(Config{Shards: 4, Clock: newClock()})
	model := map[string]string{}
	for i := 0; i < 200000; i++ {
		k := "k" + strconv.Itoa(r.IntN(5000))
		switch r.IntN(3) {
		case 0, 1:
			v := strconv.Itoa(i)
			setStr(ks, 0, k, v, 0)
			model[k] = v
		case 2:
			_, inModel := model[k]
			assert.Equal(t, inModel, del(ks, 0, k), "delete %s", k)
			delete(model, k)
		}
		if i%20000 == 0 {
			require.Equal(t, len(model), ks.DBSize(0))
			for mk, mv := range model {
				v, ok := getStr(ks, 0, mk)
				require.True(t, ok, mk)
				require.Equal(t, mv, v)
			}
		}
	}
	require.Equal(t, len(model), ks.DBSize(0))
	for k := range model {
		require.True(t, del(ks, 0, k))
	}
	require.Equal(t, 0, ks.DBSize(0))
}

func TestEntry_MutableStr_CopiesOnRead(t *testing.T) {
	ks := New(Config{Clock: newClock()})
	setStr(ks, 0, "k", "abc", 0)
	var c Ctx
	ks.Begin(&c)
	c.Lock("k")
	e := c.Lookup(0, "k")
	b := e.MutableStr(6)
	copy(b[3:], "def")
	got := e.Str()
	b[0] = 'X'
	assert.Equal(t, "abcdef", got, "Str of a mutable value must be a copy")
	assert.Equal(t, "Xbcdef", e.StrView())
	assert.True(t, e.IsRaw())
	c.Unlock()
}

func TestLookup_ExpiryIsStrict(t *testing.T) {
	clk := newClock()
	ks := New(Config{Clock: clk})
	now := clk.ms.Load()
	setStr(ks, 0, "k", "v", now+10)
	clk.Advance(10 * time.Millisecond) // now == expireAt: still alive
	_, ok := getStr(ks, 0, "k")
	assert.True(t, ok, "a key whose expiry equals now is alive")
	clk.Advance(time.Millisecond)
	_, ok = getStr(ks, 0, "k")
	assert.False(t, ok)
	assert.Equal(t, int64(1), ks.Stats.ExpiredKeys.Load())
	assert.Equal(t, 0, ks.DBSize(0))
}

func TestCtx_TimeFrozenPerUnit(t *testing.T) {
	clk := newClock()
	ks := New(Config{Clock: clk})
	now := clk.ms.Load()
	setStr(ks, 0, "k", "v", now+5)
	var c Ctx
	ks.Begin(&c)
	c.Lock("k")
	require.NotNil(t, c.Lookup(0, "k"))
	clk.Advance(time.Second)
	assert.NotNil(t, c.Lookup(0, "k"), "no key expires inside one unit")
	c.Unlock()
	_, ok := getStr(ks, 0, "k")
	assert.False(t, ok)
}

func TestActiveExpire_MillionKeys(t *testing.T) {
	if testing.Short() {
		t.Skip("short mode: skipping the 1M-key active expiry test")
	}
	clk := newClock()
	ks := New(Config{Clock: clk})
	now := clk.ms.Load()
	const n = 1_000_000
	for i := 0; i < n; i++ {
		exp := now + 1000 + int64(i%1000)
		if i%10 == 0 {
			exp = 0 // 10% persistent keys must survive
		}
		setStr(ks, i%2, "key:"+strconv.Itoa(i), "v", exp)
	}
	require.Equal(t, n, ks.DBSize(0)+ks.DBSize(1))
	// nothing has expired yet: a cycle deletes nothing
	assert.Equal(t, 0, ks.ActiveExpireCycle(time.Second))
	clk.Advance(3 * time.Second)
	// bounded cycles (each with Redis's 25 ms slow-cycle budget) reclaim
	// every expired key; a cycle may end its budget before it reaches the
	// expired keys (a slow machine, the race detector), so the loop runs
	// until they are gone, not until a cycle deletes nothing
	total := 0
	for i := 0; i < 1000 && ks.DBSize(0)+ks.DBSize(1) > n/10; i++ {
		total += ks.ActiveExpireCycle(25 * time.Millisecond)
	}
	assert.Equal(t, n-n/10, total)
	assert.Equal(t, n/10, ks.DBSize(0)+ks.DBSize(1))
	_, ok := getStr(ks, 0, "key:0")
	assert.True(t, ok)
}

func TestActiveExpire_NeverReturnsExpiredKey(t *testing.T) {
	clk := newClock()
	ks := New(Config{Clock: clk, Shards: 8})
	now := clk.ms.Load()
	for i := 0; i < 10000; i++ {
		setStr(ks, 0, "k"+strconv.Itoa(i), "v", now+int64(i))
	}
	var wg sync.WaitGroup
	stop := make(chan struct{})
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			select {
			case <-stop:
				return
			default:
				ks.ActiveExpireCycle(time.Millisecond)
			}
		}
	}()
	for step := 0; step < 100; step++ {
		clk.Advance(100 * time.Millisecond)
		cur := clk.ms.Load()
		for i := 0; i < 10000; i += 97 {
			_, ok := getStr(ks, 0, "k"+strconv.Itoa(i))
			if now+int64(i) < cur {
				require.False(t, ok, "key k%d returned after its time", i)
			}
		}
	}
	close(stop)
	wg.Wait()
}

func TestScan_ReturnsEveryStableKey(t *testing.T) {
	ks := New(Config{Shards: 16, Clock: newClock()})
	for i := 0; i < 5000; i++ {
		setStr(ks, 0, "stable"+strconv.Itoa(i), "v", 0)
	}
	seen := map[string]int{}
	var cur uint64
	iter := 0
	for {
		var c Ctx
		ks.Begin(&c)
		var got []string
		cur = c.Scan(0, cur, 10, func(e *Entry) { got = append(got, e.Key()) })
		for _, k := range got {
			seen[k]++
		}
		// churn: add and delete other keys between calls
		for j := 0; j < 20; j++ {
			k := fmt.Sprintf("churn%d", iter*20+j)
			setStr(ks, 0, k, "v", 0)
			if j%2 == 0 {
				del(ks, 0, k)
			}
		}
		iter++
		if cur == 0 {
			break
		}
		require.Less(t, iter, 100000)
	}
	for i := 0; i < 5000; i++ {
		assert.Equal(t, 1, seen["stable"+strconv.Itoa(i)], "stable%d", i)
	}
}

func TestExclusive_ExcludesShardHolders(t *testing.T) {
	ks := New(Config{Shards: 8, Clock: newClock()})
	var inExcl atomic.Bool
	var bad atomic.Int64
	var wg sync.WaitGroup
	for g := 0; g < 4; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			for i := 0; i < 2000; i++ {
				var c Ctx
				ks.Begin(&c)
				k1, k2 := "a"+strconv.Itoa(i), "b"+strconv.Itoa(g)
				c.Lock(k1, k2)
				if inExcl.Load() {
					bad.Add(1)
				}
				c.Unlock()
			}
		}(g)
	}
	for i := 0; i < 200; i++ {
		var c Ctx
		ks.Begin(&c)
		c.Exclusive()
		inExcl.Store(true)
		time.Sleep(10 * time.Microsecond)
		inExcl.Store(false)
		c.EndExclusive()
	}
	wg.Wait()
	assert.Zero(t, bad.Load())
}

func TestWatch_TouchAndExpiry(t *testing.T) {
	clk := newClock()
	ks := New(Config{Clock: clk})
	now := clk.ms.Load()
	setStr(ks, 0, "w", "1", 0)
	setStr(ks, 0, "e", "1", now+100)
	setStr(ks, 0, "gone", "1", now-1) // already expired when watched

	var w Watcher
	var c Ctx
	ks.Begin(&c)
	c.Watch(&w, 0, "e")
	c.Watch(&w, 0, "gone")
	assert.False(t, w.Dirty())

	// reclaiming the already-expired key is not a change
	_, ok := getStr(ks, 0, "gone")
	assert.False(t, ok)
	assert.False(t, w.Dirty())

	// the live key expiring without being touched dirties at EXEC
	clk.Advance(time.Second)
	ks.Begin(&c)
	c.CheckExpired(&w)
	assert.True(t, w.Dirty())
	c.Unwatch(&w)
	assert.False(t, w.Dirty())

	// a write to a watched key dirties, in any client
	ks.Begin(&c)
	c.Watch(&w, 0, "w")
	setStr(ks, 0, "w", "2", 0)
	assert.True(t, w.Dirty())
	c.Unwatch(&w)
	// other databases are distinct
	ks.Begin(&c)
	c.Watch(&w, 0, "w")
	setStr(ks, 1, "w", "2", 0)
	assert.False(t, w.Dirty())
	c.Unwatch(&w)
}

func TestSwapAndFlush(t *testing.T) {
	ks := New(Config{Clock: newClock()})
	setStr(ks, 0, "a", "0", 0)
	setStr(ks, 1, "b", "1", 0)
	var c Ctx
	ks.Begin(&c)
	c.SwapDB(0, 1)
	c.Finish()
	_, ok := getStr(ks, 0, "b")
	assert.True(t, ok)
	_, ok = getStr(ks, 1, "a")
	assert.True(t, ok)
	ks.Begin(&c)
	c.FlushDB(0)
	c.Finish()
	assert.Equal(t, 0, ks.DBSize(0))
	assert.Equal(t, 1, ks.DBSize(1))
}

func TestJournal_RecordsUnderLockSyncAfter(t *testing.T) {
	ks := New(Config{Clock: newClock()})
	var got [][]string
	var synced uint64
	ks.SetHooks(&Hooks{Journal: func(rs []Record) uint64 {
		for _, r := range rs {
			got = append(got, append([]string(nil), r.Args...))
		}
		return 7
	}, JournalSync: func(tok uint64) {
		// the shard must be free again: lock it ourselves
		var c Ctx
		ks.Begin(&c)
		c.Lock("k")
		c.Unlock()
		synced = tok
	}})
	var c Ctx
	ks.Begin(&c)
	c.Lock("k")
	c.Propagate(0, "SET", "k", "v")
	c.Propagate(0, "PEXPIREAT", "k", "1")
	c.Unlock()
	c.Finish()
	assert.Equal(t, [][]string{{"MULTI"}, {"SET", "k", "v"}, {"PEXPIREAT", "k", "1"}, {"EXEC"}}, got)
	assert.Equal(t, uint64(7), synced)
}

// checkShardMemory verifies that every table's accounted bytes are the sum
// of its entries' (so that no write was charged to another shard).
func checkShardMemory(t *testing.T, ks *Keyspace) {
	t.Helper()
	for i := range ks.shards {
		for db, tb := range ks.shards[i].dbs {
			if tb == nil {
				continue
			}
			var sum int64
			for s := uint32(0); s < tb.next; s++ {
				if e := tb.at(s); e != nil {
					sum += EntryMemory(e)
				}
			}
			assert.Equal(t, sum, tb.mem, "shard %d db %d", i, db)
		}
	}
}

func TestTouchEntry_ChargesTheEntrysShard(t *testing.T) {
	ks := New(Config{Clock: newClock(), Shards: 16})
	// two keys in different shards
	a, b := "a", "b"
	for i := 0; ks.ShardOf(a) == ks.ShardOf(b); i++ {
		b = "b" + strconv.Itoa(i)
	}
	setStr(ks, 0, a, "1", 0)
	setStr(ks, 0, b, "1", 0)
	var c Ctx
	ks.Begin(&c)
	c.Exclusive()
	ea := c.LookupWrite(0, a)
	eb := c.LookupWrite(0, b) // the last entry found is b's
	ea.SetStr(strings.Repeat("x", 1000))
	c.TouchEntry(0, ea)
	eb.SetStr(strings.Repeat("y", 2000))
	c.TouchEntry(0, eb)
	// a deleted entry's slot reused by a new key of the same table
	require.True(t, c.Delete(0, b))
	b2 := b + "-new"
	for ks.ShardOf(b2) != ks.ShardOf(b) {
		b2 += "-"
	}
	e := c.Create(0, b2)
	e.SetStr(strings.Repeat("z", 3000))
	c.TouchEntry(0, e)
	ea = c.LookupWrite(0, a)
	ea.SetStr("small")
	c.TouchEntry(0, ea)
	c.EndExclusive()
	c.Finish()
	checkShardMemory(t, ks)
	assert.Equal(t, ks.UsedMemory(), entryMemoryOf(t, ks, a)+entryMemoryOf(t, ks, b2))
}

// entryMemoryOf returns the accounted bytes of key in database 0.
func entryMemoryOf(t *testing.T, ks *Keyspace, key string) int64 {
	var c Ctx
	ks.Begin(&c)
	c.Lock(key)
	defer c.Unlock()
	e := c.Peek(0, key)
	require.NotNil(t, e, key)
	return EntryMemory(e)
}

func TestSignalReady_WakesOnlyWhileSomeoneWaits(t *testing.T) {
	ks := New(Config{Clock: newClock(), Shards: 16})
	signal := func(key string) {
		var c Ctx
		ks.Begin(&c)
		c.Lock(key)
		c.SignalReady(0, key)
		c.Unlock()
		c.Finish()
	}
	ready := func(w *Waiter) bool {
		select {
		case <-w.Ready:
			return true
		default:
			return false
		}
	}
	w1, w2 := NewWaiter(), NewWaiter()
	var c Ctx
	ks.Begin(&c)
	for _, k := range []string{"k1", "k2"} {
		c.Lock(k)
		c.Block(w1, 0, k)
		c.Unlock()
	}
	c.Lock("k2")
	c.Block(w2, 0, "k2")
	c.Unlock()
	c.Finish()
	assert.Equal(t, int64(3), ks.blocked.Load())

	signal("other")
	assert.False(t, ready(w1))
	signal("k1")
	assert.True(t, ready(w1))
	signal("k2") // first come, first served
	assert.True(t, ready(w1))
	assert.False(t, ready(w2))

	ks.Begin(&c)
	c.Unblock(w1)
	c.Finish()
	assert.Equal(t, int64(1), ks.blocked.Load())
	signal("k1")
	assert.False(t, ready(w1))
	signal("k2")
	assert.True(t, ready(w2))

	ks.Begin(&c)
	c.Lock("k2")
	c.UnblockLocked(w2)
	c.Unlock()
	c.Finish()
	assert.Zero(t, ks.blocked.Load())
	signal("k2")
	assert.False(t, ready(w2))
}

func TestLockLookupWrite_IsLockThenLookupWrite(t *testing.T) {
	clk := newClock()
	ks := New(Config{Clock: clk, Shards: 16})
	now := clk.ms.Load()
	setStr(ks, 0, "live", "v", 0)
	setStr(ks, 0, "dying", "v", now+5)
	setStr(ks, 1, "other-db", "v", 0)
	ks.UpdateLRUClock(time.UnixMilli(now).Add(time.Hour)) // lookups move the LRU clock of what they touch
	clk.Advance(time.Second)

	lookup := func(db int, key string, noTouch bool) (*Entry, uint32) {
		var c Ctx
		ks.Begin(&c)
		c.NoTouch = noTouch
		e := c.LockLookupWrite(db, key)
		var access uint32
		if e != nil {
			access = e.Access()
			// the shard is locked: nobody else gets it until Unlock
			locked := make(chan struct{})
			go func() {
				var o Ctx
				ks.Begin(&o)
				o.Lock(key)
				o.Unlock()
				close(locked)
			}()
			select {
			case <-locked:
				t.Errorf("%s: shard not locked", key)
			case <-time.After(20 * time.Millisecond):
			}
			c.Unlock()
			<-locked
		} else {
			c.Unlock()
		}
		c.Finish()
		return e, access
	}
	var before uint32
	{
		var c Ctx
		ks.Begin(&c)
		c.Lock("live")
		before = c.Peek(0, "live").Access()
		c.Unlock()
	}
	e, acc := lookup(0, "live", true)
	require.NotNil(t, e)
	assert.Equal(t, before, acc, "NO-TOUCH leaves the access data alone")
	e, acc = lookup(0, "live", false)
	require.NotNil(t, e)
	assert.NotEqual(t, before, acc, "a write lookup touches the access data")
	e, _ = lookup(0, "missing", false)
	assert.Nil(t, e)
	e, _ = lookup(2, "live", false) // a database with no table in the shard
	assert.Nil(t, e)
	e, _ = lookup(1, "other-db", false)
	assert.NotNil(t, e)
	e, _ = lookup(0, "dying", false)
	assert.Nil(t, e, "an expired key is deleted on lookup")
	assert.Equal(t, int64(1), ks.Stats.ExpiredKeys.Load())
	assert.Equal(t, 1, ks.DBSize(0))

	// in an exclusive section it locks nothing more
	var c Ctx
	ks.Begin(&c)
	c.Exclusive()
	assert.NotNil(t, c.LockLookupWrite(0, "live"))
	assert.Nil(t, c.LockLookupWrite(0, "missing"))
	c.EndExclusive()
	c.Finish()
}

package keyspace

import (
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/embedis/embedis/evict"
)

func TestMemory_AccountsAndReleases(t *testing.T) {
	ks := New(Config{Clock: newClock()})
	assert.Zero(t, ks.UsedMemory())
	for i := 0; i < 1000; i++ {
		setStr(ks, i%3, "key:"+strconv.Itoa(i), "0123456789abcdef", 0)
	}
	used := ks.UsedMemory()
	// 1000 keys of ~8-byte names with 16-byte values: entry + index + key + value
	assert.InDelta(t, 1000*(entryOverhead+16+16), used, 1000*16)
	// overwriting with a bigger value grows the count
	setStr(ks, 0, "key:0", string(make([]byte, 1000)), 0)
	assert.Greater(t, ks.UsedMemory(), used)
	// a mutable string is charged its capacity
	var c Ctx
	ks.Begin(&c)
	c.Lock("key:3")
	e := c.LookupWrite(0, "key:3")
	e.MutableStr(5000)
	c.Touch(0, "key:3")
	c.Unlock()
	assert.GreaterOrEqual(t, ks.UsedMemory(), used+5000)
	for i := 0; i < 1000; i++ {
		del(ks, i%3, "key:"+strconv.Itoa(i))
	}
	assert.Zero(t, ks.UsedMemory(), "deleting everything releases everything")
	assert.Zero(t, ks.UsedMemoryFast()+pendingSum(ks))
}

func pendingSum(ks *Keyspace) int64 {
	var n int64
	for i := range ks.shards {
		n += ks.shards[i].pending
	}
	return n
}

func TestMemory_FlushAndExpiryRelease(t *testing.T) {
	clk := newClock()
	ks := New(Config{Clock: clk})
	now := clk.ms.Load()
	for i := 0; i < 500; i++ {
		setStr(ks, 0, "a"+strconv.Itoa(i), "v", now+10)
		setStr(ks, 1, "b"+strconv.Itoa(i), "v", 0)
	}
	clk.Advance(time.Second)
	for ks.ActiveExpireCycle(time.Second) > 0 {
	}
	assert.Equal(t, ks.DBMemory(0), int64(0))
	assert.Greater(t, ks.DBMemory(1), int64(0))
	var c Ctx
	ks.Begin(&c)
	c.FlushDB(1)
	c.Finish()
	assert.Zero(t, ks.UsedMemory())
}

func TestEvict_LRUEvictsIdleKeys(t *testing.T) {
	clk := newClock()
	ks := New(Config{Clock: clk, Shards: 4})
	ks.SetEviction(EvictConfig{Policy: evict.AllKeysLRU, Samples: 10})
	for i := 0; i < 200; i++ {
		setStr(ks, 0, "old"+strconv.Itoa(i), "v", 0)
	}
	clk.Advance(time.Hour)
	ks.UpdateLRUClock(clk.Now())
	for i := 0; i < 200; i++ {
		setStr(ks, 0, "new"+strconv.Itoa(i), "v", 0)
		getStr(ks, 0, "new"+strconv.Itoa(i))
	}
	for i := 0; i < 100; i++ {
		require.True(t, ks.EvictOne())
	}
	old := 0
	for i := 0; i < 200; i++ {
		if _, ok := getStr(ks, 0, "old"+strconv.Itoa(i)); ok {
			old++
		}
	}
	assert.LessOrEqual(t, old, 110, "approximated LRU evicts mostly idle keys (%d old left)", old)
	assert.Equal(t, int64(100), ks.Stats.EvictedKeys.Load())
}

func TestEvict_VolatileOnlyTouchesKeysWithTTL(t *testing.T) {
	clk := newClock()
	ks := New(Config{Clock: clk, Shards: 4})
	now := clk.ms.Load()
	for _, p := range []evict.Policy{evict.VolatileLRU, evict.VolatileLFU, evict.VolatileRandom, evict.VolatileTTL} {
		ks.SetEviction(EvictConfig{Policy: p, Samples: 5, LogFactor: 10, DecayTime: 1})
		for i := 0; i < 50; i++ {
			setStr(ks, 0, "keep"+strconv.Itoa(i), "v", 0)
			setStr(ks, 0, "vol"+strconv.Itoa(i), "v", now+int64(1000+i))
		}
		n := 0
		for ks.EvictOne() {
			n++
		}
		assert.Equal(t, 50, n, p.String())
		assert.Equal(t, 50, ks.DBSize(0), p.String())
		var c Ctx
		ks.Begin(&c)
		c.FlushDB(0)
	}
	ks.SetEviction(EvictConfig{Policy: evict.NoEviction})
	setStr(ks, 0, "x", "v", 0)
	assert.False(t, ks.EvictOne())
}

func TestEvict_VolatileTTLPicksSoonest(t *testing.T) {
	clk := newClock()
	ks := New(Config{Clock: clk, Shards: 1})
	now := clk.ms.Load()
	ks.SetEviction(EvictConfig{Policy: evict.VolatileTTL, Samples: 64})
	for i := 0; i < 20; i++ {
		setStr(ks, 0, "k"+strconv.Itoa(i), "v", now+int64(1000*(i+1)))
	}
	require.True(t, ks.EvictOne())
	_, ok := getStr(ks, 0, "k0")
	assert.False(t, ok, "the key expiring soonest goes first")
}

func TestEvict_LFUKeepsHotKeys(t *testing.T) {
	clk := newClock()
	ks := New(Config{Clock: clk, Shards: 4})
	ks.UpdateLRUClock(clk.Now())
	ks.SetEviction(EvictConfig{Policy: evict.AllKeysLFU, Samples: 10, LogFactor: 10, DecayTime: 1})
	for i := 0; i < 100; i++ {
		setStr(ks, 0, "k"+strconv.Itoa(i), "v", 0)
	}
	for r := 0; r < 50; r++ {
		for i := 0; i < 10; i++ { // k0..k9 are hot
			getStr(ks, 0, "k"+strconv.Itoa(i))
		}
	}
	for i := 0; i < 80; i++ {
		require.True(t, ks.EvictOne())
	}
	hot := 0
	for i := 0; i < 10; i++ {
		if _, ok := getStr(ks, 0, "k"+strconv.Itoa(i)); ok {
			hot++
		}
	}
	assert.GreaterOrEqual(t, hot, 8, "hot keys survive LFU eviction")
}

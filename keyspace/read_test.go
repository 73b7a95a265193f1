package keyspace

import (
	"strconv"
	"testing"
	"time"
	"unsafe"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestReadStr_IsLookupWithoutAUnit(t *testing.T) {
	clk := newClock()
	ks := New(Config{Clock: clk, Shards: 16})
	now := clk.ms.Load()
	setStr(ks, 0, "k", "v", 0)
	setStr(ks, 0, "ttl", "w", now+10)
	{
		var c Ctx
		ks.Begin(&c)
		c.Lock("list")
		c.Create(0, "list").SetObj(KindList, &cloneList{items: []string{"a"}})
		c.Unlock()
		c.Finish()
	}
	ks.UpdateLRUClock(time.UnixMilli(now).Add(time.Hour)) // a read moves the LRU clock of what it touches
	access := func(key string) uint32 {
		var c Ctx
		ks.Begin(&c)
		c.Lock(key)
		defer c.Unlock()
		return c.Peek(0, key).Access()
	}
	before := access("k")

	v, st := ks.ReadStr(0, "k")
	assert.Equal(t, ReadFound, st)
	assert.Equal(t, "v", v)
	assert.NotEqual(t, before, access("k"), "a read updates the access data")
	v, st = ks.ReadStr(0, "ttl") // expiry == now+10 > now: alive
	assert.Equal(t, ReadFound, st)
	assert.Equal(t, "w", v)
	_, st = ks.ReadStr(0, "list")
	assert.Equal(t, ReadWrongType, st)
	_, st = ks.ReadStr(0, "missing")
	assert.Equal(t, ReadAbsent, st)
	_, st = ks.ReadStr(3, "k") // a database with no table in the shard
	assert.Equal(t, ReadAbsent, st)
	assert.Equal(t, int64(3), ks.KeyspaceHits())
	assert.Equal(t, int64(2), ks.KeyspaceMisses())

	// an expired key is left to a unit, untouched and uncounted
	clk.Advance(11 * time.Millisecond)
	_, st = ks.ReadStr(0, "ttl")
	assert.Equal(t, ReadSlow, st)
	assert.Equal(t, 3, ks.DBSize(0), "ReadStr does not delete")
	assert.Zero(t, ks.Stats.ExpiredKeys.Load())
	assert.Equal(t, int64(3), ks.KeyspaceHits())
	assert.Equal(t, int64(2), ks.KeyspaceMisses())

	// with keymiss events on, a miss is left to a unit (which notifies)
	ks.SetNotifyFlags(NotifyKeyevent | NotifyKeyMiss)
	_, st = ks.ReadStr(0, "missing")
	assert.Equal(t, ReadSlow, st)
	assert.Equal(t, int64(2), ks.KeyspaceMisses())
	v, st = ks.ReadStr(0, "k") // hits need nothing delivered
	assert.Equal(t, ReadFound, st)
	assert.Equal(t, "v", v)
}

func TestReadStr_CopiesAMutableValue(t *testing.T) {
	ks := New(Config{Clock: newClock()})
	setStr(ks, 0, "k", "abc", 0)
	v, st := ks.ReadStr(0, "k")
	require.Equal(t, ReadFound, st)
	var c Ctx
	ks.Begin(&c)
	c.Lock("k")
	b := c.Lookup(0, "k").MutableStr(3)
	c.Unlock()
	v2, _ := ks.ReadStr(0, "k")
	c.Lock("k")
	b[0] = 'X'
	c.Unlock()
	assert.Equal(t, "abc", v)
	assert.Equal(t, "abc", v2, "a mutable value is copied")
	v3, _ := ks.ReadStr(0, "k")
	assert.Equal(t, "Xbc", v3)
}

func TestReadStr_WaitsOutAnExclusiveSection(t *testing.T) {
	ks := New(Config{Clock: newClock()})
	setStr(ks, 0, "k", "old", 0)
	var c Ctx
	ks.Begin(&c)
	c.Exclusive()
	got := make(chan string)
	go func() {
		v, _ := ks.ReadStr(0, "k")
		got <- v
	}()
	e := c.Peek(0, "k")
	e.SetStr("new")
	c.Touch(0, "k")
	c.EndExclusive()
	c.Finish()
	assert.Equal(t, "new", <-got)
}

func TestNewPage_EntriesStartOnACacheLine(t *testing.T) {
	var tb table
	for i := range 16 * pageSize {
		tb.insert(uint32(i), strconv.Itoa(i)).SetStr("v")
	}
	for _, p := range tb.pages {
		assert.Zero(t, uintptr(unsafe.Pointer(p))%64,
			"the Go allocator's object header is no longer 8 bytes: pageBlock's pad needs adjusting")
	}
}

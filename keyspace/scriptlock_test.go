package keyspace

import (
	"strconv"
	"testing"
	"time"
)

func TestCtx_HoldsAndLockMore(t *testing.T) {
	ks := New(Config{Shards: 8, Clock: newClock()})
	// two keys in different shards, the second in a lower shard
	var hi, lo string
	for i := 0; hi == "" || lo == ""; i++ {
		k := "k" + strconv.Itoa(i)
		switch s := ks.ShardOf(k); {
		case s == 5 && hi == "":
			hi = k
		case s == 2 && lo == "":
			lo = k
		}
	}
	var c Ctx
	ks.Begin(&c)
	c.Lock(hi)
	if !c.Holds(5) || c.Holds(2) || !c.HoldsKey(hi) || c.HoldsKey(lo) {
		t.Fatal("Holds after Lock")
	}
	c.LockMore(2) // out of order
	c.LockMore(5) // already held: no-op
	if !c.Holds(5) || !c.Holds(2) || c.Holds(3) {
		t.Fatal("Holds after LockMore")
	}
	// another unit waits for shard 2 until c unlocks both
	got := make(chan struct{})
	go func() {
		var o Ctx
		ks.Begin(&o)
		o.Lock(lo)
		o.Unlock()
		close(got)
	}()
	select {
	case <-got:
		t.Fatal("shard 2 was not held")
	case <-time.After(20 * time.Millisecond):
	}
	c.Unlock()
	<-got
	ks.Begin(&c)
	c.LockMore(3) // holding nothing: an ordinary lock
	if !c.Holds(3) {
		t.Fatal("LockMore with nothing held")
	}
	c.Unlock()
	c.Exclusive()
	if !c.Holds(7) || !c.HoldsKey(lo) {
		t.Fatal("the exclusive section holds everything")
	}
	c.EndExclusive()
}

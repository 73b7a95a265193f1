package keyspace

import "strings"

// Waiter is a blocked reader (BLPOP, BZPOPMIN, XREAD BLOCK, ...) waiting
// for data on one or more keys. Ready receives a value when one of its
// keys may have data; the waiter then retries its command and, if it
// still cannot proceed, keeps waiting. Waiters on a key are woken first
// come, first served.
type Waiter struct {
	// Ready is signalled (never closed) when a key may have data.
	Ready chan struct{}
	keys  []dbKey
}

// NewWaiter returns a waiter with its signal channel.
func NewWaiter() *Waiter { return &Waiter{Ready: make(chan struct{}, 1)} }

type waitQueue struct{ q []*Waiter }

// Block registers w on key in db. The key's shard must be locked by c in
// the same critical section that found the key empty, so that no push is
// missed.
func (c *Ctx) Block(w *Waiter, db int, key string) {
	sh, _ := c.shardFor(key)
	dk := dbKey{db, strings.Clone(key)}
	if sh.waiters == nil {
		sh.waiters = make(map[dbKey]*waitQueue)
	}
	wq := sh.waiters[dk]
	if wq == nil {
		wq = &waitQueue{}
		sh.waiters[dk] = wq
	}
	wq.q = append(wq.q, w)
	w.keys = append(w.keys, dk)
	c.ks.blocked.Add(1)
}

// Unblock removes w from every key it waits on. It locks shards itself, so
// c must hold no locks (except in an exclusive section).
func (c *Ctx) Unblock(w *Waiter) {
	for _, dk := range w.keys {
		c.Lock(dk.key)
		sh, _ := c.shardFor(dk.key)
		if wq := sh.waiters[dk]; wq != nil {
			for i, x := range wq.q {
				if x == w {
					wq.q = append(wq.q[:i], wq.q[i+1:]...)
					c.ks.blocked.Add(-1)
					break
				}
			}
			if len(wq.q) == 0 {
				delete(sh.waiters, dk)
			}
		}
		c.Unlock()
	}
	w.keys = w.keys[:0]
}

// Waiting returns the number of waiters on key in db. The key's shard must
// be locked.
func (c *Ctx) Waiting(db int, key string) int {
	sh, _ := c.shardFor(key)
	if wq := sh.waiters[dbKey{db, key}]; wq != nil {
		return len(wq.q)
	}
	return 0
}

// wake signals the first waiter on a key that became ready (first come,
// first served). A waiter that is served, times out or gives up signals
// its keys again (SignalReady), which passes the turn to the next one.
func (ks *Keyspace) wake(k dbKey) {
	i := ks.ShardOf(k.key)
	ks.lockShard(i)
	var w *Waiter
	if wq := ks.shards[i].waiters[k]; wq != nil && len(wq.q) > 0 {
		w = wq.q[0]
	}
	ks.shards[i].mu.Unlock()
	if w != nil {
		w.signal()
	}
}

func (w *Waiter) signal() {
	select {
	case w.Ready <- struct{}{}:
	default:
	}
}

// UnblockLocked is Unblock for a caller that already holds the shard
// locks of every key w waits on (or runs in an exclusive section).
func (c *Ctx) UnblockLocked(w *Waiter) {
	for _, dk := range w.keys {
		sh, _ := c.shardFor(dk.key)
		if wq := sh.waiters[dk]; wq != nil {
			for i, x := range wq.q {
				if x == w {
					wq.q = append(wq.q[:i], wq.q[i+1:]...)
					c.ks.blocked.Add(-1)
					break
				}
			}
			if len(wq.q) == 0 {
				delete(sh.waiters, dk)
			}
		}
	}
	w.keys = w.keys[:0]
}

// WakeAll signals every waiter in db (FLUSHDB, SWAPDB). It takes each
// shard lock in turn.
func (ks *Keyspace) WakeAll() {
	for i := range ks.shards {
		ks.lockShard(i)
		var ws []*Waiter
		for _, wq := range ks.shards[i].waiters {
			ws = append(ws, wq.q...)
		}
		ks.shards[i].mu.Unlock()
		for _, w := range ws {
			w.signal()
		}
	}
}

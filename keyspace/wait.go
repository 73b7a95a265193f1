package keyspace

import (
	"strings"
	"sync"
	"time"
)

// Waiter is a blocked reader (BLPOP, BZPOPMIN, XREAD BLOCK, ...) waiting
// for data on one or more keys. Ready receives a value when one of its
// keys may have data; the waiter then retries its command and, if it
// still cannot proceed, keeps waiting. Waiters on a key are woken first
// come, first served.
//
// A write that gives a key data serves its waiters before it returns, as
// Redis serves blocked clients before it runs the next command: Finish
// signals them one at a time and waits for each retry to end (see serve).
// For that the waiter reports its retries: a blocking command's loop calls
// Wait each time it has released its locks, which records that the retry
// in progress is over (answer) and that a signal was taken (took); leaving
// the queues (Unblock, UnblockLocked) ends every wait for it.
type Waiter struct {
	// Ready is signalled (never closed) when a key may have data.
	Ready chan struct{}
	// Exhaustive: a retry that fails does not mean the next waiter on the
	// key would fail too (stream readers with other IDs or groups), so
	// every waiter on the key is tried, not only the first.
	Exhaustive bool
	keys       []dbKey

	mu       sync.Mutex
	asked    uint64        // signals sent
	taken    uint64        // asked when the retry in progress began (took)
	answered uint64        // signals whose retry is over
	gone     bool          // left its queues: it will not retry again
	note     chan struct{} // closed (and replaced) when answered or gone change
}

// NewWaiter returns a waiter with its signal channel.
func NewWaiter() *Waiter {
	return &Waiter{Ready: make(chan struct{}, 1), note: make(chan struct{})}
}

// took records that the waiter received Ready and is about to retry.
// answer reports when that retry is over.
func (w *Waiter) took() {
	w.mu.Lock()
	w.taken = w.asked
	w.mu.Unlock()
}

// answer reports that the retry begun at the last took is over and its
// locks are released. Without a took since the last answer it does
// nothing.
func (w *Waiter) answer() {
	w.mu.Lock()
	if t := w.taken; t > w.answered {
		w.answered = t
		close(w.note)
		w.note = make(chan struct{})
	}
	w.taken = 0
	w.mu.Unlock()
}

// Wait is the waiting step of a blocked reader's loop, called with its
// locks released: it ends the retry in progress, if any (answer), then
// waits for a signal on Ready, which it takes (took) and reports with
// true, or for timer, done or unblocked (nil channels never fire), which
// it reports with false.
func (w *Waiter) Wait(timer <-chan time.Time, done, unblocked <-chan struct{}) (ready bool) {
	w.answer()
	select {
	case <-w.Ready:
		w.took()
		return true
	case <-timer:
	case <-done:
	case <-unblocked:
	}
	return false
}

// leave marks the waiter gone: it left its queues and its unit is over.
func (w *Waiter) leave() {
	w.mu.Lock()
	if !w.gone {
		w.gone = true
		close(w.note)
		w.note = make(chan struct{})
	}
	w.mu.Unlock()
}

// ask signals the waiter and returns the ticket of the signal; ok is
// false when the waiter is gone.
func (w *Waiter) ask() (t uint64, ok bool) {
	w.mu.Lock()
	if w.gone {
		w.mu.Unlock()
		return 0, false
	}
	w.asked++
	t = w.asked
	w.mu.Unlock()
	w.signal()
	return t, true
}

// await waits until the retry for ticket t is over; it reports true when
// the waiter left its queues instead (served, timed out or canceled) and
// its unit is over, the wake-ups it caused served included.
func (w *Waiter) await(t uint64) (gone bool) {
	for {
		w.mu.Lock()
		if w.gone {
			w.mu.Unlock()
			return true
		}
		if w.answered >= t {
			w.mu.Unlock()
			return false
		}
		note := w.note
		w.mu.Unlock()
		<-note
	}
}

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
	c.inWait = true
	c.leaving = nil // queued again (a stream reader moving to the back)
	c.ks.blocked.Add(1)
}

// Unblock removes w from every key it waits on. It locks shards itself, so
// c must hold no locks (except in an exclusive section).
func (c *Ctx) Unblock(w *Waiter) {
	for _, dk := range w.keys {
		c.Lock(dk.key)
		c.dequeue(w, dk)
		c.Unlock()
	}
	w.keys = w.keys[:0]
	w.leave()
	c.inWait = false
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

// serve serves the waiters on a key that became ready, as Redis serves
// blocked clients right after the command that gave the key data: it
// signals the waiters queued now, oldest first, one at a time, and waits
// for each retry to end. It stops at the first waiter that retried and
// could not be served (the data is gone), unless that waiter is
// Exhaustive; a waiter that was served leaves the queue, and the next one
// gets its turn. The caller holds no locks.
func (ks *Keyspace) serve(k dbKey) {
	i := ks.ShardOf(k.key)
	ks.lockShard(i)
	var ws []*Waiter
	if wq := ks.shards[i].waiters[k]; wq != nil {
		ws = append(ws, wq.q...)
	}
	ks.shards[i].mu.Unlock()
	idle := 0 // Exhaustive waiters that retried and were not served
	for _, w := range ws {
		t, ok := w.ask()
		if !ok {
			continue
		}
		if idle >= serveIdleMax {
			continue // signalled only: they retry on their own time
		}
		if w.await(t) {
			continue // gone: served, or left; the next one may be servable
		}
		if !w.Exhaustive {
			return
		}
		idle++
	}
}

// serveIdleMax bounds the retries serve waits for that serve nothing:
// each is a round trip to the waiter's goroutine (Redis checks its
// blocked clients in its own thread), and a stream with a hundred
// readers of one consumer group, all but one of which find nothing new,
// must not make every XADD wait for a hundred of them. Past the bound
// the remaining waiters are only signalled.
const serveIdleMax = 8

func (w *Waiter) signal() {
	select {
	case w.Ready <- struct{}{}:
	default:
	}
}

// dequeue removes w from the queue of dk, whose shard c holds.
func (c *Ctx) dequeue(w *Waiter, dk dbKey) {
	sh, _ := c.shardFor(dk.key)
	wq := sh.waiters[dk]
	if wq == nil {
		return
	}
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

// UnblockLocked is Unblock for a caller that already holds the shard
// locks of every key w waits on (or runs in an exclusive section).
func (c *Ctx) UnblockLocked(w *Waiter) {
	for _, dk := range w.keys {
		c.dequeue(w, dk)
	}
	w.keys = w.keys[:0]
	// The waiter is gone once the unit has delivered its effects (Finish):
	// a served BLMOVE serves the readers of its destination first.
	c.leaving = w
	c.inWait = false
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

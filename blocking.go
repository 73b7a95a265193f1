package embedis

import (
	"math"
	"time"

	"github.com/embedis/embedis/internal/rconv"
	"github.com/embedis/embedis/keyspace"
)

// parseTimeout parses a blocking command's timeout in seconds (a double,
// as BLPOP, BZPOPMIN and BLMOVE take it) into a duration; 0 means forever.
func (x *Exec) parseTimeout(i int) (time.Duration, bool) {
	f, ok := rconv.ParseFloatString(x.arg(i))
	if !ok || math.IsInf(f, 0) || math.IsNaN(f) || f*1000 > float64(maxInt64/2) {
		x.errStr("ERR timeout is not a float or out of range")
		return 0, false
	}
	if f < 0 {
		x.errStr("ERR timeout is negative")
		return 0, false
	}
	return time.Duration(f * 1000 * float64(time.Millisecond)), true
}

// parseTimeoutMS parses a timeout in milliseconds (XREAD BLOCK).
func (x *Exec) parseTimeoutMS(i int) (time.Duration, bool) {
	v, ok := parseInt(x.arg(i))
	if !ok {
		x.errStr("ERR timeout is not an integer or out of range")
		return 0, false
	}
	if v < 0 {
		x.errStr("ERR timeout is negative")
		return 0, false
	}
	if v > maxInt64/int64(time.Millisecond) {
		v = maxInt64 / int64(time.Millisecond)
	}
	return time.Duration(v) * time.Millisecond, true
}

// blockOn runs try, which must write the reply and return true when it
// could serve the command. When it cannot, and the command may block
// (not inside MULTI/EXEC or a script), the client waits on keys until try
// succeeds, the timeout passes (0 = forever), or the session's context is
// done; blockOn then returns false and the caller writes the timeout
// reply. The shards of all the command's keys are locked on entry and on
// return (the dispatcher releases them).
//
// Waiters are served first come, first served: a push wakes the oldest
// waiter, which passes the turn on when it is done.
func (x *Exec) blockOn(keys []string, timeout time.Duration, try func() bool) bool {
	if try() {
		return true
	}
	if x.c.InExclusive() || x.sess == nil {
		return false // MULTI/EXEC and scripts never block: immediate timeout
	}
	var all []string
	for _, p := range x.cmd.KeyPositions(x.args) {
		all = append(all, x.arg(p))
	}
	w := keyspace.NewWaiter()
	for _, k := range keys {
		x.c.Block(w, x.db, k)
	}
	var timer <-chan time.Time
	if timeout > 0 {
		t := time.NewTimer(timeout)
		defer t.Stop()
		timer = t.C
	}
	done := x.sess.Ctx.Done()
	served := false
	for {
		x.c.Unlock()
		stop := false
		select {
		case <-w.Ready:
		case <-timer:
			stop = true
		case <-done:
			stop = true
		}
		x.c.SetNow(0) // a retried command takes a new time snapshot
		x.c.Lock(all...)
		if !stop {
			served = try()
		}
		if served || stop {
			break
		}
	}
	x.c.UnblockLocked(w)
	// pass the turn: the next waiter on these keys may now be servable
	for _, k := range keys {
		x.c.SignalReady(x.db, k)
	}
	return served
}

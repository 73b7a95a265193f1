package embedis

import (
	"math"
	"time"

	"github.com/embedis/embedis/internal/rconv"
	"github.com/embedis/embedis/keyspace"
)

// parseTimeout parses a blocking command's timeout in seconds (a double,
// as BLPOP, BZPOPMIN and BLMOVE take it) into a duration; 0 means forever.
//
// As Redis 7.4's getTimeoutFromObjectOrReply: the text must parse as a
// long double; seconds are converted to milliseconds rounding up; more
// than fits in int64 ms (inf included) is "out of range"; below zero is
// "negative".
func (x *Exec) parseTimeout(i int) (time.Duration, bool) {
	ld, ok := rconv.ParseLongDoubleString(x.arg(i))
	if !ok {
		x.errStr("ERR timeout is not a float or out of range")
		return 0, false
	}
	f, fok := rconv.ParseFloatString(x.arg(i))
	neg := ld.String() != "0" && len(ld.String()) > 0 && ld.String()[0] == '-'
	switch {
	case neg && (!fok || math.IsInf(f, -1) || math.Ceil(f*1000) < 0):
		x.errStr("ERR timeout is negative")
		return 0, false
	case !fok || ld.IsInf() || f*1000 > float64(maxInt64):
		x.errStr("ERR timeout is out of range")
		return 0, false
	}
	ms := math.Ceil(f * 1000)
	if ms <= 0 {
		return 0, true
	}
	if ms > float64(maxInt64/int64(time.Millisecond)) {
		ms = float64(maxInt64 / int64(time.Millisecond)) // later than anyone waits
	}
	return time.Duration(ms) * time.Millisecond, true
}

// parseTimeoutMS parses a timeout in milliseconds (XREAD BLOCK, WAIT,
// CLIENT PAUSE).
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
	if x.noBlock() {
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
	unblocked := x.sess.beginBlock()
	served := false
	for {
		x.c.Unlock()
		stop := !w.Wait(timer, done, unblocked)
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
	if x.endBlocked(served) {
		return true // the reply is written
	}
	return served
}

// endBlocked ends the session's blocked state after a wait. When CLIENT
// UNBLOCK ... ERROR ended a wait that served nothing, it writes
// -UNBLOCKED and reports true.
func (x *Exec) endBlocked(served bool) bool {
	if x.sess.endBlock() == unblockError && !served {
		x.err(errUnblocked)
		return true
	}
	return false
}

package lua

import (
	"context"
	"runtime/metrics"
	"sync"
	"time"
)

// hookEvery is how many Lua instructions run between two checks of the
// running script's time and memory, as Redis's count hook (100 000).
const hookEvery = 100000

// hookCtx is the context gopher-lua polls before every instruction. Its
// Done method is the instruction hook: every hookEvery calls it checks the
// run's elapsed time (busy-reply-threshold) and memory. Cancelling it
// (SCRIPT KILL, FUNCTION KILL, the memory bound, the FUNCTION LOAD
// timeout) makes the next instruction raise an error.
//
// It wraps a real cancelable context and returns that context's Done
// channel, so that gopher-lua's coroutines, which derive child contexts
// from it, need no extra goroutine.
type hookCtx struct {
	context.Context
	cancel context.CancelFunc
	done   <-chan struct{}
	n      int
	v      *vm
}

func newHookCtx(v *vm) *hookCtx {
	h := &hookCtx{v: v, n: hookEvery}
	h.renew()
	return h
}

// renew replaces a canceled context with a fresh one.
func (h *hookCtx) renew() {
	h.Context, h.cancel = context.WithCancel(context.Background())
	h.done = h.Context.Done()
}

// Done counts instructions and returns the cancellation channel.
func (h *hookCtx) Done() <-chan struct{} {
	h.n--
	if h.n <= 0 {
		h.n = hookEvery
		h.v.tick()
	}
	return h.done
}

// tick runs every hookEvery instructions of the running script.
func (v *vm) tick() {
	if r := v.run; r != nil {
		r.tick()
		return
	}
	if lc := v.load; lc != nil {
		if time.Since(lc.start) > lc.timeout {
			lc.timedOut = true
			v.ctx.cancel()
		}
	}
}

var (
	heapMu     sync.Mutex
	heapSample = []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
)

// heapLive returns the bytes of live heap found by the last garbage
// collection: the memory measure of the scripts' memory bound.
func heapLive() uint64 {
	heapMu.Lock()
	defer heapMu.Unlock()
	metrics.Read(heapSample)
	if heapSample[0].Value.Kind() != metrics.KindUint64 {
		return 0
	}
	return heapSample[0].Value.Uint64()
}

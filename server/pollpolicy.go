package server

import "time"

// defaultLoopPoll is Options.LoopPoll's default.
const defaultLoopPoll = 50 * time.Microsecond

// pollPolicy decides how long an event loop that has run out of ready
// connections polls for new events before it sleeps.
//
// A sleeping loop costs its clients: the write that carries the next
// request must wake the loop's thread, and on a virtual machine the
// virtual CPU it slept on, which halted. Under redis-benchmark at
// pipeline 1 (SET, GET and HSET, 200 K requests each, 50 clients) a loop
// that slept whenever it found nothing switched context 150–173 K times,
// and redis-benchmark, the bottleneck there, used 8.1–9.5 s of CPU; with
// polling, 19–31 K switches and 7.5–7.9 s, for about 6% more CPU in the
// server (bench/RESULTS.md, session 6). So the loop first polls, for up
// to the window, and sleeps only if nothing came.
//
// Polling is kept only while it pays: a poll that finds nothing turns it
// off, and it comes back on only after a sleep that ended within the
// window (a poll would have caught that event). A server with light or
// bursty traffic therefore polls at most once per quiet spell, and an
// idle one not at all. And polling may take at most 2.5 ms of each 10 ms
// accounting period (a period starts at the first poll after the last
// one ended, so two periods' polls can fall close together; a poll may
// also overrun its budget by one epoll_pwait): with few clients each
// request comes just later than the loop needs to answer the last,
// every poll succeeds, and an unbounded loop would spend a whole CPU
// waiting (one redis-benchmark client: 97% of a CPU with polling
// unbounded, against 52% for a loop that sleeps).
type pollPolicy struct {
	window time.Duration // 0: never poll
	on     bool
	period time.Time     // start of the current accounting period
	spent  time.Duration // time polled in it
}

const (
	pollPeriod = 10 * time.Millisecond
	pollShare  = pollPeriod / 4 // the most a loop polls per period
)

func newPollPolicy(opt time.Duration) pollPolicy {
	switch {
	case opt < 0:
		return pollPolicy{}
	case opt == 0:
		opt = defaultLoopPoll
	}
	return pollPolicy{window: opt, on: true}
}

// budget is how long to poll from now on (0: sleep at once).
func (p *pollPolicy) budget(now time.Time) time.Duration {
	if !p.on {
		return 0
	}
	if now.Sub(p.period) >= pollPeriod {
		p.period, p.spent = now, 0
	}
	return min(p.window, pollShare-p.spent)
}

// polled records a poll that lasted d and whether it found events.
func (p *pollPolicy) polled(found bool, d time.Duration) {
	p.on = found
	p.spent += d
}

// slept records how long a sleep lasted.
func (p *pollPolicy) slept(d time.Duration) { p.on = p.window > 0 && d < p.window }

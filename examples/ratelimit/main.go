// Command ratelimit runs the seed guide's sliding-window rate limiter (a
// Lua script over a sorted set per device) for thousands of simulated IoT
// devices, and prints the allowed and denied counts next to the exact
// numbers the limiter must produce.
//
// Run it with `go run ./examples/ratelimit`. Every device sends a burst of
// requests within one minute (some more than the limit of 100 a minute,
// some fewer), then, two minutes later, a second small burst that the
// sliding window must let through in full. Time is passed to the script,
// as in the seed, so the run is deterministic.
package main

import (
	"context"
	"fmt"
	"io"
	"log"
	"os"
	"sync"

	"github.com/embedis/embedis"
	"github.com/embedis/embedis/internal/seedscripts"
)

// rateLimitScript is RATE_LIMIT_SCRIPT from the seed guide, verbatim
// (kept once, in internal/seedscripts, for the tests and benchmarks too).
const rateLimitScript = seedscripts.RateLimit

const (
	windowSeconds = 60
	limit         = 100
	startMS       = 1_767_254_400_000 // 2026-01-01T08:00:00Z
	secondBurst   = 10
)

// Limiter is the seed's is_allowed over an embedis store.
type Limiter struct {
	Store  *embedis.Store
	script *embedis.Script
}

// Allowed reports whether device may send a request at nowMS.
func (l *Limiter) Allowed(ctx context.Context, device string, nowMS int64, uid string) (bool, error) {
	v, err := l.script.Run(ctx, l.Store, []string{"ratelimit:" + device},
		nowMS, windowSeconds*1000, limit, uid)
	if err != nil {
		return false, err
	}
	return v.Int == 1, nil
}

// burst is how many requests device i sends in its first minute: between
// 20 and 159, so about a third of the devices exceed the limit.
func burst(i int) int { return 20 + (i*37)%140 }

// Counts are the totals of a run.
type Counts struct {
	Requests, Allowed, Denied int
}

// expected computes what a correct sliding-window limiter must answer.
func expected(devices int) Counts {
	var c Counts
	for i := 0; i < devices; i++ {
		n := burst(i)
		c.Requests += n + secondBurst
		c.Allowed += min(n, limit) + secondBurst
		c.Denied += n - min(n, limit)
	}
	return c
}

func main() {
	if _, err := run(os.Stdout, 5000, 8); err != nil {
		log.Fatal(err)
	}
}

// run simulates devices devices with workers goroutines and prints the
// measured and expected counts.
func run(w io.Writer, devices, workers int) (Counts, error) {
	s, err := embedis.Open(nil)
	if err != nil {
		return Counts{}, err
	}
	defer s.Close()
	l := &Limiter{Store: s, script: embedis.NewScript(rateLimitScript)}
	ctx := context.Background()

	var mu sync.Mutex
	var got Counts
	var firstErr error
	jobs := make(chan int)
	var wg sync.WaitGroup
	for g := 0; g < workers; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var local Counts
			for i := range jobs {
				dev := fmt.Sprintf("device-%05d", i)
				n := burst(i)
				// The burst: one request every 250 ms (well inside the window),
				// then the second burst two minutes later.
				for j := 0; j < n+secondBurst; j++ {
					now := int64(startMS + j*250)
					if j >= n {
						now = startMS + 120_000 + int64(j)
					}
					ok, err := l.Allowed(ctx, dev, now, fmt.Sprintf("%s-%d", dev, j))
					if err != nil {
						mu.Lock()
						if firstErr == nil {
							firstErr = err
						}
						mu.Unlock()
						return
					}
					local.Requests++
					if ok {
						local.Allowed++
					} else {
						local.Denied++
					}
				}
			}
			mu.Lock()
			got.Requests += local.Requests
			got.Allowed += local.Allowed
			got.Denied += local.Denied
			mu.Unlock()
		}()
	}
	for i := 0; i < devices; i++ {
		jobs <- i
	}
	close(jobs)
	wg.Wait()
	if firstErr != nil {
		return got, firstErr
	}
	want := expected(devices)
	fmt.Fprintf(w, "%d devices, limit %d requests per %d s window\n", devices, limit, windowSeconds)
	fmt.Fprintf(w, "requests: %7d (expected %7d)\n", got.Requests, want.Requests)
	fmt.Fprintf(w, "allowed:  %7d (expected %7d)\n", got.Allowed, want.Allowed)
	fmt.Fprintf(w, "denied:   %7d (expected %7d)\n", got.Denied, want.Denied)
	if got == want {
		fmt.Fprintln(w, "every count matches")
	} else {
		fmt.Fprintln(w, "MISMATCH")
	}
	return got, nil
}

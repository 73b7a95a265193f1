// Command cacheaside shows the seed guide's cache-stampede lock: a Lua
// script that returns the cached value, or takes a 10-second lock so that
// exactly one caller recomputes an expired report while the others wait.
//
// Run it with `go run ./examples/cacheaside`. It shows two things:
//
//  1. 100 goroutines ask for the same expired report at once: the
//     expensive function runs exactly once and all 100 get the report.
//  2. The lock holder "crashes" mid-refresh (it never stores the report
//     nor releases the lock): callers keep waiting while the lock lives,
//     and once its 10 s expiry passes (on a controllable clock, so the
//     program does not sleep 10 s) the next caller recomputes.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"github.com/embedis/embedis"
	"github.com/embedis/embedis/internal/seedscripts"
)

// lockScript is LOCK_SCRIPT from the seed guide, verbatim (kept once, in
// internal/seedscripts, for the tests and benchmarks too).
const lockScript = seedscripts.StampedeLock

// Clock is a manual clock: the store reads it for expiry, and the
// example moves it forward instead of sleeping.
type Clock struct{ ms atomic.Int64 }

// Now returns the clock's time.
func (c *Clock) Now() time.Time { return time.UnixMilli(c.ms.Load()) }

// Advance moves the clock forward.
func (c *Clock) Advance(d time.Duration) { c.ms.Add(d.Milliseconds()) }

// Report is the expensive result being cached.
type Report struct {
	Day   string `json:"day"`
	Total int    `json:"total"`
}

// Cache is the seed's cache_aside function over an embedis store.
//
// The seed's script answers nil both to the caller whose SET NX took the
// lock and to callers that find the lock held while the value is still
// missing. To let exactly one caller compute, Get runs the script inside
// MULTI after an EXISTS of the lock: the transaction is atomic, so "the
// lock did not exist and the script answered nil" means "this caller took
// it".
type Cache struct {
	Store *embedis.Store
	// Attempts and Wait bound how long a caller waits for another
	// caller's refresh (the seed: 5 attempts, 50 ms apart).
	Attempts int
	Wait     time.Duration
	// TTL is the cached value's lifetime (the seed: 300 s).
	TTL time.Duration
}

// NewCache returns a Cache with the seed's settings.
func NewCache(s *embedis.Store) *Cache {
	return &Cache{Store: s, Attempts: 5, Wait: 50 * time.Millisecond, TTL: 300 * time.Second}
}

// errCrash simulates a lock holder that dies mid-refresh.
var errCrash = errors.New("crashed mid-refresh")

// Get returns the cached report for key, computing it with fn when it is
// missing and this caller took the lock. ok is false when the caller gave
// up waiting for another caller's refresh.
func (c *Cache) Get(ctx context.Context, key string, fn func() (Report, error)) (r Report, ok bool, err error) {
	lockKey := key + ":lock"
	sess := c.Store.NewSession()
	defer sess.Close()
	for attempt := 0; attempt < c.Attempts; attempt++ {
		if _, err := sess.Do(ctx, "MULTI"); err != nil {
			return r, false, err
		}
		sess.Do(ctx, "EXISTS", lockKey)
		sess.Do(ctx, "EVAL", lockScript, 2, key, lockKey)
		v, err := sess.Do(ctx, "EXEC")
		if err != nil {
			return r, false, err
		}
		lockExisted, cached := v.Elems[0].Int == 1, v.Elems[1]
		if err := cached.Err(); err != nil {
			return r, false, err
		}
		if !cached.IsNull() { // cache hit
			err = json.Unmarshal([]byte(cached.Str), &r)
			return r, err == nil, err
		}
		if !lockExisted { // this caller took the lock: only it reaches here
			r, err = fn()
			if err != nil {
				return r, false, err // the lock stays until it expires
			}
			b, _ := json.Marshal(r)
			if _, err := c.Store.Set(key, string(b), &embedis.SetArgs{TTL: c.TTL}); err != nil {
				return r, false, err
			}
			c.Store.Del(lockKey)
			return r, true, nil
		}
		time.Sleep(c.Wait) // brief wait while the lock is held
	}
	return r, false, nil
}

func main() {
	if err := run(os.Stdout); err != nil {
		log.Fatal(err)
	}
}

// Result is what run observed.
type Result struct {
	Computations int // how many times the expensive function ran in part 1
	Served       int // callers that got the report in part 1
	Waiting      int // callers that gave up while the crashed lock lived
	Recomputed   int // computations after the lock expired
}

func run(w io.Writer) error {
	if _, err := runResult(w); err != nil {
		return err
	}
	_, err := runWarehouse(w)
	return err
}

func runResult(w io.Writer) (Result, error) {
	var res Result
	clk := &Clock{}
	clk.ms.Store(time.Date(2026, 1, 1, 8, 0, 0, 0, time.UTC).UnixMilli())
	s, err := embedis.Open(&embedis.Options{Clock: clk})
	if err != nil {
		return res, err
	}
	defer s.Close()
	cache := NewCache(s)
	ctx := context.Background()
	const key = "report:2026-01-01"

	// Part 1: a stampede on an expired report.
	var computations atomic.Int32
	expensive := func() (Report, error) {
		computations.Add(1)
		time.Sleep(30 * time.Millisecond) // a slow query
		return Report{Day: "2026-01-01", Total: 4711}, nil
	}
	var wg sync.WaitGroup
	var served atomic.Int32
	cache.Attempts, cache.Wait = 100, 5*time.Millisecond
	for i := 0; i < 100; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r, ok, err := cache.Get(ctx, key, expensive)
			if err == nil && ok && r.Total == 4711 {
				served.Add(1)
			}
		}()
	}
	wg.Wait()
	res.Computations, res.Served = int(computations.Load()), int(served.Load())
	fmt.Fprintf(w, "stampede: 100 callers, expensive function ran %d time(s), %d callers got the report\n", res.Computations, res.Served)

	// Part 2: the report expires and the lock holder crashes mid-refresh.
	clk.Advance(cache.TTL + time.Second)
	crashing := func() (Report, error) { return Report{}, errCrash }
	_, _, err = cache.Get(ctx, key, crashing)
	fmt.Fprintf(w, "refresh: the lock holder failed: %v; lock TTL %v\n", err, ttl(s, key+":lock"))
	cache.Attempts, cache.Wait = 3, time.Millisecond
	var recomputed atomic.Int32
	again := func() (Report, error) {
		recomputed.Add(1)
		return Report{Day: "2026-01-01", Total: 4712}, nil
	}
	if _, ok, _ := cache.Get(ctx, key, again); !ok {
		res.Waiting++
	}
	clk.Advance(9 * time.Second)
	if _, ok, _ := cache.Get(ctx, key, again); !ok {
		res.Waiting++
	}
	fmt.Fprintf(w, "while the lock lives (0 s and 9 s later): %d callers waited and gave up, none recomputed (%d)\n", res.Waiting, recomputed.Load())
	clk.Advance(1001 * time.Millisecond)
	r, ok, err := cache.Get(ctx, key, again)
	if err != nil {
		return res, err
	}
	res.Recomputed = int(recomputed.Load())
	fmt.Fprintf(w, "after the lock's 10 s expiry: the next caller recomputed (%d time, ok=%v, total=%d)\n", res.Recomputed, ok, r.Total)
	return res, nil
}

func ttl(s *embedis.Store, key string) time.Duration {
	d, _ := s.TTL(key)
	return d
}

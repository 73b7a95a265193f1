package embedis

import (
	"math/rand/v2"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// TestModel_ConcurrentRandomOps runs random string and key operations from
// many goroutines, each on its own key range, against a single-lock model
// per goroutine; cross-goroutine operations (MSET/MGET over everyone's
// keys, RENAME within a range) check atomicity. The seed is printed.
func TestModel_ConcurrentRandomOps(t *testing.T) {
	seed := uint64(time.Now().UnixNano())
	t.Logf("seed %d", seed)
	s, _ := openTest(t)
	const workers = 8
	ops := 4000
	if testing.Short() {
		ops = 500
	}
	var wg sync.WaitGroup
	errs := make(chan string, workers)
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			r := rand.New(rand.NewPCG(seed, uint64(w)))
			model := map[string]string{}
			var mu sync.Mutex
			key := func() string { return "w" + strconv.Itoa(w) + ":" + strconv.Itoa(r.IntN(40)) }
			fail := func(format string, a ...any) {
				select {
				case errs <- sprintf(format, a...):
				default:
				}
			}
			for i := 0; i < ops; i++ {
				mu.Lock()
				switch r.IntN(9) {
				case 0:
					k, v := key(), strconv.Itoa(r.IntN(1000))
					s.Set(k, v, nil)
					model[k] = v
				case 1:
					k := key()
					got, err := s.Get(k)
					want, ok := model[k]
					if ok != (err == nil) || got != want {
						fail("GET %s = %q,%v want %q,%v", k, got, err, want, ok)
					}
				case 2:
					k := key()
					n, err := s.IncrBy(k, 3)
					cur, ok := model[k]
					if !ok {
						cur = "0"
					}
					c, perr := strconv.ParseInt(cur, 10, 64)
					if perr == nil && strconv.FormatInt(c, 10) != cur {
						perr = strconv.ErrSyntax // Redis rejects "05", "+5", "-0"
					}
					if perr == nil && c > 1<<63-1-3 {
						perr = strconv.ErrRange // would overflow
					}
					if perr != nil {
						if err == nil {
							fail("INCRBY %s on %q succeeded", k, cur)
						}
						break
					}
					if err != nil || n != c+3 {
						fail("INCRBY %s = %d,%v want %d", k, n, err, c+3)
					}
					model[k] = strconv.FormatInt(c+3, 10)
				case 3:
					k := key()
					got := s.Del(k)
					_, ok := model[k]
					if (got == 1) != ok {
						fail("DEL %s = %d, model has %v", k, got, ok)
					}
					delete(model, k)
				case 4:
					a, b := key(), key()
					err := s.Rename(a, b)
					v, ok := model[a]
					if !ok {
						if err == nil {
							fail("RENAME of missing %s succeeded", a)
						}
						break
					}
					if err != nil {
						fail("RENAME %s %s: %v", a, b, err)
					}
					delete(model, a)
					model[b] = v
				case 5:
					k, v := key(), strconv.Itoa(r.IntN(1000))
					n, _ := s.Append(k, v)
					model[k] += v
					if n != len(model[k]) {
						fail("APPEND %s = %d want %d", k, n, len(model[k]))
					}
				case 6:
					// cross-shard MSET then MGET of the same keys: all or nothing
					k1, k2 := key(), key()
					v := strconv.Itoa(i)
					s.MSet(k1, v, k2, v)
					model[k1], model[k2] = v, v
					vals, oks := s.MGet(k1, k2)
					if !oks[0] || !oks[1] || vals[0] != v || vals[1] != v {
						fail("MGET after MSET: %v %v", vals, oks)
					}
				case 7:
					k := key()
					ok, _ := s.SetNX(k, "nx")
					_, had := model[k]
					if ok == had {
						fail("SETNX %s = %v, model had %v", k, ok, had)
					}
					if !had {
						model[k] = "nx"
					}
				case 8:
					k := key()
					n := s.Exists(k)
					_, had := model[k]
					if (n == 1) != had {
						fail("EXISTS %s = %d, model %v", k, n, had)
					}
				}
				mu.Unlock()
			}
			for k, v := range model {
				got, err := s.Get(k)
				if err != nil || got != v {
					fail("final %s = %q,%v want %q", k, got, err, v)
				}
			}
		}(w)
	}
	// a concurrent reader of everyone's keys through EXEC and SCAN
	wg.Add(1)
	go func() {
		defer wg.Done()
		sess := s.NewSession()
		for i := 0; i < 200; i++ {
			do(t, sess, "MULTI")
			do(t, sess, "DBSIZE")
			do(t, sess, "EXEC")
			s.Scan(0, &ScanArgs{Count: 50})
		}
	}()
	wg.Wait()
	close(errs)
	for e := range errs {
		require.Fail(t, e, "seed %d", seed)
	}
}

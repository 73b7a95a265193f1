package embedis

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

type report struct {
	Rows  int
	Total float64
	Tags  []string
}

func TestCache_SetGetRoundTrip(t *testing.T) {
	s, clk := openTest(t)
	c := NewCache[report](s.DB, &CacheOptions{Prefix: "r:", TTL: time.Minute})
	_, err := c.Get("q1")
	assert.ErrorIs(t, err, Nil)
	require.NoError(t, c.Set("q1", report{Rows: 3, Total: 1.5, Tags: []string{"a"}}, 0))
	got, err := c.Get("q1")
	require.NoError(t, err)
	assert.Equal(t, report{Rows: 3, Total: 1.5, Tags: []string{"a"}}, got)
	ttl, err := s.TTL("r:q1")
	require.NoError(t, err)
	assert.Equal(t, time.Minute, ttl)
	clk.Advance(time.Minute + time.Millisecond)
	_, err = c.Get("q1")
	assert.ErrorIs(t, err, Nil)
}

func TestCache_JitterSpreadsTTL(t *testing.T) {
	s, _ := openTest(t)
	c := NewCache[int](s.DB, &CacheOptions{TTL: 100 * time.Second, Jitter: 0.2})
	seen := map[time.Duration]bool{}
	for i := 0; i < 50; i++ {
		k := "k" + itoa(int64(i))
		require.NoError(t, c.Set(k, i, 0))
		ttl, _ := s.TTL(k)
		assert.GreaterOrEqual(t, ttl, 80*time.Second)
		assert.LessOrEqual(t, ttl, 120*time.Second)
		seen[ttl] = true
	}
	assert.Greater(t, len(seen), 10, "TTLs are spread")
}

func TestCache_GetOrLoadLoadsOnce(t *testing.T) {
	s, _ := openTest(t)
	c := NewCache[report](s.DB, &CacheOptions{TTL: 5 * time.Minute})
	var loads atomic.Int32
	release := make(chan struct{})
	var wg sync.WaitGroup
	results := make([]report, 100)
	for i := range results {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			v, err := c.GetOrLoad(bg, "expensive", 0, func(context.Context) (report, error) {
				loads.Add(1)
				<-release
				return report{Rows: 42}, nil
			})
			assert.NoError(t, err)
			results[i] = v
		}(i)
	}
	time.Sleep(10 * time.Millisecond) // let callers pile up behind the first
	close(release)
	wg.Wait()
	assert.Equal(t, int32(1), loads.Load(), "exactly one load")
	for _, r := range results {
		assert.Equal(t, 42, r.Rows)
	}
	assert.Equal(t, 0, s.Exists("expensive:lock"), "the lock is released")
}

func TestCache_OtherClientHoldsLock(t *testing.T) {
	s, _ := openTest(t)
	c := NewCache[int](s.DB, &CacheOptions{PollInterval: time.Millisecond})
	// another client holds the lock and will publish the value
	s.Set("k:lock", "1", &SetArgs{NX: true, TTL: 10 * time.Second})
	go func() {
		time.Sleep(20 * time.Millisecond)
		c2 := NewCache[int](s.DB, nil)
		c2.Set("k", 7, 0)
		s.Del("k:lock")
	}()
	loaded := false
	v, err := c.GetOrLoad(bg, "k", 0, func(context.Context) (int, error) { loaded = true; return 1, nil })
	require.NoError(t, err)
	assert.Equal(t, 7, v)
	assert.False(t, loaded, "the other client's load was used")
}

func TestCache_LoadErrorStoresNothing(t *testing.T) {
	s, _ := openTest(t)
	c := NewCache[int](s.DB, nil)
	boom := errors.New("warehouse down")
	_, err := c.GetOrLoad(bg, "k", 0, func(context.Context) (int, error) { return 0, boom })
	assert.ErrorIs(t, err, boom)
	assert.Equal(t, 0, s.Exists("k", "k:lock"))
}

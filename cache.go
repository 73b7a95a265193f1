package embedis

import (
	"context"
	"errors"
	"math/rand/v2"
	"sync"
	"time"

	"github.com/vmihailenco/msgpack/v5"
)

// CacheOptions configure a Cache.
type CacheOptions struct {
	// Prefix is prepended to every key. Default: "".
	Prefix string
	// TTL is the default time to live of Set and GetOrLoad. Default: none.
	TTL time.Duration
	// Jitter spreads expiries to avoid stampedes: each TTL is multiplied
	// by a random factor in [1-Jitter, 1+Jitter]. Default: 0.
	Jitter float64
	// LockTTL is how long a loader's lock key lives, so that a crashed
	// loader cannot block others for longer. Default: 10s (the seed's
	// SET lock NX EX 10).
	LockTTL time.Duration
	// PollInterval is how often a caller waiting for another loader
	// checks for the value. Default: 50ms.
	PollInterval time.Duration
}

// Cache is a typed cache over one database of a Store: values are
// encoded with msgpack; GetOrLoad lets exactly one caller load a missing
// key while the others wait for its result — goroutines of this process
// through an in-process single flight, and other clients of the same
// store (for example other processes through the RESP server) through a
// lock key "<key>:lock" set with NX and an expiry, the protocol of the
// seed's cache-stampede script. A Cache is safe for concurrent use.
type Cache[T any] struct {
	db   *DB
	opts CacheOptions

	mu     sync.Mutex
	flight map[string]*flightCall[T]
}

type flightCall[T any] struct {
	done chan struct{}
	val  T
	err  error
}

// NewCache returns a Cache on db.
func NewCache[T any](db *DB, opts *CacheOptions) *Cache[T] {
	var o CacheOptions
	if opts != nil {
		o = *opts
	}
	if o.LockTTL <= 0 {
		o.LockTTL = 10 * time.Second
	}
	if o.PollInterval <= 0 {
		o.PollInterval = 50 * time.Millisecond
	}
	if o.Jitter < 0 {
		o.Jitter = 0
	}
	return &Cache[T]{db: db, opts: o, flight: map[string]*flightCall[T]{}}
}

func (c *Cache[T]) ttl(ttl time.Duration) time.Duration {
	if ttl == 0 {
		ttl = c.opts.TTL
	}
	if ttl > 0 && c.opts.Jitter > 0 {
		f := 1 + c.opts.Jitter*(2*rand.Float64()-1)
		ttl = time.Duration(float64(ttl) * f)
		if ttl < time.Millisecond {
			ttl = time.Millisecond
		}
	}
	return ttl
}

// Get returns the cached value of key, or Nil.
func (c *Cache[T]) Get(key string) (T, error) {
	var v T
	raw, err := c.db.Get(c.opts.Prefix + key)
	if err != nil {
		return v, err
	}
	err = msgpack.Unmarshal([]byte(raw), &v)
	return v, err
}

// Set stores v under key with ttl (0: the cache's default TTL).
func (c *Cache[T]) Set(key string, v T, ttl time.Duration) error {
	b, err := msgpack.Marshal(v)
	if err != nil {
		return err
	}
	_, err = c.db.Set(c.opts.Prefix+key, string(b), &SetArgs{TTL: c.ttl(ttl)})
	return err
}

// Delete removes key.
func (c *Cache[T]) Delete(key string) { c.db.Del(c.opts.Prefix + key) }

// GetOrLoad returns the cached value of key or, when it is missing, the
// result of load, which it stores with ttl (0: the default). Concurrent
// callers of a missing key trigger exactly one load; the others wait for
// it. A load error is returned to every waiter and nothing is stored.
func (c *Cache[T]) GetOrLoad(ctx context.Context, key string, ttl time.Duration, load func(context.Context) (T, error)) (T, error) {
	if v, err := c.Get(key); err == nil || !errors.Is(err, Nil) {
		return v, err
	}
	c.mu.Lock()
	if f, ok := c.flight[key]; ok {
		c.mu.Unlock()
		select {
		case <-f.done:
			return f.val, f.err
		case <-ctx.Done():
			var zero T
			return zero, ctx.Err()
		}
	}
	f := &flightCall[T]{done: make(chan struct{})}
	c.flight[key] = f
	c.mu.Unlock()

	f.val, f.err = c.loadShared(ctx, key, ttl, load)
	c.mu.Lock()
	delete(c.flight, key)
	c.mu.Unlock()
	close(f.done)
	return f.val, f.err
}

// loadShared coordinates with other clients of the store through the
// lock key: GET, else SET lock NX EX; the holder loads, the others poll
// until the value appears or the lock expires.
func (c *Cache[T]) loadShared(ctx context.Context, key string, ttl time.Duration, load func(context.Context) (T, error)) (T, error) {
	full := c.opts.Prefix + key
	lock := full + ":lock"
	for {
		if v, err := c.Get(key); err == nil || !errors.Is(err, Nil) {
			return v, err
		}
		got, err := c.db.Set(lock, "1", &SetArgs{NX: true, TTL: c.opts.LockTTL})
		if err != nil {
			var zero T
			return zero, err
		}
		if got {
			v, err := load(ctx)
			if err == nil {
				err = c.Set(key, v, ttl)
			}
			c.db.Del(lock)
			return v, err
		}
		t := time.NewTimer(c.opts.PollInterval)
		select {
		case <-t.C:
		case <-ctx.Done():
			t.Stop()
			var zero T
			return zero, ctx.Err()
		}
	}
}

package embedistest_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/embedis/embedis"
	"github.com/embedis/embedis/embedistest"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func TestRun_GoRedisOverTCPAndMemory(t *testing.T) {
	srv := embedistest.Run(t)
	ctx := context.Background()
	for _, opts := range []*redis.Options{{Addr: srv.Addr()}, {Dialer: srv.DialContext}} {
		rdb := redis.NewClient(opts)
		require.NoError(t, rdb.Set(ctx, "k", "v", 0).Err())
		assert.Equal(t, "v", rdb.Get(ctx, "k").Val())
		require.NoError(t, rdb.Close())
	}
	// The test sees the same data through the typed API.
	v, err := srv.Store().Get("k")
	require.NoError(t, err)
	assert.Equal(t, "v", v)
}

func TestServer_FastForwardExpiresKeys(t *testing.T) {
	srv := embedistest.Run(t)
	ctx := context.Background()
	rdb := redis.NewClient(&redis.Options{Dialer: srv.DialContext})
	defer rdb.Close()
	for i := 0; i < 1000; i++ {
		require.NoError(t, rdb.Set(ctx, fmt.Sprint("k", i), "v", time.Hour).Err())
	}
	require.NoError(t, rdb.Set(ctx, "forever", "v", 0).Err())
	srv.FastForward(59 * time.Minute)
	assert.Equal(t, "v", rdb.Get(ctx, "k1").Val())
	ttl := rdb.TTL(ctx, "k1").Val()
	assert.InDelta(t, time.Minute.Seconds(), ttl.Seconds(), 2)
	srv.FastForward(2 * time.Minute)
	assert.ErrorIs(t, rdb.Get(ctx, "k1").Err(), redis.Nil)
	assert.Equal(t, []string{"forever"}, rdb.Keys(ctx, "*").Val())
	srv.Store().ActiveExpire()
	assert.Equal(t, int64(1), rdb.DBSize(ctx).Val())
}

func TestClock_SetTimeAndFreeze(t *testing.T) {
	srv := embedistest.Run(t)
	ctx := context.Background()
	rdb := redis.NewClient(&redis.Options{Addr: srv.Addr()})
	defer rdb.Close()
	at := time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)
	srv.Clock().Freeze()
	srv.SetTime(at)
	now, err := rdb.Time(ctx).Result()
	require.NoError(t, err)
	assert.Equal(t, at, now.UTC())
	require.NoError(t, rdb.Set(ctx, "k", "v", 10*time.Second).Err())
	assert.Equal(t, 10*time.Second, rdb.TTL(ctx, "k").Val(), "a frozen clock does not move")
	srv.FastForward(10 * time.Second)
	assert.Equal(t, "v", rdb.Get(ctx, "k").Val(), "expired only when now > expiry")
	srv.FastForward(time.Millisecond)
	assert.ErrorIs(t, rdb.Get(ctx, "k").Err(), redis.Nil)
	srv.Clock().Unfreeze()
	assert.WithinDuration(t, at.Add(10*time.Second), srv.Clock().Now(), time.Minute)
}

func TestRun_Options(t *testing.T) {
	srv := embedistest.Run(t,
		embedistest.WithPassword("pw"),
		embedistest.WithOptions(embedis.Options{Databases: 2}),
		embedistest.WithConfig("notify-keyspace-events", "KEA"))
	ctx := context.Background()
	rdb := redis.NewClient(&redis.Options{Addr: srv.Addr(), Password: "pw"})
	defer rdb.Close()
	assert.Equal(t, map[string]string{"databases": "2"}, rdb.ConfigGet(ctx, "databases").Val())
	assert.Equal(t, map[string]string{"notify-keyspace-events": "AKE"}, rdb.ConfigGet(ctx, "notify-keyspace-events").Val())
	noauth := redis.NewClient(&redis.Options{Addr: srv.Addr(), MaxRetries: -1})
	defer noauth.Close()
	var rerr redis.Error
	require.True(t, errors.As(noauth.Ping(ctx).Err(), &rerr))
	assert.Contains(t, rerr.Error(), "NOAUTH")
}

// ExampleRun shows a test replacing Redis with embedistest.
func ExampleRun() {
	t := &testing.T{} // in a real test, the test's own *testing.T
	srv := embedistest.Run(t)
	// A real test needs neither line: t.Cleanup stops both.
	defer srv.Store().Close()
	defer srv.Server().Close()
	ctx := context.Background()
	rdb := redis.NewClient(&redis.Options{Dialer: srv.DialContext})
	defer rdb.Close()
	rdb.Set(ctx, "session", "abc", time.Hour)
	srv.FastForward(2 * time.Hour)
	_, err := rdb.Get(ctx, "session").Result()
	fmt.Println(err == redis.Nil)
	// Output: true
}

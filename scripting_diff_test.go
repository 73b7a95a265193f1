package embedis_test

import (
	"context"
	"net"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/embedis/embedis"
	"github.com/embedis/embedis/internal/difftest"
	"github.com/embedis/embedis/internal/seedscripts"
	"github.com/embedis/embedis/server"
)

// TestScripting_Golden runs scripting.golden against embedis (through the
// RESP server) and a real redis-server (skipped when none is installed).
func TestScripting_Golden(t *testing.T) {
	redis := difftest.StartRedis(t)
	difftest.RunFile(t, "internal/difftest/testdata/scripting.golden", streamTarget(t), redis)
}

// The seed guide's scripts, verbatim.
const (
	seedLock      = seedscripts.StampedeLock
	seedRateLimit = seedscripts.RateLimit
)

func scriptServer(t *testing.T) *server.Server {
	t.Helper()
	store, err := embedis.Open(nil)
	require.NoError(t, err)
	srv, err := server.New(store, nil)
	require.NoError(t, err)
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_ = srv.Shutdown(ctx)
		store.Close()
	})
	return srv
}

// TestScript_SeedScripts_GoRedis runs the seed's scripts with go-redis's
// redis.NewScript(...).Run (EVALSHA, then EVAL on NOSCRIPT) over the
// server's in-memory connection.
func TestScript_SeedScripts_GoRedis(t *testing.T) {
	srv := scriptServer(t)
	rdb := redis.NewClient(&redis.Options{Dialer: func(ctx context.Context, _, _ string) (net.Conn, error) { return srv.Dial() }})
	defer rdb.Close()
	ctx := context.Background()

	lock := redis.NewScript(seedLock)
	v, err := lock.Run(ctx, rdb, []string{"q", "q:lock"}).Result()
	assert.ErrorIs(t, err, redis.Nil, "the lock holder gets nil")
	assert.Nil(t, v)
	require.NoError(t, rdb.Set(ctx, "q", "cached", 0).Err())
	v, err = lock.Run(ctx, rdb, []string{"q", "q:lock"}).Result()
	require.NoError(t, err)
	assert.Equal(t, "cached", v)

	rl := redis.NewScript(seedRateLimit)
	allowed := 0
	for i := 0; i < 5; i++ {
		n, err := rl.Run(ctx, rdb, []string{"ratelimit:d"}, 1700000000000+i, 60000, 3, "u").Int()
		require.NoError(t, err)
		allowed += n
	}
	assert.Equal(t, 3, allowed)
	exists, err := rdb.ScriptExists(ctx, rl.Hash()).Result()
	require.NoError(t, err)
	assert.Equal(t, []bool{true}, exists)
}

// TestScript_SeedScripts_RedisCLI runs the seed's rate limiter through
// redis-cli against embedis over TCP (skipped without redis-cli).
func TestScript_SeedScripts_RedisCLI(t *testing.T) {
	cli, err := exec.LookPath("redis-cli")
	if err != nil {
		t.Skip("redis-cli not installed")
	}
	srv := scriptServer(t)
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	go srv.Serve(l)
	port := l.Addr().(*net.TCPAddr).Port
	run := func(args ...string) string {
		out, err := exec.Command(cli, append([]string{"-p", itoa(port)}, args...)...).CombinedOutput()
		require.NoError(t, err, string(out))
		return strings.TrimSpace(string(out))
	}
	for i, want := range []string{"1", "1", "0"} {
		assert.Equal(t, want, run("EVAL", seedRateLimit, "1", "ratelimit:cli", itoa(1700000000000+i), "60000", "2", "u"))
	}
	sha := run("SCRIPT", "LOAD", seedLock)
	assert.Equal(t, embedis.NewScript(seedLock).Hash(), sha)
	assert.Equal(t, "", run("EVALSHA", sha, "2", "k", "k:lock"))
	assert.Equal(t, "1", run("EXISTS", "k:lock"))
}

func itoa(n int) string { return strconv.Itoa(n) }

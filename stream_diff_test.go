package embedis_test

import (
	"context"
	"net"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/embedis/embedis"
	"github.com/embedis/embedis/internal/difftest"
	"github.com/embedis/embedis/server"
)

// streamTarget serves a fresh store through the RESP server over
// in-memory connections, as the differential harness's subject.
func streamTarget(t *testing.T) difftest.Target {
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
	return difftest.NewTarget("embedis", func() (net.Conn, error) { return srv.Dial() })
}

// TestStream_Golden runs stream.golden against embedis and a real
// redis-server (skipped when none is installed).
func TestStream_Golden(t *testing.T) {
	redis := difftest.StartRedis(t)
	difftest.RunFile(t, "internal/difftest/testdata/stream.golden", streamTarget(t), redis)
}

// TestStream_Random runs random stream command sequences (printed seed)
// against embedis and a real redis-server.
func TestStream_Random(t *testing.T) {
	redis := difftest.StartRedis(t)
	n := 3000
	if testing.Short() {
		n = 500
	}
	difftest.RunRandom(t, difftest.Seed(t), n, difftest.StreamCommands(), streamTarget(t), redis)
}

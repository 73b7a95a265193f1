package server

import (
	"context"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/embedis/embedis"
	"github.com/embedis/embedis/internal/difftest"
)

// testServer is a server on a TCP port of 127.0.0.1 for one test.
type testServer struct {
	*Server
	store *embedis.Store
	addr  string
}

// startServer starts a store and a server for the test; both are stopped
// in t.Cleanup. config pairs are loaded into the store first (as
// redis.conf lines would be).
func startServer(t testing.TB, opts *Options, config ...string) *testServer {
	t.Helper()
	store, err := embedis.Open(nil)
	require.NoError(t, err)
	if len(config) > 0 {
		require.NoError(t, store.LoadConfig(config...))
	}
	srv, err := New(store, opts)
	require.NoError(t, err)
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	done := make(chan error, 1)
	go func() { done <- srv.Serve(l) }()
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		require.NoError(t, srv.Shutdown(ctx))
		require.ErrorIs(t, <-done, ErrServerClosed)
		store.Close()
	})
	return &testServer{Server: srv, store: store, addr: l.Addr().String()}
}

// target returns the server as a difftest target over TCP.
func (ts *testServer) target() difftest.Target { return difftest.Addr(ts.addr) }

// memTarget returns the server as a difftest target over in-memory
// connections.
func (ts *testServer) memTarget() difftest.Target {
	return difftest.NewTarget("embedis in-memory", func() (net.Conn, error) { return ts.Dial() })
}

// raw dials the server and returns a raw RESP connection closed in
// t.Cleanup.
func (ts *testServer) raw(t testing.TB) *difftest.Conn {
	t.Helper()
	return difftest.Connect(t, ts.target())
}

// do sends a command on c and returns the raw reply as a string.
func do(t testing.TB, c *difftest.Conn, args ...string) string {
	t.Helper()
	raw, err := c.Do(args...)
	require.NoError(t, err, "%v", args)
	return string(raw)
}

// read reads one more reply frame from c.
func read(t testing.TB, c *difftest.Conn) string {
	t.Helper()
	raw, err := c.ReadFrame()
	require.NoError(t, err)
	return string(raw)
}

// inline splits a command written like a golden-file line.
func inline(s string) []string { return strings.Fields(s) }

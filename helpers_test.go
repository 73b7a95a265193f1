package embedis

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/embedis/embedis/resp"
)

// testClock is a controllable clock for tests.
type testClock struct{ ms atomic.Int64 }

func (c *testClock) Now() time.Time          { return time.UnixMilli(c.ms.Load()) }
func (c *testClock) Advance(d time.Duration) { c.ms.Add(d.Milliseconds()) }
func (c *testClock) NowMS() int64            { return c.ms.Load() }
func newTestClock() *testClock               { c := &testClock{}; c.ms.Store(1_700_000_000_000); return c }
func openTest(t testing.TB) (*Store, *testClock) {
	clk := newTestClock()
	s, err := Open(&Options{Clock: clk})
	require.NoError(t, err)
	t.Cleanup(func() { s.Close() })
	return s, clk
}

// do runs a command through the command table and renders the reply in
// RESP2, the form redis-cli users know, for compact assertions.
func do(t testing.TB, sess *Session, args ...string) string {
	t.Helper()
	b := make([][]byte, len(args))
	for i, a := range args {
		b[i] = []byte(a)
	}
	w := resp.NewWriter(sess.Proto())
	sess.Exec(b, w)
	return string(w.Bytes())
}

// doErr runs a typed call's error through errors.Is against want.
func isErr(err, want error) bool { return errors.Is(err, want) }

var bg = context.Background()

func itoa(n int64) string        { return strconvItoa(n) }
func strconvItoa(n int64) string { return strconv.FormatInt(n, 10) }

func sprintf(format string, a ...any) string { return fmt.Sprintf(format, a...) }

func bufioReader(b []byte) *bufio.Reader { return bufio.NewReader(bytes.NewReader(b)) }

package server

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/embedis/embedis/internal/difftest"
)

// TestDiff_ClientUnblock blocks one client in each blocking command and
// ends its wait from a second client with CLIENT UNBLOCK (TIMEOUT and
// ERROR), on embedis and on a real redis-server, comparing the raw bytes
// of every reply. While the client waits, CLIENT LIST shows flag b and
// INFO counts it in blocked_clients.
func TestDiff_ClientUnblock(t *testing.T) {
	e, r := startPair(t)
	blocking := [][]string{
		{"BLPOP", "ub:l", "0"},
		{"BRPOP", "ub:l", "ub:l2", "0"},
		{"BLMOVE", "ub:l", "ub:d", "LEFT", "RIGHT", "0"},
		{"BRPOPLPUSH", "ub:l", "ub:d", "0"},
		{"BLMPOP", "0", "1", "ub:l", "LEFT"},
		{"BZPOPMIN", "ub:z", "0"},
		{"BZMPOP", "0", "1", "ub:z", "MAX"},
		{"XREAD", "BLOCK", "0", "STREAMS", "ub:s", "$"},
		{"XREADGROUP", "GROUP", "g", "c", "BLOCK", "0", "STREAMS", "ub:gs", ">"},
	}
	run := func(target difftest.Target) []string {
		var out []string
		ctl := difftest.Connect(t, target)
		ctl.SetTimeout(5 * time.Second)
		mustDo := func(args ...string) string {
			b, err := ctl.Do(args...)
			require.NoError(t, err)
			return string(b)
		}
		mustDo("FLUSHALL")
		mustDo("XGROUP", "CREATE", "ub:gs", "g", "$", "MKSTREAM")
		// bad arguments first
		out = append(out, mustDo("CLIENT", "UNBLOCK", "x", "sometimes"))
		out = append(out, mustDo("CLIENT", "UNBLOCK", "x"))
		out = append(out, mustDo("CLIENT", "UNBLOCK", "1", "error", "extra"))
		out = append(out, mustDo("CLIENT", "UNBLOCK", "999999"))
		for _, cmd := range blocking {
			for _, reason := range []string{"", "TIMEOUT", "ERROR"} {
				c := difftest.Connect(t, target)
				c.SetTimeout(5 * time.Second)
				idReply, err := c.Do("CLIENT", "ID")
				require.NoError(t, err)
				id := strings.TrimSpace(strings.TrimPrefix(string(idReply), ":"))
				// not blocked yet: nothing to unblock
				out = append(out, mustDo("CLIENT", "UNBLOCK", id))
				require.NoError(t, c.SendRaw(difftest.EncodeCommand(cmd...)))
				waitBlocked(t, ctl, id)
				info := mustDo("INFO", "clients")
				require.Contains(t, info, "blocked_clients:1\r\n", "%s on %s", cmd[0], target.Name())
				args := []string{"CLIENT", "UNBLOCK", id}
				if reason != "" {
					args = append(args, reason)
				}
				out = append(out, cmd[0]+" "+reason+" unblock -> "+mustDo(args...))
				reply, err := c.ReadFrame()
				require.NoError(t, err)
				out = append(out, cmd[0]+" "+reason+" reply -> "+string(reply))
				// the client works normally afterwards
				pong, err := c.Do("PING")
				require.NoError(t, err)
				out = append(out, string(pong))
				info = mustDo("INFO", "clients")
				require.Contains(t, info, "blocked_clients:0\r\n")
				c.Close()
			}
		}
		return out
	}
	want := run(r)
	got := run(e.target())
	require.Equal(t, want, got)
}

// waitBlocked waits until CLIENT LIST shows client id with flag b.
func waitBlocked(t *testing.T, ctl *difftest.Conn, id string) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		b, err := ctl.Do("CLIENT", "LIST", "ID", id)
		require.NoError(t, err)
		for _, f := range strings.Fields(string(b)) {
			if strings.HasPrefix(f, "flags=") && strings.Contains(f, "b") {
				return
			}
		}
		time.Sleep(2 * time.Millisecond)
	}
	n, _ := strconv.Atoi(id)
	t.Fatalf("client %d never showed as blocked", n)
}

package server

import (
	"bytes"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/embedis/embedis/internal/difftest"
)

// blockServeWaiters block, in this order, before blockServePipeline runs.
var blockServeWaiters = [][]string{
	{"BLPOP", "bs:q", "0"},
	{"BLPOP", "bs:q", "0"},
	{"BRPOP", "bs:q", "0"},
	{"BLMOVE", "bs:q", "bs:q2", "LEFT", "RIGHT", "0"},
	{"BLPOP", "bs:q2", "0"},
	{"BZPOPMIN", "bs:z", "0"},
	{"BZPOPMAX", "bs:z", "0"},
	{"XREAD", "BLOCK", "0", "STREAMS", "bs:s", "$"},
	{"XREADGROUP", "GROUP", "g", "c1", "COUNT", "1", "BLOCK", "0", "STREAMS", "bs:gs", ">"},
	{"XREADGROUP", "GROUP", "g", "c2", "COUNT", "1", "BLOCK", "0", "STREAMS", "bs:gs", ">"},
}

// blockServePipeline gives data to the waiters' keys and looks at them.
var blockServePipeline = [][]string{
	{"RPUSH", "bs:q", "a"},
	{"LLEN", "bs:q"},
	{"LRANGE", "bs:q2", "0", "-1"},
	{"RPUSH", "bs:q", "b", "c", "d", "e"},
	{"LRANGE", "bs:q", "0", "-1"},
	{"LLEN", "bs:q2"},
	{"ZADD", "bs:z", "1", "a", "2", "b", "3", "c"},
	{"ZRANGE", "bs:z", "0", "-1"},
	{"XADD", "bs:s", "1-1", "f", "v"},
	{"XLEN", "bs:s"},
	{"XADD", "bs:gs", "1-1", "f", "1"},
	{"XADD", "bs:gs", "1-2", "f", "2"},
	{"XADD", "bs:gs", "1-3", "f", "3"},
	{"XPENDING", "bs:gs", "g"},
	{"XREADGROUP", "GROUP", "g", "c3", "STREAMS", "bs:gs", ">"},
}

// runBlockServe blocks blockServeWaiters on target, sends
// blockServePipeline (all at once when pipelined, else one command per
// round trip) and returns every reply.
func runBlockServe(t *testing.T, target difftest.Target, pipelined bool) []string {
	ctl := difftest.Connect(t, target)
	ctl.SetTimeout(5 * time.Second)
	_, err := ctl.Do("FLUSHALL")
	require.NoError(t, err)
	_, err = ctl.Do("XGROUP", "CREATE", "bs:gs", "g", "$", "MKSTREAM")
	require.NoError(t, err)
	clients := make([]*difftest.Conn, len(blockServeWaiters))
	for i, cmd := range blockServeWaiters {
		c := difftest.Connect(t, target)
		c.SetTimeout(5 * time.Second)
		idReply, err := c.Do("CLIENT", "ID")
		require.NoError(t, err)
		require.NoError(t, c.SendRaw(difftest.EncodeCommand(cmd...)))
		// wait until it is blocked, so that the order of arrival is fixed
		waitBlocked(t, ctl, strings.TrimSpace(strings.TrimPrefix(string(idReply), ":")))
		clients[i] = c
	}
	var out []string
	if pipelined {
		var raw bytes.Buffer
		for _, cmd := range blockServePipeline {
			raw.Write(difftest.EncodeCommand(cmd...))
		}
		require.NoError(t, ctl.SendRaw(raw.Bytes()))
		for _, cmd := range blockServePipeline {
			reply, err := ctl.ReadFrame()
			require.NoError(t, err)
			out = append(out, strings.Join(cmd, " ")+" -> "+string(reply))
		}
	} else {
		for _, cmd := range blockServePipeline {
			reply, err := ctl.Do(cmd...)
			require.NoError(t, err)
			out = append(out, strings.Join(cmd, " ")+" -> "+string(reply))
		}
	}
	for i, c := range clients {
		reply, err := c.ReadFrame()
		require.NoError(t, err, "waiter %d %v on %s; so far %q", i, blockServeWaiters[i], target.Name(), out)
		out = append(out, "waiter "+strconv.Itoa(i)+" "+blockServeWaiters[i][0]+" -> "+string(reply))
		c.Close()
	}
	return out
}

// TestDiff_BlockedServedAtOnce: clients blocked on a key are served right
// after the command that gave the key data, before the next command runs
// (a pipelined one included): what the pushing client sees next is what
// the blocked clients left, on embedis as on redis-server.
func TestDiff_BlockedServedAtOnce(t *testing.T) {
	e, r := startPair(t)
	for round := 0; round < 4; round++ {
		pipelined := round%2 == 0
		want := runBlockServe(t, r, pipelined)
		got := runBlockServe(t, e.target(), pipelined)
		require.Equal(t, want, got, "round %d, pipelined %v", round, pipelined)
	}
}

//go:build linux

package server

import (
	"os"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/embedis/embedis/internal/difftest"
)

// openFDs counts the process's open descriptors.
func openFDs(t *testing.T) int {
	t.Helper()
	ents, err := os.ReadDir("/proc/self/fd")
	require.NoError(t, err)
	return len(ents)
}

// Sockets served by the event loop are detached from Go's poller; a
// connection that has to wait moves to a goroutine with the same socket,
// keeps its session, and every descriptor is closed when clients leave,
// whichever mode they ended in.
func TestLoop_DetachedSockets(t *testing.T) {
	ts := startServer(t, nil)
	// The first connection starts the event loop (an epoll descriptor and
	// a pipe), which stays: count from there.
	warm := ts.raw(t)
	do(t, warm, "PING")
	warm.Close()
	require.Eventually(t, func() bool { return ts.NumConns() == 0 }, 10*time.Second, time.Millisecond)
	base := openFDs(t)

	const n = 12
	conns := make([]*difftest.Conn, n)
	for i := range conns {
		conns[i] = difftest.Connect(t, ts.target())
		key := "k" + strconv.Itoa(i)
		assert.Equal(t, "+OK\r\n", do(t, conns[i], "SET", key, "v"+strconv.Itoa(i)))
		assert.Equal(t, "+OK\r\n", do(t, conns[i], "SELECT", "3"))
	}
	// Values larger than one raw read or write (rawIOMax) cross intact.
	big := strings.Repeat("0123456789abcdef", 3<<14) // 768 KiB
	assert.Equal(t, "+OK\r\n", do(t, conns[1], "SET", "big", big))
	assert.Equal(t, "$"+strconv.Itoa(len(big))+"\r\n"+big+"\r\n", do(t, conns[3], "GET", "big"))
	do(t, conns[1], "DEL", "big")
	// Every other client blocks: it leaves the loop with the BLPOP it sent.
	got := make(chan string, n)
	for i := 0; i < n; i += 2 {
		go func(c *difftest.Conn) {
			raw, err := c.Do("BLPOP", "q", "0")
			if err != nil {
				got <- err.Error()
				return
			}
			got <- string(raw)
		}(conns[i])
	}
	p := ts.raw(t)
	want := "blocked_clients:" + strconv.Itoa(n/2) + "\r\n"
	require.Eventually(t, func() bool {
		return strings.Contains(do(t, p, "INFO", "clients"), want)
	}, 10*time.Second, time.Millisecond)
	do(t, p, "SELECT", "3")
	for i := 0; i < n/2; i++ {
		do(t, p, "RPUSH", "q", "x")
	}
	for i := 0; i < n/2; i++ {
		assert.Equal(t, "*2\r\n$1\r\nq\r\n$1\r\nx\r\n", <-got)
	}
	// Both kinds keep their session (database 3) and their data.
	for i, c := range conns {
		assert.Equal(t, ":0\r\n", do(t, c, "EXISTS", "k"+strconv.Itoa(i)), "client %d", i)
		assert.Equal(t, "+OK\r\n", do(t, c, "SELECT", "0"))
		assert.Equal(t, "$"+strconv.Itoa(len("v"+strconv.Itoa(i)))+"\r\nv"+strconv.Itoa(i)+"\r\n",
			do(t, c, "GET", "k"+strconv.Itoa(i)))
	}
	// CLIENT KILL reaches a client in either mode.
	id0 := do(t, conns[0], "CLIENT", "ID") // moved to a goroutine
	id1 := do(t, conns[1], "CLIENT", "ID") // still in the loop
	for _, id := range []string{id0, id1} {
		assert.Equal(t, ":1\r\n", do(t, p, "CLIENT", "KILL", "ID", id[1:len(id)-2]))
	}
	waitClosed(t, conns[0])
	waitClosed(t, conns[1])
	for _, c := range conns {
		c.Close()
	}
	p.Close()
	require.Eventually(t, func() bool { return ts.NumConns() == 0 }, 10*time.Second, time.Millisecond)
	// The server's descriptors are all closed (the clients' ends were
	// opened after base was taken and are closed too).
	assert.Eventually(t, func() bool { return openFDs(t) <= base }, 10*time.Second, time.Millisecond,
		"descriptors: %d open, %d before the clients", openFDs(t), base)
}

// A loop whose epoll descriptor stops working ends cleanly: its clients
// move to goroutines of their own with their sessions, it leaves the
// server's list (a new client gets a new loop), it takes no more tasks
// (its wake pipe is closed, and its number may be another file's), and
// no descriptor is left open when the clients leave.
func TestLoop_EpollFailure(t *testing.T) {
	ts := startServer(t, nil)
	a := ts.raw(t)
	assert.Equal(t, "+OK\r\n", do(t, a, "SELECT", "2"))
	assert.Equal(t, "+OK\r\n", do(t, a, "SET", "k", "v"))
	ts.loops.mu.Lock()
	require.Len(t, ts.loops.list, 1)
	l := ts.loops.list[0]
	ts.loops.mu.Unlock()
	base := openFDs(t)

	// Put a file that is not an epoll instance at the loop's descriptor
	// number, and wake the loop: its next epoll_wait fails (EINVAL).
	null, err := os.Open(os.DevNull)
	require.NoError(t, err)
	require.NoError(t, syscall.Dup3(int(null.Fd()), l.epfd, syscall.O_CLOEXEC))
	null.Close()
	require.True(t, l.post(func() {}))
	select {
	case <-l.done:
	case <-time.After(10 * time.Second):
		t.Fatal("the loop did not end")
	}
	assert.False(t, l.post(func() { t.Error("a task ran on an ended loop") }))
	ts.loops.mu.Lock()
	assert.NotContains(t, ts.loops.list, l)
	ts.loops.mu.Unlock()

	// The client kept its session and is served in its goroutine.
	assert.Equal(t, "$1\r\nv\r\n", do(t, a, "GET", "k"))
	// A new client is served (by a new loop).
	b := ts.raw(t)
	assert.Equal(t, "+PONG\r\n", do(t, b, "PING"))
	ts.loops.mu.Lock()
	require.Len(t, ts.loops.list, 1)
	assert.NotSame(t, l, ts.loops.list[0])
	ts.loops.mu.Unlock()

	a.Close()
	b.Close()
	require.Eventually(t, func() bool { return ts.NumConns() == 0 }, 10*time.Second, time.Millisecond)
	// The old loop's three descriptors (the stand-in at its epoll number
	// and its pipe) are closed; the new loop opened three of its own.
	require.Eventually(t, func() bool { return openFDs(t) <= base }, 10*time.Second, time.Millisecond)
}

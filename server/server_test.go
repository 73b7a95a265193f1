package server

import (
	"bufio"
	"context"
	"errors"
	"net"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/embedis/embedis"
	"github.com/embedis/embedis/internal/difftest"
)

// waitClosed reads from c until the server hangs up, failing the test if
// it does not within a generous bound.
func waitClosed(t *testing.T, c *difftest.Conn) {
	t.Helper()
	c.SetTimeout(10 * time.Second)
	for {
		_, err := c.ReadFrame()
		if err != nil {
			require.ErrorIs(t, err, difftest.ErrClosed, "the server should hang up")
			return
		}
	}
}

func TestServer_PipelinedBatch(t *testing.T) {
	ts := startServer(t, nil)
	c := ts.raw(t)
	var b []byte
	for i := 0; i < 1000; i++ {
		b = append(b, difftest.EncodeCommand("INCR", "n")...)
	}
	b = append(b, "GET n\r\n"...) // an inline command at the end
	require.NoError(t, c.SendRaw(b))
	for i := 1; i <= 1000; i++ {
		require.Equal(t, ":"+strconv.Itoa(i)+"\r\n", read(t, c))
	}
	assert.Equal(t, "$4\r\n1000\r\n", read(t, c))
}

func TestServer_ProtocolErrorClosesConnection(t *testing.T) {
	ts := startServer(t, nil)
	for raw, want := range map[string]string{
		"*1\r\n$x\r\n":                "-ERR Protocol error: invalid bulk length\r\n",
		"*x\r\n":                      "-ERR Protocol error: invalid multibulk length\r\n",
		"*1\r\n+PING\r\n":             "-ERR Protocol error: expected '$', got '+'\r\n",
		"SET \"unbalanced\r\n":        "-ERR Protocol error: unbalanced quotes in request\r\n",
		"PING\r\n*1\r\n$-5\r\nxx":     "+PONG\r\n",
		"*2147483648\r\n":             "-ERR Protocol error: invalid multibulk length\r\n",
		"*1\r\n$536870913\r\n":        "-ERR Protocol error: invalid bulk length\r\n",
		"*2\r\n$4\r\nECHO\r\n$-1\r\n": "-ERR Protocol error: invalid bulk length\r\n",
	} {
		c := ts.raw(t)
		require.NoError(t, c.SendRaw([]byte(raw)))
		assert.Equal(t, want, read(t, c), "%q", raw)
		waitClosed(t, c)
	}
}

// A header announcing a huge count or length is accepted only as far as
// the bytes that actually arrive: the server keeps serving others.
func TestServer_HugeHeadersDoNotStallOthers(t *testing.T) {
	ts := startServer(t, nil)
	c := ts.raw(t)
	require.NoError(t, c.SendRaw([]byte("*2147483647\r\n$536870912\r\nabc")))
	other := ts.raw(t)
	assert.Equal(t, "+PONG\r\n", do(t, other, "PING"))
}

func TestServer_ProtoMaxBulkLenAndQueryBufferLimit(t *testing.T) {
	ts := startServer(t, nil)
	admin := ts.raw(t)
	require.Equal(t, "+OK\r\n", do(t, admin, "CONFIG", "SET", "proto-max-bulk-len", "1mb", "client-query-buffer-limit", "1mb"))
	// An argument over proto-max-bulk-len is a protocol error.
	c := ts.raw(t)
	require.NoError(t, c.SendRaw([]byte("*2\r\n$4\r\nECHO\r\n$1048577\r\n")))
	assert.Equal(t, "-ERR Protocol error: invalid bulk length\r\n", read(t, c))
	waitClosed(t, c)
	// A request that grows past client-query-buffer-limit is dropped
	// without a reply.
	c = ts.raw(t)
	big := strings.Repeat("x", 1<<20-10)
	err := c.SendRaw([]byte("*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$" + strconv.Itoa(len(big)) + "\r\n" + big))
	if err == nil {
		err = c.SendRaw([]byte(strings.Repeat("y", 64<<10)))
	}
	if err == nil {
		waitClosed(t, c)
	}
	assert.Equal(t, "+PONG\r\n", do(t, admin, "PING"))
}

func TestServer_MaxClients(t *testing.T) {
	ts := startServer(t, &Options{MaxClients: 2})
	a, b := ts.raw(t), ts.raw(t)
	assert.Equal(t, "+PONG\r\n", do(t, a, "PING"))
	assert.Equal(t, "+PONG\r\n", do(t, b, "PING"))
	c := ts.raw(t)
	assert.Equal(t, "-ERR max number of clients reached\r\n", read(t, c))
	waitClosed(t, c)
	info := do(t, a, "INFO", "stats")
	assert.Contains(t, info, "rejected_connections:1\r\n")
	// Raising the limit admits new clients at once.
	require.Equal(t, "+OK\r\n", do(t, a, "CONFIG", "SET", "maxclients", "3"))
	d := ts.raw(t)
	assert.Equal(t, "+PONG\r\n", do(t, d, "PING"))
}

func TestServer_RequirePass(t *testing.T) {
	ts := startServer(t, &Options{RequirePass: "pw"})
	c := ts.raw(t)
	assert.Equal(t, "-NOAUTH Authentication required.\r\n", do(t, c, "GET", "k"))
	assert.Equal(t, "-NOAUTH Authentication required.\r\n", do(t, c, "PING"))
	assert.Equal(t, "-ERR unknown command 'FOO', with args beginning with: \r\n", do(t, c, "FOO"))
	assert.Equal(t, "-WRONGPASS invalid username-password pair or user is disabled.\r\n", do(t, c, "AUTH", "nope"))
	assert.Equal(t, "-WRONGPASS invalid username-password pair or user is disabled.\r\n", do(t, c, "AUTH", "bob", "pw"))
	assert.Equal(t, "-NOAUTH HELLO must be called with the client already authenticated, otherwise the HELLO AUTH <user> <pass> option can be used to authenticate the client and select the RESP protocol version at the same time\r\n", do(t, c, "HELLO", "3"))
	// MULTI is flagged by a NOAUTH rejection... but MULTI itself needs AUTH.
	assert.Equal(t, "+OK\r\n", do(t, c, "AUTH", "default", "pw"))
	assert.Equal(t, "+PONG\r\n", do(t, c, "PING"))
	// RESET forgets the authentication.
	assert.Equal(t, "+RESET\r\n", do(t, c, "RESET"))
	assert.Equal(t, "-NOAUTH Authentication required.\r\n", do(t, c, "PING"))
	hello := do(t, c, "HELLO", "3", "AUTH", "default", "pw", "SETNAME", "me")
	assert.True(t, strings.HasPrefix(hello, "%7\r\n"), hello)
	assert.Equal(t, "$2\r\nme\r\n", do(t, c, "CLIENT", "GETNAME"))

	// Before AUTH the stricter request limits apply.
	u := ts.raw(t)
	require.NoError(t, u.SendRaw([]byte("*11\r\n")))
	assert.Equal(t, "-ERR Protocol error: unauthenticated multibulk length\r\n", read(t, u))
	waitClosed(t, u)
	u = ts.raw(t)
	require.NoError(t, u.SendRaw([]byte("*2\r\n$4\r\nAUTH\r\n$16385\r\n")))
	assert.Equal(t, "-ERR Protocol error: unauthenticated bulk length\r\n", read(t, u))
	waitClosed(t, u)
	// After AUTH they do not.
	assert.Equal(t, "$20000\r\n"+strings.Repeat("a", 20000)+"\r\n", do(t, c, "ECHO", strings.Repeat("a", 20000)))
}

func TestServer_QuitClosesAfterReply(t *testing.T) {
	ts := startServer(t, nil)
	c := ts.raw(t)
	require.NoError(t, c.SendRaw([]byte("PING\r\nQUIT\r\nPING\r\n")))
	assert.Equal(t, "+PONG\r\n", read(t, c))
	assert.Equal(t, "+OK\r\n", read(t, c))
	waitClosed(t, c)
}

func TestServer_ClientKill(t *testing.T) {
	ts := startServer(t, nil)
	a, b := ts.raw(t), ts.raw(t)
	id := strings.TrimSuffix(strings.TrimPrefix(do(t, b, "CLIENT", "ID"), ":"), "\r\n")
	assert.Equal(t, ":1\r\n", do(t, a, "CLIENT", "KILL", "ID", id))
	waitClosed(t, b)
	assert.Equal(t, ":0\r\n", do(t, a, "CLIENT", "KILL", "ID", id))
	// Killing oneself by address: OK, then the connection closes.
	list := do(t, a, "CLIENT", "LIST")
	addr := strings.Fields(strings.SplitN(list, "addr=", 2)[1])[0]
	assert.Equal(t, "+OK\r\n", do(t, a, "CLIENT", "KILL", addr))
	waitClosed(t, a)
}

func TestServer_ClientList(t *testing.T) {
	ts := startServer(t, nil)
	a := ts.raw(t)
	do(t, a, "CLIENT", "SETNAME", "alpha")
	do(t, a, "SELECT", "2")
	b := ts.raw(t)
	do(t, b, "SUBSCRIBE", "x")
	list := do(t, a, "CLIENT", "LIST")
	lines := strings.Split(strings.TrimSpace(list[strings.Index(list, "\r\n")+2:]), "\n")
	require.Len(t, lines, 2)
	assert.Contains(t, lines[0], " name=alpha ")
	assert.Contains(t, lines[0], " db=2 ")
	assert.Contains(t, lines[0], " cmd=client|list ")
	assert.Contains(t, lines[1], " flags=P ")
	assert.Contains(t, lines[1], " sub=1 ")
	pubsub := do(t, a, "CLIENT", "LIST", "TYPE", "pubsub")
	assert.Equal(t, 1, strings.Count(pubsub, "id="))
	assert.Contains(t, do(t, a, "INFO", "clients"), "connected_clients:2\r\n")
}

// A message published while the subscriber is idle (blocked reading) is
// delivered at once, over TCP and in memory.
func TestServer_PubSubDeliveryToIdleSubscriber(t *testing.T) {
	ts := startServer(t, nil)
	for i, target := range []difftest.Target{ts.target(), ts.memTarget()} {
		ch := "c" + strconv.Itoa(i)
		sub := difftest.Connect(t, target)
		assert.Equal(t, "*3\r\n$9\r\nsubscribe\r\n$2\r\n"+ch+"\r\n:1\r\n", do(t, sub, "SUBSCRIBE", ch))
		pub := ts.raw(t)
		for i := 0; i < 20; i++ {
			assert.Equal(t, ":1\r\n", do(t, pub, "PUBLISH", ch, "m"+strconv.Itoa(i)))
			msg := "m" + strconv.Itoa(i)
			assert.Equal(t, "*3\r\n$7\r\nmessage\r\n$2\r\n"+ch+"\r\n$"+strconv.Itoa(len(msg))+"\r\n"+msg+"\r\n", read(t, sub))
		}
		// RESP3: a push between replies.
		ch3 := ch + "r3"
		r3 := difftest.Connect(t, target)
		require.True(t, strings.HasPrefix(do(t, r3, "HELLO", "3"), "%7"))
		assert.Equal(t, ">3\r\n$9\r\nsubscribe\r\n$4\r\n"+ch3+"\r\n:1\r\n", do(t, r3, "SUBSCRIBE", ch3))
		assert.Equal(t, ":1\r\n", do(t, pub, "PUBLISH", ch3, "x"))
		assert.Equal(t, ">3\r\n$7\r\nmessage\r\n$4\r\n"+ch3+"\r\n$1\r\nx\r\n", read(t, r3))
		assert.Equal(t, "+PONG\r\n", do(t, r3, "PING"))
	}
}

func TestServer_KeyspaceNotifications(t *testing.T) {
	ts := startServer(t, nil)
	c := ts.raw(t)
	require.Equal(t, "+OK\r\n", do(t, c, "CONFIG", "SET", "notify-keyspace-events", "KEA"))
	sub := ts.raw(t)
	do(t, sub, "PSUBSCRIBE", "__key*__:*")
	require.Equal(t, "+OK\r\n", do(t, c, "SET", "k", "v"))
	assert.Equal(t, "*4\r\n$8\r\npmessage\r\n$10\r\n__key*__:*\r\n$16\r\n__keyspace@0__:k\r\n$3\r\nset\r\n", read(t, sub))
	assert.Equal(t, "*4\r\n$8\r\npmessage\r\n$10\r\n__key*__:*\r\n$18\r\n__keyevent@0__:set\r\n$1\r\nk\r\n", read(t, sub))
	require.Equal(t, ":1\r\n", do(t, c, "DEL", "k"))
	assert.Contains(t, read(t, sub), "__keyspace@0__:k\r\n$3\r\ndel\r\n")
	assert.Contains(t, read(t, sub), "__keyevent@0__:del\r\n$1\r\nk\r\n")
	// Only E: keyevent messages only; no change, no event.
	require.Equal(t, "+OK\r\n", do(t, c, "CONFIG", "SET", "notify-keyspace-events", "E$"))
	require.Equal(t, ":0\r\n", do(t, c, "DEL", "k"))
	require.Equal(t, ":5\r\n", do(t, c, "INCRBY", "n", "5"))
	assert.Contains(t, read(t, sub), "__keyevent@0__:incrby\r\n$1\r\nn\r\n")
	// An expired key fires "expired" (class x) when it is found expired.
	require.Equal(t, "+OK\r\n", do(t, c, "CONFIG", "SET", "notify-keyspace-events", "Ex"))
	require.Equal(t, "+OK\r\n", do(t, c, "SET", "gone", "v", "PX", "1"))
	time.Sleep(5 * time.Millisecond)
	do(t, c, "GET", "gone")
	assert.Contains(t, read(t, sub), "__keyevent@0__:expired\r\n$4\r\ngone\r\n")
	require.Equal(t, "+OK\r\n", do(t, c, "CONFIG", "SET", "notify-keyspace-events", ""))
}

func TestServer_Monitor(t *testing.T) {
	ts := startServer(t, nil)
	mon := ts.raw(t)
	assert.Equal(t, "+OK\r\n", do(t, mon, "MONITOR"))
	c := ts.raw(t)
	do(t, c, "SELECT", "3")
	do(t, c, "SET", "k", "a b\n")
	do(t, c, "AUTH", "x")
	do(t, c, "CONFIG", "GET", "hz") // admin: not shown
	// Like Redis, a command is shown after it ran, with the database
	// selected then.
	line := read(t, mon)
	assert.Regexp(t, `^\+\d+\.\d{6} \[3 127\.0\.0\.1:\d+\] "SELECT" "3"\r\n$`, line)
	assert.Regexp(t, `^\+\d+\.\d{6} \[3 127\.0\.0\.1:\d+\] "SET" "k" "a b\\n"\r\n$`, read(t, mon))
	assert.Regexp(t, `"AUTH" "\(redacted\)"\r\n$`, read(t, mon))
	do(t, c, "PING")
	assert.Regexp(t, `"PING"\r\n$`, read(t, mon))
}

func TestServer_Timeout(t *testing.T) {
	ts := startServer(t, nil)
	admin := ts.raw(t)
	sub := ts.raw(t)
	do(t, sub, "SUBSCRIBE", "x") // pub/sub clients are exempt
	require.Equal(t, "+OK\r\n", do(t, admin, "CONFIG", "SET", "timeout", "1"))
	idle := ts.raw(t)
	do(t, idle, "PING") // picks up the new timeout
	waitClosed(t, idle)
	waitClosed(t, admin) // idle too by now
	require.Equal(t, "+OK\r\n", do(t, ts.raw(t), "CONFIG", "SET", "timeout", "0"))
	assert.Equal(t, "*2\r\n$4\r\npong\r\n$0\r\n\r\n", do(t, sub, "PING"))
}

func TestServer_ClientPause(t *testing.T) {
	ts := startServer(t, nil)
	a, b := ts.raw(t), ts.raw(t)
	require.Equal(t, "+OK\r\n", do(t, a, "CLIENT", "PAUSE", "100000", "WRITE"))
	done := make(chan string, 1)
	go func() {
		raw, err := b.Do("SET", "k", "v")
		if err != nil {
			done <- err.Error()
			return
		}
		done <- string(raw)
	}()
	// Reads still run while writes wait.
	assert.Equal(t, "$-1\r\n", do(t, a, "GET", "k"))
	select {
	case r := <-done:
		t.Fatalf("write ran during CLIENT PAUSE WRITE: %s", r)
	case <-time.After(50 * time.Millisecond):
	}
	require.Equal(t, "+OK\r\n", do(t, a, "CLIENT", "UNPAUSE"))
	assert.Equal(t, "+OK\r\n", <-done)
	assert.Equal(t, "$1\r\nv\r\n", do(t, a, "GET", "k"))
}

func TestServer_UnixSocket(t *testing.T) {
	store := embedis.MustOpen(nil)
	defer store.Close()
	sock := filepath.Join(t.TempDir(), "embedis.sock")
	srv, err := New(store, &Options{UnixSocket: sock, UnixSocketPerm: 0o700})
	require.NoError(t, err)
	done := make(chan error, 1)
	go func() { done <- srv.ListenAndServe() }()
	var nc net.Conn
	require.Eventually(t, func() bool {
		nc, err = net.Dial("unix", sock)
		return err == nil
	}, 10*time.Second, 5*time.Millisecond)
	c := difftest.NewConn(nc)
	defer c.Close()
	assert.Equal(t, "+PONG\r\n", do(t, c, "PING"))
	info := do(t, c, "CLIENT", "INFO")
	assert.Contains(t, info, "flags=U ")
	assert.Contains(t, info, "addr="+sock+":0 ")
	v, _ := store.ConfigGet("unixsocket")
	assert.Equal(t, sock, v)
	require.NoError(t, srv.Shutdown(context.Background()))
	assert.ErrorIs(t, <-done, ErrServerClosed)
}

// Shutdown lets connections finish, cancels blocked commands, and stops
// every goroutine (TestMain checks for leaks).
func TestServer_Shutdown(t *testing.T) {
	store := embedis.MustOpen(nil)
	defer store.Close()
	require.NoError(t, store.LoadConfig("enable-debug-command", "yes"))
	srv, err := New(store, nil)
	require.NoError(t, err)
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	served := make(chan error, 1)
	go func() { served <- srv.Serve(l) }()
	tcp := difftest.Connect(t, difftest.Addr(l.Addr().String()))
	mem, err := srv.Dial()
	require.NoError(t, err)
	memc := difftest.NewConn(mem)
	defer memc.Close()
	assert.Equal(t, "+PONG\r\n", do(t, tcp, "PING"))
	assert.Equal(t, "+PONG\r\n", do(t, memc, "PING"))
	// A client blocked in a command (an hour of DEBUG SLEEP, which waits
	// on the client's context as BLPOP does) is released by the shutdown.
	blocked := make(chan string, 1)
	go func() {
		raw, err := tcp.Do("DEBUG", "SLEEP", "3600")
		if err != nil {
			blocked <- "closed"
			return
		}
		blocked <- string(raw)
	}()
	require.Eventually(t, func() bool { return srv.NumConns() == 2 }, 10*time.Second, time.Millisecond)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	require.NoError(t, srv.Shutdown(ctx))
	assert.ErrorIs(t, <-served, ErrServerClosed)
	r := <-blocked
	assert.Contains(t, []string{"+OK\r\n", "closed"}, r)
	waitClosed(t, memc)
	assert.Equal(t, 0, srv.NumConns())
	_, err = srv.Dial()
	assert.ErrorIs(t, err, ErrServerClosed)
	_, err = net.Dial("tcp", l.Addr().String())
	assert.Error(t, err)
}

// Many clients in parallel keep each command atomic.
func TestServer_ConcurrentClients(t *testing.T) {
	ts := startServer(t, nil)
	const clients, each = 16, 300
	var wg sync.WaitGroup
	errs := make(chan error, clients)
	for i := 0; i < clients; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			var nc net.Conn
			var err error
			if i%2 == 0 {
				nc, err = net.Dial("tcp", ts.addr)
			} else {
				nc, err = ts.Dial()
			}
			if err != nil {
				errs <- err
				return
			}
			defer nc.Close()
			w := bufio.NewWriter(nc)
			for j := 0; j < each; j++ {
				w.Write(difftest.EncodeCommand("INCR", "ctr"))
			}
			if err := w.Flush(); err != nil {
				errs <- err
				return
			}
			r := bufio.NewReader(nc)
			for j := 0; j < each; j++ {
				line, err := r.ReadString('\n')
				if err != nil || line[0] != ':' {
					errs <- errors.New("bad reply " + line)
					return
				}
			}
		}(i)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		require.NoError(t, err)
	}
	c := ts.raw(t)
	assert.Equal(t, "$4\r\n4800\r\n", do(t, c, "GET", "ctr"))
	assert.Contains(t, do(t, c, "INFO", "stats"), "total_commands_processed:")
}

// CONFIG SET of the listener settings fails instead of pretending.
func TestServer_ConfigListenerSettings(t *testing.T) {
	ts := startServer(t, nil)
	c := ts.raw(t)
	_, port, _ := net.SplitHostPort(ts.addr)
	assert.Equal(t, "*2\r\n$4\r\nport\r\n$"+strconv.Itoa(len(port))+"\r\n"+port+"\r\n", do(t, c, "CONFIG", "GET", "port"))
	assert.Equal(t, "+OK\r\n", do(t, c, "CONFIG", "SET", "port", port))
	assert.Equal(t, "-ERR CONFIG SET failed (possibly related to argument 'port') - Unable to listen on this port. Check server logs.\r\n",
		do(t, c, "CONFIG", "SET", "port", "1"))
	assert.Contains(t, do(t, c, "INFO", "server"), "listener0:name=tcp,bind=127.0.0.1,port="+port+"\r\n")
}

// A client that pipelines more replies than the socket buffers hold and
// reads only afterwards gets every reply (the event loop hands such a
// connection to a goroutine, which may wait to write).
func TestServer_SlowReader(t *testing.T) {
	for _, loops := range []int{1, -1} {
		ts := startServer(t, &Options{EventLoops: loops})
		c := ts.raw(t)
		c.SetTimeout(30 * time.Second)
		big := strings.Repeat("v", 256<<10)
		require.Equal(t, "+OK\r\n", do(t, c, "SET", "big", big))
		const n = 64 // 16 MiB of replies
		var b []byte
		for i := 0; i < n; i++ {
			b = append(b, difftest.EncodeCommand("GET", "big")...)
		}
		b = append(b, difftest.EncodeCommand("PING")...)
		require.NoError(t, c.SendRaw(b))
		want := "$" + strconv.Itoa(len(big)) + "\r\n" + big + "\r\n"
		for i := 0; i < n; i++ {
			require.Equal(t, want, read(t, c), "reply %d", i)
		}
		assert.Equal(t, "+PONG\r\n", read(t, c))
		// The connection keeps working afterwards.
		assert.Equal(t, ":1\r\n", do(t, c, "EXISTS", "big"))
	}
}

// Many pipelining clients on a few event loops: every reply arrives, in
// order, on the right connection.
func TestServer_EventLoopStress(t *testing.T) {
	for _, loops := range []int{1, 2} {
		ts := startServer(t, &Options{EventLoops: loops})
		var wg sync.WaitGroup
		errs := make(chan error, 32)
		for cl := 0; cl < 32; cl++ {
			wg.Add(1)
			go func(cl int) {
				defer wg.Done()
				nc, err := net.Dial("tcp", ts.addr)
				if err != nil {
					errs <- err
					return
				}
				defer nc.Close()
				r := bufio.NewReader(nc)
				key := "k" + strconv.Itoa(cl)
				for round := 0; round < 50; round++ {
					depth := 1 + (cl+round)%20
					var b []byte
					for i := 0; i < depth; i++ {
						b = append(b, difftest.EncodeCommand("APPEND", key, "x")...)
					}
					if _, err := nc.Write(b); err != nil {
						errs <- err
						return
					}
					for i := 0; i < depth; i++ {
						line, err := r.ReadString('\n')
						if err != nil || line[0] != ':' {
							errs <- errors.New("bad reply " + line)
							return
						}
					}
				}
			}(cl)
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			require.NoError(t, err)
		}
		c := ts.raw(t)
		for cl := 0; cl < 32; cl++ {
			total := 0
			for round := 0; round < 50; round++ {
				total += 1 + (cl+round)%20
			}
			assert.Equal(t, ":"+strconv.Itoa(total)+"\r\n", do(t, c, "STRLEN", "k"+strconv.Itoa(cl)))
		}
	}
}

package server

import (
	"context"
	"errors"
	"io"
	"net"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"github.com/embedis/embedis"
	"github.com/embedis/embedis/resp"
)

// pastDeadline is a read deadline in the past: it makes a blocked Read
// return at once (see conn.wake).
var pastDeadline = time.Unix(1, 0)

// errWouldBlock is what conn.Read returns in event-loop mode when the
// socket has no data: the Reader keeps its state and the loop waits for
// the socket to become readable.
var errWouldBlock = errors.New("server: would block")

// conn is one client connection. It is served either by an event loop
// (Linux, TCP and unix sockets: the loop reads and writes the socket
// directly, many connections per goroutine) or by a goroutine of its own
// (in-memory connections, other systems, and any connection that has to
// wait: a blocking command, pub/sub, a slow reader). A connection moves
// from a loop to its own goroutine at most once, and never back.
type conn struct {
	srv    *Server
	nc     net.Conn
	sess   *embedis.Session
	ctx    context.Context
	cancel context.CancelFunc
	rd     *resp.Reader
	w      *resp.Writer

	// woken is set by wake (a pub/sub message or MONITOR line is queued,
	// or the server is stopping): the read deadline was moved to the
	// past so that the goroutine looks at it.
	woken   atomic.Bool
	closing atomic.Bool // stop after the current batch (Shutdown)
	killed  atomic.Bool // closed from another goroutine

	in       int64         // bytes read since the last RecordIO
	newBatch bool          // the next command starts a pipelined batch
	idle     time.Duration // the idle timeout in force (goroutine mode)

	// mu guards loop: which mode the connection is in, so that kill and
	// stop from other goroutines reach it the right way.
	mu   sync.Mutex
	loop *eventLoop // nil in goroutine mode
	fd   int        // the socket, in event-loop mode

	// ownFD: fd is a descriptor of the connection's own, detached from
	// Go's runtime poller (event-loop mode on Linux; nc is closed then).
	// Only the goroutine serving the connection uses it.
	ownFD bool
}

func newConn(srv *Server, nc net.Conn) *conn {
	ctx, cancel := context.WithCancel(context.Background())
	c := &conn{srv: srv, nc: nc, ctx: ctx, cancel: cancel, newBatch: true}
	c.sess = srv.store.NewSession()
	c.sess.Ctx = ctx
	return c
}

// Read counts the bytes the reader takes from the connection. In
// event-loop mode it reads the socket without waiting.
func (c *conn) Read(p []byte) (int, error) {
	if c.loop != nil {
		return c.loopRead(p)
	}
	n, err := c.nc.Read(p)
	c.in += int64(n)
	return n, err
}

// wake makes the connection's goroutine return from a blocked Read to
// write queued out-of-band messages. Safe from any goroutine. A
// connection in event-loop mode never waits for pushes (it moves to a
// goroutine when it subscribes), so there is nothing to wake.
func (c *conn) wake() {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.loop != nil {
		return
	}
	if c.woken.CompareAndSwap(false, true) {
		_ = c.nc.SetReadDeadline(pastDeadline)
	}
}

// stop asks the connection to finish its current batch and close
// (Shutdown). Blocked commands return because the context is canceled.
func (c *conn) stop() {
	c.closing.Store(true)
	c.cancel()
	c.mu.Lock()
	defer c.mu.Unlock()
	if l := c.loop; l != nil && l.post(func() { l.closeConn(c) }) {
		// The loop runs commands one batch at a time: between batches
		// nothing is in flight, so closing there is graceful. (A loop
		// that has failed refuses the task; c then moves to a goroutine.)
		return
	}
	c.woken.Store(true)
	_ = c.nc.SetReadDeadline(pastDeadline)
}

// kill closes the connection at once (CLIENT KILL, Close, output limit).
func (c *conn) kill() {
	c.killed.Store(true)
	c.closing.Store(true)
	c.cancel()
	c.mu.Lock()
	defer c.mu.Unlock()
	if l := c.loop; l != nil && l.post(func() { l.closeConn(c) }) {
		return
	}
	// In goroutine mode, or moving there from a failed loop (which sees
	// killed and closes c).
	_ = c.nc.Close()
}

func connInfo(c *conn) embedis.ConnInfo {
	ci := embedis.ConnInfo{FD: -1, Kill: c.kill, Wake: c.wake}
	switch ra := c.nc.RemoteAddr().(type) {
	case *net.TCPAddr:
		ci.Addr = ra.String()
		ci.LocalAddr = c.nc.LocalAddr().String()
		ci.Local = ra.IP.IsLoopback()
	case *net.UnixAddr:
		ci.Unix = true
		ci.Local = true
		ci.LocalAddr = c.nc.LocalAddr().String()
		ci.Addr = ci.LocalAddr + ":0"
	case memAddr:
		ci.Local = true
		ci.Addr = ra.String()
		ci.LocalAddr = c.nc.LocalAddr().String()
	default:
		if ra != nil {
			ci.Addr = ra.String()
		}
		if la := c.nc.LocalAddr(); la != nil {
			ci.LocalAddr = la.String()
		}
	}
	return ci
}

// attach registers the client; on maxclients it sends Redis's error and
// reports false (the caller closes the connection).
func (c *conn) attach() bool {
	if tc, ok := c.nc.(*net.TCPConn); ok {
		_ = tc.SetKeepAlive(true)
		_ = tc.SetKeepAlivePeriod(300 * time.Second)
	}
	if err := c.sess.Attach(connInfo(c)); err != nil {
		_, _ = c.nc.Write([]byte("-" + err.Error() + "\r\n"))
		return false
	}
	c.rd = resp.NewReader(c)
	c.w = resp.NewWriter(2)
	return true
}

// finish releases the connection: session, socket, context, accounting.
func (c *conn) finish() {
	c.sess.Close()
	c.nc.Close()
	c.closeOwnFD()
	c.cancel()
	c.srv.removeConn(c)
	c.srv.connWG.Done()
}

// applyLimits hands the configured limits to the reader and returns the
// idle timeout in force.
func (c *conn) applyLimits() time.Duration {
	maxBulk, queryBuf, idle := c.sess.ConnLimits()
	c.rd.MaxBulkLen, c.rd.MaxQueryBufferLen = maxBulk, queryBuf
	c.rd.Unauthenticated = !c.sess.Authenticated()
	return idle
}

// exec runs one command and queues its reply; it reports whether the
// connection must be closed once the replies are written.
func (c *conn) exec(args [][]byte) bool {
	if c.newBatch {
		c.sess.BeginBatch(time.Now())
		c.newBatch = false
	}
	c.sess.Exec(args, c.w)
	if c.sess.HasPushes() {
		c.sess.WritePushes(c.w)
	}
	return c.sess.CloseAfterReply() || c.killed.Load()
}

// flushTo writes the buffered replies to dst.
func (c *conn) flushTo(dst io.Writer) error {
	if c.w.Len() == 0 {
		return nil
	}
	n, err := c.w.WriteTo(dst)
	c.sess.RecordIO(c.in, n)
	c.in = 0
	return err
}

// flush writes the buffered replies in goroutine mode; it reports false
// when the connection is broken.
func (c *conn) flush() bool {
	if err := c.flushTo(c.nc); err != nil {
		c.srv.log.Debug("write error", "addr", c.nc.RemoteAddr(), "err", err)
		return false
	}
	return true
}

// setIdleDeadline arms the read deadline for the idle timeout (none when
// idle is 0), unless a wake or a stop already moved it to the past.
func (c *conn) setIdleDeadline(idle time.Duration) {
	var d time.Time
	if idle > 0 {
		d = time.Now().Add(idle)
	}
	_ = c.nc.SetReadDeadline(d)
	if c.woken.Load() || c.closing.Load() {
		_ = c.nc.SetReadDeadline(pastDeadline)
	}
}

// serveLoop is goroutine mode: read a command, run it, buffer the reply,
// and flush once per pipelined batch. pending is a command already read
// (by the event loop this connection left) to run first.
func (c *conn) serveLoop(pending [][]byte) {
	sess := c.sess
	if pending != nil && c.exec(pending) {
		c.flush()
		return
	}
	for {
		// Replies go out once per pipelined batch: when no complete
		// command is left in the input. (Flushing earlier could deadlock
		// with a client that writes its whole pipeline before reading.)
		if !c.rd.HasCommand() {
			c.newBatch = true
			if sess.HasPushes() {
				sess.WritePushes(c.w)
			}
			if !c.flush() || c.closing.Load() {
				return
			}
			if idle := c.applyLimits(); idle != c.idle || idle > 0 {
				c.idle = idle
				c.setIdleDeadline(idle)
			}
		}
		args, err := c.rd.ReadCommand()
		if err != nil {
			if errors.Is(err, os.ErrDeadlineExceeded) {
				if c.closing.Load() {
					c.flush()
					return
				}
				if c.woken.Load() {
					// Restore the deadline before clearing the flag, so a
					// wake that comes in between is not lost.
					if c.idle > 0 {
						_ = c.nc.SetReadDeadline(time.Now().Add(c.idle))
					} else {
						_ = c.nc.SetReadDeadline(time.Time{})
					}
					c.woken.Store(false)
					if c.closing.Load() {
						c.flush()
						return
					}
					sess.WritePushes(c.w)
					if !c.flush() {
						return
					}
					continue
				}
				// The idle timeout ("timeout") passed.
				return
			}
			var perr *resp.ProtocolError
			if errors.As(err, &perr) {
				c.w.Error("ERR " + perr.Msg)
				c.flush()
				return
			}
			// EOF, the query buffer limit, or a connection error.
			c.flush()
			return
		}
		if c.exec(args) {
			c.flush()
			return
		}
	}
}

package server

import (
	"context"
	"errors"
	"net"
	"os"
	"sync/atomic"
	"time"

	"github.com/embedis/embedis"
	"github.com/embedis/embedis/resp"
)

// pastDeadline is a read deadline in the past: it makes a blocked Read
// return at once (see conn.wake).
var pastDeadline = time.Unix(1, 0)

// conn is one client connection and its goroutine.
type conn struct {
	srv    *Server
	nc     net.Conn
	sess   *embedis.Session
	ctx    context.Context
	cancel context.CancelFunc

	// woken is set by wake (a pub/sub message or MONITOR line is queued,
	// or the server is stopping): the read deadline was moved to the
	// past so that the goroutine looks at it.
	woken   atomic.Bool
	closing atomic.Bool // stop after the current batch (Shutdown)
	killed  atomic.Bool // closed from another goroutine

	in int64 // bytes read since the last RecordIO
}

func newConn(srv *Server, nc net.Conn) *conn {
	ctx, cancel := context.WithCancel(context.Background())
	c := &conn{srv: srv, nc: nc, ctx: ctx, cancel: cancel}
	c.sess = srv.store.NewSession()
	c.sess.Ctx = ctx
	return c
}

// Read counts the bytes the reader takes from the connection.
func (c *conn) Read(p []byte) (int, error) {
	n, err := c.nc.Read(p)
	c.in += int64(n)
	return n, err
}

// wake makes the connection's goroutine return from a blocked Read to
// write queued out-of-band messages. Safe from any goroutine.
func (c *conn) wake() {
	if c.woken.CompareAndSwap(false, true) {
		_ = c.nc.SetReadDeadline(pastDeadline)
	}
}

// stop asks the connection to finish its current batch and close
// (Shutdown). Blocked commands return because the context is canceled.
func (c *conn) stop() {
	c.closing.Store(true)
	c.cancel()
	c.wake()
	_ = c.nc.SetReadDeadline(pastDeadline)
}

// kill closes the connection at once (CLIENT KILL, Close, output limit).
func (c *conn) kill() {
	c.killed.Store(true)
	c.closing.Store(true)
	c.cancel()
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

// serve is the connection's goroutine: read a command, run it, buffer the
// reply, and flush once per pipelined batch.
func (c *conn) serve() {
	defer c.srv.connWG.Done()
	defer c.srv.removeConn(c)
	defer c.cancel()
	defer c.nc.Close()
	sess := c.sess
	defer sess.Close()

	if tc, ok := c.nc.(*net.TCPConn); ok {
		_ = tc.SetKeepAlive(true)
		_ = tc.SetKeepAlivePeriod(300 * time.Second)
	}
	if err := sess.Attach(connInfo(c)); err != nil {
		_, _ = c.nc.Write([]byte("-" + err.Error() + "\r\n"))
		return
	}
	rd := resp.NewReader(c)
	w := resp.NewWriter(2)
	var idle time.Duration
	applyLimits := func() {
		maxBulk, queryBuf, t := sess.ConnLimits()
		rd.MaxBulkLen, rd.MaxQueryBufferLen = maxBulk, queryBuf
		rd.Unauthenticated = !sess.Authenticated()
		if t != idle || t > 0 {
			idle = t
			var d time.Time
			if t > 0 {
				d = time.Now().Add(t)
			}
			_ = c.nc.SetReadDeadline(d)
			// A wake that came in between must not be lost.
			if c.woken.Load() || c.closing.Load() {
				_ = c.nc.SetReadDeadline(pastDeadline)
			}
		}
	}
	flush := func() bool {
		if w.Len() == 0 {
			return true
		}
		n, err := w.WriteTo(c.nc)
		sess.RecordIO(c.in, n)
		c.in = 0
		if err != nil {
			c.srv.log.Debug("write error", "addr", c.nc.RemoteAddr(), "err", err)
			return false
		}
		return true
	}
	applyLimits()
	newBatch := true
	for {
		args, err := rd.ReadCommand()
		if err != nil {
			if errors.Is(err, os.ErrDeadlineExceeded) {
				if c.closing.Load() {
					flush()
					return
				}
				if c.woken.Load() {
					// Restore the deadline before clearing the flag, so a
					// wake that comes in between is not lost.
					if idle > 0 {
						_ = c.nc.SetReadDeadline(time.Now().Add(idle))
					} else {
						_ = c.nc.SetReadDeadline(time.Time{})
					}
					c.woken.Store(false)
					if c.closing.Load() {
						flush()
						return
					}
					sess.WritePushes(w)
					if !flush() {
						return
					}
					continue
				}
				// The idle timeout ("timeout") passed.
				return
			}
			var perr *resp.ProtocolError
			if errors.As(err, &perr) {
				w.Error("ERR " + perr.Msg)
				flush()
				return
			}
			// EOF, the query buffer limit, or a connection error.
			flush()
			return
		}
		if newBatch {
			sess.BeginBatch(time.Now())
			newBatch = false
		}
		sess.Exec(args, w)
		if sess.HasPushes() {
			sess.WritePushes(w)
		}
		if sess.CloseAfterReply() || c.killed.Load() {
			flush()
			return
		}
		// Replies go out once per pipelined batch: when no complete
		// command is left in the input. (Flushing earlier could deadlock
		// with a client that writes its whole pipeline before reading.)
		if !rd.HasCommand() {
			newBatch = true
			if !flush() {
				return
			}
			if c.closing.Load() {
				return
			}
			applyLimits()
		}
	}
}

package server

import (
	"io"
	"net"
	"os"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

// memPipeLimit is how many bytes one direction of an in-memory connection
// buffers before Write waits for the reader, like a socket's buffers.
const memPipeLimit = 16 << 20

// memAddr is the address of an in-memory connection.
type memAddr string

func (memAddr) Network() string  { return "embedis" }
func (a memAddr) String() string { return string(a) }

var memConnIDs atomic.Int64

// memPipe is one direction of an in-memory connection: an elastic buffer
// written by one end and read by the other. Unlike net.Pipe, a Write
// returns as soon as its bytes are buffered, so a client may pipeline
// many requests before reading replies, as it can over TCP.
type memPipe struct {
	mu         sync.Mutex
	buf        []byte
	eof        bool          // the writer closed its end
	readerGone bool          // the reader closed its end
	data       chan struct{} // signalled when bytes arrive or eof is set
	space      chan struct{} // signalled when the reader consumed bytes
}

func newMemPipe() *memPipe {
	return &memPipe{data: make(chan struct{}, 1), space: make(chan struct{}, 1)}
}

func signal(ch chan struct{}) {
	select {
	case ch <- struct{}{}:
	default:
	}
}

// deadline is a settable deadline whose channel is closed when it passes.
type deadline struct {
	mu     sync.Mutex
	timer  *time.Timer
	cancel chan struct{}
}

func newDeadline() *deadline { return &deadline{cancel: make(chan struct{})} }

func isClosed(ch chan struct{}) bool {
	select {
	case <-ch:
		return true
	default:
		return false
	}
}

// set arms the deadline at t (zero: none). A waiter blocked on the old
// channel is released when t is already past.
func (d *deadline) set(t time.Time) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.timer != nil && !d.timer.Stop() {
		<-d.cancel // the timer fired: wait until it has closed cancel
	}
	d.timer = nil
	closed := isClosed(d.cancel)
	if t.IsZero() {
		if closed {
			d.cancel = make(chan struct{})
		}
		return
	}
	if dur := time.Until(t); dur > 0 {
		if closed {
			d.cancel = make(chan struct{})
		}
		cancel := d.cancel
		d.timer = time.AfterFunc(dur, func() { close(cancel) })
		return
	}
	if !closed {
		close(d.cancel)
	}
}

func (d *deadline) wait() chan struct{} {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.cancel
}

// memConn is one end of an in-memory connection. It implements net.Conn,
// deadlines included.
type memConn struct {
	in, out       *memPipe
	local, remote memAddr
	rd, wd        *deadline
	done          chan struct{}
	closeOnce     sync.Once
}

// newMemConnPair returns the client and server ends of a connection.
func newMemConnPair() (client, server *memConn) {
	a, b := newMemPipe(), newMemPipe()
	id := strconv.FormatInt(memConnIDs.Add(1), 10)
	client = &memConn{in: a, out: b, local: memAddr("embedis-mem:" + id), remote: memAddr("embedis-mem:0"),
		rd: newDeadline(), wd: newDeadline(), done: make(chan struct{})}
	server = &memConn{in: b, out: a, local: memAddr("embedis-mem:0"), remote: memAddr("embedis-mem:" + id),
		rd: newDeadline(), wd: newDeadline(), done: make(chan struct{})}
	return client, server
}

// Read returns buffered bytes, waiting for some to arrive; EOF once the
// peer closed and everything was read.
func (c *memConn) Read(b []byte) (int, error) {
	p := c.in
	for {
		select {
		case <-c.done:
			return 0, net.ErrClosed
		case <-c.rd.wait():
			return 0, os.ErrDeadlineExceeded
		default:
		}
		p.mu.Lock()
		if len(p.buf) > 0 {
			n := copy(b, p.buf)
			p.buf = p.buf[n:]
			if len(p.buf) == 0 {
				p.buf = nil
			}
			p.mu.Unlock()
			signal(p.space)
			return n, nil
		}
		if p.eof {
			p.mu.Unlock()
			return 0, io.EOF
		}
		p.mu.Unlock()
		if len(b) == 0 {
			return 0, nil
		}
		select {
		case <-p.data:
		case <-c.done:
			return 0, net.ErrClosed
		case <-c.rd.wait():
			return 0, os.ErrDeadlineExceeded
		}
	}
}

// Write buffers b for the peer, waiting only while memPipeLimit bytes are
// unread.
func (c *memConn) Write(b []byte) (int, error) {
	p := c.out
	written := 0
	for {
		select {
		case <-c.done:
			return written, net.ErrClosed
		case <-c.wd.wait():
			return written, os.ErrDeadlineExceeded
		default:
		}
		p.mu.Lock()
		if p.readerGone {
			p.mu.Unlock()
			return written, io.ErrClosedPipe
		}
		if room := memPipeLimit - len(p.buf); room > 0 || len(b) == 0 {
			n := min(room, len(b))
			p.buf = append(p.buf, b[:n]...)
			b = b[n:]
			written += n
			p.mu.Unlock()
			signal(p.data)
			if len(b) == 0 {
				return written, nil
			}
			continue
		}
		p.mu.Unlock()
		select {
		case <-p.space:
		case <-c.done:
			return written, net.ErrClosed
		case <-c.wd.wait():
			return written, os.ErrDeadlineExceeded
		}
	}
}

// Close closes this end: the peer reads what was already written, then
// EOF; its writes fail.
func (c *memConn) Close() error {
	c.closeOnce.Do(func() {
		close(c.done)
		c.out.mu.Lock()
		c.out.eof = true
		c.out.mu.Unlock()
		signal(c.out.data)
		c.in.mu.Lock()
		c.in.readerGone = true
		c.in.buf = nil
		c.in.mu.Unlock()
		signal(c.in.space)
		c.rd.set(time.Time{})
		c.wd.set(time.Time{})
	})
	return nil
}

func (c *memConn) LocalAddr() net.Addr  { return c.local }
func (c *memConn) RemoteAddr() net.Addr { return c.remote }

func (c *memConn) SetDeadline(t time.Time) error {
	c.rd.set(t)
	c.wd.set(t)
	return nil
}

func (c *memConn) SetReadDeadline(t time.Time) error  { c.rd.set(t); return nil }
func (c *memConn) SetWriteDeadline(t time.Time) error { c.wd.set(t); return nil }

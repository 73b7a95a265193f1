//go:build linux

package server

import (
	"errors"
	"io"
	"net"
	"os"
	"runtime"
	"sync"
	"syscall"
	"time"
	"unsafe"

	"github.com/embedis/embedis/resp"
)

// The event loop: on Linux, TCP and unix-socket connections are served by
// a few goroutines (one per GOMAXPROCS by default) that each wait on an
// epoll instance of their own, read every ready socket, run its commands
// and write the replies, as Redis's event loop does. One epoll_wait serves
// many clients, and no goroutine is parked and woken per request, which is
// what a goroutine per connection costs at high request rates.
//
// A connection leaves its loop for a goroutine of its own (goroutine
// mode, see conn.serveLoop) when it has to wait: before a command that may
// block, when it subscribes or becomes a MONITOR (it must receive pushes
// while idle), when a write would block (a slow reader), or when an idle
// timeout is configured. The socket stays the same, but while a loop
// serves it, it is not in Go's runtime poller: the loop keeps a duplicate
// descriptor and closes the accepted net.Conn (serveLoopConn), because a
// socket left in the runtime's epoll wakes an idle processor on every
// packet for a goroutine that never waits on it. Moving to a goroutine
// makes a net.Conn from the descriptor again (reattach). The loop reads
// and writes its non-blocking sockets with raw system calls, without the
// runtime's system-call bookkeeping.
//
// The loop's own epoll descriptor is not in the runtime poller either: the
// loop collects ready events without waiting and, when there are none,
// blocks its thread in epoll_wait, as redis-server does (run). An epoll
// descriptor registered in the runtime's epoll signals it on every event
// of every socket it holds, so while the loop was busy, each packet woke
// the runtime's idle thread for nothing, and the loop goroutine moved
// between threads. Measured under redis-benchmark at pipeline 16 (SET,
// INCR, HSET, 3M requests; bench/RESULTS.md, session 5): context switches
// fell from 66–99 K to 4–6 K and CPU time from 665–694 ticks to 582–601
// (redis-server: 673–688 ticks, under 1 K switches).

// eventLoop is one epoll instance and the connections it serves.
type eventLoop struct {
	srv   *Server
	epfd  int // blocking; closed by run as it returns
	wakeR int // pipe: a byte written to wakeW wakes the loop for tasks
	wakeW int

	mu    sync.Mutex
	tasks []func()
	woken bool
	dead  bool // run has returned: post takes no more tasks

	conns map[int]*conn // by descriptor; only the loop goroutine uses it
	// flush holds the connections whose batch of commands is done and
	// whose replies are written once every ready descriptor of this
	// round has been read, as redis-server writes its replies before it
	// waits again: reading all input first keeps the replies' wake-ups of
	// the clients from taking the CPU from the loop between reads.
	flush    []*conn
	poll     pollPolicy    // only the loop goroutine uses it
	stopping bool          // set by stopLoop's task: return after the tasks
	done     chan struct{} // closed when the loop goroutine has returned
}

func newEventLoop(srv *Server) (*eventLoop, error) {
	epfd, err := syscall.EpollCreate1(syscall.EPOLL_CLOEXEC)
	if err != nil {
		return nil, err
	}
	var p [2]int
	if err := syscall.Pipe2(p[:], syscall.O_NONBLOCK|syscall.O_CLOEXEC); err != nil {
		syscall.Close(epfd)
		return nil, err
	}
	ev := syscall.EpollEvent{Events: syscall.EPOLLIN, Fd: int32(p[0])}
	if err := syscall.EpollCtl(epfd, syscall.EPOLL_CTL_ADD, p[0], &ev); err != nil {
		syscall.Close(epfd)
		syscall.Close(p[0])
		syscall.Close(p[1])
		return nil, err
	}
	l := &eventLoop{srv: srv, epfd: epfd, wakeR: p[0], wakeW: p[1], conns: map[int]*conn{}, done: make(chan struct{}),
		poll: newPollPolicy(srv.opts.LoopPoll)}
	go l.run()
	return l, nil
}

// post runs f in the loop goroutine soon. Safe from any goroutine. It
// reports false, and f never runs, when the loop has ended (then its
// descriptors are closed, and their numbers may belong to other files).
func (l *eventLoop) post(f func()) bool {
	l.mu.Lock()
	if l.dead {
		l.mu.Unlock()
		return false
	}
	l.tasks = append(l.tasks, f)
	wake := !l.woken
	l.woken = true
	l.mu.Unlock()
	if wake {
		_, _ = syscall.Write(l.wakeW, []byte{1})
	}
	return true
}

// stopLoop closes the loop's connections and ends its goroutine.
func (l *eventLoop) stopLoop() {
	l.post(func() {
		for _, c := range l.conns {
			l.closeConn(c)
		}
		l.stopping = true
	})
	<-l.done
}

func (l *eventLoop) run() {
	defer close(l.done)
	defer func() {
		l.mu.Lock()
		l.dead = true // before the wake pipe closes: post writes to it
		l.mu.Unlock()
		syscall.Close(l.epfd)
		syscall.Close(l.wakeR)
		syscall.Close(l.wakeW)
	}()
	events := make([]syscall.EpollEvent, 256)
	var drain [64]byte
	for {
		// Under load events are waiting: collect them with a raw system
		// call. A loop that finds none polls a little longer while
		// polling has paid off lately (pollPolicy). Only an idle loop
		// blocks, in a system call the runtime knows of, so its processor
		// can be given to other goroutines while it sleeps. (The
		// runtime's monitor thread then wakes now and then to consider
		// that: at pipeline 1, about one wake for every seven of the
		// loop's sleeps; bench/RESULTS.md, session 5.)
		n, err := epollCollect(l.epfd, events)
		if n == 0 && err == nil {
			t0 := time.Now()
			if budget := l.poll.budget(t0); budget > 0 {
				for n == 0 && err == nil && time.Since(t0) < budget {
					n, err = epollCollect(l.epfd, events)
				}
				end := time.Now()
				l.poll.polled(n > 0, end.Sub(t0))
				t0 = end // a sleep starts where the poll ended
			}
			if n == 0 && err == nil {
				n, err = epollWait(l.epfd, events)
				l.poll.slept(time.Since(t0))
			}
		}
		if err == syscall.EINTR {
			continue
		}
		if err != nil {
			l.srv.log.Error("epoll_wait", "err", err)
			l.fail()
			return
		}
		for i := 0; i < n; i++ {
			fd := int(events[i].Fd)
			if fd == l.wakeR {
				for {
					if k, _ := syscall.Read(l.wakeR, drain[:]); k <= 0 {
						break
					}
				}
				// Tasks may close or move connections (CLIENT KILL,
				// shutdown): replies already made go out first.
				l.flushPending()
				l.runTasks()
				if l.stopping {
					return
				}
				continue
			}
			if c := l.conns[fd]; c != nil {
				l.serveReady(c)
			}
		}
		l.flushPending()
	}
}

// fail ends a loop whose epoll descriptor no longer works: the server
// stops giving it connections, tasks already posted run (a connection
// being added is then moved out with the others), and every connection
// moves to a goroutine of its own with its socket and session. Tasks
// posted from now on are refused (post), and run closes the descriptors.
func (l *eventLoop) fail() {
	l.srv.dropLoop(l)
	l.mu.Lock()
	l.dead = true
	l.mu.Unlock()
	l.flushPending()
	l.runTasks()
	for _, c := range l.conns {
		l.migrate(c, nil)
	}
}

// flushPending writes the replies of the connections queued in l.flush.
func (l *eventLoop) flushPending() {
	for i, c := range l.flush {
		if c.loop == l { // not moved or closed since
			l.flushOrMove(c)
		}
		l.flush[i] = nil
	}
	l.flush = l.flush[:0]
}

func (l *eventLoop) runTasks() {
	l.mu.Lock()
	tasks := l.tasks
	l.tasks, l.woken = nil, false
	l.mu.Unlock()
	for _, f := range tasks {
		f()
	}
}

// add starts serving c, an attached connection, in this loop.
func (l *eventLoop) add(c *conn, fd int) {
	c.mu.Lock()
	c.loop, c.fd = l, fd
	c.mu.Unlock()
	ok := l.post(func() {
		if c.closing.Load() {
			l.closeConn(c)
			return
		}
		ev := syscall.EpollEvent{Events: syscall.EPOLLIN | syscall.EPOLLRDHUP, Fd: int32(fd)}
		if err := syscall.EpollCtl(l.epfd, syscall.EPOLL_CTL_ADD, fd, &ev); err != nil {
			l.srv.log.Warn("epoll_ctl", "err", err)
			l.migrate(c, nil)
			return
		}
		l.conns[fd] = c
	})
	if ok {
		return
	}
	// The loop has just ended (fail): serve c in a goroutine. It never
	// was in l.conns, which only the loop goroutine may touch.
	nc, err := reattach(fd)
	c.mu.Lock()
	c.loop = nil
	if err == nil {
		c.nc = nc
	}
	c.mu.Unlock()
	if err != nil {
		c.finish()
		return
	}
	c.toGoroutine(nil)
}

// release takes c out of the loop (it stays open).
func (l *eventLoop) release(c *conn) {
	if l.conns[c.fd] == c {
		delete(l.conns, c.fd)
		_ = syscall.EpollCtl(l.epfd, syscall.EPOLL_CTL_DEL, c.fd, &syscall.EpollEvent{})
	}
	c.mu.Lock()
	c.loop = nil
	c.mu.Unlock()
}

// closeConn takes c out of the loop and closes it.
func (l *eventLoop) closeConn(c *conn) {
	if c.loop != l {
		return // already moved or closed
	}
	l.release(c)
	c.finish()
}

// migrate moves c to a goroutine of its own; pending is a command already
// read that the goroutine runs first. (A connection in a loop always owns
// its detached descriptor: serveLoopConn.)
func (l *eventLoop) migrate(c *conn, pending [][]byte) {
	nc, err := reattach(c.fd)
	if err != nil {
		l.srv.log.Warn("cannot move a connection out of the event loop", "err", err)
		l.closeConn(c)
		return
	}
	c.mu.Lock()
	c.nc = nc // kill and wake use it once loop is nil
	c.mu.Unlock()
	l.release(c)
	c.toGoroutine(pending)
}

// toGoroutine serves c, which no loop holds any more and whose net.Conn
// is a reattached one, in a goroutine of its own; pending is a command
// already read that it runs first.
func (c *conn) toGoroutine(pending [][]byte) {
	c.closeOwnFD()
	if c.killed.Load() {
		c.finish()
		return
	}
	go func() {
		defer c.finish()
		c.serveLoop(pending)
	}()
}

// loopRead reads the socket without waiting.
func (c *conn) loopRead(p []byte) (int, error) {
	for {
		n, err := rawIO(syscall.SYS_READ, c.fd, p)
		switch {
		case err == syscall.EINTR:
			continue
		case err == syscall.EAGAIN:
			return 0, errWouldBlock
		case err != nil:
			return 0, err
		case n == 0:
			return 0, io.EOF
		}
		c.in += int64(n)
		return n, nil
	}
}

// epollCollect returns the events ready now on epfd, without waiting.
// epoll_pwait with no signal mask is epoll_wait, and exists on every
// Linux architecture.
func epollCollect(epfd int, events []syscall.EpollEvent) (int, error) {
	r, _, e := syscall.RawSyscall6(syscall.SYS_EPOLL_PWAIT, uintptr(epfd),
		uintptr(unsafe.Pointer(&events[0])), uintptr(len(events)), 0, 0, 0)
	if e != 0 {
		return 0, e
	}
	return int(r), nil
}

// epollWait waits until events are ready on epfd and returns them.
func epollWait(epfd int, events []syscall.EpollEvent) (int, error) {
	r, _, e := syscall.Syscall6(syscall.SYS_EPOLL_PWAIT, uintptr(epfd),
		uintptr(unsafe.Pointer(&events[0])), uintptr(len(events)), ^uintptr(0), 0, 0)
	if e != 0 {
		return 0, e
	}
	return int(r), nil
}

// rawIOMax is the largest socket read or write made without the
// runtime's system-call bookkeeping. The loop's sockets are non-blocking,
// so a call returns as soon as the kernel has copied the bytes; up to
// 64 KiB that is microseconds, and entersyscall/exitsyscall (and the
// monitor thread's attention to a processor in a system call) would be
// pure cost. Larger writes go through syscall.Syscall, so a long copy
// cannot hold up a garbage collection's stop-the-world.
const rawIOMax = 64 << 10

// rawIO reads or writes (trap SYS_READ or SYS_WRITE) the non-blocking
// socket fd.
func rawIO(trap uintptr, fd int, p []byte) (int, error) {
	if len(p) == 0 {
		return 0, nil
	}
	if len(p) > rawIOMax {
		if trap == syscall.SYS_READ {
			p = p[:rawIOMax]
		} else {
			return ioResult(syscall.Syscall(trap, uintptr(fd), uintptr(unsafe.Pointer(&p[0])), uintptr(len(p))))
		}
	}
	return ioResult(syscall.RawSyscall(trap, uintptr(fd), uintptr(unsafe.Pointer(&p[0])), uintptr(len(p))))
}

// ioResult converts a raw system call's result.
func ioResult(n, _ uintptr, e syscall.Errno) (int, error) {
	if e != 0 {
		return -1, e
	}
	return int(n), nil
}

// rawWriter writes to the socket without waiting; a write that would
// block returns what it wrote and io.ErrShortWrite.
type rawWriter struct{ fd int }

func (w rawWriter) Write(p []byte) (int, error) {
	total := 0
	for total < len(p) {
		n, err := rawIO(syscall.SYS_WRITE, w.fd, p[total:])
		switch {
		case err == syscall.EINTR:
			continue
		case err == syscall.EAGAIN:
			return total, io.ErrShortWrite
		case err != nil:
			return total, err
		}
		total += n
	}
	return total, nil
}

// serveReady serves a readable connection: every complete command
// buffered or readable now, then one write of the replies.
func (l *eventLoop) serveReady(c *conn) {
	for {
		args, err := c.rd.ReadCommand()
		if err != nil {
			if err == errWouldBlock {
				l.flush = append(l.flush, c)
				return
			}
			var perr *resp.ProtocolError
			if errors.As(err, &perr) {
				c.w.Error("ERR " + perr.Msg)
			}
			// EOF, a protocol error, the query buffer limit or a broken
			// socket: send what is pending and hang up.
			if err != io.EOF {
				l.srv.log.Debug("closing connection", "addr", c.nc.RemoteAddr(), "err", err)
			}
			_ = c.flushTo(rawWriter{c.fd})
			l.closeConn(c)
			return
		}
		if c.sess.MayBlock(args) {
			// The command may wait: on a goroutine of its own it cannot
			// hold up the loop's other clients. Replies so far go first.
			l.migrate(c, args)
			return
		}
		if c.exec(args) {
			_ = c.flushTo(rawWriter{c.fd})
			l.closeConn(c)
			return
		}
		if c.sess.ReceivesPushes() {
			l.migrate(c, nil)
			return
		}
		if !c.rd.HasCommand() {
			// The batch is done. Level-triggered epoll reports the socket
			// again if more input is waiting, so no read is wasted on it.
			l.flush = append(l.flush, c)
			return
		}
	}
}

// flushOrMove writes the replies of a finished batch; a connection whose
// client does not read fast enough, or that needs an idle timeout, moves
// to a goroutine (which may wait).
func (l *eventLoop) flushOrMove(c *conn) {
	c.newBatch = true
	err := c.flushTo(rawWriter{c.fd})
	switch {
	case err == io.ErrShortWrite:
		l.migrate(c, nil)
		return
	case err != nil:
		l.srv.log.Debug("write error", "addr", c.nc.RemoteAddr(), "err", err)
		l.closeConn(c)
		return
	}
	if c.closing.Load() {
		l.closeConn(c)
		return
	}
	if c.applyLimits() > 0 {
		l.migrate(c, nil)
	}
}

// loops is the server's set of event loops, started with the first
// connection that can use one.
type loops struct {
	mu    sync.Mutex
	list  []*eventLoop
	next  int
	error bool // unavailable or stopped: serve with goroutines
}

// defaultEventLoops is one loop per two GOMAXPROCS (at least one): the
// other half of the processors is left to connections in goroutine mode,
// the store's background work and the garbage collector. On a two-core
// machine that is one loop, as Redis has one event loop.
func defaultEventLoops() int { return max(1, runtime.GOMAXPROCS(0)/2) }

// loopFor returns the loop for a new connection, or nil when the event
// loop is off or cannot run.
func (srv *Server) loopFor() *eventLoop {
	n := srv.opts.EventLoops
	if n < 0 {
		return nil
	}
	if n == 0 {
		n = defaultEventLoops()
	}
	ls := &srv.loops
	ls.mu.Lock()
	defer ls.mu.Unlock()
	if ls.error {
		return nil
	}
	if len(ls.list) < n {
		l, err := newEventLoop(srv)
		if err != nil {
			srv.log.Warn("event loop unavailable; serving one goroutine per connection", "err", err)
			ls.error = true
			return nil
		}
		ls.list = append(ls.list, l)
		return l
	}
	l := ls.list[ls.next%len(ls.list)]
	ls.next++
	return l
}

// dropLoop takes a failed loop out of the server's list: new connections
// go to the others, or to a new loop.
func (srv *Server) dropLoop(l *eventLoop) {
	ls := &srv.loops
	ls.mu.Lock()
	defer ls.mu.Unlock()
	for i, x := range ls.list {
		if x == l {
			ls.list = append(ls.list[:i], ls.list[i+1:]...)
			return
		}
	}
}

// stopLoops ends every event loop (after their connections are closed).
func (srv *Server) stopLoops() {
	ls := &srv.loops
	ls.mu.Lock()
	list := ls.list
	ls.list = nil
	ls.error = true // no new loops once stopping
	ls.mu.Unlock()
	for _, l := range list {
		l.stopLoop()
	}
}

// serveLoopConn serves an attached connection in an event loop when it
// can; it reports false when the caller must give it a goroutine.
func (srv *Server) serveLoopConn(c *conn) bool {
	sc, ok := c.nc.(syscall.Conn)
	if !ok {
		return false
	}
	switch c.nc.(type) {
	case *net.TCPConn, *net.UnixConn:
	default:
		return false
	}
	raw, err := sc.SyscallConn()
	if err != nil {
		return false
	}
	fd := -1
	if err := raw.Control(func(s uintptr) { fd = int(s) }); err != nil || fd < 0 {
		return false
	}
	l := srv.loopFor()
	if l == nil {
		return false
	}
	// Take the socket away from Go's runtime poller: a duplicate of the
	// descriptor, registered only with the loop's epoll, and the net.Conn
	// closed. Left registered, every packet would also wake the runtime's
	// own poller (an idle P in epoll_wait) for a goroutine that is never
	// waiting on it: a wake-up and two context switches per request.
	nfd, err := dupCloexec(fd)
	if err != nil {
		return false
	}
	_ = c.nc.Close() // the duplicate keeps the socket open
	c.ownFD = true
	l.add(c, nfd)
	return true
}

// dupCloexec duplicates fd with close-on-exec set.
func dupCloexec(fd int) (int, error) {
	for {
		r, _, e := syscall.Syscall(syscall.SYS_FCNTL, uintptr(fd), syscall.F_DUPFD_CLOEXEC, 0)
		if e == syscall.EINTR {
			continue
		}
		if e != 0 {
			return -1, e
		}
		return int(r), nil
	}
}

// reattach gives a detached socket back to Go's runtime as a net.Conn,
// for goroutine mode. The descriptor fd stays open and owned by the
// caller.
func reattach(fd int) (net.Conn, error) {
	nfd, err := dupCloexec(fd)
	if err != nil {
		return nil, err
	}
	f := os.NewFile(uintptr(nfd), "")
	defer f.Close()
	return net.FileConn(f) // a duplicate of its own, non-blocking
}

// closeOwnFD closes the socket a detached connection owns, once.
func (c *conn) closeOwnFD() {
	if c.ownFD {
		c.ownFD = false
		_ = syscall.Close(c.fd)
	}
}

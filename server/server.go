package server

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net"
	"os"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/embedis/embedis"
)

// DefaultAddr is the address ListenAndServe uses when Options.Addr is
// empty: Redis's port, on the loopback interface only.
const DefaultAddr = "127.0.0.1:6379"

// ErrServerClosed is returned by Serve and ListenAndServe after Shutdown
// or Close.
var ErrServerClosed = errors.New("server: closed")

// Options configure a Server. The zero value (or nil) is a usable
// configuration.
type Options struct {
	// Addr is the TCP address ListenAndServe listens on ("host:port";
	// "" skips TCP when UnixSocket is set). Default: "127.0.0.1:6379".
	Addr string
	// UnixSocket is a unix socket path ListenAndServe also listens on
	// (redis "unixsocket"). Default: none.
	UnixSocket string
	// UnixSocketPerm is the socket file's permission bits
	// ("unixsocketperm"). Default: 0 (leave the umask's).
	UnixSocketPerm os.FileMode
	// RequirePass, when set, is written to the store's requirepass
	// parameter by New: clients must AUTH. Default: "" (the store's
	// setting is kept).
	RequirePass string
	// MaxClients, when positive, is written to the store's maxclients
	// parameter by New. Default: 0 (the store's setting, 10000 unless
	// changed, is kept).
	MaxClients int
	// Logger receives connection errors and lifecycle messages. Default:
	// nothing is logged.
	Logger *slog.Logger
	// EventLoops is the number of event-loop goroutines that serve TCP and
	// unix-socket connections on Linux (epoll, many connections per
	// goroutine, as Redis's event loop); -1 gives every connection a
	// goroutine of its own instead. In-memory connections and other
	// systems always use a goroutine per connection. Default: 0, meaning
	// one loop per two GOMAXPROCS (at least one).
	EventLoops int
	// LoopPoll is how long an event loop that has just run out of ready
	// connections keeps polling for more before it sleeps in epoll_wait
	// (Linux). Under load a client's next request usually arrives within
	// microseconds, and a sleeping loop makes the client's write pay for
	// waking it, which on a virtual machine means waking an idle virtual
	// CPU. The loop polls only while polling pays: after a poll that
	// found nothing it sleeps at once, until a sleep ends within LoopPoll,
	// and it polls for at most 2.5 ms of each 10 ms accounting period.
	// Default: 0, meaning 50µs; negative: never poll.
	LoopPoll time.Duration
}

// Server serves a Store over RESP2/RESP3 to any number of connections:
// TCP, unix sockets, or in-memory connections from DialContext.
type Server struct {
	store *embedis.Store
	opts  Options
	log   *slog.Logger

	mu        sync.Mutex
	listeners map[net.Listener]struct{}
	conns     map[*conn]struct{}
	infos     []string // listener descriptions for INFO
	loops     loops

	closing  atomic.Bool
	connWG   sync.WaitGroup // connection goroutines
	serveWG  sync.WaitGroup // Serve loops
	shutdown chan struct{}  // closed by Shutdown/Close
	once     sync.Once
}

// New returns a Server for store. It does not listen yet: call Serve,
// ListenAndServe or DialContext.
func New(store *embedis.Store, opts *Options) (*Server, error) {
	var o Options
	if opts != nil {
		o = *opts
	}
	if o.RequirePass != "" {
		if err := store.LoadConfig("requirepass", o.RequirePass); err != nil {
			return nil, err
		}
	}
	if o.MaxClients > 0 {
		if err := store.LoadConfig("maxclients", strconv.Itoa(o.MaxClients)); err != nil {
			return nil, err
		}
	}
	log := o.Logger
	if log == nil {
		log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	return &Server{
		store: store, opts: o, log: log,
		listeners: map[net.Listener]struct{}{},
		conns:     map[*conn]struct{}{},
		shutdown:  make(chan struct{}),
	}, nil
}

// Store returns the store the server serves.
func (srv *Server) Store() *embedis.Store { return srv.store }

// ListenAndServe listens on Options.Addr (default 127.0.0.1:6379) and on
// Options.UnixSocket when set, and serves until Shutdown or Close, when it
// returns ErrServerClosed. An error opening a listener is returned at once.
func (srv *Server) ListenAndServe() error {
	var ls []net.Listener
	addr := srv.opts.Addr
	if addr == "" && srv.opts.UnixSocket == "" {
		addr = DefaultAddr
	}
	if addr != "" {
		l, err := net.Listen("tcp", addr)
		if err != nil {
			return err
		}
		ls = append(ls, l)
	}
	if p := srv.opts.UnixSocket; p != "" {
		_ = os.Remove(p)
		l, err := net.Listen("unix", p)
		if err != nil {
			for _, x := range ls {
				x.Close()
			}
			return err
		}
		if srv.opts.UnixSocketPerm != 0 {
			if err := os.Chmod(p, srv.opts.UnixSocketPerm); err != nil {
				l.Close()
				for _, x := range ls {
					x.Close()
				}
				return err
			}
		}
		ls = append(ls, l)
	}
	errs := make(chan error, len(ls))
	for _, l := range ls {
		go func(l net.Listener) { errs <- srv.Serve(l) }(l)
	}
	var first error
	for range ls {
		err := <-errs
		if first == nil || first == ErrServerClosed {
			first = err
		}
		if err != ErrServerClosed {
			srv.Close()
		}
	}
	return first
}

// Serve accepts connections on l and serves each in its own goroutine
// until Shutdown or Close, when it returns ErrServerClosed. The listener
// is closed when Serve returns. Its address is recorded in the store's
// configuration (port, bind, unixsocket) and in INFO server.
func (srv *Server) Serve(l net.Listener) error {
	if !srv.trackListener(l) {
		l.Close()
		return ErrServerClosed
	}
	defer srv.serveWG.Done()
	defer srv.untrackListener(l)
	var delay time.Duration
	for {
		nc, err := l.Accept()
		if err != nil {
			if srv.closing.Load() {
				return ErrServerClosed
			}
			var ne net.Error
			if errors.As(err, &ne) && ne.Timeout() || isTemporary(err) {
				// Too many open files and the like: back off, as net/http does.
				if delay == 0 {
					delay = 5 * time.Millisecond
				} else {
					delay = min(2*delay, time.Second)
				}
				srv.log.Warn("accept error; retrying", "err", err, "delay", delay)
				select {
				case <-time.After(delay):
				case <-srv.shutdown:
					return ErrServerClosed
				}
				continue
			}
			return err
		}
		delay = 0
		srv.serveConn(nc)
	}
}

func isTemporary(err error) bool {
	var t interface{ Temporary() bool }
	return errors.As(err, &t) && t.Temporary()
}

// trackListener records l; it reports false once the server is closing.
func (srv *Server) trackListener(l net.Listener) bool {
	srv.mu.Lock()
	defer srv.mu.Unlock()
	if srv.closing.Load() {
		return false
	}
	srv.listeners[l] = struct{}{}
	srv.serveWG.Add(1)
	var info string
	switch a := l.Addr().(type) {
	case *net.TCPAddr:
		host := a.IP.String()
		info = "name=tcp,bind=" + host + ",port=" + strconv.Itoa(a.Port)
		_ = srv.store.LoadConfig("port", strconv.Itoa(a.Port), "bind", host)
	case *net.UnixAddr:
		info = "name=unix,bind=" + a.Name
		_ = srv.store.LoadConfig("unixsocket", a.Name)
	default:
		info = "name=" + l.Addr().Network() + ",bind=" + l.Addr().String()
	}
	srv.infos = append(srv.infos, info)
	srv.store.SetListenerInfo(srv.infos)
	return true
}

func (srv *Server) untrackListener(l net.Listener) {
	srv.mu.Lock()
	delete(srv.listeners, l)
	srv.mu.Unlock()
	l.Close()
}

// DialContext returns the client end of a new in-memory connection
// served by srv, with no socket at all. Its signature is go-redis's
// Options.Dialer, so a go-redis client can use the server directly:
//
//	rdb := redis.NewClient(&redis.Options{Dialer: srv.DialContext})
//
// network and addr are ignored.
func (srv *Server) DialContext(ctx context.Context, network, addr string) (net.Conn, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if srv.closing.Load() {
		return nil, ErrServerClosed
	}
	client, server := newMemConnPair()
	srv.serveConn(server)
	return client, nil
}

// Dial is DialContext with a background context.
func (srv *Server) Dial() (net.Conn, error) {
	return srv.DialContext(context.Background(), "embedis", "")
}

// ServeConn serves one connection the caller accepted itself, in a new
// goroutine. The server closes it when the client disconnects or the
// server shuts down.
func (srv *Server) ServeConn(nc net.Conn) { srv.serveConn(nc) }

func (srv *Server) serveConn(nc net.Conn) {
	c := newConn(srv, nc)
	srv.mu.Lock()
	if srv.closing.Load() {
		srv.mu.Unlock()
		nc.Close()
		return
	}
	srv.conns[c] = struct{}{}
	srv.connWG.Add(1)
	srv.mu.Unlock()
	if !c.attach() {
		c.finish()
		return
	}
	if c.applyLimits() == 0 && srv.serveLoopConn(c) {
		return
	}
	go func() {
		defer c.finish()
		c.serveLoop(nil)
	}()
}

func (srv *Server) removeConn(c *conn) {
	srv.mu.Lock()
	delete(srv.conns, c)
	srv.mu.Unlock()
}

// NumConns returns the number of connections being served.
func (srv *Server) NumConns() int {
	srv.mu.Lock()
	defer srv.mu.Unlock()
	return len(srv.conns)
}

// Shutdown stops the server gracefully: it closes the listeners, cancels
// the context of every client (so that blocked commands return), lets each
// connection finish the command it is running and send the replies it has,
// and closes it. It waits until every connection is done or ctx ends, in
// which case the remaining connections are closed at once and ctx's error
// is returned. Shutdown does not close the Store.
func (srv *Server) Shutdown(ctx context.Context) error {
	srv.beginClose()
	srv.mu.Lock()
	for c := range srv.conns {
		c.stop()
	}
	srv.mu.Unlock()
	done := make(chan struct{})
	go func() {
		srv.connWG.Wait()
		srv.serveWG.Wait()
		srv.stopLoops()
		close(done)
	}()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		srv.closeConns()
		<-done
		return ctx.Err()
	}
}

// Close closes the listeners and every connection at once, and waits for
// their goroutines to end.
func (srv *Server) Close() error {
	srv.beginClose()
	srv.closeConns()
	srv.connWG.Wait()
	srv.serveWG.Wait()
	srv.stopLoops()
	return nil
}

func (srv *Server) beginClose() {
	srv.once.Do(func() {
		srv.mu.Lock()
		srv.closing.Store(true)
		close(srv.shutdown)
		for l := range srv.listeners {
			l.Close()
		}
		srv.mu.Unlock()
	})
}

func (srv *Server) closeConns() {
	srv.mu.Lock()
	for c := range srv.conns {
		c.kill()
	}
	srv.mu.Unlock()
}

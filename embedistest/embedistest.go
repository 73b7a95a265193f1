package embedistest

import (
	"context"
	"net"
	"sync/atomic"
	"testing"
	"time"

	"github.com/embedis/embedis"
	"github.com/embedis/embedis/server"
)

// Server is an embedis server started by Run for one test. It serves
// TCP on a free port of 127.0.0.1 and in-memory connections (DialContext),
// and owns a controllable clock.
type Server struct {
	store *embedis.Store
	srv   *server.Server
	addr  string
	clock *Clock
}

// Option configures Run.
type Option func(*config)

type config struct {
	opts  embedis.Options
	pairs []string
	srv   server.Options
}

// WithOptions sets the Store's options (the Clock field is replaced by the
// server's controllable clock).
func WithOptions(o embedis.Options) Option { return func(c *config) { c.opts = o } }

// WithConfig sets configuration parameters (name, value pairs) as
// redis.conf would, before the server starts: WithConfig("maxmemory",
// "10mb", "notify-keyspace-events", "KEA").
func WithConfig(nameValues ...string) Option {
	return func(c *config) { c.pairs = append(c.pairs, nameValues...) }
}

// WithPassword makes clients authenticate (requirepass).
func WithPassword(pw string) Option { return func(c *config) { c.srv.RequirePass = pw } }

// Run starts a store and a server for the test and stops both in
// t.Cleanup. It fails the test if they cannot start.
func Run(t testing.TB, options ...Option) *Server {
	t.Helper()
	var cfg config
	for _, o := range options {
		o(&cfg)
	}
	clock := &Clock{}
	cfg.opts.Clock = clock
	store, err := embedis.Open(&cfg.opts)
	if err != nil {
		t.Fatalf("embedistest: open: %v", err)
	}
	if err := store.LoadConfig(append([]string{"enable-debug-command", "yes"}, cfg.pairs...)...); err != nil {
		store.Close()
		t.Fatalf("embedistest: config: %v", err)
	}
	srv, err := server.New(store, &cfg.srv)
	if err != nil {
		store.Close()
		t.Fatalf("embedistest: %v", err)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		store.Close()
		t.Fatalf("embedistest: listen: %v", err)
	}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(l) }()
	s := &Server{store: store, srv: srv, addr: l.Addr().String(), clock: clock}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := srv.Shutdown(ctx); err != nil {
			t.Errorf("embedistest: shutdown: %v", err)
		}
		<-served
		if err := store.Close(); err != nil {
			t.Errorf("embedistest: close: %v", err)
		}
	})
	return s
}

// Addr returns the server's TCP address, "127.0.0.1:port".
func (s *Server) Addr() string { return s.addr }

// Store returns the server's Store, for direct (typed) access to the data
// the clients see.
func (s *Server) Store() *embedis.Store { return s.store }

// Server returns the RESP server.
func (s *Server) Server() *server.Server { return s.srv }

// DialContext opens an in-memory connection to the server, with no socket.
// Its signature is go-redis's Options.Dialer:
//
//	rdb := redis.NewClient(&redis.Options{Dialer: srv.DialContext})
func (s *Server) DialContext(ctx context.Context, network, addr string) (net.Conn, error) {
	return s.srv.DialContext(ctx, network, addr)
}

// Clock returns the server's clock.
func (s *Server) Clock() *Clock { return s.clock }

// FastForward moves the server's clock forward by d: keys whose TTL
// passes are expired for every later command. It costs O(1) whatever the
// number of keys.
func (s *Server) FastForward(d time.Duration) { s.clock.Add(d) }

// SetTime sets the server's clock to t. Unless the clock is frozen it
// keeps running from there.
func (s *Server) SetTime(t time.Time) { s.clock.Set(t) }

// Clock is the server's time: the system clock plus an offset, or a
// frozen instant. All methods are safe for concurrent use and O(1).
type Clock struct {
	offset atomic.Int64 // ns added to the system clock
	frozen atomic.Int64 // unix ns of the frozen time; 0 = running
}

// Now returns the clock's time. It implements embedis.Clock.
func (c *Clock) Now() time.Time {
	if f := c.frozen.Load(); f != 0 {
		return time.Unix(0, f)
	}
	return time.Now().Add(time.Duration(c.offset.Load()))
}

// Add moves the clock by d (forward when d > 0).
func (c *Clock) Add(d time.Duration) {
	for {
		f := c.frozen.Load()
		if f == 0 {
			c.offset.Add(int64(d))
			return
		}
		if c.frozen.CompareAndSwap(f, f+int64(d)) {
			return
		}
	}
}

// Set sets the clock to t; a frozen clock stays frozen at t.
func (c *Clock) Set(t time.Time) {
	if c.frozen.Load() != 0 {
		c.frozen.Store(max(t.UnixNano(), 1))
		return
	}
	c.offset.Store(int64(time.Until(t)))
}

// Freeze stops the clock at its current time: TTLs no longer run in real
// time, only through Add and Set.
func (c *Clock) Freeze() {
	now := c.Now()
	c.frozen.Store(max(now.UnixNano(), 1))
}

// Unfreeze lets the clock run again from the time it shows.
func (c *Clock) Unfreeze() {
	f := c.frozen.Load()
	if f == 0 {
		return
	}
	c.offset.Store(int64(time.Until(time.Unix(0, f))))
	c.frozen.Store(0)
}

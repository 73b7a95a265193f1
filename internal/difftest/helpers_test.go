package difftest

import (
	"bufio"
	"errors"
	"fmt"
	"net"
	"runtime"
	"strings"
	"sync"
	"testing"
)

// recorder is a testing.TB that records failures instead of failing, so a
// test can check that the library reports a mismatch. Fatal, FailNow and
// Skip end the goroutine, as they do in a real test; use capture to run
// code against a recorder.
type recorder struct {
	testing.TB // the real test: Cleanup, TempDir, Name, … go to it

	mu      sync.Mutex
	errs    []string
	logs    []string
	skipped string
	failed  bool
}

func (r *recorder) Helper() {}

func (r *recorder) Errorf(format string, args ...any) { r.add(fmt.Sprintf(format, args...)) }
func (r *recorder) Error(args ...any)                 { r.add(fmt.Sprint(args...)) }
func (r *recorder) Fatalf(format string, args ...any) {
	r.add(fmt.Sprintf(format, args...))
	runtime.Goexit()
}
func (r *recorder) Fatal(args ...any)                { r.add(fmt.Sprint(args...)); runtime.Goexit() }
func (r *recorder) Fail()                            { r.mu.Lock(); r.failed = true; r.mu.Unlock() }
func (r *recorder) FailNow()                         { r.Fail(); runtime.Goexit() }
func (r *recorder) Skip(args ...any)                 { r.skip(fmt.Sprint(args...)) }
func (r *recorder) Skipf(format string, args ...any) { r.skip(fmt.Sprintf(format, args...)) }
func (r *recorder) SkipNow()                         { r.skip("SkipNow") }

func (r *recorder) Failed() bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.failed
}

func (r *recorder) Logf(format string, args ...any) {
	r.mu.Lock()
	r.logs = append(r.logs, fmt.Sprintf(format, args...))
	r.mu.Unlock()
}

func (r *recorder) Log(args ...any) { r.Logf("%s", fmt.Sprint(args...)) }

func (r *recorder) add(msg string) {
	r.mu.Lock()
	r.errs = append(r.errs, msg)
	r.failed = true
	r.mu.Unlock()
}

func (r *recorder) skip(msg string) {
	r.mu.Lock()
	r.skipped = msg
	r.mu.Unlock()
	runtime.Goexit()
}

// all returns every recorded error joined, for matching and for printing.
func (r *recorder) all() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return strings.Join(r.errs, "\n")
}

// capture runs fn against a recorder in its own goroutine, so Goexit from
// Fatal or Skip ends only fn.
func capture(t *testing.T, fn func(tb testing.TB)) *recorder {
	t.Helper()
	rec := &recorder{TB: t}
	done := make(chan struct{})
	go func() {
		defer close(done)
		fn(rec)
	}()
	<-done
	return rec
}

// fakeServer is a tiny RESP server whose replies come from a function of
// the request's arguments. It stands in for a buggy subject.
type fakeServer struct {
	ln     net.Listener
	handle func(args []string) string
	wg     sync.WaitGroup

	mu    sync.Mutex
	conns map[net.Conn]struct{}
}

// startFake serves on a free port until the test ends; Cleanup closes the
// listener and every connection and waits for all goroutines.
func startFake(t *testing.T, handle func(args []string) string) *fakeServer {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	f := &fakeServer{ln: ln, handle: handle, conns: make(map[net.Conn]struct{})}
	f.wg.Add(1)
	go f.accept()
	t.Cleanup(func() {
		ln.Close()
		f.mu.Lock()
		for c := range f.conns {
			c.Close()
		}
		f.mu.Unlock()
		f.wg.Wait()
	})
	return f
}

func (f *fakeServer) Name() string         { return "fake " + f.ln.Addr().String() }
func (f *fakeServer) Dial() (*Conn, error) { return Dial(f.ln.Addr().String()) }

func (f *fakeServer) accept() {
	defer f.wg.Done()
	for {
		c, err := f.ln.Accept()
		if err != nil {
			return
		}
		f.mu.Lock()
		f.conns[c] = struct{}{}
		f.mu.Unlock()
		f.wg.Add(1)
		go f.serve(c)
	}
}

func (f *fakeServer) serve(c net.Conn) {
	defer f.wg.Done()
	defer func() {
		c.Close()
		f.mu.Lock()
		delete(f.conns, c)
		f.mu.Unlock()
	}()
	br := bufio.NewReader(c)
	for {
		raw, err := readFrame(br)
		if err != nil {
			return // EOF, or not a multibulk (e.g. inline): hang up
		}
		fr, err := ParseFrame(raw)
		if err != nil || fr.Type != '*' {
			return
		}
		args := make([]string, len(fr.Elems))
		for i, e := range fr.Elems {
			args[i] = string(e.Data)
		}
		if _, err := c.Write([]byte(f.handle(args))); err != nil {
			return
		}
	}
}

// alwaysOK answers +OK to everything, HELLO included.
func alwaysOK([]string) string { return "+OK\r\n" }

// startPair starts two independent redis-servers; they must agree on
// everything.
func startPair(t *testing.T) (*Redis, *Redis) {
	t.Helper()
	return StartRedis(t), StartRedis(t)
}

// isClosed is errors.Is(err, ErrClosed), spelled out for test readability.
func isClosed(err error) bool { return errors.Is(err, ErrClosed) }

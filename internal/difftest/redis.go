package difftest

import (
	"bytes"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// Environment variables read by StartRedis.
const (
	// RequireRedisEnv, when set to "1", turns a missing redis-server into
	// a test failure instead of a skip. CI sets it.
	RequireRedisEnv = "EMBEDIS_REQUIRE_REDIS"
	// RedisServerEnv names a redis-server binary to use instead of the
	// one found in PATH, for example a local 7.4 build.
	RedisServerEnv = "EMBEDIS_REDIS_SERVER"
)

// redisNotFound is the skip reason when no redis-server is available.
const redisNotFound = "redis-server not found in PATH (install Debian's redis-server to run differential tests)"

const (
	startAttempts = 5                // fresh ports tried when bind fails
	startTimeout  = 10 * time.Second // until the server answers PING
	stopTimeout   = 5 * time.Second  // after SIGTERM, before SIGKILL
)

// Redis is a redis-server child process started by StartRedis. It is a
// Target. Its methods are safe for concurrent use.
type Redis struct {
	addr    string
	version string
	logPath string
	cmd     *exec.Cmd
	exited  chan struct{} // closed once the process has been reaped
	waitErr error         // the process's exit status; read after exited closes
}

// StartRedis starts a redis-server listening on a free port on 127.0.0.1
// with persistence off, DEBUG enabled and its working directory in
// t.TempDir(), waits until it answers PING, and stops it in t.Cleanup
// (SIGTERM, then SIGKILL if it has not exited after five seconds).
// extraArgs are appended to the command line, e.g. "--maxmemory", "1mb";
// they override the defaults. A server that exits before cleanup, such as
// one that crashed, fails the test.
//
// If no redis-server binary is found (RedisServerEnv, then PATH) the test
// is skipped, or fails if RequireRedisEnv is "1".
func StartRedis(t testing.TB, extraArgs ...string) *Redis {
	t.Helper()
	bin, err := redisBinary()
	if err != nil {
		if os.Getenv(RequireRedisEnv) == "1" {
			t.Fatalf("difftest: %s, and %s=1 forbids skipping: %v", redisNotFound, RequireRedisEnv, err)
		}
		t.Skip(redisNotFound)
	}
	dir := t.TempDir()
	for attempt := 1; ; attempt++ {
		r, retry, err := startRedis(bin, dir, attempt, extraArgs)
		if err == nil {
			t.Cleanup(func() { r.stop(t) })
			return r
		}
		if !retry || attempt == startAttempts {
			t.Fatalf("difftest: starting %s: %v", bin, err)
		}
	}
}

func redisBinary() (string, error) {
	if p := os.Getenv(RedisServerEnv); p != "" {
		return exec.LookPath(p)
	}
	return exec.LookPath("redis-server")
}

// freePort asks the kernel for an unused port. Another process may take it
// before redis-server binds it; startRedis then retries with a new one.
func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// startRedis makes one attempt. retry reports a failure worth retrying on
// another port.
func startRedis(bin, dir string, attempt int, extraArgs []string) (r *Redis, retry bool, err error) {
	port, err := freePort()
	if err != nil {
		return nil, false, err
	}
	logPath := filepath.Join(dir, fmt.Sprintf("redis-%d.log", attempt))
	args := []string{
		"--port", strconv.Itoa(port),
		"--bind", "127.0.0.1",
		"--save", "",
		"--appendonly", "no",
		"--daemonize", "no",
		"--dir", dir,
		"--logfile", logPath,
		"--enable-debug-command", "yes",
	}
	cmd := exec.Command(bin, append(args, extraArgs...)...)
	setProcAttr(cmd)
	if err := cmd.Start(); err != nil {
		return nil, false, err
	}
	r = &Redis{
		addr:    net.JoinHostPort("127.0.0.1", strconv.Itoa(port)),
		logPath: logPath,
		cmd:     cmd,
		exited:  make(chan struct{}),
	}
	go func() {
		r.waitErr = cmd.Wait()
		close(r.exited)
	}()
	if err := r.waitReady(); err != nil {
		r.kill()
		log := r.logTail()
		retry = strings.Contains(log, "Address already in use") || errors.Is(err, errNotOurs)
		return nil, retry, fmt.Errorf("%w\n--- %s ---\n%s", err, logPath, log)
	}
	return r, false, nil
}

var errNotOurs = errors.New("another process answers on the port")

// waitReady polls until the server answers PING, then reads its version
// and checks that the server answering is the process we started.
func (r *Redis) waitReady() error {
	deadline := time.Now().Add(startTimeout)
	for {
		select {
		case <-r.exited:
			return fmt.Errorf("redis-server exited during startup: %v", r.waitErr)
		default:
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("redis-server did not answer PING on %s within %v", r.addr, startTimeout)
		}
		if err := r.probe(); err == nil || errors.Is(err, errNotOurs) {
			return err
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func (r *Redis) probe() error {
	c, err := Dial(r.addr)
	if err != nil {
		return err
	}
	defer c.Close()
	c.SetTimeout(time.Second)
	if raw, err := c.Do("PING"); err != nil || string(raw) != "+PONG\r\n" {
		return fmt.Errorf("PING: %q %v", raw, err) // e.g. -LOADING
	}
	raw, err := c.Do("INFO", "server")
	if err != nil {
		return err
	}
	f, err := ParseFrame(raw)
	if err != nil || f.Type != '$' || f.Null {
		return fmt.Errorf("INFO server: %q %v", raw, err)
	}
	info := parseInfo(string(f.Data))
	if info["process_id"] != strconv.Itoa(r.cmd.Process.Pid) {
		return fmt.Errorf("%w %s (process_id %s, ours %d)", errNotOurs, r.addr, info["process_id"], r.cmd.Process.Pid)
	}
	r.version = info["redis_version"]
	return nil
}

// parseInfo returns the key:value lines of an INFO reply.
func parseInfo(s string) map[string]string {
	m := make(map[string]string)
	for _, line := range strings.Split(s, "\r\n") {
		if k, v, ok := strings.Cut(line, ":"); ok && !strings.HasPrefix(line, "#") {
			m[k] = v
		}
	}
	return m
}

// stop ends the process (SIGTERM, then SIGKILL) and reports an earlier,
// unexpected exit as a test failure.
func (r *Redis) stop(t testing.TB) {
	select {
	case <-r.exited:
		t.Errorf("difftest: redis-server at %s exited before the test ended: %v\n--- %s ---\n%s",
			r.addr, r.waitErr, r.logPath, r.logTail())
		return
	default:
	}
	_ = r.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-r.exited:
	case <-time.After(stopTimeout):
		t.Logf("difftest: redis-server at %s ignored SIGTERM for %v; killing it", r.addr, stopTimeout)
		r.kill()
	}
}

// kill sends SIGKILL and waits until the process has been reaped.
func (r *Redis) kill() {
	_ = r.cmd.Process.Kill()
	<-r.exited
}

// logTail returns the end of the server's log file.
func (r *Redis) logTail() string {
	b, err := os.ReadFile(r.logPath)
	if err != nil {
		return "(no log: " + err.Error() + ")"
	}
	const max = 4 << 10
	if len(b) > max {
		b = b[len(b)-max:]
		if i := bytes.IndexByte(b, '\n'); i >= 0 {
			b = b[i+1:]
		}
	}
	return string(b)
}

// Addr returns the server's "127.0.0.1:port" address.
func (r *Redis) Addr() string { return r.addr }

// Version returns the server's version, e.g. "7.0.15", from INFO server.
func (r *Redis) Version() string { return r.version }

// Name implements Target: "redis-server <version> at <addr>".
func (r *Redis) Name() string { return "redis-server " + r.version + " at " + r.addr }

// Dial implements Target: it opens a new RESP2 connection to the server.
func (r *Redis) Dial() (*Conn, error) { return Dial(r.addr) }

// Connect dials target and closes the connection in t.Cleanup, failing the
// test if the dial fails. It is a shorthand for protocol tests.
func Connect(t testing.TB, target Target) *Conn {
	t.Helper()
	c, err := target.Dial()
	if err != nil {
		t.Fatalf("difftest: dial %s: %v", target.Name(), err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

package main

import (
	"bytes"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/embedis/embedis/resp"

	"github.com/embedis/embedis/internal/difftest"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func TestParseArgs(t *testing.T) {
	dirs, file, err := parseArgs([]string{"--port", "7000", "--save", "900", "1", "--save", "", "--appendonly", "yes"}, nil)
	require.NoError(t, err)
	assert.Equal(t, "", file)
	require.Len(t, dirs, 4)
	assert.Equal(t, "port", dirs[0].name)
	assert.Equal(t, []string{"7000"}, dirs[0].args)
	assert.Equal(t, []string{"900", "1"}, dirs[1].args)
	assert.Equal(t, []string{""}, dirs[2].args)
	_, _, err = parseArgs([]string{"--port", "1", "stray", "--x"}, nil)
	require.NoError(t, err, "words after an option are its arguments")
	_, _, err = parseArgs([]string{"--help"}, nil)
	assert.ErrorIs(t, err, errUsage)
	_, _, err = parseArgs([]string{"-v"}, nil)
	assert.ErrorIs(t, err, errVersion)
	dirs, _, err = parseArgs([]string{"-", "--hz", "20"}, strings.NewReader("port 7001\n# comment\n\nbind 127.0.0.1 ::1\n"))
	require.NoError(t, err)
	require.Len(t, dirs, 3)
	assert.Equal(t, []string{"127.0.0.1", "::1"}, dirs[1].args)
	assert.Equal(t, "hz", dirs[2].name)
}

func TestSplitArgs(t *testing.T) {
	for line, want := range map[string][]string{
		`save ""`:                 {"save", ""},
		`requirepass "a b\x41\n"`: {"requirepass", "a bA\n"},
		`logfile 'it\'s'`:         {"logfile", "it's"},
		"  port   6379  ":         {"port", "6379"},
	} {
		got, ok := resp.SplitArgs(line)
		require.True(t, ok, line)
		assert.Equal(t, want, got, line)
	}
	for _, bad := range []string{`a "b`, `a 'b`, `a "b"c`} {
		_, ok := resp.SplitArgs(bad)
		assert.False(t, ok, bad)
	}
}

func TestResolve_Errors(t *testing.T) {
	for args, want := range map[string]string{
		"--nosuch x":         "unknown option 'nosuch'",
		"--port abc":         "argument couldn't be parsed into an integer",
		"--maxmemory lots":   "argument must be a memory value",
		"--daemonize yes":    "daemonize yes is not supported",
		"--replicaof h 6379": "replication is not supported",
		"--loadmodule x.so":  "modules are not supported",
	} {
		dirs, _, err := parseArgs(strings.Fields(args), nil)
		require.NoError(t, err)
		_, err = resolve(dirs)
		require.Error(t, err, args)
		assert.Contains(t, err.Error(), want, args)
		assert.Contains(t, err.Error(), ">>> '"+args+"'", "the error shows the line")
	}
}

func TestResolve_Options(t *testing.T) {
	dir := t.TempDir()
	conf := filepath.Join(dir, "redis.conf")
	require.NoError(t, os.WriteFile(filepath.Join(dir, "extra.conf"), []byte("maxmemory 10mb\n"), 0o644))
	require.NoError(t, os.WriteFile(conf, []byte("include extra.conf\nsave 900 1\nsave 60 1000\nappendonly yes\ndatabases 4\nhz 1000\n"), 0o644))
	dirs, file, err := parseArgs([]string{conf, "--dir", dir, "--appendfsync", "always"}, nil)
	require.NoError(t, err)
	assert.Equal(t, conf, file)
	cfg, err := resolve(dirs)
	require.NoError(t, err)
	o := cfg.opts
	assert.Equal(t, int64(10<<20), o.MaxMemory)
	assert.Len(t, o.Save, 2)
	assert.True(t, o.AppendOnly)
	assert.Equal(t, "always", o.AppendFsync)
	assert.Equal(t, 4, o.Databases)
	assert.Equal(t, 500, o.Hz, "hz is clamped as Redis does")
	assert.Equal(t, dir, o.Dir)
}

// Checking the flags writes nothing where the server is started (the
// probe store that validates them used to open its log in the working
// directory when given appendonly yes).
func TestResolve_NoFilesWritten(t *testing.T) {
	wd := t.TempDir()
	t.Chdir(wd)
	data := t.TempDir()
	dirs, _, err := parseArgs([]string{"--appendonly", "yes", "--dir", data, "--save", "1", "1"}, nil)
	require.NoError(t, err)
	cfg, err := resolve(dirs)
	require.NoError(t, err)
	assert.True(t, cfg.opts.AppendOnly)
	for _, d := range []string{wd, data} {
		ents, err := os.ReadDir(d)
		require.NoError(t, err)
		assert.Empty(t, ents, "nothing written in %s", d)
	}
}

func freePort(t *testing.T) string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer l.Close()
	return strconv.Itoa(l.Addr().(*net.TCPAddr).Port)
}

// The binary end to end: start with redis-server flags and a config file,
// serve clients, CONFIG REWRITE the file, and stop with SHUTDOWN.
func TestRun_ServeAndShutdown(t *testing.T) {
	dir := t.TempDir()
	conf := filepath.Join(dir, "redis.conf")
	require.NoError(t, os.WriteFile(conf, []byte("# test\nloglevel warning\n"), 0o644))
	port := freePort(t)
	sock := filepath.Join(dir, "e.sock")
	var stdout, stderr bytes.Buffer
	done := make(chan int, 1)
	go func() {
		done <- run([]string{conf, "--port", port, "--unixsocket", sock, "--requirepass", "pw", "--dir", dir, "--save", "3600", "1"}, nil, &stdout, &stderr)
	}()
	var c *difftest.Conn
	require.Eventually(t, func() bool {
		var err error
		c, err = difftest.Dial("127.0.0.1:" + port)
		return err == nil
	}, 10*time.Second, 10*time.Millisecond, stderr.String())
	defer c.Close()
	assert.Equal(t, "-NOAUTH Authentication required.\r\n", string(mustDo(t, c, "PING")))
	assert.Equal(t, "+OK\r\n", string(mustDo(t, c, "AUTH", "pw")))
	assert.Equal(t, "+OK\r\n", string(mustDo(t, c, "SET", "k", "v")))
	assert.Equal(t, "*2\r\n$4\r\nport\r\n$"+strconv.Itoa(len(port))+"\r\n"+port+"\r\n", string(mustDo(t, c, "CONFIG", "GET", "port")))
	assert.Equal(t, "+OK\r\n", string(mustDo(t, c, "CONFIG", "SET", "maxmemory", "1mb")))
	assert.Equal(t, "+OK\r\n", string(mustDo(t, c, "CONFIG", "REWRITE")))
	b, err := os.ReadFile(conf)
	require.NoError(t, err)
	assert.Contains(t, string(b), "maxmemory 1048576\n")
	assert.Contains(t, string(b), "requirepass pw\n")
	// The unix socket serves too.
	nc, err := net.Dial("unix", sock)
	require.NoError(t, err)
	u := difftest.NewConn(nc)
	assert.Equal(t, "-NOAUTH Authentication required.\r\n", string(mustDo(t, u, "GET", "k")))
	u.Close()
	// SHUTDOWN: no reply, the connection closes, the process exits 0
	// after saving (save points are configured).
	_, err = c.Do("SHUTDOWN")
	assert.ErrorIs(t, err, difftest.ErrClosed)
	select {
	case code := <-done:
		assert.Equal(t, 0, code, stderr.String()+stdout.String())
	case <-time.After(20 * time.Second):
		t.Fatal("embedis did not exit after SHUTDOWN")
	}
	_, err = os.Stat(filepath.Join(dir, "dump.edb"))
	assert.NoError(t, err, "the final snapshot was saved")
}

func mustDo(t *testing.T, c *difftest.Conn, args ...string) []byte {
	t.Helper()
	raw, err := c.Do(args...)
	require.NoError(t, err)
	return raw
}

func TestRun_BadFlagExits1(t *testing.T) {
	var stdout, stderr bytes.Buffer
	assert.Equal(t, 1, run([]string{"--port", "6379", "--bogus-flag", "1"}, nil, &stdout, &stderr))
	assert.Contains(t, stderr.String(), "bogus-flag")
	assert.Equal(t, 0, run([]string{"--version"}, nil, &stdout, &stderr))
	assert.Contains(t, stdout.String(), "Redis 7.4.1 compatible")
}

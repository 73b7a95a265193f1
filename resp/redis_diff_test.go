package resp

import (
	"bytes"
	"errors"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// startRedis starts a redis-server listening only on a unix socket in a
// temporary directory and returns the socket path. The test is skipped if
// redis-server is not installed or -short is set.
func startRedis(t *testing.T, extra ...string) string {
	t.Helper()
	if testing.Short() {
		t.Skip("differential test against redis-server skipped in -short mode")
	}
	bin, err := exec.LookPath("redis-server")
	if err != nil {
		t.Skip("redis-server not installed")
	}
	dir := t.TempDir()
	sock := filepath.Join(dir, "redis.sock")
	args := append([]string{"--port", "0", "--unixsocket", sock, "--save", "", "--appendonly", "no",
		"--dir", dir, "--logfile", filepath.Join(dir, "log")}, extra...)
	cmd := exec.Command(bin, args...)
	require.NoError(t, cmd.Start())
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
	})
	for deadline := time.Now().Add(5 * time.Second); ; {
		c, err := net.Dial("unix", sock)
		if err == nil {
			c.Close()
			return sock
		}
		if time.Now().After(deadline) {
			t.Fatalf("redis-server did not start: %v", err)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// redisOutput sends input to the server on sock and returns everything it
// answers until it closes the connection or stays silent for a moment.
func redisOutput(t *testing.T, sock, input string) string {
	t.Helper()
	c, err := net.Dial("unix", sock)
	require.NoError(t, err)
	defer c.Close()
	_, err = c.Write([]byte(input))
	require.NoError(t, err)
	var out bytes.Buffer
	buf := make([]byte, 4096)
	for {
		_ = c.SetReadDeadline(time.Now().Add(300 * time.Millisecond))
		n, err := c.Read(buf)
		out.Write(buf[:n])
		if err != nil {
			var ne net.Error
			if errors.Is(err, io.EOF) || (errors.As(err, &ne) && ne.Timeout()) || errors.Is(err, os.ErrDeadlineExceeded) {
				return out.String()
			}
			t.Fatalf("reading from redis-server: %v", err)
		}
	}
}

// ourOutput runs input through a Reader, answering PING and ECHO, and
// returns what a server built on it would send.
func ourOutput(input string, unauthenticated bool) string {
	r := NewReader(strings.NewReader(input))
	r.Unauthenticated = unauthenticated
	w := NewWriter(2)
	for {
		args, err := r.ReadCommand()
		if err != nil {
			var perr *ProtocolError
			if errors.As(err, &perr) {
				w.Error("ERR " + perr.Msg)
			}
			return string(w.Bytes())
		}
		switch {
		case unauthenticated:
			w.Error("NOAUTH Authentication required.")
		case strings.EqualFold(string(args[0]), "PING") && len(args) == 1:
			w.SimpleString("PONG")
		case strings.EqualFold(string(args[0]), "ECHO") && len(args) == 2:
			w.Bulk(args[1])
		default:
			w.Error("ERR wrong number of arguments for '" + strings.ToLower(string(args[0])) + "' command")
		}
	}
}

var diffInputs = []string{
	"PING\r\n",
	"PING\n\r\n  \r\nECHO \"a b\\x41\\n\"\r\nECHO 'it\\'s'\r\n",
	"ECHO a\"b c\"\r\n",
	"ECHO \"a\"\vb\r\n",
	"ECHO a\vb\r\n",
	"*1\r\n$4\r\nPING\r\n*0\r\n*-1\r\n*2\r\n$4\r\nECHO\r\n$0\r\n\r\n",
	"*1\rX$4\rYPINGZW",
	"*2\r\n$4\r\nECHOXY$1\r\nkZZ",
	"*x\r\n",
	"*\r\n",
	"*01\r\n",
	"*-0\r\n",
	"*+1\r\n",
	"*2147483648\r\n",
	"*1\r\n$x\r\n",
	"*1\r\n$-1\r\n",
	"*1\r\n$01\r\n",
	"*1\r\n$536870913\r\n",
	"*1\r\n+PING\r\n",
	"*1\r\n\r\n",
	"*2\r\n$4\r\nECHO\r\nk\r\n",
	"ECHO \"a\r\n",
	"ECHO 'a\r\n",
	"ECHO \"a\"b\r\n",
	"ECHO \"a\\\"\r\n",
	"PING\r\n*1\r\n$4\r\nPING\r\n*1\r\n:1\r\n",
	"*" + strings.Repeat("1", 70_000),
	"*1\r\n$" + strings.Repeat("1", 70_000),
	"*1\r\n" + strings.Repeat("X", 70_000),
	// Long enough to be refused, short enough that Redis has read all of it
	// when it closes (unread input would make the socket reset).
	strings.Repeat("A", 70_000),
	"ECHO " + strings.Repeat("A", 65_000) + "\r\n",
	// Inputs Redis waits on: nothing is sent back.
	"*2147483647\r\n$4\r\nPING\r\n",
	"*1\r\n$536870912\r\nabc",
	"PING\x00\r\n",
	"*1\x00\r\n",
}

func TestReader_DifferentialAgainstRedisServer(t *testing.T) {
	sock := startRedis(t)
	for _, in := range diffInputs {
		name := in
		if len(name) > 40 {
			name = name[:40]
		}
		t.Run(name, func(t *testing.T) {
			assert.Equal(t, redisOutput(t, sock, in), ourOutput(in, false))
		})
	}
}

func TestReader_DifferentialAgainstRedisServer_Unauthenticated(t *testing.T) {
	sock := startRedis(t, "--requirepass", "secret")
	for _, in := range []string{
		"*11\r\n",
		"*10\r\n$4\r\nPING\r\n",
		"*2147483648\r\n",
		"*1\r\n$16385\r\n",
		"*1\r\n$16384\r\n",
		"*1\r\n$4\r\nPING\r\n",
		"*1\r\n$100000000\r\n",
	} {
		t.Run(in, func(t *testing.T) {
			assert.Equal(t, redisOutput(t, sock, in), ourOutput(in, true))
		})
	}
}

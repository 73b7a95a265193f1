package difftest

import (
	"errors"
	"net"
	"os"
	"strings"
	"testing"
	"time"
)

func TestConn_Do(t *testing.T) {
	t.Parallel()
	c := Connect(t, StartRedis(t))
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"PING"}, "+PONG\r\n"},
		{[]string{"SET", "k", "a\x00b"}, "+OK\r\n"},
		{[]string{"GET", "k"}, "$3\r\na\x00b\r\n"},
		{[]string{"GET", "missing"}, "$-1\r\n"},
		{[]string{"INCR", "k"}, "-ERR value is not an integer or out of range\r\n"},
		{[]string{"RPUSH", "l", "a", "b"}, ":2\r\n"},
		{[]string{"LRANGE", "l", "0", "-1"}, "*2\r\n$1\r\na\r\n$1\r\nb\r\n"},
	} {
		got, err := c.Do(tc.args...)
		if err != nil || string(got) != tc.want {
			t.Errorf("Do(%q) = %q, %v; want %q", tc.args, got, err, tc.want)
		}
	}
}

// DEBUG PROTOCOL makes redis-server send every RESP3 type, attributes
// included; the scanner must frame each exactly.
func TestConn_RESP3Types(t *testing.T) {
	t.Parallel()
	c := Connect(t, StartRedis(t))
	hello, err := c.Do("HELLO", "3")
	if err != nil || !strings.HasPrefix(string(hello), "%") {
		t.Fatalf("HELLO 3 = %q, %v", hello, err)
	}
	for _, tc := range []struct {
		kind string
		typ  byte
		attr bool
	}{
		{"string", '$', false}, {"integer", ':', false}, {"double", ',', false},
		{"bignum", '(', false}, {"null", '_', false}, {"array", '*', false},
		{"set", '~', false}, {"map", '%', false}, {"attrib", '$', true},
		{"push", '>', false}, {"verbatim", '=', false}, {"true", '#', false}, {"false", '#', false},
	} {
		raw, err := c.Do("DEBUG", "PROTOCOL", tc.kind)
		if err != nil {
			t.Fatalf("DEBUG PROTOCOL %s: %v", tc.kind, err)
		}
		if tc.kind == "push" {
			// The push comes first, then the command's own reply.
			if _, err := c.ReadFrame(); err != nil {
				t.Fatalf("reply after push: %v", err)
			}
		}
		f, err := ParseFrame(raw)
		if err != nil || f.Type != tc.typ || (f.Attr != nil) != tc.attr {
			t.Errorf("DEBUG PROTOCOL %s = %q: parsed %+v, %v; want type %q, attribute %v", tc.kind, raw, f, err, tc.typ, tc.attr)
		}
	}
	// The connection is still in step.
	if got, err := c.Do("PING"); err != nil || string(got) != "+PONG\r\n" {
		t.Errorf("PING after DEBUG PROTOCOL = %q, %v", got, err)
	}
}

func TestConn_SendRawInlineAndPipeline(t *testing.T) {
	t.Parallel()
	c := Connect(t, StartRedis(t))
	if err := c.SendRaw([]byte("SET \"a b\" 'c d'\r\nGET \"a b\"\r\n")); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"+OK\r\n", "$3\r\nc d\r\n"} {
		if got, err := c.ReadFrame(); err != nil || string(got) != want {
			t.Errorf("ReadFrame = %q, %v; want %q", got, err, want)
		}
	}
}

func TestConn_ProtocolErrorThenClosed(t *testing.T) {
	t.Parallel()
	c := Connect(t, StartRedis(t))
	if err := c.SendRaw([]byte("*1\r\n$x\r\n")); err != nil {
		t.Fatal(err)
	}
	got, err := c.ReadFrame()
	if err != nil || string(got) != "-ERR Protocol error: invalid bulk length\r\n" {
		t.Fatalf("ReadFrame = %q, %v", got, err)
	}
	if _, err := c.ReadFrame(); !isClosed(err) {
		t.Fatalf("ReadFrame after a protocol error: %v, want ErrClosed", err)
	}
	if c.Err() == nil || !isClosed(c.Err()) {
		t.Errorf("Err() = %v, want ErrClosed", c.Err())
	}
	if _, err := c.Do("PING"); err == nil {
		t.Error("Do on a closed connection succeeded")
	}
}

func TestConn_Timeout(t *testing.T) {
	t.Parallel()
	c := Connect(t, StartRedis(t))
	c.SetTimeout(50 * time.Millisecond)
	if err := c.SendRaw([]byte("*2\r\n$4\r\nECHO\r\n")); err != nil { // half a request
		t.Fatal(err)
	}
	start := time.Now()
	_, err := c.ReadFrame()
	if !errors.Is(err, os.ErrDeadlineExceeded) || isClosed(err) {
		t.Fatalf("ReadFrame = %v, want a deadline error", err)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("timeout took %v", d)
	}
	if _, err := c.ReadFrame(); err == nil {
		t.Error("a Conn out of step after a timeout kept reading")
	}
}

func TestConn_MalformedReply(t *testing.T) {
	t.Parallel()
	server, client := net.Pipe()
	defer server.Close()
	c := NewConn(client)
	defer c.Close()
	go func() {
		buf := make([]byte, 64)
		server.Read(buf)
		server.Write([]byte("?bogus\r\n"))
	}()
	_, err := c.Do("PING")
	if !errors.Is(err, ErrProtocol) {
		t.Errorf("Do against a malformed reply: %v, want ErrProtocol", err)
	}
}

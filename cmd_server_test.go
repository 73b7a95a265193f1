package embedis

import (
	"bufio"
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/embedis/embedis/resp"
)

// parse reads one RESP reply.
func parse(t *testing.T, raw string) resp.Value {
	t.Helper()
	v, err := resp.ReadReply(bufio.NewReader(strings.NewReader(raw)))
	require.NoError(t, err, "%q", raw)
	return v
}

func TestInfo_Sections(t *testing.T) {
	s, _ := openTest(t)
	sess := s.NewSession()
	do(t, sess, "SET", "a", "1")
	do(t, sess, "SET", "b", "2", "EX", "100")
	info := parse(t, do(t, sess, "INFO")).Str
	for _, h := range []string{"# Clients", "# Memory", "# Persistence", "# Stats", "# Replication", "# CPU", "# Modules", "# Errorstats", "# Cluster", "# Keyspace"} {
		assert.Contains(t, info, "\r\n\r\n"+h+"\r\n", h)
	}
	assert.NotContains(t, info, "# Commandstats")
	assert.Contains(t, info, "redis_version:"+Version+"\r\n")
	assert.Contains(t, info, "db0:keys=2,expires=1,avg_ttl=0,subexpiry=0\r\n")
	assert.True(t, strings.HasPrefix(info, "# Server\r\n"))
	all := parse(t, do(t, sess, "INFO", "all")).Str
	assert.Contains(t, all, "# Commandstats\r\n")
	two := parse(t, do(t, sess, "INFO", "CLIENTS", "keyspace")).Str
	assert.True(t, strings.HasPrefix(two, "# Clients\r\n"), two)
	assert.Contains(t, two, "\r\n\r\n# Keyspace\r\n")
	assert.Equal(t, "$0\r\n\r\n", do(t, sess, "INFO", "nosuch"))
	sess.SetProto(3)
	assert.True(t, strings.HasPrefix(do(t, sess, "INFO", "server"), "="), "RESP3 INFO is verbatim text")
}

func TestCommand_TableIsWellFormed(t *testing.T) {
	s, _ := openTest(t)
	sess := s.NewSession()
	assert.Equal(t, ":"+itoa(int64(len(Commands())))+"\r\n", do(t, sess, "COMMAND", "COUNT"))
	for _, proto := range []int{2, 3} {
		sess.SetProto(proto)
		all := parse(t, do(t, sess, "COMMAND"))
		require.Len(t, all.Elems, len(Commands()))
		for _, c := range all.Elems {
			require.Len(t, c.Elems, 10, c.String())
			name := c.Elems[0].Str
			cmd := LookupCommand(name)
			require.NotNil(t, cmd, name)
			assert.Equal(t, int64(cmd.Arity), c.Elems[1].Int, name)
			// GETKEYS agrees with the key positions the dispatcher locks.
			if cmd.FirstKey > 0 && cmd.keys == nil && cmd.Arity > 0 {
				args := []string{"COMMAND", "GETKEYS", name}
				for i := 1; i < cmd.Arity; i++ {
					args = append(args, "a"+itoa(int64(i)))
				}
				keys := parse(t, do(t, sess, args...))
				assert.Len(t, keys.Elems, len(cmd.KeyPositions(toArgs(args[2:]))), name)
			}
		}
		docs := parse(t, do(t, sess, "COMMAND", "DOCS", "config", "nosuch"))
		require.Len(t, docs.Elems, 2, "one entry: unknown names are left out")
		assert.Equal(t, "config", docs.Elems[0].Str)
	}
	list := parse(t, do(t, sess, "COMMAND", "LIST", "FILTERBY", "PATTERN", "config*"))
	var names []string
	for _, e := range list.Elems {
		names = append(names, e.Str)
	}
	assert.Contains(t, names, "config")
	assert.Contains(t, names, "config|get")
	cats := parse(t, do(t, sess, "COMMAND", "LIST", "FILTERBY", "ACLCAT", "pubsub"))
	assert.NotEmpty(t, cats.Elems)
}

func toArgs(ss []string) [][]byte {
	out := make([][]byte, len(ss))
	for i, s := range ss {
		out[i] = []byte(s)
	}
	return out
}

func TestSlowlog(t *testing.T) {
	s, _ := openTest(t)
	require.NoError(t, s.ConfigSet("slowlog-log-slower-than", "0", "slowlog-max-len", "3"))
	sess := attached(t, s, ConnInfo{Addr: "9.9.9.9:9"})
	sess.BeginBatch(time.Now()) // as the server does: commands are timed
	do(t, sess, "CLIENT", "SETNAME", "slowpoke")
	long := strings.Repeat("x", 200)
	do(t, sess, "SET", "k", long)
	args := []string{"MSET"}
	for i := 0; i < 40; i++ {
		args = append(args, "k", "v")
	}
	do(t, sess, args...)
	do(t, sess, "AUTH", "secret")
	entries := parse(t, do(t, sess, "SLOWLOG", "GET", "-1"))
	require.Len(t, entries.Elems, 3, "slowlog-max-len keeps the newest")
	auth := entries.Elems[0]
	assert.Equal(t, "auth", strings.ToLower(auth.Elems[3].Elems[0].Str))
	assert.Equal(t, "(redacted)", auth.Elems[3].Elems[1].Str)
	assert.Equal(t, "9.9.9.9:9", auth.Elems[4].Str)
	assert.Equal(t, "slowpoke", auth.Elems[5].Str)
	mset := entries.Elems[1].Elems[3].Elems
	require.Len(t, mset, 32)
	assert.Equal(t, "... (50 more arguments)", mset[31].Str)
	set := entries.Elems[2].Elems[3].Elems
	assert.Equal(t, strings.Repeat("x", 128)+"... (72 more bytes)", set[2].Str)
	assert.Greater(t, entries.Elems[0].Elems[0].Int, entries.Elems[1].Elems[0].Int, "ids increase")
	assert.Equal(t, ":3\r\n", do(t, sess, "SLOWLOG", "LEN"))
	assert.Equal(t, "+OK\r\n", do(t, sess, "SLOWLOG", "RESET"))
	require.NoError(t, s.ConfigSet("slowlog-log-slower-than", "-1"))
	do(t, sess, "PING")
	assert.Equal(t, ":1\r\n", do(t, sess, "SLOWLOG", "LEN"), "only the RESET itself")
}

func TestDebugDigest(t *testing.T) {
	a, _ := openTest(t)
	b, _ := openTest(t)
	sa, sb := a.NewSession(), b.NewSession()
	empty := "+0000000000000000000000000000000000000000\r\n"
	assert.Equal(t, empty, do(t, sa, "DEBUG", "DIGEST"))
	// The same data written in a different order has the same digest.
	do(t, sa, "MSET", "x", "1", "y", "2")
	do(t, sb, "SET", "y", "2")
	do(t, sb, "SET", "x", "1")
	assert.Equal(t, do(t, sa, "DEBUG", "DIGEST"), do(t, sb, "DEBUG", "DIGEST"))
	// A TTL, a value or a database changes it.
	d := do(t, sa, "DEBUG", "DIGEST")
	do(t, sb, "EXPIRE", "x", "100")
	assert.NotEqual(t, d, do(t, sb, "DEBUG", "DIGEST"))
	do(t, sb, "PERSIST", "x")
	assert.Equal(t, d, do(t, sb, "DEBUG", "DIGEST"))
	do(t, sb, "MOVE", "x", "1")
	assert.NotEqual(t, d, do(t, sb, "DEBUG", "DIGEST"))
	// Values that Redis stores as integers digest as their text (these
	// hashes are redis-server 7.0's for the same keys; see server.golden).
	assert.Equal(t, "*3\r\n+b4fc66738120fba0b5aa500ab5c2bf89cea1c5da\r\n+0000000000000000000000000000000000000000\r\n+0000000000000000000000000000000000000000\r\n",
		do(t, sa, "DEBUG", "DIGEST-VALUE", "x", "missing", "nope"))
}

func TestDebugSleepEndsWithContext(t *testing.T) {
	s, _ := openTest(t)
	ctx, cancel := context.WithCancel(context.Background())
	sess := s.NewSession()
	sess.Ctx = ctx
	done := make(chan string)
	go func() { done <- do(t, sess, "DEBUG", "SLEEP", "3600") }()
	cancel()
	select {
	case r := <-done:
		assert.Equal(t, "+OK\r\n", r)
	case <-time.After(10 * time.Second):
		t.Fatal("DEBUG SLEEP ignored the canceled context")
	}
}

func TestObjectEncodingAndTime(t *testing.T) {
	s, clk := openTest(t)
	sess := s.NewSession()
	do(t, sess, "SET", "i", "123")
	do(t, sess, "SET", "e", "hello")
	do(t, sess, "SET", "r", strings.Repeat("z", 45))
	do(t, sess, "SET", "a", "x")
	do(t, sess, "APPEND", "a", "y")
	for key, enc := range map[string]string{"i": "int", "e": "embstr", "r": "raw", "a": "raw"} {
		assert.Equal(t, "$"+itoa(int64(len(enc)))+"\r\n"+enc+"\r\n", do(t, sess, "OBJECT", "ENCODING", key), key)
	}
	assert.Equal(t, ":2147483647\r\n", do(t, sess, "OBJECT", "REFCOUNT", "i"))
	assert.Equal(t, ":1\r\n", do(t, sess, "OBJECT", "REFCOUNT", "e"))
	assert.Equal(t, "$-1\r\n", do(t, sess, "OBJECT", "IDLETIME", "missing"))
	require.NoError(t, s.ConfigSet("maxmemory-policy", "allkeys-lfu"))
	assert.True(t, strings.HasPrefix(do(t, sess, "OBJECT", "IDLETIME", "e"), "-ERR An LFU maxmemory policy is selected"))
	assert.True(t, strings.HasPrefix(do(t, sess, "OBJECT", "FREQ", "e"), ":"))
	n := parse(t, do(t, sess, "MEMORY", "USAGE", "r"))
	assert.Greater(t, n.Int, int64(45))
	// TIME follows the store's clock.
	tm := parse(t, do(t, sess, "TIME"))
	assert.Equal(t, itoa(clk.NowMS()/1000), tm.Elems[0].Str)
	clk.Advance(time.Hour)
	tm = parse(t, do(t, sess, "TIME"))
	assert.Equal(t, itoa(clk.NowMS()/1000), tm.Elems[0].Str)
}

func TestMonitorSession(t *testing.T) {
	s, _ := openTest(t)
	mon := attached(t, s, ConnInfo{Addr: "1.1.1.1:1"})
	assert.Equal(t, "+OK\r\n", do(t, mon, "MONITOR"))
	other := attached(t, s, ConnInfo{Addr: "2.2.2.2:2"})
	do(t, other, "SET", "k", "\x00\"")
	w := newRESPWriter(2)
	require.Equal(t, 1, mon.WritePushes(w))
	assert.Regexp(t, `^\+\d+\.\d{6} \[0 2\.2\.2\.2:2\] "SET" "k" "\\x00\\""\r\n$`, string(w.Bytes()))
	// In-process calls are shown too.
	_, err := s.Do(context.Background(), "PING")
	require.NoError(t, err)
	w = newRESPWriter(2)
	mon.WritePushes(w)
	assert.True(t, bytes.Contains(w.Bytes(), []byte(`[0 lua] "PING"`)), string(w.Bytes()))
	assert.Equal(t, "+RESET\r\n", do(t, mon, "RESET"))
	do(t, other, "PING")
	assert.False(t, mon.HasPushes())
}

func TestClientListAndInfo(t *testing.T) {
	s, _ := openTest(t)
	a := attached(t, s, ConnInfo{Addr: "10.1.1.1:100", LocalAddr: "10.1.1.2:6379"})
	b := attached(t, s, ConnInfo{Addr: "/tmp/x.sock:0", Unix: true})
	do(t, a, "CLIENT", "SETINFO", "LIB-NAME", "mylib")
	do(t, a, "MULTI")
	do(t, a, "PING")
	info := parse(t, do(t, b, "CLIENT", "LIST", "ID", itoa(a.ID()))).Str
	assert.Regexp(t, `^id=\d+ addr=10\.1\.1\.1:100 laddr=10\.1\.1\.2:6379 fd=-1 name= age=\d+ idle=\d+ flags=x db=0 sub=0 psub=0 ssub=0 multi=1 watch=0 .* cmd=multi user=default redir=-1 resp=2 lib-name=mylib lib-ver=\n$`, info)
	do(t, a, "DISCARD")
	self := parse(t, do(t, a, "CLIENT", "INFO")).Str
	assert.Contains(t, self, " flags=N ")
	assert.Contains(t, self, " multi=-1 ")
	assert.Contains(t, self, " cmd=client|info ")
	do(t, b, "PSUBSCRIBE", "x*")
	list := parse(t, do(t, a, "CLIENT", "LIST")).Str
	assert.Equal(t, 2, strings.Count(list, "\n"))
	assert.Contains(t, list, "flags=PU ")
	assert.Contains(t, list, "psub=1 ")
	only := parse(t, do(t, a, "CLIENT", "LIST", "ID", itoa(b.ID()))).Str
	assert.Equal(t, 1, strings.Count(only, "\n"))
	assert.Equal(t, "-ERR lib-name cannot contain spaces, newlines or special characters.\r\n", do(t, a, "CLIENT", "SETINFO", "lib-name", "a b"))
	assert.Equal(t, "-ERR Unrecognized option 'foo'\r\n", do(t, a, "CLIENT", "SETINFO", "foo", "x"))
	assert.Equal(t, "+OK\r\n", do(t, a, "CLIENT", "NO-TOUCH", "on"))
	assert.True(t, a.NoTouch)
}

package embedis

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/embedis/embedis/resp"
)

func newRESPWriter(proto int) *resp.Writer { return resp.NewWriter(proto) }

// attached returns a session registered as a connected client.
func attached(t *testing.T, s *Store, ci ConnInfo) *Session {
	t.Helper()
	sess := s.NewSession()
	require.NoError(t, sess.Attach(ci))
	t.Cleanup(sess.Close)
	return sess
}

func TestSession_QueueTimeErrorsAbortExec(t *testing.T) {
	s, _ := openTest(t)
	require.NoError(t, s.ConfigSet("requirepass", "pw"))
	sess := attached(t, s, ConnInfo{Addr: "1.2.3.4:5"})
	assert.Equal(t, "-NOAUTH Authentication required.\r\n", do(t, sess, "MULTI"))
	assert.Equal(t, "+OK\r\n", do(t, sess, "AUTH", "pw"))
	assert.Equal(t, "+OK\r\n", do(t, sess, "MULTI"))
	assert.Equal(t, "+QUEUED\r\n", do(t, sess, "SET", "k", "v"))
	assert.Equal(t, "-ERR Command not allowed inside a transaction\r\n", do(t, sess, "SHUTDOWN"))
	assert.Equal(t, "-ERR wrong number of arguments for 'get' command\r\n", do(t, sess, "GET"))
	assert.Equal(t, "-EXECABORT Transaction discarded because of previous errors.\r\n", do(t, sess, "EXEC"))
	assert.Equal(t, "$-1\r\n", do(t, sess, "GET", "k"))
	// A RESP2 subscriber rejected inside MULTI aborts it too.
	assert.Equal(t, "+OK\r\n", do(t, sess, "MULTI"))
	assert.Equal(t, "+QUEUED\r\n", do(t, sess, "SUBSCRIBE", "x"))
	w := newRESPWriter(2)
	sess.Exec([][]byte{[]byte("EXEC")}, w)
	assert.Equal(t, "*1\r\n*3\r\n$9\r\nsubscribe\r\n$1\r\nx\r\n:1\r\n", string(w.Bytes()))
	assert.Equal(t, "-ERR Can't execute 'multi': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context\r\n", do(t, sess, "MULTI"))
}

func TestSession_ClientReply(t *testing.T) {
	s, _ := openTest(t)
	sess := s.NewSession()
	assert.Equal(t, "", do(t, sess, "CLIENT", "REPLY", "SKIP"))
	assert.Equal(t, "", do(t, sess, "SET", "k", "1"))
	assert.Equal(t, "$1\r\n1\r\n", do(t, sess, "GET", "k"))
	assert.Equal(t, "", do(t, sess, "CLIENT", "REPLY", "OFF"))
	assert.Equal(t, "", do(t, sess, "INCR", "k"))
	assert.Equal(t, "", do(t, sess, "NOSUCHCOMMAND"))
	assert.Equal(t, "", do(t, sess, "CLIENT", "REPLY", "SKIP"), "SKIP does not end OFF")
	assert.Equal(t, "", do(t, sess, "GET", "k"))
	assert.Equal(t, "+OK\r\n", do(t, sess, "CLIENT", "REPLY", "ON"))
	assert.Equal(t, "$1\r\n2\r\n", do(t, sess, "GET", "k"))
	assert.Equal(t, "-ERR syntax error\r\n", do(t, sess, "CLIENT", "REPLY", "MAYBE"))
}

func TestSession_HelloSwitchesProtocol(t *testing.T) {
	s, _ := openTest(t)
	sess := s.NewSession()
	w := newRESPWriter(2)
	sess.Exec([][]byte{[]byte("HELLO"), []byte("3"), []byte("SETNAME"), []byte("me")}, w)
	// The HELLO reply itself is already RESP3.
	assert.Equal(t, byte('%'), w.Bytes()[0])
	assert.Equal(t, 3, w.Proto())
	assert.Equal(t, 3, sess.Proto())
	assert.Equal(t, "me", sess.Name())
	assert.Equal(t, "_\r\n", do(t, sess, "GET", "missing"))
	v, err := sess.Do(context.Background(), "HELLO")
	require.NoError(t, err)
	assert.Equal(t, resp.KindMap, v.Kind)
	assert.Equal(t, "+RESET\r\n", do(t, sess, "RESET"))
	assert.Equal(t, 2, sess.Proto())
	assert.Equal(t, "", sess.Name())
}

func TestSession_AttachMaxClients(t *testing.T) {
	s, _ := openTest(t)
	require.NoError(t, s.ConfigSet("maxclients", "1"))
	a := attached(t, s, ConnInfo{Addr: "a:1"})
	b := s.NewSession()
	assert.ErrorIs(t, b.Attach(ConnInfo{Addr: "b:1"}), ErrMaxClients)
	a.Close()
	require.NoError(t, b.Attach(ConnInfo{Addr: "b:1"}))
	b.Close()
}

func TestSession_ClientKillCallsKill(t *testing.T) {
	s, _ := openTest(t)
	killed := make(chan struct{}, 1)
	victim := attached(t, s, ConnInfo{Addr: "10.0.0.1:1000", Kill: func() { killed <- struct{}{} }})
	admin := attached(t, s, ConnInfo{Addr: "10.0.0.2:2000"})
	assert.Equal(t, ":1\r\n", do(t, admin, "CLIENT", "KILL", "ADDR", "10.0.0.1:1000"))
	<-killed
	assert.Equal(t, ":0\r\n", do(t, admin, "CLIENT", "KILL", "ID", itoa(admin.ID())), "SKIPME defaults to yes")
	assert.Equal(t, ":1\r\n", do(t, admin, "CLIENT", "KILL", "ID", itoa(admin.ID()), "SKIPME", "no"))
	assert.True(t, admin.CloseAfterReply())
	_ = victim
}

// Sessions made by NewSession are authenticated and local; Attach makes
// them clients subject to requirepass.
func TestSession_DoIsTrusted(t *testing.T) {
	s, _ := openTest(t)
	require.NoError(t, s.ConfigSet("requirepass", "pw"))
	_, err := s.Do(context.Background(), "SET", "k", "v")
	require.NoError(t, err)
	v, err := s.Do(context.Background(), "DEBUG", "DIGEST-VALUE", "k")
	require.NoError(t, err, "DEBUG is allowed in-process")
	assert.Len(t, v.Elems, 1)
}

func TestSession_MaxMemoryRejectsAtDispatch(t *testing.T) {
	s, _ := openTest(t)
	sess := s.NewSession()
	do(t, sess, "SET", "big", string(make([]byte, 64<<10)))
	require.NoError(t, s.ConfigSet("maxmemory", "1kb")) // noeviction: already over
	assert.Equal(t, "-OOM command not allowed when used memory > 'maxmemory'.\r\n", do(t, sess, "SET", "k", "v"))
	assert.Equal(t, ":65536\r\n", do(t, sess, "STRLEN", "big"), "reads still run")
	assert.Equal(t, ":1\r\n", do(t, sess, "DEL", "nope", "big"), "DEL is not denyoom")
	do(t, sess, "SET", "big", "x") // under the limit again: allowed
	require.NoError(t, s.ConfigSet("maxmemory", "1"))
	assert.Equal(t, "+OK\r\n", do(t, sess, "MULTI"))
	assert.Equal(t, "-OOM command not allowed when used memory > 'maxmemory'.\r\n", do(t, sess, "GET", "big"))
	assert.Equal(t, "-EXECABORT Transaction discarded because of previous errors.\r\n", do(t, sess, "EXEC"))
	require.NoError(t, s.ConfigSet("maxmemory", "0"))
	assert.Equal(t, "+OK\r\n", do(t, sess, "MULTI"))
	assert.Equal(t, "+QUEUED\r\n", do(t, sess, "SET", "k", "v"))
	require.NoError(t, s.ConfigSet("maxmemory", "1"))
	assert.Equal(t, "-EXECABORT Transaction discarded because of: OOM command not allowed when used memory > 'maxmemory'.\r\n", do(t, sess, "EXEC"))
	assert.False(t, sess.InMulti())
}

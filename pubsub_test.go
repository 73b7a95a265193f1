package embedis

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// recv waits for the next message of sub.
func recv(t *testing.T, sub *Subscription) Message {
	t.Helper()
	select {
	case m, ok := <-sub.C():
		require.True(t, ok, "subscription closed: %v", sub.Err())
		return m
	case <-time.After(10 * time.Second):
		t.Fatal("no message")
	}
	return Message{}
}

func TestStore_SubscribePublish(t *testing.T) {
	s, _ := openTest(t)
	ctx := context.Background()
	sub := s.Subscribe(ctx, "a", "b", "a")
	defer sub.Close()
	psub := s.PSubscribe(ctx, "a*")
	defer psub.Close()

	assert.Equal(t, 2, s.Publish("a", "one"))
	assert.Equal(t, 1, s.Publish("b", "two"))
	assert.Equal(t, 1, s.Publish("abc", "three"))
	assert.Equal(t, 0, s.Publish("zzz", "nobody"))

	assert.Equal(t, Message{Channel: "a", Payload: "one"}, recv(t, sub))
	assert.Equal(t, Message{Channel: "b", Payload: "two"}, recv(t, sub))
	assert.Equal(t, Message{Channel: "a", Pattern: "a*", Payload: "one"}, recv(t, psub))
	assert.Equal(t, Message{Channel: "abc", Pattern: "a*", Payload: "three"}, recv(t, psub))

	// PUBLISH from a client reaches Go subscribers too, and counts them.
	sess := s.NewSession()
	assert.Equal(t, ":2\r\n", do(t, sess, "PUBLISH", "a", "cmd"))
	assert.Equal(t, "cmd", recv(t, sub).Payload)
	assert.Equal(t, "*4\r\n$1\r\na\r\n:1\r\n$1\r\nb\r\n:1\r\n", do(t, sess, "PUBSUB", "NUMSUB", "a", "b"))
	assert.Equal(t, ":1\r\n", do(t, sess, "PUBSUB", "NUMPAT"))

	sub.Close()
	sub.Close() // idempotent
	_, ok := <-sub.C()
	assert.False(t, ok, "channel closed after Close")
	assert.NoError(t, sub.Err())
	assert.Equal(t, 1, s.Publish("a", "after close"), "only the pattern subscriber is left")
}

func TestStore_SubscribeEndsWithContext(t *testing.T) {
	s, _ := openTest(t)
	ctx, cancel := context.WithCancel(context.Background())
	sub := s.Subscribe(ctx, "x")
	cancel()
	for range sub.C() {
	}
	assert.ErrorIs(t, sub.Err(), context.Canceled)
	assert.Eventually(t, func() bool { return s.Publish("x", "m") == 0 }, 10*time.Second, time.Millisecond)
}

// A subscriber that does not read is dropped at Redis's 32 MiB pubsub
// limit instead of growing without bound or blocking the publisher.
func TestStore_SlowSubscriberIsDropped(t *testing.T) {
	s, _ := openTest(t)
	sub := s.Subscribe(context.Background(), "firehose")
	defer sub.Close()
	big := strings.Repeat("x", 1<<20)
	for i := 0; i < 40; i++ {
		s.Publish("firehose", big)
	}
	// Read whatever was handed over before the limit; the channel then closes.
	deadline := time.After(10 * time.Second)
	for {
		select {
		case _, ok := <-sub.C():
			if !ok {
				assert.ErrorIs(t, sub.Err(), ErrSlowSubscriber)
				return
			}
		case <-deadline:
			t.Fatal("subscription not closed")
		}
	}
}

func TestStore_KeyspaceNotifications(t *testing.T) {
	s, _ := openTest(t)
	require.NoError(t, s.ConfigSet("notify-keyspace-events", "KEA"))
	sub := s.PSubscribe(context.Background(), "__key*@*__:*")
	defer sub.Close()
	sess := s.NewSession()
	do(t, sess, "SELECT", "2")
	do(t, sess, "SET", "k", "v")
	assert.Equal(t, Message{Pattern: "__key*@*__:*", Channel: "__keyspace@2__:k", Payload: "set"}, recv(t, sub))
	assert.Equal(t, Message{Pattern: "__key*@*__:*", Channel: "__keyevent@2__:set", Payload: "k"}, recv(t, sub))
	do(t, sess, "EXPIRE", "k", "100")
	assert.Equal(t, "expire", recv(t, sub).Payload)
	assert.Equal(t, "k", recv(t, sub).Payload)
	// Misses are class m, which A does not include.
	do(t, sess, "GET", "missing")
	require.NoError(t, s.ConfigSet("notify-keyspace-events", "Km"))
	do(t, sess, "GET", "missing")
	assert.Equal(t, Message{Pattern: "__key*@*__:*", Channel: "__keyspace@2__:missing", Payload: "keymiss"}, recv(t, sub))
	// Without K or E nothing is published.
	require.NoError(t, s.ConfigSet("notify-keyspace-events", "A"))
	do(t, sess, "SET", "k2", "v")
	require.NoError(t, s.ConfigSet("notify-keyspace-events", "E$"))
	do(t, sess, "SET", "k3", "v")
	assert.Equal(t, Message{Pattern: "__key*@*__:*", Channel: "__keyevent@2__:set", Payload: "k3"}, recv(t, sub))
}

// A session subscribed in RESP2 may only run the subscription commands;
// in RESP3 anything, with messages queued as pushes after each reply.
func TestSession_SubscribedState(t *testing.T) {
	s, _ := openTest(t)
	sess := s.NewSession()
	defer sess.Close()
	assert.Equal(t, "*3\r\n$9\r\nsubscribe\r\n$1\r\nc\r\n:1\r\n*3\r\n$9\r\nsubscribe\r\n$1\r\nd\r\n:2\r\n", do(t, sess, "SUBSCRIBE", "c", "d"))
	assert.Equal(t, "-ERR Can't execute 'get': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context\r\n", do(t, sess, "GET", "k"))
	assert.Equal(t, "-ERR Can't execute 'config|get': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context\r\n", do(t, sess, "CONFIG", "GET", "x"))
	assert.Equal(t, "*2\r\n$4\r\npong\r\n$2\r\nhi\r\n", do(t, sess, "PING", "hi"))
	assert.Equal(t, 1, s.Publish("c", "m"))
	assert.True(t, sess.HasPushes())
	w := newRESPWriter(2)
	assert.Equal(t, 1, sess.WritePushes(w))
	assert.Equal(t, "*3\r\n$7\r\nmessage\r\n$1\r\nc\r\n$1\r\nm\r\n", string(w.Bytes()))

	sess.SetProto(3)
	assert.Equal(t, "+PONG\r\n", do(t, sess, "PING"))
	assert.Equal(t, ":1\r\n", do(t, sess, "PUBLISH", "d", "self"))
	w = newRESPWriter(3)
	sess.WritePushes(w)
	assert.Equal(t, ">3\r\n$7\r\nmessage\r\n$1\r\nd\r\n$4\r\nself\r\n", string(w.Bytes()))
	assert.Equal(t, ">3\r\n$11\r\nunsubscribe\r\n$1\r\nc\r\n:1\r\n>3\r\n$11\r\nunsubscribe\r\n$1\r\nd\r\n:0\r\n", do(t, sess, "UNSUBSCRIBE"))
	assert.Equal(t, ">3\r\n$11\r\nunsubscribe\r\n_\r\n:0\r\n", do(t, sess, "UNSUBSCRIBE"))

	// Close drops the subscriptions.
	do(t, sess, "SSUBSCRIBE", "sh")
	assert.Equal(t, ":1\r\n", do(t, s.NewSession(), "SPUBLISH", "sh", "x"))
	assert.Equal(t, 0, s.Publish("sh", "x"), "PUBLISH never reaches shard subscribers")
	sess.Close()
	assert.Equal(t, ":0\r\n", do(t, s.NewSession(), "SPUBLISH", "sh", "x"))
}

// Notifications reach pub/sub without unhooking the append-only log.
func TestStore_NotificationsKeepTheJournal(t *testing.T) {
	dir := t.TempDir()
	s, err := Open(&Options{Dir: dir, AppendOnly: true, AppendFsync: "always", NotifyKeyspaceEvents: "E$"})
	require.NoError(t, err)
	sub := s.Subscribe(context.Background(), "__keyevent@0__:set")
	_, err = s.Do(context.Background(), "SET", "k", "v")
	require.NoError(t, err)
	assert.Equal(t, "k", recv(t, sub).Payload)
	sub.Close()
	require.NoError(t, s.Close())
	s2, err := Open(&Options{Dir: dir, AppendOnly: true})
	require.NoError(t, err)
	defer s2.Close()
	v, err := s2.Get("k")
	require.NoError(t, err, "the write was journaled")
	assert.Equal(t, "v", v)
}

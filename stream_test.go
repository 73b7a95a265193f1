package embedis

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/embedis/embedis/keyspace"
	"github.com/embedis/embedis/resp"
	"github.com/embedis/embedis/stream"
)

// checkStreams verifies the invariants of every stream in db 0 when the
// test ends.
func checkStreams(t *testing.T, s *Store) {
	t.Cleanup(func() {
		var c keyspace.Ctx
		s.ks.Begin(&c)
		for _, k := range s.Keys("*") {
			c.Lock(k)
			if e := c.Peek(0, k); e != nil && e.Kind() == keyspace.KindStream {
				assert.NoError(t, objOf[*stream.Stream](e).Check(), "stream %q", k)
			}
			c.Unlock()
		}
		c.Finish()
	})
}

func openStreams(t *testing.T) (*Store, *testClock) {
	s, clk := openTest(t)
	checkStreams(t, s)
	return s, clk
}

func sid(ms, seq uint64) StreamID { return StreamID{Ms: ms, Seq: seq} }

func TestStream_XAddTyped(t *testing.T) {
	s, clk := openStreams(t)
	now := uint64(clk.NowMS())
	id, err := s.XAdd("s", nil, "f", "v")
	require.NoError(t, err)
	assert.Equal(t, sid(now, 0), id, "the * ID takes the injected clock")
	id, err = s.XAdd("s", nil, "f", "v")
	require.NoError(t, err)
	assert.Equal(t, sid(now, 1), id, "same millisecond: next sequence")
	clk.Advance(-time.Second)
	id, err = s.XAdd("s", nil, "f", "v")
	require.NoError(t, err)
	assert.Equal(t, sid(now, 2), id, "the clock going back reuses the last ms")
	id, err = s.XAdd("s", &XAddArgs{ID: sid(now+5, 0), AutoSeq: true}, "f", "v")
	require.NoError(t, err)
	assert.Equal(t, sid(now+5, 0), id)
	_, err = s.XAdd("s", &XAddArgs{ID: sid(1, 1)}, "f", "v")
	assert.EqualError(t, err, "ERR The ID specified in XADD is equal or smaller than the target stream top item")
	_, err = s.XAdd("nope", &XAddArgs{NoMkStream: true}, "f", "v")
	assert.ErrorIs(t, err, Nil)
	assert.Equal(t, 0, s.Exists("nope"))
	_, err = s.XAdd("s", nil, "f")
	assert.EqualError(t, err, "ERR wrong number of arguments for 'xadd' command")
	_, err = s.XAdd("s", &XAddArgs{Trim: &XTrimArgs{MaxLen: 1, Limit: 5}}, "f", "v")
	assert.EqualError(t, err, "ERR syntax error, LIMIT cannot be used without the special ~ option")
	n, err := s.XLen("s")
	require.NoError(t, err)
	assert.Equal(t, int64(4), n)
	_, err = s.XAdd("s", &XAddArgs{Trim: &XTrimArgs{MaxLen: 2}}, "f", "last")
	require.NoError(t, err)
	ents, err := s.XRange("s", stream.MinID, stream.MaxID, 0)
	require.NoError(t, err)
	require.Len(t, ents, 2)
	assert.Equal(t, []string{"f", "last"}, ents[1].Fields)

	s.Set("str", "v", nil)
	_, err = s.XAdd("str", nil, "f", "v")
	assert.ErrorIs(t, err, ErrWrongType)
	_, err = s.XLen("str")
	assert.ErrorIs(t, err, ErrWrongType)
}

func TestStream_RangeDelTrimTyped(t *testing.T) {
	s, _ := openStreams(t)
	for i := uint64(1); i <= 10; i++ {
		_, err := s.XAdd("s", &XAddArgs{ID: sid(i, 0)}, "n", itoa(int64(i)))
		require.NoError(t, err)
	}
	ents, err := s.XRange("s", sid(3, 0), sid(5, 0), 0)
	require.NoError(t, err)
	assert.Equal(t, []StreamEntry{{ID: sid(3, 0), Fields: []string{"n", "3"}}, {ID: sid(4, 0), Fields: []string{"n", "4"}},
		{ID: sid(5, 0), Fields: []string{"n", "5"}}}, ents)
	ents, err = s.XRevRange("s", stream.MaxID, stream.MinID, 2)
	require.NoError(t, err)
	assert.Equal(t, []StreamID{sid(10, 0), sid(9, 0)}, []StreamID{ents[0].ID, ents[1].ID})
	n, err := s.XDel("s", sid(1, 0), sid(2, 0), sid(99, 0))
	require.NoError(t, err)
	assert.Equal(t, int64(2), n)
	n, err = s.XTrim("s", XTrimArgs{MinID: sid(5, 0)})
	require.NoError(t, err)
	assert.Equal(t, int64(2), n)
	n, err = s.XTrim("s", XTrimArgs{MaxLen: 0, Approx: true})
	require.NoError(t, err)
	assert.Equal(t, int64(6), n, "one node: ~ removes it whole")
	info, err := s.XInfoStream("s")
	require.NoError(t, err)
	assert.Equal(t, XInfoStream{LastGeneratedID: sid(10, 0), MaxDeletedEntryID: sid(2, 0), EntriesAdded: 10, RadixTreeNodes: 1}, info)
	assert.Equal(t, 1, s.Exists("s"), "an emptied stream stays")
	require.NoError(t, s.XSetID("s", sid(20, 0), &XSetIDArgs{EntriesAdded: 50, MaxDeletedID: sid(15, 0)}))
	err = s.XSetID("s", sid(1, 0), nil)
	assert.EqualError(t, err, "ERR The ID specified in XSETID is smaller than current max_deleted_entry_id")
	assert.ErrorIs(t, s.XSetID("missing", sid(1, 0), nil), ErrNoSuchKey)
}

func TestStream_CommandEdgeCases(t *testing.T) {
	s, _ := openStreams(t)
	x := s.NewSession()
	cases := []struct {
		args []string
		want string
	}{
		{[]string{"XADD", "s", "1-1", "f", "v"}, "$3\r\n1-1\r\n"},
		{[]string{"XADD", "s", "1-*", "f", "v"}, "$3\r\n1-2\r\n"},
		{[]string{"XADD", "s", "0-0", "f", "v"}, "-ERR The ID specified in XADD must be greater than 0-0\r\n"},
		{[]string{"XADD", "s", "1", "f", "v"}, "-ERR The ID specified in XADD is equal or smaller than the target stream top item\r\n"},
		{[]string{"XADD", "s", "NOMKSTREAM", "MAXLEN", "~", "10", "2-0", "f", "v"}, "$3\r\n2-0\r\n"},
		{[]string{"XLEN", "s"}, ":3\r\n"},
		{[]string{"XRANGE", "s", "(1-1", "+", "COUNT", "1"}, "*1\r\n*2\r\n$3\r\n1-2\r\n*2\r\n$1\r\nf\r\n$1\r\nv\r\n"},
		{[]string{"XRANGE", "s", "-", "+", "COUNT", "0"}, "*-1\r\n"},
		{[]string{"XRANGE", "nokey", "-", "+", "COUNT", "0"}, "*0\r\n"},
		{[]string{"XRANGE", "s", "(+", "+"}, "-ERR Invalid stream ID specified as stream command argument\r\n"},
		{[]string{"XRANGE", "s", "-", "(0-0"}, "-ERR invalid end ID for the interval\r\n"},
		{[]string{"XREAD", "STREAMS", "s", "1-1"}, "*1\r\n*2\r\n$1\r\ns\r\n*2\r\n*2\r\n$3\r\n1-2\r\n*2\r\n$1\r\nf\r\n$1\r\nv\r\n*2\r\n$3\r\n2-0\r\n*2\r\n$1\r\nf\r\n$1\r\nv\r\n"},
		{[]string{"XREAD", "STREAMS", "s", "+"}, "*1\r\n*2\r\n$1\r\ns\r\n*1\r\n*2\r\n$3\r\n2-0\r\n*2\r\n$1\r\nf\r\n$1\r\nv\r\n"},
		{[]string{"XREAD", "STREAMS", "s", "$"}, "*-1\r\n"},
		{[]string{"XREAD", "STREAMS", "s", ">"}, "-ERR The > ID can be specified only when calling XREADGROUP using the GROUP <group> <consumer> option.\r\n"},
		{[]string{"XGROUP", "CREATE", "s", "g", "$"}, "+OK\r\n"},
		{[]string{"XGROUP", "CREATE", "s", "g", "$"}, "-BUSYGROUP Consumer Group name already exists\r\n"},
		{[]string{"XGROUP", "CREATE", "nokey", "g", "$"}, "-ERR The XGROUP subcommand requires the key to exist. Note that for CREATE you may want to use the MKSTREAM option to create an empty stream automatically.\r\n"},
		{[]string{"XGROUP", "SETID", "s", "nog", "0"}, "-NOGROUP No such consumer group 'nog' for key name 's'\r\n"},
		{[]string{"XGROUP", "FROB", "s"}, "-ERR unknown subcommand 'FROB'. Try XGROUP HELP.\r\n"},
		{[]string{"xgroup", "create", "s", "g2", "$", "bogus"}, "-ERR unknown subcommand or wrong number of arguments for 'create'. Try XGROUP HELP.\r\n"},
		{[]string{"XREADGROUP", "GROUP", "nog", "c", "STREAMS", "s", ">"}, "-NOGROUP No such key 's' or consumer group 'nog' in XREADGROUP with GROUP option\r\n"},
		{[]string{"XREADGROUP", "GROUP", "g", "c", "STREAMS", "s", ">"}, "*-1\r\n"},
		{[]string{"XPENDING", "s", "g"}, "*4\r\n:0\r\n$-1\r\n$-1\r\n*-1\r\n"},
		{[]string{"XPENDING", "s", "nog"}, "-NOGROUP No such key 's' or consumer group 'nog'\r\n"},
		{[]string{"XACK", "nokey", "g", "bogus"}, ":0\r\n"},
		{[]string{"XCLAIM", "s", "g", "c", "x", "1-1"}, "-ERR Invalid min-idle-time argument for XCLAIM\r\n"},
		{[]string{"XCLAIM", "s", "g", "c", "0", "1-1", "FORCE", "BOGUS"}, "-ERR Unrecognized XCLAIM option 'BOGUS'\r\n"},
		{[]string{"XAUTOCLAIM", "s", "g", "c", "0", "0", "COUNT", "0"}, "-ERR COUNT must be > 0\r\n"},
		{[]string{"XAUTOCLAIM", "s", "g", "c", "0", "0"}, "*3\r\n$3\r\n0-0\r\n*0\r\n*0\r\n"},
		{[]string{"XINFO", "STREAM", "nokey"}, "-ERR no such key\r\n"},
		{[]string{"XINFO", "CONSUMERS", "s", "nog"}, "-NOGROUP No such consumer group 'nog' for key name 's'\r\n"},
		{[]string{"XSETID", "nokey", "1-1"}, "-ERR no such key\r\n"},
		{[]string{"XTRIM", "s", "LIMIT", "5"}, "-ERR syntax error, LIMIT cannot be used without specifying a trimming strategy\r\n"},
	}
	for _, c := range cases {
		assert.Equal(t, c.want, do(t, x, c.args...), "%q", c.args)
	}
	x.SetProto(3)
	assert.Equal(t, "%1\r\n$1\r\ns\r\n*1\r\n*2\r\n$3\r\n2-0\r\n*2\r\n$1\r\nf\r\n$1\r\nv\r\n", do(t, x, "XREAD", "STREAMS", "s", "1-2"))
	assert.Equal(t, "_\r\n", do(t, x, "XREAD", "STREAMS", "s", "$"))
}

// TestStream_ConsumerLoop runs the group handle through a consumer's life:
// delivery, acknowledgement, a crash with entries pending, and recovery by
// AutoClaim once they have been idle long enough (on the injected clock).
func TestStream_ConsumerLoop(t *testing.T) {
	s, clk := openStreams(t)
	g := s.Group("orders", "workers")
	require.NoError(t, g.CreateAtEnd(&XGroupCreateArgs{MkStream: true}))
	assert.ErrorIs(t, g.CreateAtEnd(nil), ErrBusyGroup)
	for i := range 6 {
		_, err := s.XAdd("orders", nil, "order", itoa(int64(i)))
		require.NoError(t, err)
	}
	a, err := g.Read(bg, "a", 2, 0)
	require.NoError(t, err)
	require.Len(t, a, 2)
	assert.Equal(t, []string{"order", "0"}, a[0].Fields)
	b, err := g.Read(bg, "b", 10, 0)
	require.NoError(t, err)
	require.Len(t, b, 4)
	none, err := g.Read(bg, "b", 10, 0)
	require.NoError(t, err)
	assert.Empty(t, none)
	n, err := g.Ack(a[0].ID, a[1].ID)
	require.NoError(t, err)
	assert.Equal(t, int64(2), n)

	// b "crashes": its 4 entries stay pending
	sum, err := g.Pending()
	require.NoError(t, err)
	assert.Equal(t, XPendingSummary{Count: 4, Lower: b[0].ID, Upper: b[3].ID, Consumers: map[string]int64{"b": 4}}, sum)
	next, claimed, deleted, err := g.AutoClaim("a", 30*time.Second, stream.MinID, 10)
	require.NoError(t, err)
	assert.Empty(t, claimed, "not idle long enough yet")
	assert.Equal(t, StreamID{}, next)
	assert.Empty(t, deleted)

	clk.Advance(31 * time.Second)
	n, err = s.XDel("orders", b[1].ID)
	require.NoError(t, err)
	require.Equal(t, int64(1), n)
	next, claimed, deleted, err = g.AutoClaim("a", 30*time.Second, stream.MinID, 2)
	require.NoError(t, err)
	assert.Equal(t, []StreamID{b[1].ID}, deleted, "deleted entries are dropped and reported")
	require.Len(t, claimed, 1, "deleted entries count toward COUNT")
	assert.Equal(t, b[0].ID, claimed[0].ID)
	assert.Equal(t, b[2].ID, next)
	next, claimed, _, err = g.AutoClaim("a", 30*time.Second, next, 10)
	require.NoError(t, err)
	assert.Equal(t, []StreamID{b[2].ID, b[3].ID}, []StreamID{claimed[0].ID, claimed[1].ID})
	assert.Equal(t, StreamID{}, next)

	rows, err := g.PendingRange(XPendingArgs{Start: stream.MinID, End: stream.MaxID, Count: 10})
	require.NoError(t, err)
	require.Len(t, rows, 3)
	assert.Equal(t, XPendingEntry{ID: b[0].ID, Consumer: "a", Idle: 0, RetryCount: 2}, rows[0])
	clk.Advance(1500 * time.Millisecond)
	rows, err = g.PendingRange(XPendingArgs{Start: stream.MinID, End: stream.MaxID, Count: 10, Idle: time.Second, Consumer: "a"})
	require.NoError(t, err)
	assert.Len(t, rows, 3)
	assert.Equal(t, 1500*time.Millisecond, rows[0].Idle)

	// history: a's pending entries come back with bumped counts
	hist, err := g.ReadPending("a", stream.MinID, 0)
	require.NoError(t, err)
	assert.Len(t, hist, 3)
	rows, _ = g.PendingRange(XPendingArgs{Start: stream.MinID, End: stream.MaxID, Count: 1})
	assert.Equal(t, int64(3), rows[0].RetryCount)

	cons, err := g.Consumers()
	require.NoError(t, err)
	assert.Equal(t, []XInfoConsumer{
		{Name: "a", Pending: 3, Idle: 0, Inactive: 1500 * time.Millisecond},
		{Name: "b", Pending: 0, Idle: 31*time.Second + 1500*time.Millisecond, Inactive: 31*time.Second + 1500*time.Millisecond},
	}, cons)
	info, err := g.Info()
	require.NoError(t, err)
	assert.Equal(t, XInfoGroup{Name: "workers", Consumers: 2, Pending: 3, LastDeliveredID: b[3].ID,
		EntriesRead: 6, EntriesReadKnown: true, Lag: 0, LagKnown: true}, info)
	cl, err := g.Claim("b", 0, b[2].ID)
	require.NoError(t, err)
	assert.Len(t, cl, 1)
	pend, err := g.DelConsumer("b")
	require.NoError(t, err)
	assert.Equal(t, int64(1), pend)
	ok, err := g.Destroy()
	require.NoError(t, err)
	assert.True(t, ok)
	_, err = g.Read(bg, "a", 1, 0)
	assert.ErrorIs(t, err, ErrNoGroup)
}

func TestStream_XClaimOptions(t *testing.T) {
	s, clk := openStreams(t)
	for i := uint64(1); i <= 3; i++ {
		s.XAdd("s", &XAddArgs{ID: sid(i, 0)}, "f", "v")
	}
	g := s.Group("s", "g")
	require.NoError(t, g.Create(stream.MinID, nil))
	_, err := g.Read(bg, "a", 0, 0)
	require.NoError(t, err)
	rc := int64(9)
	at := time.UnixMilli(clk.NowMS() - 5000)
	ids, err := s.XClaimJustID("s", "g", "b", 0, []StreamID{sid(1, 0), sid(2, 0), sid(7, 0)}, &XClaimArgs{RetryCount: &rc, Time: at, LastID: sid(50, 0)})
	require.NoError(t, err)
	assert.Equal(t, []StreamID{sid(1, 0), sid(2, 0)}, ids)
	rows, _ := g.PendingRange(XPendingArgs{Start: stream.MinID, End: stream.MaxID, Count: 5})
	assert.Equal(t, []XPendingEntry{
		{ID: sid(1, 0), Consumer: "b", Idle: 5 * time.Second, RetryCount: 9},
		{ID: sid(2, 0), Consumer: "b", Idle: 5 * time.Second, RetryCount: 9},
		{ID: sid(3, 0), Consumer: "a", Idle: 0, RetryCount: 1},
	}, rows)
	info, _ := g.Info()
	assert.Equal(t, sid(50, 0), info.LastDeliveredID)
	ents, err := s.XClaim("s", "g", "c", time.Hour, []StreamID{sid(3, 0)}, nil)
	require.NoError(t, err)
	assert.Empty(t, ents, "not idle for an hour")
	ents, err = s.XClaim("s", "g", "c", 0, []StreamID{sid(3, 0)}, &XClaimArgs{Idle: time.Minute})
	require.NoError(t, err)
	assert.Equal(t, []StreamEntry{{ID: sid(3, 0), Fields: []string{"f", "v"}}}, ents)
	rows, _ = g.PendingRange(XPendingArgs{Start: sid(3, 0), End: sid(3, 0), Count: 5})
	assert.Equal(t, XPendingEntry{ID: sid(3, 0), Consumer: "c", Idle: time.Minute, RetryCount: 2}, rows[0])
}

func TestStream_XInfoFull(t *testing.T) {
	s, clk := openStreams(t)
	s.XAdd("s", &XAddArgs{ID: sid(1, 0)}, "a", "1")
	s.XAdd("s", &XAddArgs{ID: sid(2, 0)}, "a", "2")
	g := s.Group("s", "g")
	require.NoError(t, g.Create(stream.MinID, nil))
	_, err := g.Read(bg, "c", 1, 0)
	require.NoError(t, err)
	full, err := s.XInfoStreamFull("s", 0)
	require.NoError(t, err)
	now := time.UnixMilli(clk.NowMS())
	assert.Equal(t, int64(2), full.Length)
	assert.Len(t, full.Entries, 2)
	require.Len(t, full.Groups, 1)
	gf := full.Groups[0]
	assert.Equal(t, []XInfoPending{{ID: sid(1, 0), Consumer: "c", DeliveryTime: now, DeliveryCount: 1}}, gf.PEL)
	assert.Equal(t, []XInfoConsumerFull{{Name: "c", SeenTime: now, ActiveTime: now, PelCount: 1,
		PEL: []XInfoPending{{ID: sid(1, 0), DeliveryTime: now, DeliveryCount: 1}}}}, gf.ConsumerList)
	assert.True(t, gf.LagKnown)
	assert.Equal(t, int64(1), gf.Lag)

	x := s.NewSession()
	reply := do(t, x, "XINFO", "STREAM", "s", "FULL", "COUNT", "1")
	assert.True(t, strings.HasPrefix(reply, "*18\r\n$6\r\nlength\r\n:2\r\n"), reply)
	assert.Contains(t, reply, "$11\r\nactive-time\r\n:"+itoa(clk.NowMS())+"\r\n")
	reply = do(t, x, "XINFO", "CONSUMERS", "s", "g")
	assert.Equal(t, "*1\r\n*8\r\n$4\r\nname\r\n$1\r\nc\r\n$7\r\npending\r\n:1\r\n$4\r\nidle\r\n:0\r\n$8\r\ninactive\r\n:0\r\n", reply)
	g2 := s.Group("s", "g2")
	require.NoError(t, g2.Create(stream.MinID, nil))
	_, err = g2.CreateConsumer("never")
	require.NoError(t, err)
	clk.Advance(7 * time.Millisecond)
	assert.Equal(t, "*1\r\n*8\r\n$4\r\nname\r\n$5\r\nnever\r\n$7\r\npending\r\n:0\r\n$4\r\nidle\r\n:7\r\n$8\r\ninactive\r\n:-1\r\n",
		do(t, x, "XINFO", "CONSUMERS", "s", "g2"))
}

// ---- blocking

// xWaitBlocked waits until n clients wait on key.
func xWaitBlocked(t *testing.T, s *Store, key string, n int) {
	t.Helper()
	require.Eventually(t, func() bool {
		var c keyspace.Ctx
		s.ks.Begin(&c)
		c.Lock(key)
		got := c.Waiting(0, key)
		c.Unlock()
		c.Finish()
		return got == n
	}, 5*time.Second, time.Millisecond)
}

func TestStream_XReadBlocks(t *testing.T) {
	s, _ := openStreams(t)
	s.XAdd("s", &XAddArgs{ID: sid(1, 0)}, "f", "old")
	reply := make(chan string, 1)
	go func() {
		x := s.NewSession()
		reply <- do(t, x, "XREAD", "BLOCK", "0", "STREAMS", "s", "$")
	}()
	xWaitBlocked(t, s, "s", 1)
	s.XAdd("s", &XAddArgs{ID: sid(2, 0)}, "f", "new")
	assert.Equal(t, "*1\r\n*2\r\n$1\r\ns\r\n*1\r\n*2\r\n$3\r\n2-0\r\n*2\r\n$1\r\nf\r\n$3\r\nnew\r\n", <-reply)

	// a wrong-type value on the key does not wake XREAD
	go func() {
		x := s.NewSession()
		reply <- do(t, x, "XREAD", "BLOCK", "0", "STREAMS", "k", "0")
	}()
	xWaitBlocked(t, s, "k", 1)
	s.Set("k", "v", nil)
	s.Del("k")
	s.XAdd("k", &XAddArgs{ID: sid(5, 0)}, "f", "v")
	assert.Equal(t, "*1\r\n*2\r\n$1\r\nk\r\n*1\r\n*2\r\n$3\r\n5-0\r\n*2\r\n$1\r\nf\r\n$1\r\nv\r\n", <-reply)

	x := s.NewSession()
	assert.Equal(t, "*-1\r\n", do(t, x, "XREAD", "BLOCK", "10", "STREAMS", "s", "$"), "timeout")
	do(t, x, "MULTI")
	do(t, x, "XREAD", "BLOCK", "0", "STREAMS", "s", "$")
	assert.Equal(t, "*1\r\n*-1\r\n", do(t, x, "EXEC"), "never blocks inside MULTI")
}

func TestStream_XReadGroupBlocksFIFO(t *testing.T) {
	s, _ := openStreams(t)
	g := s.Group("s", "g")
	require.NoError(t, g.CreateAtEnd(&XGroupCreateArgs{MkStream: true}))
	type res struct {
		ents []StreamEntry
		err  error
	}
	first, second := make(chan res, 1), make(chan res, 1)
	go func() { e, err := g.Read(bg, "first", 10, BlockForever); first <- res{e, err} }()
	xWaitBlocked(t, s, "s", 1)
	go func() { e, err := g.Read(bg, "second", 10, BlockForever); second <- res{e, err} }()
	xWaitBlocked(t, s, "s", 2)
	id1, _ := s.XAdd("s", nil, "n", "1")
	r := <-first
	require.NoError(t, r.err)
	assert.Equal(t, id1, r.ents[0].ID, "first come, first served")
	xWaitBlocked(t, s, "s", 1)
	id2, _ := s.XAdd("s", nil, "n", "2")
	r = <-second
	require.NoError(t, r.err)
	require.Len(t, r.ents, 1)
	assert.Equal(t, id2, r.ents[0].ID)

	// context cancellation ends the wait
	ctx, cancel := context.WithCancel(bg)
	done := make(chan error, 1)
	go func() { _, err := g.Read(ctx, "c", 1, BlockForever); done <- err }()
	xWaitBlocked(t, s, "s", 1)
	cancel()
	assert.ErrorIs(t, <-done, context.Canceled)
	xWaitBlocked(t, s, "s", 0)

	// a bounded wait that times out is no error for the handle
	ents, err := g.Read(bg, "c", 1, 5*time.Millisecond)
	require.NoError(t, err)
	assert.Empty(t, ents)
	_, err = s.XReadGroup(bg, &XReadGroupArgs{Group: "g", Consumer: "c", Block: 5 * time.Millisecond, Streams: []XReadGroupStream{{Key: "s"}}})
	assert.ErrorIs(t, err, Nil)
}

func TestStream_BlockedXReadGroupGetsNoGroup(t *testing.T) {
	s, _ := openStreams(t)
	g := s.Group("s", "g")
	require.NoError(t, g.CreateAtEnd(&XGroupCreateArgs{MkStream: true}))
	reply := make(chan string, 1)
	go func() {
		x := s.NewSession()
		reply <- do(t, x, "XREADGROUP", "GROUP", "g", "c", "BLOCK", "0", "STREAMS", "s", ">")
	}()
	xWaitBlocked(t, s, "s", 1)
	ok, err := g.Destroy()
	require.NoError(t, err)
	require.True(t, ok)
	assert.Equal(t, "-NOGROUP No such key 's' or consumer group 'g' in XREADGROUP with GROUP option\r\n", <-reply)

	// the typed API reports it as ErrNoGroup
	require.NoError(t, g.CreateAtEnd(nil))
	errc := make(chan error, 1)
	go func() { _, err := g.Read(bg, "c", 1, BlockForever); errc <- err }()
	xWaitBlocked(t, s, "s", 1)
	g.Destroy()
	err = <-errc
	assert.ErrorIs(t, err, ErrNoGroup)
	var e *Error
	require.True(t, errors.As(err, &e))
	assert.Equal(t, "NOGROUP No such key 's' or consumer group 'g' in XREADGROUP with GROUP option", e.Error())
}

// ---- journal, events, WATCH

type streamRecorder struct {
	mu      sync.Mutex
	records [][]string
	events  []string
}

func (r *streamRecorder) journal(rs []keyspace.Record) uint64 {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, rec := range rs {
		r.records = append(r.records, append([]string(nil), rec.Args...))
	}
	return 0
}

func (r *streamRecorder) notify(es []keyspace.Event) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, e := range es {
		if e.Class != keyspace.NotifyKeyspace && e.Class != keyspace.NotifyKeyMiss {
			r.events = append(r.events, e.Name+":"+e.Key)
		}
	}
}

func (r *streamRecorder) take() (records []string, events []string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, rec := range r.records {
		records = append(records, strings.Join(rec, " "))
	}
	events = r.events
	r.records, r.events = nil, nil
	return records, events
}

func TestStream_JournalAndEvents(t *testing.T) {
	clk := newTestClock()
	s, err := Open(&Options{Clock: clk, NotifyKeyspaceEvents: "KEA"})
	require.NoError(t, err)
	t.Cleanup(func() { s.Close() })
	checkStreams(t, s)
	rec := &streamRecorder{}
	s.Keyspace().SetHooks(&keyspace.Hooks{Journal: rec.journal, Notify: rec.notify})
	x := s.NewSession()
	now := itoa(clk.NowMS())
	step := func(wantRecords, wantEvents []string, args ...string) {
		t.Helper()
		do(t, x, args...)
		records, events := rec.take()
		assert.Equal(t, wantRecords, records, "records of %q", args)
		assert.Equal(t, wantEvents, events, "events of %q", args)
	}
	step([]string{"XADD s " + now + "-0 f v"}, []string{"xadd:s"}, "XADD", "s", "*", "f", "v")
	for i := 1; i <= 200; i++ {
		do(t, x, "XADD", "s", "*", "f", "v")
	}
	rec.take()
	step([]string{"XADD s MAXLEN = 102 " + now + "-201 f v"}, []string{"xadd:s", "xtrim:s"}, "XADD", "s", "MAXLEN", "~", "100", "*", "f", "v")
	step([]string{"XTRIM s MAXLEN = 3"}, []string{"xtrim:s"}, "XTRIM", "s", "MAXLEN", "3")
	step(nil, nil, "XTRIM", "s", "MAXLEN", "3")
	step([]string{"XDEL s " + now + "-200"}, []string{"xdel:s"}, "XDEL", "s", now+"-200")
	step([]string{"XGROUP CREATE s g 0-0 ENTRIESREAD -1"}, []string{"xgroup-create:s"}, "XGROUP", "CREATE", "s", "g", "0")
	step([]string{"MULTI", "XGROUP CREATECONSUMER s g c",
		"XCLAIM s g c 0 " + now + "-199 TIME " + now + " RETRYCOUNT 1 FORCE JUSTID LASTID " + now + "-199",
		"XGROUP SETID s g " + now + "-199 ENTRIESREAD -1", "EXEC"},
		[]string{"xgroup-createconsumer:s"}, "XREADGROUP", "GROUP", "g", "c", "COUNT", "1", "STREAMS", "s", ">")
	clk.Advance(time.Second)
	later := itoa(clk.NowMS())
	step([]string{"XCLAIM s g c 0 " + now + "-199 TIME " + later + " RETRYCOUNT 2 FORCE JUSTID LASTID " + now + "-199"},
		nil, "XREADGROUP", "GROUP", "g", "c", "STREAMS", "s", "0")
	step([]string{"MULTI", "XGROUP CREATECONSUMER s g d",
		"XCLAIM s g d 0 " + now + "-199 TIME " + later + " RETRYCOUNT 3 FORCE JUSTID LASTID " + now + "-199", "EXEC"},
		[]string{"xgroup-createconsumer:s"}, "XCLAIM", "s", "g", "d", "0", now+"-199")
	step([]string{"XACK s g " + now + "-199"}, nil, "XACK", "s", "g", now+"-199")
	step(nil, nil, "XACK", "s", "g", now+"-199")
	step([]string{"XGROUP SETID s g 0-0 ENTRIESREAD -1"}, []string{"xgroup-setid:s"}, "XGROUP", "SETID", "s", "g", "0")
	step([]string{"XGROUP DELCONSUMER s g d"}, []string{"xgroup-delconsumer:s"}, "XGROUP", "DELCONSUMER", "s", "g", "d")
	step([]string{"XSETID s 99999999999999-0"}, []string{"xsetid:s"}, "XSETID", "s", "99999999999999-0")
	step([]string{"XGROUP DESTROY s g"}, []string{"xgroup-destroy:s"}, "XGROUP", "DESTROY", "s", "g")
}

// TestStream_JournalReplays replays the journal of a consumer workload
// into a fresh store and compares the resulting streams and PELs.
func TestStream_JournalReplays(t *testing.T) {
	s, clk := openStreams(t)
	rec := &streamRecorder{}
	s.Keyspace().SetHooks(&keyspace.Hooks{Journal: rec.journal})
	x := s.NewSession()
	do(t, x, "XGROUP", "CREATE", "s", "g", "$", "MKSTREAM")
	for i := range 30 {
		do(t, x, "XADD", "s", "MAXLEN", "~", "20", "*", "n", itoa(int64(i)))
		clk.Advance(time.Millisecond)
	}
	do(t, x, "XREADGROUP", "GROUP", "g", "a", "COUNT", "5", "STREAMS", "s", ">")
	do(t, x, "XREADGROUP", "GROUP", "g", "b", "NOACK", "COUNT", "5", "STREAMS", "s", ">")
	do(t, x, "XREADGROUP", "GROUP", "g", "b", "COUNT", "7", "STREAMS", "s", ">")
	clk.Advance(time.Minute)
	do(t, x, "XAUTOCLAIM", "s", "g", "c", "30000", "0", "COUNT", "3")
	do(t, x, "XREADGROUP", "GROUP", "g", "a", "STREAMS", "s", "0")
	do(t, x, "XACK", "s", "g", "0-0")
	do(t, x, "XREADGROUP", "GROUP", "g", "empty", "STREAMS", "s", ">")
	rec.mu.Lock()
	lines := rec.records
	rec.mu.Unlock()
	require.NotEmpty(t, lines)

	r, rclk := openTest(t)
	rclk.ms.Store(clk.NowMS()) // a replay happens later: TIME arguments are in its past
	y := r.NewSession()
	for _, line := range lines {
		if line[0] == "MULTI" || line[0] == "EXEC" {
			continue
		}
		w := resp.NewWriter(2)
		b := make([][]byte, len(line))
		for i, a := range line {
			b[i] = []byte(a)
		}
		y.Exec(b, w)
		require.NotEqual(t, byte('-'), w.Bytes()[0], "%q: %s", line, w.Bytes())
	}
	want, err := s.XInfoStreamFull("s", 0)
	require.NoError(t, err)
	got, err := r.XInfoStreamFull("s", 0)
	require.NoError(t, err)
	// seen times are not journaled (nor are they by Redis)
	for _, f := range []*XInfoStreamFull{&want, &got} {
		for i := range f.Groups {
			for j := range f.Groups[i].ConsumerList {
				f.Groups[i].ConsumerList[j].SeenTime = time.Time{}
				f.Groups[i].ConsumerList[j].ActiveTime = time.Time{}
			}
		}
	}
	assert.Equal(t, want, got)
}

func TestStream_WatchAndCopy(t *testing.T) {
	s, _ := openStreams(t)
	s.XAdd("s", &XAddArgs{ID: sid(1, 0)}, "f", "v")
	require.NoError(t, s.Group("s", "g").Create(stream.MinID, nil))
	a, b := s.NewSession(), s.NewSession()
	do(t, a, "WATCH", "s")
	do(t, b, "XACK", "s", "g", "1-0") // Redis does not signal XACK as a modification
	do(t, a, "MULTI")
	do(t, a, "XLEN", "s")
	assert.Equal(t, "*1\r\n:1\r\n", do(t, a, "EXEC"))
	do(t, a, "WATCH", "s")
	do(t, b, "XADD", "s", "2-0", "f", "v")
	do(t, a, "MULTI")
	do(t, a, "XLEN", "s")
	assert.Equal(t, "*-1\r\n", do(t, a, "EXEC"))

	assert.Equal(t, ":1\r\n", do(t, a, "COPY", "s", "c"))
	s.XAdd("c", &XAddArgs{ID: sid(3, 0)}, "f", "v")
	n, _ := s.XLen("s")
	assert.Equal(t, int64(2), n, "the copy is independent")
	infos, err := s.XInfoGroups("c")
	require.NoError(t, err)
	assert.Equal(t, "g", infos[0].Name)
}

// TestStream_OneAddWakesEveryGroup blocks two consumers in each of two
// groups: one XADD must reach one consumer of each group, although the
// first waiter woken in each group serves and the second finds nothing.
func TestStream_OneAddWakesEveryGroup(t *testing.T) {
	s, _ := openStreams(t)
	type got struct {
		group, consumer string
		n               int
	}
	results := make(chan got, 4)
	ctx, cancel := context.WithCancel(bg)
	defer cancel()
	n := 0
	for _, gname := range []string{"g1", "g2"} {
		g := s.Group("s", gname)
		require.NoError(t, g.CreateAtEnd(&XGroupCreateArgs{MkStream: true}))
		for _, c := range []string{"a", "b"} {
			go func() {
				ents, err := g.Read(ctx, c, 10, BlockForever)
				if err == nil {
					results <- got{gname, c, len(ents)}
				}
			}()
			n++
			xWaitBlocked(t, s, "s", n)
		}
	}
	_, err := s.XAdd("s", nil, "f", "v")
	require.NoError(t, err)
	per := map[string]int{}
	for range 2 {
		select {
		case r := <-results:
			per[r.group] += r.n
		case <-time.After(5 * time.Second):
			t.Fatalf("only %v delivered", per)
		}
	}
	assert.Equal(t, map[string]int{"g1": 1, "g2": 1}, per)
	xWaitBlocked(t, s, "s", 2) // the other consumer of each group still waits
}

func TestStream_IDRepliesKeepNoStaleText(t *testing.T) {
	s, clk := openStreams(t)
	sess := s.NewSession()
	now := clk.NowMS()
	bulk := func(id string) string { return "$" + itoa(int64(len(id))) + "\r\n" + id + "\r\n" }
	ms := itoa(now)
	assert.Equal(t, bulk(ms+"-0"), do(t, sess, "XADD", "s", "*", "f", "v"))
	assert.Equal(t, bulk(ms+"-1"), do(t, sess, "XADD", "s", "*", "f", "v"))
	clk.Advance(7 * time.Millisecond)
	ms7 := itoa(now + 7)
	assert.Equal(t, bulk(ms7+"-0"), do(t, sess, "XADD", "s", "*", "f", "v"))
	// a shorter ms part after a longer one, and sequences of every width
	assert.Equal(t, bulk("5-0"), do(t, sess, "XADD", "t", "5-0", "f", "v"))
	assert.Equal(t, bulk("5-18446744073709551614"), do(t, sess, "XADD", "t", "5-18446744073709551614", "f", "v"))
	assert.Equal(t, bulk("5-18446744073709551615"), do(t, sess, "XADD", "t", "5-*", "f", "v"))
	assert.Equal(t, bulk("18446744073709551615-18446744073709551615"),
		do(t, sess, "XADD", "u", "18446744073709551615-18446744073709551615", "f", "v"))
	assert.Equal(t, bulk("6-0"), do(t, sess, "XADD", "t", "6-*", "f", "v"))
	// several IDs in one reply, the ms part changing between them
	assert.Equal(t, "*3\r\n"+
		"*2\r\n"+bulk("5-0")+"*2\r\n"+bulk("f")+bulk("v")+
		"*2\r\n"+bulk("5-18446744073709551614")+"*2\r\n"+bulk("f")+bulk("v")+
		"*2\r\n"+bulk("5-18446744073709551615")+"*2\r\n"+bulk("f")+bulk("v"),
		do(t, sess, "XRANGE", "t", "-", "5-18446744073709551615"))
	assert.Equal(t, "*2\r\n"+
		"*2\r\n"+bulk("6-0")+"*2\r\n"+bulk("f")+bulk("v")+
		"*2\r\n"+bulk("5-18446744073709551615")+"*2\r\n"+bulk("f")+bulk("v"),
		do(t, sess, "XREVRANGE", "t", "+", "-", "COUNT", "2"))
}

package embedis

import (
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/embedis/embedis/keyspace"
)

// renderSnapshot collects snap as the sorted lines of the commands that
// rebuild it.
func renderSnapshot(t *testing.T, snap *keyspace.Snapshot) []string {
	t.Helper()
	var lines []string
	require.NoError(t, snap.Collect(func(es []keyspace.SnapEntry) error {
		for i := range es {
			if err := entryCommands(&es[i], func(a ...string) {
				lines = append(lines, strconv.Itoa(es[i].DB)+" "+strings.Join(a, " "))
			}); err != nil {
				return err
			}
		}
		return nil
	}))
	sort.Strings(lines)
	return lines
}

// mustDo runs a command that must not fail; it may be called from any
// goroutine (a failure is reported with t.Errorf).
func mustDo(t *testing.T, s *Store, args ...any) Value {
	t.Helper()
	v, err := s.Do(bg, args...)
	if err == nil {
		err = v.Err()
	}
	if err != nil {
		t.Errorf("%v: %v", args, err)
	}
	return v
}

// TestSnapshot_LargeCollectionsReadInPlace makes a large collection of
// every type, which a snapshot reads in place instead of cloning under
// its shard's lock, and changes all of them while the snapshot is being
// collected: the snapshot holds their contents at its instant, and the
// store the changes. Reads do not clone what the snapshot shares. Under
// -race it also shows that nothing the snapshot reads is written by the
// writers (they write clones) or the readers.
func TestSnapshot_LargeCollectionsReadInPlace(t *testing.T) {
	s := MustOpen(&Options{Shards: 4})
	defer s.Close()
	const n = 6000
	for i := 0; i < n; i++ {
		is := strconv.Itoa(i)
		mustDo(t, s, "HSET", "h", "f"+is, "value-"+is)
		mustDo(t, s, "ZADD", "z", is, "member-"+is)
		mustDo(t, s, "SADD", "s", "member-"+is)
		mustDo(t, s, "RPUSH", "l", "element-"+is)
		mustDo(t, s, "XADD", "x", "*", "field", "value-"+is)
	}
	mustDo(t, s, "HPEXPIREAT", "h", "9999999999999", "FIELDS", "1", "f1")
	mustDo(t, s, "XGROUP", "CREATE", "x", "g", "0")
	mustDo(t, s, "XREADGROUP", "GROUP", "g", "c", "COUNT", "100", "STREAMS", "x", ">")
	var c keyspace.Ctx
	s.ks.Begin(&c)
	for _, k := range []string{"h", "z", "s", "l", "x"} {
		c.Lock(k)
		sh, ok := c.Peek(0, k).ObjView().(keyspace.Sharer)
		require.True(t, ok, k)
		require.True(t, sh.Share(), "%s is not large enough to be shared", k)
		c.Unlock()
	}

	before := renderSnapshot(t, s.ks.BeginSnapshot(nil))
	change := func(r int) {
		rs := strconv.Itoa(r)
		mustDo(t, s, "HSET", "h", "new"+rs, rs)
		mustDo(t, s, "HDEL", "h", "f"+strconv.Itoa(r%n))
		mustDo(t, s, "ZADD", "z", "-1", "new"+rs)
		mustDo(t, s, "ZINCRBY", "z", "5", "member-7")
		mustDo(t, s, "SADD", "s", "new"+rs)
		mustDo(t, s, "SREM", "s", "member-"+strconv.Itoa(r%n))
		mustDo(t, s, "LPOP", "l")
		mustDo(t, s, "RPUSH", "l", "new"+rs)
		mustDo(t, s, "XADD", "x", "*", "new", rs)
		mustDo(t, s, "XREADGROUP", "GROUP", "g", "c2", "COUNT", "1", "STREAMS", "x", ">")
		mustDo(t, s, "XCLAIM", "x", "g", "c3", "0", "0-1")
		mustDo(t, s, "XTRIM", "x", "MINID", "0-1")
	}
	read := func(r int) {
		rs := strconv.Itoa(r % n)
		mustDo(t, s, "LRANGE", "l", "0", "10")
		mustDo(t, s, "LINDEX", "l", rs)
		mustDo(t, s, "LPOS", "l", "element-"+rs)
		mustDo(t, s, "SISMEMBER", "s", "member-"+rs)
		mustDo(t, s, "SRANDMEMBER", "s", "-5")
		mustDo(t, s, "SSCAN", "s", "0")
		mustDo(t, s, "SINTER", "s", "s")
		mustDo(t, s, "ZRANGE", "z", "0", "10")
		mustDo(t, s, "ZRANGEBYSCORE", "z", "10", "20")
		mustDo(t, s, "ZSCORE", "z", "member-"+rs)
		mustDo(t, s, "ZRANK", "z", "member-"+rs)
		mustDo(t, s, "ZRANDMEMBER", "z", "3")
		mustDo(t, s, "ZSCAN", "z", "0")
	}
	views := func() []any {
		var out []any
		for _, k := range []string{"l", "s", "z"} {
			c.Lock(k)
			out = append(out, c.Peek(0, k).ObjView())
			c.Unlock()
		}
		return out
	}
	snap := s.ks.BeginSnapshot(nil)
	v0 := views() // copies the shards
	read(0)
	for i, v := range views() {
		assert.Same(t, v0[i], v, "a read cloned a collection the snapshot shares")
	}
	change(0) // changes every collection
	var stop atomic.Bool
	var wg sync.WaitGroup
	wg.Add(2)
	go func() {
		defer wg.Done()
		for r := 1; !stop.Load(); r++ {
			change(r)
		}
	}()
	go func() {
		defer wg.Done()
		for r := 1; !stop.Load(); r++ {
			read(r)
		}
	}()
	got := renderSnapshot(t, snap)
	stop.Store(true)
	wg.Wait()
	assert.Equal(t, before, got)

	assert.Equal(t, "0", mustDo(t, s, "HGET", "h", "new0").Str)
	assert.Equal(t, int64(0), mustDo(t, s, "HEXISTS", "h", "f0").Int)
	assert.NotEqual(t, "7", mustDo(t, s, "ZSCORE", "z", "member-7").Str)
	assert.True(t, strings.HasPrefix(mustDo(t, s, "LINDEX", "l", "-1").Str, "new"))
}

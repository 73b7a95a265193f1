package keyspace

import (
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestJournalRESP checks the records handed to Hooks.JournalRESP: one
// record as is, several wrapped in MULTI/EXEC with SELECT where the
// database changes, from shard locks, the exclusive section and no lock.
func TestJournalRESP(t *testing.T) {
	ks := New(Config{Shards: 8, Clock: newClock()})
	type got struct {
		first, last int
		resp        string
	}
	var mu sync.Mutex
	var out []got
	ks.SetHooks(&Hooks{JournalRESP: func(first, last int, resp []byte) uint64 {
		mu.Lock()
		defer mu.Unlock()
		out = append(out, got{first, last, string(resp)})
		return uint64(len(out))
	}})
	take := func() []got {
		mu.Lock()
		defer mu.Unlock()
		o := out
		out = nil
		return o
	}
	var c Ctx
	ks.Begin(&c)
	c.Lock("a")
	c.Propagate(3, "SET", "a", "1")
	c.Unlock()
	c.Finish()
	assert.Equal(t, []got{{3, 3, "*3\r\n$3\r\nSET\r\n$1\r\na\r\n$1\r\n1\r\n"}}, take())

	ks.Begin(&c)
	c.Lock("a", "b", "c")
	c.Propagate(0, "DEL", "a")
	c.Propagate(2, "SET", "b", strings.Repeat("x", 12))
	c.Propagate(2, "INCR", "c")
	c.Unlock()
	c.Finish()
	assert.Equal(t, []got{{0, 2, "*1\r\n$5\r\nMULTI\r\n*2\r\n$3\r\nDEL\r\n$1\r\na\r\n" +
		"*2\r\n$6\r\nSELECT\r\n$1\r\n2\r\n*3\r\n$3\r\nSET\r\n$1\r\nb\r\n$12\r\nxxxxxxxxxxxx\r\n" +
		"*2\r\n$4\r\nINCR\r\n$1\r\nc\r\n*1\r\n$4\r\nEXEC\r\n"}}, take())

	ks.Begin(&c)
	c.Exclusive()
	c.Propagate(1, "FLUSHDB")
	c.EndExclusive()
	c.Finish()
	assert.Equal(t, []got{{1, 1, "*1\r\n$7\r\nFLUSHDB\r\n"}}, take())

	ks.Begin(&c) // no lock held: a pooled buffer
	c.Propagate(0, "PING")
	c.Finish()
	assert.Equal(t, []got{{0, 0, "*1\r\n$4\r\nPING\r\n"}}, take())

	// a large record, then small ones: the buffer does not keep the size
	ks.Begin(&c)
	c.Lock("big")
	c.Propagate(0, "SET", "big", strings.Repeat("y", 100_000))
	c.Unlock()
	c.Finish()
	require.Len(t, take(), 1)
	for i := range ks.jbufs {
		assert.LessOrEqual(t, cap(ks.jbufs[i].b), journalKeep)
	}

	// concurrent units on every shard
	var wg sync.WaitGroup
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			var c Ctx
			for i := 0; i < 500; i++ {
				k := "k" + strconv.Itoa(g) + "-" + strconv.Itoa(i)
				ks.Begin(&c)
				c.Lock(k, "other"+k)
				c.Propagate(0, "SET", k, k)
				c.Propagate(0, "SET", "other"+k, k)
				c.Unlock()
				c.Finish()
			}
		}(g)
	}
	wg.Wait()
	all := take()
	require.Len(t, all, 8*500)
	for _, r := range all {
		parts := strings.Split(r.resp, "\r\n")
		require.Equal(t, "MULTI", parts[2])
		require.Equal(t, parts[7], parts[9], "both records of a unit together")
		require.Equal(t, "other"+parts[7], parts[14])
		require.Equal(t, parts[7], parts[16])
		require.Equal(t, "EXEC", parts[19])
	}
}

// TestSelectRESPLen: the computed size of SELECT db is the encoded size.
func TestSelectRESPLen(t *testing.T) {
	for _, db := range []int{0, 9, 10, 99, 100, 999, 1000, 12345} {
		if got, want := SelectRESPLen(db), len(AppendSelectRESP(nil, db)); got != want {
			t.Fatalf("SelectRESPLen(%d) = %d, encoded %d bytes", db, got, want)
		}
	}
}

// TestJournalSyncOnlyWithToken calls JournalSync from Finish only for a
// unit whose journal hook returned a token, with that token.
func TestJournalSyncOnlyWithToken(t *testing.T) {
	for _, resp := range []bool{true, false} {
		ks := New(Config{Shards: 4, Clock: newClock()})
		var next uint64
		var synced []uint64
		h := &Hooks{JournalSync: func(tok uint64) { synced = append(synced, tok) }}
		if resp {
			h.JournalRESP = func(int, int, []byte) uint64 { return next }
		} else {
			h.Journal = func([]Record) uint64 { return next }
		}
		ks.SetHooks(h)
		write := func(tok uint64) {
			next = tok
			var c Ctx
			ks.Begin(&c)
			c.Lock("k")
			c.Propagate(0, "SET", "k", "v")
			c.Unlock()
			c.Finish()
		}
		write(0)
		assert.Empty(t, synced, "resp=%v", resp)
		write(7)
		write(0)
		write(9)
		assert.Equal(t, []uint64{7, 9}, synced, "resp=%v", resp)
	}
}

// TestAppendRESPLongArgs encodes arguments too long for the buffer's
// spare room and lengths of many digits.
func TestAppendRESPLongArgs(t *testing.T) {
	long := strings.Repeat("z", 123456)
	dst := make([]byte, 3, 40)
	copy(dst, "abc")
	out := AppendRESP(dst, []string{"SET", long, ""})
	assert.Equal(t, "abc*3\r\n$3\r\nSET\r\n$123456\r\n"+long+"\r\n$0\r\n\r\n", string(out))
	assert.Len(t, out, 3+RESPLen([]string{"SET", long, ""}))
}

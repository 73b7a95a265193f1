package embedis

import (
	"context"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/embedis/embedis/types"
)

// Compact (listpack and intset) encodings seen through the command layer:
// the thresholds follow CONFIG SET, OBJECT ENCODING names the real
// encoding, and compact values survive a snapshot.

func encodingOf(t *testing.T, sess *Session, key string) string {
	t.Helper()
	r := do(t, sess, "OBJECT", "ENCODING", key)
	_, v, ok := strings.Cut(strings.TrimSuffix(r, "\r\n"), "\r\n")
	require.True(t, ok, "OBJECT ENCODING %s: %q", key, r)
	return v
}

func TestCompact_ConfigSetThresholdsAreHonoured(t *testing.T) {
	s := MustOpen(nil)
	t.Cleanup(func() {
		s.Close()
		types.SetLimits(types.DefaultLimits())
	})
	sess := s.NewSession()
	require.NoError(t, s.ConfigSet("hash-max-listpack-entries", "3", "hash-max-listpack-value", "4",
		"zset-max-listpack-entries", "2", "zset-max-ziplist-value", "3",
		"set-max-intset-entries", "2", "set-max-listpack-entries", "3", "set-max-listpack-value", "2"))
	assert.Equal(t, "*2\r\n$25\r\nhash-max-listpack-entries\r\n$1\r\n3\r\n", do(t, sess, "CONFIG", "GET", "hash-max-listpack-entries"))

	do(t, sess, "HSET", "h", "a", "1", "b", "2", "c", "3")
	assert.Equal(t, "listpack", encodingOf(t, sess, "h"))
	do(t, sess, "HSET", "h", "d", "4")
	assert.Equal(t, "hashtable", encodingOf(t, sess, "h"))
	do(t, sess, "HSET", "h2", "a", "1234")
	assert.Equal(t, "listpack", encodingOf(t, sess, "h2"))
	do(t, sess, "HSET", "h2", "b", "12345")
	assert.Equal(t, "hashtable", encodingOf(t, sess, "h2"))

	do(t, sess, "ZADD", "z", "1", "a", "2", "abc")
	assert.Equal(t, "listpack", encodingOf(t, sess, "z"))
	do(t, sess, "ZADD", "z", "3", "c")
	assert.Equal(t, "skiplist", encodingOf(t, sess, "z"))
	do(t, sess, "ZADD", "z2", "1", "abcd")
	assert.Equal(t, "skiplist", encodingOf(t, sess, "z2"))

	do(t, sess, "SADD", "s", "1", "2")
	assert.Equal(t, "intset", encodingOf(t, sess, "s"))
	do(t, sess, "SADD", "s", "x")
	assert.Equal(t, "listpack", encodingOf(t, sess, "s"))
	do(t, sess, "SADD", "s", "y")
	assert.Equal(t, "hashtable", encodingOf(t, sess, "s"))
	do(t, sess, "SADD", "s2", "100", "x")
	assert.Equal(t, "hashtable", encodingOf(t, sess, "s2"), "a 3-digit integer is over set-max-listpack-value")

	require.NoError(t, s.ConfigSet("list-max-listpack-size", "3"))
	do(t, sess, "RPUSH", "l", "a", "b", "c")
	assert.Equal(t, "listpack", encodingOf(t, sess, "l"))
	do(t, sess, "RPUSH", "l", "d")
	assert.Equal(t, "quicklist", encodingOf(t, sess, "l"))
	do(t, sess, "RPOP", "l", "3")
	assert.Equal(t, "listpack", encodingOf(t, sess, "l"), "one node of at most half the count")
	require.NoError(t, s.ConfigSet("list-max-ziplist-size", "-2"))

	// lowering a limit converts nothing until the next insertion
	require.NoError(t, s.ConfigSet("hash-max-listpack-entries", "512", "hash-max-listpack-value", "64"))
	do(t, sess, "HSET", "h3", "a", "1", "b", "2")
	require.NoError(t, s.ConfigSet("hash-max-listpack-entries", "1"))
	assert.Equal(t, "listpack", encodingOf(t, sess, "h3"))
	do(t, sess, "HDEL", "h3", "a")
	assert.Equal(t, "listpack", encodingOf(t, sess, "h3"))
	do(t, sess, "HSET", "h3", "c", "3")
	assert.Equal(t, "hashtable", encodingOf(t, sess, "h3"))
}

func TestCompact_DefaultThresholds(t *testing.T) {
	s := MustOpen(nil)
	t.Cleanup(func() { s.Close() })
	sess := s.NewSession()
	for i := 0; i < types.HashMaxListpackEntries; i++ {
		do(t, sess, "HSET", "h", "f"+strconv.Itoa(i), "v")
	}
	assert.Equal(t, "listpack", encodingOf(t, sess, "h"))
	do(t, sess, "HSET", "h", "one-more", "v")
	assert.Equal(t, "hashtable", encodingOf(t, sess, "h"))
	do(t, sess, "HSET", "hx", "f", "v")
	do(t, sess, "HEXPIRE", "hx", "100", "FIELDS", "1", "f")
	assert.Equal(t, "listpackex", encodingOf(t, sess, "hx"))

	for i := 0; i < types.ZSetMaxListpackEntries; i++ {
		do(t, sess, "ZADD", "z", strconv.Itoa(i), "m"+strconv.Itoa(i))
	}
	assert.Equal(t, "listpack", encodingOf(t, sess, "z"))
	do(t, sess, "ZADD", "z", "0", "one-more")
	assert.Equal(t, "skiplist", encodingOf(t, sess, "z"))
	assert.Equal(t, ":129\r\n", do(t, sess, "ZCARD", "z"))
	assert.Equal(t, ":1\r\n", do(t, sess, "ZRANK", "z", "one-more"))
	do(t, sess, "ZADD", "z2", "1", strings.Repeat("m", types.ZSetMaxListpackValue+1))
	assert.Equal(t, "skiplist", encodingOf(t, sess, "z2"))
}

// Compact values of every kind, next to converted ones, come back from a
// snapshot with the same contents and encodings.
func TestCompact_SnapshotRoundTrip(t *testing.T) {
	d := t.TempDir()
	s, err := Open(&Options{Dir: d})
	require.NoError(t, err)
	sess := s.NewSession()
	do(t, sess, "HSET", "h", "f1", "v1", "f2", "", "", "empty-name", "f3", strings.Repeat("x", 64))
	do(t, sess, "HSET", "hbig", "a", strings.Repeat("y", 65))
	do(t, sess, "HSET", "hx", "a", "1", "b", "2")
	do(t, sess, "HPEXPIREAT", "hx", "4102444800000", "FIELDS", "1", "b")
	do(t, sess, "ZADD", "z", "-0", "negzero", "1.5", "a", "-3", "b", "inf", "c", "-inf", "d",
		"9007199254740993", "e", "123", "f", "0", "")
	do(t, sess, "ZADD", "zbig", "1", strings.Repeat("m", 65))
	do(t, sess, "RPUSH", "l", "a", "bb", "", "123")
	do(t, sess, "SADD", "si", "3", "1", "2")
	do(t, sess, "SADD", "sl", "x", "y")
	cmds := [][]string{
		{"HGETALL", "h"}, {"HGETALL", "hbig"}, {"HGETALL", "hx"}, {"HPEXPIRETIME", "hx", "FIELDS", "2", "a", "b"},
		{"ZRANGE", "z", "0", "-1", "WITHSCORES"}, {"ZRANGE", "zbig", "0", "-1", "WITHSCORES"},
		{"LRANGE", "l", "0", "-1"}, {"SMEMBERS", "si"}, {"SCARD", "sl"},
	}
	keys := []string{"h", "hbig", "hx", "z", "zbig", "l", "si", "sl"}
	snap := func(sess *Session) []string {
		var out []string
		for _, c := range cmds {
			out = append(out, do(t, sess, c...))
		}
		for _, k := range keys {
			out = append(out, k+":"+encodingOf(t, sess, k))
		}
		return out
	}
	want := snap(sess)
	assert.Contains(t, want, "h:listpack")
	assert.Contains(t, want, "hbig:hashtable")
	assert.Contains(t, want, "hx:listpackex")
	assert.Contains(t, want, "z:listpack")
	assert.Contains(t, want, "zbig:skiplist")
	require.NoError(t, s.Save(context.Background()))
	require.NoError(t, s.Close())

	r, err := Open(&Options{Dir: d})
	require.NoError(t, err)
	defer r.Close()
	assert.Equal(t, want, snap(r.NewSession()))
}

// Many small collections: the accounted memory per element stays close to
// Redis's listpacks (about 20 bytes per element for these shapes).
func TestCompact_SmallCollectionsAccountedMemory(t *testing.T) {
	s := MustOpen(nil)
	t.Cleanup(func() { s.Close() })
	const keys, per = 1000, 10
	for i := 0; i < keys; i++ {
		k := strconv.Itoa(i)
		for j := 0; j < per; j++ {
			_, err := s.HSet("h:"+k, "f"+strconv.Itoa(j), "value")
			require.NoError(t, err)
			_, err = s.ZAdd("z:"+k, nil, Z{Score: float64(j), Member: "member" + strconv.Itoa(j)})
			require.NoError(t, err)
		}
	}
	perElem := float64(s.Stats().UsedMemory) / (2 * keys * per)
	assert.Less(t, perElem, 30.0, "accounted bytes per element")
}

package embedis

import (
	"context"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/embedis/embedis/internal/difftest"
	"github.com/embedis/embedis/resp"
)

// TestPersistence_RealRedisReplaysRewrittenLog writes a data set, rewrites
// the log, writes more, and starts a real redis-server on a copy of the
// directory with appendonly yes: it must load the same data.
func TestPersistence_RealRedisReplaysRewrittenLog(t *testing.T) {
	d := t.TempDir()
	s, err := Open(&Options{Dir: d, AppendOnly: true, AppendFsync: "always"})
	require.NoError(t, err)
	s.Set("str", "hello", nil)
	s.Set("ttl", "v", &SetArgs{TTL: time.Hour})
	s.Select(2).Set("db2", "x", nil)
	for i := 0; i < 50; i++ {
		s.Incr("n")
	}
	s.IncrByFloat("f", 0.1)
	s.HSet("h", "a", "1", "b", "2")
	s.RPush("l", "x", "y", "z")
	s.SAdd("s", "m1", "m2")
	require.NoError(t, s.Rewrite(context.Background()))
	s.Incr("n")
	s.LPush("l", "w")
	s.Del("str")
	s.Set("after", "rewrite", nil)
	want := digest(t, s)
	require.NoError(t, s.Close())

	r := difftest.StartRedis(t, "--appendonly", "yes", "--dir", d, "--appenddirname", "appendonlydir")
	c, err := difftest.Dial(r.Addr())
	require.NoError(t, err)
	defer c.Close()
	var got []string
	for db := 0; db < 16; db++ {
		_, err := c.Do("SELECT", strconv.Itoa(db))
		require.NoError(t, err)
		keys := strs(t, c, "KEYS", "*")
		for _, k := range keys {
			typ := strs(t, c, "TYPE", k)[0]
			var val string
			switch typ {
			case "string":
				val = strs(t, c, "GET", k)[0]
			case "hash":
				kv := strs(t, c, "HGETALL", k)
				var pairs []string
				for i := 0; i+1 < len(kv); i += 2 {
					pairs = append(pairs, kv[i]+"="+kv[i+1])
				}
				sort.Strings(pairs)
				val = fmtAny(pairs)
			case "list":
				val = fmtAny(strs(t, c, "LRANGE", k, "0", "-1"))
			case "set":
				m := strs(t, c, "SMEMBERS", k)
				sort.Strings(m)
				val = fmtAny(m)
			}
			ms := strs(t, c, "PEXPIRETIME", k)[0]
			if ms == "-1" {
				ms = "0"
			}
			got = append(got, strconv.Itoa(db)+" "+k+" "+typ+" "+val+" "+ms)
		}
	}
	sort.Strings(got)
	assert.Equal(t, want, got)
	_, err = os.Stat(filepath.Join(d, "appendonlydir", "appendonly.aof.2.base.aof"))
	assert.NoError(t, err)
}

// strs runs a command and flattens its reply to strings.
func strs(t *testing.T, c *difftest.Conn, args ...string) []string {
	t.Helper()
	raw, err := c.Do(args...)
	require.NoError(t, err)
	v, err := resp.ReadReply(bufioReader(raw))
	require.NoError(t, err)
	if v.Kind == resp.KindError {
		t.Fatalf("%v: %s", args, v.Str)
	}
	if v.Kind == resp.KindArray || v.Kind == resp.KindSet {
		out := make([]string, len(v.Elems))
		for i, e := range v.Elems {
			out[i] = e.Str
		}
		return out
	}
	if v.Kind == resp.KindInt {
		return []string{strconv.FormatInt(v.Int, 10)}
	}
	return []string{v.Str}
}

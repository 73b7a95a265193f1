package embedis

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/embedis/embedis/keyspace"
	"github.com/embedis/embedis/lua"
	"github.com/embedis/embedis/resp"
)

// Scripts that may run holding only the shards of their keys (see
// "Scripts" in ARCHITECTURE.md), and redis.set_repl.

func planOf(t *testing.T, body string) *scriptPlan {
	t.Helper()
	sc, err := lua.NewEngine().Load(body, false)
	require.NoError(t, err)
	return planFor(sc)
}

func TestScriptPlan_Admission(t *testing.T) {
	shards := []string{
		seedRateLimitScript,
		`return redis.call('GET', KEYS[1])`,
		`return redis.call('MSET', KEYS[1], ARGV[1], KEYS[2], ARGV[2])`,
		`return redis.call('ZUNIONSTORE', KEYS[1], 2, KEYS[2], KEYS[3])`,
		`return redis.call('LMPOP', 2, KEYS[1], KEYS[2], 'LEFT')`,
		`return redis.call('XREAD', 'COUNT', 1, 'STREAMS', KEYS[1], '0')`,
		`return redis.call('OBJECT', 'ENCODING', KEYS[1])`,
		`redis.call('SELECT', 1) return redis.call('PING')`,
		`return redis.call('SET', KEYS[1], tostring(ARGV[1]))`, // the open argument is not a key
		`return redis.call('NOSUCHCOMMAND', ARGV[1])`,          // fails at run time: touches nothing
		`local i = 0 while true do i = i + 1 end`,
	}
	for _, body := range shards {
		assert.True(t, planOf(t, body).shards, body)
	}
	p := planOf(t, `redis.call('SET', 'counter:1', 1) return redis.call('GET', KEYS[1]) .. redis.call('GET', 'counter:1')`)
	assert.True(t, p.shards)
	assert.Equal(t, []string{"counter:1"}, p.lits, "literal keys are locked too")

	exclusive := []string{
		`return redis.call('GET', 'k:' .. ARGV[1])`,                   // a computed key
		`return redis.call('KEYS', '*')`,                              // walks the keyspace
		`return redis.call('DBSIZE')`,                                 //
		`return redis.call('SORT', KEYS[1], 'BY', 'w_*')`,             // reads other keys
		`return redis.call('INFO')`,                                   // keyless, not known to be harmless
		`return redis.call('ZUNIONSTORE', KEYS[1], ARGV[1], KEYS[2])`, // numkeys chosen at run time
		`return redis.call('DEL', unpack(KEYS))`,                      // KEYS passed around
		`return redis.call('MGET', KEYS[1], f())`,                     // an open argument at key positions
		`return redis.call('OBJECT', ARGV[1], KEYS[1])`,               // subcommand chosen at run time
		`local c = redis.call return c('GET', KEYS[1])`,
	}
	for _, body := range exclusive {
		assert.False(t, planOf(t, body).shards, body)
	}
}

// keysInDistinctShards returns n keys that live in n different shards.
func keysInDistinctShards(s *Store, prefix string, n int) []string {
	seen := map[int]bool{}
	var out []string
	for i := 0; len(out) < n; i++ {
		k := prefix + strconv.Itoa(i)
		if sh := s.ks.ShardOf(k); !seen[sh] {
			seen[sh] = true
			out = append(out, k)
		}
	}
	return out
}

func TestEval_ShardLocked_Atomic(t *testing.T) {
	s, _ := openTest(t)
	keys := keysInDistinctShards(s, "pair:", 2)
	// Declared keys in two shards: the script holds both shard locks, so
	// readers (plain MGET, or other scripts) never see one key updated
	// without the other.
	incr := NewScript(`
local a = tonumber(redis.call('GET', KEYS[1]) or '0')
local b = tonumber(redis.call('GET', KEYS[2]) or '0')
redis.call('SET', KEYS[1], a + 1)
redis.call('SET', KEYS[2], b + 1)
return a + 1`)
	read := NewScript(`return {redis.call('GET', KEYS[1]), redis.call('GET', KEYS[2])}`)
	require.True(t, planOf(t, incr.Source()).shards)
	var wg sync.WaitGroup
	const workers, each = 6, 200
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < each; i++ {
				_, err := incr.Run(bg, s, keys)
				assert.NoError(t, err)
			}
		}()
	}
	sess := s.NewSession()
	for i := 0; i < 300; i++ {
		v, err := read.RunRO(bg, s, keys)
		require.NoError(t, err)
		if v.Elems[0].Kind == resp.KindBulk {
			assert.Equal(t, v.Elems[0].Str, v.Elems[1].Str, "a script's writes are seen all or nothing")
		}
		reply := do(t, sess, "MGET", keys[0], keys[1])
		if parts := strings.Split(reply, "\r\n"); len(parts) >= 5 {
			assert.Equal(t, parts[2], parts[4], reply)
		} else {
			assert.Equal(t, "*2\r\n$-1\r\n$-1\r\n", reply)
		}
	}
	wg.Wait()
	v, err := s.Get(keys[0])
	require.NoError(t, err)
	assert.Equal(t, strconv.Itoa(workers*each), v)
	assert.Equal(t, int64(0), s.scripts().restarts.Load())
}

func TestEval_ShardLocked_RestartsExclusive(t *testing.T) {
	s, _ := openTest(t)
	sess := s.NewSession()
	do(t, sess, "SET", "k:7", "seven")
	// A read-only script that is not closed runs holding its keys' shards
	// (here none); its first undeclared key makes it start again in the
	// exclusive section, unseen by the caller.
	body := "redis.log(redis.LOG_DEBUG, 'attempt') return redis.call('GET', 'k:' .. ARGV[1])"
	assert.Equal(t, "$5\r\nseven\r\n", do(t, sess, "EVAL_RO", body, "0", "7"))
	assert.Equal(t, int64(1), s.scripts().restarts.Load())
	// EVAL of the same script is not read-only: it never runs shard-locked.
	assert.Equal(t, "$5\r\nseven\r\n", do(t, sess, "EVAL", body, "0", "7"))
	assert.Equal(t, int64(1), s.scripts().restarts.Load())
	// pcall does not swallow the restart; a walk of the keyspace restarts too.
	assert.Equal(t, ":1\r\n", do(t, sess, "EVAL_RO", "local ok = redis.pcall('DBSIZE') if type(ok) == 'table' then return -1 end return ok", "0"))
	assert.Equal(t, int64(2), s.scripts().restarts.Load())
	// Under MULTI the script joins EXEC's exclusive section.
	do(t, sess, "MULTI")
	do(t, sess, "EVAL_RO", body, "0", "7")
	assert.Equal(t, "*1\r\n$5\r\nseven\r\n", do(t, sess, "EXEC"))
	assert.Equal(t, int64(2), s.scripts().restarts.Load())
}

func TestEval_ShardLocked_NeverBlocks(t *testing.T) {
	s, _ := openTest(t)
	sess := s.NewSession()
	body := "return redis.call('XREAD', 'BLOCK', 0, 'STREAMS', KEYS[1], '$')"
	require.True(t, planOf(t, body).shards)
	assert.Equal(t, "$-1\r\n", do(t, sess, "EVAL", body, "1", "stream"), "no data: nil at once")
}

func TestEval_ShardLocked_SelectAndWatch(t *testing.T) {
	s, _ := openTest(t)
	sess := s.NewSession()
	body := "redis.call('SELECT', 2) redis.call('SET', KEYS[1], 'in2') return redis.call('GET', KEYS[1])"
	require.True(t, planOf(t, body).shards)
	assert.Equal(t, "$3\r\nin2\r\n", do(t, sess, "EVAL", body, "1", "k"))
	assert.Equal(t, "$-1\r\n", do(t, sess, "GET", "k"), "the caller's database is unchanged")
	do(t, sess, "SELECT", "2")
	assert.Equal(t, "$3\r\nin2\r\n", do(t, sess, "GET", "k"))

	// A shard-locked script touching a WATCHed key aborts the EXEC.
	w := s.NewSession()
	do(t, w, "WATCH", "watched")
	do(t, s.NewSession(), "EVAL", "return redis.call('SET', KEYS[1], 'x')", "1", "watched")
	do(t, w, "MULTI")
	do(t, w, "PING")
	assert.Equal(t, "*-1\r\n", do(t, w, "EXEC"))
}

func readAOF(t *testing.T, dir string) string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(dir, "appendonlydir", "*.aof"))
	require.NoError(t, err)
	var b strings.Builder
	for _, f := range files {
		data, err := os.ReadFile(f)
		require.NoError(t, err)
		b.Write(data)
	}
	return b.String()
}

func TestEval_SetRepl_Journal(t *testing.T) {
	d := t.TempDir()
	s, err := Open(&Options{Dir: d, AppendOnly: true, AppendFsync: "always"})
	require.NoError(t, err)
	sess := s.NewSession()
	body := `
redis.call('SET', KEYS[1], 'journaled-1')
redis.set_repl(redis.REPL_NONE)
redis.call('SET', KEYS[2], 'not-journaled-2')
redis.set_repl(redis.REPL_REPLICA)
redis.call('SET', KEYS[3], 'not-journaled-3')
redis.set_repl(redis.REPL_AOF)
redis.call('SET', KEYS[4], 'journaled-4')
redis.set_repl(redis.REPL_NONE)
redis.call('INCR', KEYS[5])
redis.set_repl(redis.REPL_ALL)
redis.call('SET', KEYS[6], 'journaled-6')
return 1`
	assert.Equal(t, ":1\r\n", do(t, sess, "EVAL", body, "6", "a", "b", "c", "d", "n", "f"))
	// The same through the exclusive section (a script that is not closed).
	assert.Equal(t, ":1\r\n", do(t, sess, "EVAL", "redis.set_repl(redis.REPL_NONE) redis.call('SET', 'x'..ARGV[1], 'hidden') redis.set_repl(redis.REPL_ALL) redis.call('SET', 'y'..ARGV[1], 'shown') return 1", "0", "1"))
	// Nothing carries over to the next script.
	assert.Equal(t, "+OK\r\n", do(t, sess, "EVAL", "return redis.call('SET', KEYS[1], 'next')", "1", "g"))
	assert.Equal(t, "+OK\r\n", do(t, sess, "SET", "plain", "v"))
	require.NoError(t, s.Close())

	log := readAOF(t, d)
	for _, want := range []string{"journaled-1", "journaled-4", "journaled-6", "shown", "next", "plain"} {
		assert.Contains(t, log, want)
	}
	for _, not := range []string{"not-journaled", "hidden", "INCR"} {
		assert.NotContains(t, log, not)
	}
	assert.NotContains(t, log, "EVAL")

	r, err := Open(&Options{Dir: d, AppendOnly: true})
	require.NoError(t, err)
	defer r.Close()
	for k, want := range map[string]string{"a": "journaled-1", "d": "journaled-4", "f": "journaled-6", "y1": "shown", "g": "next", "plain": "v"} {
		v, err := r.Get(k)
		require.NoError(t, err, k)
		assert.Equal(t, want, v, k)
	}
	for _, k := range []string{"b", "c", "n", "x1"} {
		_, err := r.Get(k)
		assert.ErrorIs(t, err, Nil, k)
	}
}

func TestEval_SetRepl_ExpiryStillJournaled(t *testing.T) {
	s, clk := openTest(t)
	var mu sync.Mutex
	var got []string
	s.Keyspace().SetHooks(&keyspace.Hooks{Journal: func(recs []keyspace.Record) uint64 {
		mu.Lock()
		defer mu.Unlock()
		for _, r := range recs {
			got = append(got, strings.Join(r.Args, " "))
		}
		return 0
	}})
	sess := s.NewSession()
	do(t, sess, "SET", "old", "v", "PX", "10")
	clk.Advance(20 * time.Millisecond)
	mu.Lock()
	got = nil
	mu.Unlock()
	do(t, sess, "EVAL", "redis.set_repl(redis.REPL_NONE) redis.call('GET', KEYS[1]) redis.call('SET', KEYS[2], 'x') return 1", "2", "old", "new")
	mu.Lock()
	defer mu.Unlock()
	assert.Equal(t, []string{"DEL old"}, got, "a lazy expiry is journaled whatever set_repl says")
}

func TestEval_GoAPI_Replies(t *testing.T) {
	s, _ := openTest(t)
	sess := s.NewSession()
	sess.SetProto(3)
	do(t, sess, "HSET", "h", "a", "1")
	// The Go API's replies are what the RESP path gives a RESP3 client.
	for _, body := range []string{
		"return 1", "return 'x'", "return 3.7", "return {1, 'a', {2, {}}}", "return true", "return false",
		"return nil", "return {ok='FINE'}", "return redis.error_reply('MY err')", "return {double=1.5}",
		"redis.setresp(3) return true", "redis.setresp(3) return redis.call('hgetall', KEYS[1])",
		"return {big_number='123'}", "return redis.call('get', KEYS[1])", "return ARGV[1] .. ARGV[2]",
		"return {tonumber(ARGV[2]), 'tail'}",
	} {
		w := resp.NewValueWriter(3)
		sess.Exec([][]byte{[]byte("EVAL"), []byte(body), []byte("1"), []byte("h"), []byte("v"), []byte("42")}, w)
		want := w.Value()
		got, err := s.Eval(bg, body, []string{"h"}, "v", 42)
		if want.Kind == resp.KindError {
			require.Error(t, err, body)
			assert.Equal(t, want.Str, err.Error(), body)
			continue
		}
		require.NoError(t, err, body)
		assert.Equal(t, want, got, body)
	}
}

func TestEval_Concurrent_FlushKillStats(t *testing.T) {
	s, _ := openTest(t)
	script := NewScript(seedRateLimitScript)
	stop := make(chan struct{})
	var wg sync.WaitGroup
	var runs atomic.Int64
	for w := 0; w < 4; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				v, err := script.Run(bg, s, []string{"rl:" + strconv.Itoa(w)}, 1_700_000_000_000+i, 60000, 100, "u"+strconv.Itoa(i))
				if assert.NoError(t, err) {
					assert.Equal(t, resp.KindInt, v.Kind)
				}
				runs.Add(1)
			}
		}(w)
	}
	sess := s.NewSession()
	for i := 0; i < 50 || runs.Load() < 400; i++ {
		assert.Equal(t, "-"+lua.ErrNotBusy+"\r\n", do(t, sess, "SCRIPT", "KILL"), "no script is busy")
		do(t, sess, "FUNCTION", "STATS")
		if i%10 == 0 {
			assert.Equal(t, "+OK\r\n", do(t, sess, "SCRIPT", "FLUSH"))
		}
	}
	close(stop)
	wg.Wait()
	n := int64(0)
	for w := 0; w < 4; w++ {
		v, err := s.Eval(bg, "return redis.call('ZCARD', KEYS[1])", []string{"rl:" + strconv.Itoa(w)})
		require.NoError(t, err)
		n += v.Int
	}
	assert.Greater(t, n, int64(0))
}

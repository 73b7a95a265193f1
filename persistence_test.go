package embedis

import (
	"context"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/embedis/embedis/persist"
)

// digest renders every database as sorted "db key type value ttl" lines,
// a stand-in for DEBUG DIGEST.
func digest(t *testing.T, s *Store) []string {
	t.Helper()
	var out []string
	for db := 0; db < s.Databases(); db++ {
		d := s.Select(db)
		for _, k := range d.Keys("*") {
			typ := d.Type(k)
			var val string
			switch typ {
			case "string":
				val, _ = d.Get(k)
			case "hash":
				m, _ := d.HGetAll(k)
				keys := make([]string, 0, len(m))
				for f, v := range m {
					keys = append(keys, f+"="+v)
				}
				sort.Strings(keys)
				val = fmtAny(keys)
			case "list":
				l, _ := d.LRange(k, 0, -1)
				val = fmtAny(l)
			case "set":
				m, _ := d.SMembers(k)
				sort.Strings(m)
				val = fmtAny(m)
			case "zset":
				zs, _ := d.ZRangeWithScores(k, 0, -1)
				val = fmtAny(zs)
			case "stream":
				r, _ := d.Do(bg, "XRANGE", k, "-", "+")
				g, _ := d.Do(bg, "XINFO", "GROUPS", k)
				p, _ := d.Do(bg, "XPENDING", k, "g1")
				val = r.String() + g.String() + p.String()
			}
			exp, _ := d.ExpireTime(k)
			ms := int64(0)
			if !exp.IsZero() {
				ms = exp.UnixMilli()
			}
			out = append(out, strconv.Itoa(db)+" "+k+" "+typ+" "+val+" "+strconv.FormatInt(ms, 10))
		}
	}
	sort.Strings(out)
	return out
}

func populate(t *testing.T, s *Store) {
	s.Set("str", "hello", nil)
	s.Set("ttl", "v", &SetArgs{TTL: time.Hour})
	s.Select(3).Set("other-db", "x", nil)
	s.Incr("counter")
	s.IncrByFloat("float", 0.1)
	s.Append("raw", "abc")
	s.Append("raw", "def")
	_, err := s.HSet("h", "f1", "v1", "f2", "v2")
	require.NoError(t, err)
	_, err = s.HExpire("h", time.Hour, nil, "f1")
	require.NoError(t, err)
	_, err = s.RPush("l", "a", "b", "c")
	require.NoError(t, err)
	_, err = s.SAdd("s", "x", "y", "1")
	require.NoError(t, err)
	for _, cmd := range [][]any{
		{"XADD", "st", "1-1", "f", "v"}, {"XADD", "st", "2-1", "f", "w", "g", "h"}, {"XADD", "st", "3-0", "a", "b"},
		{"XGROUP", "CREATE", "st", "g1", "0"}, {"XREADGROUP", "GROUP", "g1", "alice", "COUNT", "2", "STREAMS", "st", ">"},
		{"XGROUP", "CREATECONSUMER", "st", "g1", "bob"}, {"XADD", "st", "4-0", "d", "e"}, {"XDEL", "st", "4-0"},
		{"XADD", "empty", "5-5", "k", "v"}, {"XDEL", "empty", "5-5"},
	} {
		_, err := s.Do(bg, cmd...)
		require.NoError(t, err, "%v", cmd)
	}
	_, err = s.ZAdd("z", nil, Z{Score: 1.5, Member: "a"}, Z{Score: -0.1, Member: "b"}, Z{Score: 3, Member: "c"})
	require.NoError(t, err)
	for i := 0; i < 300; i++ {
		s.ZAdd("bigz", nil, Z{Score: float64(i) / 7, Member: "m" + strconv.Itoa(i)})
		s.SAdd("bigset", "m"+strconv.Itoa(i))
		s.RPush("biglist", strconv.Itoa(i))
	}
}

func TestPersistence_AOFReplaysEverything(t *testing.T) {
	dir := t.TempDir()
	for _, fsync := range []string{"always", "everysec", "no"} {
		t.Run(fsync, func(t *testing.T) {
			d := filepath.Join(dir, fsync)
			s, err := Open(&Options{Dir: d, AppendOnly: true, AppendFsync: fsync})
			require.NoError(t, err)
			populate(t, s)
			s.Del("counter")
			s.Incr("counter")
			want := digest(t, s)
			require.NoError(t, s.Close())

			r, err := Open(&Options{Dir: d, AppendOnly: true, AppendFsync: fsync})
			require.NoError(t, err)
			defer r.Close()
			assert.Equal(t, want, digest(t, r))
		})
	}
}

func TestPersistence_RewriteCompactsAndReplays(t *testing.T) {
	d := t.TempDir()
	s, err := Open(&Options{Dir: d, AppendOnly: true, AppendFsync: "always"})
	require.NoError(t, err)
	for i := 0; i < 1000; i++ {
		s.Incr("n")
	}
	populate(t, s)
	before := s.persist.aof.Load().Size()
	require.NoError(t, s.Rewrite(context.Background()))
	s.Incr("n") // lands in the new incremental file
	want := digest(t, s)
	require.NoError(t, s.Close())
	base, err := os.ReadFile(filepath.Join(d, "appendonlydir", "appendonly.aof.2.base.aof"))
	require.NoError(t, err)
	assert.Less(t, int64(len(base)), before, "the base is smaller than the history it replaced")

	r, err := Open(&Options{Dir: d, AppendOnly: true})
	require.NoError(t, err)
	defer r.Close()
	assert.Equal(t, want, digest(t, r))
	v, _ := r.Get("n")
	assert.Equal(t, "1001", v)
}

func TestPersistence_SnapshotRoundTrip(t *testing.T) {
	d := t.TempDir()
	s, err := Open(&Options{Dir: d})
	require.NoError(t, err)
	populate(t, s)
	r := saveAndReopen(t, s, d)
	assert.WithinDuration(t, time.Now(), r.LastSave(), 5*time.Second)
}

// saveAndReopen saves s (opened on dir d), closes it, opens d again and
// checks that the new store holds what s held. The new store is closed
// when the test ends.
func saveAndReopen(t *testing.T, s *Store, d string) *Store {
	t.Helper()
	require.NoError(t, s.Save(context.Background()))
	want := digest(t, s)
	require.NoError(t, s.Close())
	r, err := Open(&Options{Dir: d})
	require.NoError(t, err)
	t.Cleanup(func() { r.Close() })
	assert.Equal(t, want, digest(t, r))
	return r
}

// TestPersistence_SnapshotLargeCollections round-trips collections whose
// encoding exceeds a block (each then gets a block of its own), in a
// database other than 0 and between small keys, and a stream and list
// large enough to span several encoder batches.
func TestPersistence_SnapshotLargeCollections(t *testing.T) {
	d := t.TempDir()
	s, err := Open(&Options{Dir: d})
	require.NoError(t, err)
	populate(t, s)
	db := s.Select(3)
	_, err = db.Set("before", "x", nil)
	require.NoError(t, err)
	fv := make([]string, 0, 2*60_000)
	for i := 0; i < 60_000; i++ {
		fv = append(fv, "field:"+strconv.Itoa(i), strings.Repeat("v", 20))
	}
	_, err = db.HSet("bighash", fv...)
	require.NoError(t, err)
	for i := 0; i < 20_000; i++ {
		_, err = db.ZAdd("bigzset", nil, Z{Score: float64(i) / 3, Member: "member:" + strconv.Itoa(i)})
		require.NoError(t, err)
		_, err = db.RPush("biglist", "element:"+strconv.Itoa(i))
		require.NoError(t, err)
		_, err = db.Do(bg, "XADD", "bigstream", "*", "f", strconv.Itoa(i))
		require.NoError(t, err)
	}
	_, err = db.Set("after", "y", nil)
	require.NoError(t, err)
	r := saveAndReopen(t, s, d)
	n, err := r.Select(3).HLen("bighash")
	require.NoError(t, err)
	assert.Equal(t, 60_000, n)
}

func TestPersistence_CorruptSnapshotIsRefused(t *testing.T) {
	d := t.TempDir()
	s, err := Open(&Options{Dir: d})
	require.NoError(t, err)
	populate(t, s)
	require.NoError(t, s.Save(context.Background()))
	s.Close()
	path := filepath.Join(d, "dump.edb")
	data, _ := os.ReadFile(path)
	data[len(data)/2] ^= 0xff
	require.NoError(t, os.WriteFile(path, data, 0o644))
	_, err = Open(&Options{Dir: d})
	require.Error(t, err)
	assert.Contains(t, err.Error(), path)
	assert.Contains(t, err.Error(), "checksum")
	require.NoError(t, os.WriteFile(path, data[:len(data)/3], 0o644))
	_, err = Open(&Options{Dir: d})
	require.Error(t, err, "a truncated snapshot is refused, never loaded as empty")
	require.NoError(t, os.WriteFile(path, []byte("REDIS0011"), 0o644))
	_, err = Open(&Options{Dir: d})
	assert.ErrorContains(t, err, "bad magic")
}

func TestPersistence_SavePointTriggersBGSave(t *testing.T) {
	d := t.TempDir()
	s, err := Open(&Options{Dir: d, Save: []SavePoint{{Seconds: 0, Changes: 3}}})
	require.NoError(t, err)
	defer s.Close()
	s.Set("a", "1", nil)
	s.Set("b", "2", nil)
	s.Set("c", "3", nil)
	require.Eventually(t, func() bool {
		_, err := os.Stat(filepath.Join(d, "dump.edb"))
		return err == nil
	}, 5*time.Second, 20*time.Millisecond)
}

// TestPersistence_ConfigSetSaveAtRuntime: save points set with CONFIG SET
// while the store runs are the ones the cron applies; save "" turns them
// off again.
func TestPersistence_ConfigSetSaveAtRuntime(t *testing.T) {
	dir := t.TempDir()
	s := MustOpen(&Options{Dir: dir, Hz: 100})
	defer s.Close()
	_, err := s.Set("k", "v", nil)
	require.NoError(t, err)
	path := filepath.Join(dir, s.opts.DBFilename)
	time.Sleep(50 * time.Millisecond) // several cron ticks: no save point yet
	_, err = os.Stat(path)
	require.True(t, os.IsNotExist(err), "saved with no save point: %v", err)

	require.NoError(t, s.ConfigSet("save", "0 1"))
	require.Eventually(t, func() bool { _, err := os.Stat(path); return err == nil }, 10*time.Second, 5*time.Millisecond)
	require.Eventually(t, func() bool { return !s.persist.bgsave.Load() }, 10*time.Second, 5*time.Millisecond)

	require.NoError(t, s.ConfigSet("save", ""))
	before := s.LastSave()
	_, err = s.Set("k2", "v", nil)
	require.NoError(t, err)
	time.Sleep(50 * time.Millisecond)
	assert.False(t, s.persist.bgsave.Load())
	assert.Equal(t, before, s.LastSave(), "saved after save \"\"")
	assert.Empty(t, s.savePoints())

	require.NoError(t, s.ConfigSet("auto-aof-rewrite-percentage", "7", "auto-aof-rewrite-min-size", "1mb"))
	assert.Equal(t, int64(7), s.tunables.autoPct.Load())
	assert.Equal(t, int64(1<<20), s.tunables.autoMin.Load())
}

// TestPersistence_ConfigSetAppendOnlyAtRuntime turns the log on with
// CONFIG SET while writers run: everything written before and during the
// switch is in the log (its base is a rewrite at the switch), a reopened
// store replays it to the same data; appendfsync changes apply to the
// open log; appendonly no stops journaling.
func TestPersistence_ConfigSetAppendOnlyAtRuntime(t *testing.T) {
	dir := t.TempDir()
	s := MustOpen(&Options{Dir: dir})
	for i := 0; i < 1000; i++ {
		_, err := s.Set("before:"+strconv.Itoa(i), strconv.Itoa(i), nil)
		require.NoError(t, err)
	}
	_, err := s.RPush("list", "a", "b")
	require.NoError(t, err)
	info := func() map[string]string {
		m := map[string]string{}
		for _, kv := range s.PersistenceInfo() {
			m[kv[0]] = kv[1]
		}
		return m
	}
	require.Equal(t, "0", info()["aof_enabled"])

	stop := make(chan struct{})
	var wg sync.WaitGroup
	for g := 0; g < 2; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				_, err := s.Set("during:"+strconv.Itoa(g)+":"+strconv.Itoa(i%500), strconv.Itoa(i), nil)
				assert.NoError(t, err)
				_, err = s.Incr("counter")
				assert.NoError(t, err)
			}
		}()
	}
	time.Sleep(20 * time.Millisecond)
	require.NoError(t, s.ConfigSet("appendonly", "yes"))
	time.Sleep(20 * time.Millisecond)
	close(stop)
	wg.Wait()
	require.Equal(t, "1", info()["aof_enabled"])
	v, _ := s.ConfigGet("appendonly")
	require.Equal(t, "yes", v)

	require.NoError(t, s.ConfigSet("appendfsync", "always"))
	require.Equal(t, persist.FsyncAlways, persist.Fsync(s.tunables.fsync.Load()))
	_, err = s.Set("after", "x", nil)
	require.NoError(t, err)
	want := digest(t, s)
	require.NoError(t, s.Close())

	r := MustOpen(&Options{Dir: dir, AppendOnly: true})
	assert.Equal(t, want, digest(t, r), "the log holds everything")
	require.NoError(t, r.ConfigSet("appendonly", "no"))
	require.Equal(t, "0", func() string {
		for _, kv := range r.PersistenceInfo() {
			if kv[0] == "aof_enabled" {
				return kv[1]
			}
		}
		return ""
	}())
	_, err = r.Set("not-logged", "x", nil)
	require.NoError(t, err)
	require.NoError(t, r.Close())

	r2 := MustOpen(&Options{Dir: dir, AppendOnly: true})
	defer r2.Close()
	assert.Equal(t, want, digest(t, r2))
	_, err = r2.Get("not-logged")
	assert.ErrorIs(t, err, Nil)
}

// A rewrite that fails before writing its base (here the base's path is
// taken by a directory) ends its snapshot: later saves and rewrites run,
// and the data is intact.
func TestPersistence_FailedRewriteEndsItsSnapshot(t *testing.T) {
	d := t.TempDir()
	s, err := Open(&Options{Dir: d, AppendOnly: true, AppendFsync: "always"})
	require.NoError(t, err)
	defer s.Close()
	populate(t, s)
	want := digest(t, s)
	blocker := filepath.Join(d, "appendonlydir", "appendonly.aof.2.base.aof")
	require.NoError(t, os.Mkdir(blocker, 0o755))
	require.Error(t, s.Rewrite(context.Background()))
	require.NoError(t, os.Remove(blocker))
	done := make(chan error, 2)
	go func() {
		if err := s.Save(context.Background()); err != nil {
			done <- err
			return
		}
		done <- s.Rewrite(context.Background())
	}()
	select {
	case err := <-done:
		require.NoError(t, err)
	case <-time.After(20 * time.Second):
		t.Fatal("a save after the failed rewrite never finished: its snapshot was left running")
	}
	assert.Equal(t, want, digest(t, s))
}

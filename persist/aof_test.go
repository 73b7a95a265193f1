package persist

import (
	"bufio"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"testing"
	"unsafe"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/embedis/embedis/keyspace"
)

type replayed struct {
	db   int
	args []string
}

func load(t *testing.T, a *AOF) ([]replayed, LoadStats, error) {
	var got []replayed
	st, err := a.Load(func(db int, args [][]byte) error {
		r := replayed{db: db}
		for _, b := range args {
			r.args = append(r.args, string(b))
		}
		got = append(got, r)
		return nil
	})
	return got, st, err
}

func rec(db int, args ...string) keyspace.Record { return keyspace.Record{DB: db, Args: args} }

func TestAOF_AppendLoadRoundTrip(t *testing.T) {
	dir := t.TempDir()
	for _, pol := range []Fsync{FsyncAlways, FsyncEverySec, FsyncNo} {
		t.Run(pol.String(), func(t *testing.T) {
			d := filepath.Join(dir, pol.String())
			a, err := OpenAOF(AOFOptions{Dir: d, Fsync: pol})
			require.NoError(t, err)
			_, _, err = load(t, a)
			require.NoError(t, err)
			a.Sync(a.Append([]keyspace.Record{rec(0, "SET", "k", "v")}))
			a.Sync(a.Append([]keyspace.Record{rec(3, "SET", "k3", "bin\r\n\x00")}))
			a.Sync(a.Append([]keyspace.Record{rec(0, "MULTI"), rec(0, "INCRBY", "n", "1"), rec(0, "EXEC")}))
			require.NoError(t, a.Close())

			b, err := OpenAOF(AOFOptions{Dir: d, Fsync: pol})
			require.NoError(t, err)
			defer b.Close()
			got, st, err := load(t, b)
			require.NoError(t, err)
			assert.Equal(t, []replayed{
				{0, []string{"SET", "k", "v"}},
				{3, []string{"SET", "k3", "bin\r\n\x00"}},
				{0, []string{"MULTI"}}, {0, []string{"INCRBY", "n", "1"}}, {0, []string{"EXEC"}},
			}, got)
			assert.Equal(t, 3, st.Commands)
		})
	}
}

func TestAOF_TornTailIsTruncated(t *testing.T) {
	d := t.TempDir()
	a, err := OpenAOF(AOFOptions{Dir: d, Fsync: FsyncAlways})
	require.NoError(t, err)
	a.Sync(a.Append([]keyspace.Record{rec(0, "SET", "a", "1")}))
	a.Sync(a.Append([]keyspace.Record{rec(0, "SET", "b", "2")}))
	require.NoError(t, a.Close())
	path := filepath.Join(d, "appendonlydir", "appendonly.aof.1.incr.aof")
	full, _ := os.ReadFile(path)
	// cut the last record in half
	require.NoError(t, os.WriteFile(path, full[:len(full)-5], 0o644))

	no := false
	strict, err := OpenAOF(AOFOptions{Dir: d, LoadTruncated: &no})
	require.NoError(t, err)
	_, _, err = load(t, strict)
	assert.ErrorIs(t, err, ErrTruncated)
	assert.Contains(t, err.Error(), "appendonly.aof.1.incr.aof at offset")
	strict.Close()

	var warned string
	b, err := OpenAOF(AOFOptions{Dir: d, Logf: func(f string, a ...any) { warned = f }})
	require.NoError(t, err)
	got, st, err := load(t, b)
	require.NoError(t, err)
	require.Len(t, got, 1, "SELECT is consumed; SET a survives, SET b was torn")
	assert.Equal(t, []string{"SET", "a", "1"}, got[0].args)
	assert.Greater(t, st.Truncated, int64(0))
	assert.NotEmpty(t, warned)
	// appending after the truncation gives a clean log
	b.Sync(b.Append([]keyspace.Record{rec(0, "SET", "c", "3")}))
	b.Close()
	c, _ := OpenAOF(AOFOptions{Dir: d})
	defer c.Close()
	got, _, err = load(t, c)
	require.NoError(t, err)
	assert.Equal(t, "c", got[len(got)-1].args[1])
}

func TestAOF_UnterminatedMultiIsATornTail(t *testing.T) {
	d := t.TempDir()
	a, _ := OpenAOF(AOFOptions{Dir: d, Fsync: FsyncAlways})
	a.Sync(a.Append([]keyspace.Record{rec(0, "SET", "a", "1")}))
	a.Sync(a.Append([]keyspace.Record{rec(0, "MULTI"), rec(0, "SET", "b", "2"), rec(0, "EXEC")}))
	a.Close()
	path := filepath.Join(d, "appendonlydir", "appendonly.aof.1.incr.aof")
	full, _ := os.ReadFile(path)
	exec := []byte("*1\r\n$4\r\nEXEC\r\n")
	require.NoError(t, os.WriteFile(path, full[:len(full)-len(exec)], 0o644))
	b, _ := OpenAOF(AOFOptions{Dir: d})
	defer b.Close()
	got, st, err := load(t, b)
	require.NoError(t, err)
	assert.Len(t, got, 1, "the half transaction is not applied")
	assert.Greater(t, st.Truncated, int64(0))
}

func TestAOF_CorruptionBeforeTheTailFails(t *testing.T) {
	d := t.TempDir()
	a, _ := OpenAOF(AOFOptions{Dir: d, Fsync: FsyncAlways})
	a.Sync(a.Append([]keyspace.Record{rec(0, "SET", "a", "1")}))
	a.Sync(a.Append([]keyspace.Record{rec(0, "SET", "b", "2")}))
	a.Close()
	path := filepath.Join(d, "appendonlydir", "appendonly.aof.1.incr.aof")
	full, _ := os.ReadFile(path)
	full[len("*2\r\n$6\r\nSELECT\r\n$1\r\n0\r\n")] = '#'
	require.NoError(t, os.WriteFile(path, full, 0o644))
	b, _ := OpenAOF(AOFOptions{Dir: d})
	defer b.Close()
	_, _, err := load(t, b)
	require.Error(t, err)
	assert.True(t, errors.Is(err, ErrCorrupt), "%v", err)
	assert.Contains(t, err.Error(), "at offset 23")
}

func TestAOF_AlwaysGroupCommit(t *testing.T) {
	d := t.TempDir()
	a, _ := OpenAOF(AOFOptions{Dir: d, Fsync: FsyncAlways})
	var wg sync.WaitGroup
	for g := 0; g < 16; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			for i := 0; i < 50; i++ {
				tok := a.Append([]keyspace.Record{rec(0, "SET", "k"+strconv.Itoa(g), strconv.Itoa(i))})
				a.Sync(tok)
				a.mu.Lock()
				ok := a.synced >= tok
				a.mu.Unlock()
				assert.True(t, ok, "Sync returned before the record was fsynced")
			}
		}(g)
	}
	wg.Wait()
	a.Close()
	b, _ := OpenAOF(AOFOptions{Dir: d})
	defer b.Close()
	got, _, err := load(t, b)
	require.NoError(t, err)
	assert.Len(t, got, 16*50)
}

func TestAOF_RewriteReplacesFiles(t *testing.T) {
	d := t.TempDir()
	a, _ := OpenAOF(AOFOptions{Dir: d, Fsync: FsyncAlways})
	for i := 0; i < 10; i++ {
		a.Sync(a.Append([]keyspace.Record{rec(0, "INCR", "n")}))
	}
	rw, err := a.StartRewrite()
	require.NoError(t, err)
	rw.Switch()                                              // the snapshot point
	a.Sync(a.Append([]keyspace.Record{rec(0, "INCR", "n")})) // after it
	require.NoError(t, rw.Finish(func(w *bufio.Writer) error {
		_, err := w.Write(AppendCommand(nil, "SET", "n", "10"))
		return err
	}))
	a.Close()
	entries, _ := os.ReadDir(filepath.Join(d, "appendonlydir"))
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	assert.ElementsMatch(t, []string{"appendonly.aof.2.base.aof", "appendonly.aof.2.incr.aof", "appendonly.aof.manifest"}, names)
	man, _ := os.ReadFile(filepath.Join(d, "appendonlydir", "appendonly.aof.manifest"))
	assert.Equal(t, "file appendonly.aof.2.base.aof seq 2 type b\nfile appendonly.aof.2.incr.aof seq 2 type i\n", string(man))
	b, _ := OpenAOF(AOFOptions{Dir: d})
	defer b.Close()
	got, _, err := load(t, b)
	require.NoError(t, err)
	require.Len(t, got, 2)
	assert.Equal(t, []string{"SET", "n", "10"}, got[0].args)
	assert.Equal(t, []string{"INCR", "n"}, got[1].args)
}

// TestAOF_SwitchKeepsOrder switches a rewrite's new incremental file in
// while records for the old one are still buffered, and never finishes
// the rewrite (a crash before the base is written): the old file gets its
// records before the new one gets any, and loading gives every record in
// the order appended.
func TestAOF_SwitchKeepsOrder(t *testing.T) {
	for _, fsync := range []Fsync{FsyncEverySec, FsyncAlways} {
		d := t.TempDir()
		a, err := OpenAOF(AOFOptions{Dir: d, Fsync: fsync})
		require.NoError(t, err)
		a.Append([]keyspace.Record{rec(0, "SET", "a", "1")})
		rw, err := a.StartRewrite()
		require.NoError(t, err)
		a.Append([]keyspace.Record{rec(1, "SET", "b", "2")}) // still for the old file
		rw.Switch()
		a.Sync(a.Append([]keyspace.Record{rec(1, "SET", "c", "3")}))
		if fsync == FsyncAlways {
			// acknowledged: both files are on disk, the old one complete
			old, err := os.ReadFile(filepath.Join(d, "appendonlydir", "appendonly.aof.1.incr.aof"))
			require.NoError(t, err)
			assert.Contains(t, string(old), "$1\r\nb\r\n")
		}
		require.NoError(t, a.Close())
		man, _ := os.ReadFile(filepath.Join(d, "appendonlydir", "appendonly.aof.manifest"))
		assert.Equal(t, "file appendonly.aof.1.incr.aof seq 1 type i\nfile appendonly.aof.2.incr.aof seq 2 type i\n", string(man))
		b, err := OpenAOF(AOFOptions{Dir: d})
		require.NoError(t, err)
		got, _, err := load(t, b)
		require.NoError(t, err)
		b.Close()
		require.Len(t, got, 3, fsync.String())
		for i, want := range [][]string{{"SET", "a", "1"}, {"SET", "b", "2"}, {"SET", "c", "3"}} {
			assert.Equal(t, want, got[i].args)
		}
		assert.Equal(t, 1, got[2].db, "the new file starts with a SELECT")
	}
}

// TestAOF_TokenOnlyToWait gives a token to wait on only under always: a
// write under everysec or no gets 0 (nothing to wait for), and a change
// of policy applies to the records appended after it.
func TestAOF_TokenOnlyToWait(t *testing.T) {
	d := t.TempDir()
	a, err := OpenAOF(AOFOptions{Dir: d, Fsync: FsyncEverySec})
	require.NoError(t, err)
	defer a.Close()
	assert.Zero(t, a.AppendRESP(0, 0, AppendCommand(nil, "SET", "a", "1")))
	assert.Zero(t, a.Append([]keyspace.Record{rec(0, "SET", "b", "1")}))
	a.SetFsync(FsyncAlways)
	tok := a.AppendRESP(0, 0, AppendCommand(nil, "SET", "c", "1"))
	require.NotZero(t, tok)
	a.Sync(tok) // written and fsynced when it returns
	data, err := os.ReadFile(filepath.Join(d, "appendonlydir", "appendonly.aof.1.incr.aof"))
	require.NoError(t, err)
	assert.Contains(t, string(data), "$1\r\nc\r\n")
	a.SetFsync(FsyncNo)
	assert.Zero(t, a.Append([]keyspace.Record{rec(0, "SET", "d", "1")}))
}

// TestAOF_HotFieldsShareALine checks the layout that keeps what an append
// touches in one cache line: those fields within the first 64 bytes, and
// an opened log aligned to 64 bytes.
func TestAOF_HotFieldsShareALine(t *testing.T) {
	var a AOF
	assert.Less(t, unsafe.Offsetof(a.closed), uintptr(64))
	assert.Less(t, unsafe.Offsetof(a.kicked), uintptr(64))
	assert.Less(t, unsafe.Offsetof(a.fsync), uintptr(64))
	assert.Zero(t, unsafe.Sizeof(a)%64, "size %d", unsafe.Sizeof(a))
	for i := 0; i < 4; i++ {
		b, err := OpenAOF(AOFOptions{Dir: t.TempDir()})
		require.NoError(t, err)
		assert.Zero(t, uintptr(unsafe.Pointer(b))%64)
		b.Close()
	}
}

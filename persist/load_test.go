package persist

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/embedis/embedis/keyspace"
)

// TestLoad_EveryCutIsATornTailOrAPrefix cuts a log at every byte: loading
// (with aof-load-truncated) replays exactly the complete records before
// the cut, and strictly reports a truncation unless the cut falls
// between records.
func TestLoad_EveryCutIsATornTailOrAPrefix(t *testing.T) {
	d := t.TempDir()
	a, err := OpenAOF(AOFOptions{Dir: d, Fsync: FsyncAlways})
	require.NoError(t, err)
	var ends []int // offsets where a record (or group) ends
	path := filepath.Join(d, "appendonlydir", "appendonly.aof.1.incr.aof")
	size := func() int {
		fi, err := os.Stat(path)
		require.NoError(t, err)
		return int(fi.Size())
	}
	a.Sync(a.Append([]keyspace.Record{rec(0, "SET", "a", "1")}))
	ends = append(ends, size())
	a.Sync(a.Append([]keyspace.Record{rec(1, "SET", "b", strings.Repeat("x", 300))}))
	ends = append(ends, size())
	a.Sync(a.Append([]keyspace.Record{rec(1, "MULTI"), rec(1, "INCR", "n"), rec(1, "DEL", "b"), rec(1, "EXEC")}))
	ends = append(ends, size())
	a.Sync(a.Append([]keyspace.Record{rec(0, "RPUSH", "l", "\r\n", "")}))
	ends = append(ends, size())
	require.NoError(t, a.Close())
	full, err := os.ReadFile(path)
	require.NoError(t, err)

	for cut := 0; cut <= len(full); cut++ {
		dir := filepath.Join(t.TempDir(), "appendonlydir")
		require.NoError(t, os.MkdirAll(dir, 0o755))
		require.NoError(t, os.WriteFile(filepath.Join(dir, "appendonly.aof.1.incr.aof"), full[:cut], 0o644))
		require.NoError(t, os.WriteFile(filepath.Join(dir, "appendonly.aof.manifest"),
			[]byte("file appendonly.aof.1.incr.aof seq 1 type i\n"), 0o644))
		// record boundaries (SELECT records included) and the commands
		// replayed up to each (MULTI/EXEC included, SELECT not)
		sel := len("*2\r\n$6\r\nSELECT\r\n$1\r\n0\r\n")
		bounds := []struct{ off, cmds int }{{0, 0}, {sel, 0}, {ends[0], 1}, {ends[0] + sel, 1},
			{ends[1], 2}, {ends[2], 6}, {ends[2] + sel, 6}, {ends[3], 7}}
		complete, want := 0, 0
		for _, b := range bounds {
			if b.off <= cut {
				complete, want = b.off, b.cmds
			}
		}
		no := false
		strict, err := OpenAOF(AOFOptions{Dir: filepath.Dir(dir), LoadTruncated: &no})
		require.NoError(t, err)
		_, _, err = load(t, strict)
		strict.Close()
		if cut == complete {
			require.NoError(t, err, "cut %d", cut)
		} else {
			require.True(t, errors.Is(err, ErrTruncated), "cut %d: %v", cut, err)
		}
		lax, err := OpenAOF(AOFOptions{Dir: filepath.Dir(dir)})
		require.NoError(t, err)
		got, st, err := load(t, lax)
		lax.Close()
		require.NoError(t, err, "cut %d", cut)
		require.Equal(t, int64(cut-complete), st.Truncated, "cut %d", cut)
		require.Len(t, got, want, "cut %d", cut)
	}
}

// A MULTI group whose commands span two databases (a SELECT inside the
// group, as the journal writes a unit that touched two databases) is
// all or nothing: a cut anywhere inside it is a torn tail that ends
// before the MULTI, so the writes appended after a truncating load are
// never taken for the rest of a broken group at the next load.
func TestLoad_TornGroupWithSelect(t *testing.T) {
	d := t.TempDir()
	a, err := OpenAOF(AOFOptions{Dir: d, Fsync: FsyncAlways})
	require.NoError(t, err)
	path := filepath.Join(d, "appendonlydir", "appendonly.aof.1.incr.aof")
	a.Sync(a.Append([]keyspace.Record{rec(0, "SET", "a", "1")}))
	fi, err := os.Stat(path)
	require.NoError(t, err)
	first := int(fi.Size())
	a.Sync(a.Append([]keyspace.Record{rec(0, "MULTI"), rec(0, "SET", "x", "1"), rec(1, "SET", "y", "1"), rec(1, "EXEC")}))
	require.NoError(t, a.Close())
	full, err := os.ReadFile(path)
	require.NoError(t, err)
	require.Contains(t, string(full[first:]), "SELECT", "the group holds a SELECT")

	for cut := first + 1; cut < len(full); cut++ {
		root := t.TempDir()
		dir := filepath.Join(root, "appendonlydir")
		require.NoError(t, os.MkdirAll(dir, 0o755))
		require.NoError(t, os.WriteFile(filepath.Join(dir, "appendonly.aof.1.incr.aof"), full[:cut], 0o644))
		require.NoError(t, os.WriteFile(filepath.Join(dir, "appendonly.aof.manifest"),
			[]byte("file appendonly.aof.1.incr.aof seq 1 type i\n"), 0o644))
		lax, err := OpenAOF(AOFOptions{Dir: root})
		require.NoError(t, err)
		got, st, err := load(t, lax)
		require.NoError(t, err, "cut %d", cut)
		require.Equal(t, int64(cut-first), st.Truncated, "cut %d: the whole group is the torn tail", cut)
		require.Len(t, got, 1, "cut %d", cut)
		// a write acknowledged after the truncating load survives the next one
		lax.Sync(lax.Append([]keyspace.Record{rec(0, "SET", "z", "1")}))
		require.NoError(t, lax.Close())
		again, err := OpenAOF(AOFOptions{Dir: root})
		require.NoError(t, err)
		got, st, err = load(t, again)
		again.Close()
		require.NoError(t, err, "cut %d", cut)
		require.Zero(t, st.Truncated, "cut %d", cut)
		require.Len(t, got, 2, "cut %d: SET a and SET z", cut)
	}
}

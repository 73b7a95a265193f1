package embedis

import (
	"bytes"
	"context"
	"encoding/binary"
	"hash/crc32"
	"hash/crc64"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/vmihailenco/msgpack/v5"

	"github.com/embedis/embedis/keyspace"
)

// TestPersistence_AOFParallelReplayKeepsOrder writes a log that mixes
// single-key writes (replayed by shard on workers), writes over several
// shards, transactions, database switches and whole-keyspace commands
// (replayed alone), from concurrent sessions: the reloaded store equals
// the one that wrote it.
func TestPersistence_AOFParallelReplayKeepsOrder(t *testing.T) {
	d := t.TempDir()
	s, err := Open(&Options{Dir: d, AppendOnly: true, AppendFsync: "no"})
	require.NoError(t, err)
	var wg sync.WaitGroup
	for g := 0; g < 4; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			sess := s.NewSession()
			for i := 0; i < 3000; i++ {
				k := "k" + strconv.Itoa(i%500)
				switch i % 10 {
				case 0:
					do(t, sess, "INCR", k+"n")
				case 1:
					do(t, sess, "RPUSH", k+"l", strconv.Itoa(g), strconv.Itoa(i))
				case 2:
					do(t, sess, "HSET", k+"h", "f"+strconv.Itoa(g), strconv.Itoa(i))
				case 3:
					do(t, sess, "MSET", k, "m"+strconv.Itoa(i), "other"+k, strconv.Itoa(g))
				case 4:
					do(t, sess, "MULTI")
					do(t, sess, "INCRBY", k+"n", "10")
					do(t, sess, "DEL", k+"l", "x"+k)
					do(t, sess, "EXEC")
				case 5:
					do(t, sess, "SELECT", strconv.Itoa(1+g))
					do(t, sess, "SET", k, strconv.Itoa(i))
					do(t, sess, "SELECT", "0")
				case 6:
					do(t, sess, "RENAME", "other"+k, "renamed"+k)
				case 7:
					do(t, sess, "SET", k+"t", "v", "PX", "3600000")
				case 8:
					do(t, sess, "APPEND", k+"a", "x")
				default:
					do(t, sess, "SET", k, "s"+strconv.Itoa(i))
				}
			}
		}(g)
	}
	wg.Wait()
	sess := s.NewSession()
	do(t, sess, "SELECT", "4")
	do(t, sess, "FLUSHDB")
	do(t, sess, "SET", "after-flush", "1")
	do(t, sess, "SWAPDB", "1", "2")
	// one transaction writing two databases, then a write in the first
	do(t, sess, "SELECT", "0")
	do(t, sess, "MULTI")
	do(t, sess, "SET", "tx0", "a")
	do(t, sess, "SELECT", "5")
	do(t, sess, "SET", "tx5", "b")
	do(t, sess, "EXEC")
	do(t, sess, "SELECT", "0")
	do(t, sess, "SET", "tx0b", "c")
	for i := 0; i < 2000; i++ {
		do(t, sess, "SET", "tail"+strconv.Itoa(i), strconv.Itoa(i))
	}
	want := digest(t, s)
	require.NoError(t, s.Close())

	r, err := Open(&Options{Dir: d, AppendOnly: true})
	require.NoError(t, err)
	defer r.Close()
	assert.Equal(t, want, digest(t, r))
	assert.Equal(t, int64(0), r.persist.loadErrors.Load())
}

// TestPersistence_AOFHugeRecords replays records larger than the read
// buffer.
func TestPersistence_AOFHugeRecords(t *testing.T) {
	d := t.TempDir()
	s, err := Open(&Options{Dir: d, AppendOnly: true, AppendFsync: "always"})
	require.NoError(t, err)
	big := strings.Repeat("0123456789", 300_000) // 3 MB
	s.Set("big", big, nil)
	s.Set("small", "x", nil)
	s.Append("big", "!")
	require.NoError(t, s.Close())
	r, err := Open(&Options{Dir: d, AppendOnly: true})
	require.NoError(t, err)
	defer r.Close()
	v, _ := r.Get("big")
	assert.Equal(t, big+"!", v)
	v, _ = r.Get("small")
	assert.Equal(t, "x", v)
}

// TestPersistence_SnapshotManyBlocks saves more than one block's worth of
// keys in several databases (with expiries, raw strings and collections
// with a TTL) and loads them back in parallel.
func TestPersistence_SnapshotManyBlocks(t *testing.T) {
	d := t.TempDir()
	s, err := Open(&Options{Dir: d})
	require.NoError(t, err)
	val := strings.Repeat("v", 100)
	for i := 0; i < 30000; i++ {
		db := s.Select(i % 4)
		k := "key:" + strconv.Itoa(i)
		switch i % 7 {
		case 0:
			db.Set(k, val, &SetArgs{TTL: time.Hour})
		case 1:
			db.Append(k, "ab")
			db.Append(k, "cd")
		case 2:
			_, err := db.RPush(k, "a", "b", strconv.Itoa(i))
			require.NoError(t, err)
			db.Expire(k, time.Hour, nil)
		default:
			db.Set(k, val+strconv.Itoa(i), nil)
		}
	}
	populate(t, s)
	require.NoError(t, s.Save(context.Background()))
	want := digest(t, s)
	require.NoError(t, s.Close())
	fi, err := os.Stat(filepath.Join(d, "dump.edb"))
	require.NoError(t, err)
	require.Greater(t, fi.Size(), int64(2*snapBlock), "several blocks")

	r, err := Open(&Options{Dir: d})
	require.NoError(t, err)
	defer r.Close()
	assert.Equal(t, want, digest(t, r))
}

// TestPersistence_SnapshotDuplicateKeyIsRefused hand-writes a version 2
// snapshot holding a key twice (with a valid checksum).
func TestPersistence_SnapshotDuplicateKeyIsRefused(t *testing.T) {
	d := t.TempDir()
	var b bytes.Buffer
	b.WriteString(snapMagic)
	b.Write([]byte{0, snapVersion2})
	var blk bytes.Buffer
	enc := msgpack.NewEncoder(&blk)
	for i := 0; i < 2; i++ {
		require.NoError(t, enc.EncodeArrayLen(4))
		require.NoError(t, enc.EncodeUint(uint64(keyspace.KindString)))
		require.NoError(t, enc.EncodeString("dup"))
		require.NoError(t, enc.EncodeInt(0))
		require.NoError(t, enc.EncodeString(strconv.Itoa(i)))
	}
	b.Write(binary.LittleEndian.AppendUint32(nil, uint32(blk.Len())))
	b.Write(blk.Bytes())
	b.Write(binary.LittleEndian.AppendUint32(nil, 0))
	b.Write(binary.LittleEndian.AppendUint64(nil, 2))
	b.Write(binary.LittleEndian.AppendUint32(nil, crc32Sum(b.Bytes())))
	path := filepath.Join(d, "dump.edb")
	require.NoError(t, os.WriteFile(path, b.Bytes(), 0o644))
	_, err := Open(&Options{Dir: d})
	require.Error(t, err)
	assert.Contains(t, err.Error(), path)
	assert.Contains(t, err.Error(), "duplicate key")
}

// TestPersistence_SnapshotVersion1StillLoads writes a snapshot in the
// format embedis used before version 2 (msgpack records, CRC-64) and
// opens it.
func TestPersistence_SnapshotVersion1StillLoads(t *testing.T) {
	d := t.TempDir()
	var b bytes.Buffer
	b.WriteString(snapMagic)
	b.Write([]byte{0, snapVersion})
	enc := msgpack.NewEncoder(&b)
	rec := func(db int, key string, kind keyspace.Kind, exp int64, payload any) {
		require.NoError(t, enc.EncodeArrayLen(5))
		enc.EncodeInt(int64(db))
		enc.EncodeString(key)
		enc.EncodeUint8(uint8(kind))
		enc.EncodeInt(exp)
		require.NoError(t, enc.Encode(payload))
	}
	exp := time.Now().Add(time.Hour).UnixMilli()
	rec(0, "s", keyspace.KindString, 0, "hello")
	rec(2, "t", keyspace.KindString, exp, "ttl")
	rec(0, "l", keyspace.KindList, exp, [][]string{{"RPUSH", "l", "a", "b"}})
	enc.EncodeNil()
	sum := crc64.Checksum(b.Bytes(), crcTable)
	b.Write(binary.BigEndian.AppendUint64(nil, sum))
	require.NoError(t, os.WriteFile(filepath.Join(d, "dump.edb"), b.Bytes(), 0o644))

	s, err := Open(&Options{Dir: d})
	require.NoError(t, err)
	defer s.Close()
	v, _ := s.Get("s")
	assert.Equal(t, "hello", v)
	v, _ = s.Select(2).Get("t")
	assert.Equal(t, "ttl", v)
	at, _ := s.Select(2).ExpireTime("t")
	assert.Equal(t, exp, at.UnixMilli())
	l, _ := s.LRange("l", 0, -1)
	assert.Equal(t, []string{"a", "b"}, l)
	at, _ = s.ExpireTime("l")
	assert.Equal(t, exp, at.UnixMilli())
}

func crc32Sum(b []byte) uint32 { return crc32.Checksum(b, crc32c) }

// TestPersistence_SnapshotRecordsAreMsgpack reads a saved snapshot's block
// with a generic msgpack decoder: the records are the documented arrays.
func TestPersistence_SnapshotRecordsAreMsgpack(t *testing.T) {
	d := t.TempDir()
	s, err := Open(&Options{Dir: d})
	require.NoError(t, err)
	exp := time.Now().Add(time.Hour)
	_, err = s.Set("s", "hello", &SetArgs{ExpireAt: exp})
	require.NoError(t, err)
	_, err = s.Select(3).RPush("l", "a", "b")
	require.NoError(t, err)
	require.NoError(t, s.Save(context.Background()))
	require.NoError(t, s.Close())

	data, err := os.ReadFile(filepath.Join(d, "dump.edb"))
	require.NoError(t, err)
	hdr := len(snapMagic) + 2
	require.Equal(t, []byte{0, snapVersion2}, data[len(snapMagic):hdr])
	n := int(binary.LittleEndian.Uint32(data[hdr:]))
	dec := msgpack.NewDecoder(bytes.NewReader(data[hdr+4 : hdr+4+n]))
	var recs []any
	for {
		v, err := dec.DecodeInterface()
		if err != nil {
			break
		}
		recs = append(recs, v)
	}
	// entries in shard order, each preceded by a select when its
	// database differs from the previous record's
	var entries []any
	db := 0
	for _, r := range recs {
		r := normalize(r).([]any)
		if len(r) == 2 {
			assert.Equal(t, int8(-1), r[0])
			db = int(r[1].(int8))
			continue
		}
		entries = append(entries, append([]any{db}, r...))
	}
	assert.ElementsMatch(t, []any{
		[]any{0, int8(1), "s", exp.UnixMilli(), "hello"},
		[]any{3, int8(2), "l", int8(0), []any{[]any{"RPUSH", "l", "a", "b"}}},
	}, entries)
}

// normalize maps msgpack's integer widths to int8 where they fit (int64
// otherwise) and keeps everything else.
func normalize(v any) any {
	if x, ok := v.([]any); ok {
		out := make([]any, len(x))
		for i := range x {
			out[i] = normalize(x[i])
		}
		return out
	}
	rv := reflect.ValueOf(v)
	var n int64
	switch {
	case rv.CanInt():
		n = rv.Int()
	case rv.CanUint():
		n = int64(rv.Uint())
	default:
		return v
	}
	if n >= -128 && n <= 127 {
		return int8(n)
	}
	return n
}

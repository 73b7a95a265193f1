package embedis

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"hash/crc64"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/vmihailenco/msgpack/v5"

	"github.com/embedis/embedis/keyspace"
	"github.com/embedis/embedis/persist"
	"github.com/embedis/embedis/resp"
)

// SavePoint is one "save <seconds> <changes>" rule: snapshot when at least
// Changes writes happened and Seconds passed since the last save.
type SavePoint struct {
	Seconds int
	Changes int
}

// persistState is a Store's persistence: the append-only log, snapshot
// scheduling and the counters INFO persistence reports.
type persistState struct {
	mu  sync.Mutex                  // serializes snapshots, rewrites, turning the log on and off
	aof atomic.Pointer[persist.AOF] // nil: appendonly no

	dirtyAtSave   atomic.Int64
	lastSave      atomic.Int64 // unix seconds
	lastSaveOK    atomic.Bool
	lastSaveTook  atomic.Int64 // ms
	bgsave        atomic.Bool
	rewriting     atomic.Bool
	lastRewriteOK atomic.Bool
	baseSize      atomic.Int64 // AOF size after the last rewrite (auto rewrite)
	loadErrors    atomic.Int64 // commands that failed while loading
	wg            sync.WaitGroup
}

// snapshot file format: magic, version, msgpack records, an end marker,
// then the CRC-64 (ECMA) of everything before it, big-endian.
const (
	snapMagic   = "EMBEDIS-SNAP"
	snapVersion = 1
)

var crcTable = crc64.MakeTable(crc64.ECMA)

// openPersistence loads the data set (from the append-only log when it is
// on, else from the snapshot) and starts logging. Called from Open.
func (s *Store) openPersistence() error {
	o := &s.opts
	p := &s.persist
	p.lastSave.Store(time.Now().Unix())
	p.lastSaveOK.Store(true)
	p.lastRewriteOK.Store(true)
	if o.AppendOnly {
		a, err := persist.OpenAOF(s.aofOptions())
		if err != nil {
			return err
		}
		r := s.newAOFReplayer()
		_, err = a.Load(r.exec)
		r.close()
		if err != nil {
			a.Close()
			return err
		}
		p.aof.Store(a)
		p.baseSize.Store(a.BaseSize() + a.Size())
		s.setJournal(a)
	} else if path := s.snapshotPath(); path != "" {
		if err := s.loadSnapshot(path); err != nil && !errors.Is(err, os.ErrNotExist) {
			return err
		}
	}
	p.dirtyAtSave.Store(s.ks.Dirty())
	return nil
}

func (s *Store) snapshotPath() string {
	if s.opts.Dir == "" && len(s.savePoints()) == 0 && !s.opts.AppendOnly {
		return "" // a purely in-memory store
	}
	return filepath.Join(s.opts.Dir, s.opts.DBFilename)
}

// errorWriter discards a reply, remembering only whether it was an error
// (replay needs nothing else).
type errorWriter struct{ failed bool }

func (w *errorWriter) Proto() int              { return 2 }
func (w *errorWriter) SimpleString(string)     {}
func (w *errorWriter) Error(string)            { w.failed = true }
func (w *errorWriter) Int(int64)               {}
func (w *errorWriter) Bulk([]byte)             {}
func (w *errorWriter) BulkString(string)       {}
func (w *errorWriter) NullBulk()               {}
func (w *errorWriter) NullArray()              {}
func (w *errorWriter) ArrayLen(int)            {}
func (w *errorWriter) MapLen(int)              {}
func (w *errorWriter) SetLen(int)              {}
func (w *errorWriter) PushLen(int)             {}
func (w *errorWriter) Double(string)           {}
func (w *errorWriter) Bool(bool)               {}
func (w *errorWriter) Verbatim(string, string) {}
func (w *errorWriter) BigNumber(string)        {}

var _ resp.ReplyWriter = (*errorWriter)(nil)

// collectionEncoders turn a collection value into the commands that
// rebuild it (used by snapshots and by log rewrites). Each family
// registers its own. emit must not keep args (encoders reuse them); it
// is done with them when it returns.
var collectionEncoders = map[keyspace.Kind]func(key string, v any, emit func(args ...string)){}

// entryCommands emits the commands that rebuild one snapshot entry. emit
// must not keep args.
func entryCommands(e *keyspace.SnapEntry, emit func(args ...string)) error {
	if e.Kind == keyspace.KindString {
		emit("SET", e.Key, e.Str)
	} else {
		enc := collectionEncoders[e.Kind]
		if enc == nil {
			return fmt.Errorf("embedis: no snapshot encoder for %s values", e.Kind)
		}
		enc(e.Key, e.Obj, emit)
	}
	if e.ExpireAt != 0 {
		emit("PEXPIREAT", e.Key, strconv.FormatInt(e.ExpireAt, 10))
	}
	return nil
}

// countingReader counts bytes consumed, for error offsets.
type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

// loadSnapshotV1 loads a snapshot in the format of version 1 (msgpack
// records and a CRC-64), which embedis wrote before version 2.
func (s *Store) loadSnapshotV1(path string, data []byte) error {
	bad := func(off int64, why string) error {
		return fmt.Errorf("embedis: snapshot %s is corrupt at offset %d: %s", path, off, why)
	}
	if len(data) < len(snapMagic)+2+1+8 || string(data[:len(snapMagic)]) != snapMagic {
		return bad(0, "not an embedis snapshot (bad magic)")
	}
	if v := data[len(snapMagic)+1]; data[len(snapMagic)] != 0 || v != snapVersion {
		return bad(int64(len(snapMagic)), fmt.Sprintf("unsupported format version %d", v))
	}
	body, tail := data[:len(data)-8], data[len(data)-8:]
	var want uint64
	for _, b := range tail {
		want = want<<8 | uint64(b)
	}
	if got := crc64.Checksum(body, crcTable); got != want {
		return bad(int64(len(body)), "checksum mismatch (truncated or corrupted file)")
	}
	u := s.newReplayUnit()
	cr := &countingReader{r: bytes.NewReader(body[len(snapMagic)+2:])}
	dec := msgpack.NewDecoder(cr)
	base := int64(len(snapMagic) + 2)
	for {
		off := base + cr.n
		n, err := dec.DecodeArrayLen()
		if err != nil {
			return bad(off, err.Error())
		}
		if n == -1 {
			break // end marker
		}
		if n != 5 {
			return bad(off, "bad record")
		}
		db, err1 := dec.DecodeInt()
		key, err2 := dec.DecodeString()
		kind, err3 := dec.DecodeUint8()
		exp, err4 := dec.DecodeInt64()
		if err := errors.Join(err1, err2, err3, err4); err != nil {
			return bad(off, err.Error())
		}
		if db < 0 || db >= len(s.dbs) {
			return bad(off, fmt.Sprintf("database %d out of range", db))
		}
		if keyspace.Kind(kind) == keyspace.KindString {
			val, err := dec.DecodeString()
			if err != nil {
				return bad(off, err.Error())
			}
			var c keyspace.Ctx
			s.ks.Begin(&c)
			c.Loading = true
			c.Lock(key)
			e := c.Create(db, key)
			e.SetStr(val)
			c.SetExpire(db, e, exp)
			c.Touch(db, key)
			c.Unlock()
			continue
		}
		var cmds [][]string
		if err := dec.Decode(&cmds); err != nil {
			return bad(off, err.Error())
		}
		for _, cmd := range cmds {
			args := make([][]byte, len(cmd))
			for i, a := range cmd {
				args[i] = []byte(a)
			}
			if err := u.exec(db, args); err != nil {
				return bad(off, err.Error())
			}
		}
		if exp != 0 {
			u.exec(db, [][]byte{[]byte("PEXPIREAT"), []byte(key), []byte(strconv.FormatInt(exp, 10))})
		}
	}
	return nil
}

// Rewrite compacts the append-only log (BGREWRITEAOF, run synchronously):
// at one instant appends switch to a new incremental file and a
// point-in-time snapshot is taken; the snapshot is written as the new
// base file, in RESP commands a real redis-server can replay, and the old
// files are removed. Writers keep running throughout.
func (s *Store) Rewrite(ctx context.Context) error {
	p := &s.persist
	p.mu.Lock()
	defer p.mu.Unlock()
	return s.rewriteLocked(ctx)
}

// rewriteLocked is Rewrite with p.mu held.
func (s *Store) rewriteLocked(ctx context.Context) error {
	p := &s.persist
	aof := p.aof.Load()
	if aof == nil {
		return errors.New("embedis: the append-only log is off (appendonly no)")
	}
	p.rewriting.Store(true)
	defer p.rewriting.Store(false)
	// The new incremental file is created and listed in the manifest
	// first (file I/O and fsyncs, writers running); the snapshot's
	// instant only switches appends to it.
	rw, err := aof.StartRewrite()
	if err != nil {
		p.lastRewriteOK.Store(false)
		return err
	}
	snap := s.ks.BeginSnapshot(rw.Switch)
	collected := false
	err = rw.Finish(func(w *bufio.Writer) error {
		var buf []byte
		curDB := -1
		collected = true
		return snap.Collect(func(es []keyspace.SnapEntry) error {
			if err := ctx.Err(); err != nil {
				return err
			}
			for i := range es {
				e := &es[i]
				if e.DB != curDB {
					buf = keyspace.AppendSelectRESP(buf, e.DB)
					curDB = e.DB
				}
				if err := entryCommands(e, func(a ...string) { buf = persist.AppendCommand(buf, a...) }); err != nil {
					return err
				}
				if len(buf) > 1<<16 {
					if _, err := w.Write(buf); err != nil {
						return err
					}
					buf = buf[:0]
				}
			}
			_, err := w.Write(buf)
			buf = buf[:0]
			return err
		})
	})
	if !collected {
		// Finish failed before writing (the base file could not be
		// created): a snapshot left running would hold every later save
		// and rewrite and its shard copies.
		snap.Abort()
	}
	p.lastRewriteOK.Store(err == nil)
	if err == nil {
		p.baseSize.Store(aof.BaseSize())
	}
	return err
}

// persistCron runs save points and automatic log rewrites.
func (s *Store) persistCron() {
	p := &s.persist
	if save := s.savePoints(); len(save) > 0 && !p.bgsave.Load() {
		changes := s.ks.Dirty() - p.dirtyAtSave.Load()
		elapsed := time.Now().Unix() - p.lastSave.Load()
		for _, sp := range save {
			if changes >= int64(sp.Changes) && elapsed >= int64(sp.Seconds) {
				s.BGSave()
				break
			}
		}
	}
	if a, pct := p.aof.Load(), s.tunables.autoPct.Load(); a != nil && pct > 0 && !p.rewriting.Load() {
		size := a.BaseSize() + a.Size()
		base := p.baseSize.Load()
		if size > s.tunables.autoMin.Load() && base > 0 && (size-base)*100/base >= pct {
			s.BGRewriteAOF()
		}
	}
}

// BGSave starts a snapshot in the background (BGSAVE); it reports false
// when one is already running.
func (s *Store) BGSave() bool {
	p := &s.persist
	if !p.bgsave.CompareAndSwap(false, true) {
		return false
	}
	p.wg.Add(1)
	go func() {
		defer p.wg.Done()
		defer p.bgsave.Store(false)
		if err := s.Save(context.Background()); err != nil && s.opts.Logf != nil {
			s.opts.Logf("embedis: background save failed: %v", err)
		}
	}()
	return true
}

// BGRewriteAOF starts a log rewrite in the background; it reports false
// when one is already running or the log is off.
func (s *Store) BGRewriteAOF() bool {
	p := &s.persist
	if p.aof.Load() == nil || p.rewriting.Load() {
		return false
	}
	p.rewriting.Store(true)
	p.wg.Add(1)
	go func() {
		defer p.wg.Done()
		if err := s.Rewrite(context.Background()); err != nil && s.opts.Logf != nil {
			s.opts.Logf("embedis: append-only log rewrite failed: %v", err)
		}
	}()
	return true
}

// LastSave returns the time of the last successful snapshot (LASTSAVE).
func (s *Store) LastSave() time.Time { return time.Unix(s.persist.lastSave.Load(), 0) }

// closePersistence waits for background saves and closes the log.
func (s *Store) closePersistence() error {
	s.persist.wg.Wait()
	if a := s.persist.aof.Swap(nil); a != nil {
		return a.Close()
	}
	return nil
}

// PersistenceInfo returns the fields of INFO persistence, in order.
func (s *Store) PersistenceInfo() [][2]string {
	p := &s.persist
	b := func(v bool) string {
		if v {
			return "1"
		}
		return "0"
	}
	status := func(ok bool) string {
		if ok {
			return "ok"
		}
		return "err"
	}
	aofOn, aofWrite := false, true
	var aofSize, aofBase int64
	if a := p.aof.Load(); a != nil {
		aofOn = true
		aofWrite = a.LastWriteError() == nil
		aofSize, aofBase = a.BaseSize()+a.Size(), p.baseSize.Load()
	}
	out := [][2]string{
		{"loading", "0"},
		{"async_loading", "0"},
		{"current_cow_peak", "0"},
		{"current_cow_size", "0"},
		{"current_fork_perc", "0.00"},
		{"current_save_keys_processed", "0"},
		{"current_save_keys_total", "0"},
		{"rdb_changes_since_last_save", strconv.FormatInt(s.ks.Dirty()-p.dirtyAtSave.Load(), 10)},
		{"rdb_bgsave_in_progress", b(p.bgsave.Load())},
		{"rdb_last_save_time", strconv.FormatInt(p.lastSave.Load(), 10)},
		{"rdb_last_bgsave_status", status(p.lastSaveOK.Load())},
		{"rdb_last_bgsave_time_sec", strconv.FormatInt(p.lastSaveTook.Load()/1000, 10)},
		{"rdb_current_bgsave_time_sec", "-1"},
		{"aof_enabled", b(aofOn)},
		{"aof_rewrite_in_progress", b(p.rewriting.Load())},
		{"aof_rewrite_scheduled", "0"},
		{"aof_last_rewrite_time_sec", "-1"},
		{"aof_current_rewrite_time_sec", "-1"},
		{"aof_last_bgrewrite_status", status(p.lastRewriteOK.Load())},
		{"aof_rewrites", "0"},
		{"aof_last_write_status", status(aofWrite)},
	}
	if aofOn {
		out = append(out, [2]string{"aof_current_size", strconv.FormatInt(aofSize, 10)},
			[2]string{"aof_base_size", strconv.FormatInt(aofBase, 10)})
	}
	return out
}

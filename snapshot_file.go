package embedis

import (
	"bufio"
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/vmihailenco/msgpack/v5"

	"github.com/embedis/embedis/keyspace"
)

// Snapshot file, version 2 (see "Persistence" in ARCHITECTURE.md):
//
//	"EMBEDIS-SNAP" 0x00 0x02
//	blocks: u32 length (> 0), then that many bytes of records
//	end:    u32 0, u64 number of keys
//	        u32 CRC-32C (Castagnoli) of everything before it
//
// The framing integers are little-endian. Each block decodes on its own
// (it starts in database 0), so blocks load in parallel. A record is one
// msgpack array (encoded with vmihailenco/msgpack/v5):
//
//	[-1, db]                              select a database
//	[kind, key, expireAt, value]          one key; expireAt in unix ms, 0 = none
//	  string:     value is the string
//	  collection: value is an array of commands, each an array of strings
//
// kind is keyspace.Kind (1 string, 2 list, 3 set, 4 zset, 5 hash, 6
// stream). A collection is stored as the commands that rebuild it (the
// same encoders as log rewriting).
const (
	snapVersion2 = 2
	snapOpSelect = -1
	snapBlock    = 1 << 20 // target block size
)

var crc32c = crc32.MakeTable(crc32.Castagnoli)

// snapWriter encodes entries into blocks and writes them.
type snapWriter struct {
	w    *bufio.Writer
	crc  uint32
	blk  bytes.Buffer     // the block being filled
	enc  *msgpack.Encoder // writes records into blk
	db   int              // database of the block's last record
	keys uint64
	err  error

	// A collection's commands are encoded as they are emitted into col
	// (by colEnc; ncmds counts them), not kept as strings until the
	// end: for a large collection those made enough garbage to start a
	// collection cycle during the save, which on a small machine stalls
	// the writers.
	col    chunkBuf
	colEnc *msgpack.Encoder // cannot fail: chunkBuf's writes do not
	ncmds  int
}

// chunkBuf is a write buffer made of fixed-size chunks that are kept and
// reused when it is reset: growing to a large collection's encoding
// allocates that size once, where a doubling buffer would allocate twice
// it in garbage.
type chunkBuf struct {
	chunks [][]byte // full or partly filled; len(chunk) is its content
	used   int      // chunks in use (the last one partly filled)
	n      int      // bytes held
}

const chunkBufSize = 256 << 10

func (b *chunkBuf) Reset() {
	for i := range b.used {
		b.chunks[i] = b.chunks[i][:0]
	}
	b.used, b.n = 0, 0
}

// Len returns the bytes held.
func (b *chunkBuf) Len() int { return b.n }

// last returns the chunk being filled, starting another when it is full.
func (b *chunkBuf) last() *[]byte {
	if b.used == 0 || len(b.chunks[b.used-1]) == chunkBufSize {
		if b.used == len(b.chunks) {
			b.chunks = append(b.chunks, make([]byte, 0, chunkBufSize))
		}
		b.used++
	}
	return &b.chunks[b.used-1]
}

func (b *chunkBuf) Write(p []byte) (int, error) {
	n := len(p)
	for len(p) > 0 {
		c := b.last()
		k := copy((*c)[len(*c):chunkBufSize], p)
		*c = (*c)[:len(*c)+k]
		p = p[k:]
	}
	b.n += n
	return n, nil
}

func (b *chunkBuf) WriteByte(c byte) error {
	l := b.last()
	*l = append(*l, c)
	b.n++
	return nil
}

// each calls fn with each chunk's content in order.
func (b *chunkBuf) each(fn func([]byte)) {
	for _, c := range b.chunks[:b.used] {
		fn(c)
	}
}

func newSnapWriter(w *bufio.Writer) *snapWriter {
	sw := &snapWriter{w: w}
	sw.blk.Grow(snapBlock + snapBlock/8)
	sw.enc = msgpack.NewEncoder(&sw.blk)
	sw.colEnc = msgpack.NewEncoder(&sw.col)
	return sw
}

// emitCol encodes one of a collection's commands into sw.col.
func (sw *snapWriter) emitCol(args ...string) {
	sw.ncmds++
	_ = sw.colEnc.EncodeArrayLen(len(args))
	for _, a := range args {
		_ = sw.colEnc.EncodeString(a)
	}
}

func (sw *snapWriter) write(b []byte) {
	if sw.err != nil {
		return
	}
	sw.crc = crc32.Update(sw.crc, crc32c, b)
	_, sw.err = sw.w.Write(b)
}

// endBlock writes the block being filled, if any.
func (sw *snapWriter) endBlock() {
	if sw.blk.Len() > 0 {
		sw.writeBlock(nil)
	}
}

// writeBlock writes the block being filled, followed by col's bytes when
// col is not nil, as one block, and starts the next.
func (sw *snapWriter) writeBlock(col *chunkBuf) {
	n := sw.blk.Len()
	if col != nil {
		n += col.Len()
	}
	var hdr [4]byte
	binary.LittleEndian.PutUint32(hdr[:], uint32(n))
	sw.write(hdr[:])
	sw.write(sw.blk.Bytes())
	if col != nil {
		col.each(sw.write)
	}
	sw.blk.Reset()
	sw.db = 0
}

// entry encodes one snapshot entry.
func (sw *snapWriter) entry(e *keyspace.SnapEntry) error {
	if e.Kind != keyspace.KindString {
		sw.col.Reset()
		sw.ncmds = 0
		noTTL := *e
		noTTL.ExpireAt = 0
		if err := entryCommands(&noTTL, sw.emitCol); err != nil {
			return err
		}
		if sw.col.Len() >= snapBlock {
			// A large collection gets a block of its own, written
			// straight from col rather than copied into blk.
			sw.endBlock()
		}
	}
	enc := sw.enc
	var err error
	try := func(e error) {
		if err == nil {
			err = e
		}
	}
	if e.DB != sw.db {
		try(enc.EncodeArrayLen(2))
		try(enc.EncodeInt(snapOpSelect))
		try(enc.EncodeInt(int64(e.DB)))
		sw.db = e.DB
	}
	try(enc.EncodeArrayLen(4))
	try(enc.EncodeUint(uint64(e.Kind)))
	try(enc.EncodeString(e.Key))
	try(enc.EncodeInt(e.ExpireAt))
	if e.Kind == keyspace.KindString {
		try(enc.EncodeString(e.Str))
	} else {
		try(enc.EncodeArrayLen(sw.ncmds))
	}
	if err != nil {
		return err
	}
	sw.keys++
	if e.Kind != keyspace.KindString {
		if sw.col.Len() >= snapBlock {
			sw.writeBlock(&sw.col) // the block of its own begun above
			return sw.err
		}
		sw.col.each(func(c []byte) { sw.blk.Write(c) })
	}
	if sw.blk.Len() >= snapBlock {
		sw.endBlock()
	}
	return sw.err
}

// Save writes a point-in-time snapshot of every database to
// Dir/DBFilename (SAVE): to a temporary file, fsynced, renamed over the
// old one, and the directory fsynced. Writers are never stalled for more
// than one shard's copy.
func (s *Store) Save(ctx context.Context) error {
	p := &s.persist
	p.mu.Lock()
	defer p.mu.Unlock()
	start := time.Now()
	dirty := s.ks.Dirty()
	err := s.writeSnapshot(ctx)
	p.lastSaveOK.Store(err == nil)
	p.lastSaveTook.Store(time.Since(start).Milliseconds())
	if err == nil {
		p.lastSave.Store(time.Now().Unix())
		p.dirtyAtSave.Store(dirty)
	}
	return err
}

func (s *Store) writeSnapshot(ctx context.Context) error {
	path := filepath.Join(s.opts.Dir, s.opts.DBFilename)
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	tmp := filepath.Join(filepath.Dir(path), fmt.Sprintf("temp-%d-%d.edb", os.Getpid(), time.Now().UnixNano()))
	f, err := os.Create(tmp)
	if err != nil {
		return err
	}
	ok := false
	defer func() {
		if !ok {
			f.Close()
			os.Remove(tmp)
		}
	}()
	sw := newSnapWriter(bufio.NewWriterSize(f, 1<<16))
	sw.write(append([]byte(snapMagic), 0, snapVersion2))
	snap := s.ks.BeginSnapshot(nil)
	err = snap.Collect(func(es []keyspace.SnapEntry) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		for i := range es {
			if err := sw.entry(&es[i]); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	sw.endBlock()
	var end [12]byte
	binary.LittleEndian.PutUint64(end[4:], sw.keys)
	sw.write(end[:])
	var sum [4]byte
	binary.LittleEndian.PutUint32(sum[:], sw.crc)
	if sw.err == nil {
		_, sw.err = sw.w.Write(sum[:])
	}
	if sw.err == nil {
		sw.err = sw.w.Flush()
	}
	if sw.err != nil {
		return sw.err
	}
	if err := f.Sync(); err != nil {
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	if err := os.Rename(tmp, path); err != nil {
		return err
	}
	ok = true
	d, err := os.Open(filepath.Dir(path))
	if err == nil {
		d.Sync()
		d.Close()
	}
	return nil
}

// loadSnapshot loads a snapshot into the (empty) store. A bad magic,
// version, record or checksum is an error naming the file and offset; the
// store is then not opened.
func (s *Store) loadSnapshot(path string) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	bad := func(off int, why string) error {
		return fmt.Errorf("embedis: snapshot %s is corrupt at offset %d: %s", path, off, why)
	}
	hdr := len(snapMagic) + 2
	if len(data) < hdr || string(data[:len(snapMagic)]) != snapMagic {
		return bad(0, "not an embedis snapshot (bad magic)")
	}
	switch v := data[len(snapMagic)+1]; {
	case data[len(snapMagic)] != 0:
		return bad(len(snapMagic), "unsupported format version")
	case v == snapVersion:
		return s.loadSnapshotV1(path, data)
	case v != snapVersion2:
		return bad(len(snapMagic), fmt.Sprintf("unsupported format version %d", v))
	}
	if len(data) < hdr+12+4 {
		return bad(len(data), "checksum mismatch (truncated file)")
	}
	body := data[:len(data)-4]
	if crc32.Checksum(body, crc32c) != binary.LittleEndian.Uint32(data[len(body):]) {
		return bad(len(body), "checksum mismatch (truncated or corrupted file)")
	}
	// find the blocks
	type block struct{ off, end int }
	var blocks []block
	off := hdr
	var keys uint64
	for {
		if off+4 > len(body) {
			return bad(off, "missing end of data")
		}
		n := int(binary.LittleEndian.Uint32(body[off:]))
		off += 4
		if n == 0 {
			if off+8 != len(body) {
				return bad(off, "bad end of data")
			}
			keys = binary.LittleEndian.Uint64(body[off:])
			break
		}
		if n > len(body)-off {
			return bad(off-4, "block past the end of the file")
		}
		blocks = append(blocks, block{off, off + n})
		off += n
	}
	// decode the blocks in parallel: they hold distinct keys
	workers := min(runtime.GOMAXPROCS(0), len(blocks), 8)
	var next, loaded atomic.Int64
	var mu sync.Mutex
	var firstErr error
	firstOff := len(data)
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ld := snapLoader{s: s, data: data, unit: s.newReplayUnit()}
			s.ks.Begin(&ld.c)
			ld.c.Loading = true
			for {
				i := int(next.Add(1) - 1)
				if i >= len(blocks) {
					return
				}
				mu.Lock()
				stop := firstErr != nil
				mu.Unlock()
				if stop {
					return
				}
				n, at, err := ld.block(blocks[i].off, blocks[i].end)
				loaded.Add(int64(n))
				if err != nil {
					mu.Lock()
					if at < firstOff {
						firstErr, firstOff = err, at
					}
					mu.Unlock()
					return
				}
			}
		}()
	}
	wg.Wait()
	if firstErr != nil {
		return bad(firstOff, firstErr.Error())
	}
	if uint64(loaded.Load()) != keys {
		return bad(len(body)-8, fmt.Sprintf("%d keys loaded, %d expected", loaded.Load(), keys))
	}
	return nil
}

// snapLoader decodes blocks of a snapshot (one per loading goroutine).
type snapLoader struct {
	s    *Store
	data []byte
	c    keyspace.Ctx
	unit *replayUnit
	args [][]byte
	dec  *msgpack.Decoder
}

var errSnapRecord = errors.New("bad record")

// block loads the records in data[off:end]. It returns the number of
// keys loaded and, on error, the offset of the bad record. The msgpack
// decoder reads the structure; strings are taken straight from data.
func (ld *snapLoader) block(off, end int) (int, int, error) {
	data := ld.data[:end]
	r := bytes.NewReader(data[off:end])
	if ld.dec == nil {
		ld.dec = msgpack.NewDecoder(r)
	} else {
		ld.dec.Reset(r)
	}
	d := ld.dec
	pos := func() int { return end - r.Len() }
	// bytesAt returns the next string or binary value, without copying.
	bytesAt := func() ([]byte, bool) {
		n, err := d.DecodeBytesLen()
		if err != nil || n < 0 || n > r.Len() {
			return nil, false
		}
		p := pos()
		if _, err := r.Seek(int64(n), io.SeekCurrent); err != nil {
			return nil, false
		}
		return data[p : p+n : p+n], true
	}
	length := func(max int) (int, bool) {
		n, err := d.DecodeArrayLen()
		return n, err == nil && n >= 0 && n <= max
	}
	db, keys := 0, 0
	dbs := len(ld.s.dbs)
	for r.Len() > 0 {
		rec := pos()
		n, ok := length(4)
		if !ok || (n != 2 && n != 4) {
			return keys, rec, errSnapRecord
		}
		tag, err := d.DecodeInt64()
		if err != nil {
			return keys, rec, errSnapRecord
		}
		if n == 2 {
			v, err := d.DecodeInt64()
			if tag != snapOpSelect || err != nil || v < 0 || v >= int64(dbs) {
				return keys, rec, fmt.Errorf("database out of range")
			}
			db = int(v)
			continue
		}
		kind := keyspace.Kind(tag)
		if tag < int64(keyspace.KindString) || tag > int64(keyspace.KindStream) {
			return keys, rec, errSnapRecord
		}
		kb, ok := bytesAt()
		if !ok {
			return keys, rec, errSnapRecord
		}
		exp, err := d.DecodeInt64()
		if err != nil || exp < 0 {
			return keys, rec, errSnapRecord
		}
		if kind == keyspace.KindString {
			vb, ok := bytesAt()
			if !ok {
				return keys, rec, errSnapRecord
			}
			key, val := string(kb), string(vb)
			c := &ld.c
			c.Lock(key)
			fresh := c.RestoreString(db, key, val, exp)
			c.Unlock()
			if !fresh {
				return keys, rec, fmt.Errorf("duplicate key %q", truncKey(key))
			}
			keys++
			continue
		}
		ncmd, ok := length(r.Len())
		if !ok {
			return keys, rec, errSnapRecord
		}
		for ; ncmd > 0; ncmd-- {
			nargs, ok := length(r.Len())
			if !ok || nargs == 0 {
				return keys, rec, errSnapRecord
			}
			ld.args = ld.args[:0]
			for ; nargs > 0; nargs-- {
				a, ok := bytesAt()
				if !ok {
					return keys, rec, errSnapRecord
				}
				ld.args = append(ld.args, a)
			}
			if err := ld.unit.exec(db, ld.args); err != nil {
				return keys, rec, err
			}
		}
		if exp != 0 {
			ld.args = append(ld.args[:0], []byte("PEXPIREAT"), kb, strconv.AppendInt(nil, exp, 10))
			ld.unit.exec(db, ld.args)
		}
		keys++
	}
	return keys, end, nil
}

func truncKey(k string) string {
	if len(k) > 64 {
		return k[:64] + "..."
	}
	return k
}

package persist

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/embedis/embedis/keyspace"
)

// Fsync is an appendfsync policy.
type Fsync int

// The appendfsync policies.
const (
	// FsyncEverySec writes continuously and fsyncs once a second.
	FsyncEverySec Fsync = iota
	// FsyncAlways fsyncs before a write is acknowledged.
	FsyncAlways
	// FsyncNo leaves flushing to the operating system.
	FsyncNo
)

// ParseFsync parses an appendfsync value.
func ParseFsync(s string) (Fsync, bool) {
	switch strings.ToLower(s) {
	case "always":
		return FsyncAlways, true
	case "everysec":
		return FsyncEverySec, true
	case "no":
		return FsyncNo, true
	}
	return 0, false
}

// String returns the configuration name.
func (f Fsync) String() string {
	switch f {
	case FsyncAlways:
		return "always"
	case FsyncNo:
		return "no"
	}
	return "everysec"
}

// AOFOptions configure an append-only log.
type AOFOptions struct {
	// Dir is the working directory ("dir"). Default: ".".
	Dir string
	// DirName is "appenddirname". Default: "appendonlydir".
	DirName string
	// FileName is "appendfilename", the prefix of every file. Default:
	// "appendonly.aof".
	FileName string
	// Fsync is "appendfsync". Default: everysec.
	Fsync Fsync
	// LoadTruncated is "aof-load-truncated": a torn last record is cut off
	// with a warning instead of failing the load. Default (nil): true.
	LoadTruncated *bool
	// Logf receives warnings (truncation, rewrite). Default: discard.
	Logf func(format string, args ...any)
}

func (o *AOFOptions) defaults() {
	if o.Dir == "" {
		o.Dir = "."
	}
	if o.DirName == "" {
		o.DirName = "appendonlydir"
	}
	if o.FileName == "" {
		o.FileName = "appendonly.aof"
	}
	if o.Logf == nil {
		o.Logf = func(string, ...any) {}
	}
}

// AOF is an open append-only log.
//
// Appended records are encoded into fixed-size chunks under one short
// critical section (no reallocation, no copying of earlier data); filled
// chunks wait in a list for the background writer, which takes the whole
// list at once, writes it outside the mutex and recycles the chunks.
type AOF struct {
	// What every append reads and writes, first and within one cache line
	// (the struct's size is a multiple of 64 bytes, so the allocator
	// aligns it): one line moves between processors per append, not two
	// or three.
	mu      sync.Mutex
	cur     []byte       // the chunk being filled
	pending int          // bytes in full and cur
	seq     uint64       // Append calls so far (the last token)
	curDB   int          // database of the last record (SELECT when it changes)
	fsync   atomic.Int32 // the policy in force (SetFsync)
	kicked  bool         // the writer was woken for a large backlog
	closed  bool

	// The rest is guarded by mu too, unless noted.
	full     [][]byte // filled chunks not yet written, in order
	flushing bool     // a goroutine is writing/fsyncing outside mu
	written  uint64   // records handed to the OS
	synced   uint64   // records fsynced
	spare    [][]byte // written chunks kept for reuse
	batch    [][]byte // the chunk list not in use (swapped with full)
	cond     *sync.Cond
	f        *os.File
	retired  []retiredFile // files a rewrite switched away from, with their last records
	size     int64         // bytes in the current incremental file
	err      error         // sticky write error (aof_last_write_status)

	opts AOFOptions // set at open
	dir  string

	// manMu guards the manifest (and serializes writing it) so that
	// appends never wait for its fsyncs.
	manMu sync.Mutex
	man   manifest

	kick chan struct{}
	stop chan struct{}
	wg   sync.WaitGroup
	_    [aofPad]byte
}

// aofPad pads AOF to 384 bytes, a size class of the allocator that is a
// multiple of 64 (TestAOF_HotFieldsShareALine checks it).
const aofPad = 8

// retiredFile is an incremental file that Rewrite.Switch moved appends
// away from, and the records it still has to receive.
type retiredFile struct {
	f    *os.File
	bufs [][]byte
}

const (
	// chunkSize is the unit of the append buffer.
	chunkSize = 64 << 10
	// maxSpare bounds the chunks kept for reuse (4 MiB).
	maxSpare = 64
	// minSpare chunks (1 MiB) are kept ready, their memory faulted in, so
	// that appends rarely allocate, or fault fresh pages in, under the
	// mutex.
	minSpare = 16
	// kickBytes wakes the background writer before its next tick.
	kickBytes = 512 << 10
	// maxPending makes writers wait (in Sync, holding no lock) for the
	// disk when this much is buffered, so the buffer stays bounded.
	maxPending = 64 << 20
	// throttleBit marks a token whose Sync must wait for the write.
	throttleBit = 1 << 63
)

// OpenAOF opens (creating if needed) the log in opts.Dir/opts.DirName.
// Call Load before appending to replay what it holds.
func OpenAOF(opts AOFOptions) (*AOF, error) {
	opts.defaults()
	a := &AOF{opts: opts, dir: filepath.Join(opts.Dir, opts.DirName), curDB: -1,
		stop: make(chan struct{}), kick: make(chan struct{}, 1)}
	a.cond = sync.NewCond(&a.mu)
	a.fsync.Store(int32(opts.Fsync))
	if err := os.MkdirAll(a.dir, 0o755); err != nil {
		return nil, fmt.Errorf("persist: create %s: %w", a.dir, err)
	}
	m, err := readManifest(a.manifestPath())
	switch {
	case errors.Is(err, os.ErrNotExist):
		m = manifest{}
	case err != nil:
		return nil, err
	}
	a.man = m
	if a.man.incr() == nil {
		// a fresh log: one incremental file, no base
		a.man.files = append(a.man.files, manifestFile{name: a.incrName(1), seq: 1, typ: 'i'})
		if err := a.writeManifest(); err != nil {
			return nil, err
		}
	}
	inc := a.man.incr()
	f, err := os.OpenFile(filepath.Join(a.dir, inc.name), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return nil, fmt.Errorf("persist: open %s: %w", inc.name, err)
	}
	st, _ := f.Stat()
	a.f, a.size = f, st.Size()
	a.spare = newChunks(minSpare)
	a.wg.Add(1)
	go a.background()
	return a, nil
}

func (a *AOF) manifestPath() string { return filepath.Join(a.dir, a.opts.FileName+".manifest") }
func (a *AOF) incrName(seq int) string {
	return a.opts.FileName + "." + strconv.Itoa(seq) + ".incr.aof"
}
func (a *AOF) baseName(seq int) string {
	return a.opts.FileName + "." + strconv.Itoa(seq) + ".base.aof"
}

// SetFsync changes the appendfsync policy of an open log (CONFIG SET
// appendfsync). Records appended from then on get the new promise.
func (a *AOF) SetFsync(f Fsync) { a.fsync.Store(int32(f)) }

// policy returns the appendfsync policy in force.
func (a *AOF) policy() Fsync { return Fsync(a.fsync.Load()) }

// Dir returns the directory holding the log's files.
func (a *AOF) Dir() string { return a.dir }

// Append encodes records as RESP commands (with SELECT when the database
// changes) and returns a token for Sync. It never blocks on I/O: the
// encoded records are copied into the log's buffer by AppendRESP, in the
// order Append is called. (The store journals through AppendRESP, with
// records the keyspace encoded; Append serves callers holding Records.)
func (a *AOF) Append(recs []keyspace.Record) uint64 {
	if len(recs) == 0 {
		a.mu.Lock()
		if a.closed {
			a.mu.Unlock()
			return 0
		}
		return a.appended()
	}
	var buf []byte
	for i := range recs {
		if i > 0 && recs[i].DB != recs[i-1].DB {
			buf = keyspace.AppendSelectRESP(buf, recs[i].DB)
		}
		buf = keyspace.AppendRESP(buf, recs[i].Args)
	}
	return a.AppendRESP(recs[0].DB, recs[len(recs)-1].DB, buf)
}

// AppendRESP is Append for records the keyspace already encoded
// (Hooks.JournalRESP): resp holds RESP commands, the first in database
// firstDB, the last in lastDB (with SELECT between them where the database
// changes). It copies resp into the log's buffer in one short critical
// section and returns a token for Sync.
func (a *AOF) AppendRESP(firstDB, lastDB int, resp []byte) uint64 {
	a.mu.Lock()
	if a.closed {
		a.mu.Unlock()
		return 0
	}
	n := len(resp)
	if firstDB != a.curDB {
		n += keyspace.SelectRESPLen(firstDB)
		a.room(n)
		a.cur = keyspace.AppendSelectRESP(a.cur, firstDB)
	} else {
		a.room(n)
	}
	a.cur = append(a.cur, resp...)
	a.curDB = lastDB
	a.pending += n
	return a.appended()
}

// appended ends an append: it takes the token, unlocks a.mu and wakes
// the writer when the backlog is large. The token is 0 when Sync would
// not wait (everysec and no, unless the backlog is too large), so that
// the caller need not call it: deciding here, under a.mu, spares every
// write a read of the policy from another processor's cache.
func (a *AOF) appended() uint64 {
	a.seq++
	var tok uint64
	switch {
	case a.policy() == FsyncAlways:
		tok = a.seq
	case a.pending >= maxPending:
		tok = a.seq | throttleBit
	}
	kick := a.pending >= kickBytes && !a.kicked
	if kick {
		a.kicked = true
	}
	a.mu.Unlock()
	if kick {
		select {
		case a.kick <- struct{}{}:
		default:
		}
	}
	return tok
}

// room makes the current chunk hold n more bytes, queueing it for the
// writer and starting another (a recycled one when there is one) when it
// cannot. a.mu is held.
func (a *AOF) room(n int) {
	if cap(a.cur)-len(a.cur) < n {
		a.nextChunk(n)
	}
}

// nextChunk is room's slow path.
func (a *AOF) nextChunk(n int) {
	if len(a.cur) > 0 {
		a.full = append(a.full, a.cur)
	}
	if k := len(a.spare); k > 0 && n <= chunkSize {
		a.cur = a.spare[k-1][:0]
		a.spare[k-1] = nil
		a.spare = a.spare[:k-1]
		return
	}
	a.cur = make([]byte, 0, max(n, chunkSize))
}

// Sync blocks until the records of token tok are durable as the policy
// in force when they were appended promises: under always, written and
// fsynced (one fsync serves every waiting writer); under everysec and no
// it returns at once (the token is 0), unless the buffer had grown past
// its bound, when it waits for the write.
func (a *AOF) Sync(tok uint64) {
	switch {
	case tok == 0:
	case tok&throttleBit != 0:
		a.waitFor(tok&^throttleBit, false)
	default:
		a.waitFor(tok, true)
	}
}

// waitFor blocks until the records up to token tok are written (and, with
// sync, fsynced), writing them itself when no other goroutine is.
func (a *AOF) waitFor(tok uint64, sync bool) {
	a.mu.Lock()
	for a.err == nil && !a.closed {
		done := a.written >= tok
		if sync {
			done = a.synced >= tok
		}
		if done {
			break
		}
		if a.flushing {
			a.cond.Wait()
			continue
		}
		a.flushLocked(sync)
	}
	a.mu.Unlock()
}

// flush writes the buffer to the file and, with sync, fsyncs it. One
// flusher runs at a time; others wait on cond.
func (a *AOF) flush(sync bool) {
	a.mu.Lock()
	for a.flushing {
		a.cond.Wait()
	}
	a.flushLocked(sync)
	a.mu.Unlock()
}

// takeBuffered returns every buffered chunk, the current one included,
// and leaves a.cur empty (the caller resets a.full). a.mu is held.
func (a *AOF) takeBuffered() [][]byte {
	bufs := a.full
	if len(a.cur) > 0 {
		bufs = append(bufs, a.cur)
	}
	a.cur = nil
	return bufs
}

// recycle keeps a written chunk for reuse, up to maxSpare. a.mu is held.
func (a *AOF) recycle(b []byte) {
	if cap(b) == chunkSize && len(a.spare) < maxSpare {
		a.spare = append(a.spare, b[:0])
	}
}

// flushLocked is flush with a.mu held and no flush running; it releases
// a.mu for the I/O and holds it again when it returns.
func (a *AOF) flushLocked(sync bool) {
	if a.f == nil {
		return
	}
	a.flushing = true
	retired := a.retired
	a.retired = nil
	bufs := a.takeBuffered()
	a.full, a.batch = a.batch[:0], nil
	n := a.pending
	a.pending = 0
	a.kicked = false
	target := a.seq
	f := a.f
	a.mu.Unlock()

	var err error
	// the files a rewrite switched away from get their last records, and
	// an fsync, before anything is written to the new one
	for _, r := range retired {
		for _, b := range r.bufs {
			if err == nil {
				_, err = r.f.Write(b)
			}
		}
		if err == nil {
			err = r.f.Sync()
		}
		r.f.Close()
	}
	for _, b := range bufs {
		if err != nil {
			break
		}
		_, err = f.Write(b)
	}
	if err == nil && sync {
		err = f.Sync()
	}

	a.mu.Lock()
	a.flushing = false
	for _, r := range retired {
		for _, b := range r.bufs {
			a.recycle(b)
		}
	}
	for i, b := range bufs {
		a.recycle(b)
		bufs[i] = nil
	}
	a.batch = bufs[:0]
	if err != nil {
		a.err = err
		a.opts.Logf("persist: writing the append-only log: %v", err)
	} else {
		if a.f == f { // not switched to a new file meanwhile
			a.size += int64(n)
		}
		a.written = target
		if sync {
			a.synced = target
		}
	}
	a.cond.Broadcast()
	if k := len(a.spare); k < minSpare {
		// top the stock of ready chunks up, outside the mutex
		a.mu.Unlock()
		more := newChunks(minSpare - k)
		a.mu.Lock()
		if len(a.spare) < maxSpare {
			a.spare = append(a.spare, more...)
		}
	}
}

func (a *AOF) background() {
	defer a.wg.Done()
	t := time.NewTicker(100 * time.Millisecond)
	defer t.Stop()
	last := time.Now()
	for {
		select {
		case <-a.stop:
			return
		case <-a.kick:
			// a large backlog: write it now (fsync stays on schedule)
			if a.policy() != FsyncAlways {
				a.flush(false)
			}
		case <-t.C:
			switch a.policy() {
			case FsyncEverySec:
				if time.Since(last) >= time.Second {
					a.flush(true)
					last = time.Now()
				} else {
					a.flush(false)
				}
			case FsyncNo:
				a.flush(false)
			}
		}
	}
}

// LastWriteError returns the last write or fsync error (nil when the log
// is healthy): INFO's aof_last_write_status.
func (a *AOF) LastWriteError() error {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.err
}

// Size returns the bytes in the current incremental file (written so far).
func (a *AOF) Size() int64 {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.size
}

// Close writes and fsyncs what is buffered and closes the file.
func (a *AOF) Close() error {
	a.mu.Lock()
	if a.closed {
		a.mu.Unlock()
		return nil
	}
	a.mu.Unlock()
	close(a.stop)
	a.wg.Wait()
	a.mu.Lock()
	defer a.mu.Unlock()
	for a.flushing {
		a.cond.Wait()
	}
	a.flushLocked(true)
	for a.flushing { // flushLocked may have let a writer's group commit start one
		a.cond.Wait()
	}
	a.closed = true
	err := a.f.Close()
	a.f = nil
	a.cond.Broadcast()
	if a.err != nil {
		return a.err
	}
	return err
}

// newChunks returns n new chunks, their memory faulted in.
func newChunks(n int) [][]byte {
	var dst [][]byte
	for ; n > 0; n-- {
		c := make([]byte, chunkSize)
		for i := 0; i < len(c); i += 4096 {
			c[i] = 0
		}
		dst = append(dst, c[:0])
	}
	return dst
}

// ---- manifest (Redis 7 multi-part AOF)

type manifestFile struct {
	name string
	seq  int
	typ  byte // 'b' base, 'i' incremental, 'h' history
}

type manifest struct{ files []manifestFile }

func (m *manifest) base() *manifestFile {
	for i := range m.files {
		if m.files[i].typ == 'b' {
			return &m.files[i]
		}
	}
	return nil
}

// incr returns the last incremental file (the one being appended to).
func (m *manifest) incr() *manifestFile {
	for i := len(m.files) - 1; i >= 0; i-- {
		if m.files[i].typ == 'i' {
			return &m.files[i]
		}
	}
	return nil
}

func readManifest(path string) (manifest, error) {
	f, err := os.Open(path)
	if err != nil {
		return manifest{}, err
	}
	defer f.Close()
	var m manifest
	sc := bufio.NewScanner(f)
	line := 0
	for sc.Scan() {
		line++
		text := strings.TrimSpace(sc.Text())
		if text == "" || text[0] == '#' {
			continue
		}
		fields := strings.Fields(text)
		var mf manifestFile
		for i := 0; i+1 < len(fields); i += 2 {
			switch fields[i] {
			case "file":
				mf.name = fields[i+1]
			case "seq":
				mf.seq, _ = strconv.Atoi(fields[i+1])
			case "type":
				mf.typ = fields[i+1][0]
			}
		}
		if mf.name == "" || mf.typ == 0 || strings.ContainsAny(mf.name, "/\\") {
			return manifest{}, fmt.Errorf("persist: %s:%d: invalid manifest line %q", path, line, text)
		}
		m.files = append(m.files, mf)
	}
	return m, sc.Err()
}

func (a *AOF) writeManifest() error {
	var b strings.Builder
	for _, f := range a.man.files {
		fmt.Fprintf(&b, "file %s seq %d type %c\n", f.name, f.seq, f.typ)
	}
	return writeFileAtomic(a.manifestPath(), []byte(b.String()))
}

// writeFileAtomic writes data to a temporary file, fsyncs it, renames it
// over path and fsyncs the directory.
func writeFileAtomic(path string, data []byte) error {
	tmp := path + ".tmp"
	f, err := os.OpenFile(tmp, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o644)
	if err != nil {
		return err
	}
	if _, err = f.Write(data); err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(tmp)
		return err
	}
	if err := os.Rename(tmp, path); err != nil {
		return err
	}
	return syncDir(filepath.Dir(path))
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}

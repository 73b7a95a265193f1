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
type AOF struct {
	opts AOFOptions
	dir  string // Dir/DirName

	mu       sync.Mutex
	cond     *sync.Cond
	buf      []byte // encoded records not yet written
	seq      uint64 // Append calls so far (the last token)
	written  uint64 // records handed to the OS
	synced   uint64 // records fsynced
	flushing bool   // a goroutine is writing/fsyncing outside mu
	curDB    int    // database of the last record (SELECT when it changes)
	f        *os.File
	man      manifest
	size     int64 // bytes in the current incremental file
	err      error // sticky write error (aof_last_write_status)
	closed   bool

	stop chan struct{}
	wg   sync.WaitGroup
}

// OpenAOF opens (creating if needed) the log in opts.Dir/opts.DirName.
// Call Load before appending to replay what it holds.
func OpenAOF(opts AOFOptions) (*AOF, error) {
	opts.defaults()
	a := &AOF{opts: opts, dir: filepath.Join(opts.Dir, opts.DirName), curDB: -1, stop: make(chan struct{})}
	a.cond = sync.NewCond(&a.mu)
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

// Dir returns the directory holding the log's files.
func (a *AOF) Dir() string { return a.dir }

// Append encodes records as RESP commands (with SELECT when the database
// changes) and returns a token for Sync. It never blocks on I/O.
func (a *AOF) Append(recs []keyspace.Record) uint64 {
	a.mu.Lock()
	for _, r := range recs {
		if r.DB != a.curDB {
			a.buf = appendCommand(a.buf, "SELECT", strconv.Itoa(r.DB))
			a.curDB = r.DB
		}
		a.buf = appendCommand(a.buf, r.Args...)
	}
	a.seq++
	tok := a.seq
	big := len(a.buf) > 4<<20
	a.mu.Unlock()
	if big && a.opts.Fsync != FsyncAlways {
		a.flush(false) // keep the buffer bounded
	}
	return tok
}

// Sync blocks until the records of token tok are durable as the policy
// promises: under always, written and fsynced (one fsync serves every
// waiting writer); under everysec and no it returns at once.
func (a *AOF) Sync(tok uint64) {
	if a.opts.Fsync != FsyncAlways {
		return
	}
	a.mu.Lock()
	for a.synced < tok && a.err == nil && !a.closed {
		if a.flushing {
			a.cond.Wait()
			continue
		}
		a.mu.Unlock()
		a.flush(true)
		a.mu.Lock()
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
	if a.closed && a.f == nil {
		a.mu.Unlock()
		return
	}
	a.flushing = true
	buf := a.buf
	a.buf = nil
	target := a.seq
	f := a.f
	a.mu.Unlock()

	var err error
	if len(buf) > 0 {
		_, err = f.Write(buf)
	}
	if err == nil && sync {
		err = f.Sync()
	}

	a.mu.Lock()
	a.flushing = false
	if err != nil {
		a.err = err
		a.opts.Logf("persist: writing the append-only log: %v", err)
	} else {
		a.size += int64(len(buf))
		a.written = target
		if sync {
			a.synced = target
		}
	}
	a.cond.Broadcast()
	a.mu.Unlock()
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
		case <-t.C:
			switch a.opts.Fsync {
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
	a.flush(true)
	a.mu.Lock()
	defer a.mu.Unlock()
	a.closed = true
	err := a.f.Close()
	a.f = nil
	a.cond.Broadcast()
	if a.err != nil {
		return a.err
	}
	return err
}

// appendCommand encodes one command as a RESP multibulk.
func appendCommand(dst []byte, args ...string) []byte {
	dst = append(dst, '*')
	dst = strconv.AppendInt(dst, int64(len(args)), 10)
	dst = append(dst, '\r', '\n')
	for _, s := range args {
		dst = append(dst, '$')
		dst = strconv.AppendInt(dst, int64(len(s)), 10)
		dst = append(dst, '\r', '\n')
		dst = append(dst, s...)
		dst = append(dst, '\r', '\n')
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

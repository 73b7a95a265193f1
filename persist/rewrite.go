package persist

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
)

// Rewrite is a log rewrite in progress: StartRewrite switched appends to
// a new incremental file at the instant the caller captured its
// point-in-time view of the data; Finish writes that view as the new base
// file and retires the old files.
type Rewrite struct {
	a       *AOF
	seq     int
	oldOnes []manifestFile
}

// StartRewrite starts a rewrite. The caller must hold the keyspace still
// (an exclusive section) from just before StartRewrite until it has
// captured the data the new base will contain, so that base + the new
// incremental file together are exactly the data set.
func (a *AOF) StartRewrite() (*Rewrite, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	for a.flushing {
		a.cond.Wait()
	}
	a.flushLocked(true) // everything so far belongs to the old files
	for a.flushing {    // flushLocked may have let another start
		a.cond.Wait()
	}
	if a.err != nil {
		return nil, a.err
	}
	seq := 1
	for _, f := range a.man.files {
		if f.seq >= seq {
			seq = f.seq + 1
		}
	}
	name := a.incrName(seq)
	f, err := os.OpenFile(filepath.Join(a.dir, name), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return nil, err
	}
	old := append([]manifestFile(nil), a.man.files...)
	a.man.files = append(a.man.files, manifestFile{name: name, seq: seq, typ: 'i'})
	if err := a.writeManifest(); err != nil {
		f.Close()
		a.man.files = old
		return nil, err
	}
	a.f.Close()
	a.f, a.size, a.curDB = f, 0, -1
	return &Rewrite{a: a, seq: seq, oldOnes: old}, nil
}

// Finish writes the new base file with write (which emits the data set as
// commands through the writer it is given, typically encoded with
// AppendCommand), fsyncs it, installs the new manifest (base + the new
// incremental file) and deletes the old files. On error the old files
// stay in the manifest and nothing is lost.
func (rw *Rewrite) Finish(write func(w *bufio.Writer) error) error {
	a := rw.a
	name := a.baseName(rw.seq)
	path := filepath.Join(a.dir, name)
	f, err := os.OpenFile(path, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o644)
	if err != nil {
		return err
	}
	w := bufio.NewWriterSize(f, 1<<16)
	err = write(w)
	if err == nil {
		err = w.Flush()
	}
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(path)
		return fmt.Errorf("persist: writing the rewrite base: %w", err)
	}
	a.mu.Lock()
	var keep []manifestFile
	keep = append(keep, manifestFile{name: name, seq: rw.seq, typ: 'b'})
	for _, f := range a.man.files {
		if f.typ == 'i' && f.seq >= rw.seq {
			keep = append(keep, f)
		}
	}
	prev := a.man.files
	a.man.files = keep
	if err := a.writeManifest(); err != nil {
		a.man.files = prev
		a.mu.Unlock()
		return err
	}
	a.mu.Unlock()
	for _, f := range rw.oldOnes {
		os.Remove(filepath.Join(a.dir, f.name))
	}
	return syncDir(a.dir)
}

// AppendCommand encodes one command as RESP (for writing a base file).
func AppendCommand(dst []byte, args ...string) []byte { return appendCommand(dst, args...) }

// BaseSize returns the size of the current base file (0 without one),
// for auto-aof-rewrite-percentage.
func (a *AOF) BaseSize() int64 {
	a.mu.Lock()
	b := a.man.base()
	a.mu.Unlock()
	if b == nil {
		return 0
	}
	fi, err := os.Stat(filepath.Join(a.dir, b.name))
	if err != nil {
		return 0
	}
	return fi.Size()
}

package persist

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/embedis/embedis/keyspace"
)

// Rewrite is a log rewrite in progress: StartRewrite created the new
// incremental file and listed it in the manifest, Switch moves appends to
// it at the instant the caller captures its point-in-time view of the
// data, and Finish writes that view as the new base file and retires the
// old files.
type Rewrite struct {
	a        *AOF
	seq      int
	f        *os.File // the new incremental file, until Switch
	oldOnes  []manifestFile
	switched bool
}

// StartRewrite starts a rewrite: it creates the new (empty) incremental
// file and adds it to the manifest (written and fsynced), while appends go
// on to the current file. Then call Switch at the rewrite's instant. A
// manifest that lists the new file before any record went to it loads the
// same data, so a crash in between loses nothing.
func (a *AOF) StartRewrite() (*Rewrite, error) {
	a.manMu.Lock()
	defer a.manMu.Unlock()
	a.mu.Lock()
	err := a.err
	a.mu.Unlock()
	if err != nil {
		return nil, err
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
	return &Rewrite{a: a, seq: seq, f: f, oldOnes: old}, nil
}

// Switch makes the records appended from now on go to the new incremental
// file. It does no I/O, so it can run where writers are held still (the
// caller's exclusive section, from which the base's data is captured): the
// records still buffered for the old file are written to it, and fsynced,
// by the next flush, before any record of the new file is written, so the
// files keep the order of acknowledgement.
func (rw *Rewrite) Switch() {
	a := rw.a
	a.mu.Lock()
	defer a.mu.Unlock()
	if rw.switched {
		return
	}
	if a.closed { // turned off meanwhile: Finish will fail
		rw.f.Close()
		return
	}
	rw.switched = true
	bufs := a.takeBuffered()
	a.full = nil
	a.retired = append(a.retired, retiredFile{f: a.f, bufs: bufs})
	a.f, a.size, a.curDB = rw.f, 0, -1
	a.pending = 0
	rw.f = nil
}

// Finish writes the new base file with write (which emits the data set as
// commands through the writer it is given, typically encoded with
// AppendCommand), fsyncs it, installs the new manifest (base + the new
// incremental file) and deletes the old files. On error the old files
// stay in the manifest and nothing is lost.
func (rw *Rewrite) Finish(write func(w *bufio.Writer) error) error {
	a := rw.a
	if !rw.switched {
		return errors.New("persist: Rewrite.Finish before Switch")
	}
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
	a.manMu.Lock()
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
		a.manMu.Unlock()
		return err
	}
	a.manMu.Unlock()
	for _, f := range rw.oldOnes {
		os.Remove(filepath.Join(a.dir, f.name))
	}
	return syncDir(a.dir)
}

// AppendCommand encodes one command as RESP (for writing a base file).
func AppendCommand(dst []byte, args ...string) []byte { return keyspace.AppendRESP(dst, args) }

// BaseSize returns the size of the current base file (0 without one),
// for auto-aof-rewrite-percentage.
func (a *AOF) BaseSize() int64 {
	a.manMu.Lock()
	b := a.man.base()
	a.manMu.Unlock()
	if b == nil {
		return 0
	}
	fi, err := os.Stat(filepath.Join(a.dir, b.name))
	if err != nil {
		return 0
	}
	return fi.Size()
}

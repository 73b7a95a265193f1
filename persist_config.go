package embedis

import (
	"context"
	"strconv"
	"strings"
	"sync/atomic"

	"github.com/embedis/embedis/keyspace"
	"github.com/embedis/embedis/persist"
)

// persistTunables are the persistence parameters CONFIG SET may change
// while the store runs; the cron reads them on every tick.
type persistTunables struct {
	save    atomic.Pointer[[]SavePoint] // "save"; nil or empty: no save points
	autoPct atomic.Int64                // "auto-aof-rewrite-percentage"
	autoMin atomic.Int64                // "auto-aof-rewrite-min-size"
	fsync   atomic.Int32                // "appendfsync" (persist.Fsync)
}

// initTunables copies the Options' values; called from Open.
func (s *Store) initTunables() {
	t := &s.tunables
	sp := append([]SavePoint(nil), s.opts.Save...)
	t.save.Store(&sp)
	t.autoPct.Store(int64(s.opts.AutoAOFRewritePercentage))
	t.autoMin.Store(s.opts.AutoAOFRewriteMinSize)
	f, _ := persist.ParseFsync(s.opts.AppendFsync)
	t.fsync.Store(int32(f))
}

// savePoints returns the current save points.
func (s *Store) savePoints() []SavePoint {
	if p := s.tunables.save.Load(); p != nil {
		return *p
	}
	return nil
}

// parseSavePoints parses a validated "save" value ("3600 1 300 100").
func parseSavePoints(v string) []SavePoint {
	f := strings.Fields(v)
	out := make([]SavePoint, 0, len(f)/2)
	for i := 0; i+1 < len(f); i += 2 {
		sec, _ := strconv.Atoi(f[i])
		ch, _ := strconv.Atoi(f[i+1])
		out = append(out, SavePoint{Seconds: sec, Changes: ch})
	}
	return out
}

func init() {
	onConfigChange("save", func(s *Store, v string) {
		if s == nil {
			return
		}
		sp := parseSavePoints(v)
		s.tunables.save.Store(&sp)
	})
	onConfigChange("appendfsync", func(s *Store, v string) {
		f, ok := persist.ParseFsync(v)
		if !ok || s == nil {
			return
		}
		s.tunables.fsync.Store(int32(f))
		if a := s.persist.aof.Load(); a != nil {
			a.SetFsync(f)
		}
	})
	onConfigChange("auto-aof-rewrite-percentage", func(s *Store, v string) {
		if n, err := strconv.ParseInt(v, 10, 64); err == nil && s != nil {
			s.tunables.autoPct.Store(n)
		}
	})
	onConfigChange("auto-aof-rewrite-min-size", func(s *Store, v string) {
		if n, err := strconv.ParseInt(v, 10, 64); err == nil && s != nil {
			s.tunables.autoMin.Store(n)
		}
	})
}

// startAOF turns the append-only log on while the store runs (CONFIG SET
// appendonly yes): it opens the log, journals every write from then on,
// and rewrites it at once so that its base holds the data set. Writers
// keep running; a unit's hooks are read when it takes its locks, so every
// write either lands in the rewrite's point-in-time base or follows it in
// the log.
func (s *Store) startAOF() error {
	p := &s.persist
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.aof.Load() != nil {
		return nil
	}
	a, err := persist.OpenAOF(s.aofOptions())
	if err != nil {
		return err
	}
	p.aof.Store(a)
	s.setJournal(a)
	if err := s.rewriteLocked(context.Background()); err != nil {
		s.setJournal(nil)
		p.aof.Store(nil)
		a.Close()
		return err
	}
	return nil
}

// aofOptions are the options the log opens with: the store's settings and
// the appendfsync policy in force (initTunables parsed Options.AppendFsync).
func (s *Store) aofOptions() persist.AOFOptions {
	o := &s.opts
	return persist.AOFOptions{Dir: o.Dir, DirName: o.AppendDirname, FileName: o.AppendFilename,
		Fsync: persist.Fsync(s.tunables.fsync.Load()), LoadTruncated: o.AOFLoadTruncated, Logf: o.Logf}
}

// stopAOF turns the log off (CONFIG SET appendonly no): writes stop being
// journaled and the log is flushed, fsynced and closed.
func (s *Store) stopAOF() error {
	p := &s.persist
	p.mu.Lock()
	defer p.mu.Unlock()
	a := p.aof.Swap(nil)
	if a == nil {
		return nil
	}
	s.setJournal(nil)
	return a.Close()
}

// setJournal installs a's journal hooks (nil removes them), keeping the
// notification hook.
func (s *Store) setJournal(a *persist.AOF) {
	s.ks.UpdateHooks(func(h *keyspace.Hooks) {
		h.Journal, h.JournalRESP, h.JournalSync = nil, nil, nil
		if a != nil {
			h.JournalRESP, h.JournalSync = a.AppendRESP, a.Sync // (Journal is unused when JournalRESP is set)
		}
	})
}

// prepareAppendOnly turns the log on or off for CONFIG SET appendonly.
func prepareAppendOnly(s *Store, v string) string {
	var err error
	if v == "yes" {
		err = s.startAOF()
	} else {
		err = s.stopAOF()
	}
	if err != nil {
		if s.opts.Logf != nil {
			s.opts.Logf("embedis: appendonly %s: %v", v, err)
		}
		if v == "yes" {
			return "Unable to turn on AOF. Check server logs."
		}
	}
	return ""
}

package embedis

import (
	"strconv"
	"strings"
	"sync/atomic"
)

// persistTunables are the persistence parameters CONFIG SET may change
// while the store runs; the cron reads them on every tick.
type persistTunables struct {
	save    atomic.Pointer[[]SavePoint] // "save"; nil or empty: no save points
	autoPct atomic.Int64                // "auto-aof-rewrite-percentage"
	autoMin atomic.Int64                // "auto-aof-rewrite-min-size"
}

// initTunables copies the Options' values; called from Open.
func (s *Store) initTunables() {
	t := &s.tunables
	sp := append([]SavePoint(nil), s.opts.Save...)
	t.save.Store(&sp)
	t.autoPct.Store(int64(s.opts.AutoAOFRewritePercentage))
	t.autoMin.Store(s.opts.AutoAOFRewriteMinSize)
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

package stream

// Trim says how to trim a stream (XTRIM, and XADD's MAXLEN/MINID).
type Trim struct {
	// ByMinID selects the MINID strategy; otherwise MAXLEN.
	ByMinID bool
	// MaxLen is MAXLEN's threshold: keep at most this many entries.
	MaxLen uint64
	// MinID is MINID's threshold: drop entries with smaller IDs.
	MinID ID
	// Approx is "~": remove whole nodes only, stopping at the first node
	// that cannot go entirely.
	Approx bool
	// Limit caps the number of entries removed; 0 means no cap. Redis
	// applies a cap only with Approx (default 100*NodeMaxEntries).
	Limit int64
}

// DefaultApproxLimit is the LIMIT Redis applies to "~" trims when none
// is given: 100 nodes' worth of entries.
const DefaultApproxLimit = 100 * NodeMaxEntries

// Trim removes entries from the head of the stream as Redis's streamTrim
// does and returns how many it removed. Whole nodes go first; without
// Approx, entries of the first node that cannot go entirely are marked
// deleted one by one until the threshold holds. Trimming does not change
// max-deleted-entry-id; it updates recorded-first-entry-id.
func (s *Stream) Trim(t Trim) int64 {
	var deleted int64
	for {
		if !t.ByMinID && s.length <= t.MaxLen {
			break
		}
		it, ok := s.tree.Min()
		if !ok {
			break
		}
		n := it.n
		entries := int64(n.live)
		if t.Limit != 0 && deleted+entries > t.Limit {
			break
		}
		var removeNode bool
		if t.ByMinID {
			removeNode = n.last.Less(t.MinID)
		} else {
			removeNode = s.length-uint64(entries) >= t.MaxLen
		}
		if removeNode {
			s.removeNode(n)
			s.length -= uint64(entries)
			deleted += entries
			continue
		}
		if t.Approx {
			break
		}
		// Mark entries of this node deleted until the threshold holds.
		n.each(func(r entryRef) bool {
			var stop bool
			if t.ByMinID {
				stop = !r.id.Less(t.MinID)
			} else {
				stop = s.length <= t.MaxLen
			}
			if stop {
				return false
			}
			if r.flags&flagDeleted == 0 {
				n.buf[r.pos] |= flagDeleted
				n.live--
				n.dead++
				s.length--
				deleted++
			}
			return true
		})
		break
	}
	if s.length == 0 {
		s.firstID = ID{}
	} else if deleted > 0 {
		s.firstID = s.firstLiveID()
	}
	return deleted
}

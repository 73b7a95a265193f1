package stream

import (
	"fmt"
	"slices"
	"strings"
	"unsafe"

	"github.com/google/btree"
)

// InvalidEntriesRead marks a group's entries-read counter as unknown
// (Redis's SCG_INVALID_ENTRIES_READ).
const InvalidEntriesRead = -1

// Pending is an entry of a group's pending entries list (PEL): delivered
// to a consumer and not yet acknowledged.
type Pending struct {
	// ID is the entry's ID.
	ID ID
	// Consumer owns the entry.
	Consumer *Consumer
	// DeliveryTime is the unix ms of the last delivery.
	DeliveryTime int64
	// DeliveryCount is the number of deliveries.
	DeliveryCount int64
}

// Consumer is a member of a consumer group.
type Consumer struct {
	// Name is the consumer's name.
	Name string
	// SeenTime is the unix ms of the consumer's last attempted read or
	// claim.
	SeenTime int64
	// ActiveTime is the unix ms of its last successful delivery or claim;
	// -1 if none yet.
	ActiveTime int64
	pel        *btree.BTreeG[pelItem]
}

// Group is a consumer group.
type Group struct {
	// Name is the group's name.
	Name string
	// LastID is the last delivered ID (last-delivered-id).
	LastID ID
	// EntriesRead is the logical read counter, or InvalidEntriesRead.
	EntriesRead int64
	pel         *btree.BTreeG[pelItem]
	consumers   map[string]*Consumer
}

type pelItem struct {
	id ID
	p  *Pending
}

func pelLess(a, b pelItem) bool { return a.id.Less(b.id) }

func newPEL() *btree.BTreeG[pelItem] { return btree.NewG[pelItem](8, pelLess) }

const (
	pendingMem  = int(unsafe.Sizeof(Pending{})) + 2*int(unsafe.Sizeof(pelItem{})) + 16
	consumerMem = int(unsafe.Sizeof(Consumer{})) + 96
	groupMem    = int(unsafe.Sizeof(Group{})) + 160
)

// ---- groups

func (s *Stream) addGroup(g *Group) {
	if s.groups == nil {
		s.groups = map[string]*Group{}
	}
	s.groups[g.Name] = g
	s.mem += groupMem + len(g.Name)
	for _, c := range g.consumers {
		s.mem += consumerMem + len(c.Name)
	}
	s.mem += g.pel.Len() * pendingMem
}

// CreateGroup adds a group whose last delivered ID is last and whose
// entries-read counter is entriesRead (InvalidEntriesRead when unknown).
// It returns nil if a group with that name exists.
func (s *Stream) CreateGroup(name string, last ID, entriesRead int64) *Group {
	if _, ok := s.groups[name]; ok {
		return nil
	}
	name = strings.Clone(name)
	g := &Group{Name: name, LastID: last, EntriesRead: entriesRead, pel: newPEL(), consumers: map[string]*Consumer{}}
	s.addGroup(g)
	return g
}

// Group returns the group name, or nil.
func (s *Stream) Group(name string) *Group { return s.groups[name] }

// DestroyGroup removes the group name and reports whether it existed.
func (s *Stream) DestroyGroup(name string) bool {
	g, ok := s.groups[name]
	if !ok {
		return false
	}
	s.mem -= groupMem + len(g.Name) + g.pel.Len()*pendingMem
	for _, c := range g.consumers {
		s.mem -= consumerMem + len(c.Name)
	}
	delete(s.groups, name)
	s.Bump()
	return true
}

// GroupCount returns the number of groups.
func (s *Stream) GroupCount() int { return len(s.groups) }

// Groups returns the groups in name order.
func (s *Stream) Groups() []*Group {
	out := make([]*Group, 0, len(s.groups))
	for _, g := range s.groups {
		out = append(out, g)
	}
	slices.SortFunc(out, func(a, b *Group) int { return strings.Compare(a.Name, b.Name) })
	return out
}

func (g *Group) clone(name string) *Group {
	c := &Group{Name: name, LastID: g.LastID, EntriesRead: g.EntriesRead, pel: newPEL(), consumers: map[string]*Consumer{}}
	for n, old := range g.consumers {
		c.consumers[n] = &Consumer{Name: n, SeenTime: old.SeenTime, ActiveTime: old.ActiveTime, pel: newPEL()}
	}
	g.pel.Ascend(func(it pelItem) bool {
		p := *it.p
		p.Consumer = c.consumers[it.p.Consumer.Name]
		np := &p
		c.pel.ReplaceOrInsert(pelItem{p.ID, np})
		p.Consumer.pel.ReplaceOrInsert(pelItem{p.ID, np})
		return true
	})
	return c
}

// ---- consumers

// Consumer returns the consumer name, or nil.
func (g *Group) Consumer(name string) *Consumer { return g.consumers[name] }

// ConsumerCount returns the number of consumers.
func (g *Group) ConsumerCount() int { return len(g.consumers) }

// Consumers returns the consumers in name order.
func (g *Group) Consumers() []*Consumer {
	out := make([]*Consumer, 0, len(g.consumers))
	for _, c := range g.consumers {
		out = append(out, c)
	}
	slices.SortFunc(out, func(a, b *Consumer) int { return strings.Compare(a.Name, b.Name) })
	return out
}

// CreateConsumer adds consumer name, seen now and never active, and
// returns it; it returns nil if the consumer exists.
func (s *Stream) CreateConsumer(g *Group, name string, now int64) *Consumer {
	if _, ok := g.consumers[name]; ok {
		return nil
	}
	name = strings.Clone(name)
	c := &Consumer{Name: name, SeenTime: now, ActiveTime: -1, pel: newPEL()}
	g.consumers[name] = c
	s.mem += consumerMem + len(name)
	return c
}

// DelConsumer removes consumer c and its pending entries (from the group
// PEL too) and returns how many pending entries it had.
func (s *Stream) DelConsumer(g *Group, c *Consumer) int {
	n := c.pel.Len()
	c.pel.Ascend(func(it pelItem) bool {
		g.pel.Delete(it)
		return true
	})
	delete(g.consumers, c.Name)
	s.mem -= consumerMem + len(c.Name) + n*pendingMem
	return n
}

// PendingCount returns the number of entries the consumer has pending.
func (c *Consumer) PendingCount() int { return c.pel.Len() }

// AscendPending calls fn for the consumer's pending entries with ID >=
// from, in ID order, until fn returns false.
func (c *Consumer) AscendPending(from ID, fn func(p *Pending) bool) {
	c.pel.AscendGreaterOrEqual(pelItem{id: from}, func(it pelItem) bool { return fn(it.p) })
}

// ---- the group PEL

// PendingCount returns the size of the group's PEL.
func (g *Group) PendingCount() int { return g.pel.Len() }

// PendingBounds returns the smallest and greatest pending IDs.
func (g *Group) PendingBounds() (lo, hi ID, ok bool) {
	a, ok := g.pel.Min()
	if !ok {
		return ID{}, ID{}, false
	}
	b, _ := g.pel.Max()
	return a.id, b.id, true
}

// AscendPending calls fn for the group's pending entries with ID >= from,
// in ID order, until fn returns false. fn must not change the PEL.
func (g *Group) AscendPending(from ID, fn func(p *Pending) bool) {
	g.pel.AscendGreaterOrEqual(pelItem{id: from}, func(it pelItem) bool { return fn(it.p) })
}

// PendingEntry returns the group's pending entry id, or nil.
func (g *Group) PendingEntry(id ID) *Pending {
	it, ok := g.pel.Get(pelItem{id: id})
	if !ok {
		return nil
	}
	return it.p
}

// removePending drops p from the group and its consumer.
func (s *Stream) removePending(g *Group, p *Pending) {
	g.pel.Delete(pelItem{id: p.ID})
	if p.Consumer != nil {
		p.Consumer.pel.Delete(pelItem{id: p.ID})
	}
	s.mem -= pendingMem
}

// assign moves p to consumer c (p may be new and unowned).
func assign(p *Pending, c *Consumer) {
	if p.Consumer == c {
		return
	}
	if p.Consumer != nil {
		p.Consumer.pel.Delete(pelItem{id: p.ID})
	}
	p.Consumer = c
	c.pel.ReplaceOrInsert(pelItem{p.ID, p})
}

// Ack removes id from the group's PEL (XACK) and reports whether it was
// pending.
func (s *Stream) Ack(g *Group, id ID) bool {
	p := g.PendingEntry(id)
	if p == nil {
		return false
	}
	s.removePending(g, p)
	return true
}

// ---- delivery

// ReadNew delivers entries after the ID after to consumer c (XREADGROUP
// with ">", after being the group's last ID), at most count of them (0:
// all), as Redis's streamReplyWithRange does with a group: the group's
// last ID and entries-read counter advance, and unless noack each entry
// enters the PEL with one delivery at now (an entry already pending, after
// XGROUP SETID moved back, is reassigned to c with its count reset to 1).
// fn sees each entry (kv are views, see Range) and its pending entry (nil
// with noack). It returns the number delivered and whether the group's
// last ID moved.
func (s *Stream) ReadNew(g *Group, c *Consumer, after ID, count int, noack bool, now int64, fn func(id ID, kv []string, p *Pending)) (n int, moved bool) {
	start, ok := after.Next()
	if !ok {
		return 0, false
	}
	s.Range(start, MaxID, false, func(id ID, kv []string) bool {
		if g.LastID.Less(id) {
			if g.EntriesRead != InvalidEntriesRead && !s.rangeHasTombstones(id) {
				g.EntriesRead++
			} else if s.entriesAdded != 0 {
				g.EntriesRead = s.EstimateDistance(id)
			}
			g.LastID = id
			moved = true
		}
		var p *Pending
		if !noack {
			p = g.PendingEntry(id)
			if p == nil {
				p = &Pending{ID: id}
				g.pel.ReplaceOrInsert(pelItem{id, p})
				s.mem += pendingMem
			}
			assign(p, c)
			p.DeliveryTime = now
			p.DeliveryCount = 1
			c.ActiveTime = now
		}
		fn(id, kv, p)
		n++
		return count == 0 || n < count
	})
	return n, moved
}

// ReadHistory returns consumer c's own pending entries with IDs greater
// than after (XREADGROUP with an explicit ID), at most count (0: all).
// Each one still in the stream is redelivered: its delivery time becomes
// now and its count grows by one. fn gets nil kv for an entry deleted
// from the stream.
func (s *Stream) ReadHistory(c *Consumer, after ID, count int, now int64, fn func(id ID, kv []string, p *Pending)) int {
	start, ok := after.Next()
	if !ok {
		return 0
	}
	n := 0
	c.AscendPending(start, func(p *Pending) bool {
		if count != 0 && n >= count {
			return false
		}
		kv, ok := s.Get(p.ID)
		if ok {
			p.DeliveryTime = now
			p.DeliveryCount++
		} else {
			kv = nil
		}
		fn(p.ID, kv, p)
		n++
		return true
	})
	return n
}

// ---- claiming

// ClaimArgs are XCLAIM's options, already resolved.
type ClaimArgs struct {
	// MinIdle: skip entries idle for less (ms); 0 claims regardless.
	MinIdle int64
	// DeliveryTime is the delivery time to set (IDLE/TIME, clamped).
	DeliveryTime int64
	// RetryCount sets the delivery count when >= 0 (RETRYCOUNT).
	RetryCount int64
	// Force creates a pending entry for IDs not pending (FORCE).
	Force bool
	// JustID leaves the delivery count alone (JUSTID).
	JustID bool
}

// ClaimResult says what Claim did with one ID.
type ClaimResult uint8

// Claim outcomes.
const (
	ClaimSkipped ClaimResult = iota // not pending (and no FORCE), or not idle enough
	ClaimDeleted                    // pending but gone from the stream: dropped from the PEL
	ClaimOK                         // now owned by the claiming consumer
)

// Claim transfers the pending entry id to consumer c as XCLAIM does and
// returns the outcome with the pending entry concerned (for ClaimDeleted,
// the dropped entry with its previous owner). now is the time snapshot.
func (s *Stream) Claim(g *Group, c *Consumer, id ID, a ClaimArgs, now int64) (ClaimResult, *Pending) {
	p := g.PendingEntry(id)
	if !s.Exists(id) {
		if p != nil {
			s.removePending(g, p)
			return ClaimDeleted, p
		}
		return ClaimSkipped, nil
	}
	if a.Force && p == nil {
		p = &Pending{ID: id, DeliveryTime: now, DeliveryCount: 1}
		g.pel.ReplaceOrInsert(pelItem{id, p})
		s.mem += pendingMem
	}
	if p == nil {
		return ClaimSkipped, nil
	}
	if p.Consumer != nil && a.MinIdle != 0 && now-p.DeliveryTime < a.MinIdle {
		return ClaimSkipped, p
	}
	assign(p, c)
	p.DeliveryTime = a.DeliveryTime
	if a.RetryCount >= 0 {
		p.DeliveryCount = a.RetryCount
	} else if !a.JustID {
		p.DeliveryCount++
	}
	c.ActiveTime = now
	return ClaimOK, p
}

// AutoClaim scans the group's PEL from start as XAUTOCLAIM does,
// inspecting at most count*10 entries and claiming for c (or, for entries
// gone from the stream, dropping) at most count, those idle for at least
// minIdle ms. claimed is called for each claimed entry (kv are views of
// its fields) and deleted for each dropped one. It returns the ID to
// resume from, 0-0 when the scan reached the end.
func (s *Stream) AutoClaim(g *Group, c *Consumer, start ID, count, minIdle int64, justID bool, now int64,
	claimed func(p *Pending, kv []string), deleted func(p *Pending)) ID {
	attempts := count * 10
	cur, eof := start, false
	for attempts > 0 && count > 0 {
		attempts--
		var p *Pending
		g.pel.AscendGreaterOrEqual(pelItem{id: cur}, func(it pelItem) bool {
			p = it.p
			return false
		})
		if p == nil {
			eof = true
			break
		}
		next, ok := p.ID.Next()
		if !ok {
			eof = true // nothing can follow MaxID
		}
		cur = next
		kv, exists := s.Get(p.ID)
		if !exists {
			s.removePending(g, p)
			deleted(p)
			count--
			if eof {
				break
			}
			continue
		}
		if minIdle != 0 && now-p.DeliveryTime < minIdle {
			if eof {
				break
			}
			continue
		}
		assign(p, c)
		p.DeliveryTime = now
		if !justID {
			p.DeliveryCount++
		}
		claimed(p, kv)
		count--
		c.ActiveTime = now
		if eof {
			break
		}
	}
	if eof {
		return ID{}
	}
	var next ID
	found := false
	g.pel.AscendGreaterOrEqual(pelItem{id: cur}, func(it pelItem) bool {
		next, found = it.id, true
		return false
	})
	if !found {
		return ID{}
	}
	return next
}

// ---- entries-read and lag (Redis 7.0+)

// rangeHasTombstones reports whether an entry deleted by XDEL may lie at
// or after start (Redis 7.4.1's streamRangeHasTombstones with no end; a
// greatest tombstone before the first entry counts as none).
func (s *Stream) rangeHasTombstones(start ID) bool {
	if s.length == 0 || s.maxDeletedID.IsZero() {
		return false
	}
	if s.maxDeletedID.Less(s.firstID) {
		return false
	}
	return !s.maxDeletedID.Less(start)
}

// EstimateDistance returns the logical read counter of id: how many
// entries were added up to it, when that can be known; otherwise
// InvalidEntriesRead (Redis 7.4.1's
// streamEstimateDistanceFromFirstEverEntry).
func (s *Stream) EstimateDistance(id ID) int64 {
	if s.entriesAdded == 0 {
		return 0
	}
	if s.length == 0 && id.Compare(s.lastID) < 1 {
		return int64(s.entriesAdded)
	}
	switch id.Compare(s.lastID) {
	case 0:
		return int64(s.entriesAdded)
	case 1:
		return InvalidEntriesRead
	}
	if s.maxDeletedID.IsZero() || s.maxDeletedID.Less(s.firstID) {
		switch id.Compare(s.firstID) {
		case -1:
			return int64(s.entriesAdded - s.length)
		case 0:
			return int64(s.entriesAdded - s.length + 1)
		}
	}
	return InvalidEntriesRead
}

// Lag returns the number of entries the group has yet to read, and false
// when it cannot be known (Redis 7.4.1's streamReplyWithCGLag).
func (s *Stream) Lag(g *Group) (int64, bool) {
	switch {
	case s.entriesAdded == 0:
		return 0, true
	case g.EntriesRead != InvalidEntriesRead && !s.rangeHasTombstones(g.LastID):
		return int64(s.entriesAdded) - g.EntriesRead, true
	}
	er := s.EstimateDistance(g.LastID)
	if er == InvalidEntriesRead {
		return 0, false
	}
	return int64(s.entriesAdded) - er, true
}

// ---- checks

func (g *Group) check(name string) error {
	if g.Name != name {
		return fmt.Errorf("group %q registered as %q", g.Name, name)
	}
	total := 0
	for n, c := range g.consumers {
		if c.Name != n {
			return fmt.Errorf("group %q: consumer %q registered as %q", name, c.Name, n)
		}
		var err error
		c.pel.Ascend(func(it pelItem) bool {
			if it.p.ID != it.id || it.p.Consumer != c {
				err = fmt.Errorf("group %q: consumer %q holds %v owned by someone else", name, n, it.id)
				return false
			}
			if gp := g.PendingEntry(it.id); gp != it.p {
				err = fmt.Errorf("group %q: consumer %q holds %v missing from the group PEL", name, n, it.id)
				return false
			}
			return true
		})
		if err != nil {
			return err
		}
		total += c.pel.Len()
	}
	if total != g.pel.Len() {
		return fmt.Errorf("group %q: PEL has %d entries, consumers %d", name, g.pel.Len(), total)
	}
	var err error
	g.pel.Ascend(func(it pelItem) bool {
		if it.p.Consumer == nil || g.consumers[it.p.Consumer.Name] != it.p.Consumer {
			err = fmt.Errorf("group %q: pending %v has no registered owner", name, it.id)
			return false
		}
		return true
	})
	return err
}

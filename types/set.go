package types

import (
	"encoding/binary"
	"errors"
	"fmt"
	"hash/maphash"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"unsafe"

	"github.com/embedis/embedis/internal/rconv"
)

// The thresholds Redis 7.4 uses to pick a set's encoding (redis.conf
// defaults of set-max-intset-entries, set-max-listpack-entries and
// set-max-listpack-value). SetLimits changes the limits in force.
const (
	// SetMaxIntsetEntries is the most members an intset holds.
	SetMaxIntsetEntries = 512
	// SetMaxListpackEntries is the most members a listpack set holds.
	SetMaxListpackEntries = 128
	// SetMaxListpackValue is the longest member (in bytes) a listpack set
	// holds.
	SetMaxListpackValue = 64
)

type setEncoding uint8

const (
	encIntset setEncoding = iota
	encListpack
	encHashtable
)

// Set is a Redis set value. Like Redis it has three encodings and moves
// between them in one direction only (intset → listpack → hashtable,
// intset → hashtable):
//
//   - intset: only integers (as string2ll reads them), at most 512, kept
//     sorted ascending; membership by binary search.
//   - listpack: at most 128 members of at most 64 bytes each, in insertion
//     order, packed in one byte buffer (a length, then the bytes);
//     membership by a linear scan. Reading a member copies it.
//   - hashtable: anything else; an open-addressing index over a slot array
//     whose slots never move while their member exists, so a slot number is
//     a stable SSCAN position. Add, Remove, Has and Random are O(1)
//     (amortized), like Redis's dict.
//
// The zero value is not usable: create sets with NewSet, NewSetFor or
// NewListpackSet. A Set is not safe for concurrent use; the keyspace's
// shard lock guards it.
type Set struct {
	ints []int64  // intset, ascending
	lp   packed   // listpack: members back to back, insertion order
	ht   *hashSet // hashtable
	lpn  int32    // listpack: member count
	enc  setEncoding
}

// NewSet returns an empty set in the intset encoding (Redis's
// createIntsetObject).
func NewSet() *Set { return &Set{enc: encIntset} }

// NewListpackSet returns an empty set in the listpack encoding.
func NewListpackSet() *Set { return &Set{enc: encListpack} }

// NewSetFor returns an empty set able to hold first, sized for about hint
// members, as Redis's setTypeCreate picks it: an intset when first is an
// integer and hint ≤ set-max-intset-entries (512), else a listpack when
// hint ≤ set-max-listpack-entries (128), else a hashtable.
func NewSetFor(first string, hint int) *Set {
	l := lim()
	if _, ok := rconv.ParseIntString(first); ok && hint <= l.SetMaxIntsetEntries {
		return NewSet()
	}
	if hint <= l.SetMaxListpackEntries {
		return NewListpackSet()
	}
	s := &Set{enc: encHashtable, ht: newHashSet(hint)}
	return s
}

// intsMaxLen is the length of the longest intset member as a string
// (the larger of the extremes', as Redis's maxelelen).
func (s *Set) intsMaxLen() int {
	if len(s.ints) == 0 {
		return 0
	}
	return max(len(strconv.FormatInt(s.ints[0], 10)), len(strconv.FormatInt(s.ints[len(s.ints)-1], 10)))
}

// MaybeConvert converts a compact set to a hashtable when about hint
// members are going to be added and they could not fit (setTypeMaybeConvert,
// called by SADD with its argument count).
func (s *Set) MaybeConvert(hint int) {
	l := lim()
	if (s.enc == encListpack && hint > l.SetMaxListpackEntries) ||
		(s.enc == encIntset && hint > l.SetMaxIntsetEntries) {
		s.toHashtable(hint)
	}
}

// Encoding returns the encoding's name as OBJECT ENCODING reports it:
// "intset", "listpack" or "hashtable".
func (s *Set) Encoding() string {
	switch s.enc {
	case encIntset:
		return "intset"
	case encListpack:
		return "listpack"
	}
	return "hashtable"
}

// IsCompact reports whether the set is an intset or a listpack: SSCAN
// returns such a set whole, with cursor 0.
func (s *Set) IsCompact() bool { return s.enc != encHashtable }

// Len returns the number of members.
func (s *Set) Len() int {
	switch s.enc {
	case encIntset:
		return len(s.ints)
	case encListpack:
		return int(s.lpn)
	}
	return s.ht.live
}

// Has reports whether m is a member.
func (s *Set) Has(m string) bool {
	switch s.enc {
	case encIntset:
		v, ok := rconv.ParseIntString(m)
		if !ok {
			return false
		}
		_, found := slices.BinarySearch(s.ints, v)
		return found
	case encListpack:
		return s.lp.find(m) >= 0
	}
	return s.ht.find(m) >= 0
}

// Add adds m and reports whether it was new, converting the encoding as
// Redis's setTypeAddAux does. The set keeps m (strings are immutable).
func (s *Set) Add(m string) bool { return s.add(m, false) }

// AddCopy is Add for an m that may alias a buffer the caller reuses (a
// server's argument): the set keeps a copy of m when it keeps the string
// itself, so adding a member already present allocates nothing.
func (s *Set) AddCopy(m string) bool { return s.add(m, true) }

// add is Add; with borrowed set, m is cloned before the hashtable keeps it
// (the intset and listpack encodings copy its value or bytes anyway).
func (s *Set) add(m string, borrowed bool) bool {
	switch s.enc {
	case encIntset:
		if v, ok := rconv.ParseIntString(m); ok {
			i, found := slices.BinarySearch(s.ints, v)
			if found {
				return false
			}
			s.ints = slices.Insert(s.ints, i, v)
			if len(s.ints) > lim().SetMaxIntsetEntries {
				s.toHashtable(len(s.ints))
			}
			return true
		}
		// Not an integer: a listpack if it and the integers as strings
		// fit, else a hashtable.
		if l := lim(); len(s.ints) < l.SetMaxListpackEntries && len(m) <= l.SetMaxListpackValue &&
			s.intsMaxLen() <= l.SetMaxListpackValue {
			s.toListpack()
			s.lp = s.lp.add(m)
			s.lpn++
			return true
		}
		s.toHashtable(len(s.ints) + 1)
		s.ht.insert(ownStr(m, borrowed))
		return true
	case encListpack:
		if s.lp.find(m) >= 0 {
			return false
		}
		if l := lim(); int(s.lpn) < l.SetMaxListpackEntries && len(m) <= l.SetMaxListpackValue {
			s.lp = s.lp.add(m)
			s.lpn++
			return true
		}
		s.toHashtable(int(s.lpn) + 1)
	}
	if s.ht.find(m) >= 0 {
		return false
	}
	s.ht.insert(ownStr(m, borrowed))
	return true
}

// ownStr returns m, cloned when borrowed.
func ownStr(m string, borrowed bool) string {
	if borrowed {
		return strings.Clone(m)
	}
	return m
}

// Remove deletes m and reports whether it was a member.
func (s *Set) Remove(m string) bool {
	switch s.enc {
	case encIntset:
		v, ok := rconv.ParseIntString(m)
		if !ok {
			return false
		}
		i, found := slices.BinarySearch(s.ints, v)
		if !found {
			return false
		}
		s.ints = slices.Delete(s.ints, i, i+1)
		return true
	case encListpack:
		p := s.lp.find(m)
		if p < 0 {
			return false
		}
		s.lp = s.lp.del(p)
		s.lpn--
		return true
	}
	return s.ht.remove(m)
}

// Range calls fn for each member in the encoding's native order (ascending
// for an intset, insertion order for a listpack, slot order for a
// hashtable) until fn returns false. fn must not modify the set.
func (s *Set) Range(fn func(m string) bool) {
	switch s.enc {
	case encIntset:
		for _, v := range s.ints {
			if !fn(strconv.FormatInt(v, 10)) {
				return
			}
		}
	case encListpack:
		for p := 0; p < len(s.lp); {
			m, next := s.lp.at(p)
			if !fn(string(m)) {
				return
			}
			p = next
		}
	default:
		s.ht.rangeSlots(0, fn)
	}
}

// Members returns every member in native order (see Range).
func (s *Set) Members() []string {
	out := make([]string, 0, s.Len())
	s.Range(func(m string) bool {
		out = append(out, m)
		return true
	})
	return out
}

// Random returns a uniformly chosen member. The set must not be empty.
func (s *Set) Random() string {
	switch s.enc {
	case encIntset:
		return strconv.FormatInt(s.ints[rand.IntN(len(s.ints))], 10)
	case encListpack:
		m, _ := s.lp.at(s.lp.seek(rand.IntN(int(s.lpn))))
		return string(m)
	}
	return s.ht.slots[s.ht.randomSlot()]
}

// PopRandom removes and returns a uniformly chosen member. The set must
// not be empty.
func (s *Set) PopRandom() string {
	switch s.enc {
	case encIntset:
		i := rand.IntN(len(s.ints))
		v := s.ints[i]
		s.ints = slices.Delete(s.ints, i, i+1)
		return strconv.FormatInt(v, 10)
	case encListpack:
		p := s.lp.seek(rand.IntN(int(s.lpn)))
		b, _ := s.lp.at(p)
		m := string(b)
		s.lp = s.lp.del(p)
		s.lpn--
		return m
	}
	slot := s.ht.randomSlot()
	m := s.ht.slots[slot]
	s.ht.remove(m)
	return m
}

// ConvertToIntset turns the set into an intset when every member is an
// integer and there are at most set-max-intset-entries of them
// (maybeConvertToIntset, used by SINTERSTORE on an all-integer result).
func (s *Set) ConvertToIntset() {
	if s.enc == encIntset || s.Len() > lim().SetMaxIntsetEntries {
		return
	}
	ints := make([]int64, 0, s.Len())
	ok := true
	s.Range(func(m string) bool {
		v, isInt := rconv.ParseIntString(m)
		if !isInt {
			ok = false
			return false
		}
		ints = append(ints, v)
		return true
	})
	if !ok {
		return
	}
	slices.Sort(ints)
	*s = Set{enc: encIntset, ints: ints}
}

// Scan visits part of a hashtable set from cursor and returns the cursor
// to continue from, 0 when the walk is complete; it visits about count
// members (at most 10×count slots). A member present for the whole walk
// is visited at least once. A compact set (IsCompact) is visited whole and
// Scan returns 0. fn must not modify the set.
//
// The cursor holds a slot position and the generation of the slot layout
// (which changes when a mostly empty table is compacted); a cursor from an
// older layout restarts the walk, which may repeat members but misses none.
func (s *Set) Scan(cursor uint64, count int, fn func(m string)) uint64 {
	if s.enc != encHashtable {
		s.Range(func(m string) bool { fn(m); return true })
		return 0
	}
	return s.ht.scan(cursor, count, fn)
}

func (s *Set) toListpack() {
	var lp packed
	n := 0
	s.Range(func(m string) bool {
		lp = lp.add(m)
		n++
		return true
	})
	s.enc, s.lp, s.lpn, s.ints = encListpack, lp, int32(n), nil
}

func (s *Set) toHashtable(capHint int) {
	ht := newHashSet(max(capHint, s.Len()))
	s.Range(func(m string) bool {
		ht.insert(m)
		return true
	})
	*s = Set{enc: encHashtable, ht: ht}
}

// Clone returns a deep copy with the same encoding (for COPY).
func (s *Set) Clone() any {
	c := &Set{enc: s.enc}
	switch s.enc {
	case encIntset:
		c.ints = slices.Clone(s.ints)
	case encListpack:
		c.lp, c.lpn = slices.Clone(s.lp), s.lpn
	default:
		c.ht = s.ht.clone()
	}
	return c
}

// Share reports whether a snapshot may read s in place (see
// keyspace.Sharer): when it is large (reads of a set change nothing in
// it, in every encoding).
func (s *Set) Share() bool { return s.MemUsage() >= ShareMin }

// setOverhead approximates the Set struct and its box in the keyspace.
const setOverhead = int(unsafe.Sizeof(Set{})) + 16

// MemUsage returns an approximate count of the heap bytes the set holds,
// computed in O(1) from the lengths of its arrays and the running total of
// member bytes.
func (s *Set) MemUsage() int {
	switch s.enc {
	case encIntset:
		return setOverhead + 8*cap(s.ints)
	case encListpack:
		return setOverhead + cap(s.lp)
	}
	h := s.ht
	return setOverhead + 64 + 8*cap(h.idx) + 16*cap(h.slots) + 8*cap(h.used) + 4*cap(h.free) + h.bytes
}

// Check verifies the set's invariants: encoding limits, order and
// uniqueness, and for a hashtable the agreement of index, slots, live
// bitmap and free list. It returns the first violation found.
func (s *Set) Check() error {
	switch s.enc {
	case encIntset:
		if len(s.ints) > lim().SetMaxIntsetEntries {
			return fmt.Errorf("intset holds %d > %d members", len(s.ints), lim().SetMaxIntsetEntries)
		}
		for i := 1; i < len(s.ints); i++ {
			if s.ints[i-1] >= s.ints[i] {
				return fmt.Errorf("intset not strictly ascending at %d", i)
			}
		}
		if s.lp != nil || s.ht != nil {
			return errors.New("intset carries data of another encoding")
		}
		return nil
	case encListpack:
		if int(s.lpn) > lim().SetMaxListpackEntries {
			return fmt.Errorf("listpack holds %d > %d members", s.lpn, lim().SetMaxListpackEntries)
		}
		seen := make(map[string]bool, s.lpn)
		count := 0
		for p := 0; p < len(s.lp); {
			b, next := s.lp.at(p)
			if next <= p || next > len(s.lp) {
				return fmt.Errorf("listpack entry at %d runs past the end", p)
			}
			p = next
			count++
			m := string(b)
			if len(m) > lim().SetMaxListpackValue {
				return fmt.Errorf("listpack member of %d bytes", len(m))
			}
			if seen[m] {
				return fmt.Errorf("listpack holds %q twice", m)
			}
			seen[m] = true
		}
		if count != int(s.lpn) {
			return fmt.Errorf("listpack count %d, holds %d", s.lpn, count)
		}
		if s.ints != nil || s.ht != nil {
			return errors.New("listpack carries data of another encoding")
		}
		return nil
	}
	if s.ht == nil {
		return errors.New("hashtable set without a table")
	}
	total, err := s.ht.check()
	if err != nil {
		return err
	}
	if total != s.ht.bytes {
		return fmt.Errorf("hashtable byte count %d, want %d", s.ht.bytes, total)
	}
	return nil
}

// packed holds a listpack set's members back to back, each as a uvarint
// length followed by its bytes: one allocation for the whole set, as
// Redis's listpack. Positions are byte offsets of entries.
type packed []byte

// at returns the member at entry p and the next entry's offset.
func (lp packed) at(p int) ([]byte, int) {
	n, w := binary.Uvarint(lp[p:])
	start := p + w
	return lp[start : start+int(n)], start + int(n)
}

// find returns the offset of m's entry, or -1.
func (lp packed) find(m string) int {
	for p := 0; p < len(lp); {
		b, next := lp.at(p)
		if string(b) == m {
			return p
		}
		p = next
	}
	return -1
}

// seek returns the offset of entry i (0-based, in range).
func (lp packed) seek(i int) int {
	p := 0
	for ; i > 0; i-- {
		_, p = lp.at(p)
	}
	return p
}

// add appends m.
func (lp packed) add(m string) packed {
	lp = binary.AppendUvarint(lp, uint64(len(m)))
	return append(lp, m...)
}

// del removes the entry at p.
func (lp packed) del(p int) packed {
	_, next := lp.at(p)
	return append(lp[:p], lp[next:]...)
}

// hashSet is the hashtable encoding: members live in slots that never move
// while the member exists (freed slots are reused LIFO), found through an
// open-addressing index (linear probing, backward-shift deletion) whose
// words hold the member's 32-bit hash and its slot+1. When three quarters
// of the slots are free the table is compacted and its generation
// (epoch) changes, which SSCAN cursors carry.
type hashSet struct {
	bytes int // total length of the members
	idx   []uint64
	slots []string
	used  []uint64 // bitmap: slot i holds a member
	free  []uint32
	live  int
	epoch uint16
}

var setSeed = maphash.MakeSeed()

func hashMember(m string) uint32 { return uint32(maphash.String(setSeed, m)) }

func newHashSet(hint int) *hashSet {
	h := &hashSet{}
	h.idx = make([]uint64, indexSize(hint))
	if hint > 0 {
		h.slots = make([]string, 0, hint)
	}
	return h
}

// indexSize returns the power-of-two index size for n members at a load
// factor of at most 3/4.
func indexSize(n int) int {
	size := 8
	for n*4 > size*3 {
		size *= 2
	}
	return size
}

func (h *hashSet) isUsed(s uint32) bool { return h.used[s>>6]&(1<<(s&63)) != 0 }

// find returns m's slot, or -1.
func (h *hashSet) find(m string) int {
	hv := hashMember(m)
	mask := uint32(len(h.idx) - 1)
	for i := hv & mask; ; i = (i + 1) & mask {
		w := h.idx[i]
		if w == 0 {
			return -1
		}
		if uint32(w>>32) == hv {
			if s := uint32(w) - 1; h.slots[s] == m {
				return int(s)
			}
		}
	}
}

// insert adds m, known to be absent.
func (h *hashSet) insert(m string) {
	if (h.live+1)*4 > len(h.idx)*3 {
		h.resizeIndex(len(h.idx)*2, nil)
	}
	var s uint32
	if n := len(h.free); n > 0 {
		s = h.free[n-1]
		h.free = h.free[:n-1]
		h.slots[s] = m
	} else {
		s = uint32(len(h.slots))
		h.slots = append(h.slots, m)
		if int(s>>6) >= len(h.used) {
			h.used = append(h.used, 0)
		}
	}
	h.used[s>>6] |= 1 << (s & 63)
	h.place(hashMember(m), s)
	h.live++
	h.bytes += len(m)
}

func (h *hashSet) place(hv, s uint32) {
	mask := uint32(len(h.idx) - 1)
	i := hv & mask
	for h.idx[i] != 0 {
		i = (i + 1) & mask
	}
	h.idx[i] = uint64(hv)<<32 | uint64(s+1)
}

// resizeIndex moves the index words to a new index of size cells, reusing
// the hashes they hold (no member is rehashed); remap, when not nil, gives
// each old slot's new number.
func (h *hashSet) resizeIndex(size int, remap []uint32) {
	old := h.idx
	h.idx = make([]uint64, size)
	for _, w := range old {
		if w == 0 {
			continue
		}
		s := uint32(w) - 1
		if remap != nil {
			s = remap[s]
		}
		h.place(uint32(w>>32), s)
	}
}

// remove deletes m and reports whether it was present.
func (h *hashSet) remove(m string) bool {
	hv := hashMember(m)
	mask := uint32(len(h.idx) - 1)
	i := hv & mask
	var s uint32
	for {
		w := h.idx[i]
		if w == 0 {
			return false
		}
		if uint32(w>>32) == hv && h.slots[uint32(w)-1] == m {
			s = uint32(w) - 1
			break
		}
		i = (i + 1) & mask
	}
	// backward-shift deletion
	for j := i; ; {
		j = (j + 1) & mask
		w := h.idx[j]
		if w == 0 {
			break
		}
		home := uint32(w>>32) & mask
		if (j > i && (home <= i || home > j)) || (j < i && home <= i && home > j) {
			h.idx[i] = w
			i = j
		}
	}
	h.idx[i] = 0
	h.slots[s] = ""
	h.used[s>>6] &^= 1 << (s & 63)
	h.live--
	h.bytes -= len(m)
	h.free = append(h.free, s)
	if len(h.slots) > 64 && h.live*4 < len(h.slots) {
		h.compact()
	}
	return true
}

// compact moves the members to the lowest slots, keeping their order,
// and starts a new generation.
func (h *hashSet) compact() {
	slots := make([]string, 0, max(h.live, 8))
	remap := make([]uint32, len(h.slots))
	for s := range h.slots {
		if h.isUsed(uint32(s)) {
			remap[s] = uint32(len(slots))
			slots = append(slots, h.slots[s])
		}
	}
	h.slots = slots
	h.used = make([]uint64, (len(slots)+63)>>6)
	for s := range slots {
		h.used[s>>6] |= 1 << (s & 63)
	}
	h.free = nil
	h.epoch++
	h.resizeIndex(indexSize(h.live), remap)
}

// randomSlot returns a uniformly chosen live slot. At least a quarter of
// the slots are live (compact keeps it so), so few draws are needed.
func (h *hashSet) randomSlot() uint32 {
	for {
		s := uint32(rand.IntN(len(h.slots)))
		if h.isUsed(s) {
			return s
		}
	}
}

func (h *hashSet) rangeSlots(from int, fn func(m string) bool) {
	for s := from; s < len(h.slots); s++ {
		if h.isUsed(uint32(s)) && !fn(h.slots[s]) {
			return
		}
	}
}

// Cursor layout: bits 0-39 the next slot, bits 40-55 the generation.
const (
	cursorSlotBits = 40
	cursorSlotMask = 1<<cursorSlotBits - 1
)

func (h *hashSet) scan(cursor uint64, count int, fn func(m string)) uint64 {
	if count < 1 {
		count = 1
	}
	slot := cursor & cursorSlotMask
	if uint16(cursor>>cursorSlotBits) != h.epoch {
		slot = 0 // the layout changed since the cursor was handed out
	}
	found, visited := 0, 0
	s := int(min(slot, uint64(len(h.slots))))
	for ; s < len(h.slots) && found < count && visited < count*10; s++ {
		visited++
		if h.isUsed(uint32(s)) {
			fn(h.slots[s])
			found++
		}
	}
	if s >= len(h.slots) {
		return 0
	}
	return uint64(h.epoch)<<cursorSlotBits | uint64(s)
}

func (h *hashSet) clone() *hashSet {
	return &hashSet{
		idx:   slices.Clone(h.idx),
		slots: slices.Clone(h.slots),
		used:  slices.Clone(h.used),
		free:  slices.Clone(h.free),
		live:  h.live,
		epoch: h.epoch,
		bytes: h.bytes,
	}
}

// check verifies the table and returns the total member bytes.
func (h *hashSet) check() (int, error) {
	if len(h.idx) == 0 || len(h.idx)&(len(h.idx)-1) != 0 {
		return 0, fmt.Errorf("index size %d is not a power of two", len(h.idx))
	}
	if h.live*4 > len(h.idx)*3 {
		return 0, fmt.Errorf("index overloaded: %d members in %d cells", h.live, len(h.idx))
	}
	if len(h.used) != (len(h.slots)+63)>>6 {
		return 0, fmt.Errorf("bitmap of %d words for %d slots", len(h.used), len(h.slots))
	}
	live, total := 0, 0
	seen := make(map[string]bool, h.live)
	for s := range h.slots {
		if !h.isUsed(uint32(s)) {
			if h.slots[s] != "" {
				return 0, fmt.Errorf("free slot %d keeps %q", s, h.slots[s])
			}
			continue
		}
		m := h.slots[s]
		if seen[m] {
			return 0, fmt.Errorf("member %q held twice", m)
		}
		seen[m] = true
		live++
		total += len(m)
		if h.find(m) != s {
			return 0, fmt.Errorf("member %q in slot %d not found through the index", m, s)
		}
	}
	for w := len(h.slots); w < len(h.used)*64; w++ {
		if h.isUsed(uint32(w)) {
			return 0, fmt.Errorf("bitmap marks slot %d past the end", w)
		}
	}
	if live != h.live {
		return 0, fmt.Errorf("live count %d, slots hold %d", h.live, live)
	}
	cells := 0
	for _, w := range h.idx {
		if w != 0 {
			cells++
			if s := uint32(w) - 1; int(s) >= len(h.slots) || !h.isUsed(s) {
				return 0, fmt.Errorf("index points at free slot %d", s)
			}
		}
	}
	if cells != h.live {
		return 0, fmt.Errorf("index holds %d entries for %d members", cells, h.live)
	}
	freeSeen := make(map[uint32]bool, len(h.free))
	for _, f := range h.free {
		if int(f) >= len(h.slots) || h.isUsed(f) || freeSeen[f] {
			return 0, fmt.Errorf("bad free-list slot %d", f)
		}
		freeSeen[f] = true
	}
	if len(h.free)+h.live != len(h.slots) {
		return 0, fmt.Errorf("%d free + %d live != %d slots", len(h.free), h.live, len(h.slots))
	}
	return total, nil
}

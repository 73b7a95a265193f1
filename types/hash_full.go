package types

import (
	"errors"
	"fmt"
	"hash/maphash"
	"math/rand/v2"
	"unsafe"
)

// hashFull is the general layout of a Hash, used once a hash leaves the
// compact form (see Hash): fields with string values, each field with an
// optional absolute expiry (Redis 7.4 hash-field expiration).
//
// # Layout
//
// Fields live in one dense slice of 24-byte entries. An entry holds a
// single string with the field's name followed by its value (one
// allocation per field), the name's length and the name's 32-bit hash.
// Expiry times, when any field has one, are a parallel []int64 (absent
// otherwise, so hashes without field TTLs pay nothing for the feature).
//
// A small hash (at most hash-max-listpack-entries fields, names and values
// of at most hash-max-listpack-value bytes; in practice a listpackex, since
// a plain listpack stays compact) keeps its entries in the order a
// Redis listpack would: insertion order, and, once fields have TTLs
// (listpackex), ordered by expiry time with the fields without a TTL last.
// HGETALL, HKEYS, HVALS and HSCAN of a small hash therefore list fields in
// exactly the order Redis does. Lookups scan the entries comparing stored
// hashes first, like Redis's linear listpack search but over fixed-size
// records; expired fields are always a prefix, so reclaiming them is a
// single slice shift.
//
// A large hash adds an open-addressing index (linear probing,
// backward-shift deletion) of 64-bit words, hash<<32 | slot+1, over the
// dense slice, and deletes by moving the last entry into the hole. That
// gives O(1) lookups, inserts, deletes and uniform random fields
// (HRANDFIELD) with about 35 bytes of overhead per field plus the field
// and value bytes. Fields with a TTL are also referenced from a lazy
// min-heap of (expiry, slot) items: an item is current when the slot
// still holds that expiry; stale items (the field's TTL changed, or it
// moved) are skipped when popped and the heap is rebuilt when more than
// half of it is stale, so finding the expired fields costs O(k log n).
//
// # Scanning
//
// Small hashes return every field in one call with cursor 0, as Redis does
// for listpacks. A large hash is scanned from the last slot down: the
// cursor c means "slots below c remain". Deleting a field only moves the
// last entry down to a lower slot, never up, so a field present during the
// whole scan cannot be skipped (it may be returned twice, which SCAN
// allows), and fields added during the scan land above the cursor.
//
// # Expiry
//
// hashFull stores expiry times but never decides by itself that a field is
// gone: the caller passes its time snapshot where it matters. A field with
// expiry at is logically expired at time now when at < now, as in Redis
// (a field expiring exactly now is still alive).
//
// Strings returned by its methods are immutable and safe to keep.
type hashFull struct {
	ents  []hentry
	exp   []int64     // expiry per entry (unix ms, 0 = none); nil when nttl == 0
	idx   []uint64    // large hashes: index words hash<<32 | slot+1; nil when small
	heap  []hfTTLItem // large hashes: lazy min-heap over exp
	nttl  int         // entries with an expiry
	data  int         // bytes of field names and values
	ex    bool        // a field-expiry command touched it while small (listpackex)
	large bool
}

// hentry is one field: kv holds the name (kv[:flen]) then the value.
type hentry struct {
	kv   string
	flen uint32
	hash uint32
}

func (e *hentry) name() string  { return e.kv[:e.flen] }
func (e *hentry) value() string { return e.kv[e.flen:] }

type hfTTLItem struct {
	at   int64
	slot uint32
}

var hfSeed = maphash.MakeSeed()

func hfHash(s string) uint32 { return uint32(maphash.String(hfSeed, s)) }

// newHEntry copies field and value into one new string. (field + value is
// not enough: Go returns the other operand itself when one is empty, and
// the caller's strings may alias a buffer that is about to be reused.)
func newHEntry(field, value string, h uint32) hentry {
	b := make([]byte, len(field)+len(value))
	copy(b[copy(b, field):], value)
	return hentry{kv: unsafe.String(unsafe.SliceData(b), len(b)), flen: uint32(len(field)), hash: h}
}

// Len returns the number of fields, counting fields that expired but were
// not reclaimed yet (what HLEN reports in Redis 7.4).
func (h *hashFull) Len() int { return len(h.ents) }

// LiveLen returns the number of fields alive at time now.
func (h *hashFull) LiveLen(now int64) int {
	if h.nttl == 0 {
		return len(h.ents)
	}
	n := 0
	for _, at := range h.exp {
		if at == 0 || at >= now {
			n++
		}
	}
	return n
}

// TTLCount returns how many fields have an expiry.
func (h *hashFull) TTLCount() int { return h.nttl }

// Encoding returns the name Redis's OBJECT ENCODING gives the hash:
// "listpack", "listpackex" (small, and a field-expiry command has run on
// it), or "hashtable".
func (h *hashFull) Encoding() string {
	switch {
	case h.large:
		return "hashtable"
	case h.ex:
		return "listpackex"
	}
	return "listpack"
}

// PrepareTTL records that a field-expiry command (HEXPIRE and friends) ran
// on the hash. Redis converts a listpack hash to listpackex at that point,
// whether or not a field gets a TTL, and never converts it back.
func (h *hashFull) PrepareTTL() {
	if !h.large {
		h.ex = true
	}
}

// find returns the slot of field, or -1.
func (h *hashFull) find(field string) int {
	hv := hfHash(field)
	if !h.large {
		for i := range h.ents {
			if h.ents[i].hash == hv && h.ents[i].name() == field {
				return i
			}
		}
		return -1
	}
	_, s := h.lookupIdx(field, hv)
	return s
}

func (h *hashFull) expAt(i int) int64 {
	if h.exp == nil {
		return 0
	}
	return h.exp[i]
}

// Get returns field's value and expiry (0 when it has none). It does not
// look at the expiry: a field that is logically expired is still found.
func (h *hashFull) Get(field string) (value string, expireAt int64, ok bool) {
	i := h.find(field)
	if i < 0 {
		return "", 0, false
	}
	return h.ents[i].value(), h.expAt(i), true
}

// At returns the field in slot i (0 <= i < Len()).
func (h *hashFull) At(i int) (field, value string, expireAt int64) {
	e := &h.ents[i]
	return e.name(), e.value(), h.expAt(i)
}

// hashFits reports whether a field and value may live in a small hash.
func hashFits(l *Limits, field, value string) bool {
	return len(field) <= l.HashMaxListpackValue && len(value) <= l.HashMaxListpackValue
}

// Set stores value in field as HSET does and reports whether the field is
// new. Overwriting a field removes its expiry (a field that expired but
// was not reclaimed counts as existing, as in Redis 7.4). Both strings are
// copied.
func (h *hashFull) Set(field, value string) bool { return h.set(field, value, false) }

// SetKeepTTL stores value in field as HINCRBY does: an existing field
// keeps its expiry. It reports whether the field is new.
func (h *hashFull) SetKeepTTL(field, value string) bool { return h.set(field, value, true) }

func (h *hashFull) set(field, value string, keepTTL bool) bool {
	l := lim()
	if !h.large && !hashFits(l, field, value) {
		h.convert()
	}
	hv := hfHash(field)
	var i int
	if h.large {
		_, i = h.lookupIdx(field, hv)
	} else {
		i = -1
		for j := range h.ents {
			if h.ents[j].hash == hv && h.ents[j].name() == field {
				i = j
				break
			}
		}
	}
	if i < 0 {
		h.appendEntry(newHEntry(field, value, hv), 0)
		if h.large {
			h.insertIdx(hv, uint32(len(h.ents)-1))
		} else if len(h.ents) > l.HashMaxListpackEntries {
			h.convert()
		}
		return true
	}
	e := &h.ents[i]
	h.data += len(value) - len(e.value())
	ne := newHEntry(e.name(), value, hv)
	if keepTTL || h.expAt(i) == 0 {
		*e = ne
		return false
	}
	// Overwriting clears the TTL; a listpackex moves the field to the end.
	if h.large {
		*e = ne
		h.clearExp(i)
		return false
	}
	h.removeAt(i)
	h.nttl--
	h.dropExpIfNone()
	h.ents = append(h.ents, ne)
	if h.exp != nil {
		h.exp = append(h.exp, 0)
	}
	return false
}

// Reserve prepares for a command that sets n fields. Like Redis's
// hashTypeTryConversion, a small hash converts to the large layout up front
// when n alone exceeds hash-max-listpack-entries (even if some of the fields
// repeat or exist), and the large index is sized for n more fields.
func (h *hashFull) Reserve(n int) {
	if !h.large && n > lim().HashMaxListpackEntries {
		h.convert()
	}
	if h.large && (len(h.ents)+n)*4 > len(h.idx)*3 {
		size := len(h.idx)
		for size*3 < (len(h.ents)+n)*4 {
			size *= 2
		}
		h.resizeIdx(size)
	}
}

// appendEntry adds e at the end with expiry at (small or large).
func (h *hashFull) appendEntry(e hentry, at int64) {
	h.ents = append(h.ents, e)
	h.data += len(e.kv)
	if h.exp != nil {
		h.exp = append(h.exp, at)
	}
}

// removeAt deletes slot i of a small hash, shifting later fields down. It
// does not adjust data or nttl (callers decide); it returns the entry and
// its expiry.
func (h *hashFull) removeAt(i int) (hentry, int64) {
	e := h.ents[i]
	copy(h.ents[i:], h.ents[i+1:])
	h.ents[len(h.ents)-1] = hentry{}
	h.ents = h.ents[:len(h.ents)-1]
	var at int64
	if h.exp != nil {
		at = h.exp[i]
		copy(h.exp[i:], h.exp[i+1:])
		h.exp = h.exp[:len(h.exp)-1]
	}
	return e, at
}

// insertSorted puts e with expiry at into a small hash at the position a
// listpackex gives it: before the first field without a TTL or with a TTL
// not below at.
func (h *hashFull) insertSorted(e hentry, at int64) {
	if h.exp == nil {
		h.exp = make([]int64, len(h.ents), cap(h.ents))
	}
	j := 0
	for j < len(h.exp) && h.exp[j] != 0 && h.exp[j] < at {
		j++
	}
	h.ents = append(h.ents, hentry{})
	copy(h.ents[j+1:], h.ents[j:])
	h.ents[j] = e
	h.exp = append(h.exp, 0)
	copy(h.exp[j+1:], h.exp[j:])
	h.exp[j] = at
}

// dropExpIfNone releases the expiry slice (and heap) once no field has a
// TTL.
func (h *hashFull) dropExpIfNone() {
	if h.nttl == 0 {
		h.exp = nil
		h.heap = nil
	}
}

// clearExp removes slot i's expiry in a large hash.
func (h *hashFull) clearExp(i int) {
	if h.exp == nil || h.exp[i] == 0 {
		return
	}
	h.exp[i] = 0
	h.nttl--
	h.dropExpIfNone()
}

// Delete removes field and reports whether it existed (expired or not).
func (h *hashFull) Delete(field string) bool {
	i := h.find(field)
	if i < 0 {
		return false
	}
	h.deleteSlot(i)
	return true
}

func (h *hashFull) deleteSlot(i int) {
	h.data -= len(h.ents[i].kv)
	if h.expAt(i) != 0 {
		h.nttl--
	}
	if !h.large {
		h.removeAt(i)
		h.dropExpIfNone()
		return
	}
	last := len(h.ents) - 1
	h.removeIdx(h.ents[i].hash, uint32(i))
	if i != last {
		moved := h.ents[last]
		h.repointIdx(moved.hash, uint32(last), uint32(i))
		h.ents[i] = moved
		if h.exp != nil {
			h.exp[i] = h.exp[last]
			if at := h.exp[i]; at != 0 {
				h.pushHeap(hfTTLItem{at: at, slot: uint32(i)})
			}
		}
	}
	h.ents[last] = hentry{}
	h.ents = h.ents[:last]
	if h.exp != nil {
		h.exp = h.exp[:last]
	}
	h.dropExpIfNone()
	h.maybeShrink()
}

// SetExpire gives field the absolute expiry at (unix ms, > 0) and reports
// whether the field exists. A small hash with TTLs keeps its fields
// ordered by expiry, as a listpackex does.
func (h *hashFull) SetExpire(field string, at int64) bool {
	i := h.find(field)
	if i < 0 {
		return false
	}
	if at <= 0 {
		panic("types: Hash.SetExpire with a non-positive time")
	}
	if h.expAt(i) == 0 {
		h.nttl++
	}
	if !h.large {
		h.ex = true
		e, _ := h.removeAt(i)
		h.insertSorted(e, at)
		return true
	}
	if h.exp == nil {
		h.exp = make([]int64, len(h.ents), cap(h.ents))
	}
	h.exp[i] = at
	h.pushHeap(hfTTLItem{at: at, slot: uint32(i)})
	return true
}

// Persist removes field's expiry. It reports whether the field had one.
func (h *hashFull) Persist(field string) bool {
	i := h.find(field)
	if i < 0 || h.expAt(i) == 0 {
		return false
	}
	if h.large {
		h.clearExp(i)
		return true
	}
	e, _ := h.removeAt(i)
	h.nttl--
	h.dropExpIfNone()
	h.ents = append(h.ents, e)
	if h.exp != nil {
		h.exp = append(h.exp, 0)
	}
	return true
}

// NextExpiry returns the earliest field expiry, or 0 when no field has one.
func (h *hashFull) NextExpiry() int64 {
	if h.nttl == 0 {
		return 0
	}
	if !h.large {
		return h.exp[0] // sorted: the first field expires first
	}
	h.dropStaleTop()
	return h.heap[0].at
}

// ExpireFields reclaims fields whose expiry is before now, earliest first,
// at most max of them (max <= 0: all), calling fn with each removed
// field's name. It returns how many it removed.
func (h *hashFull) ExpireFields(now int64, max int, fn func(field string)) int {
	if h.nttl == 0 {
		return 0
	}
	n := 0
	if !h.large {
		for n < len(h.exp) && h.exp[n] != 0 && h.exp[n] < now && (max <= 0 || n < max) {
			n++
		}
		if n == 0 {
			return 0
		}
		for i := 0; i < n; i++ {
			h.data -= len(h.ents[i].kv)
			if fn != nil {
				fn(h.ents[i].name())
			}
		}
		rest := copy(h.ents, h.ents[n:])
		clear(h.ents[rest:])
		h.ents = h.ents[:rest]
		copy(h.exp, h.exp[n:])
		h.exp = h.exp[:rest]
		h.nttl -= n
		h.dropExpIfNone()
		return n
	}
	for h.nttl > 0 && (max <= 0 || n < max) {
		h.dropStaleTop()
		top := h.heap[0]
		if top.at >= now {
			break
		}
		h.popHeap()
		name := h.ents[top.slot].name()
		h.deleteSlot(int(top.slot))
		if fn != nil {
			fn(name)
		}
		n++
	}
	return n
}

// Range calls fn for each field alive at time now (now 0: every field), in
// the hash's order, until fn returns false. fn must not modify the hash.
func (h *hashFull) Range(now int64, fn func(field, value string) bool) {
	for i := range h.ents {
		if h.exp != nil && h.exp[i] != 0 && h.exp[i] < now {
			continue
		}
		if !fn(h.ents[i].name(), h.ents[i].value()) {
			return
		}
	}
}

// RandomSlot returns a uniformly random slot (the hash must not be empty).
func (h *hashFull) RandomSlot() int { return rand.IntN(len(h.ents)) }

// SampleSlots returns k distinct random slots, 0 < k < Len(). A small hash
// returns them in field order (as Redis's listpack sampling does); a large
// one in random order.
func (h *hashFull) SampleSlots(k int) []int {
	n := len(h.ents)
	if !h.large {
		return sampleInOrder(n, k)
	}
	out := make([]int, 0, k)
	if k*3 > n {
		perm := make([]int32, n)
		for i := range perm {
			perm[i] = int32(i)
		}
		for i := 0; i < k; i++ {
			j := i + rand.IntN(n-i)
			perm[i], perm[j] = perm[j], perm[i]
			out = append(out, int(perm[i]))
		}
		return out
	}
	// Floyd's algorithm: k distinct values of [0, n) in O(k)
	seen := make(map[int]struct{}, k)
	for j := n - k; j < n; j++ {
		t := rand.IntN(j + 1)
		if _, dup := seen[t]; dup {
			t = j
		}
		seen[t] = struct{}{}
		out = append(out, t)
	}
	rand.Shuffle(len(out), func(a, b int) { out[a], out[b] = out[b], out[a] })
	return out
}

// Scan visits fields for HSCAN and returns the cursor to continue from (0
// when done). A small hash visits every field and returns 0. A large hash
// visits about count slots from cursor down (see the type's doc for the
// guarantee). fn sees expired fields too; the caller filters.
func (h *hashFull) Scan(cursor uint64, count int, fn func(field, value string, expireAt int64)) uint64 {
	if !h.large {
		for i := range h.ents {
			fn(h.ents[i].name(), h.ents[i].value(), h.expAt(i))
		}
		return 0
	}
	if count < 1 {
		count = 1
	}
	c := cursor
	if n := uint64(len(h.ents)); c == 0 || c > n {
		c = n
	}
	for ; c > 0 && count > 0; count-- {
		c--
		e := &h.ents[c]
		fn(e.name(), e.value(), h.expAt(int(c)))
	}
	return c
}

// clone returns a deep copy. Names and values are shared: they are
// immutable.
func (h *hashFull) clone() *hashFull {
	c := *h
	c.ents = append([]hentry(nil), h.ents...)
	if h.exp != nil {
		c.exp = append(make([]int64, 0, len(h.exp)), h.exp...)
	}
	if h.idx != nil {
		c.idx = append([]uint64(nil), h.idx...)
	}
	if h.heap != nil {
		c.heap = append([]hfTTLItem(nil), h.heap...)
	}
	return &c
}

// MemUsage returns an estimate of the bytes the hash holds on the Go heap.
func (h *hashFull) MemUsage() int {
	return int(unsafe.Sizeof(*h)) + h.data + cap(h.ents)*int(unsafe.Sizeof(hentry{})) +
		cap(h.exp)*8 + len(h.idx)*8 + cap(h.heap)*int(unsafe.Sizeof(hfTTLItem{}))
}

// convert turns a small hash into a large one (Redis's listpack to
// hashtable conversion). It never goes back.
func (h *hashFull) convert() {
	if h.large {
		return
	}
	h.large, h.ex = true, false
	n := 8
	for n*3 < (len(h.ents)+1)*4 {
		n *= 2
	}
	h.idx = make([]uint64, n)
	for i := range h.ents {
		h.insertIdx(h.ents[i].hash, uint32(i))
	}
	h.rebuildHeap()
}

// index (large hashes)

func (h *hashFull) lookupIdx(field string, hv uint32) (pos, slot int) {
	mask := uint32(len(h.idx) - 1)
	for i := hv & mask; ; i = (i + 1) & mask {
		w := h.idx[i]
		if w == 0 {
			return int(i), -1
		}
		if uint32(w>>32) == hv {
			if s := uint32(w) - 1; h.ents[s].name() == field {
				return int(i), int(s)
			}
		}
	}
}

func (h *hashFull) insertIdx(hv, slot uint32) {
	if (len(h.ents)+1)*4 > len(h.idx)*3 {
		h.resizeIdx(len(h.idx) * 2)
	}
	mask := uint32(len(h.idx) - 1)
	i := hv & mask
	for h.idx[i] != 0 {
		i = (i + 1) & mask
	}
	h.idx[i] = uint64(hv)<<32 | uint64(slot+1)
}

func (h *hashFull) resizeIdx(n int) {
	old := h.idx
	h.idx = make([]uint64, n)
	mask := uint32(n - 1)
	for _, w := range old {
		if w == 0 {
			continue
		}
		i := uint32(w>>32) & mask
		for h.idx[i] != 0 {
			i = (i + 1) & mask
		}
		h.idx[i] = w
	}
}

// posOf finds the index cell that points at slot.
func (h *hashFull) posOf(hv, slot uint32) uint32 {
	mask := uint32(len(h.idx) - 1)
	want := uint64(hv)<<32 | uint64(slot+1)
	for i := hv & mask; ; i = (i + 1) & mask {
		if h.idx[i] == want {
			return i
		}
	}
}

func (h *hashFull) repointIdx(hv, from, to uint32) {
	h.idx[h.posOf(hv, from)] = uint64(hv)<<32 | uint64(to+1)
}

// removeIdx deletes slot's cell with backward-shift deletion.
func (h *hashFull) removeIdx(hv, slot uint32) {
	mask := uint32(len(h.idx) - 1)
	i := h.posOf(hv, slot)
	j := i
	for {
		j = (j + 1) & mask
		w := h.idx[j]
		if w == 0 {
			break
		}
		home := uint32(w>>32) & mask
		// move w into the hole at i unless its home lies in (i, j]
		if (j > i && (home <= i || home > j)) || (j < i && home <= i && home > j) {
			h.idx[i] = w
			i = j
		}
	}
	h.idx[i] = 0
}

// maybeShrink gives memory back after a large hash lost most fields.
func (h *hashFull) maybeShrink() {
	n := len(h.ents)
	if len(h.idx) > 64 && n*16 < len(h.idx) {
		size := 8
		for size*3 < (n+1)*4 {
			size *= 2
		}
		h.resizeIdx(size)
	}
	if cap(h.ents) > 64 && n*4 < cap(h.ents) {
		h.ents = append(make([]hentry, 0, n*2), h.ents...)
		if h.exp != nil {
			h.exp = append(make([]int64, 0, n*2), h.exp...)
		}
	}
}

// heap (large hashes)

func (h *hashFull) pushHeap(it hfTTLItem) {
	if len(h.heap) > 2*h.nttl+64 {
		h.rebuildHeap()
		if h.exp != nil && h.exp[it.slot] == it.at {
			return // the rebuild included it
		}
	}
	h.heap = append(h.heap, it)
	h.up(len(h.heap) - 1)
}

func (h *hashFull) current(it hfTTLItem) bool {
	return h.exp != nil && int(it.slot) < len(h.exp) && h.exp[it.slot] == it.at
}

// dropStaleTop pops stale items until the top is current. nttl > 0.
func (h *hashFull) dropStaleTop() {
	for !h.current(h.heap[0]) {
		h.popHeap()
	}
}

func (h *hashFull) popHeap() {
	n := len(h.heap) - 1
	h.heap[0] = h.heap[n]
	h.heap = h.heap[:n]
	if n > 0 {
		h.down(0)
	}
}

func (h *hashFull) rebuildHeap() {
	h.heap = h.heap[:0]
	if h.nttl == 0 {
		h.heap = nil
		return
	}
	for i, at := range h.exp {
		if at != 0 {
			h.heap = append(h.heap, hfTTLItem{at: at, slot: uint32(i)})
		}
	}
	for i := len(h.heap)/2 - 1; i >= 0; i-- {
		h.down(i)
	}
}

func (h *hashFull) up(i int) {
	for i > 0 {
		p := (i - 1) / 2
		if h.heap[p].at <= h.heap[i].at {
			return
		}
		h.heap[p], h.heap[i] = h.heap[i], h.heap[p]
		i = p
	}
}

func (h *hashFull) down(i int) {
	n := len(h.heap)
	for {
		l := 2*i + 1
		if l >= n {
			return
		}
		m := l
		if r := l + 1; r < n && h.heap[r].at < h.heap[l].at {
			m = r
		}
		if h.heap[i].at <= h.heap[m].at {
			return
		}
		h.heap[i], h.heap[m] = h.heap[m], h.heap[i]
		i = m
	}
}

// Check verifies the hash's invariants and returns the first violation.
func (h *hashFull) Check() error {
	n := len(h.ents)
	seen := make(map[string]bool, n)
	data, nttl := 0, 0
	for i := range h.ents {
		e := &h.ents[i]
		if int(e.flen) > len(e.kv) {
			return fmt.Errorf("slot %d: name length %d beyond %d bytes", i, e.flen, len(e.kv))
		}
		if e.hash != hfHash(e.name()) {
			return fmt.Errorf("slot %d (%q): stale hash", i, e.name())
		}
		if seen[e.name()] {
			return fmt.Errorf("field %q appears twice", e.name())
		}
		seen[e.name()] = true
		data += len(e.kv)
		if !h.large && !hashFits(lim(), e.name(), e.value()) {
			return fmt.Errorf("small hash holds oversized field %q", e.name())
		}
		if at := h.expAt(i); at < 0 {
			return fmt.Errorf("field %q: negative expiry %d", e.name(), at)
		} else if at != 0 {
			nttl++
		}
	}
	if data != h.data {
		return fmt.Errorf("data bytes %d, counted %d", h.data, data)
	}
	if nttl != h.nttl {
		return fmt.Errorf("nttl %d, counted %d", h.nttl, nttl)
	}
	if (h.exp == nil) != (nttl == 0) || (h.exp != nil && len(h.exp) != n) {
		return fmt.Errorf("expiry slice: %d entries for %d fields with %d TTLs", len(h.exp), n, nttl)
	}
	if !h.large {
		if h.idx != nil || h.heap != nil {
			return errors.New("small hash has an index or a heap")
		}
		if n > lim().HashMaxListpackEntries {
			return fmt.Errorf("small hash with %d fields", n)
		}
		if nttl > 0 && !h.ex {
			return errors.New("small hash with TTLs is not listpackex")
		}
		// listpackex order: TTLs ascending, then the fields without one
		for i := 1; i < len(h.exp); i++ {
			a, b := h.exp[i-1], h.exp[i]
			if (a == 0 && b != 0) || (b != 0 && b < a) {
				return fmt.Errorf("expiry order broken at slot %d: %d then %d", i, a, b)
			}
		}
		return nil
	}
	if h.ex {
		return errors.New("large hash marked listpackex")
	}
	if len(h.idx) == 0 || len(h.idx)&(len(h.idx)-1) != 0 || n*4 > len(h.idx)*3 {
		return fmt.Errorf("index size %d for %d fields", len(h.idx), n)
	}
	cells := 0
	for pos, w := range h.idx {
		if w == 0 {
			continue
		}
		cells++
		s := int(uint32(w)) - 1
		if s < 0 || s >= n {
			return fmt.Errorf("index cell %d points at slot %d of %d", pos, s, n)
		}
		if p, got := h.lookupIdx(h.ents[s].name(), h.ents[s].hash); got != s {
			return fmt.Errorf("field %q in slot %d found at slot %d (cell %d)", h.ents[s].name(), s, got, p)
		}
	}
	if cells != n {
		return fmt.Errorf("index has %d cells for %d fields", cells, n)
	}
	covered := make(map[uint32]bool, nttl)
	for i, it := range h.heap {
		if i > 0 && h.heap[(i-1)/2].at > it.at {
			return fmt.Errorf("heap order broken at %d", i)
		}
		if h.current(it) {
			covered[it.slot] = true
		}
	}
	for i, at := range h.exp {
		if at != 0 && !covered[uint32(i)] {
			return fmt.Errorf("field %q with expiry %d has no heap item", h.ents[i].name(), at)
		}
	}
	return nil
}

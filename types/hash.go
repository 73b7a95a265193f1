package types

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math/rand/v2"
	"unsafe"
)

// Redis's default encoding thresholds for hashes (redis.conf and config.c
// of 7.4: hash-max-listpack-entries 512, hash-max-listpack-value 64). A
// hash stays "small" (Redis's listpack encoding) while it has at most
// hash-max-listpack-entries fields and every field name and value has at
// most hash-max-listpack-value bytes; past either limit it converts, once
// and for good, to the "large" (hashtable) layout. SetLimits changes the
// limits in force; these are the defaults.
const (
	HashMaxListpackEntries = 512
	HashMaxListpackValue   = 64
)

// Hash is the value of a Redis hash: fields with string values, each field
// with an optional absolute expiry (Redis 7.4 hash-field expiration).
//
// # Encodings
//
// A hash starts compact, as Redis's listpack: one byte buffer holding the
// fields in insertion order, each as the lengths of its name and value
// (uvarints) followed by the name and the value, then an offset table
// (see pack.go). That costs the name and value bytes plus four or five
// bytes per field, in one allocation for the whole hash. Lookups scan the
// entries through the offset table, as Redis's listpack search scans its
// entries, and writes move the tail as Redis does. Reads return strings
// that alias the buffer without copying; once a buffer has handed out
// strings its entries never change again (the next write other than an
// append makes a new buffer), so they stay immutable.
//
// The hash leaves the compact form, for good, when it passes
// hash-max-listpack-entries fields or gets a name or value longer than
// hash-max-listpack-value bytes (Redis's conversion to "hashtable"), or
// when a field-expiry command runs on it (Redis's "listpackex"). It then
// uses the general layout (hashFull), which keeps the listpackex order
// while small and adds an index past the limits.
//
// # Expiry
//
// Hash stores expiry times but never decides by itself that a field is
// gone: the caller passes its time snapshot where it matters. A field with
// expiry at is logically expired at time now when at < now, as in Redis
// (a field expiring exactly now is still alive).
//
// A Hash is not safe for concurrent use; the keyspace shard lock guards
// it. Strings returned by its methods are immutable and safe to keep.
type Hash struct {
	lp   []byte    // compact form (full == nil; nil when empty): see pack.go
	full *hashFull // general layout; nil while compact
}

// NewHash returns an empty hash.
func NewHash() *Hash { return &Hash{} }

// Len returns the number of fields, counting fields that expired but were
// not reclaimed yet (what HLEN reports in Redis 7.4).
func (h *Hash) Len() int {
	if h.full != nil {
		return h.full.Len()
	}
	return packCount(h.lp)
}

// LiveLen returns the number of fields alive at time now.
func (h *Hash) LiveLen(now int64) int {
	if h.full != nil {
		return h.full.LiveLen(now)
	}
	return packCount(h.lp)
}

// TTLCount returns how many fields have an expiry.
func (h *Hash) TTLCount() int {
	if h.full != nil {
		return h.full.nttl
	}
	return 0
}

// Encoding returns the name Redis's OBJECT ENCODING gives the hash:
// "listpack", "listpackex" (small, and a field-expiry command has run on
// it), or "hashtable".
func (h *Hash) Encoding() string {
	if h.full != nil {
		return h.full.Encoding()
	}
	return "listpack"
}

// IsCompact reports whether the hash is in the compact one-buffer form.
func (h *Hash) IsCompact() bool { return h.full == nil }

// PrepareTTL records that a field-expiry command (HEXPIRE and friends) ran
// on the hash. Redis converts a listpack hash to listpackex at that point,
// whether or not a field gets a TTL, and never converts it back.
func (h *Hash) PrepareTTL() {
	if h.full == nil {
		h.toFull(true)
	}
	h.full.PrepareTTL()
}

// toFull moves a compact hash to the general layout, small (a listpackex
// when ex) with the same field order.
func (h *Hash) toFull(ex bool) {
	n := packCount(h.lp)
	f := &hashFull{ents: make([]hentry, 0, max(n, 1)), ex: ex}
	h.rangeCompact(func(field, value string) bool {
		f.appendEntry(newHEntry(field, value, hfHash(field)), 0)
		return true
	})
	h.full, h.lp = f, nil
}

// toLarge moves the hash to the large (hashtable) layout.
func (h *Hash) toLarge() {
	if h.full == nil {
		h.toFull(false)
	}
	h.full.convert()
}

// A compact entry is the name's length and the value's length (uvarints,
// both up front so one read finds the next entry), then the name and the
// value.

// hpEntry decodes the lengths of the entry at p: the name is b[q:q+fl],
// the value follows it (vl bytes).
func hpEntry(b []byte, p int) (q, fl, vl int) {
	x := binary.LittleEndian.Uint16(b[p:]) // an entry has at least two bytes
	if x&0x8080 == 0 {
		return p + 2, int(x & 0xff), int(x >> 8)
	}
	return hpEntrySlow(b, p)
}

func hpEntrySlow(b []byte, p int) (q, fl, vl int) {
	fl, q = packLen(b, p)
	vl, q = packLen(b, q)
	return q, fl, vl
}

// hpEntryLen is the bytes an entry takes.
func hpEntryLen(fl, vl int) int { return uvarintLen(fl) + uvarintLen(vl) + fl + vl }

// hpPut writes the entry for (field, value) at b[p:] (hpEntryLen bytes).
func hpPut(b []byte, p int, field, value string) {
	if len(field)|len(value) < 0x80 {
		b[p], b[p+1] = byte(len(field)), byte(len(value))
		p += 2
	} else {
		p += binary.PutUvarint(b[p:], uint64(len(field)))
		p += binary.PutUvarint(b[p:], uint64(len(value)))
	}
	p += copy(b[p:], field)
	copy(b[p:], value)
}

// findCompact returns field's slot (-1 when absent), where its entry
// and its name start, and its name's and value's lengths.
func (h *Hash) findCompact(field string) (i, e, q, fl, vl int) {
	b := h.lp
	tail, cnt := packTail(b)
	if cnt == 0 {
		return -1, 0, 0, 0, 0
	}
	offs := b[tail : tail+2*cnt]
	n := len(field)
	var last byte
	if n > 0 {
		last = field[n-1]
	}
	// the offset table makes the entries independent: no entry has to be
	// decoded to find the next
	if n < 0x80 {
		// the name's length is one byte: compare it, then the last byte
		for k := 0; k+1 < len(offs); k += 2 {
			e := int(offs[k]) | int(offs[k+1])<<8
			if b[e] != byte(n) {
				continue
			}
			q := e + 2
			if b[e+1] >= 0x80 {
				q, _, _ = hpEntrySlow(b, e)
			}
			if (n == 0 || b[q+n-1] == last) && string(b[q:q+n]) == field {
				q, fl, vl := hpEntry(b, e)
				return k / 2, e, q, fl, vl
			}
		}
		return -1, 0, 0, 0, 0
	}
	for i := 0; i < cnt; i++ {
		e := packOff(b, tail, i)
		q, fl, vl := hpEntry(b, e)
		if fl == n && b[q+n-1] == last && string(b[q:q+n]) == field {
			return i, e, q, fl, vl
		}
	}
	return -1, 0, 0, 0, 0
}

// Get returns field's value and expiry (0 when it has none). It does not
// look at the expiry: a field that is logically expired is still found.
func (h *Hash) Get(field string) (value string, expireAt int64, ok bool) {
	if h.full != nil {
		return h.full.Get(field)
	}
	i, _, q, fl, vl := h.findCompact(field)
	if i < 0 {
		return "", 0, false
	}
	packExpose(h.lp)
	return packStr(h.lp, q+fl, vl), 0, true
}

// compactAt returns the field and value of the entry at offset p.
func (h *Hash) compactAt(p int) (field, value string) {
	b := h.lp
	q, fl, vl := hpEntry(b, p)
	return packStr(b, q, fl), packStr(b, q+fl, vl)
}

// hpSize returns the size of the entry at p.
func hpSize(b []byte, p int) int {
	q, fl, vl := hpEntry(b, p)
	return q - p + fl + vl
}

// slotCompact returns the field and value in slot i of a compact hash.
func (h *Hash) slotCompact(i int) (field, value string) {
	tail, _ := packTail(h.lp)
	return h.compactAt(packOff(h.lp, tail, i))
}

// At returns the field in slot i (0 <= i < Len()).
func (h *Hash) At(i int) (field, value string, expireAt int64) {
	if h.full != nil {
		return h.full.At(i)
	}
	packExpose(h.lp)
	field, value = h.slotCompact(i)
	return field, value, 0
}

// AtSlots calls fn with the field in each of slots (each in [0, Len())),
// in the order given; slots may repeat.
func (h *Hash) AtSlots(slots []int, fn func(field, value string, expireAt int64)) {
	if h.full != nil {
		for _, s := range slots {
			fn(h.full.At(s))
		}
		return
	}
	packExpose(h.lp)
	for _, s := range slots {
		f, v := h.slotCompact(s)
		fn(f, v, 0)
	}
}

// Each calls fn for every field in slot order (expired or not) until fn
// returns false. fn must not modify the hash.
func (h *Hash) Each(fn func(field, value string, expireAt int64) bool) {
	if h.full != nil {
		for i := range h.full.ents {
			if !fn(h.full.At(i)) {
				return
			}
		}
		return
	}
	packExpose(h.lp)
	h.rangeCompact(func(f, v string) bool { return fn(f, v, 0) })
}

// rangeCompact walks a compact hash without exposing it (the caller
// decides).
func (h *Hash) rangeCompact(fn func(field, value string) bool) {
	tail, n := packTail(h.lp)
	for i := 0; i < n; i++ {
		if !fn(h.compactAt(packOff(h.lp, tail, i))) {
			return
		}
	}
}

// Set stores value in field as HSET does and reports whether the field is
// new. Overwriting a field removes its expiry (a field that expired but
// was not reclaimed counts as existing, as in Redis 7.4). Both strings are
// copied.
func (h *Hash) Set(field, value string) bool {
	if h.full != nil {
		return h.full.Set(field, value)
	}
	return h.setCompact(field, value, false)
}

// SetKeepTTL stores value in field as HINCRBY does: an existing field
// keeps its expiry. It reports whether the field is new.
func (h *Hash) SetKeepTTL(field, value string) bool {
	if h.full != nil {
		return h.full.SetKeepTTL(field, value)
	}
	return h.setCompact(field, value, true)
}

func (h *Hash) setCompact(field, value string, keepTTL bool) bool {
	l := lim()
	if !hashFits(l, field, value) {
		h.toLarge()
		return h.full.set(field, value, keepTTL)
	}
	i, _, q, fl, vl := h.findCompact(field)
	if i < 0 {
		n := packCount(h.lp)
		if n+1 > l.HashMaxListpackEntries {
			h.toLarge()
			return h.full.set(field, value, keepTTL)
		}
		k := hpEntryLen(len(field), len(value))
		if !packFits(h.lp, k, 1) {
			h.toFull(false) // allowed, but more than the compact form holds
			return h.full.set(field, value, keepTTL)
		}
		b, at := packSplice(h.lp, n, n, k)
		hpPut(b, at, field, value)
		h.lp = b
		return true
	}
	if packStr(h.lp, q+fl, vl) == value {
		return false
	}
	k := hpEntryLen(fl, len(value))
	if !packFits(h.lp, k-hpEntryLen(fl, vl), 0) {
		h.toFull(false)
		return h.full.set(field, value, keepTTL)
	}
	// field is the caller's string: it cannot alias the buffer unless the
	// buffer is exposed, and then packSplice copies it, leaving it intact
	b, at := packSplice(h.lp, i, i+1, k)
	hpPut(b, at, field, value)
	h.lp = b
	return false
}

// Reserve prepares for a command that sets n fields. Like Redis's
// hashTypeTryConversion, a small hash converts to the large layout up front
// when n alone exceeds hash-max-listpack-entries (even if some of the
// fields repeat or exist), and the large index is sized for n more fields.
func (h *Hash) Reserve(n int) {
	if h.full == nil {
		if n <= lim().HashMaxListpackEntries {
			return
		}
		h.toLarge()
	}
	h.full.Reserve(n)
}

// Delete removes field and reports whether it existed (expired or not).
func (h *Hash) Delete(field string) bool {
	if h.full != nil {
		return h.full.Delete(field)
	}
	i, _, _, _, _ := h.findCompact(field)
	if i < 0 {
		return false
	}
	if packCount(h.lp) == 1 {
		h.lp = nil
		return true
	}
	h.lp, _ = packSplice(h.lp, i, i+1, 0)
	return true
}

// SetExpire gives field the absolute expiry at (unix ms, > 0) and reports
// whether the field exists. A small hash with TTLs keeps its fields
// ordered by expiry, as a listpackex does.
func (h *Hash) SetExpire(field string, at int64) bool {
	if h.full == nil {
		if i, _, _, _, _ := h.findCompact(field); i < 0 {
			return false
		}
		h.toFull(true)
	}
	return h.full.SetExpire(field, at)
}

// Persist removes field's expiry. It reports whether the field had one.
func (h *Hash) Persist(field string) bool {
	if h.full == nil {
		return false
	}
	return h.full.Persist(field)
}

// NextExpiry returns the earliest field expiry, or 0 when no field has one.
func (h *Hash) NextExpiry() int64 {
	if h.full == nil {
		return 0
	}
	return h.full.NextExpiry()
}

// ExpireFields reclaims fields whose expiry is before now, earliest first,
// at most max of them (max <= 0: all), calling fn with each removed
// field's name. It returns how many it removed.
func (h *Hash) ExpireFields(now int64, max int, fn func(field string)) int {
	if h.full == nil {
		return 0
	}
	return h.full.ExpireFields(now, max, fn)
}

// Range calls fn for each field alive at time now (now 0: every field), in
// the hash's order, until fn returns false. fn must not modify the hash.
func (h *Hash) Range(now int64, fn func(field, value string) bool) {
	if h.full != nil {
		h.full.Range(now, fn)
		return
	}
	packExpose(h.lp)
	h.rangeCompact(fn)
}

// RandomSlot returns a uniformly random slot (the hash must not be empty).
func (h *Hash) RandomSlot() int { return rand.IntN(h.Len()) }

// SampleSlots returns k distinct random slots, 0 < k < Len(). A small hash
// returns them in field order (as Redis's listpack sampling does); a large
// one in random order.
func (h *Hash) SampleSlots(k int) []int {
	if h.full != nil {
		return h.full.SampleSlots(k)
	}
	return sampleInOrder(packCount(h.lp), k)
}

// Scan visits fields for HSCAN and returns the cursor to continue from (0
// when done). A small hash visits every field and returns 0. A large hash
// visits about count slots from cursor down (see hashFull's doc for the
// guarantee). fn sees expired fields too; the caller filters.
func (h *Hash) Scan(cursor uint64, count int, fn func(field, value string, expireAt int64)) uint64 {
	if h.full != nil {
		return h.full.Scan(cursor, count, fn)
	}
	packExpose(h.lp)
	h.rangeCompact(func(f, v string) bool { fn(f, v, 0); return true })
	return 0
}

// Clone returns a deep copy (used by COPY and snapshots) in the same
// encoding.
func (h *Hash) Clone() any {
	if h.full != nil {
		return &Hash{full: h.full.clone()}
	}
	return &Hash{lp: packClone(h.lp)}
}

// Share reports whether a snapshot may read h in place (see
// keyspace.Sharer): only the general layout, whose reads change nothing
// (reading a compact hash marks its buffer exposed), and only when large.
func (h *Hash) Share() bool { return h.full != nil && h.full.MemUsage() >= ShareMin }

const hashHeaderSize = int(unsafe.Sizeof(Hash{}))

// MemUsage returns an estimate of the bytes the hash holds on the Go heap.
func (h *Hash) MemUsage() int {
	if h.full != nil {
		return hashHeaderSize + h.full.MemUsage()
	}
	return hashHeaderSize + cap(h.lp)
}

// Check verifies the hash's invariants and returns the first violation.
// Size limits are checked against the limits in force.
func (h *Hash) Check() error {
	if h.full != nil {
		if h.lp != nil {
			return errors.New("hash has both a compact buffer and a general layout")
		}
		return h.full.Check()
	}
	if err := packCheck(h.lp, hpSize); err != nil {
		return err
	}
	l := lim()
	seen := map[string]bool{}
	n := 0
	h.rangeCompact(func(f, v string) bool {
		if seen[f] {
			return false
		}
		seen[f] = true
		if !hashFits(l, f, v) {
			return false
		}
		n++
		return true
	})
	if n != packCount(h.lp) {
		return fmt.Errorf("compact hash: a field repeats or is oversized (%d of %d checked)", n, packCount(h.lp))
	}
	if n > l.HashMaxListpackEntries {
		return fmt.Errorf("compact hash with %d fields", n)
	}
	return nil
}

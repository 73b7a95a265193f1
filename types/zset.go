package types

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"unsafe"
)

// Z is a sorted-set member with its score.
type Z struct {
	Score  float64
	Member string
}

// Limits of the compact encoding, as Redis's zset-max-listpack-entries and
// zset-max-listpack-value defaults. SetLimits changes the limits in force.
const (
	ZSetMaxListpackEntries = 128
	ZSetMaxListpackValue   = 64
)

// ScoreRange is a score interval: ZRANGEBYSCORE's min and max, each
// inclusive or exclusive ("(").
type ScoreRange struct {
	Min, Max     float64
	MinEx, MaxEx bool
}

// GteMin reports whether s is at or above the range's lower bound.
func (r *ScoreRange) GteMin(s float64) bool {
	if r.MinEx {
		return s > r.Min
	}
	return s >= r.Min
}

// LteMax reports whether s is at or below the range's upper bound.
func (r *ScoreRange) LteMax(s float64) bool {
	if r.MaxEx {
		return s < r.Max
	}
	return s <= r.Max
}

// LexBoundKind says what a LexRange bound means.
type LexBoundKind uint8

const (
	// LexInclusive is "[value".
	LexInclusive LexBoundKind = iota
	// LexExclusive is "(value".
	LexExclusive
	// LexNegInf is "-": below every member.
	LexNegInf
	// LexPosInf is "+": above every member.
	LexPosInf
)

// LexRange is a member interval for ZRANGEBYLEX and friends. Lex ranges
// are meaningful when all scores are equal; otherwise, like Redis, the
// result depends on the walk.
type LexRange struct {
	Min, Max         string
	MinKind, MaxKind LexBoundKind
}

// zcmpLex compares a member with a bound as Redis's sdscmplex does.
func zcmpLex(v string, k LexBoundKind, b string) int {
	switch k {
	case LexNegInf:
		return 1
	case LexPosInf:
		return -1
	}
	return strings.Compare(v, b)
}

// GteMin reports whether m is at or above the lower bound.
func (r *LexRange) GteMin(m string) bool {
	c := zcmpLex(m, r.MinKind, r.Min)
	if r.MinKind == LexInclusive {
		return c >= 0
	}
	return c > 0 // exclusive and the infinities, which Redis marks exclusive
}

// LteMax reports whether m is at or below the upper bound.
func (r *LexRange) LteMax(m string) bool {
	c := zcmpLex(m, r.MaxKind, r.Max)
	if r.MaxKind == LexInclusive {
		return c <= 0
	}
	return c < 0
}

// empty is Redis's "range that will always be empty" test.
func (r *LexRange) empty() bool {
	var c int
	switch {
	case r.MinKind == r.MaxKind && (r.MinKind == LexNegInf || r.MinKind == LexPosInf):
		c = 0
	case r.MinKind == LexNegInf || r.MaxKind == LexPosInf:
		c = -1
	case r.MinKind == LexPosInf || r.MaxKind == LexNegInf:
		c = 1
	default:
		c = strings.Compare(r.Min, r.Max)
	}
	// the infinities count as exclusive
	return c > 0 || (c == 0 && (r.MinKind != LexInclusive || r.MaxKind != LexInclusive))
}

// ZSet is a sorted set: members ordered by (score, member bytes).
//
// It mirrors Redis's two encodings. A "listpack" set (at most
// zset-max-listpack-entries members, 128 by default, of at most
// zset-max-listpack-value bytes, 64) is compact: one byte buffer holding
// the members in order, each as its length (a uvarint, whose low bit says
// how the score is stored), its bytes and its score, after a 2-byte
// header. Like Redis's listpack it stores an integral score as an integer
// (a zigzag uvarint, so small scores take one byte; -0 becomes 0) and any
// other score as its 8 bytes. Lookups, ranks and range bounds scan the
// buffer and writes move its tail, as Redis does in a listpack. Reads
// return members that alias the buffer without copying; once a buffer has
// handed out strings it is never modified below its length again (see
// pack.go).
//
// Adding a member past the limits converts the set, for good, to the
// "skiplist" encoding (zsetFull): an order-statistic B+ tree plus a hash
// table, with O(1) score lookup and O(log n) ranks.
//
// A ZSet is not safe for concurrent use; the keyspace's shard locks guard
// it.
type ZSet struct {
	lp   []byte    // compact form (full == nil): header, then member, score, ...
	full *zsetFull // general layout; nil while compact
}

// NewZSet returns an empty sorted set in the encoding Redis's
// zsetTypeCreate picks for sizeHint members whose first is firstLen bytes
// long: listpack unless the hint exceeds zset-max-listpack-entries or the
// member zset-max-listpack-value bytes.
func NewZSet(sizeHint, firstLen int) *ZSet {
	if l := lim(); sizeHint > l.ZSetMaxListpackEntries || firstLen > l.ZSetMaxListpackValue {
		return &ZSet{full: &zsetFull{d: newZDict(sizeHint)}}
	}
	return &ZSet{}
}

// NewZSetFromSorted builds a sorted set from items already in (score,
// member) order with distinct members, in the encoding Redis gives a
// *STORE result: listpack when it has at most zset-max-listpack-entries
// members of at most zset-max-listpack-value bytes (scores then stored as
// a listpack stores them), skiplist otherwise. The set may keep items'
// strings but not the slice.
func NewZSetFromSorted(items []Z) *ZSet {
	l := lim()
	lp := len(items) <= l.ZSetMaxListpackEntries
	need := packHdr
	for _, it := range items {
		if len(it.Member) > l.ZSetMaxListpackValue {
			lp = false
			break
		}
		need += zpEntryLen(it.Member, zlistpackScore(it.Score))
	}
	if !lp || len(items) > packMaxCount {
		return &ZSet{full: newZSetFull(items, lp)}
	}
	if len(items) == 0 {
		return &ZSet{}
	}
	b := packNew(need)
	for _, it := range items {
		// normalizing -0 to 0 cannot break the order: no other member has
		// a score strictly between them
		b = zpAppend(b, it.Member, zlistpackScore(it.Score))
	}
	packSetCount(b, len(items))
	return &ZSet{lp: b}
}

// ---------------------------------------------------------------------
// The compact entry format.

// zpIntMax bounds the integral scores stored as integers: every integer of
// magnitude up to 2^53 converts to float64 and back exactly.
const zpIntMax = 1 << 53

// zpInt reports whether s is stored as an integer, and which.
func zpInt(s float64) (int64, bool) {
	if s >= -zpIntMax && s <= zpIntMax && s == math.Trunc(s) {
		return int64(s), true
	}
	return 0, false
}

func zigzag(v int64) uint64   { return uint64(v<<1) ^ uint64(v>>63) }
func unzigzag(u uint64) int64 { return int64(u>>1) ^ -int64(u&1) }

// zpEntryLen is the bytes an entry takes.
func zpEntryLen(m string, s float64) int {
	n := uvarintLen(len(m)<<1) + len(m)
	if v, ok := zpInt(s); ok {
		return n + uvarintLen64(zigzag(v))
	}
	return n + 8
}

func uvarintLen64(u uint64) int {
	k := 1
	for u >= 0x80 {
		u >>= 7
		k++
	}
	return k
}

// zpAppend appends an entry for (m, s).
func zpAppend(b []byte, m string, s float64) []byte {
	n := len(b)
	k := zpEntryLen(m, s)
	b = slices.Grow(b, k)[:n+k]
	zpPut(b, n, m, s)
	return b
}

// zpPut writes the entry for (m, s) at b[p:] (zpEntryLen bytes).
func zpPut(b []byte, p int, m string, s float64) {
	v, isInt := zpInt(s)
	h := len(m) << 1
	if isInt {
		h |= 1
	}
	if h < 0x80 {
		b[p] = byte(h)
		p++
	} else {
		p += binary.PutUvarint(b[p:], uint64(h))
	}
	p += copy(b[p:], m)
	if isInt {
		binary.PutUvarint(b[p:], zigzag(v))
		return
	}
	binary.LittleEndian.PutUint64(b[p:], math.Float64bits(s))
}

// zpMember decodes the member of the entry at p: it is b[q:q+n], and the
// score follows, an integer when isInt.
func zpMember(b []byte, p int) (q, n int, isInt bool) {
	h, q := int(b[p]), p+1
	if h >= 0x80 {
		h, q = packLenSlow(b, p)
	}
	return q, h >> 1, h&1 != 0
}

// zpScore decodes the score at p and returns it and the next entry's
// offset.
func zpScore(b []byte, p int, isInt bool) (float64, int) {
	if !isInt {
		return math.Float64frombits(binary.LittleEndian.Uint64(b[p:])), p + 8
	}
	c := uint64(b[p])
	if c < 0x80 {
		return float64(int64(c>>1) ^ -int64(c&1)), p + 1
	}
	if c1 := uint64(b[p+1]); c1 < 0x80 {
		u := c&0x7f | c1<<7
		return float64(int64(u>>1) ^ -int64(u&1)), p + 2
	}
	return zpScoreSlow(b, p)
}

func zpScoreSlow(b []byte, p int) (float64, int) {
	u, w := binary.Uvarint(b[p:])
	return float64(unzigzag(u)), p + w
}

// zpSkipScore returns the offset after the score at p.
func zpSkipScore(b []byte, p int, isInt bool) int {
	if !isInt {
		return p + 8
	}
	for b[p] >= 0x80 {
		p++
	}
	return p + 1
}

// zpAt decodes the entry at p.
func zpAt(b []byte, p int) (it Z, next int) {
	q, n, isInt := zpMember(b, p)
	it.Member = packStr(b, q, n)
	it.Score, next = zpScore(b, q+n, isInt)
	return it, next
}

// zpNext returns the offset of the entry after the one at p.
func zpNext(b []byte, p int) int {
	q, n, isInt := zpMember(b, p)
	return zpSkipScore(b, q+n, isInt)
}

// find returns the offsets of member's entry and of the next one, its
// rank and its score; e < 0 when absent.
func (z *ZSet) find(member string) (e, next, rank int, score float64) {
	b := z.lp
	ml := len(member)
	var last byte
	if ml > 0 {
		last = member[ml-1]
	}
	for p := packHdr; p < len(b); rank++ {
		q, n, isInt := zpMember(b, p)
		me := q + n
		if n == ml && (n == 0 || b[me-1] == last) && string(b[q:me]) == member {
			s, nx := zpScore(b, me, isInt)
			return p, nx, rank, s
		}
		p = zpSkipScore(b, me, isInt)
	}
	return -1, -1, 0, 0
}

// seek returns the offset of the entry of rank i (may be len(lp) when i
// is the count).
func (z *ZSet) seek(i int) int {
	p := packHdr
	for ; i > 0; i-- {
		p = zpNext(z.lp, p)
	}
	return p
}

// offsets returns the offset of every entry, in rank order, using buf
// when it is large enough.
func (z *ZSet) offsets(buf []int32) []int32 {
	offs := buf[:0]
	for p := packHdr; p < len(z.lp); p = zpNext(z.lp, p) {
		offs = append(offs, int32(p))
	}
	return offs
}

// insertPos returns the offset where (s, m) goes: the first entry above
// it (len(lp) when none is).
func (z *ZSet) insertPos(s float64, m string) int {
	b := z.lp
	p := packHdr
	for p < len(b) {
		q, n, isInt := zpMember(b, p)
		es, nx := zpScore(b, q+n, isInt)
		if s < es || (s == es && m < packStr(b, q, n)) {
			return p
		}
		p = nx
	}
	return p
}

// toFull moves a compact set to the general layout: a skiplist, or a
// listpack held in the tree when listpack is set. Members are copied out
// of the buffer, which is released.
func (z *ZSet) toFull(listpack bool, hint int) {
	items := make([]Z, 0, packCount(z.lp))
	for p := packHdr; p < len(z.lp); {
		var it Z
		it, p = zpAt(z.lp, p)
		it.Member = strings.Clone(it.Member)
		items = append(items, it)
	}
	f := newZSetFull(items, listpack)
	if !listpack && hint > len(items) {
		f.d.resize(max(len(f.d.buckets), zdictSize(hint)))
	}
	z.full, z.lp = f, nil
}

// zdictSize is the bucket count newZDict picks for hint members.
func zdictSize(hint int) int {
	size := zdictMin
	for size < hint {
		size <<= 1
	}
	return size
}

// expose marks the compact buffer as aliased by strings handed out.
func (z *ZSet) expose() { packExpose(z.lp) }

// ---------------------------------------------------------------------
// The ZSet API: the compact form here, the general layout in zset_full.go.

// Len returns the number of members.
func (z *ZSet) Len() int {
	if z.full != nil {
		return z.full.Len()
	}
	return packCount(z.lp)
}

// Encoding returns "listpack" or "skiplist", as OBJECT ENCODING reports.
func (z *ZSet) Encoding() string {
	if z.full != nil {
		return z.full.Encoding()
	}
	return "listpack"
}

// IsListpack reports whether the set uses Redis's listpack encoding.
func (z *ZSet) IsListpack() bool { return z.full == nil || z.full.d == nil }

// IsCompact reports whether the set is in the compact one-buffer form.
func (z *ZSet) IsCompact() bool { return z.full == nil }

// Grow converts a listpack set to the skiplist encoding when sizeHint
// members are about to be added and exceed the listpack limit, as Redis's
// zsetTypeMaybeConvert does before a multi-member ZADD.
func (z *ZSet) Grow(sizeHint int) {
	if z.full != nil {
		z.full.Grow(sizeHint)
		return
	}
	if sizeHint > lim().ZSetMaxListpackEntries {
		z.toFull(false, z.Len()+sizeHint)
	}
}

// Score returns member's score.
func (z *ZSet) Score(member string) (float64, bool) {
	if z.full != nil {
		return z.full.Score(member)
	}
	e, _, _, s := z.find(member)
	return s, e >= 0
}

// Insert adds a member that is not in the set; the set may keep the
// string. Like Redis's zsetAdd it converts a listpack set that would
// exceed the listpack limits first. score must not be NaN.
func (z *ZSet) Insert(member string, score float64) { z.insert(member, score, false) }

// InsertCopy is Insert for a member string the caller does not own (it
// aliases a buffer about to be reused): the set copies it when it keeps
// it.
func (z *ZSet) InsertCopy(member string, score float64) { z.insert(member, score, true) }

func (z *ZSet) insert(member string, score float64, cp bool) {
	if z.full == nil {
		n := packCount(z.lp)
		l := lim()
		switch {
		case n+1 > l.ZSetMaxListpackEntries || len(member) > l.ZSetMaxListpackValue:
			z.toFull(false, n+1)
		case n+1 > packMaxCount:
			z.toFull(true, n+1)
		default:
			score = zlistpackScore(score)
			k := zpEntryLen(member, score)
			p := z.insertPos(score, member)
			var b []byte
			if p >= len(z.lp) {
				b = packReserve(z.lp, k) // appending: in place even if exposed
				p = len(b)
				b = b[:p+k]
			} else {
				b = packEdit(z.lp, p, p, k)
			}
			zpPut(b, p, member, score)
			packSetCount(b, n+1)
			z.lp = b
			return
		}
	}
	if cp {
		member = strings.Clone(member)
	}
	z.full.Insert(member, score)
}

// Update changes the score of member, which is in the set with score old,
// to score (not NaN). Like Redis it changes nothing when score == old (so
// -0 does not replace 0). A listpack set stores -0 as 0.
func (z *ZSet) Update(member string, old, score float64) {
	if z.full != nil {
		z.full.Update(member, old, score)
		return
	}
	score = zlistpackScore(score)
	if score == old {
		return
	}
	// one pass: the member's entry [e, next) and the first other entry
	// above the new position, p
	b := z.lp
	e, next, p := -1, -1, -1
	ml := len(member)
	var last byte
	if ml > 0 {
		last = member[ml-1]
	}
	for q := packHdr; q < len(b); {
		mq, n, isInt := zpMember(b, q)
		me := mq + n
		if e < 0 && n == ml && (n == 0 || b[me-1] == last) && string(b[mq:me]) == member {
			e, next = q, zpSkipScore(b, me, isInt)
			if p >= 0 {
				break
			}
			q = next
			continue
		}
		if p >= 0 {
			q = zpSkipScore(b, me, isInt)
			continue
		}
		es, nx := zpScore(b, me, isInt)
		if score < es || (score == es && member < packStr(b, mq, n)) {
			p = q
			if e >= 0 {
				break
			}
		}
		q = nx
	}
	if e < 0 {
		panic("types: ZSet.Update of a member not in the set")
	}
	if p < 0 {
		p = len(b)
	}
	k := zpEntryLen(member, score)
	// member is the caller's string: it cannot alias b unless b is
	// exposed, and then the first edit copies b, leaving it intact
	if p == next || p == e {
		b = packEdit(b, e, next, k)
		zpPut(b, e, member, score)
	} else {
		b = packEdit(b, e, next, 0)
		if p > e {
			p -= next - e
		}
		b = packEdit(b, p, p, k)
		zpPut(b, p, member, score)
	}
	z.lp = b
}

// Delete removes member and reports whether it was there.
func (z *ZSet) Delete(member string) bool {
	if z.full != nil {
		return z.full.Delete(member)
	}
	e, next, _, _ := z.find(member)
	if e < 0 {
		return false
	}
	z.cut(e, next, 1)
	return true
}

// cut removes the k entries in b[e:next] of a compact set.
func (z *ZSet) cut(e, next, k int) {
	cnt := packCount(z.lp) - k
	if cnt == 0 {
		z.lp = nil
		return
	}
	b := packEdit(z.lp, e, next, 0)
	packSetCount(b, cnt)
	z.lp = b
}

// Rank returns member's 0-based rank in ascending order and its score.
func (z *ZSet) Rank(member string) (int, float64, bool) {
	if z.full != nil {
		return z.full.Rank(member)
	}
	e, _, r, s := z.find(member)
	if e < 0 {
		return 0, 0, false
	}
	return r, s, true
}

// At returns the member at 0-based ascending rank i (0 <= i < Len). A
// compact set walks to it (O(i)); AtRanks fetches many at once.
func (z *ZSet) At(i int) Z {
	if z.full != nil {
		return z.full.At(i)
	}
	z.expose()
	it, _ := zpAt(z.lp, z.seek(i))
	return it
}

// AtRanks returns the members at the given ranks (each in [0, Len()), in
// the order given, repeats allowed) in O(Len + len(ranks)) for a compact
// set.
func (z *ZSet) AtRanks(ranks []int) []Z {
	out := make([]Z, len(ranks))
	if z.full != nil {
		for i, r := range ranks {
			out[i] = z.full.At(r)
		}
		return out
	}
	z.expose()
	var buf [128]int32
	offs := z.offsets(buf[:])
	for i, r := range ranks {
		out[i], _ = zpAt(z.lp, int(offs[r]))
	}
	return out
}

// Ascend calls fn for the members from rank from upwards until fn
// returns false or the set ends. fn must not modify the set.
func (z *ZSet) Ascend(from int, fn func(rank int, m Z) bool) {
	if z.full != nil {
		z.full.Ascend(from, fn)
		return
	}
	z.expose()
	z.ascend(from, fn)
}

// ascend is Ascend on a compact set without exposing it.
func (z *ZSet) ascend(from int, fn func(rank int, m Z) bool) {
	from = max(from, 0)
	if from >= packCount(z.lp) {
		return
	}
	r := from
	for p := z.seek(from); p < len(z.lp); r++ {
		var it Z
		it, p = zpAt(z.lp, p)
		if !fn(r, it) {
			return
		}
	}
}

// Descend calls fn for the members from rank from downwards until fn
// returns false or rank 0 is passed. fn must not modify the set.
func (z *ZSet) Descend(from int, fn func(rank int, m Z) bool) {
	if z.full != nil {
		z.full.Descend(from, fn)
		return
	}
	z.expose()
	z.descend(from, fn)
}

// descend is Descend on a compact set without exposing it.
func (z *ZSet) descend(from int, fn func(rank int, m Z) bool) {
	n := packCount(z.lp)
	from = min(from, n-1)
	if from < 0 {
		return
	}
	var buf [128]int32
	offs := z.offsets(buf[:])
	for r := from; r >= 0; r-- {
		it, _ := zpAt(z.lp, int(offs[r]))
		if !fn(r, it) {
			return
		}
	}
}

// memberAt returns the member of rank i of a compact set without exposing
// it (the string must not escape).
func (z *ZSet) memberAt(i int) string {
	it, _ := zpAt(z.lp, z.seek(i))
	return it.Member
}

// ScoreBounds returns the ranks [lo, hi) of the members whose scores are
// in r (hi <= lo when none are).
func (z *ZSet) ScoreBounds(r *ScoreRange) (lo, hi int) {
	if z.full != nil {
		return z.full.ScoreBounds(r)
	}
	// both predicates are monotone in the score: find where each flips
	n := packCount(z.lp)
	lo, hi = n, n
	loSet, hiSet := false, false
	for p, i := packHdr, 0; p < len(z.lp) && !(loSet && hiSet); i++ {
		q, mn, isInt := zpMember(z.lp, p)
		var s float64
		s, p = zpScore(z.lp, q+mn, isInt)
		if !loSet && r.GteMin(s) {
			lo, loSet = i, true
		}
		if !hiSet && !r.LteMax(s) {
			hi, hiSet = i, true
		}
	}
	return lo, hi
}

// LexFirst returns the rank of the first member in r, or -1. A listpack
// set scans from the start as Redis's listpack code does; a skiplist set
// descends the tree as Redis's skiplist search does. Both agree when all
// scores are equal.
func (z *ZSet) LexFirst(r *LexRange) int {
	if z.full != nil {
		return z.full.LexFirst(r)
	}
	n := z.Len()
	if n == 0 || r.empty() || !r.GteMin(z.memberAt(n-1)) || !r.LteMax(z.memberAt(0)) {
		return -1
	}
	i := -1
	z.ascend(0, func(j int, it Z) bool {
		if r.GteMin(it.Member) {
			i = j
			return false
		}
		return true
	})
	if i < 0 || !r.LteMax(z.memberAt(i)) {
		return -1
	}
	return i
}

// LexLast returns the rank of the last member in r, or -1 (see LexFirst).
func (z *ZSet) LexLast(r *LexRange) int {
	if z.full != nil {
		return z.full.LexLast(r)
	}
	n := z.Len()
	if n == 0 || r.empty() || !r.GteMin(z.memberAt(n-1)) || !r.LteMax(z.memberAt(0)) {
		return -1
	}
	i := -1
	z.descend(n-1, func(j int, it Z) bool {
		if r.LteMax(it.Member) {
			i = j
			return false
		}
		return true
	})
	if i < 0 || !r.GteMin(z.memberAt(i)) {
		return -1
	}
	return i
}

// LexStart returns the rank where ZREMRANGEBYLEX starts deleting: the
// first member in r for a listpack set (-1 if none), the end of the
// skiplist search for members below the range otherwise.
func (z *ZSet) LexStart(r *LexRange) int {
	if z.full != nil {
		return z.full.LexStart(r)
	}
	return z.LexFirst(r)
}

// DeleteRange removes the members of ranks [lo, hi) and returns how many
// it removed.
func (z *ZSet) DeleteRange(lo, hi int) int {
	if z.full != nil {
		return z.full.DeleteRange(lo, hi)
	}
	n := z.Len()
	lo = max(lo, 0)
	hi = min(hi, n)
	if lo >= hi {
		return 0
	}
	a := z.seek(lo)
	c := a
	for i := lo; i < hi; i++ {
		c = zpNext(z.lp, c)
	}
	z.cut(a, c, hi-lo)
	return hi - lo
}

// Scan visits part of the set from cursor and returns the cursor to
// continue with (0 when done), as ZSCAN does. A listpack set visits every
// member and returns 0. A skiplist set walks hash buckets in Redis's
// reverse-binary order, at most count*10 of them, until about count
// values (members and scores both count, as in Redis) were emitted; a
// member present for the whole iteration is visited at least once. emit
// receives each visited member for which keep returns true (keep may be
// nil).
func (z *ZSet) Scan(cursor uint64, count int, keep func(member string) bool, emit func(m Z)) uint64 {
	if z.full != nil {
		return z.full.Scan(cursor, count, keep, emit)
	}
	z.expose()
	z.ascend(0, func(_ int, it Z) bool {
		if keep == nil || keep(it.Member) {
			emit(it)
		}
		return true
	})
	return 0
}

// Clone returns a deep copy in the same encoding.
func (z *ZSet) Clone() any {
	if z.full != nil {
		return &ZSet{full: z.full.clone()}
	}
	return &ZSet{lp: packClone(z.lp)}
}

const zsetHeaderSize = int(unsafe.Sizeof(ZSet{}))

// MemUsage returns an estimate of the Go heap bytes the set holds.
func (z *ZSet) MemUsage() int {
	if z.full != nil {
		return zsetHeaderSize + z.full.MemUsage()
	}
	return zsetHeaderSize + cap(z.lp)
}

// Check verifies the set's invariants: for the compact form the order,
// the count, the listpack limits in force and listpack scores; for the
// general layout see zsetFull.Check.
func (z *ZSet) Check() error {
	if z.full != nil {
		if z.lp != nil {
			return errors.New("sorted set has both a compact buffer and a general layout")
		}
		return z.full.Check()
	}
	if z.lp == nil {
		return nil
	}
	if len(z.lp) < packHdr {
		return errors.New("compact buffer shorter than its header")
	}
	l := lim()
	seen := map[string]bool{}
	n := 0
	var prev Z
	for p := packHdr; p < len(z.lp); n++ {
		var it Z
		it, p = zpAt(z.lp, p)
		if p > len(z.lp) {
			return errors.New("compact entry runs past the buffer")
		}
		switch {
		case math.IsNaN(it.Score):
			return fmt.Errorf("rank %d: NaN score", n)
		case it.Score == 0 && math.Signbit(it.Score):
			return errors.New("listpack holds a -0 score")
		case len(it.Member) > l.ZSetMaxListpackValue:
			return fmt.Errorf("listpack member of %d bytes", len(it.Member))
		case seen[it.Member]:
			return fmt.Errorf("member %q appears twice", it.Member)
		case n > 0 && !zless(prev.Score, prev.Member, it.Score, it.Member):
			return fmt.Errorf("compact set out of order at rank %d", n)
		}
		seen[it.Member] = true
		prev = it
	}
	if n != packCount(z.lp) {
		return fmt.Errorf("compact count %d, holds %d members", packCount(z.lp), n)
	}
	if n == 0 {
		return errors.New("empty compact buffer not released")
	}
	if n > l.ZSetMaxListpackEntries {
		return fmt.Errorf("listpack with %d members", n)
	}
	return nil
}

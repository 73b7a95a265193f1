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
// the members in order, each as a uvarint of its length and of how its
// score is stored, its score and its bytes, then an offset table (see
// pack.go). Like Redis's listpack it stores an integral score as an
// integer (zigzag, in as few bytes as it needs, so small scores take one
// byte; -0 becomes 0) and any other score as its 8 bytes. Finding a member
// scans the entries, as Redis does in a listpack; ranks, score bounds and
// insert positions are binary searches over the offset table; writes move
// the tail. Reads return members that alias the buffer without copying;
// once a buffer has handed out strings its entries never change again.
//
// Adding a member past the limits converts the set, for good, to the
// "skiplist" encoding (zsetFull): an order-statistic B+ tree plus a hash
// table, with O(1) score lookup and O(log n) ranks.
//
// A ZSet is not safe for concurrent use; the keyspace's shard locks guard
// it.
type ZSet struct {
	lp   []byte    // compact form (full == nil; nil when empty): see pack.go
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
	need := 0
	for _, it := range items {
		if len(it.Member) > l.ZSetMaxListpackValue {
			lp = false
			break
		}
		need += zpEntryLen(it.Member, zlistpackScore(it.Score))
	}
	if !lp || !packFits(nil, need, len(items)) {
		return &ZSet{full: newZSetFull(items, lp)}
	}
	if len(items) == 0 {
		return &ZSet{}
	}
	n := len(items)
	tail := packHdr + need
	b := slices.Grow([]byte(nil), tail+2*n)[:tail+2*n]
	packSetCount(b, n) // a fresh buffer: zeroed, not exposed
	p := packHdr
	for i, it := range items {
		// normalizing -0 to 0 cannot break the order: no other member has
		// a score strictly between them
		sc := zlistpackScore(it.Score)
		binary.LittleEndian.PutUint16(b[tail+2*i:], uint16(p))
		zpPut(b, p, it.Member, sc)
		p += zpEntryLen(it.Member, sc)
	}
	return &ZSet{lp: b}
}

// ---------------------------------------------------------------------
// The compact entry format.

// A compact entry is a uvarint header h = len(member)<<3 | k, the score,
// then the member. k = 0: the score's 8 bytes (float64 bits, little
// endian); k = 1..7: an integral score as a zigzag integer in k bytes
// (little endian).

// zpIntMax bounds the integral scores stored as integers: every integer of
// magnitude up to 2^53 converts to float64 and back exactly, and its
// zigzag form fits 7 bytes.
const zpIntMax = 1 << 53

// zpInt returns the zigzag integer and its width in bytes (1..7) when s is
// stored as an integer, or k = 0.
func zpInt(s float64) (u uint64, k int) {
	if s >= -zpIntMax && s <= zpIntMax && s == math.Trunc(s) {
		v := int64(s)
		u = uint64(v<<1) ^ uint64(v>>63)
		k = 1
		for u>>(8*k) != 0 {
			k++
		}
		return u, k
	}
	return 0, 0
}

// zpWidth is the bytes of a score of kind k.
func zpWidth(k int) int {
	if k == 0 {
		return 8
	}
	return k
}

// zpEntryLen is the bytes an entry takes.
func zpEntryLen(m string, s float64) int {
	_, k := zpInt(s)
	return uvarintLen(len(m)<<3) + zpWidth(k) + len(m)
}

// zpPut writes the entry for (m, s) at b[p:] (zpEntryLen bytes).
func zpPut(b []byte, p int, m string, s float64) {
	u, k := zpInt(s)
	h := len(m)<<3 | k
	if h < 0x80 {
		b[p] = byte(h)
		p++
	} else {
		p += binary.PutUvarint(b[p:], uint64(h))
	}
	if k == 0 {
		binary.LittleEndian.PutUint64(b[p:], math.Float64bits(s))
		p += 8
	} else {
		for i := 0; i < k; i++ {
			b[p] = byte(u >> (8 * i))
			p++
		}
	}
	copy(b[p:], m)
}

// zpEntry decodes the header of the entry at p: the score starts at q and
// is of kind k, the member is b[mq:mq+n].
func zpEntry(b []byte, p int) (q, k, mq, n int) {
	h := int(b[p])
	q = p + 1
	if h >= 0x80 {
		h, q = packLenSlow(b, p)
	}
	k = h & 7
	return q, k, q + zpWidth(k), h >> 3
}

// zpSize returns the size of the entry at p.
func zpSize(b []byte, p int) int {
	_, _, mq, n := zpEntry(b, p)
	return mq + n - p
}

// zpScore decodes a score of kind k at b[q:].
func zpScore(b []byte, q, k int) float64 {
	if k == 0 {
		return math.Float64frombits(binary.LittleEndian.Uint64(b[q:]))
	}
	var u uint64
	if q+8 <= len(b) {
		u = binary.LittleEndian.Uint64(b[q:]) & (1<<(8*k) - 1)
	} else {
		for i := k - 1; i >= 0; i-- {
			u = u<<8 | uint64(b[q+i])
		}
	}
	return float64(int64(u>>1) ^ -int64(u&1))
}

// zpAt decodes the entry at p.
func zpAt(b []byte, p int) Z {
	q, k, mq, n := zpEntry(b, p)
	return Z{Score: zpScore(b, q, k), Member: packStr(b, mq, n)}
}

// rankAt returns the member of rank i of a compact set without exposing
// the buffer (the string must not escape unless the caller exposes it).
func (z *ZSet) rankAt(i int) Z {
	tail, _ := packTail(z.lp)
	return zpAt(z.lp, packOff(z.lp, tail, i))
}

// find returns member's rank and score; i < 0 when absent.
func (z *ZSet) find(member string) (i int, score float64) {
	b := z.lp
	tail, cnt := packTail(b)
	if cnt == 0 {
		return -1, 0
	}
	offs := b[tail : tail+2*cnt]
	ml := len(member)
	var last byte
	if ml > 0 {
		last = member[ml-1]
	}
	// the offset table makes the entries independent: no entry has to be
	// decoded to find the next
	if ml < 16 {
		// the header is one byte: compare the length in it, then the
		// member's last byte
		for k := 0; k+1 < len(offs); k += 2 {
			e := int(offs[k]) | int(offs[k+1])<<8
			h := b[e]
			if int(h>>3) != ml {
				continue
			}
			sk := int(h & 7)
			mq := e + 1 + zpWidth(sk)
			if (ml == 0 || b[mq+ml-1] == last) && string(b[mq:mq+ml]) == member {
				return k / 2, zpScore(b, e+1, sk)
			}
		}
		return -1, 0
	}
	for i := 0; i < cnt; i++ {
		q, k, mq, n := zpEntry(b, packOff(b, tail, i))
		if n == ml && b[mq+n-1] == last && string(b[mq:mq+n]) == member {
			return i, zpScore(b, q, k)
		}
	}
	return -1, 0
}

// search returns the number of members ordered before (s, m): binary
// search over the offset table.
func (z *ZSet) search(s float64, m string) int {
	b := z.lp
	tail, n := packTail(b)
	lo, hi := 0, n
	for lo < hi {
		mid := int(uint(lo+hi) >> 1)
		e := packOff(b, tail, mid)
		h, q := int(b[e]), e+1
		if h >= 0x80 {
			h, q = packLenSlow(b, e)
		}
		k := h & 7
		if es := zpScore(b, q, k); es < s || (es == s && packStr(b, q+zpWidth(k), h>>3) < m) {
			lo = mid + 1
		} else {
			hi = mid
		}
	}
	return lo
}

// prefixBy returns how many leading members' scores satisfy pred, which
// must hold for a prefix of them (binary search).
func (z *ZSet) prefixBy(pred func(s float64) bool) int {
	b := z.lp
	tail, n := packTail(b)
	lo, hi := 0, n
	for lo < hi {
		h := int(uint(lo+hi) >> 1)
		q, k, _, _ := zpEntry(b, packOff(b, tail, h))
		if pred(zpScore(b, q, k)) {
			lo = h + 1
		} else {
			hi = h
		}
	}
	return lo
}

// toFull moves a compact set to the general layout: a skiplist, or a
// listpack held in the tree when listpack is set. Members are copied out
// of the buffer, which is released.
func (z *ZSet) toFull(listpack bool, hint int) {
	n := packCount(z.lp)
	items := make([]Z, n)
	for i := range items {
		items[i] = z.rankAt(i)
		items[i].Member = strings.Clone(items[i].Member)
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
	i, s := z.find(member)
	return s, i >= 0
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
		// Only a score the listpack keeps is normalized (-0 to 0): a
		// member that converts the set keeps its score, as in Redis's
		// zsetAdd (the full set's Insert normalizes if it stays a
		// listpack).
		lps := zlistpackScore(score)
		k := zpEntryLen(member, lps)
		switch {
		case n+1 > l.ZSetMaxListpackEntries || len(member) > l.ZSetMaxListpackValue:
			z.toFull(false, n+1)
		case !packFits(z.lp, k, 1):
			z.toFull(true, n+1)
		default:
			i := z.search(lps, member)
			b, at := packSplice(z.lp, i, i, k)
			zpPut(b, at, member, lps)
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
	b := z.lp
	tail, n := packTail(b)
	i := z.search(old, member)
	var si, oldSz int
	if i < n {
		si = packOff(b, tail, i)
		_, _, mq, mn := zpEntry(b, si)
		if packStr(b, mq, mn) == member {
			oldSz = mq + mn - si
		}
	}
	if oldSz == 0 {
		panic("types: ZSet.Update of a member not in the set")
	}
	// the new rank among the other members: search counts the member
	// itself when it moves up
	j := z.search(score, member)
	if old < score {
		j--
	}
	k := zpEntryLen(member, score)
	if !packFits(b, k-oldSz, 0) {
		z.toFull(true, 0)
		z.full.Update(member, old, score)
		return
	}
	if packExposed(b) {
		// strings alias b (member may be one of them): work on a copy
		b = packUnshare(b, max(k-oldSz, 0))
	}
	// rotate the entries between the old and the new rank, moving only
	// their offsets; the entry keeps its old size for now
	setOff := func(r, v int) { binary.LittleEndian.PutUint16(b[tail+2*r:], uint16(v)) }
	at := si
	switch {
	case j > i:
		ej := tail
		if j+1 < n {
			ej = packOff(b, tail, j+1)
		}
		copy(b[si:], b[si+oldSz:ej])
		for r := i; r < j; r++ {
			setOff(r, packOff(b, tail, r+1)-oldSz)
		}
		at = ej - oldSz
		setOff(j, at)
	case j < i:
		at = packOff(b, tail, j)
		copy(b[at+oldSz:], b[at:si])
		for r := i; r > j; r-- {
			setOff(r, packOff(b, tail, r-1)+oldSz)
		}
	}
	if k != oldSz {
		b, at = packSplice(b, j, j+1, k)
	}
	zpPut(b, at, member, score)
	z.lp = b
}

// Delete removes member and reports whether it was there.
func (z *ZSet) Delete(member string) bool {
	if z.full != nil {
		return z.full.Delete(member)
	}
	i, _ := z.find(member)
	if i < 0 {
		return false
	}
	z.cut(i, i+1)
	return true
}

// cut removes the members of ranks [i, j) of a compact set.
func (z *ZSet) cut(i, j int) {
	if j-i == packCount(z.lp) {
		z.lp = nil
		return
	}
	z.lp, _ = packSplice(z.lp, i, j, 0)
}

// Rank returns member's 0-based rank in ascending order and its score.
func (z *ZSet) Rank(member string) (int, float64, bool) {
	if z.full != nil {
		return z.full.Rank(member)
	}
	i, s := z.find(member)
	if i < 0 {
		return 0, 0, false
	}
	return i, s, true
}

// At returns the member at 0-based ascending rank i (0 <= i < Len).
func (z *ZSet) At(i int) Z {
	if z.full != nil {
		return z.full.At(i)
	}
	z.expose()
	return z.rankAt(i)
}

// AtRanks returns the members at the given ranks (each in [0, Len()), in
// the order given, repeats allowed).
func (z *ZSet) AtRanks(ranks []int) []Z {
	out := make([]Z, len(ranks))
	if z.full != nil {
		for i, r := range ranks {
			out[i] = z.full.At(r)
		}
		return out
	}
	z.expose()
	for i, r := range ranks {
		out[i] = z.rankAt(r)
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
	for r, n := max(from, 0), packCount(z.lp); r < n; r++ {
		if !fn(r, z.rankAt(r)) {
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
	for r := min(from, packCount(z.lp)-1); r >= 0; r-- {
		if !fn(r, z.rankAt(r)) {
			return
		}
	}
}

// ScoreBounds returns the ranks [lo, hi) of the members whose scores are
// in r (hi <= lo when none are).
func (z *ZSet) ScoreBounds(r *ScoreRange) (lo, hi int) {
	if z.full != nil {
		return z.full.ScoreBounds(r)
	}
	lo = z.prefixBy(func(s float64) bool { return !r.GteMin(s) })
	hi = z.prefixBy(r.LteMax)
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
	if n == 0 || r.empty() || !r.GteMin(z.rankAt(n-1).Member) || !r.LteMax(z.rankAt(0).Member) {
		return -1
	}
	for i := 0; i < n; i++ {
		if m := z.rankAt(i).Member; r.GteMin(m) {
			if !r.LteMax(m) {
				return -1
			}
			return i
		}
	}
	return -1
}

// LexLast returns the rank of the last member in r, or -1 (see LexFirst).
func (z *ZSet) LexLast(r *LexRange) int {
	if z.full != nil {
		return z.full.LexLast(r)
	}
	n := z.Len()
	if n == 0 || r.empty() || !r.GteMin(z.rankAt(n-1).Member) || !r.LteMax(z.rankAt(0).Member) {
		return -1
	}
	for i := n - 1; i >= 0; i-- {
		if m := z.rankAt(i).Member; r.LteMax(m) {
			if !r.GteMin(m) {
				return -1
			}
			return i
		}
	}
	return -1
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
	lo = max(lo, 0)
	hi = min(hi, z.Len())
	if lo >= hi {
		return 0
	}
	z.cut(lo, hi)
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

// Share reports whether a snapshot may read z in place (see
// keyspace.Sharer): only the general layout, whose reads change nothing
// (reading a compact set marks its buffer exposed), and only when large.
func (z *ZSet) Share() bool { return z.full != nil && z.full.MemUsage() >= ShareMin }

const zsetHeaderSize = int(unsafe.Sizeof(ZSet{}))

// MemUsage returns an estimate of the Go heap bytes the set holds.
func (z *ZSet) MemUsage() int {
	if z.full != nil {
		return zsetHeaderSize + z.full.MemUsage()
	}
	return zsetHeaderSize + cap(z.lp)
}

// Check verifies the set's invariants: for the compact form the frame,
// the order, the listpack limits in force and listpack scores; for the
// general layout see zsetFull.Check.
func (z *ZSet) Check() error {
	if z.full != nil {
		if z.lp != nil {
			return errors.New("sorted set has both a compact buffer and a general layout")
		}
		return z.full.Check()
	}
	if err := packCheck(z.lp, zpSize); err != nil {
		return err
	}
	l := lim()
	n := packCount(z.lp)
	seen := make(map[string]bool, n)
	var prev Z
	for i := 0; i < n; i++ {
		it := z.rankAt(i)
		switch {
		case math.IsNaN(it.Score):
			return fmt.Errorf("rank %d: NaN score", i)
		case it.Score == 0 && math.Signbit(it.Score):
			return errors.New("listpack holds a -0 score")
		case len(it.Member) > l.ZSetMaxListpackValue:
			return fmt.Errorf("listpack member of %d bytes", len(it.Member))
		case seen[it.Member]:
			return fmt.Errorf("member %q appears twice", it.Member)
		case i > 0 && !zless(prev.Score, prev.Member, it.Score, it.Member):
			return fmt.Errorf("compact set out of order at rank %d", i)
		}
		seen[it.Member] = true
		prev = it
	}
	if n > l.ZSetMaxListpackEntries {
		return fmt.Errorf("listpack with %d members", n)
	}
	return nil
}

package types

import (
	"errors"
	"fmt"
	"hash/maphash"
	"math"
	"math/bits"
	"slices"
	"unsafe"
)

// zsetFull is the general layout of a ZSet, used once a set leaves the
// compact form (see ZSet): members ordered by (score, member bytes), with
// O(1) score lookup and O(log n) rank queries.
//
// In the "skiplist" encoding it holds the ordered items plus a hash table
// from member to score. With d == nil it behaves as a listpack (linear
// searches, listpack scores): that only happens when the configured
// zset-max-listpack-entries lets a listpack grow past what the compact
// form counts (packMaxCount).
//
// The ordered items live in a B+ tree whose inner nodes count the items
// under each child (an order-statistic tree), so rank lookups, rank
// ranges and score or lex bounds cost O(log n), as with Redis's skiplist
// spans. Leaves hold up to 128 items in a slice and are linked for range
// walks. The hash table chains entries in power-of-two buckets so ZSCAN can
// use Redis's reverse-binary cursor, which survives resizes.
type zsetFull struct {
	t     ztree
	d     *zdict // nil while the encoding is listpack
	bytes int    // sum of member lengths, for MemUsage
}

// newZSetFull builds the general layout from items already in (score,
// member) order with distinct members: a skiplist, or a listpack when
// listpack is set (scores then stored as a listpack stores them). It
// keeps items' strings but not the slice.
func newZSetFull(items []Z, listpack bool) *zsetFull {
	z := &zsetFull{}
	for _, it := range items {
		z.bytes += len(it.Member)
	}
	if listpack {
		cp := make([]Z, len(items))
		for i, it := range items {
			cp[i] = Z{Score: zlistpackScore(it.Score), Member: it.Member}
		}
		// normalizing -0 to 0 cannot break the order: no other member has
		// a score strictly between them
		z.t.build(cp)
		return z
	}
	z.d = newZDict(len(items))
	for _, it := range items {
		z.d.insert(it.Member, it.Score)
	}
	z.t.build(items)
	return z
}

// zlistpackScore is the score a listpack gives back for s: Redis stores an
// integral score as an integer, which turns -0 into 0.
func zlistpackScore(s float64) float64 {
	if s == 0 {
		return 0
	}
	return s
}

// Len returns the number of members.
func (z *zsetFull) Len() int { return z.t.size() }

// Encoding returns "listpack" or "skiplist", as OBJECT ENCODING reports.
func (z *zsetFull) Encoding() string {
	if z.d == nil {
		return "listpack"
	}
	return "skiplist"
}

// IsListpack reports whether the set uses the compact encoding.
func (z *zsetFull) IsListpack() bool { return z.d == nil }

// Grow converts a listpack set to the skiplist encoding when sizeHint
// members are about to be added and exceed the listpack limit, as Redis's
// zsetTypeMaybeConvert does before a multi-member ZADD.
func (z *zsetFull) Grow(sizeHint int) {
	if z.d == nil && sizeHint > lim().ZSetMaxListpackEntries {
		z.convert(z.Len() + sizeHint)
	}
}

func (z *zsetFull) convert(hint int) {
	z.d = newZDict(hint)
	z.t.ascend(0, func(_ int, it Z) bool {
		z.d.insert(it.Member, it.Score)
		return true
	})
}

// Score returns member's score.
func (z *zsetFull) Score(member string) (float64, bool) {
	if z.d != nil {
		if e := z.d.find(member); e != nil {
			return e.score, true
		}
		return 0, false
	}
	if l := z.t.root; l != nil && l.children == nil {
		// a listpack set is a single leaf
		for i, m := range l.items.m {
			if m == member {
				return l.items.s[i], true
			}
		}
		return 0, false
	}
	var s float64
	found := false
	z.t.ascend(0, func(_ int, it Z) bool {
		if it.Member == member {
			s, found = it.Score, true
			return false
		}
		return true
	})
	return s, found
}

// Insert adds a member that is not in the set. Like Redis's zsetAdd it
// converts a listpack set that would exceed the listpack limits first.
// score must not be NaN.
func (z *zsetFull) Insert(member string, score float64) {
	if z.d == nil {
		if l := lim(); z.Len()+1 > l.ZSetMaxListpackEntries || len(member) > l.ZSetMaxListpackValue {
			z.convert(z.Len() + 1)
		} else {
			score = zlistpackScore(score)
		}
	}
	if z.d != nil {
		z.d.insert(member, score)
	}
	z.bytes += len(member)
	z.t.insert(Z{Score: score, Member: member})
}

// Update changes the score of member, which is in the set with score old,
// to score (not NaN). Like Redis it changes nothing when score == old (so
// -0 does not replace 0). A listpack set stores -0 as 0.
func (z *zsetFull) Update(member string, old, score float64) {
	if z.d == nil {
		score = zlistpackScore(score)
	}
	if score == old {
		return
	}
	if z.d != nil {
		z.d.find(member).score = score
	}
	if !z.t.replaceScore(old, member, score) {
		panic("types: ZSet.Update of a member not in the set")
	}
}

// Delete removes member and reports whether it was there.
func (z *zsetFull) Delete(member string) bool {
	var s float64
	if z.d != nil {
		e := z.d.remove(member)
		if e == nil {
			return false
		}
		s = e.score
	} else {
		var ok bool
		if s, ok = z.Score(member); !ok {
			return false
		}
	}
	z.t.delete(s, member)
	z.bytes -= len(member)
	return true
}

// Rank returns member's 0-based rank in ascending order and its score.
func (z *zsetFull) Rank(member string) (int, float64, bool) {
	if z.d == nil {
		r, found := -1, Z{}
		z.t.ascend(0, func(i int, it Z) bool {
			if it.Member == member {
				r, found = i, it
				return false
			}
			return true
		})
		if r < 0 {
			return 0, 0, false
		}
		return r, found.Score, true
	}
	e := z.d.find(member)
	if e == nil {
		return 0, 0, false
	}
	// the stored string: equal data pointers make the final compare cheap
	r, ok := z.t.rank(e.score, e.member)
	if !ok {
		panic("types: ZSet member missing from its tree")
	}
	return r, e.score, true
}

// At returns the member at 0-based ascending rank i (0 <= i < Len).
func (z *zsetFull) At(i int) Z {
	l, j := z.t.seek(i)
	return l.items.at(j)
}

// Ascend calls fn for the members from rank from upwards until fn
// returns false or the set ends. fn must not modify the set.
func (z *zsetFull) Ascend(from int, fn func(rank int, m Z) bool) { z.t.ascend(from, fn) }

// Descend calls fn for the members from rank from downwards until fn
// returns false or rank 0 is passed. fn must not modify the set.
func (z *zsetFull) Descend(from int, fn func(rank int, m Z) bool) { z.t.descend(from, fn) }

// ScoreBounds returns the ranks [lo, hi) of the members whose scores are
// in r (hi <= lo when none are).
func (z *zsetFull) ScoreBounds(r *ScoreRange) (lo, hi int) {
	lo = z.t.prefix(func(s float64, _ string) bool { return !r.GteMin(s) })
	hi = z.t.prefix(func(s float64, _ string) bool { return r.LteMax(s) })
	return lo, hi
}

// LexFirst returns the rank of the first member in r, or -1. A listpack
// set scans from the start as Redis's listpack code does; a skiplist set
// descends the tree as Redis's skiplist search does. Both agree when all
// scores are equal.
func (z *zsetFull) LexFirst(r *LexRange) int {
	n := z.Len()
	if n == 0 || r.empty() || !r.GteMin(z.At(n-1).Member) || !r.LteMax(z.At(0).Member) {
		return -1
	}
	var i int
	if z.d == nil {
		i = -1
		z.t.ascend(0, func(j int, it Z) bool {
			if r.GteMin(it.Member) {
				i = j
				return false
			}
			return true
		})
		if i < 0 {
			return -1
		}
	} else {
		i = z.t.prefix(func(_ float64, m string) bool { return !r.GteMin(m) })
		if i >= n {
			return -1
		}
	}
	if !r.LteMax(z.At(i).Member) {
		return -1
	}
	return i
}

// LexLast returns the rank of the last member in r, or -1 (see LexFirst).
func (z *zsetFull) LexLast(r *LexRange) int {
	n := z.Len()
	if n == 0 || r.empty() || !r.GteMin(z.At(n-1).Member) || !r.LteMax(z.At(0).Member) {
		return -1
	}
	var i int
	if z.d == nil {
		i = -1
		z.t.descend(n-1, func(j int, it Z) bool {
			if r.LteMax(it.Member) {
				i = j
				return false
			}
			return true
		})
		if i < 0 {
			return -1
		}
	} else {
		i = z.t.prefix(func(_ float64, m string) bool { return r.LteMax(m) }) - 1
		if i < 0 {
			return -1
		}
	}
	if !r.GteMin(z.At(i).Member) {
		return -1
	}
	return i
}

// LexStart returns the rank where ZREMRANGEBYLEX starts deleting: the
// first member in r for a listpack set (-1 if none), the end of the
// skiplist search for members below the range otherwise.
func (z *zsetFull) LexStart(r *LexRange) int {
	if z.d == nil {
		return z.LexFirst(r)
	}
	return z.t.prefix(func(_ float64, m string) bool { return !r.GteMin(m) })
}

// DeleteRange removes the members of ranks [lo, hi) and returns how many
// it removed.
func (z *zsetFull) DeleteRange(lo, hi int) int {
	n := z.Len()
	lo = max(lo, 0)
	hi = min(hi, n)
	if lo >= hi {
		return 0
	}
	k := hi - lo
	z.t.ascend(lo, func(i int, it Z) bool {
		if i >= hi {
			return false
		}
		if z.d != nil {
			z.d.remove(it.Member)
		}
		z.bytes -= len(it.Member)
		return true
	})
	if k <= 16 || k < n/16 {
		for range k {
			z.t.deleteAt(lo)
		}
	} else {
		keep := make([]Z, 0, n-k)
		z.t.ascend(0, func(i int, it Z) bool {
			if i < lo || i >= hi {
				keep = append(keep, it)
			}
			return true
		})
		z.t = ztree{}
		z.t.build(keep)
	}
	if z.d != nil {
		z.d.maybeShrink()
	}
	return k
}

// Scan visits part of the set from cursor and returns the cursor to
// continue with (0 when done), as ZSCAN does. A listpack set visits every
// member and returns 0. A skiplist set walks hash buckets in Redis's
// reverse-binary order, at most count*10 of them, until about count
// values (members and scores both count, as in Redis) were emitted; a
// member present for the whole iteration is visited at least once. emit
// receives each visited member for which keep returns true (keep may be
// nil).
func (z *zsetFull) Scan(cursor uint64, count int, keep func(member string) bool, emit func(m Z)) uint64 {
	if z.d == nil {
		z.t.ascend(0, func(_ int, it Z) bool {
			if keep == nil || keep(it.Member) {
				emit(it)
			}
			return true
		})
		return 0
	}
	if count < 1 {
		count = 10
	}
	iter := count * 10
	emitted := 0
	for {
		cursor = z.d.scan(cursor, func(e *zdentry) {
			if keep == nil || keep(e.member) {
				emit(Z{Score: e.score, Member: e.member})
				emitted += 2
			}
		})
		iter--
		if cursor == 0 || iter <= 0 || emitted >= count {
			return cursor
		}
	}
}

// clone returns a deep copy in the same encoding (member strings are
// immutable and shared).
func (z *zsetFull) clone() *zsetFull {
	c := &zsetFull{bytes: z.bytes}
	items := make([]Z, 0, z.Len())
	z.t.ascend(0, func(_ int, it Z) bool {
		items = append(items, it)
		return true
	})
	c.t.build(items)
	if z.d != nil {
		c.d = newZDict(len(items))
		for _, it := range items {
			c.d.insert(it.Member, it.Score)
		}
	}
	return c
}

// Per-item memory estimates for MemUsage.
const (
	zItemSize  = int(unsafe.Sizeof(Z{}))
	zEntrySize = int(unsafe.Sizeof(zdentry{}))
	zNodeSize  = int(unsafe.Sizeof(znode{}))
	zSetSize   = int(unsafe.Sizeof(zsetFull{}))
	zPtrSize   = int(unsafe.Sizeof(uintptr(0)))
	zStrAlign  = 8
)

// MemUsage returns an estimate of the Go heap bytes the set holds: items
// (at the average leaf fill), member bytes, and the hash table.
func (z *zsetFull) MemUsage() int {
	n := z.Len()
	m := zSetSize + z.bytes + n*zStrAlign/2
	if z.t.root != nil && z.t.root.children == nil {
		m += zNodeSize + cap(z.t.root.items.s)*zItemSize
	} else {
		m += n*zItemSize*4/3 + (n/(zLeafCap/2)+1)*zNodeSize
	}
	if z.d != nil {
		m += n*zEntrySize + len(z.d.buckets)*zPtrSize
	}
	return m
}

// Check verifies the set's invariants: order and counts in the tree,
// leaf links, node fill, the hash table mirroring the tree, the listpack
// limits, and the byte count.
func (z *zsetFull) Check() error {
	if err := z.t.check(); err != nil {
		return err
	}
	n := z.Len()
	total := 0
	var err error
	z.t.ascend(0, func(i int, it Z) bool {
		total += len(it.Member)
		if math.IsNaN(it.Score) {
			err = fmt.Errorf("rank %d: NaN score", i)
			return false
		}
		if z.d == nil {
			if len(it.Member) > lim().ZSetMaxListpackValue {
				err = fmt.Errorf("listpack member of %d bytes", len(it.Member))
			} else if it.Score == 0 && math.Signbit(it.Score) {
				err = errors.New("listpack holds a -0 score")
			}
		} else {
			e := z.d.find(it.Member)
			if e == nil {
				err = fmt.Errorf("member %q missing from the hash table", it.Member)
			} else if e.score != it.Score || math.Signbit(e.score) != math.Signbit(it.Score) {
				err = fmt.Errorf("member %q: table score %v, tree score %v", it.Member, e.score, it.Score)
			}
		}
		return err == nil
	})
	if err != nil {
		return err
	}
	if total != z.bytes {
		return fmt.Errorf("byte count %d, members hold %d", z.bytes, total)
	}
	if z.d == nil {
		if n > lim().ZSetMaxListpackEntries {
			return fmt.Errorf("listpack with %d members", n)
		}
		return nil
	}
	return z.d.check(n)
}

// ---------------------------------------------------------------------
// The order-statistic B+ tree.

const (
	zLeafCap  = 128 // items per leaf
	zLeafMin  = zLeafCap / 4
	zInnerCap = 64 // children per inner node
	zInnerMin = zInnerCap / 4
)

// zvec is a sorted run of items stored as two parallel slices, so binary
// searches read packed scores and touch member bytes only on ties.
type zvec struct {
	s []float64
	m []string
}

func (v *zvec) len() int { return len(v.s) }

func (v *zvec) at(i int) Z { return Z{Score: v.s[i], Member: v.m[i]} }

// zless orders items by score, then member bytes.
func zless(s1 float64, m1 string, s2 float64, m2 string) bool {
	return s1 < s2 || (s1 == s2 && m1 < m2)
}

// search returns the first index whose item is >= (s, m), and whether it
// is equal.
func (v *zvec) search(s float64, m string) (int, bool) {
	lo, hi := 0, len(v.s)
	for lo < hi {
		h := int(uint(lo+hi) >> 1)
		if v.s[h] < s || (v.s[h] == s && v.m[h] < m) {
			lo = h + 1
		} else {
			hi = h
		}
	}
	return lo, lo < len(v.s) && v.s[lo] == s && v.m[lo] == m
}

// upper returns the number of items <= (s, m).
func (v *zvec) upper(s float64, m string) int {
	lo, hi := 0, len(v.s)
	for lo < hi {
		h := int(uint(lo+hi) >> 1)
		if v.s[h] < s || (v.s[h] == s && v.m[h] <= m) {
			lo = h + 1
		} else {
			hi = h
		}
	}
	return lo
}

// reserve makes room for need items, growing the capacity geometrically
// up to limit.
func (v *zvec) reserve(need, limit int) {
	if need <= cap(v.s) && need <= cap(v.m) {
		return
	}
	c := min(max(2*cap(v.s), 4, need), max(limit, need))
	ns := make([]float64, len(v.s), c)
	nm := make([]string, len(v.m), c)
	copy(ns, v.s)
	copy(nm, v.m)
	v.s, v.m = ns, nm
}

func (v *zvec) insert(i int, it Z, limit int) {
	v.reserve(len(v.s)+1, limit)
	v.s = slices.Insert(v.s, i, it.Score)
	v.m = slices.Insert(v.m, i, it.Member)
}

func (v *zvec) remove(i, j int) {
	v.s = slices.Delete(v.s, i, j)
	v.m = slices.Delete(v.m, i, j)
}

// truncate keeps the first n items, clearing the member references of
// the rest.
func (v *zvec) truncate(n int) {
	clear(v.m[n:])
	v.s, v.m = v.s[:n], v.m[:n]
}

func (v *zvec) appendFrom(o *zvec, i, j int, limit int) {
	v.reserve(len(v.s)+j-i, limit)
	v.s = append(v.s, o.s[i:j]...)
	v.m = append(v.m, o.m[i:j]...)
}

func (v *zvec) push(it Z, limit int) {
	v.reserve(len(v.s)+1, limit)
	v.s = append(v.s, it.Score)
	v.m = append(v.m, it.Member)
}

func newZVec(c int) zvec { return zvec{s: make([]float64, 0, c), m: make([]string, 0, c)} }

// znode is a leaf (children == nil: items, prev, next) or an inner node
// (keys, children, cum). keys[i] separates children[i] and
// children[i+1]: every item of children[i] < keys[i] <= every item of
// children[i+1]. cum[i] is the number of items under children[0..i], so a
// rank costs one read per level.
type znode struct {
	items      zvec
	keys       zvec
	children   []*znode
	cum        []int
	prev, next *znode
}

// recount recomputes cum from the children.
func (n *znode) recount() {
	n.cum = n.cum[:0]
	t := 0
	for _, c := range n.children {
		t += c.total()
		n.cum = append(n.cum, t)
	}
}

// add adds d to the count of child ci.
func (n *znode) add(ci, d int) {
	for k := ci; k < len(n.cum); k++ {
		n.cum[k] += d
	}
}

// before returns the number of items under children[0..ci-1].
func (n *znode) before(ci int) int {
	if ci == 0 {
		return 0
	}
	return n.cum[ci-1]
}

// locate returns the child holding rank i and i's rank within it.
func (n *znode) locate(i int) (int, int) {
	lo, hi := 0, len(n.cum)-1
	for lo < hi {
		h := int(uint(lo+hi) >> 1)
		if n.cum[h] > i {
			hi = h
		} else {
			lo = h + 1
		}
	}
	return lo, i - n.before(lo)
}

func (n *znode) isLeaf() bool { return n.children == nil }

func (n *znode) len() int {
	if n.isLeaf() {
		return n.items.len()
	}
	return len(n.children)
}

func (n *znode) total() int {
	if n.isLeaf() {
		return n.items.len()
	}
	return n.cum[len(n.cum)-1]
}

type ztree struct {
	root        *znode
	n           int
	first, last *znode
}

func (t *ztree) size() int { return t.n }

// childFor returns the index of the child whose range holds (s, m): the
// number of separators <= it.
func (n *znode) childFor(s float64, m string) int { return n.keys.upper(s, m) }

func (t *ztree) insert(it Z) {
	if t.root == nil {
		l := &znode{items: newZVec(1)}
		t.root, t.first, t.last = l, l, l
	}
	t.n++
	right, sep, split := t.insertRec(t.root, it)
	if split {
		old := t.root
		t.root = &znode{
			keys:     zvec{s: []float64{sep.Score}, m: []string{sep.Member}},
			children: []*znode{old, right},
			cum:      []int{old.total(), old.total() + right.total()},
		}
	}
}

func (t *ztree) insertRec(n *znode, it Z) (*znode, Z, bool) {
	if n.isLeaf() {
		i, _ := n.items.search(it.Score, it.Member)
		if n.items.len() < zLeafCap {
			n.items.insert(i, it, zLeafCap)
			return nil, Z{}, false
		}
		return t.splitLeaf(n, i, it)
	}
	ci := n.childFor(it.Score, it.Member)
	n.add(ci, 1)
	right, sep, split := t.insertRec(n.children[ci], it)
	if !split {
		return nil, Z{}, false
	}
	n.children = slices.Insert(n.children, ci+1, right)
	n.cum = slices.Insert(n.cum, ci+1, 0)
	n.cum[ci] = n.before(ci) + n.children[ci].total()
	n.cum[ci+1] = n.cum[ci] + right.total()
	n.keys.insert(ci, sep, zInnerCap)
	if len(n.children) <= zInnerCap {
		return nil, Z{}, false
	}
	// split the inner node in half; keys[mid-1] moves up
	mid := len(n.children) / 2
	r := &znode{
		keys:     newZVec(zInnerCap),
		children: append(make([]*znode, 0, zInnerCap+1), n.children[mid:]...),
		cum:      make([]int, 0, zInnerCap+1),
	}
	r.recount()
	r.keys.appendFrom(&n.keys, mid, n.keys.len(), zInnerCap)
	up := n.keys.at(mid - 1)
	n.keys.truncate(mid - 1)
	clear(n.children[mid:])
	n.children = n.children[:mid]
	n.cum = n.cum[:mid]
	return r, up, true
}

// splitLeaf splits the full leaf n while inserting it at index i. A leaf
// at either end of the tree that grows at its outer edge keeps its items
// and gets a fresh neighbour, so ascending (or descending) inserts fill
// leaves completely.
func (t *ztree) splitLeaf(n *znode, i int, it Z) (*znode, Z, bool) {
	r := &znode{items: newZVec(zLeafCap)}
	switch {
	case i == n.items.len() && n.next == nil:
		r.items.push(it, zLeafCap)
	case i == 0 && n.prev == nil:
		r.items.appendFrom(&n.items, 0, n.items.len(), zLeafCap)
		n.items.truncate(0)
		n.items.push(it, zLeafCap)
	default:
		mid := n.items.len() / 2
		r.items.appendFrom(&n.items, mid, n.items.len(), zLeafCap)
		n.items.truncate(mid)
		if i <= mid {
			n.items.insert(i, it, zLeafCap)
		} else {
			r.items.insert(i-mid, it, zLeafCap)
		}
	}
	r.prev, r.next = n, n.next
	if n.next != nil {
		n.next.prev = r
	} else {
		t.last = r
	}
	n.next = r
	return r, r.items.at(0), true
}

// build replaces the tree with the sorted items, leaves filled up.
func (t *ztree) build(items []Z) {
	*t = ztree{n: len(items)}
	if len(items) == 0 {
		return
	}
	var level []*znode
	var counts []int
	for i := 0; i < len(items); i += zLeafCap {
		j := min(i+zLeafCap, len(items))
		c := zLeafCap
		if len(items) <= zLeafCap {
			c = len(items) // a small set: no room to spare
		}
		l := &znode{items: newZVec(c)}
		for _, it := range items[i:j] {
			l.items.push(it, c)
		}
		if len(level) > 0 {
			p := level[len(level)-1]
			p.next, l.prev = l, p
		}
		level = append(level, l)
		counts = append(counts, j-i)
	}
	t.first, t.last = level[0], level[len(level)-1]
	// an undersized last leaf takes items from its neighbour
	if n := len(level); n > 1 && level[n-1].items.len() < zLeafMin {
		a, b := level[n-2], level[n-1]
		h := (a.items.len() + b.items.len()) / 2
		moved := newZVec(zLeafCap)
		moved.appendFrom(&a.items, h, a.items.len(), zLeafCap)
		moved.appendFrom(&b.items, 0, b.items.len(), zLeafCap)
		a.items.truncate(h)
		b.items = moved
		counts[n-2], counts[n-1] = a.items.len(), b.items.len()
	}
	firstOf := func(n *znode) Z {
		for !n.isLeaf() {
			n = n.children[0]
		}
		return n.items.at(0)
	}
	for len(level) > 1 {
		var up []*znode
		var upCounts []int
		for i := 0; i < len(level); {
			j := min(i+zInnerCap, len(level))
			// avoid an undersized last node
			if rest := len(level) - j; rest > 0 && rest < zInnerMin {
				j = i + (len(level)-i)/2
			}
			p := &znode{
				children: append(make([]*znode, 0, zInnerCap+1), level[i:j]...),
				cum:      make([]int, 0, zInnerCap+1),
				keys:     newZVec(zInnerCap),
			}
			sum := 0
			for k := i; k < j; k++ {
				if k > i {
					p.keys.push(firstOf(level[k]), zInnerCap)
				}
				sum += counts[k]
				p.cum = append(p.cum, sum)
			}
			up = append(up, p)
			upCounts = append(upCounts, sum)
			i = j
		}
		level, counts = up, upCounts
	}
	t.root = level[0]
}

// rank returns the 0-based rank of (s, m).
func (t *ztree) rank(s float64, m string) (int, bool) {
	n := t.root
	if n == nil {
		return 0, false
	}
	r := 0
	for !n.isLeaf() {
		ci := n.childFor(s, m)
		r += n.before(ci)
		n = n.children[ci]
	}
	i, ok := n.items.search(s, m)
	return r + i, ok
}

// seek returns the leaf and index of rank i (0 <= i < n).
func (t *ztree) seek(i int) (*znode, int) {
	n := t.root
	for !n.isLeaf() {
		var ci int
		ci, i = n.locate(i)
		n = n.children[ci]
	}
	return n, i
}

func (t *ztree) ascend(from int, fn func(int, Z) bool) {
	if from < 0 {
		from = 0
	}
	if from >= t.n {
		return
	}
	l, i := t.seek(from)
	r := from
	for l != nil {
		for ; i < l.items.len(); i++ {
			if !fn(r, l.items.at(i)) {
				return
			}
			r++
		}
		l, i = l.next, 0
	}
}

func (t *ztree) descend(from int, fn func(int, Z) bool) {
	if from >= t.n {
		from = t.n - 1
	}
	if from < 0 {
		return
	}
	l, i := t.seek(from)
	r := from
	for l != nil {
		for ; i >= 0; i-- {
			if !fn(r, l.items.at(i)) {
				return
			}
			r--
		}
		l = l.prev
		if l != nil {
			i = l.items.len() - 1
		}
	}
}

// prefix returns how many leading items satisfy pred, which must be true
// for a prefix of the items and false after (on a non-monotone predicate
// it returns the end of a descent that follows the separators).
func (t *ztree) prefix(pred func(s float64, m string) bool) int {
	n := t.root
	if n == nil {
		return 0
	}
	search := func(v *zvec) int {
		lo, hi := 0, v.len()
		for lo < hi {
			h := int(uint(lo+hi) >> 1)
			if pred(v.s[h], v.m[h]) {
				lo = h + 1
			} else {
				hi = h
			}
		}
		return lo
	}
	r := 0
	for !n.isLeaf() {
		ci := search(&n.keys)
		r += n.before(ci)
		n = n.children[ci]
	}
	return r + search(&n.items)
}

// replaceScore moves item (old, m) to score s, in place when its
// neighbours allow.
func (t *ztree) replaceScore(old float64, m string, s float64) bool {
	n := t.root
	if n == nil {
		return false
	}
	for !n.isLeaf() {
		n = n.children[n.childFor(old, m)]
	}
	i, ok := n.items.search(old, m)
	if !ok {
		return false
	}
	v := &n.items
	member := v.m[i] // keep the stored string
	// in place when it stays strictly between its neighbours within the
	// leaf, so the separators stay valid
	if (i > 0 && zless(v.s[i-1], v.m[i-1], s, member) || i == 0 && n.prev == nil) &&
		(i+1 < v.len() && zless(s, member, v.s[i+1], v.m[i+1]) || i+1 == v.len() && n.next == nil) {
		v.s[i] = s
		return true
	}
	t.delete(old, member)
	t.insert(Z{Score: s, Member: member})
	return true
}

func (t *ztree) delete(s float64, m string) bool {
	if t.root == nil || !t.deleteRec(t.root, s, m) {
		return false
	}
	t.n--
	t.shrinkRoot()
	return true
}

func (t *ztree) deleteRec(n *znode, s float64, m string) bool {
	if n.isLeaf() {
		i, ok := n.items.search(s, m)
		if !ok {
			return false
		}
		n.items.remove(i, i+1)
		return true
	}
	ci := n.childFor(s, m)
	if !t.deleteRec(n.children[ci], s, m) {
		return false
	}
	n.add(ci, -1)
	t.rebalance(n, ci)
	return true
}

// deleteAt removes the item of rank i.
func (t *ztree) deleteAt(i int) {
	t.deleteAtRec(t.root, i)
	t.n--
	t.shrinkRoot()
}

func (t *ztree) deleteAtRec(n *znode, i int) {
	if n.isLeaf() {
		n.items.remove(i, i+1)
		return
	}
	ci, i := n.locate(i)
	t.deleteAtRec(n.children[ci], i)
	n.add(ci, -1)
	t.rebalance(n, ci)
}

func (t *ztree) shrinkRoot() {
	for t.root != nil && !t.root.isLeaf() && len(t.root.children) == 1 {
		t.root = t.root.children[0]
	}
	if t.n == 0 {
		*t = ztree{}
	}
}

// rebalance fixes child ci of n after a deletion left it under-filled,
// by merging it with a neighbour or moving items over from one.
func (t *ztree) rebalance(n *znode, ci int) {
	c := n.children[ci]
	minLen := zLeafMin
	capLen := zLeafCap
	if !c.isLeaf() {
		minLen, capLen = zInnerMin, zInnerCap
	}
	if c.len() >= minLen || len(n.children) < 2 {
		return
	}
	j := max(ci-1, 0) // work on the pair (j, j+1)
	a, b := n.children[j], n.children[j+1]
	if a.len()+b.len() <= capLen {
		t.merge(n, j)
		return
	}
	if a.isLeaf() {
		// redistribute evenly between a and b
		total := a.items.len() + b.items.len()
		h := total / 2
		if a.items.len() > h {
			nb := newZVec(zLeafCap)
			nb.appendFrom(&a.items, h, a.items.len(), zLeafCap)
			nb.appendFrom(&b.items, 0, b.items.len(), zLeafCap)
			a.items.truncate(h)
			b.items = nb
		} else {
			k := h - a.items.len()
			a.items.appendFrom(&b.items, 0, k, zLeafCap)
			b.items.remove(0, k)
		}
		n.cum[j] = n.before(j) + a.items.len()
		n.keys.s[j], n.keys.m[j] = b.items.s[0], b.items.m[0]
		return
	}
	// inner: rotate through the separator
	keys := newZVec(a.keys.len() + b.keys.len() + 1)
	keys.appendFrom(&a.keys, 0, a.keys.len(), 0)
	keys.push(n.keys.at(j), 0)
	keys.appendFrom(&b.keys, 0, b.keys.len(), 0)
	kids := append(append(make([]*znode, 0, len(a.children)+len(b.children)), a.children...), b.children...)
	h := len(kids) / 2
	clear(a.children)
	clear(b.children)
	a.children = append(a.children[:0], kids[:h]...)
	a.keys.truncate(0)
	a.keys.appendFrom(&keys, 0, h-1, zInnerCap)
	n.keys.s[j], n.keys.m[j] = keys.s[h-1], keys.m[h-1]
	b.children = append(b.children[:0], kids[h:]...)
	b.keys.truncate(0)
	b.keys.appendFrom(&keys, h, keys.len(), zInnerCap)
	a.recount()
	b.recount()
	n.cum[j] = n.before(j) + a.total()
}

// merge joins children j and j+1 of n into child j.
func (t *ztree) merge(n *znode, j int) {
	a, b := n.children[j], n.children[j+1]
	if a.isLeaf() {
		a.items.appendFrom(&b.items, 0, b.items.len(), zLeafCap)
		a.next = b.next
		if b.next != nil {
			b.next.prev = a
		} else {
			t.last = a
		}
	} else {
		a.keys.push(n.keys.at(j), zInnerCap)
		a.keys.appendFrom(&b.keys, 0, b.keys.len(), zInnerCap)
		a.children = append(a.children, b.children...)
		a.recount()
	}
	n.children = slices.Delete(n.children, j+1, j+2)
	n.cum = slices.Delete(n.cum, j, j+1)
	n.keys.remove(j, j+1)
}

func (t *ztree) check() error {
	if t.root == nil {
		if t.n != 0 || t.first != nil || t.last != nil {
			return errors.New("empty tree with a count or leaves")
		}
		return nil
	}
	var leaves []*znode
	inside := func(it, lo, hi *Z) bool {
		return (lo == nil || !zless(it.Score, it.Member, lo.Score, lo.Member)) &&
			(hi == nil || zless(it.Score, it.Member, hi.Score, hi.Member))
	}
	var walk func(n *znode, depth int, lo, hi *Z, isRoot bool) (int, int, error)
	walk = func(n *znode, depth int, lo, hi *Z, isRoot bool) (int, int, error) {
		if n.isLeaf() {
			leaves = append(leaves, n)
			v := &n.items
			if len(v.s) != len(v.m) {
				return 0, 0, errors.New("leaf score and member counts differ")
			}
			if v.len() > zLeafCap {
				return 0, 0, fmt.Errorf("leaf of %d items", v.len())
			}
			if !isRoot && v.len() == 0 {
				return 0, 0, errors.New("empty leaf")
			}
			for i := range v.s {
				if i > 0 && !zless(v.s[i-1], v.m[i-1], v.s[i], v.m[i]) {
					return 0, 0, fmt.Errorf("leaf out of order at %d", i)
				}
				if it := v.at(i); !inside(&it, lo, hi) {
					return 0, 0, fmt.Errorf("item %v outside its separators", it)
				}
			}
			return v.len(), depth, nil
		}
		if n.keys.len() != len(n.children)-1 || len(n.keys.m) != len(n.keys.s) || len(n.cum) != len(n.children) {
			return 0, 0, errors.New("inner node shape")
		}
		if len(n.children) > zInnerCap || len(n.children) < 2 {
			return 0, 0, fmt.Errorf("inner node of %d children", len(n.children))
		}
		total, d := 0, -1
		for i, c := range n.children {
			clo, chi := lo, hi
			if i > 0 {
				k := n.keys.at(i - 1)
				clo = &k
				if i > 1 && !zless(n.keys.s[i-2], n.keys.m[i-2], k.Score, k.Member) {
					return 0, 0, errors.New("separators out of order")
				}
			}
			if i < n.keys.len() {
				k := n.keys.at(i)
				chi = &k
			}
			cnt, cd, err := walk(c, depth+1, clo, chi, false)
			if err != nil {
				return 0, 0, err
			}
			if got := n.cum[i] - n.before(i); cnt != got {
				return 0, 0, fmt.Errorf("count %d for a child of %d items", got, cnt)
			}
			if d >= 0 && cd != d {
				return 0, 0, errors.New("leaves at different depths")
			}
			d = cd
			total += cnt
		}
		return total, d, nil
	}
	total, _, err := walk(t.root, 0, nil, nil, true)
	if err != nil {
		return err
	}
	if total != t.n {
		return fmt.Errorf("tree holds %d items, count says %d", total, t.n)
	}
	if t.first != leaves[0] || t.last != leaves[len(leaves)-1] {
		return errors.New("first/last leaf pointers")
	}
	for i, l := range leaves {
		var p, nx *znode
		if i > 0 {
			p = leaves[i-1]
		}
		if i+1 < len(leaves) {
			nx = leaves[i+1]
		}
		if l.prev != p || l.next != nx {
			return fmt.Errorf("leaf %d links", i)
		}
	}
	return nil
}

// ---------------------------------------------------------------------
// The member → score hash table.

var zseed = maphash.MakeSeed()

type zdentry struct {
	member string
	score  float64
	next   *zdentry
}

// zdict is a chained hash table with power-of-two buckets, resized at
// once (load factor 1 up, 1/8 down).
type zdict struct {
	buckets []*zdentry
	n       int
}

const zdictMin = 4

func newZDict(hint int) *zdict {
	size := zdictMin
	for size < hint {
		size <<= 1
	}
	return &zdict{buckets: make([]*zdentry, size)}
}

func (d *zdict) bucket(m string) uint64 {
	return maphash.String(zseed, m) & uint64(len(d.buckets)-1)
}

func (d *zdict) find(m string) *zdentry {
	for e := d.buckets[d.bucket(m)]; e != nil; e = e.next {
		if e.member == m {
			return e
		}
	}
	return nil
}

// insert adds m, which must be absent.
func (d *zdict) insert(m string, s float64) {
	if d.n >= len(d.buckets) {
		d.resize(len(d.buckets) * 2)
	}
	b := d.bucket(m)
	d.buckets[b] = &zdentry{member: m, score: s, next: d.buckets[b]}
	d.n++
}

func (d *zdict) remove(m string) *zdentry {
	p := &d.buckets[d.bucket(m)]
	for e := *p; e != nil; e = e.next {
		if e.member == m {
			*p = e.next
			e.next = nil
			d.n--
			return e
		}
		p = &e.next
	}
	return nil
}

func (d *zdict) maybeShrink() {
	if len(d.buckets) > zdictMin && d.n*8 < len(d.buckets) {
		size := zdictMin
		for size < d.n {
			size <<= 1
		}
		d.resize(size)
	}
}

func (d *zdict) resize(size int) {
	nb := make([]*zdentry, size)
	mask := uint64(size - 1)
	for _, e := range d.buckets {
		for e != nil {
			next := e.next
			b := maphash.String(zseed, e.member) & mask
			e.next = nb[b]
			nb[b] = e
			e = next
		}
	}
	d.buckets = nb
}

// scan emits the entries of bucket (cursor & mask) and returns the next
// cursor in reverse-binary order (dictScan's algorithm for one table).
func (d *zdict) scan(cursor uint64, fn func(*zdentry)) uint64 {
	mask := uint64(len(d.buckets) - 1)
	for e := d.buckets[cursor&mask]; e != nil; e = e.next {
		fn(e)
	}
	cursor |= ^mask
	cursor = bits.Reverse64(cursor)
	cursor++
	return bits.Reverse64(cursor)
}

func (d *zdict) check(n int) error {
	if d.n != n {
		return fmt.Errorf("hash table holds %d members, the tree %d", d.n, n)
	}
	cnt := 0
	for i, e := range d.buckets {
		for ; e != nil; e = e.next {
			if d.bucket(e.member) != uint64(i) {
				return fmt.Errorf("member %q in the wrong bucket", e.member)
			}
			cnt++
		}
	}
	if cnt != d.n {
		return fmt.Errorf("hash table chains hold %d, count says %d", cnt, d.n)
	}
	if len(d.buckets)&(len(d.buckets)-1) != 0 {
		return errors.New("bucket count is not a power of two")
	}
	return nil
}

package types

import (
	"bytes"
	"fmt"
	"math"
	"slices"
	"unsafe"

	"github.com/embedis/embedis/internal/rconv"
)

// List is a Redis list: a deque of packed chunks, like Redis's quicklist.
//
// Each chunk holds its elements back to back in one byte buffer, each one
// framed by its length in front (a uvarint) and behind (the same number
// written backwards), so a chunk can be walked in both directions and
// costs two or three bytes per element beyond the data. A chunk keeps free
// room at both ends of its buffer, so pushing and popping at either end of
// the list is amortised O(1). Reaching index i skips whole chunks from the
// nearer end of the list and then walks inside one chunk: O(n/chunk +
// chunk).
//
// Chunks are cut exactly where Redis 7.4 cuts quicklist nodes for
// list-max-listpack-size (SetLimits; by default -2: 8 KiB per node,
// measured in listpack bytes; a positive value counts elements), and the
// list tracks the listpack size Redis would have. Encoding therefore
// answers what OBJECT ENCODING says on Redis: "listpack" while the list is
// one small listpack, "quicklist" once a push would take it over the
// limit, and "listpack" again when elements are removed and a lone node
// has shrunk to half the limit (Redis's hysteresis). A quicklist keeps the
// node limit it was created with. Nodes are never
// compressed (list-compress-depth 0, the default) and there are no plain
// nodes (those start at 1 GiB per element, above proto-max-bulk-len).
//
// Inserting methods apply Redis's growing conversion themselves, before
// they insert (listTypeTryConversionAppend). Removing methods never change
// the encoding: call ShrinkEncoding afterwards, at the point where Redis
// calls listTypeTryConversion with LIST_CONV_SHRINKING.
//
// A List is not safe for concurrent use. Byte slices passed to callbacks
// alias the list's memory and are valid only until the next modification.
type List struct {
	ring  []*lchunk // circular buffer of chunks; len is 0 or a power of two
	head  int       // ring index of the first chunk
	nc    int       // number of chunks
	n     int       // number of elements
	mem   int       // bytes held by chunk buffers and chunk headers
	fill  int32     // a quicklist's list-max-listpack-size, fixed when it became one
	quick bool      // Redis would use the quicklist encoding
}

// lchunk is one node: elements packed in buf[lo:hi].
type lchunk struct {
	buf    []byte
	lo, hi int
	n      int32 // number of elements
	sz     int32 // bytes of the equivalent Redis listpack (lpBytes, at most a few times 8 KiB)
}

const (
	// lnodeSafetyLimit is quicklist's SIZE_SAFETY_LIMIT: the most bytes a
	// node limited by a count (list-max-listpack-size > 0) may hold.
	lnodeSafetyLimit = 8192
	// lsizeEstimateOverhead is quicklist's allowance for an entry's header
	// when it checks whether a value still fits a node.
	lsizeEstimateOverhead = 8
	// llpEmptySize is an empty listpack: a 6-byte header and the end byte.
	llpEmptySize = 7
	// chunkOverhead approximates a chunk's header plus its ring slot.
	lchunkOverhead = int(unsafe.Sizeof(lchunk{})) + 8
	// lheaderOverhead approximates the List header.
	lheaderOverhead = int(unsafe.Sizeof(List{}))
	// lmaxSlack bounds the spare room added to a chunk buffer when it grows.
	lmaxSlack = 8192
)

// NewList returns an empty list (listpack encoding).
func NewList() *List { return &List{} }

// Len returns the number of elements.
func (l *List) Len() int { return l.n }

// Encoding returns the name OBJECT ENCODING gives the list in Redis 7.4:
// "listpack" or "quicklist".
func (l *List) Encoding() string {
	if l.quick {
		return "quicklist"
	}
	return "listpack"
}

// MemUsage returns an approximate count of the bytes of Go heap the list
// holds.
func (l *List) MemUsage() int { return lheaderOverhead + l.mem + 8*len(l.ring) }

// ---------------------------------------------------------------------------
// listpack size accounting (what Redis's lpBytes would say)

// llpEntrySize returns the bytes a listpack entry holding s takes: the
// encoding byte(s), the data (integers are stored in binary when s is a
// canonical int64, as lpStringToInt64 decides) and the back-length.
func llpEntrySize[T string | []byte](s T) int {
	var l int
	v, isInt := int64(0), false
	if len(s) > 0 && len(s) <= 20 {
		v, isInt = lparseInt(s)
	}
	if isInt {
		switch {
		case v >= 0 && v <= 127:
			l = 1
		case v >= -4096 && v <= 4095:
			l = 2
		case v >= -32768 && v <= 32767:
			l = 3
		case v >= -8388608 && v <= 8388607:
			l = 4
		case v >= -2147483648 && v <= 2147483647:
			l = 5
		default:
			l = 9
		}
	} else {
		n := len(s)
		switch {
		case n < 64:
			l = 1 + n
		case n < 4096:
			l = 2 + n
		default:
			l = 5 + n
		}
	}
	switch {
	case l <= 127:
		return l + 1
	case l < 16383:
		return l + 2
	case l < 2097151:
		return l + 3
	case l < 268435455:
		return l + 4
	}
	return l + 5
}

func lparseInt[T string | []byte](s T) (int64, bool) {
	switch v := any(s).(type) {
	case string:
		return rconv.ParseIntString(v)
	case []byte:
		return rconv.ParseInt(v)
	}
	return 0, false
}

// lnodeLimit is quicklistNodeLimit: the most listpack bytes and entries
// a node may hold for list-max-listpack-size fill (a negative fill limits
// bytes, -1 to -5 for 4 to 64 KiB; a positive one entries, with 0 as 1).
// The other limit is unbounded (math.MaxInt).
func lnodeLimit(fill int) (size, count int) {
	if fill >= 0 {
		return math.MaxInt, max(fill, 1)
	}
	return 4096 << min(-fill-1, 4), math.MaxInt
}

// lnodeExceeds is quicklistNodeExceedsLimit.
func lnodeExceeds(fill, size, count int) bool {
	szLim, cntLim := lnodeLimit(fill)
	if szLim != math.MaxInt {
		return size > szLim
	}
	return size > lnodeSafetyLimit || count > cntLim
}

// allowInsert is quicklist's _quicklistNodeAllowInsert: may a value of n
// bytes go into c without a new node?
func (l *List) allowInsert(c *lchunk, n int) bool {
	return c != nil && !lnodeExceeds(int(l.fill), int(c.sz)+n+lsizeEstimateOverhead, int(c.n)+1)
}

// allowMerge is quicklist's _quicklistNodeAllowMerge.
func (l *List) allowMerge(a, b *lchunk) bool {
	return a != nil && b != nil && !lnodeExceeds(int(l.fill), int(a.sz+b.sz)-llpEmptySize, int(a.n+b.n))
}

// growConversion is listTypeTryConvertListpack: before adding addLen
// values whose raw lengths sum to addBytes, a listpack list that would go
// over the list-max-listpack-size in force becomes a quicklist (its
// listpack becomes the first node) that keeps that setting.
func (l *List) growConversion(addBytes, addLen int) {
	if l.quick {
		return
	}
	sz := llpEmptySize
	if l.nc > 0 {
		sz = int(l.chunkAt(0).sz)
	}
	fill := lim().ListMaxListpackSize
	if lnodeExceeds(fill, sz+addBytes, l.n+addLen) {
		l.quick, l.fill = true, int32(fill)
	}
}

// ShrinkEncoding applies Redis's shrinking conversion
// (listTypeTryConvertQuicklist with shrinking set): a quicklist made of a
// single node of at most half the limits in force becomes a listpack
// again. Call it after removing elements from a non-empty list, where
// Redis does.
func (l *List) ShrinkEncoding() {
	if !l.quick || l.nc != 1 {
		return
	}
	szLim, cntLim := lnodeLimit(lim().ListMaxListpackSize) // (MaxInt: no limit; half of it is still none)
	if int(l.chunkAt(0).sz) <= szLim/2 && l.n <= cntLim/2 {
		l.quick = false
	}
}

// ---------------------------------------------------------------------------
// entry framing inside a chunk

func luvarintLen(n int) int {
	k := 1
	for n >= 0x80 {
		n >>= 7
		k++
	}
	return k
}

// lframeLen is the bytes an element of n bytes takes in a chunk.
func lframeLen(n int) int { return 2*luvarintLen(n) + n }

// lputFrame writes s framed at dst[0:lframeLen(len(s))].
func lputFrame[T string | []byte](dst []byte, s T) {
	n := len(s)
	k := luvarintLen(n)
	p := 0
	for v := n; ; {
		if v < 0x80 {
			dst[p] = byte(v)
			p++
			break
		}
		dst[p] = byte(v) | 0x80
		v >>= 7
		p++
	}
	p += copy(dst[p:], s)
	// back-length: the last byte holds the low 7 bits; 0x80 means more
	// bits follow at lower addresses.
	for i := 0; i < k; i++ {
		b := byte(n>>(7*i)) & 0x7f
		if i < k-1 {
			b |= 0x80
		}
		dst[p+k-1-i] = b
	}
}

// lnext decodes the element framed at buf[p:]: its data is buf[ds:de] and
// the following element starts at nx.
func lnext(buf []byte, p int) (ds, de, nx int) {
	n, shift := 0, 0
	for {
		b := buf[p]
		p++
		n |= int(b&0x7f) << shift
		if b < 0x80 {
			break
		}
		shift += 7
	}
	ds, de = p, p+n
	return ds, de, de + luvarintLen(n)
}

// lprev decodes the element that ends at buf[end-1]: it starts at st and
// its data is buf[ds:de].
func lprev(buf []byte, end int) (st, ds, de int) {
	n, shift, p := 0, 0, end
	for {
		p--
		b := buf[p]
		n |= int(b&0x7f) << shift
		if b < 0x80 {
			break
		}
		shift += 7
	}
	de = p
	ds = de - n
	return ds - luvarintLen(n), ds, de
}

// ---------------------------------------------------------------------------
// chunk buffer management

func (l *List) newChunk(capacity int) *lchunk {
	c := &lchunk{buf: make([]byte, capacity), sz: llpEmptySize}
	l.mem += capacity + lchunkOverhead
	return c
}

// reserve makes room for need more bytes at the front (front=true) or the
// back of c, reallocating with spare room when needed.
func (l *List) reserve(c *lchunk, need int, front bool) {
	if front && c.lo >= need || !front && len(c.buf)-c.hi >= need {
		return
	}
	used := c.hi - c.lo
	var slack int
	if l.quick {
		slack = min(max(used+need, 32), lmaxSlack)
		if used == 0 {
			// a new node of a big list: it will most likely fill up
			szLim, _ := lnodeLimit(int(l.fill))
			slack = max(slack, min(szLim, lnodeSafetyLimit)/4)
		}
	} else {
		// a listpack list: small lists are many, so grow by an eighth
		// (still amortised O(1) per push, and at most 8 KiB to copy)
		slack = max((used+need)/8, 8)
	}
	var fg, bg int
	if front {
		fg = need + slack*3/4
		bg = slack - slack*3/4
	} else {
		fg = slack / 4
		bg = need + slack - slack/4
	}
	// the allocator rounds the size up to its size class: use all of it
	nb := slices.Grow([]byte(nil), fg+used+bg)
	nb = nb[:cap(nb)]
	if front {
		fg += len(nb) - (fg + used + bg)
	}
	copy(nb[fg:], c.buf[c.lo:c.hi])
	l.mem += len(nb) - len(c.buf)
	c.buf, c.lo, c.hi = nb, fg, fg+used
}

// fit trims c's buffer to its contents when it holds much spare room (a
// node that stopped growing because a new one was started next to it).
func (l *List) fit(c *lchunk) {
	used := c.hi - c.lo
	if len(c.buf)-used <= used/8+16 {
		return
	}
	nb := make([]byte, used)
	copy(nb, c.buf[c.lo:c.hi])
	l.mem += used - len(c.buf)
	c.buf, c.lo, c.hi = nb, 0, used
}

// openGap makes fl free bytes at byte position p of c (p between lo and
// hi, on an element boundary) and returns the new position of the gap.
func (l *List) openGap(c *lchunk, p, fl int) int {
	if len(c.buf)-c.hi < fl && c.lo < fl {
		off := p - c.lo
		l.reserve(c, fl, false)
		p = c.lo + off
	}
	// move the shorter side when both sides have room
	if len(c.buf)-c.hi >= fl && (c.lo < fl || c.hi-p <= p-c.lo) {
		copy(c.buf[p+fl:], c.buf[p:c.hi])
		c.hi += fl
		return p
	}
	copy(c.buf[c.lo-fl:], c.buf[c.lo:p])
	c.lo -= fl
	return p - fl
}

// lcut removes the bytes buf[p:q] of c.
func lcut(c *lchunk, p, q int) {
	if p-c.lo < c.hi-q {
		copy(c.buf[c.lo+q-p:], c.buf[c.lo:p])
		c.lo += q - p
	} else {
		copy(c.buf[p:], c.buf[q:c.hi])
		c.hi -= q - p
	}
}

func (c *lchunk) pushFront(l *List, s string) {
	fl := lframeLen(len(s))
	l.reserve(c, fl, true)
	c.lo -= fl
	lputFrame(c.buf[c.lo:c.lo+fl], s)
	c.n++
	c.sz += int32(llpEntrySize(s))
}

func (c *lchunk) pushBack(l *List, s string) {
	fl := lframeLen(len(s))
	l.reserve(c, fl, false)
	lputFrame(c.buf[c.hi:c.hi+fl], s)
	c.hi += fl
	c.n++
	c.sz += int32(llpEntrySize(s))
}

// insertAt inserts s as the element starting at byte position p of c.
func (l *List) insertAt(c *lchunk, p int, s string) {
	fl := lframeLen(len(s))
	p = l.openGap(c, p, fl)
	lputFrame(c.buf[p:p+fl], s)
	c.n++
	c.sz += int32(llpEntrySize(s))
}

// seek returns the byte position of element off (0-based) of c.
func (c *lchunk) seek(off int) int {
	if off <= int(c.n)/2 {
		p := c.lo
		for range off {
			_, _, p = lnext(c.buf, p)
		}
		return p
	}
	p := c.hi
	for i := int(c.n); i > off; i-- {
		p, _, _ = lprev(c.buf, p)
	}
	return p
}

// ---------------------------------------------------------------------------
// the ring of chunks

func (l *List) chunkAt(i int) *lchunk { return l.ring[(l.head+i)&(len(l.ring)-1)] }

func (l *List) growRing() {
	if l.nc < len(l.ring) {
		return
	}
	nr := make([]*lchunk, max(1, 2*len(l.ring)))
	for i := range l.nc {
		nr[i] = l.chunkAt(i)
	}
	l.ring, l.head = nr, 0
}

// insertChunk places c at chunk index i (0..nc).
func (l *List) insertChunk(i int, c *lchunk) {
	l.growRing()
	mask := len(l.ring) - 1
	if i == 0 {
		l.head = (l.head - 1) & mask
		l.ring[l.head] = c
		l.nc++
		return
	}
	for j := l.nc; j > i; j-- {
		l.ring[(l.head+j)&mask] = l.ring[(l.head+j-1)&mask]
	}
	l.ring[(l.head+i)&mask] = c
	l.nc++
}

// removeChunk drops chunk index i.
func (l *List) removeChunk(i int) {
	mask := len(l.ring) - 1
	c := l.chunkAt(i)
	l.mem -= len(c.buf) + lchunkOverhead
	if i == 0 {
		l.ring[l.head] = nil
		l.head = (l.head + 1) & mask
	} else {
		for j := i; j < l.nc-1; j++ {
			l.ring[(l.head+j)&mask] = l.ring[(l.head+j+1)&mask]
		}
		l.ring[(l.head+l.nc-1)&mask] = nil
	}
	l.nc--
	if l.nc == 0 {
		l.ring, l.head = nil, 0
	} else if len(l.ring) > 8 && l.nc < len(l.ring)/4 {
		nr := make([]*lchunk, len(l.ring)/2)
		for j := range l.nc {
			nr[j] = l.chunkAt(j)
		}
		l.ring, l.head = nr, 0
	}
}

// locate returns the chunk index and the offset in that chunk of element
// i (0 <= i < n), skipping whole chunks from the nearer end.
func (l *List) locate(i int) (ci, off int) {
	if i < l.n/2 {
		for ci = 0; ; ci++ {
			c := l.chunkAt(ci)
			if i < int(c.n) {
				return ci, i
			}
			i -= int(c.n)
		}
	}
	r := l.n - 1 - i // index from the tail
	for ci = l.nc - 1; ; ci-- {
		c := l.chunkAt(ci)
		if r < int(c.n) {
			return ci, int(c.n) - 1 - r
		}
		r -= int(c.n)
	}
}

// ---------------------------------------------------------------------------
// pushes and pops

// PushFront pushes vals one after the other at the head (LPUSH: the last
// value ends up first), converting the encoding first as Redis does for
// the whole batch.
func (l *List) PushFront(vals ...string) {
	l.growConversion(lrawBytes(vals), len(vals))
	for _, s := range vals {
		l.pushFront(s)
	}
}

// PushBack pushes vals one after the other at the tail (RPUSH).
func (l *List) PushBack(vals ...string) {
	l.growConversion(lrawBytes(vals), len(vals))
	for _, s := range vals {
		l.pushBack(s)
	}
}

func lrawBytes(vals []string) int {
	n := 0
	for _, s := range vals {
		n += len(s)
	}
	return n
}

func (l *List) pushFront(s string) {
	var h *lchunk
	if l.nc > 0 {
		h = l.chunkAt(0)
	}
	if h == nil || (l.quick && !l.allowInsert(h, len(s))) {
		if h != nil {
			l.fit(h)
		}
		h = l.newChunk(0)
		l.insertChunk(0, h)
	}
	h.pushFront(l, s)
	l.n++
}

func (l *List) pushBack(s string) {
	var t *lchunk
	if l.nc > 0 {
		t = l.chunkAt(l.nc - 1)
	}
	if t == nil || (l.quick && !l.allowInsert(t, len(s))) {
		if t != nil {
			l.fit(t)
		}
		t = l.newChunk(0)
		l.insertChunk(l.nc, t)
	}
	t.pushBack(l, s)
	l.n++
}

// PopFront removes and returns the first element.
func (l *List) PopFront() (string, bool) {
	if l.n == 0 {
		return "", false
	}
	c := l.chunkAt(0)
	ds, de, nx := lnext(c.buf, c.lo)
	v := string(c.buf[ds:de])
	c.lo = nx
	l.dropped(0, c, v)
	return v, true
}

// PopBack removes and returns the last element.
func (l *List) PopBack() (string, bool) {
	if l.n == 0 {
		return "", false
	}
	ci := l.nc - 1
	c := l.chunkAt(ci)
	st, ds, de := lprev(c.buf, c.hi)
	v := string(c.buf[ds:de])
	c.hi = st
	l.dropped(ci, c, v)
	return v, true
}

// dropped accounts for one element v removed from chunk ci.
func (l *List) dropped(ci int, c *lchunk, v string) {
	c.n--
	c.sz -= int32(llpEntrySize(v))
	l.n--
	if c.n == 0 {
		l.removeChunk(ci)
	}
}

// PopFrontN removes up to n elements from the head and returns them in
// pop order.
func (l *List) PopFrontN(n int) []string {
	n = min(n, l.n)
	out := make([]string, 0, n)
	for range n {
		v, _ := l.PopFront()
		out = append(out, v)
	}
	return out
}

// PopBackN removes up to n elements from the tail and returns them in pop
// order (last element first).
func (l *List) PopBackN(n int) []string {
	n = min(n, l.n)
	out := make([]string, 0, n)
	for range n {
		v, _ := l.PopBack()
		out = append(out, v)
	}
	return out
}

// ---------------------------------------------------------------------------
// reading

// normIndex turns a Redis index (negative counts from the tail) into a
// 0-based one, reporting whether it is inside the list.
func (l *List) normIndex(i int) (int, bool) {
	if i < 0 {
		i += l.n
	}
	return i, i >= 0 && i < l.n
}

// View returns element i (negative counts from the tail) without copying;
// the slice is valid until the list is modified.
func (l *List) View(i int) ([]byte, bool) {
	i, ok := l.normIndex(i)
	if !ok {
		return nil, false
	}
	ci, off := l.locate(i)
	c := l.chunkAt(ci)
	ds, de, _ := lnext(c.buf, c.seek(off))
	return c.buf[ds:de], true
}

// Index returns element i (negative counts from the tail): LINDEX.
func (l *List) Index(i int) (string, bool) {
	b, ok := l.View(i)
	return string(b), ok
}

// Each calls fn for elements start..stop (0-based, inclusive, in range)
// from head to tail until fn returns false.
func (l *List) Each(start, stop int, fn func(b []byte) bool) {
	if start < 0 || stop >= l.n || start > stop {
		return
	}
	ci, off := l.locate(start)
	c := l.chunkAt(ci)
	p := c.seek(off)
	for k := stop - start + 1; k > 0; k-- {
		if p == c.hi {
			ci++
			c = l.chunkAt(ci)
			p = c.lo
		}
		ds, de, nx := lnext(c.buf, p)
		if !fn(c.buf[ds:de]) {
			return
		}
		p = nx
	}
}

// EachReverse calls fn for elements stop down to start (0-based,
// inclusive, in range) until fn returns false.
func (l *List) EachReverse(start, stop int, fn func(b []byte) bool) {
	if start < 0 || stop >= l.n || start > stop {
		return
	}
	ci, off := l.locate(stop)
	c := l.chunkAt(ci)
	_, _, p := lnext(c.buf, c.seek(off)) // end of element stop
	for k := stop - start + 1; k > 0; k-- {
		if p == c.lo {
			ci--
			c = l.chunkAt(ci)
			p = c.hi
		}
		st, ds, de := lprev(c.buf, p)
		if !fn(c.buf[ds:de]) {
			return
		}
		p = st
	}
}

// Range returns copies of elements start..stop (0-based, inclusive; out of
// range bounds give fewer or no elements).
func (l *List) Range(start, stop int) []string {
	start = max(start, 0)
	stop = min(stop, l.n-1)
	if start > stop {
		return []string{}
	}
	out := make([]string, 0, stop-start+1)
	l.Each(start, stop, func(b []byte) bool {
		out = append(out, string(b))
		return true
	})
	return out
}

// Pos implements LPOS's search: it compares elements with elem from the
// head (rank > 0) or the tail (rank < 0), skips the first |rank|-1
// matches, and returns the head-based indexes of up to count further
// matches (count 0: all of them), looking at no more than maxlen elements
// (0: no limit). rank must not be 0.
func (l *List) Pos(elem string, rank, count, maxlen int) []int {
	var out []int
	matches := 0
	fwd := rank > 0
	if !fwd {
		rank = -rank
	}
	limit := l.n
	if maxlen > 0 && maxlen < limit {
		limit = maxlen
	}
	if limit == 0 {
		return out
	}
	idx := 0
	visit := func(b []byte) bool {
		if string(b) == elem {
			matches++
			if matches >= rank {
				if fwd {
					out = append(out, idx)
				} else {
					out = append(out, l.n-1-idx)
				}
				if count > 0 && len(out) >= count {
					return false
				}
			}
		}
		idx++
		return true
	}
	if fwd {
		l.Each(0, limit-1, visit)
	} else {
		l.EachReverse(l.n-limit, l.n-1, visit)
	}
	return out
}

// ---------------------------------------------------------------------------
// modifications in the middle

// Set replaces element i (negative counts from the tail) with v and
// reports whether i was in range (LSET). The growing conversion for v is
// applied first, even when i is out of range, as Redis does.
func (l *List) Set(i int, v string) bool {
	l.growConversion(len(v), 1)
	i, ok := l.normIndex(i)
	if !ok {
		return false
	}
	ci, off := l.locate(i)
	c := l.chunkAt(ci)
	p := c.seek(off)
	ds, de, nx := lnext(c.buf, p)
	c.sz += int32(llpEntrySize(v) - llpEntrySize(c.buf[ds:de]))
	fl := lframeLen(len(v))
	if fl == nx-p {
		lputFrame(c.buf[p:nx], v)
		return true
	}
	frontMoved := p-c.lo < c.hi-nx
	lcut(c, p, nx)
	if frontMoved {
		p = nx // the elements before moved up to end at nx
	}
	p = l.openGap(c, p, fl)
	lputFrame(c.buf[p:p+fl], v)
	return true
}

// Insert inserts v before (after=false) or after the first element equal
// to pivot, searching from the head, and reports whether pivot was found
// (LINSERT). The growing conversion for v is applied first, even when
// pivot is missing, as Redis does.
func (l *List) Insert(pivot, v string, after bool) bool {
	l.growConversion(len(v), 1)
	for ci := 0; ci < l.nc; ci++ {
		c := l.chunkAt(ci)
		off := 0
		for p := c.lo; p < c.hi; off++ {
			ds, de, nx := lnext(c.buf, p)
			if string(c.buf[ds:de]) == pivot {
				l.insertNear(ci, off, p, nx, v, after)
				return true
			}
			p = nx
		}
	}
	return false
}

// insertNear inserts v next to element off of chunk ci (framed at
// buf[p:nx]), following quicklist's _quicklistInsert when the list is a
// quicklist.
func (l *List) insertNear(ci, off, p, nx int, v string, after bool) {
	c := l.chunkAt(ci)
	at := p
	if after {
		at = nx
	}
	if !l.quick {
		l.insertAt(c, at, v)
		l.n++
		return
	}
	full := !l.allowInsert(c, len(v))
	var atTail, atHead, availNext, availPrev bool
	if after && off == int(c.n)-1 {
		atTail = true
		if ci+1 < l.nc {
			availNext = l.allowInsert(l.chunkAt(ci+1), len(v))
		}
	}
	if !after && off == 0 {
		atHead = true
		if ci > 0 {
			availPrev = l.allowInsert(l.chunkAt(ci-1), len(v))
		}
	}
	switch {
	case !full:
		l.insertAt(c, at, v)
	case atTail && availNext:
		l.chunkAt(ci+1).pushFront(l, v)
	case atHead && availPrev:
		l.chunkAt(ci-1).pushBack(l, v)
	case atTail || atHead:
		nc := l.newChunk(0)
		nc.pushBack(l, v)
		if after {
			l.insertChunk(ci+1, nc)
		} else {
			l.insertChunk(ci, nc)
		}
	default:
		// split: with after, the new node takes the elements after off
		// and v goes in front of them; without, the new node takes the
		// elements before off and v goes after them.
		nc := l.split(ci, off, after)
		if after {
			nc.pushFront(l, v)
			l.insertChunk(ci+1, nc)
			l.n++
			l.mergeAround(ci)
		} else {
			nc.pushBack(l, v)
			l.insertChunk(ci, nc)
			l.n++
			l.mergeAround(ci + 1)
		}
		return
	}
	l.n++
}

// split moves part of chunk ci into a new chunk that it returns (not yet
// in the ring): with after, elements off+1.. move; otherwise elements
// 0..off-1 move.
func (l *List) split(ci, off int, after bool) *lchunk {
	c := l.chunkAt(ci)
	var from, to, moved int
	if after {
		from, to = c.seek(off+1), c.hi
		moved = int(c.n) - off - 1
	} else {
		from, to = c.lo, c.seek(off)
		moved = off
	}
	nc := l.newChunk(to - from)
	copy(nc.buf, c.buf[from:to])
	nc.hi = to - from
	nc.n = int32(moved)
	for p := 0; p < nc.hi; {
		ds, de, nx := lnext(nc.buf, p)
		nc.sz += int32(llpEntrySize(nc.buf[ds:de]))
		p = nx
	}
	if after {
		c.hi = from
	} else {
		c.lo = to
	}
	c.n -= int32(moved)
	c.sz -= nc.sz - llpEmptySize
	return nc
}

// mergeAround is quicklist's _quicklistMergeNodes around chunk ci.
func (l *List) mergeAround(ci int) {
	get := func(i int) *lchunk {
		if i < 0 || i >= l.nc {
			return nil
		}
		return l.chunkAt(i)
	}
	center := l.chunkAt(ci)
	// (prev_prev, prev)
	if l.allowMerge(get(ci-1), get(ci-2)) {
		l.merge(ci - 2)
		ci--
	}
	// (next, next_next)
	if l.allowMerge(get(ci+1), get(ci+2)) {
		l.merge(ci + 1)
	}
	// (prev, center)
	target := ci
	if l.allowMerge(center, get(ci-1)) {
		l.merge(ci - 1)
		target = ci - 1
	}
	// (target, target.next)
	if l.allowMerge(get(target), get(target+1)) {
		l.merge(target)
	}
}

// merge joins chunks i and i+1 into chunk i.
func (l *List) merge(i int) {
	a, b := l.chunkAt(i), l.chunkAt(i+1)
	bl := b.hi - b.lo
	l.reserve(a, bl, false)
	copy(a.buf[a.hi:], b.buf[b.lo:b.hi])
	a.hi += bl
	a.n += b.n
	a.sz += b.sz - llpEmptySize
	l.removeChunk(i + 1)
}

// Remove deletes elements equal to v (LREM): the first count from the
// head when count > 0, the last |count| from the tail when count < 0, all
// of them when count is 0. It returns how many it removed.
func (l *List) Remove(count int, v string) int {
	removed := 0
	if count >= 0 {
		for ci := 0; ci < l.nc; {
			c := l.chunkAt(ci)
			for p := c.lo; p < c.hi; {
				ds, de, nx := lnext(c.buf, p)
				if string(c.buf[ds:de]) != v {
					p = nx
					continue
				}
				c.sz -= int32(llpEntrySize(c.buf[ds:de]))
				if p-c.lo < c.hi-nx {
					lcut(c, p, nx)
					p = nx // the front moved up: the next element is still at nx
				} else {
					lcut(c, p, nx) // the back moved down: the next element is at p
				}
				c.n--
				l.n--
				removed++
				if count > 0 && removed == count {
					break
				}
			}
			if c.n == 0 {
				l.removeChunk(ci)
			} else {
				ci++
			}
			if count > 0 && removed == count {
				break
			}
		}
		return removed
	}
	want := -count
	for ci := l.nc - 1; ci >= 0; ci-- {
		c := l.chunkAt(ci)
		for p := c.hi; p > c.lo; {
			st, ds, de := lprev(c.buf, p)
			if string(c.buf[ds:de]) != v {
				p = st
				continue
			}
			c.sz -= int32(llpEntrySize(c.buf[ds:de]))
			if st-c.lo < c.hi-p {
				lcut(c, st, p) // front part moves up: the previous element now ends at p
			} else {
				lcut(c, st, p)
				p = st
			}
			c.n--
			l.n--
			removed++
			if removed == want {
				break
			}
		}
		if c.n == 0 {
			l.removeChunk(ci)
		}
		if removed == want {
			break
		}
	}
	return removed
}

// DeleteFront removes the first k elements (LTRIM, pops with a count).
func (l *List) DeleteFront(k int) {
	k = min(k, l.n)
	for k > 0 {
		c := l.chunkAt(0)
		if k >= int(c.n) {
			k -= int(c.n)
			l.n -= int(c.n)
			l.removeChunk(0)
			continue
		}
		p := c.lo
		for range k {
			ds, de, nx := lnext(c.buf, p)
			c.sz -= int32(llpEntrySize(c.buf[ds:de]))
			p = nx
		}
		c.lo = p
		c.n -= int32(k)
		l.n -= k
		return
	}
}

// DeleteBack removes the last k elements.
func (l *List) DeleteBack(k int) {
	k = min(k, l.n)
	for k > 0 {
		ci := l.nc - 1
		c := l.chunkAt(ci)
		if k >= int(c.n) {
			k -= int(c.n)
			l.n -= int(c.n)
			l.removeChunk(ci)
			continue
		}
		p := c.hi
		for range k {
			st, ds, de := lprev(c.buf, p)
			c.sz -= int32(llpEntrySize(c.buf[ds:de]))
			p = st
		}
		c.hi = p
		c.n -= int32(k)
		l.n -= k
		return
	}
}

// ---------------------------------------------------------------------------
// copying and checking

// Clone returns a deep copy with the same encoding and node layout (COPY).
func (l *List) Clone() any {
	nl := &List{quick: l.quick, fill: l.fill, n: l.n}
	for i := range l.nc {
		c := l.chunkAt(i)
		nc := nl.newChunk(c.hi - c.lo)
		copy(nc.buf, c.buf[c.lo:c.hi])
		nc.hi, nc.n, nc.sz = c.hi-c.lo, c.n, c.sz
		nl.insertChunk(nl.nc, nc)
	}
	return nl
}

// Share reports whether a snapshot may read l in place (see
// keyspace.Sharer): when it is large (reads of a list change nothing in
// it).
func (l *List) Share() bool { return l.MemUsage() >= ShareMin }

// Check verifies the list's invariants: element counts, framing in both
// directions, listpack size accounting, the encoding rule and the memory
// count. It is meant for tests.
func (l *List) Check() error {
	if l.nc > len(l.ring) || (len(l.ring) != 0 && len(l.ring)&(len(l.ring)-1) != 0) {
		return fmt.Errorf("list: ring of %d slots holds %d chunks", len(l.ring), l.nc)
	}
	if !l.quick && l.nc > 1 {
		return fmt.Errorf("list: listpack encoding with %d nodes", l.nc)
	}
	total, mem := 0, 0
	for i := range l.nc {
		c := l.chunkAt(i)
		if c == nil {
			return fmt.Errorf("list: lchunk %d is nil", i)
		}
		if c.n <= 0 {
			return fmt.Errorf("list: lchunk %d is empty", i)
		}
		if c.lo < 0 || c.lo > c.hi || c.hi > len(c.buf) {
			return fmt.Errorf("list: lchunk %d bounds %d:%d of %d", i, c.lo, c.hi, len(c.buf))
		}
		n, sz := 0, llpEmptySize
		var fwd [][]byte
		for p := c.lo; p < c.hi; n++ {
			ds, de, nx := lnext(c.buf, p)
			if nx > c.hi {
				return fmt.Errorf("list: lchunk %d element %d overruns", i, n)
			}
			sz += llpEntrySize(c.buf[ds:de])
			fwd = append(fwd, c.buf[ds:de])
			p = nx
		}
		for p, k := c.hi, n-1; p > c.lo; k-- {
			st, ds, de := lprev(c.buf, p)
			if k < 0 || !bytes.Equal(c.buf[ds:de], fwd[k]) {
				return fmt.Errorf("list: lchunk %d backward walk differs at %d", i, k)
			}
			p = st
		}
		if n != int(c.n) {
			return fmt.Errorf("list: lchunk %d counts %d, holds %d", i, c.n, n)
		}
		if sz != int(c.sz) {
			return fmt.Errorf("list: lchunk %d listpack size %d, computed %d", i, c.sz, sz)
		}
		total += n
		mem += len(c.buf) + lchunkOverhead
	}
	if total != l.n {
		return fmt.Errorf("list: length %d, holds %d", l.n, total)
	}
	if mem != l.mem {
		return fmt.Errorf("list: memory count %d, computed %d", l.mem, mem)
	}
	return nil
}

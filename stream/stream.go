package stream

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"slices"
	"sync/atomic"
	"unsafe"

	"github.com/google/btree"

	"github.com/embedis/embedis/internal/rconv"
	"github.com/embedis/embedis/types"
)

// Node limits, as Redis's defaults for stream-node-max-entries and
// stream-node-max-bytes. A node is closed, and the next entry starts a new
// one, when it holds NodeMaxEntries entries (live or deleted) or when its
// listpack size (as Redis would encode it) plus the new entry's raw field
// and value bytes reaches NodeMaxBytes. Trimming with "~" removes only
// whole nodes, so these limits are observable (XLEN after MAXLEN ~, and
// XINFO STREAM's radix-tree-keys).
const (
	NodeMaxEntries = 100
	NodeMaxBytes   = 4096
	// maxElementsSize is the largest total of an entry's field and value
	// bytes (Redis's STREAM_LISTPACK_MAX_SIZE).
	maxElementsSize = 1 << 30
)

// Errors of Add and SetID. Their texts are Redis's, without the "ERR "
// prefix.
var (
	ErrIDNotGreater = errors.New("The ID specified in XADD is equal or smaller than the target stream top item")
	ErrExhausted    = errors.New("The stream has exhausted the last possible ID, unable to add more items")
	ErrTooLarge     = errors.New("Elements are too large to be stored")

	ErrSetIDBelowMaxDeleted  = errors.New("The ID specified in XSETID is smaller than current max_deleted_entry_id")
	ErrSetIDBelowTop         = errors.New("The ID specified in XSETID is smaller than the target stream top item")
	ErrSetIDEntriesAdded     = errors.New("The entries_added specified in XSETID is smaller than the target stream length")
	ErrSetIDBelowGivenMaxDel = errors.New("The ID specified in XSETID is smaller than the provided max_deleted_entry_id")
	ErrSetIDNegativeAdded    = errors.New("entries_added must be positive")
)

// Entry is one stream entry: its ID and its field/value pairs
// [f1, v1, f2, v2, ...]. Fields is nil for a pending entry whose stream
// entry has been deleted (an XREADGROUP history read).
type Entry struct {
	ID     ID
	Fields []string
}

// entry flags, as Redis's STREAM_ITEM_FLAG_*.
const (
	flagDeleted = 1
	flagSame    = 2 // the entry has the node's master fields
)

// node packs up to NodeMaxEntries consecutive entries in one byte slice,
// as Redis packs them in a listpack:
//
//	header:  nfields uvarint, then each master field (uvarint len, bytes)
//	entry:   flags byte, size uvarint (bytes after it up to the entry's
//	         end), ms delta uvarint (from the previous entry, or from the
//	         node's first ID), seq uvarint (delta when the ms delta is 0,
//	         else absolute), [nfields uvarint and field/value pairs] or,
//	         with flagSame, the values alone; each string is a uvarint
//	         length and its bytes.
//
// Deleted entries stay as tombstones (flagDeleted), as in Redis; a node
// whose last live entry is deleted is removed. Bytes of field and value
// strings are never written again once appended, so string views into buf
// stay valid for as long as they are referenced.
type node struct {
	first  ID     // ID of the node's first entry (the tree key)
	last   ID     // ID of the node's last entry, live or deleted
	buf    []byte // header and entries
	live   uint16 // live entries
	dead   uint16 // tombstones
	nmf    uint32 // number of master fields
	entOff uint32 // offset of the first entry
	// The size of the listpack Redis would hold for this node is lpBytes
	// plus the exact size of the strings (fields and values) of the
	// entries from offset lpEnd on, for which lpPend is an upper bound:
	// sizing a string exactly means parsing it as an integer, which is
	// only needed when the node may be close to NodeMaxBytes (see fits).
	lpBytes uint32
	lpEnd   uint32
	lpPend  uint32
}

// fits reports whether an entry whose fields and values total tot bytes
// still goes into n, by Redis's rule (see NodeMaxBytes). The exact size is
// computed only when the upper bound is not conclusive.
func (n *node) fits(tot int) bool {
	if int(n.live)+int(n.dead) >= NodeMaxEntries {
		return false
	}
	if int(n.lpBytes)+int(n.lpPend)+tot < NodeMaxBytes {
		return true
	}
	n.settle()
	return int(n.lpBytes)+tot < NodeMaxBytes
}

// settle makes lpBytes exact: it sizes the pending strings.
func (n *node) settle() {
	n.lpBytes += uint32(n.pendingStrSize())
	n.lpEnd, n.lpPend = uint32(len(n.buf)), 0
}

// pendingStrSize is the exact listpack size of the strings of the entries
// from lpEnd on.
func (n *node) pendingStrSize() int {
	lp := 0
	buf := n.buf
	for pos := int(n.lpEnd); pos < len(buf); {
		r := n.decode(pos, n.first) // the IDs are not needed
		cnt := 2 * r.nf
		if r.flags&flagSame != 0 {
			cnt = r.nf
		}
		p := r.body
		var x string
		for range cnt {
			x, p = str(buf, p)
			lp += lpStrSize(x)
		}
		pos = r.end
	}
	return lp
}

// item is the tree element: a node keyed by its first ID.
type item struct {
	first ID
	n     *node
}

func itemLess(a, b item) bool { return a.first.Less(b.first) }

const (
	nodeOverhead    = int(unsafe.Sizeof(node{})) + int(unsafe.Sizeof(item{})) + 8
	streamOverhead  = int(unsafe.Sizeof(Stream{})) + 64
	treeDegree      = 16
	maxInlineFields = 64
)

// Stream is a Redis stream: entries ordered by ID, packed into nodes kept
// in a B-tree by first ID, plus consumer groups. Its methods are not safe
// for concurrent use; embedis calls them with the key's shard locked.
type Stream struct {
	tree         *btree.BTreeG[item]
	tail         *node // the node with the greatest first ID, or nil
	length       uint64
	lastID       ID
	firstID      ID // recorded-first-entry-id
	maxDeletedID ID
	entriesAdded uint64
	groups       map[string]*Group
	gen          uint64 // wake-up generation (see Gen)
	mem          int
	kv           []string // scratch for field/value views
	refs         []entryRef
	// The field strings of the last AddStable whose fields were the tail
	// node's master fields, and that node: the next AddStable with the
	// very same strings (same bytes in memory, which ordinary Go strings
	// never change) needs no byte comparison.
	sameNode *node
	sameFV   []string
}

// New returns an empty stream.
func New() *Stream {
	return &Stream{tree: btree.NewG[item](treeDegree, itemLess), mem: streamOverhead, gen: genSeq.Add(1) << 32}
}

// genSeq hands out the first generation of each stream, so that streams
// start far apart (1<<32 bumps each).
var genSeq atomic.Uint64

// Gen returns the stream's wake-up generation: a number that changes
// whenever entries are added or a group is destroyed (or Bump is called),
// and that differs between streams. Blocked readers use it to tell
// whether a wake-up brought anything new.
func (s *Stream) Gen() uint64 { return s.gen }

// Bump changes the stream's generation (see Gen).
func (s *Stream) Bump() { s.gen++ }

// Len returns the number of live entries (XLEN).
func (s *Stream) Len() uint64 { return s.length }

// LastID returns the last generated ID (last-generated-id).
func (s *Stream) LastID() ID { return s.lastID }

// FirstID returns the recorded first entry ID (recorded-first-entry-id).
func (s *Stream) FirstID() ID { return s.firstID }

// MaxDeletedID returns the greatest ID deleted by XDEL
// (max-deleted-entry-id).
func (s *Stream) MaxDeletedID() ID { return s.maxDeletedID }

// EntriesAdded returns how many entries were ever added (entries-added).
func (s *Stream) EntriesAdded() uint64 { return s.entriesAdded }

// Nodes returns the number of nodes (XINFO's radix-tree-keys).
func (s *Stream) Nodes() int { return s.tree.Len() }

// MemUsage returns an approximate count of the heap bytes the stream
// holds, maintained as it changes.
func (s *Stream) MemUsage() int { return s.mem }

// ---- encoding helpers

func uvarintLen(v uint64) int {
	n := 1
	for v >= 0x80 {
		v >>= 7
		n++
	}
	return n
}

// uvarint reads a uvarint at buf[p:], returning the value and the next
// offset.
func uvarint(buf []byte, p int) (uint64, int) {
	b := buf[p]
	if b < 0x80 {
		return uint64(b), p + 1
	}
	v, n := binary.Uvarint(buf[p:])
	return v, p + n
}

// str reads a length-prefixed string at buf[p:] as a view of buf.
func str(buf []byte, p int) (string, int) {
	l, p := uvarint(buf, p)
	if l == 0 {
		return "", p
	}
	return unsafe.String(&buf[p], int(l)), p + int(l)
}

// putUvarint writes v as a uvarint at buf[p:], which has room for it,
// and returns the next offset.
func putUvarint(buf []byte, p int, v uint64) int {
	if v < 0x80 {
		buf[p] = byte(v)
		return p + 1
	}
	return p + binary.PutUvarint(buf[p:], v)
}

func appendStr(b []byte, s string) []byte {
	b = binary.AppendUvarint(b, uint64(len(s)))
	return append(b, s...)
}

// ---- listpack size model (Redis's lpEncodeGetType and lpEncodeBacklen)

func lpBacklen(l int) int {
	switch {
	case l <= 127:
		return 1
	case l < 16383:
		return 2
	case l < 2097151:
		return 3
	case l < 268435455:
		return 4
	}
	return 5
}

// lpIntSize is the listpack size of an integer element.
func lpIntSize(v int64) int {
	var enc int
	switch {
	case v >= 0 && v <= 127:
		enc = 1
	case v >= -4096 && v <= 4095:
		enc = 2
	case v >= -32768 && v <= 32767:
		enc = 3
	case v >= -8388608 && v <= 8388607:
		enc = 4
	case v >= math.MinInt32 && v <= math.MaxInt32:
		enc = 5
	default:
		enc = 9
	}
	return enc + 1 // backlen of at most 9 is one byte
}

// lpStrSize is the listpack size of a string element: strings that read
// as an int64 (Redis's string2ll) are stored as integers. (XADD's append
// sizes its values by the upper bound lpRawStrSize and calls this only
// near the node limit: see node.fits.)
func lpStrSize(s string) int {
	if len(s) > 0 && len(s) < 21 {
		if v, ok := parseInt64(s); ok {
			return lpIntSize(v)
		}
	}
	return lpRawStrSize(len(s))
}

// lpRawStrSize is the listpack size of a string element of l bytes that
// is stored as a string.
func lpRawStrSize(l int) int {
	var enc int
	switch {
	case l < 64:
		enc = 1 + l
	case l < 4096:
		enc = 2 + l
	default:
		enc = 5 + l
	}
	return enc + lpBacklen(enc)
}

// parseInt64 is Redis's string2ll (listpack's lpStringToInt64).
func parseInt64(s string) (int64, bool) { return rconv.ParseIntString(s) }

// ---- nodes

// entryRef locates one decoded entry of a node.
type entryRef struct {
	id    ID
	pos   int // offset of the flags byte
	body  int // offset of the first string
	end   int // offset of the next entry
	nf    int // number of fields
	flags byte
}

// decode reads the entry at pos; prev is the previous entry's ID (the
// node's first ID for the first entry).
func (n *node) decode(pos int, prev ID) entryRef {
	buf := n.buf
	r := entryRef{pos: pos, flags: buf[pos]}
	size, p := uvarint(buf, pos+1)
	r.end = p + int(size)
	msd, p := uvarint(buf, p)
	seq, p := uvarint(buf, p)
	if msd == 0 {
		r.id = ID{prev.Ms, prev.Seq + seq}
	} else {
		r.id = ID{prev.Ms + msd, seq}
	}
	if r.flags&flagSame != 0 {
		r.nf = int(n.nmf)
	} else {
		var nf uint64
		nf, p = uvarint(buf, p)
		r.nf = int(nf)
	}
	r.body = p
	return r
}

// masterStart returns the offset of the first master field.
func (n *node) masterStart() int { return uvarintLen(uint64(n.nmf)) }

// fields appends the entry's field/value views to kv[:0].
func (n *node) fields(r entryRef, kv []string) []string {
	kv = kv[:0]
	buf := n.buf
	p := r.body
	var f, v string
	if r.flags&flagSame != 0 {
		mp := n.masterStart()
		for i := 0; i < r.nf; i++ {
			f, mp = str(buf, mp)
			v, p = str(buf, p)
			kv = append(kv, f, v)
		}
		return kv
	}
	for i := 0; i < r.nf; i++ {
		f, p = str(buf, p)
		v, p = str(buf, p)
		kv = append(kv, f, v)
	}
	return kv
}

// sameFields reports whether fv's fields equal the node's master fields.
// It compares against the encoded header directly.
func (n *node) sameFields(fv []string) bool {
	if len(fv)/2 != int(n.nmf) {
		return false
	}
	hdr := n.buf[:n.entOff]
	p := n.masterStart()
	for i := 0; i < len(fv); i += 2 {
		f := fv[i]
		if l := len(f); l < 0x80 {
			if hdr[p] != byte(l) {
				return false
			}
			p++
		} else {
			var l64 uint64
			if l64, p = uvarint(hdr, p); l64 != uint64(l) {
				return false
			}
		}
		if string(hdr[p:p+len(f)]) != f {
			return false
		}
		p += len(f)
	}
	return true
}

// sameFieldsAs is n.sameFields(fv), answered without comparing bytes when
// fv's fields are the strings of the last stable add that matched n's
// master fields. With stable, a match is remembered.
func (s *Stream) sameFieldsAs(n *node, fv []string, stable bool) bool {
	if n == s.sameNode && len(fv) == 2*len(s.sameFV) {
		hit := true
		for i, f := range s.sameFV {
			g := fv[2*i]
			if len(g) != len(f) || unsafe.StringData(g) != unsafe.StringData(f) {
				hit = false
				break
			}
		}
		if hit {
			return true
		}
	}
	if !n.sameFields(fv) {
		return false
	}
	if stable {
		s.sameNode = n
		s.sameFV = s.sameFV[:0]
		for i := 0; i < len(fv); i += 2 {
			s.sameFV = append(s.sameFV, fv[i])
		}
	}
	return true
}

// each calls fn for every entry of n in order, tombstones included, until
// fn returns false.
func (n *node) each(fn func(r entryRef) bool) bool {
	pos, prev := int(n.entOff), n.first
	for pos < len(n.buf) {
		r := n.decode(pos, prev)
		if !fn(r) {
			return false
		}
		pos, prev = r.end, r.id
	}
	return true
}

// refs returns the node's entries in order (tombstones included).
func (n *node) refs(dst []entryRef) []entryRef {
	dst = dst[:0]
	pos, prev := int(n.entOff), n.first
	for pos < len(n.buf) {
		r := n.decode(pos, prev)
		dst = append(dst, r)
		pos, prev = r.end, r.id
	}
	return dst
}

// firstLive returns the node's first live entry.
func (n *node) firstLive() (entryRef, bool) {
	var out entryRef
	found := false
	n.each(func(r entryRef) bool {
		if r.flags&flagDeleted == 0 {
			out, found = r, true
			return false
		}
		return true
	})
	return out, found
}

// lastLive returns the node's last live entry.
func (n *node) lastLive(scratch []entryRef) (entryRef, bool) {
	refs := n.refs(scratch)
	for i := len(refs) - 1; i >= 0; i-- {
		if refs[i].flags&flagDeleted == 0 {
			return refs[i], true
		}
	}
	return entryRef{}, false
}

// newNode starts a node whose first entry has id and fields fv.
func (s *Stream) newNode(id ID, fv []string, entrySize int) *node {
	nf := len(fv) / 2
	hdr := uvarintLen(uint64(nf))
	lp := 7 + lpIntSize(1) + lpIntSize(0) + lpIntSize(int64(nf)) + lpIntSize(0)
	for i := 0; i < len(fv); i += 2 {
		hdr += uvarintLen(uint64(len(fv[i]))) + len(fv[i])
		lp += lpStrSize(fv[i])
	}
	// Room for a node's worth of entries like this one, as Redis
	// preallocates a listpack; the buffer is trimmed when the node closes.
	capacity := hdr + entrySize*NodeMaxEntries
	if capacity > NodeMaxBytes {
		capacity = max(NodeMaxBytes, hdr+entrySize)
	}
	n := &node{first: id, last: id, nmf: uint32(nf), lpBytes: uint32(lp)}
	n.buf = make([]byte, 0, capacity)
	n.buf = binary.AppendUvarint(n.buf, uint64(nf))
	for i := 0; i < len(fv); i += 2 {
		n.buf = appendStr(n.buf, fv[i])
	}
	n.entOff = uint32(len(n.buf))
	n.lpEnd = n.entOff
	s.tree.ReplaceOrInsert(item{id, n})
	s.mem += nodeOverhead + cap(n.buf)
	return n
}

// shrink trims n's buffer to its length (when the node is closed).
func (s *Stream) shrink(n *node) {
	if cap(n.buf) == len(n.buf) {
		return
	}
	b := make([]byte, len(n.buf))
	copy(b, n.buf)
	s.mem += len(b) - cap(n.buf)
	n.buf = b
}

// removeNode drops n from the stream.
func (s *Stream) removeNode(n *node) {
	if n == s.sameNode {
		s.sameNode, s.sameFV = nil, s.sameFV[:0]
	}
	s.tree.Delete(item{first: n.first})
	s.mem -= nodeOverhead + cap(n.buf)
	if s.tail == n {
		s.tail = nil
		if it, ok := s.tree.Max(); ok {
			s.tail = it.n
		}
	}
}

// floor returns the node with the greatest first ID <= id, or nil.
func (s *Stream) floor(id ID) *node {
	var out *node
	s.tree.DescendLessOrEqual(item{first: id}, func(it item) bool {
		out = it.n
		return false
	})
	return out
}

// ---- adding

// IDSpec is the ID requested for a new entry.
type IDSpec struct {
	// ID is the explicit ID, or with SeqAuto the ms part.
	ID ID
	// Auto is the "*" form: the ID comes from the clock.
	Auto bool
	// SeqAuto is the "<ms>-*" form: the sequence number is generated.
	SeqAuto bool
}

// Add appends an entry with field/value pairs fv (even length, at least
// one pair) and returns its ID. now is the command's time snapshot in
// unix ms, used by the "*" form. It fails with ErrExhausted,
// ErrIDNotGreater or ErrTooLarge, changing nothing. The strings are
// copied; fv may alias a buffer that is reused afterwards.
func (s *Stream) Add(spec IDSpec, now uint64, fv []string) (ID, error) {
	return s.add(spec, now, fv, false)
}

// AddStable is Add for strings whose bytes never change while they are
// referenced, as Go guarantees for ordinary strings (not views of a
// buffer that is reused): the stream may keep the field strings to
// recognise them on the next call without comparing bytes.
func (s *Stream) AddStable(spec IDSpec, now uint64, fv []string) (ID, error) {
	return s.add(spec, now, fv, true)
}

func (s *Stream) add(spec IDSpec, now uint64, fv []string, stable bool) (ID, error) {
	if s.lastID == MaxID {
		return ID{}, ErrExhausted
	}
	var id ID
	switch {
	case spec.Auto: // greater than lastID by construction
		if now > s.lastID.Ms {
			id = ID{now, 0}
		} else {
			id, _ = s.lastID.Next()
		}
	case spec.SeqAuto:
		if s.lastID.Ms == spec.ID.Ms {
			if s.lastID.Seq == math.MaxUint64 {
				return ID{}, ErrIDNotGreater
			}
			id = ID{spec.ID.Ms, s.lastID.Seq + 1}
		} else {
			id = ID{spec.ID.Ms, 0}
		}
	default:
		id = spec.ID
	}
	if !spec.Auto && id.Compare(s.lastID) <= 0 {
		return ID{}, ErrIDNotGreater
	}
	tot := 0
	for _, x := range fv {
		tot += len(x)
	}
	if tot > maxElementsSize {
		return ID{}, ErrTooLarge
	}
	s.appendEntry(id, fv, tot, stable)
	s.Bump()
	s.length++
	s.entriesAdded++
	s.lastID = id
	if s.length == 1 {
		s.firstID = id
	}
	return id, nil
}

// appendEntry encodes the entry into the tail node, or a new node when
// the tail is full, exactly where Redis would start a new listpack.
func (s *Stream) appendEntry(id ID, fv []string, tot int, stable bool) {
	n := s.tail
	if n != nil && !n.fits(tot) {
		s.shrink(n)
		n = nil
	}
	nf := len(fv) / 2
	var prev, master ID
	same := true
	if n != nil {
		same = s.sameFieldsAs(n, fv, stable)
		prev, master = n.last, n.first
	} else {
		prev, master = id, id
	}
	// the ID, delta-encoded from the previous entry
	msd := id.Ms - prev.Ms
	seqv := id.Seq
	if msd == 0 {
		seqv = id.Seq - prev.Seq
	}
	body := uvarintLen(msd) + uvarintLen(seqv)
	// lp: the listpack size of the entry's integers; lpStr: an upper
	// bound of its strings' (exact when a string does not read as an
	// integer; see node.fits)
	lp := lpIntSize(0) + lpIntSize(int64(id.Ms-master.Ms)) + lpIntSize(int64(id.Seq-master.Seq))
	lpStr := 0
	lpCount := nf + 3
	first := 1 // the values only
	if !same {
		body += uvarintLen(uint64(nf))
		lp += lpIntSize(int64(nf))
		lpCount += nf + 1
		first = 0 // fields and values
	}
	step := 1 + first
	for i := first; i < len(fv); i += step {
		x := fv[i]
		body += uvarintLen(uint64(len(x))) + len(x)
		lpStr += lpRawStrSize(len(x))
	}
	lp += lpIntSize(int64(lpCount))
	size := 1 + uvarintLen(uint64(body)) + body
	if n == nil {
		n = s.newNode(id, fv, size)
		s.tail = n
	}
	n.lpBytes += uint32(lp)
	n.lpPend += uint32(lpStr)
	oldCap := cap(n.buf)
	off := len(n.buf)
	b := slices.Grow(n.buf, size)[:off+size]
	p := off
	if same {
		b[p] = flagSame
	} else {
		b[p] = 0
	}
	p = putUvarint(b, p+1, uint64(body))
	p = putUvarint(b, p, msd)
	p = putUvarint(b, p, seqv)
	if !same {
		p = putUvarint(b, p, uint64(nf))
	}
	for i := first; i < len(fv); i += step {
		x := fv[i]
		p = putUvarint(b, p, uint64(len(x)))
		p += copy(b[p:], x)
	}
	n.buf = b
	s.mem += cap(b) - oldCap
	n.live++
	n.last = id
}

// ---- reading

// Range calls fn for each live entry with start <= ID <= end, in
// ascending order (descending with rev), until fn returns false. kv holds
// the field/value pairs as views that fn must copy to keep; they stay
// valid (the bytes never change) but pin the node's memory.
func (s *Stream) Range(start, end ID, rev bool, fn func(id ID, kv []string) bool) {
	if end.Less(start) || s.length == 0 {
		return
	}
	if !rev {
		pivot := item{first: start}
		if n := s.floor(start); n != nil {
			pivot.first = n.first
		}
		s.tree.AscendGreaterOrEqual(pivot, func(it item) bool {
			n := it.n
			if end.Less(n.first) {
				return false
			}
			if n.last.Less(start) || n.live == 0 {
				return true
			}
			return n.each(func(r entryRef) bool {
				if r.id.Less(start) || r.flags&flagDeleted != 0 {
					return !end.Less(r.id)
				}
				if end.Less(r.id) {
					return false
				}
				s.kv = n.fields(r, s.kv)
				return fn(r.id, s.kv)
			})
		})
		return
	}
	s.tree.DescendLessOrEqual(item{first: end}, func(it item) bool {
		n := it.n
		if n.last.Less(start) {
			return false
		}
		if n.live == 0 {
			return true
		}
		refs := n.refs(s.refs)
		s.refs = refs
		for i := len(refs) - 1; i >= 0; i-- {
			r := refs[i]
			if end.Less(r.id) || r.flags&flagDeleted != 0 {
				continue
			}
			if r.id.Less(start) {
				return false
			}
			s.kv = n.fields(r, s.kv)
			if !fn(r.id, s.kv) {
				return false
			}
		}
		return true
	})
}

// lookup finds the live entry id: its node and position.
func (s *Stream) lookup(id ID) (*node, entryRef, bool) {
	n := s.floor(id)
	if n == nil || n.last.Less(id) || n.live == 0 {
		return nil, entryRef{}, false
	}
	var out entryRef
	found := false
	n.each(func(r entryRef) bool {
		if r.id == id {
			out, found = r, r.flags&flagDeleted == 0
			return false
		}
		return r.id.Less(id)
	})
	return n, out, found
}

// Exists reports whether id is a live entry.
func (s *Stream) Exists(id ID) bool {
	_, _, ok := s.lookup(id)
	return ok
}

// Get returns the fields of the live entry id as views (see Range).
func (s *Stream) Get(id ID) ([]string, bool) {
	n, r, ok := s.lookup(id)
	if !ok {
		return nil, false
	}
	s.kv = n.fields(r, s.kv)
	return s.kv, true
}

// FirstEntry returns the first live entry's ID (views, see Range).
func (s *Stream) FirstEntry() (ID, []string, bool) {
	var id ID
	var kv []string
	found := false
	s.Range(MinID, MaxID, false, func(i ID, f []string) bool {
		id, kv, found = i, f, true
		return false
	})
	return id, kv, found
}

// LastEntry returns the last live entry (views, see Range).
func (s *Stream) LastEntry() (ID, []string, bool) {
	var id ID
	var kv []string
	found := false
	s.Range(MinID, MaxID, true, func(i ID, f []string) bool {
		id, kv, found = i, f, true
		return false
	})
	return id, kv, found
}

// LastValidID returns the greatest live ID (Redis's streamLastValidID).
func (s *Stream) LastValidID() (ID, bool) {
	id, _, ok := s.LastEntry()
	return id, ok
}

// firstLiveID returns the smallest live ID, or MaxID when there is none
// (Redis's streamGetEdgeID(s,1,1)).
func (s *Stream) firstLiveID() ID {
	out := MaxID
	s.tree.Ascend(func(it item) bool {
		if r, ok := it.n.firstLive(); ok {
			out = r.id
			return false
		}
		return true
	})
	return out
}

// FirstEdgeID returns the first entry's ID counting tombstones, or MaxID
// for a stream without nodes (Redis's streamGetEdgeID(s,1,0)); XADD and
// XTRIM propagate an approximate MINID trim as this ID.
func (s *Stream) FirstEdgeID() ID {
	if it, ok := s.tree.Min(); ok {
		return it.n.first
	}
	return MaxID
}

// ---- deleting

// Delete removes the live entries ids (XDEL) and returns how many it
// removed. It updates max-deleted-entry-id and recorded-first-entry-id
// as Redis does; pending entries of groups are not touched.
func (s *Stream) Delete(ids []ID) int {
	deleted := 0
	firstDeleted := false
	for _, id := range ids {
		n, r, ok := s.lookup(id)
		if !ok {
			continue
		}
		s.deleteAt(n, r)
		if id == s.firstID {
			firstDeleted = true
		}
		if s.maxDeletedID.Less(id) {
			s.maxDeletedID = id
		}
		deleted++
	}
	if deleted > 0 {
		if s.length == 0 {
			s.firstID = ID{}
		} else if firstDeleted {
			s.firstID = s.firstLiveID()
		}
	}
	return deleted
}

// deleteAt marks the entry r of n deleted; a node losing its last live
// entry is removed (Redis frees the listpack).
func (s *Stream) deleteAt(n *node, r entryRef) {
	s.length--
	if n.live == 1 {
		s.removeNode(n)
		return
	}
	n.buf[r.pos] |= flagDeleted
	n.live--
	n.dead++
}

// ---- XSETID

// SetID sets the last generated ID (XSETID), and entries-added unless
// entriesAdded is negative, and max-deleted-entry-id unless maxDeleted is
// zero. It checks the arguments as Redis does and changes nothing on
// error. entriesAdded must be -1 or >= 0; maxDeleted <= last is checked
// by the caller's parser (ErrSetIDBelowGivenMaxDel).
func (s *Stream) SetID(last ID, entriesAdded int64, maxDeleted ID) error {
	if last.Less(s.maxDeletedID) {
		return ErrSetIDBelowMaxDeleted
	}
	if s.length > 0 {
		top, _ := s.LastValidID()
		if last.Less(top) {
			return ErrSetIDBelowTop
		}
		if entriesAdded != -1 && s.length > uint64(entriesAdded) {
			return ErrSetIDEntriesAdded
		}
	}
	s.lastID = last
	if entriesAdded != -1 {
		s.entriesAdded = uint64(entriesAdded)
	}
	if !maxDeleted.IsZero() {
		s.maxDeletedID = maxDeleted
	}
	return nil
}

// ---- radix tree shape

// RadixTreeNodes returns the number of nodes Redis's radix tree would
// have for this stream's node keys (XINFO STREAM's radix-tree-nodes): the
// node count of a compressed trie over the 16-byte big-endian first IDs.
func (s *Stream) RadixTreeNodes() int {
	n := s.tree.Len()
	if n == 0 {
		return 1
	}
	keys := make([][16]byte, 0, n)
	s.tree.Ascend(func(it item) bool {
		var k [16]byte
		binary.BigEndian.PutUint64(k[:8], it.first.Ms)
		binary.BigEndian.PutUint64(k[8:], it.first.Seq)
		keys = append(keys, k)
		return true
	})
	return raxCount(keys, 0)
}

// raxCount counts the rax nodes below the trie node at depth reached by
// keys (sorted, distinct, sharing their first depth bytes): a compressed
// node for a run of single-child levels, a branching node where keys
// diverge, and a leaf per key.
func raxCount(keys [][16]byte, depth int) int {
	if len(keys) == 1 {
		if depth == 16 {
			return 1
		}
		return 2 // compressed run + leaf
	}
	lo, hi := keys[0], keys[len(keys)-1]
	l := depth
	for l < 16 && lo[l] == hi[l] {
		l++
	}
	total := 0
	if l > depth {
		total++ // compressed run down to the branch
	}
	total++ // the branching node at depth l
	for i := 0; i < len(keys); {
		j := i + 1
		for j < len(keys) && keys[j][l] == keys[i][l] {
			j++
		}
		total += raxCount(keys[i:j], l+1)
		i = j
	}
	return total
}

// ---- clone and checks

// Clone returns a deep copy of the stream, groups included (COPY).
func (s *Stream) Clone() any { return s.clone() }

// Share reports whether a snapshot may read s in place rather than clone
// it under its shard's lock (see keyspace.Sharer): when its entries are
// large (reads of a stream, its groups and their pending entries change
// nothing in it).
func (s *Stream) Share() bool { return s.mem >= types.ShareMin }

func (s *Stream) clone() *Stream {
	c := New()
	c.length, c.lastID, c.firstID = s.length, s.lastID, s.firstID
	c.maxDeletedID, c.entriesAdded = s.maxDeletedID, s.entriesAdded
	s.tree.Ascend(func(it item) bool {
		n := *it.n
		n.buf = append([]byte(nil), it.n.buf...)
		c.tree.ReplaceOrInsert(item{n.first, &n})
		c.mem += nodeOverhead + cap(n.buf)
		if it.n == s.tail {
			c.tail = &n
		}
		return true
	})
	for name, g := range s.groups {
		c.addGroup(g.clone(name))
	}
	return c
}

// Check verifies the stream's invariants: node order and contents, the
// listpack size model, counters, and the groups' PELs.
func (s *Stream) Check() error {
	var (
		prevLast ID
		live     uint64
		nodes    int
		err      error
		lastNode *node
		first    = MaxID
	)
	s.tree.Ascend(func(it item) bool {
		n := it.n
		lastNode = n
		if it.first != n.first {
			err = fmt.Errorf("node key %v != first %v", it.first, n.first)
			return false
		}
		if nodes > 0 && !prevLast.Less(n.first) {
			err = fmt.Errorf("node %v starts at or before the previous node's last %v", n.first, prevLast)
			return false
		}
		nodes++
		var cl, cd int
		prev := n.first
		lp := 7 + lpIntSize(1) + lpIntSize(0) + lpIntSize(int64(n.nmf)) + lpIntSize(0)
		p := n.masterStart()
		var master []string
		for i := 0; i < int(n.nmf); i++ {
			var f string
			f, p = str(n.buf, p)
			master = append(master, f)
			lp += lpStrSize(f)
		}
		if p != int(n.entOff) {
			err = fmt.Errorf("node %v: header ends at %d, entries start at %d", n.first, p, n.entOff)
			return false
		}
		i := 0
		n.each(func(r entryRef) bool {
			if i == 0 && r.id != n.first {
				err = fmt.Errorf("node %v: first entry %v", n.first, r.id)
				return false
			}
			if i > 0 && !prev.Less(r.id) {
				err = fmt.Errorf("node %v: entry %v after %v", n.first, r.id, prev)
				return false
			}
			if r.end > len(n.buf) {
				err = fmt.Errorf("node %v: entry %v overruns the buffer", n.first, r.id)
				return false
			}
			kv := n.fields(r, nil)
			same := r.flags&flagSame != 0
			lp += lpIntSize(int64(r.flags&^flagDeleted)) + lpIntSize(int64(r.id.Ms-n.first.Ms)) + lpIntSize(int64(r.id.Seq-n.first.Seq))
			cnt := len(kv)/2 + 3
			if !same {
				lp += lpIntSize(int64(len(kv) / 2))
				cnt += len(kv)/2 + 1
			}
			for j, x := range kv {
				if j&1 == 0 && same {
					if x != master[j/2] {
						err = fmt.Errorf("node %v: entry %v field %q != master %q", n.first, r.id, x, master[j/2])
						return false
					}
					continue
				}
				lp += lpStrSize(x)
			}
			lp += lpIntSize(int64(cnt))
			if r.flags&flagDeleted != 0 {
				cd++
			} else {
				cl++
				if r.id.Less(first) {
					first = r.id
				}
			}
			prev = r.id
			i++
			return true
		})
		if err != nil {
			return false
		}
		if prev != n.last {
			err = fmt.Errorf("node %v: last %v, recorded %v", n.first, prev, n.last)
			return false
		}
		if cl != int(n.live) || cd != int(n.dead) {
			err = fmt.Errorf("node %v: %d live %d dead, recorded %d %d", n.first, cl, cd, n.live, n.dead)
			return false
		}
		if cl+cd > NodeMaxEntries {
			err = fmt.Errorf("node %v: %d entries", n.first, cl+cd)
			return false
		}
		if pend := n.pendingStrSize(); uint32(lp) != n.lpBytes+uint32(pend) || pend > int(n.lpPend) {
			err = fmt.Errorf("node %v: listpack size %d, recorded %d + %d (bound %d)", n.first, lp, n.lpBytes, pend, n.lpPend)
			return false
		}
		live += uint64(cl)
		prevLast = n.last
		return true
	})
	if err != nil {
		return err
	}
	if lastNode != s.tail {
		return fmt.Errorf("tail is not the last node")
	}
	if live != s.length {
		return fmt.Errorf("length %d, counted %d", s.length, live)
	}
	if nodes > 0 && s.lastID.Less(prevLast) {
		return fmt.Errorf("last-generated-id %v below the last entry %v", s.lastID, prevLast)
	}
	if s.length > 0 && s.firstID != first {
		return fmt.Errorf("recorded-first-entry-id %v, first live %v", s.firstID, first)
	}
	if s.length == 0 && !s.firstID.IsZero() {
		return fmt.Errorf("empty stream with recorded-first-entry-id %v", s.firstID)
	}
	if s.entriesAdded < s.length {
		return fmt.Errorf("entries-added %d below length %d", s.entriesAdded, s.length)
	}
	for name, g := range s.groups {
		if err := g.check(name); err != nil {
			return err
		}
	}
	return nil
}

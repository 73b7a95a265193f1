package keyspace

import "unsafe"

// table is one database's share of one shard: an open-addressing index
// (linear probing, backward-shift deletion, no tombstones) over entries kept
// in fixed-size pages. Entry slots never move, so a *Entry stays valid until
// that key is deleted, and a slot number is a stable position for SCAN.
//
// An index word holds the low 32 bits of the key's hash in its upper half
// and slot+1 in its lower half; 0 is an empty index cell.
type table struct {
	idx   []uint64
	pages []*page
	next  uint32   // slots ever handed out (the high-water mark)
	free  []uint32 // freed slots, reused LIFO
	live  int      // live keys
	ttl   int      // live keys with an expiry
	fttl  int      // live keys whose members expire (hash-field TTLs)
	mem   int64    // accounted bytes of the live keys (memory.go)
}

const (
	pageBits = 6
	pageSize = 1 << pageBits
	pageMask = pageSize - 1
)

type page [pageSize]Entry

// pageBlock is how a page is allocated. Go puts an 8-byte header (the
// object's type) in front of heap objects of more than 512 bytes that
// hold pointers, so a bare page would start 8 bytes into its 64-byte
// aligned block, and three of every four 48-byte entries would straddle
// two cache lines (measured: 1.75 lines read per GET). The pad moves the
// entries to the block's next cache-line boundary, where only half do.
// It costs nothing: a bare page with its header already takes the
// 3200-byte size class, and so does a padded one.
type pageBlock struct {
	_ [64 - 8]byte
	p page
}

func newPage() *page { return &new(pageBlock).p }

// slot returns the entry in slot i. The address is computed without
// dereferencing the page: Go's nil check of &page[j] would read the
// page's first bytes, a cache line of its own, and a lookup in a large
// table would pay a miss for it on top of the entry's (measured: as many
// samples as the index probe). The page exists: slots below next have
// one.
func (t *table) slot(i uint32) *Entry {
	return (*Entry)(unsafe.Add(unsafe.Pointer(t.pages[i>>pageBits]), uintptr(i&pageMask)*unsafe.Sizeof(Entry{})))
}

// find returns the entry for key, or nil.
func (t *table) find(h uint32, key string) *Entry {
	if len(t.idx) == 0 {
		return nil
	}
	mask := uint32(len(t.idx) - 1)
	for i := h & mask; ; i = (i + 1) & mask {
		w := t.idx[i]
		if w == 0 {
			return nil
		}
		if uint32(w>>32) == h {
			if e := t.slot(uint32(w) - 1); e.key == key {
				return e
			}
		}
	}
}

// insert adds a key known to be absent and returns its (zeroed) entry.
func (t *table) insert(h uint32, key string) *Entry {
	if (t.live+1)*4 > len(t.idx)*3 {
		t.grow()
	}
	var s uint32
	if n := len(t.free); n > 0 {
		s = t.free[n-1]
		t.free = t.free[:n-1]
	} else {
		s = t.next
		if s&pageMask == 0 {
			t.pages = append(t.pages, newPage())
		}
		t.next++
	}
	mask := uint32(len(t.idx) - 1)
	i := h & mask
	for t.idx[i] != 0 {
		i = (i + 1) & mask
	}
	t.idx[i] = uint64(h)<<32 | uint64(s+1)
	t.live++
	e := t.slot(s)
	e.key = key
	return e
}

func (t *table) grow() {
	n := len(t.idx) * 2
	if n < 8 {
		n = 8
	}
	old := t.idx
	t.idx = make([]uint64, n)
	mask := uint32(n - 1)
	for _, w := range old {
		if w == 0 {
			continue
		}
		i := uint32(w>>32) & mask
		for t.idx[i] != 0 {
			i = (i + 1) & mask
		}
		t.idx[i] = w
	}
}

// remove deletes key's entry; e must be the entry find returned.
func (t *table) remove(h uint32, e *Entry) {
	mask := uint32(len(t.idx) - 1)
	i := h & mask
	var s uint32
	for {
		w := t.idx[i]
		if uint32(w>>32) == h && t.slot(uint32(w)-1) == e {
			s = uint32(w) - 1
			break
		}
		i = (i + 1) & mask
	}
	// backward-shift deletion
	j := i
	for {
		j = (j + 1) & mask
		w := t.idx[j]
		if w == 0 {
			break
		}
		home := uint32(w>>32) & mask
		// move w into the hole at i if its home is not in (i, j]
		if (j > i && (home <= i || home > j)) || (j < i && home <= i && home > j) {
			t.idx[i] = w
			i = j
		}
	}
	t.idx[i] = 0
	if e.expire != 0 {
		t.ttl--
	}
	if e.hasFlag(flagFieldTTL) {
		t.fttl--
	}
	e.clearValue()
	t.live--
	if t.live == 0 {
		// release everything: an emptied database costs nothing
		*t = table{}
		return
	}
	t.free = append(t.free, s)
	if t.live < len(t.idx)/16 && len(t.idx) > 64 {
		t.shrink()
	}
}

// shrink halves the index when it is mostly empty.
func (t *table) shrink() {
	old := t.idx
	n := len(old) / 4
	for n > 8 && t.live*4 > n*3 {
		n *= 2
	}
	t.idx = make([]uint64, n)
	mask := uint32(n - 1)
	for _, w := range old {
		if w == 0 {
			continue
		}
		i := uint32(w>>32) & mask
		for t.idx[i] != 0 {
			i = (i + 1) & mask
		}
		t.idx[i] = w
	}
}

// at returns the live entry in slot s, or nil when the slot is free or out
// of range.
func (t *table) at(s uint32) *Entry {
	if s >= t.next {
		return nil
	}
	e := t.slot(s)
	if e.Kind() == KindNone {
		return nil
	}
	return e
}

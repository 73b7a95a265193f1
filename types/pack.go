package types

import (
	"encoding/binary"
	"fmt"
	"math/rand/v2"
	"slices"
	"unsafe"
)

// Helpers for the compact ("listpack") encodings of Hash and ZSet. A
// compact value is one byte buffer:
//
//	header   2 bytes, little endian: the element count in the low 15 bits,
//	         the "exposed" flag in the top bit
//	entries  the elements back to back (hash.go and zset.go define them)
//	offsets  one little-endian uint16 per element: where its entry starts
//
// The offset table costs two bytes per element and turns the buffer into
// an array: element i is one read away, a search over the entries does
// not have to decode each entry to find the next, and a sorted set finds
// positions by binary search. Entries must therefore end below 64 KiB;
// a value that would outgrow that (or packMaxCount elements) moves to its
// general layout with the same semantics.
//
// Reads hand out strings that alias the entries (unsafe.String) instead
// of copying, and mark the buffer exposed. The entries of an exposed
// buffer never change again: appending an entry still happens in place
// (it only overwrites the offset table, which no string covers), but any
// other change (overwrite, insertion in the middle, deletion) builds a
// new, unexposed buffer, so every string handed out stays valid and
// immutable. A buffer that was never exposed has no alias anywhere and is
// edited in place, as Redis edits a listpack. Clones copy the buffer, so
// no two collections share one.
//
// The buffers are guarded by the keyspace shard lock like everything else
// in a collection: marking one exposed during a read is a write to it.

// packHdr is the size of a compact buffer's header.
const packHdr = 2

// packExposedBit marks an exposed buffer in the header's high byte.
const packExposedBit = 0x80

// packMaxCount and packMaxTail bound a compact buffer: its element count
// and where its entries end (offsets are 16-bit). Variables so that tests
// can lower them.
var (
	packMaxCount = 1<<15 - 1
	packMaxTail  = 1<<16 - 1
)

// packCount returns the element count of a compact buffer (0 when nil).
func packCount(b []byte) int {
	if len(b) < packHdr {
		return 0
	}
	return int(binary.LittleEndian.Uint16(b) & 0x7fff)
}

// packSetCount stores n in the buffer's header, keeping the exposed flag.
func packSetCount(b []byte, n int) {
	b[0] = byte(n)
	b[1] = b[1]&packExposedBit | byte(n>>8)&0x7f
}

// packExposed reports whether strings aliasing b may exist.
func packExposed(b []byte) bool { return len(b) >= packHdr && b[1]&packExposedBit != 0 }

// packExpose marks b exposed: callers are about to get strings aliasing it.
func packExpose(b []byte) {
	if len(b) >= packHdr {
		b[1] |= packExposedBit
	}
}

// packTail returns where the entries end (the offset table starts) and
// the element count.
func packTail(b []byte) (tail, n int) {
	n = packCount(b)
	if b == nil {
		return packHdr, 0
	}
	return len(b) - 2*n, n
}

// packOff returns where entry i starts, given the buffer's tail.
func packOff(b []byte, tail, i int) int {
	return int(binary.LittleEndian.Uint16(b[tail+2*i:]))
}

// packFits reports whether b's entries may grow by grow bytes and its
// count by add and stay compact.
func packFits(b []byte, grow, add int) bool {
	tail, n := packTail(b)
	return tail+grow <= packMaxTail && n+add <= packMaxCount
}

// packSplice removes entries [i, j) of b and, when k > 0, opens a k-byte
// gap for a new entry at index i (every entry takes at least a byte). It returns the buffer (b edited
// in place when allowed, or a new unexposed buffer) and the offset of the
// gap, which the caller fills. The caller checks packFits first.
func packSplice(b []byte, i, j, k int) ([]byte, int) {
	tail, n := packTail(b)
	start, end := tail, tail
	if i < n {
		start = packOff(b, tail, i)
	}
	if j < n {
		end = packOff(b, tail, j)
	}
	add := k > 0
	nadd := 0
	if add {
		nadd = 1
	}
	delta := k - (end - start)
	newN := n - (j - i) + nadd
	newTail := tail + delta
	newLen := newTail + 2*newN
	// where the kept offsets after the gap move: dst - src
	shift := delta + 2*(nadd-(j-i))
	inPlace := b != nil && (start == tail || !packExposed(b)) && newLen <= cap(b) &&
		(delta <= 0 || shift >= 0) // (any splice the collections make)
	if !inPlace {
		nb := slices.Grow([]byte(nil), packRoom(newLen))[:newLen]
		w := newTail
		if b == nil {
			nb[0], nb[1] = 0, 0
		} else {
			copy(nb, b[:start])
			copy(nb[start+k:], b[end:tail])
			nb[1] &^= packExposedBit
			w += copy(nb[newTail:], b[tail:tail+2*i])
		}
		if add {
			binary.LittleEndian.PutUint16(nb[w:], uint16(start))
			w += 2
		}
		for x := j; x < n; x++ {
			binary.LittleEndian.PutUint16(nb[w:], uint16(packOff(b, tail, x)+delta))
			w += 2
		}
		packSetCount(nb, newN)
		return nb, start
	}
	// In place (an exposed buffer only gets entries appended). Entries
	// and the offset table overlap as they move: shrinking, move the
	// entries down, then the table down from its start; growing, move the
	// table up from its end, then the entries.
	nb := b[:max(len(b), newLen)]
	at := func(x int) int { return int(binary.LittleEndian.Uint16(nb[tail+2*x:])) }
	put := func(slot, v int) { binary.LittleEndian.PutUint16(nb[newTail+2*slot:], uint16(v)) }
	if delta <= 0 {
		copy(nb[start+k:], nb[end:tail])
		copy(nb[newTail:], nb[tail:tail+2*i])
		if add {
			put(i, start)
		}
		for x := j; x < n; x++ {
			put(i+nadd+x-j, at(x)+delta)
		}
	} else {
		for x := n - 1; x >= j; x-- {
			put(i+nadd+x-j, at(x)+delta)
		}
		if add {
			put(i, start)
		}
		copy(nb[newTail:], nb[tail:tail+2*i])
		copy(nb[start+k:], nb[end:tail])
	}
	nb = nb[:newLen]
	packSetCount(nb, newN)
	return nb, start
}

// packLen decodes the uvarint at b[p:] and returns it and the offset
// after it.
func packLen(b []byte, p int) (int, int) {
	if c := b[p]; c < 0x80 {
		return int(c), p + 1
	}
	return packLenSlow(b, p)
}

func packLenSlow(b []byte, p int) (int, int) {
	v, w := binary.Uvarint(b[p:])
	return int(v), p + w
}

// packStr returns the string of n bytes at b[p:] without copying (see the
// rules above: the caller exposes the buffer when the string may escape).
func packStr(b []byte, p, n int) string {
	if n == 0 {
		return ""
	}
	return unsafe.String(&b[p], n)
}

// uvarintLen returns the bytes the uvarint encoding of n takes.
func uvarintLen(n int) int {
	k := 1
	for n >= 0x80 {
		n >>= 7
		k++
	}
	return k
}

// packRoom is the capacity to ask for a buffer of need bytes: a little
// spare so that a run of appends does not reallocate every time, without
// Go's doubling (small collections are many; their spare room adds up).
// The allocator rounds it up to its size class, which append then uses.
func packRoom(need int) int { return max(need+need/8, packHdr) }

// packUnshare returns an unexposed copy of b with room for extra more
// bytes, for edits of a buffer that strings alias.
func packUnshare(b []byte, extra int) []byte {
	nb := append(slices.Grow([]byte(nil), packRoom(len(b)+extra)), b...)
	nb[1] &^= packExposedBit
	return nb
}

// packClone returns a copy of b without spare room (not exposed).
func packClone(b []byte) []byte {
	if b == nil {
		return nil
	}
	nb := append([]byte(nil), b...)
	nb[1] &^= packExposedBit
	return nb
}

// packCheck verifies a compact buffer's frame: header, offsets in order
// and inside the entries, each entry ending where the next starts (size
// returns an entry's size).
func packCheck(b []byte, size func(b []byte, p int) int) error {
	if b == nil {
		return nil
	}
	tail, n := packTail(b)
	switch {
	case len(b) < packHdr:
		return fmt.Errorf("compact buffer shorter than its header")
	case n == 0:
		return fmt.Errorf("empty compact buffer not released")
	case tail < packHdr || tail > packMaxTail || n > packMaxCount:
		return fmt.Errorf("compact buffer of %d entries ending at %d", n, tail)
	}
	p := packHdr
	for i := 0; i < n; i++ {
		if o := packOff(b, tail, i); o != p {
			return fmt.Errorf("entry %d at %d, offset table says %d", i, p, o)
		}
		p += size(b, p)
		if p > tail {
			return fmt.Errorf("entry %d runs past the entries", i)
		}
	}
	if p != tail {
		return fmt.Errorf("entries end at %d, offset table starts at %d", p, tail)
	}
	return nil
}

// sampleInOrder returns k distinct values of [0, n) in ascending order,
// uniformly (selection sampling: each index is picked with probability
// need/remaining). 0 < k <= n.
func sampleInOrder(n, k int) []int {
	out := make([]int, 0, k)
	for i := 0; i < n && len(out) < k; i++ {
		if rand.IntN(n-i) < k-len(out) {
			out = append(out, i)
		}
	}
	return out
}

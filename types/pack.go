package types

import (
	"encoding/binary"
	"math/rand/v2"
	"slices"
	"unsafe"
)

// Helpers for the compact ("listpack") encodings of Hash and ZSet: one
// byte buffer holding a 2-byte header (little endian: the element count in
// the low 15 bits, the "exposed" flag in the top bit) followed by the
// elements back to back, each string framed by its length as a uvarint.
//
// Reads hand out strings that alias the buffer (unsafe.String) instead of
// copying, and mark the buffer exposed. The bytes of an exposed buffer
// below its length never change again (the header aside: no string covers
// it): appending may still write past the length, but any other change
// (overwrite, insertion in the middle, deletion) builds a new, unexposed
// buffer, so every string handed out stays valid and immutable. A buffer
// that was never exposed has no alias anywhere and is edited in place
// (packEdit), as Redis edits a listpack. Clones copy the buffer, so no two
// collections share one.
//
// The buffers are guarded by the keyspace shard lock like everything else
// in a collection: marking one exposed during a read is a write to it.

// packHdr is the size of a compact buffer's header.
const packHdr = 2

// packExposedBit marks an exposed buffer in the header's high byte.
const packExposedBit = 0x80

// packMaxCount is the most elements a compact buffer counts; a collection
// allowed more by its configured limit uses its general layout instead,
// with the same (listpack) semantics. A variable so that tests can lower
// it.
var packMaxCount = 1<<15 - 1

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

// packSkip returns the offset after the string framed at b[p:].
func packSkip(b []byte, p int) int {
	n, p := packLen(b, p)
	return p + n
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

// packFrameLen is the bytes a string of n bytes takes, framing included.
func packFrameLen(n int) int { return uvarintLen(n) + n }

// packAppendStr appends s framed by its length.
func packAppendStr(b []byte, s string) []byte {
	if len(s) < 0x80 {
		b = append(b, byte(len(s)))
	} else {
		b = binary.AppendUvarint(b, uint64(len(s)))
	}
	return append(b, s...)
}

// packPutStr writes s framed by its length at b[p:] and returns the offset
// after it.
func packPutStr(b []byte, p int, s string) int {
	if len(s) < 0x80 {
		b[p] = byte(len(s))
		p++
	} else {
		p += binary.PutUvarint(b[p:], uint64(len(s)))
	}
	return p + copy(b[p:], s)
}

// packNew returns an empty buffer with the header, with room for need
// bytes in all (rounded up to the allocator's size class).
func packNew(need int) []byte {
	b := slices.Grow([]byte(nil), packRoom(need))
	return append(b, 0, 0)
}

// packRoom is the capacity to ask for a buffer of need bytes: a little
// spare so that a run of appends does not reallocate every time, without
// Go's doubling (small collections are many; their spare room adds up).
func packRoom(need int) int { return max(need+need/8, packHdr) }

// packReserve makes room to append add bytes to b (appending never
// touches bytes below the length, so it happens in place even in an
// exposed buffer). When b must move, the new buffer gets the copy and is
// not exposed; the old one is left untouched.
func packReserve(b []byte, add int) []byte {
	if b == nil {
		return packNew(add + packHdr)
	}
	if len(b)+add <= cap(b) {
		return b
	}
	nb := slices.Grow([]byte(nil), packRoom(len(b)+add))
	nb = append(nb, b...)
	nb[1] &^= packExposedBit
	return nb
}

// packEdit replaces b[start:end] (past the header) with a gap of k bytes
// for the caller to fill, and returns the buffer. It edits b in place
// when b is not exposed and has the room, and otherwise copies into a new
// buffer, which is not exposed.
func packEdit(b []byte, start, end, k int) []byte {
	newLen := len(b) - (end - start) + k
	if !packExposed(b) && newLen <= cap(b) {
		if k != end-start {
			nb := b[:max(len(b), newLen)]
			copy(nb[start+k:], b[end:])
			b = nb[:newLen]
		}
		return b
	}
	nb := slices.Grow([]byte(nil), packRoom(newLen))[:newLen]
	copy(nb, b[:start])
	copy(nb[start+k:], b[end:])
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

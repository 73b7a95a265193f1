package keyspace

import (
	"sync/atomic"
	"unsafe"
)

// Kind is the Redis type of a value.
type Kind uint8

// The value kinds, named as TYPE names them.
const (
	KindNone Kind = iota // a free slot; never seen by callers
	KindString
	KindList
	KindSet
	KindZSet
	KindHash
	KindStream
)

var kindNames = [...]string{"none", "string", "list", "set", "zset", "hash", "stream"}

// String returns the name TYPE replies with ("string", "list", ...).
func (k Kind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return "unknown"
}

// objBox holds a non-string value so that Entry can keep one pointer field.
//
// shared is set when a running snapshot reads v in place (a Sharer: see
// Snapshot) instead of having copied it: while *shared is true the
// snapshot may still read v, so the first access through Obj clones v
// and keeps the clone, leaving the snapshot the value as it was. Once
// the snapshot is done with v (*shared false) the access only drops the
// mark. Both fields change only under the shard's lock.
type objBox struct {
	v      any
	shared *atomic.Bool
}

// unshare gives the box a value of its own if a snapshot still reads v.
func (b *objBox) unshare() {
	if b.shared.Load() {
		b.v = b.v.(Cloner).Clone()
	}
	b.shared = nil
}

// Entry is one key of one database. It lives inside a shard's table and
// may be read or modified only while the shard is locked (or the keyspace
// is held exclusively). A *Entry must not be kept across an insertion into,
// or deletion from, the same table: use it within one critical section.
//
// String values are stored without an interface header: p points at the
// bytes and n is their length. A string written by APPEND, SETRANGE or
// SETBIT becomes mutable (c > 0 is its capacity) and is copied when read.
type Entry struct {
	key    string
	p      unsafe.Pointer // string bytes (KindString) or *objBox
	n      uint32         // string length
	c      uint32         // mutable buffer capacity; 0 = immutable string
	expire int64          // absolute unix ms; 0 = no expiry
	meta   uint32         // bits 0-23: access (LRU clock or LFU data); 24-26: kind; 27-31: flags
	size   uint32         // bytes accounted for this entry's string value (saturating)
}

const (
	accessMask = 1<<24 - 1
	kindShift  = 24
	kindMask   = 7 << kindShift
	flagShift  = 27
)

func (e *Entry) setKind(k Kind) { e.meta = e.meta&^kindMask | uint32(k)<<kindShift }

func (e *Entry) hasFlag(f uint8) bool { return e.meta>>flagShift&uint32(f) != 0 }

func (e *Entry) setFlag(f uint8, on bool) {
	if on {
		e.meta |= uint32(f) << flagShift
	} else {
		e.meta &^= uint32(f) << flagShift
	}
}

// Key returns the entry's key.
func (e *Entry) Key() string { return e.key }

// Kind returns the value's type.
func (e *Entry) Kind() Kind { return Kind(e.meta >> kindShift & 7) }

// ExpireAt returns the absolute expiry in unix milliseconds, or 0 when the
// key has none.
func (e *Entry) ExpireAt() int64 { return e.expire }

// Access returns the 24-bit eviction metadata word (LRU clock or LFU data).
func (e *Entry) Access() uint32 { return e.meta & accessMask }

// SetAccess stores the 24-bit eviction metadata word.
func (e *Entry) SetAccess(a uint32) { e.meta = e.meta&^accessMask | a&accessMask }

// Str returns a string value. The result is safe to keep: a mutable value
// is copied.
func (e *Entry) Str() string {
	if e.n == 0 {
		return ""
	}
	s := unsafe.String((*byte)(e.p), int(e.n))
	if e.c != 0 {
		return string([]byte(s))
	}
	return s
}

// StrView returns a string value without copying. The result is valid only
// while the shard stays locked and the value is not modified.
func (e *Entry) StrView() string {
	if e.n == 0 {
		return ""
	}
	return unsafe.String((*byte)(e.p), int(e.n))
}

// StrLen returns the length of a string value.
func (e *Entry) StrLen() int { return int(e.n) }

// IsRaw reports whether a string value is held in a mutable buffer (what
// Redis calls the raw encoding of a string grown by APPEND or SETRANGE).
func (e *Entry) IsRaw() bool { return e.c != 0 }

// SetStr stores an immutable string value, replacing any value of any
// kind. The string is kept as is, not copied.
func (e *Entry) SetStr(s string) {
	e.setKind(KindString)
	e.n = uint32(len(s))
	e.c = 0
	if len(s) == 0 {
		e.p = nil
		return
	}
	e.p = unsafe.Pointer(unsafe.StringData(s))
}

// MutableStr turns a string value into a mutable buffer of length n
// (zero-padded when it grows) and returns the buffer. The buffer is valid
// until the next call that modifies the entry. Capacity grows geometrically
// so repeated APPENDs are amortized O(1).
func (e *Entry) MutableStr(n int) []byte {
	old := e.StrView()
	if e.c != 0 && n <= int(e.c) {
		b := unsafe.Slice((*byte)(e.p), int(e.c))
		if n > int(e.n) {
			clear(b[e.n:n])
		}
		e.n = uint32(n)
		return b[:n]
	}
	capacity := n
	if e.c != 0 || n > len(old)+len(old)/4 {
		// grown by APPEND/SETRANGE: leave room like sds does
		if n < 1<<20 {
			capacity = n * 2
		} else {
			capacity = n + 1<<20
		}
	}
	if capacity > 1<<32-1 {
		capacity = 1<<32 - 1
	}
	if capacity == 0 {
		capacity = 1
	}
	b := make([]byte, n, capacity)
	copy(b, old)
	e.setKind(KindString)
	e.p = unsafe.Pointer(unsafe.SliceData(b))
	e.n = uint32(n)
	e.c = uint32(capacity)
	return b
}

// Obj returns a non-string value (a list, set, hash, ...), which the
// caller may change. While a snapshot reads the value in place, the first
// call clones it (see Snapshot), so a caller that only reads should use
// ObjView.
func (e *Entry) Obj() any {
	if e.Kind() == KindString || e.p == nil {
		return nil
	}
	b := (*objBox)(e.p)
	if b.shared != nil {
		b.unshare()
	}
	return b.v
}

// ObjView returns a non-string value for reading only: it may be the
// value a running snapshot is reading (see Sharer), so the caller must
// not change it or anything it holds (reads of a compact hash or sorted
// set, which mark its buffer, are fine: a snapshot never shares those),
// and must not keep it past the shard's lock.
func (e *Entry) ObjView() any {
	if e.Kind() == KindString || e.p == nil {
		return nil
	}
	return (*objBox)(e.p).v
}

// SetObj stores a non-string value of the given kind.
func (e *Entry) SetObj(k Kind, v any) {
	e.setKind(k)
	e.n, e.c = 0, 0
	e.p = unsafe.Pointer(&objBox{v: v})
}

const flagFieldTTL uint8 = 1 // a collection with members that expire (hash fields)

// HasFieldTTL reports whether the value has members with their own expiry.
func (e *Entry) HasFieldTTL() bool { return e.hasFlag(flagFieldTTL) }

// MoveFrom takes src's value and access data (RENAME, MOVE). src must be
// removed by the caller afterwards; its value is left in place for that.
// Use Ctx.MoveEntry, which also carries the member-TTL registration.
func (e *Entry) MoveFrom(src *Entry) {
	e.p, e.n, e.c = src.p, src.n, src.c
	e.meta = e.meta&^(kindMask|accessMask) | src.meta&(kindMask|accessMask)
}

// clearValue drops the value so the garbage collector can reclaim it.
func (e *Entry) clearValue() {
	*e = Entry{}
}

// EntrySize is the in-memory size of the Entry struct itself.
const EntrySize = int(unsafe.Sizeof(Entry{}))

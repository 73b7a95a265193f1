package types

import (
	"bytes"
	"encoding/binary"
	"errors"
	"math/bits"

	"github.com/axiomhq/hyperloglog"
)

// HyperLogLog values.
//
// As in Redis, a HyperLogLog is a plain string value: TYPE says "string",
// GET returns its bytes and APPEND or SETRANGE can corrupt it. The
// estimator is github.com/axiomhq/hyperloglog (precision 14: 16384
// registers, standard error 1.04/√16384 = 0.81%); embedis stores the
// sketch behind a header of its own.
//
// # Layout
//
//	bytes 0-3    "HYLL", the magic Redis also uses
//	byte  4      0xE1: embedis format 1 (Redis writes its encoding here:
//	             0 dense, 1 sparse)
//	bytes 5-7    zero
//	bytes 8-15   the cached cardinality, little endian; the most significant
//	             bit of byte 15 set means "not valid", as in Redis
//	bytes 16-    the sketch as axiomhq's MarshalBinary writes it (format
//	             version 2): byte 16 = 2, byte 17 = 14 (the precision),
//	             byte 18 = 0, byte 19 = 1 sparse / 0 dense, then
//	             - dense: the register count 16384 as a big-endian uint32
//	               (bytes 20-23) and one byte per register (bytes
//	               24-16407): 16408 bytes in all;
//	             - sparse: axiomhq's temporary set and delta-varint list of
//	               25-bit register indexes. An empty HyperLogLog takes 36
//	               bytes. Embedis promotes the sketch to dense when this
//	               part would exceed HLLSparseMaxBytes (3000, Redis's
//	               default hll-sparse-max-bytes): after about 1000 distinct
//	               elements.
//
// # Where the bytes differ from Redis
//
// Only the 16-byte header's shape is shared. Redis's byte 4 is 0 or 1, its
// dense registers are 6 bits packed (12304 bytes in all) and its sparse
// form is a run-length code (ZERO, XZERO, VAL opcodes) promoted to dense
// at 3000 bytes; embedis's byte 4 is 0xE1 and the rest is axiomhq's. So
// the payloads cannot be moved between embedis and a real Redis (GET from
// one, SET into the other, or DUMP/RESTORE): each rejects the other's with
// "WRONGTYPE Key is not a valid HyperLogLog string value." because of byte
// 4, instead of misreading it.
//
// # Hashing and registers
//
// Elements are hashed as Redis hashes them: MurmurHash64A with seed
// 0xadc83b19. The 64-bit hash is bit-reversed before it goes to axiomhq,
// whose register index is the top 14 bits and whose register value counts
// leading zeros: so a register's index is Redis's index (the low 14 bits)
// reversed, and its value is exactly the value Redis computes (trailing
// zeros of the remaining 50 bits, plus one, at most 51). A dense sketch
// thus holds Redis's registers, permuted. The cardinality itself comes
// from axiomhq's estimator (LogLog-Beta when dense, linear counting over
// 2^25 sub-registers while sparse), not from Redis's Ertl estimator, so
// the numbers differ from Redis's except where both are exact.
//
// PFADD on a dense value updates the registers in place (O(1) per
// element), following the documented v2 dense layout; on a sparse value
// the sketch is decoded, updated, compacted and encoded again (O(size of
// the sparse form), at most about 16 KiB).

// HLL layout constants.
const (
	hllHeaderSize  = 16
	hllFormat      = 0xE1
	hllPrecision   = 14
	hllRegisters   = 1 << hllPrecision
	hllSketchOff   = hllHeaderSize
	hllDenseRegOff = hllHeaderSize + 8
	// HLLDenseSize is the length of a dense HyperLogLog value.
	HLLDenseSize = hllDenseRegOff + hllRegisters
	// HLLSparseMaxBytes is the largest sparse sketch (after the header)
	// before it is promoted to dense, as Redis's hll-sparse-max-bytes
	// (default 3000) bounds its sparse form: a sparse PFADD decodes and
	// re-encodes the whole sketch, so this bounds its cost.
	HLLSparseMaxBytes = 3000
)

var hllMagic = []byte("HYLL")

// Errors of HyperLogLog values.
var (
	// ErrHLLInvalid: the string is not a HyperLogLog of this format (Redis:
	// "WRONGTYPE Key is not a valid HyperLogLog string value.").
	ErrHLLInvalid = errors.New("not a valid HyperLogLog string value")
	// ErrHLLCorrupt: the header is right but the sketch does not decode
	// (Redis: "INVALIDOBJ Corrupted HLL object detected").
	ErrHLLCorrupt = errors.New("corrupted HyperLogLog object")
)

// NewHLL returns the value of an empty HyperLogLog: sparse, with a valid
// cached cardinality of 0 (as Redis's createHLLObject).
func NewHLL() []byte {
	return encodeSketch(hyperloglog.New14(), false)
}

// ValidateHLL checks the header of a HyperLogLog value (what Redis's
// isHLLObjectOrReply checks: magic, encoding byte, and the exact size of a
// dense value). The sketch itself is checked when it is decoded.
func ValidateHLL(b []byte) error {
	if len(b) < hllHeaderSize+8 || !bytes.Equal(b[:4], hllMagic) || b[4] != hllFormat ||
		b[16] != 2 || b[17] != hllPrecision || b[18] != 0 || b[19] > 1 {
		return ErrHLLInvalid
	}
	if b[19] == 0 && (len(b) != HLLDenseSize || binary.BigEndian.Uint32(b[20:24]) != hllRegisters) {
		return ErrHLLInvalid
	}
	return nil
}

// HLLIsDense reports whether a valid HyperLogLog value is dense.
func HLLIsDense(b []byte) bool { return b[19] == 0 }

// HLLCachedCount returns the cached cardinality of a valid value and
// whether the cache is valid.
func HLLCachedCount(b []byte) (uint64, bool) {
	if b[15]&0x80 != 0 {
		return 0, false
	}
	return binary.LittleEndian.Uint64(b[8:16]), true
}

// HLLSetCachedCount stores a valid cached cardinality in b.
func HLLSetCachedCount(b []byte, n uint64) {
	binary.LittleEndian.PutUint64(b[8:16], n&^(1<<63))
}

// HLLInvalidateCache marks b's cached cardinality as not valid.
func HLLInvalidateCache(b []byte) { b[15] |= 0x80 }

// HLLHash is the hash embedis gives an element: Redis's MurmurHash64A
// (seed 0xadc83b19), bit-reversed (see the package notes on hashing).
func HLLHash(elem string) uint64 {
	return bits.Reverse64(murmurHash64A(elem, 0xadc83b19))
}

// HLLAddDense adds elem to a dense value in place and reports whether a
// register grew. It does not touch the cached cardinality.
func HLLAddDense(b []byte, elem string) bool {
	x := HLLHash(elem)
	i := x >> (64 - hllPrecision)
	rho := uint8(bits.LeadingZeros64(x<<hllPrecision|1<<(hllPrecision-1))) + 1
	r := &b[hllDenseRegOff+i]
	if rho > *r {
		*r = rho
		return true
	}
	return false
}

// HLLAddSparse adds elems to a sparse value and returns the new value and
// whether the sketch changed. The result may have turned dense. When
// nothing changed it returns b itself; otherwise a new slice whose cache
// is marked not valid.
func HLLAddSparse(b []byte, elems []string) ([]byte, bool, error) {
	sk, err := DecodeHLL(b)
	if err != nil {
		return nil, false, err
	}
	for _, e := range elems {
		sk.sk.InsertHash(HLLHash(e))
	}
	nb := encodeSketch(sk.sk, true)
	if bytes.Equal(nb[hllSketchOff:], b[hllSketchOff:]) {
		return b, false, nil
	}
	return nb, true, nil
}

// HLLSketch is a decoded HyperLogLog, for counting and merging.
type HLLSketch struct{ sk *hyperloglog.Sketch }

// NewHLLSketch returns an empty sketch.
func NewHLLSketch() *HLLSketch { return &HLLSketch{sk: hyperloglog.New14()} }

// DecodeHLL decodes a value; it checks the header (ErrHLLInvalid) and the
// sketch (ErrHLLCorrupt).
func DecodeHLL(b []byte) (*HLLSketch, error) {
	if err := ValidateHLL(b); err != nil {
		return nil, err
	}
	var sk hyperloglog.Sketch
	if err := sk.UnmarshalBinary(b[hllSketchOff:]); err != nil {
		return nil, ErrHLLCorrupt
	}
	return &HLLSketch{sk: &sk}, nil
}

// Merge adds o's registers to h (register-wise maximum). The result is
// dense if either side is.
func (h *HLLSketch) Merge(o *HLLSketch) {
	// Both have precision 14, the only error Merge reports.
	_ = h.sk.Merge(o.sk)
}

// Estimate returns the estimated cardinality.
func (h *HLLSketch) Estimate() uint64 { return h.sk.Estimate() }

// Encode returns the sketch as a value with its cache marked not valid.
func (h *HLLSketch) Encode() []byte { return encodeSketch(h.sk, true) }

// encodeSketch encodes sk behind the header. A sparse sketch is compacted
// first (its pending insertions merged into the sorted list), so equal
// sketches encode to equal bytes: PFADD compares encodings to tell whether
// anything changed.
func encodeSketch(sk *hyperloglog.Sketch, invalid bool) []byte {
	out, err := sk.AppendBinary(hllHeader(make([]byte, 0, 64)))
	if err != nil {
		panic("embedis: hyperloglog encoding: " + err.Error())
	}
	if out[19] == 1 && binary.BigEndian.Uint32(out[20:24]) != 0 {
		// pending insertions: compact (Estimate merges them) and redo
		sk.Estimate()
		out, _ = sk.AppendBinary(out[:hllHeaderSize])
	}
	if out[19] == 1 && len(out)-hllHeaderSize > HLLSparseMaxBytes {
		// promote: merging a dense sketch turns this one dense
		_ = sk.Merge(hllEmptyDense)
		out, _ = sk.AppendBinary(hllHeader(make([]byte, 0, HLLDenseSize)))
	}
	if invalid {
		HLLInvalidateCache(out)
	}
	return out
}

// hllHeader appends the 16-byte header, with a valid cache of 0.
func hllHeader(b []byte) []byte {
	b = append(b, hllMagic...)
	return append(b, hllFormat, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
}

// hllEmptyDense is merged into a sparse sketch to promote it. Merge only
// reads it, so it is shared.
var hllEmptyDense = hyperloglog.NewNoSparse()

// murmurHash64A is Austin Appleby's MurmurHash64A, which Redis's
// hyperloglog.c uses: 8-byte blocks read little endian, then the tail.
func murmurHash64A(key string, seed uint64) uint64 {
	const (
		m = 0xc6a4a7935bd1e995
		r = 47
	)
	h := seed ^ uint64(len(key))*m
	n := len(key) &^ 7
	for i := 0; i < n; i += 8 {
		k := uint64(key[i]) | uint64(key[i+1])<<8 | uint64(key[i+2])<<16 | uint64(key[i+3])<<24 |
			uint64(key[i+4])<<32 | uint64(key[i+5])<<40 | uint64(key[i+6])<<48 | uint64(key[i+7])<<56
		k *= m
		k ^= k >> r
		k *= m
		h ^= k
		h *= m
	}
	tail := key[n:]
	switch len(tail) {
	case 7:
		h ^= uint64(tail[6]) << 48
		fallthrough
	case 6:
		h ^= uint64(tail[5]) << 40
		fallthrough
	case 5:
		h ^= uint64(tail[4]) << 32
		fallthrough
	case 4:
		h ^= uint64(tail[3]) << 24
		fallthrough
	case 3:
		h ^= uint64(tail[2]) << 16
		fallthrough
	case 2:
		h ^= uint64(tail[1]) << 8
		fallthrough
	case 1:
		h ^= uint64(tail[0])
		h *= m
	}
	h ^= h >> r
	h *= m
	h ^= h >> r
	return h
}

package embedis

import (
	"encoding/binary"
	"math"
	"math/bits"
	"strconv"
	"strings"
	"unsafe"

	"github.com/embedis/embedis/keyspace"
)

// Errors of the bit commands that have no shared sentinel. Their texts are
// Redis's; they match with errors.Is by text.
var (
	errBitValue        = errf("ERR bit is not an integer or out of range")
	errBitPosBit       = errf("ERR The bit argument must be 1 or 0.")
	errBitOpNotArgs    = errf("ERR BITOP NOT must be called with a single source key.")
	errBitFieldType    = errf("ERR Invalid bitfield type. Use something like i16 u8. Note that u64 is not supported but i64 is.")
	errBitFieldOvType  = errf("ERR Invalid OVERFLOW type specified")
	errBitFieldROWrite = errf("ERR BITFIELD_RO only supports the GET subcommand")
)

// roBytes views s as a byte slice without copying. The slice must not be
// written to.
func roBytes(s string) []byte {
	if len(s) == 0 {
		return nil
	}
	return unsafe.Slice(unsafe.StringData(s), len(s))
}

// bitLimit is the bound on bit offsets: offset/8 must stay below
// proto-max-bulk-len, except while replaying a log (Redis's
// mustObeyClient), where any offset the string can hold is accepted.
func bitLimit(c *keyspace.Ctx, maxBulk int64) int64 {
	if c.Loading {
		return math.MaxInt64
	}
	return maxBulk
}

// parseBitOffset parses a bit offset as Redis's getBitOffsetFromArgument
// does. With width > 0 (BITFIELD) an offset "#n" means n*width.
func parseBitOffset(s string, width int, maxBulk int64) (uint64, error) {
	hash := width > 0 && len(s) > 0 && s[0] == '#'
	if hash {
		s = s[1:]
	}
	v, ok := parseInt(s)
	if !ok {
		return 0, ErrBitOffset
	}
	if hash {
		v *= int64(width) // wraps like Redis's long long multiply
	}
	if v < 0 || v>>3 >= maxBulk {
		return 0, ErrBitOffset
	}
	return uint64(v), nil
}

// checkBitOffset validates a typed offset like parseBitOffset.
func checkBitOffset(off int64, maxBulk int64) (uint64, error) {
	if off < 0 || off>>3 >= maxBulk {
		return 0, ErrBitOffset
	}
	return uint64(off), nil
}

// lookupBitWrite finds the string at key for a bit write, creating it or
// zero-padding it so that bit maxBit exists (Redis's
// lookupStringForBitCommand). It returns the mutable buffer and whether the
// key was created or grew.
func lookupBitWrite(c *keyspace.Ctx, db int, key string, maxBit uint64) ([]byte, bool, error) {
	e := c.LookupWrite(db, key)
	if e != nil && e.Kind() != keyspace.KindString {
		return nil, false, ErrWrongType
	}
	need := maxBit>>3 + 1
	if need > math.MaxUint32 {
		return nil, false, ErrStringTooLong
	}
	if e == nil {
		e = c.Create(db, key)
		return e.MutableStr(int(need)), true, nil
	}
	n := e.StrLen()
	if int(need) > n {
		return e.MutableStr(int(need)), true, nil
	}
	return e.MutableStr(n), false, nil
}

// lookupBitRead finds the string at key for a bit read: "" when missing.
func lookupBitRead(c *keyspace.Ctx, db int, key string) (s string, found bool, err error) {
	e := c.Lookup(db, key)
	if e == nil {
		return "", false, nil
	}
	if e.Kind() != keyspace.KindString {
		return "", false, ErrWrongType
	}
	return e.StrView(), true, nil
}

// setBitOp is SETBIT with a validated offset. It returns the old bit.
// argOffset is the offset as text for the journal ("" to format it).
func setBitOp(c *keyspace.Ctx, db int, key string, off uint64, on bool, argOffset string) (int, error) {
	buf, dirty, err := lookupBitWrite(c, db, key, off)
	if err != nil {
		return 0, err
	}
	i, mask := off>>3, byte(0x80)>>(off&7)
	old := 0
	if buf[i]&mask != 0 {
		old = 1
	}
	if dirty || (old == 1) != on {
		val := "0"
		if on {
			buf[i] |= mask
			val = "1"
		} else {
			buf[i] &^= mask
		}
		c.Touch(db, key)
		c.Notify(db, keyspace.NotifyString, "setbit", key)
		if c.Journaling() {
			if argOffset == "" {
				argOffset = strconv.FormatUint(off, 10)
			}
			c.Propagate(db, "SETBIT", key, argOffset, val)
		}
	}
	return old, nil
}

// getBitOp is GETBIT with a validated offset.
func getBitOp(c *keyspace.Ctx, db int, key string, off uint64) (int, error) {
	s, _, err := lookupBitRead(c, db, key)
	if err != nil {
		return 0, err
	}
	if i := off >> 3; i < uint64(len(s)) && s[i]&(0x80>>(off&7)) != 0 {
		return 1, nil
	}
	return 0, nil
}

// SetBit sets (value 1) or clears (value 0) the bit at offset of the
// string at key (SETBIT), growing it with zero bytes as needed, and returns
// the bit's old value.
func (d *DB) SetBit(key string, offset int64, value int) (int, error) {
	if err := d.s.freeMemoryIfNeeded(); err != nil {
		return 0, err
	}
	var c keyspace.Ctx
	d.unit(&c, key)
	defer done(&c)
	off, err := checkBitOffset(offset, bitLimit(&c, d.s.maxBulk.Load()))
	if err != nil {
		return 0, err
	}
	if value != 0 && value != 1 {
		return 0, errBitValue
	}
	return setBitOp(&c, d.idx, key, off, value == 1, "")
}

// GetBit returns the bit at offset of the string at key (GETBIT); bits
// past the end, and of a missing key, are 0.
func (d *DB) GetBit(key string, offset int64) (int, error) {
	var c keyspace.Ctx
	d.unit(&c, key)
	defer done(&c)
	off, err := checkBitOffset(offset, bitLimit(&c, d.s.maxBulk.Load()))
	if err != nil {
		return 0, err
	}
	return getBitOp(&c, d.idx, key, off)
}

// bitRange is a BITCOUNT/BITPOS range as given: indexes in bytes, or in
// bits with isBit. hasEnd tells whether end was given.
type bitRange struct {
	start, end    int64
	isBit, hasEnd bool
}

// resolve applies Redis's index rules to a string of n bytes and returns
// the inclusive range in bits; ok is false when the range is empty.
func (r bitRange) resolve(n int) (first, last int64, ok bool) {
	total := int64(n)
	start, end := r.start, r.end
	if !r.hasEnd {
		end = total - 1
	}
	if r.isBit {
		total <<= 3
	}
	if start < 0 {
		start += total
	}
	if end < 0 {
		end += total
	}
	start, end = max(start, 0), max(end, 0)
	if end >= total {
		end = total - 1
	}
	if start > end {
		return 0, 0, false
	}
	if r.isBit {
		return start, end, true
	}
	return start << 3, end<<3 + 7, true
}

// countBits counts the set bits of s from bit first to bit last inclusive.
func countBits(s string, first, last int64) int64 {
	b := roBytes(s)
	fi, li := first>>3, last>>3
	if fi == li {
		return int64(bits.OnesCount8(b[fi] & (0xff >> (first & 7)) & (0xff << (7 - last&7))))
	}
	n := int64(bits.OnesCount8(b[fi]&(0xff>>(first&7))) + bits.OnesCount8(b[li]&(0xff<<(7-last&7))))
	mid := b[fi+1 : li]
	for len(mid) >= 8 {
		n += int64(bits.OnesCount64(binary.LittleEndian.Uint64(mid)))
		mid = mid[8:]
	}
	for _, v := range mid {
		n += int64(bits.OnesCount8(v))
	}
	return n
}

// bitAt returns bit p of b (bit 0 is the high bit of the first byte).
func bitAt(b []byte, p int64) int { return int(b[p>>3]>>(7-p&7)) & 1 }

// findBit returns the position of the first bit equal to bit in s from
// bit first to bit last inclusive, or -1.
func findBit(s string, bit int, first, last int64) int64 {
	b := roBytes(s)
	p := first
	for ; p <= last && p&7 != 0; p++ { // leading partial byte
		if bitAt(b, p) == bit {
			return p
		}
	}
	if p > last {
		return -1
	}
	var skip byte // a byte without the bit looked for
	var skipWord uint64
	if bit == 0 {
		skip, skipWord = 0xff, math.MaxUint64
	}
	i, end := p>>3, (last+1)>>3 // whole bytes i..end-1
	for i+8 <= end && binary.LittleEndian.Uint64(b[i:]) == skipWord {
		i += 8
	}
	for i < end && b[i] == skip {
		i++
	}
	if i < end {
		return i<<3 + int64(bits.LeadingZeros8(b[i]^skip))
	}
	for p = end << 3; p <= last; p++ { // trailing partial byte
		if bitAt(b, p) == bit {
			return p
		}
	}
	return -1
}

// bitCountOp is BITCOUNT; a nil r counts the whole string.
func bitCountOp(c *keyspace.Ctx, db int, key string, r *bitRange) (int64, error) {
	s, found, err := lookupBitRead(c, db, key)
	if err != nil || !found {
		return 0, err
	}
	if r == nil {
		return countBits0(s), nil
	}
	if r.start < 0 && r.end < 0 && r.start > r.end {
		return 0, nil
	}
	first, last, ok := r.resolve(len(s))
	if !ok {
		return 0, nil
	}
	return countBits(s, first, last), nil
}

// countBits0 counts every set bit of s.
func countBits0(s string) int64 {
	if len(s) == 0 {
		return 0
	}
	return countBits(s, 0, int64(len(s))<<3-1)
}

// bitPosOp is BITPOS; a nil r searches the whole string.
func bitPosOp(c *keyspace.Ctx, db int, key string, bit int, r *bitRange) (int64, error) {
	s, found, err := lookupBitRead(c, db, key)
	if err != nil {
		return 0, err
	}
	if !found {
		// a missing key is an endless run of zero bits
		if bit == 1 {
			return -1, nil
		}
		return 0, nil
	}
	if r == nil {
		r = &bitRange{}
	}
	first, last, ok := r.resolve(len(s))
	if !ok {
		return -1, nil
	}
	pos := findBit(s, bit, first, last)
	if pos == -1 && bit == 0 && !r.hasEnd {
		// without an explicit end the string counts as zero-padded
		return last + 1, nil
	}
	return pos, nil
}

// BitCountArgs are BITCOUNT's range options.
type BitCountArgs struct {
	// Start (start) is the first index of the range; negative counts from
	// the end. Default: 0.
	Start int64
	// End (end) is the last index of the range, inclusive; negative counts
	// from the end. Default: 0 (set -1 for "to the end").
	End int64
	// Bit (BIT) makes Start and End bit indexes. Default: false (BYTE).
	Bit bool
}

// BitCount counts the set bits of the string at key (BITCOUNT). A nil args
// counts the whole string; a missing key counts 0.
func (d *DB) BitCount(key string, args *BitCountArgs) (int64, error) {
	var r *bitRange
	if args != nil {
		r = &bitRange{start: args.Start, end: args.End, isBit: args.Bit, hasEnd: true}
	}
	var c keyspace.Ctx
	d.unit(&c, key)
	defer done(&c)
	return bitCountOp(&c, d.idx, key, r)
}

// BitPosArgs are BITPOS's range options.
type BitPosArgs struct {
	// Start (start) is the first index searched; negative counts from the
	// end. Default: 0.
	Start int64
	// End (end) is the last index searched, inclusive. When nil the search
	// runs to the end of the string and, looking for a 0 bit in a string of
	// ones, answers the first bit past the end; with an End it answers -1.
	// Default: nil.
	End *int64
	// Bit (BIT) makes Start and End bit indexes; it needs End. Default:
	// false (BYTE).
	Bit bool
}

// BitPos returns the position of the first bit equal to bit (0 or 1) in
// the string at key (BITPOS), or -1 when there is none. A missing key is
// all zeros: it answers 0 for bit 0 and -1 for bit 1.
func (d *DB) BitPos(key string, bit int, args *BitPosArgs) (int64, error) {
	if bit != 0 && bit != 1 {
		return 0, errBitPosBit
	}
	var r *bitRange
	if args != nil {
		r = &bitRange{start: args.Start, isBit: args.Bit}
		if args.End != nil {
			r.end, r.hasEnd = *args.End, true
		} else if args.Bit {
			return 0, ErrSyntax
		}
	}
	var c keyspace.Ctx
	d.unit(&c, key)
	defer done(&c)
	return bitPosOp(&c, d.idx, key, bit, r)
}

// BitOperation is the operation of BITOP.
type BitOperation uint8

// The BITOP operations.
const (
	// BitAnd is BITOP AND.
	BitAnd BitOperation = iota
	// BitOr is BITOP OR.
	BitOr
	// BitXor is BITOP XOR.
	BitXor
	// BitNot is BITOP NOT; it takes exactly one source key.
	BitNot
)

var bitOpNames = [...]string{"AND", "OR", "XOR", "NOT"}

// String returns the operation's Redis name ("AND", ...).
func (op BitOperation) String() string {
	if int(op) < len(bitOpNames) {
		return bitOpNames[op]
	}
	return "BitOperation(" + strconv.Itoa(int(op)) + ")"
}

// parseBitOperation parses BITOP's operation name, case-insensitively.
func parseBitOperation(s string) (BitOperation, bool) {
	for i, n := range bitOpNames {
		if strings.EqualFold(s, n) {
			return BitOperation(i), true
		}
	}
	return 0, false
}

// bitOpOp is BITOP on validated arguments; journal is the command to
// propagate when the destination changes. It returns the result length.
func bitOpOp(c *keyspace.Ctx, db int, op BitOperation, dest string, srcs []string, journal func() []string) (int64, error) {
	vals := make([]string, len(srcs))
	maxLen := 0
	for i, k := range srcs {
		s, _, err := lookupBitRead(c, db, k)
		if err != nil {
			return 0, err
		}
		vals[i] = s
		maxLen = max(maxLen, len(s))
	}
	if maxLen == 0 {
		if c.Delete(db, dest) {
			c.Touch(db, dest)
			c.Notify(db, keyspace.NotifyGeneric, "del", dest)
			if c.Journaling() {
				c.Propagate(db, journal()...)
			}
		}
		return 0, nil
	}
	res := make([]byte, maxLen)
	copy(res, vals[0])
	switch op {
	case BitNot:
		for i := range res {
			res[i] = ^res[i]
		}
	case BitAnd:
		for _, v := range vals[1:] {
			n := len(v)
			for i := 0; i < n; i++ {
				res[i] &= v[i]
			}
			clear(res[n:])
		}
	case BitOr:
		for _, v := range vals[1:] {
			for i := 0; i < len(v); i++ {
				res[i] |= v[i]
			}
		}
	case BitXor:
		for _, v := range vals[1:] {
			for i := 0; i < len(v); i++ {
				res[i] ^= v[i]
			}
		}
	}
	e := c.LookupWrite(db, dest)
	if e == nil {
		e = c.Create(db, dest)
	} else if e.ExpireAt() != 0 {
		c.SetExpire(db, e, 0)
	}
	e.SetStr(unsafe.String(unsafe.SliceData(res), len(res)))
	c.Touch(db, dest)
	c.Notify(db, keyspace.NotifyString, "set", dest)
	if c.Journaling() {
		c.Propagate(db, journal()...)
	}
	return int64(maxLen), nil
}

// BitOp performs a bitwise operation between the strings at keys and
// stores the result at dest (BITOP), replacing any value and expiry there.
// Missing keys count as empty strings and shorter strings are zero-padded.
// It returns the length of the result; an empty result deletes dest.
func (d *DB) BitOp(op BitOperation, dest string, keys ...string) (int64, error) {
	if err := d.s.freeMemoryIfNeeded(); err != nil {
		return 0, err
	}
	if int(op) >= len(bitOpNames) {
		return 0, ErrSyntax
	}
	if len(keys) == 0 {
		return 0, errWrongArgs("bitop")
	}
	if op == BitNot && len(keys) != 1 {
		return 0, errBitOpNotArgs
	}
	var c keyspace.Ctx
	d.s.ks.Begin(&c)
	c.Lock(append([]string{dest}, keys...)...)
	defer done(&c)
	return bitOpOp(&c, d.idx, op, dest, keys, func() []string {
		return append([]string{"BITOP", op.String(), dest}, keys...)
	})
}

// BitFieldKind is the subcommand of a BitFieldOp.
type BitFieldKind uint8

// The BITFIELD subcommands.
const (
	// BitFieldKindGet is GET type offset.
	BitFieldKindGet BitFieldKind = iota
	// BitFieldKindSet is SET type offset value.
	BitFieldKindSet
	// BitFieldKindIncrBy is INCRBY type offset increment.
	BitFieldKindIncrBy
)

// BitFieldOverflow is the overflow behaviour of BITFIELD's SET and INCRBY.
type BitFieldOverflow uint8

// The BITFIELD overflow behaviours (OVERFLOW WRAP|SAT|FAIL).
const (
	// BitFieldWrap wraps around (OVERFLOW WRAP), the default.
	BitFieldWrap BitFieldOverflow = iota
	// BitFieldSat saturates at the type's minimum or maximum (OVERFLOW SAT).
	BitFieldSat
	// BitFieldFail refuses the write and answers nil (OVERFLOW FAIL).
	BitFieldFail
)

var overflowNames = [...]string{"WRAP", "SAT", "FAIL"}

// BitFieldOp is one subcommand of BITFIELD. Build it with BitFieldGet,
// BitFieldSet or BitFieldIncrBy.
type BitFieldOp struct {
	// Kind is the subcommand.
	Kind BitFieldKind
	// Type is the field's type as Redis spells it: "i1".."i64" (signed) or
	// "u1".."u63" (unsigned).
	Type string
	// Offset is the field's first bit. Redis's "#n" form is n times the
	// type's width.
	Offset int64
	// Value is SET's value or INCRBY's increment; GET ignores it.
	Value int64
	// Overflow is how SET and INCRBY handle overflow. Default: BitFieldWrap.
	Overflow BitFieldOverflow
}

// BitFieldGet returns a GET type offset subcommand.
func BitFieldGet(typ string, offset int64) BitFieldOp {
	return BitFieldOp{Kind: BitFieldKindGet, Type: typ, Offset: offset}
}

// BitFieldSet returns a SET type offset value subcommand.
func BitFieldSet(typ string, offset, value int64) BitFieldOp {
	return BitFieldOp{Kind: BitFieldKindSet, Type: typ, Offset: offset, Value: value}
}

// BitFieldIncrBy returns an INCRBY type offset increment subcommand.
func BitFieldIncrBy(typ string, offset, incr int64) BitFieldOp {
	return BitFieldOp{Kind: BitFieldKindIncrBy, Type: typ, Offset: offset, Value: incr}
}

// WithOverflow returns op with its overflow behaviour set to ov.
func (op BitFieldOp) WithOverflow(ov BitFieldOverflow) BitFieldOp {
	op.Overflow = ov
	return op
}

// bfOp is one parsed BITFIELD subcommand.
type bfOp struct {
	kind   BitFieldKind
	ow     BitFieldOverflow
	signed bool
	width  int
	off    uint64
	val    int64
}

// parseBitFieldType parses "i8", "u16", ... as Redis does.
func parseBitFieldType(s string) (signed bool, width int, err error) {
	if len(s) == 0 || (s[0] != 'i' && s[0] != 'u') {
		return false, 0, errBitFieldType
	}
	signed = s[0] == 'i'
	n, ok := parseInt(s[1:])
	if !ok || n < 1 || (signed && n > 64) || (!signed && n > 63) {
		return false, 0, errBitFieldType
	}
	return signed, int(n), nil
}

// parseBitField parses BITFIELD's subcommands (args after the key) in
// Redis's order of checks. It reports whether any subcommand writes.
func parseBitField(args []string, maxBulk int64) (ops []bfOp, writes bool, err error) {
	ow := BitFieldWrap
	for j := 0; j < len(args); j++ {
		rem := len(args) - j - 1
		var kind BitFieldKind
		switch sub := args[j]; {
		case strings.EqualFold(sub, "get") && rem >= 2:
			kind = BitFieldKindGet
		case strings.EqualFold(sub, "set") && rem >= 3:
			kind = BitFieldKindSet
		case strings.EqualFold(sub, "incrby") && rem >= 3:
			kind = BitFieldKindIncrBy
		case strings.EqualFold(sub, "overflow") && rem >= 1:
			j++
			switch {
			case strings.EqualFold(args[j], "wrap"):
				ow = BitFieldWrap
			case strings.EqualFold(args[j], "sat"):
				ow = BitFieldSat
			case strings.EqualFold(args[j], "fail"):
				ow = BitFieldFail
			default:
				return nil, false, errBitFieldOvType
			}
			continue
		default:
			return nil, false, ErrSyntax
		}
		signed, width, err := parseBitFieldType(args[j+1])
		if err != nil {
			return nil, false, err
		}
		off, err := parseBitOffset(args[j+2], width, maxBulk)
		if err != nil {
			return nil, false, err
		}
		op := bfOp{kind: kind, ow: ow, signed: signed, width: width, off: off}
		if kind != BitFieldKindGet {
			writes = true
			v, ok := parseInt(args[j+3])
			if !ok {
				return nil, false, ErrNotInteger
			}
			op.val = v
			j++
		}
		ops = append(ops, op)
		j += 2
	}
	return ops, writes, nil
}

// getField reads width bits at bit off of b, as an unsigned number; bits
// past the end of b read as 0.
func getField(b []byte, off uint64, width int) uint64 {
	var v uint64
	for k := 0; k < width; k++ {
		p := off + uint64(k)
		v <<= 1
		if i := p >> 3; i < uint64(len(b)) {
			v |= uint64(b[i]>>(7-p&7)) & 1
		}
	}
	return v
}

// setField writes the low width bits of v at bit off of b.
func setField(b []byte, off uint64, width int, v uint64) {
	for k := 0; k < width; k++ {
		p := off + uint64(k)
		mask := byte(0x80) >> (p & 7)
		if v>>(width-1-k)&1 != 0 {
			b[p>>3] |= mask
		} else {
			b[p>>3] &^= mask
		}
	}
}

// signExtend interprets the low width bits of v as a signed number; the
// other bits of v are ignored.
func signExtend(v uint64, width int) int64 {
	if width == 64 {
		return int64(v)
	}
	if v&(1<<(width-1)) != 0 {
		return int64(v | math.MaxUint64<<width)
	}
	return int64(v &^ (math.MaxUint64 << width))
}

// unsignedOverflow checks value+incr against an unsigned field of width
// bits. It reports overflow and the value the field gets under WRAP or
// SAT. value may exceed the field (a SET argument).
func unsignedOverflow(value uint64, incr int64, width int, ow BitFieldOverflow) (uint64, bool) {
	fmax := uint64(1)<<width - 1
	switch {
	case value > fmax || (incr > 0 && incr > int64(fmax-value)):
		if ow == BitFieldSat {
			return fmax, true
		}
	case incr < 0 && incr < -int64(value):
		if ow == BitFieldSat {
			return 0, true
		}
	default:
		return value + uint64(incr), false
	}
	return (value + uint64(incr)) & fmax, true
}

// signedOverflow checks value+incr against a signed field of width bits,
// with Redis's arithmetic (including its wrap-around in the limits for
// values far below the field's range).
func signedOverflow(value, incr int64, width int, ow BitFieldOverflow) (int64, bool) {
	fmax := int64(1)<<(width-1) - 1
	if width == 64 {
		fmax = math.MaxInt64
	}
	fmin := -fmax - 1
	maxIncr := int64(uint64(fmax) - uint64(value))
	minIncr := fmin - value
	wide := width != 64
	switch {
	case value > fmax || (wide && incr > maxIncr) || (value >= 0 && incr > 0 && incr > maxIncr):
		if ow == BitFieldSat {
			return fmax, true
		}
	case value < fmin || (wide && incr < minIncr) || (value < 0 && incr < 0 && incr < minIncr):
		if ow == BitFieldSat {
			return fmin, true
		}
	default:
		return value + incr, false
	}
	return signExtend(uint64(value)+uint64(incr), width), true
}

// bitFieldOp runs parsed BITFIELD subcommands on key. ok[i] is false when
// subcommand i was refused by OVERFLOW FAIL. journal is the command to
// propagate when the string was written.
func bitFieldOp(c *keyspace.Ctx, db int, key string, ops []bfOp, writes bool, journal func() []string) ([]int64, []bool, error) {
	var buf []byte
	dirty := false
	if writes {
		var hi uint64
		for _, op := range ops {
			if op.kind != BitFieldKindGet {
				hi = max(hi, op.off+uint64(op.width)-1)
			}
		}
		var err error
		if buf, dirty, err = lookupBitWrite(c, db, key, hi); err != nil {
			return nil, nil, err
		}
	} else {
		s, _, err := lookupBitRead(c, db, key)
		if err != nil {
			return nil, nil, err
		}
		buf = roBytes(s)
	}
	vals := make([]int64, len(ops))
	oks := make([]bool, len(ops))
	changes := 0
	for i, op := range ops {
		old := getField(buf, op.off, op.width)
		if op.kind == BitFieldKindGet {
			if op.signed {
				vals[i] = signExtend(old, op.width)
			} else {
				vals[i] = int64(old)
			}
			oks[i] = true
			continue
		}
		var oldv, newv, ret int64
		var over bool
		if op.signed {
			oldv = signExtend(old, op.width)
			if op.kind == BitFieldKindIncrBy {
				newv, over = signedOverflow(oldv, op.val, op.width, op.ow)
				ret = newv
			} else {
				newv, over = signedOverflow(op.val, 0, op.width, op.ow)
				ret = oldv
			}
		} else {
			oldv = int64(old)
			var nv uint64
			if op.kind == BitFieldKindIncrBy {
				nv, over = unsignedOverflow(old, op.val, op.width, op.ow)
				ret = int64(nv)
			} else {
				nv, over = unsignedOverflow(uint64(op.val), 0, op.width, op.ow)
				ret = oldv
			}
			newv = int64(nv)
		}
		if over && op.ow == BitFieldFail {
			continue
		}
		vals[i], oks[i] = ret, true
		setField(buf, op.off, op.width, uint64(newv))
		if dirty || oldv != newv {
			changes++
		}
	}
	if changes > 0 {
		c.Touch(db, key)
		c.Notify(db, keyspace.NotifyString, "setbit", key)
	}
	// Redis propagates only when a field changed; a key created or grown
	// by writes that all failed is journaled too, so a replay matches.
	if (changes > 0 || dirty) && c.Journaling() {
		c.Propagate(db, journal()...)
	}
	return vals, oks, nil
}

// bitFieldArgs renders typed subcommands as BITFIELD arguments (after the
// key), with OVERFLOW only where the behaviour changes.
func bitFieldArgs(ops []BitFieldOp) []string {
	out := make([]string, 0, len(ops)*4)
	ow := BitFieldWrap
	for _, op := range ops {
		off := strconv.FormatInt(op.Offset, 10)
		switch op.Kind {
		case BitFieldKindGet:
			out = append(out, "GET", op.Type, off)
			continue
		case BitFieldKindSet:
			if op.Overflow != ow {
				out = append(out, "OVERFLOW", overflowName(op.Overflow))
				ow = op.Overflow
			}
			out = append(out, "SET", op.Type, off, strconv.FormatInt(op.Value, 10))
		case BitFieldKindIncrBy:
			if op.Overflow != ow {
				out = append(out, "OVERFLOW", overflowName(op.Overflow))
				ow = op.Overflow
			}
			out = append(out, "INCRBY", op.Type, off, strconv.FormatInt(op.Value, 10))
		default:
			out = append(out, "?") // an unknown kind: a syntax error
		}
	}
	return out
}

func overflowName(ov BitFieldOverflow) string {
	if int(ov) < len(overflowNames) {
		return overflowNames[ov]
	}
	return "?" // an unknown behaviour: rejected by the parser
}

// BitField runs BITFIELD subcommands on the string at key, in order, and
// returns one value per subcommand: GET's value, SET's old value, or
// INCRBY's new value. ok[i] is false when subcommand i was refused by
// OVERFLOW FAIL (Redis's nil). Writes create or zero-pad the string.
func (d *DB) BitField(key string, ops ...BitFieldOp) ([]int64, []bool, error) {
	if err := d.s.freeMemoryIfNeeded(); err != nil {
		return nil, nil, err
	}
	return d.bitField("BITFIELD", key, ops)
}

// BitFieldRO runs GET subcommands of BITFIELD on the string at key
// (BITFIELD_RO); any other subcommand is an error.
func (d *DB) BitFieldRO(key string, ops ...BitFieldOp) ([]int64, error) {
	vals, _, err := d.bitField("BITFIELD_RO", key, ops)
	return vals, err
}

func (d *DB) bitField(cmd, key string, ops []BitFieldOp) ([]int64, []bool, error) {
	args := bitFieldArgs(ops)
	var c keyspace.Ctx
	d.unit(&c, key)
	defer done(&c)
	parsed, writes, err := parseBitField(args, bitLimit(&c, d.s.maxBulk.Load()))
	if err != nil {
		return nil, nil, err
	}
	if writes && cmd == "BITFIELD_RO" {
		return nil, nil, errBitFieldROWrite
	}
	return bitFieldOp(&c, d.idx, key, parsed, writes, func() []string {
		return append([]string{cmd, key}, args...)
	})
}

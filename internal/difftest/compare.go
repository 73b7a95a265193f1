package difftest

import (
	"bytes"
	"slices"
	"strconv"
)

// Mode says how two replies to the same command are compared.
type Mode uint8

const (
	// ModeExact compares the raw reply bytes. It is the default.
	ModeExact Mode = iota
	// ModeSorted compares an aggregate reply as a multiset: same type,
	// same element count, same elements in any order. Maps compare their
	// key/value entries in any order. For SMEMBERS, KEYS, HKEYS and the
	// like. Non-aggregate replies compare exactly.
	ModeSorted
	// ModeSortedPairs is ModeSorted for flat arrays of pairs: consecutive
	// elements (field, value) are kept together and the pairs may come in
	// any order. For RESP2 HGETALL, CONFIG GET and similar.
	ModeSortedPairs
	// ModeType compares only the reply's type byte, whether it is null,
	// and for aggregates the element count. For nondeterministic replies
	// such as RANDOMKEY, TIME or SRANDMEMBER.
	ModeType
	// ModeApprox lets non-negative integer replies differ by up to the
	// command's Tolerance; negative integers (TTL's -1 and -2) must match
	// exactly. Aggregates of the same type and size compare element by
	// element. Anything else compares exactly. For TTL, PTTL and
	// EXPIRETIME of keys whose TTL was set relative to each server's
	// clock.
	ModeApprox
)

// String returns the golden-file directive for the mode, or "exact".
func (m Mode) String() string {
	switch m {
	case ModeExact:
		return "exact"
	case ModeSorted:
		return "!sort"
	case ModeSortedPairs:
		return "!sort pairs"
	case ModeType:
		return "!type"
	case ModeApprox:
		return "!approx"
	}
	return "Mode(" + strconv.Itoa(int(m)) + ")"
}

// Command is one command and the way its replies are compared. Generators
// produce Commands and golden-file steps embed one.
type Command struct {
	// Args is the command name and its arguments, sent as a multibulk.
	Args []string
	// Mode is how the two replies are compared. Default: ModeExact.
	Mode Mode
	// Tolerance is the largest allowed difference between integer replies
	// under ModeApprox. Default: 0.
	Tolerance int64
}

// String renders the command in golden-file syntax.
func (c Command) String() string { return QuoteArgs(c.Args) }

// Equal reports whether replies a and b (each the raw bytes of one frame)
// are equal under mode. tolerance is used by ModeApprox only. Replies that
// do not parse as frames are equal only if their bytes are.
func Equal(mode Mode, tolerance int64, a, b []byte) bool {
	if mode == ModeExact || bytes.Equal(a, b) {
		return bytes.Equal(a, b)
	}
	fa, errA := ParseFrame(a)
	fb, errB := ParseFrame(b)
	if errA != nil || errB != nil {
		return false
	}
	switch mode {
	case ModeSorted:
		return sortedEqual(fa, fb, 1)
	case ModeSortedPairs:
		return sortedEqual(fa, fb, 2)
	case ModeType:
		return typeEqual(fa, fb)
	case ModeApprox:
		return approxEqual(fa, fb, tolerance)
	}
	return false
}

// sortedEqual compares two aggregates as multisets of groups of size
// group (maps always use pairs).
func sortedEqual(a, b *Frame, group int) bool {
	if !a.IsAggregate() || a.Type != b.Type || a.Null || b.Null ||
		len(a.Elems) != len(b.Elems) || !sameAttr(a, b) {
		return bytes.Equal(a.Raw, b.Raw)
	}
	if a.Type == '%' {
		group = 2
	}
	ka, okA := groupKeys(a.Elems, group)
	kb, okB := groupKeys(b.Elems, group)
	if !okA || !okB {
		return bytes.Equal(a.Raw, b.Raw)
	}
	slices.Sort(ka)
	slices.Sort(kb)
	return slices.Equal(ka, kb)
}

// groupKeys concatenates the raw bytes of each group of n elements.
func groupKeys(elems []*Frame, n int) ([]string, bool) {
	if len(elems)%n != 0 {
		return nil, false
	}
	keys := make([]string, 0, len(elems)/n)
	for i := 0; i < len(elems); i += n {
		var k []byte
		for _, e := range elems[i : i+n] {
			k = append(k, e.Raw...)
		}
		keys = append(keys, string(k))
	}
	return keys, true
}

func typeEqual(a, b *Frame) bool {
	if a.Type != b.Type || a.Null != b.Null {
		return false
	}
	return !a.IsAggregate() || len(a.Elems) == len(b.Elems)
}

func approxEqual(a, b *Frame, tol int64) bool {
	if a.Type == ':' && b.Type == ':' && sameAttr(a, b) {
		if a.Int < 0 || b.Int < 0 {
			// Negative replies are sentinels (TTL's -1 and -2).
			return a.Int == b.Int
		}
		d := uint64(a.Int) - uint64(b.Int)
		if a.Int < b.Int {
			d = uint64(b.Int) - uint64(a.Int)
		}
		return tol >= 0 && d <= uint64(tol)
	}
	if a.IsAggregate() && a.Type == b.Type && a.Null == b.Null &&
		len(a.Elems) == len(b.Elems) && sameAttr(a, b) {
		for i := range a.Elems {
			if !approxEqual(a.Elems[i], b.Elems[i], tol) {
				return false
			}
		}
		return true
	}
	return bytes.Equal(a.Raw, b.Raw)
}

func sameAttr(a, b *Frame) bool {
	if a.Attr == nil || b.Attr == nil {
		return a.Attr == b.Attr
	}
	return bytes.Equal(a.Attr.Raw, b.Attr.Raw)
}

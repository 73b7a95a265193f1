package stream

import (
	"errors"
	"math"
	"strconv"
	"strings"

	"github.com/embedis/embedis/internal/rconv"
)

// ID identifies a stream entry: a millisecond time and a sequence number,
// ordered by (Ms, Seq). It prints as "<ms>-<seq>".
type ID struct {
	Ms, Seq uint64
}

// MinID is the smallest ID, 0-0 (the "-" range bound).
var MinID = ID{}

// MaxID is the largest ID (the "+" range bound).
var MaxID = ID{math.MaxUint64, math.MaxUint64}

// String formats id as Redis does: "<ms>-<seq>".
func (id ID) String() string {
	var b [41]byte
	return string(id.AppendTo(b[:0]))
}

// AppendTo appends id's text form to b.
func (id ID) AppendTo(b []byte) []byte {
	b = strconv.AppendUint(b, id.Ms, 10)
	b = append(b, '-')
	return strconv.AppendUint(b, id.Seq, 10)
}

// IsZero reports whether id is 0-0.
func (id ID) IsZero() bool { return id.Ms == 0 && id.Seq == 0 }

// Compare returns -1, 0 or +1 as id is less than, equal to or greater than o.
func (id ID) Compare(o ID) int {
	switch {
	case id.Ms < o.Ms:
		return -1
	case id.Ms > o.Ms:
		return 1
	case id.Seq < o.Seq:
		return -1
	case id.Seq > o.Seq:
		return 1
	}
	return 0
}

// Less reports whether id sorts before o.
func (id ID) Less(o ID) bool {
	return id.Ms < o.Ms || (id.Ms == o.Ms && id.Seq < o.Seq)
}

// Next returns the ID after id. ok is false when id is MaxID (the result
// then wraps to 0-0, as Redis's streamIncrID does).
func (id ID) Next() (next ID, ok bool) {
	if id.Seq == math.MaxUint64 {
		if id.Ms == math.MaxUint64 {
			return ID{}, false
		}
		return ID{id.Ms + 1, 0}, true
	}
	return ID{id.Ms, id.Seq + 1}, true
}

// Prev returns the ID before id. ok is false when id is 0-0 (the result
// then wraps to MaxID, as Redis's streamDecrID does).
func (id ID) Prev() (prev ID, ok bool) {
	if id.Seq == 0 {
		if id.Ms == 0 {
			return MaxID, false
		}
		return ID{id.Ms - 1, math.MaxUint64}, true
	}
	return ID{id.Ms, id.Seq - 1}, true
}

// ErrInvalidID is returned by ParseID for text that is not a stream ID.
var ErrInvalidID = errors.New("Invalid stream ID specified as stream command argument")

// ParseID parses "<ms>-<seq>" or "<ms>" (sequence 0) with Redis's number
// grammar. The special forms "-", "+", "*" and "<ms>-*" are not accepted;
// see ParseArg for those.
func ParseID(s string) (ID, error) {
	a, err := ParseArg(s, 0, true, false)
	if err != nil {
		return ID{}, err
	}
	return a.ID, nil
}

// MustParseID is ParseID that panics on error; for tests and constants.
func MustParseID(s string) ID {
	id, err := ParseID(s)
	if err != nil {
		panic("stream: invalid ID " + strconv.Quote(s))
	}
	return id
}

// Arg is a parsed ID argument.
type Arg struct {
	ID ID
	// SeqAuto is set for the "<ms>-*" form (XADD only).
	SeqAuto bool
}

// ParseArg parses an ID argument exactly as Redis's
// streamGenericParseIDOrReply does: at most 127 bytes, cut at the first
// NUL byte, "-" is 0-0 and "+" is MaxID unless strict, "<ms>" takes
// missingSeq as its sequence, and "<ms>-*" is accepted only when
// allowSeqAuto is set. Each number follows Redis's string2ull, which falls
// back to strtoull (so " 5", "+5" and "05" are accepted).
func ParseArg(s string, missingSeq uint64, strict, allowSeqAuto bool) (Arg, error) {
	if len(s) > 127 {
		return Arg{}, ErrInvalidID
	}
	if i := strings.IndexByte(s, 0); i >= 0 {
		s = s[:i]
	}
	if s == "-" || s == "+" {
		if strict {
			return Arg{}, ErrInvalidID
		}
		if s == "-" {
			return Arg{ID: MinID}, nil
		}
		return Arg{ID: MaxID}, nil
	}
	msPart, seqPart, hasSeq := strings.Cut(s, "-")
	ms, ok := rconv.ParseUint64String(msPart)
	if !ok {
		return Arg{}, ErrInvalidID
	}
	if !hasSeq {
		return Arg{ID: ID{ms, missingSeq}}, nil
	}
	if allowSeqAuto && seqPart == "*" {
		return Arg{ID: ID{ms, 0}, SeqAuto: true}, nil
	}
	seq, ok := rconv.ParseUint64String(seqPart)
	if !ok {
		return Arg{}, ErrInvalidID
	}
	return Arg{ID: ID{ms, seq}}, nil
}

package embedis

import (
	"math"

	"github.com/embedis/embedis/keyspace"
)

// Errors of LCS. Their texts are Redis's; they match with errors.Is by
// text. Note that LCS answers a key of another type with errLCSType, not
// WRONGTYPE.
var (
	errLCSType    = errf("ERR The specified keys must contain string values")
	errLCSLenIdx  = errf("ERR If you want both the length and indexes, please just use IDX.")
	errLCSTooLong = errf("ERR String too long for LCS")
	errLCSMemory  = errf("ERR Insufficient memory, transient memory for LCS exceeds proto-max-bulk-len")
)

// LCSMatch is one matching range reported by LCS IDX. Positions are
// 0-based and inclusive.
type LCSMatch struct {
	// AStart and AEnd delimit the range in the first key's string.
	AStart, AEnd int
	// BStart and BEnd delimit the range in the second key's string.
	BStart, BEnd int
	// Len is the length of the match (WITHMATCHLEN).
	Len int
}

// lcsLookup reads the strings at both keys for LCS; missing keys are "".
// With keep the strings stay valid after the locks are released.
func lcsLookup(c *keyspace.Ctx, db int, k1, k2 string, keep bool) (a, b string, err error) {
	e1 := c.Lookup(db, k1)
	e2 := c.Lookup(db, k2)
	if (e1 != nil && e1.Kind() != keyspace.KindString) || (e2 != nil && e2.Kind() != keyspace.KindString) {
		return "", "", errLCSType
	}
	str := (*keyspace.Entry).StrView
	if keep {
		str = (*keyspace.Entry).Str
	}
	if e1 != nil {
		a = str(e1)
	}
	if e2 != nil {
		b = str(e2)
	}
	return a, b, nil
}

// lcsTable is the dynamic-programming table of LCS: cell (i, j) holds the
// length of the longest common subsequence of a[:i] and b[:j].
type lcsTable struct {
	a, b  string
	cells []uint32
	w     int
}

// newLCSTable checks Redis's size limits and fills the table. The table
// may use at most maxBulk bytes (4 bytes a cell), as in Redis.
func newLCSTable(a, b string, maxBulk int64) (*lcsTable, error) {
	if uint64(len(a)) >= math.MaxUint32-1 || uint64(len(b)) >= math.MaxUint32-1 {
		return nil, errLCSTooLong
	}
	w := len(b) + 1
	cells := uint64(len(a)+1) * uint64(w)
	if cells*4 > uint64(maxBulk) {
		return nil, errLCSMemory
	}
	t := &lcsTable{a: a, b: b, cells: make([]uint32, cells), w: w}
	for i := 1; i <= len(a); i++ {
		row, prev := t.cells[i*w:(i+1)*w], t.cells[(i-1)*w:i*w]
		ai := a[i-1]
		for j := 1; j < w; j++ {
			switch {
			case ai == b[j-1]:
				row[j] = prev[j-1] + 1
			case prev[j] > row[j-1]:
				row[j] = prev[j]
			default:
				row[j] = row[j-1]
			}
		}
	}
	return t, nil
}

func (t *lcsTable) at(i, j int) uint32 { return t.cells[i*t.w+j] }

// length returns the length of the longest common subsequence.
func (t *lcsTable) length() int { return int(t.at(len(t.a), len(t.b))) }

// walk backtracks through the table exactly as Redis does, returning the
// subsequence and the matching ranges (from the end of the strings
// backwards) of at least minLen bytes (0 = all).
func (t *lcsTable) walk(minLen int64) (string, []LCSMatch) {
	a, b := t.a, t.b
	n := t.length()
	res := make([]byte, n)
	var matches []LCSMatch
	unset := len(a) // sentinel: no range open
	aStart, aEnd, bStart, bEnd := unset, 0, 0, 0
	i, j, k := len(a), len(b), n
	for i > 0 && j > 0 {
		emit := false
		if a[i-1] == b[j-1] {
			res[k-1] = a[i-1]
			switch {
			case aStart == unset:
				aStart, aEnd, bStart, bEnd = i-1, i-1, j-1, j-1
			case aStart == i && bStart == j:
				aStart--
				bStart--
			default:
				emit = true
			}
			if aStart == 0 || bStart == 0 {
				emit = true
			}
			i, j, k = i-1, j-1, k-1
		} else {
			if t.at(i-1, j) > t.at(i, j-1) {
				i--
			} else {
				j--
			}
			if aStart != unset {
				emit = true
			}
		}
		if emit {
			l := aEnd - aStart + 1
			if minLen == 0 || int64(l) >= minLen {
				matches = append(matches, LCSMatch{AStart: aStart, AEnd: aEnd, BStart: bStart, BEnd: bEnd, Len: l})
			}
			aStart = unset
		}
	}
	return string(res), matches
}

// LCS returns the longest common subsequence of the strings at key1 and
// key2 (LCS); missing keys are empty strings.
func (d *DB) LCS(key1, key2 string) (string, error) {
	t, err := d.lcsTable(key1, key2)
	if err != nil {
		return "", err
	}
	s, _ := t.walk(0)
	return s, nil
}

// LCSLen returns the length of the longest common subsequence of the
// strings at key1 and key2 (LCS ... LEN).
func (d *DB) LCSLen(key1, key2 string) (int, error) {
	t, err := d.lcsTable(key1, key2)
	if err != nil {
		return 0, err
	}
	return t.length(), nil
}

// LCSIdx returns the ranges that make up the longest common subsequence of
// the strings at key1 and key2, from the end of the strings backwards, and
// its length (LCS ... IDX WITHMATCHLEN). Ranges shorter than minMatchLen
// are left out (MINMATCHLEN; 0 or less keeps all).
func (d *DB) LCSIdx(key1, key2 string, minMatchLen int64) ([]LCSMatch, int, error) {
	t, err := d.lcsTable(key1, key2)
	if err != nil {
		return nil, 0, err
	}
	_, m := t.walk(max(minMatchLen, 0))
	return m, t.length(), nil
}

func (d *DB) lcsTable(key1, key2 string) (*lcsTable, error) {
	var c keyspace.Ctx
	d.unit(&c, key1, key2)
	a, b, err := lcsLookup(&c, d.idx, key1, key2, true)
	done(&c)
	if err != nil {
		return nil, err
	}
	return newLCSTable(a, b, d.s.maxBulk.Load())
}

package types

import (
	"bytes"
	"math"
	"strconv"
	"strings"
	"testing"

	"github.com/axiomhq/hyperloglog"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Registers computed by redis-server 7.0 (PFADD then PFDEBUG GETREG): the
// element lands in the same register, with the same value, once the index
// is read back in Redis's bit order.
func TestHLLHash_SameRegistersAsRedis(t *testing.T) {
	for _, tc := range []struct {
		elem       string
		index, val int
	}{
		{"a", 12711, 2},
		{"hello", 9216, 1},
		{"abcdefghijklmnopq", 4271, 1}, // two 8-byte blocks and a tail
	} {
		h := murmurHash64A(tc.elem, 0xadc83b19)
		assert.Equal(t, tc.index, int(h&(hllRegisters-1)), tc.elem)
		b := newDense(t)
		require.True(t, HLLAddDense(b, tc.elem))
		x := HLLHash(tc.elem)
		reg := b[hllDenseRegOff+x>>(64-hllPrecision)]
		assert.Equal(t, tc.val, int(reg), tc.elem)
		assert.Equal(t, tc.index, int(reverse14(x>>(64-hllPrecision))), tc.elem)
	}
}

func reverse14(i uint64) uint64 {
	var r uint64
	for b := 0; b < hllPrecision; b++ {
		r = r<<1 | (i>>b)&1
	}
	return r
}

func newDense(t *testing.T) []byte {
	t.Helper()
	sk := NewHLLSketch()
	sk.Merge(&HLLSketch{sk: hyperloglog.NewNoSparse()})
	b := sk.Encode()
	require.True(t, HLLIsDense(b))
	require.Len(t, b, HLLDenseSize)
	require.NoError(t, ValidateHLL(b))
	return b
}

// The in-place dense update writes exactly what axiomhq's own InsertHash
// and MarshalBinary produce.
func TestHLLAddDense_MatchesLibraryEncoding(t *testing.T) {
	b := newDense(t)
	ref := hyperloglog.NewNoSparse()
	for i := range 5000 {
		e := "e" + strconv.Itoa(i)
		HLLAddDense(b, e)
		ref.InsertHash(HLLHash(e))
	}
	want, err := ref.MarshalBinary()
	require.NoError(t, err)
	assert.True(t, bytes.Equal(want, b[hllSketchOff:]))
	assert.False(t, HLLAddDense(b, "e42"), "a repeated element changes nothing")
}

func TestNewHLL_EmptySparseWithValidZeroCache(t *testing.T) {
	b := NewHLL()
	require.NoError(t, ValidateHLL(b))
	assert.Equal(t, "HYLL", string(b[:4]))
	assert.False(t, HLLIsDense(b))
	n, ok := HLLCachedCount(b)
	assert.True(t, ok)
	assert.Zero(t, n)
	assert.Len(t, b, 36)
}

func TestHLLCache_SetAndInvalidate(t *testing.T) {
	b := NewHLL()
	HLLInvalidateCache(b)
	_, ok := HLLCachedCount(b)
	assert.False(t, ok)
	HLLSetCachedCount(b, 12345)
	n, ok := HLLCachedCount(b)
	assert.True(t, ok)
	assert.Equal(t, uint64(12345), n)
}

func TestValidateHLL_RejectsOtherStrings(t *testing.T) {
	good := NewHLL()
	for name, b := range map[string][]byte{
		"empty":         nil,
		"magic only":    []byte("HYLL"),
		"plain string":  []byte("hello world, this is not an HLL"),
		"redis sparse":  append([]byte("HYLL\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x80"), 0x7f, 0xff),
		"wrong version": append(append([]byte{}, good[:16]...), 1, 14, 0, 1, 0, 0, 0, 0),
		"wrong p":       append(append([]byte{}, good[:16]...), 2, 12, 0, 1, 0, 0, 0, 0),
		"dense short":   newDense(t)[:HLLDenseSize-1],
		"dense long":    append(newDense(t), 'x'),
	} {
		assert.ErrorIs(t, ValidateHLL(b), ErrHLLInvalid, name)
		_, err := DecodeHLL(b)
		assert.ErrorIs(t, err, ErrHLLInvalid, name)
	}
	// A sparse value with a byte appended (APPEND) keeps a valid header
	// but does not decode.
	b, _, err := HLLAddSparse(NewHLL(), []string{"a", "b", "c"})
	require.NoError(t, err)
	b = append(b, 'x')
	require.NoError(t, ValidateHLL(b))
	_, err = DecodeHLL(b)
	assert.ErrorIs(t, err, ErrHLLCorrupt)
	_, _, err = HLLAddSparse(b, []string{"d"})
	assert.ErrorIs(t, err, ErrHLLCorrupt)
}

func TestHLLAddSparse_ReportsChanges(t *testing.T) {
	b := NewHLL()
	b2, changed, err := HLLAddSparse(b, []string{"a", "b"})
	require.NoError(t, err)
	assert.True(t, changed)
	_, ok := HLLCachedCount(b2)
	assert.False(t, ok, "a change invalidates the cache")
	b3, changed, err := HLLAddSparse(b2, []string{"b", "a", "a"})
	require.NoError(t, err)
	assert.False(t, changed)
	assert.Equal(t, &b2[0], &b3[0], "an unchanged value is returned as is")
	b4, changed, err := HLLAddSparse(b3, nil)
	require.NoError(t, err)
	assert.False(t, changed)
	assert.Equal(t, b3, b4)
}

func count(t *testing.T, b []byte) uint64 {
	t.Helper()
	sk, err := DecodeHLL(b)
	require.NoError(t, err)
	return sk.Estimate()
}

// Redis 7.0 answers exactly for 1..127 distinct elements e1, e2, ... (then
// 129 for 128); embedis is exact over that range and further, one element
// added at a time as PFADD would.
func TestHLL_SmallCountsAreExact(t *testing.T) {
	for _, prefix := range []string{"e", ""} {
		b := NewHLL()
		for i := 1; i <= 900; i++ {
			var err error
			b, _, err = HLLAddSparse(b, []string{prefix + strconv.Itoa(i)})
			require.NoError(t, err)
			if i <= 200 || i%100 == 0 {
				require.Equal(t, uint64(i), count(t, b), "after %d elements", i)
			}
		}
	}
}

// A million distinct elements: the relative error stays within a few
// standard errors (0.81%); the test bound is 2%.
func TestHLL_LargeCardinalityError(t *testing.T) {
	b, _, err := HLLAddSparse(NewHLL(), nil)
	require.NoError(t, err)
	const n = 1_000_000
	batch := make([]string, 0, 1000)
	for i := 0; i < n; i++ {
		batch = append(batch, "u"+strconv.Itoa(i))
		if len(batch) == cap(batch) {
			if HLLIsDense(b) {
				for _, e := range batch {
					HLLAddDense(b, e)
				}
			} else {
				b, _, err = HLLAddSparse(b, batch)
				require.NoError(t, err)
			}
			batch = batch[:0]
		}
	}
	require.True(t, HLLIsDense(b))
	got := count(t, b)
	rel := math.Abs(float64(got)-n) / n
	t.Logf("%d distinct elements: estimate %d, error %.3f%%", n, got, rel*100)
	assert.Less(t, rel, 0.02)
}

func TestHLLSketch_MergeIsUnion(t *testing.T) {
	a, _, _ := HLLAddSparse(NewHLL(), []string{"a", "b", "c"})
	b, _, _ := HLLAddSparse(NewHLL(), []string{"c", "d"})
	sa, err := DecodeHLL(a)
	require.NoError(t, err)
	sb, err := DecodeHLL(b)
	require.NoError(t, err)
	sa.Merge(sb)
	assert.Equal(t, uint64(4), sa.Estimate())
	enc := sa.Encode()
	require.NoError(t, ValidateHLL(enc))
	assert.Equal(t, uint64(4), count(t, enc))

	d := newDense(t)
	HLLAddDense(d, "z")
	sd, err := DecodeHLL(d)
	require.NoError(t, err)
	sa.Merge(sd)
	assert.True(t, HLLIsDense(sa.Encode()), "merging a dense sketch gives a dense one")
	assert.Equal(t, uint64(5), sa.Estimate())
}

func TestHLL_TurnsDenseAsItGrows(t *testing.T) {
	b := NewHLL()
	var err error
	for i := 0; !HLLIsDense(b); i++ {
		require.Less(t, i, 50000)
		b, _, err = HLLAddSparse(b, []string{strings.Repeat("x", i%7) + strconv.Itoa(i)})
		require.NoError(t, err)
	}
	assert.Len(t, b, HLLDenseSize)
}

func TestMurmurHash64A_TailLengths(t *testing.T) {
	// Every tail length hashes differently and deterministically.
	seen := map[uint64]bool{}
	for n := 0; n <= 17; n++ {
		h := murmurHash64A(strings.Repeat("k", n), 0xadc83b19)
		assert.False(t, seen[h], n)
		seen[h] = true
		assert.Equal(t, h, murmurHash64A(strings.Repeat("k", n), 0xadc83b19))
	}
}

package embedis

import (
	"bytes"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestChunkBuf writes pieces of random sizes (some spanning chunks) and
// single bytes into a chunkBuf, twice with a Reset between, and checks
// that its chunks hold exactly what a bytes.Buffer holds.
func TestChunkBuf(t *testing.T) {
	seed := rand.Uint64()
	t.Logf("seed %d", seed)
	r := rand.New(rand.NewPCG(seed, 1))
	var b chunkBuf
	for round := 0; round < 2; round++ {
		b.Reset()
		var want bytes.Buffer
		for want.Len() < 3*chunkBufSize {
			if r.IntN(4) == 0 {
				c := byte(r.IntN(256))
				require.NoError(t, b.WriteByte(c))
				want.WriteByte(c)
				continue
			}
			p := make([]byte, r.IntN(chunkBufSize/2+chunkBufSize/3))
			for i := range p {
				p[i] = byte(r.IntN(256))
			}
			n, err := b.Write(p)
			require.NoError(t, err)
			require.Equal(t, len(p), n)
			want.Write(p)
		}
		var got []byte
		b.each(func(c []byte) {
			require.LessOrEqual(t, len(c), chunkBufSize)
			got = append(got, c...)
		})
		require.Equal(t, want.Len(), b.Len())
		require.True(t, bytes.Equal(want.Bytes(), got), "round %d", round)
	}
}

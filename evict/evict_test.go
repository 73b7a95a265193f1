package evict

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestParsePolicy_AllNames(t *testing.T) {
	for i, n := range policyNames {
		p, ok := ParsePolicy(n)
		assert.True(t, ok, n)
		assert.Equal(t, Policy(i), p)
		assert.Equal(t, n, p.String())
	}
	p, ok := ParsePolicy("ALLKEYS-LRU")
	assert.True(t, ok)
	assert.Equal(t, AllKeysLRU, p)
	_, ok = ParsePolicy("lru")
	assert.False(t, ok)
	assert.True(t, VolatileTTL.Volatile())
	assert.False(t, AllKeysLFU.Volatile())
	assert.True(t, VolatileLFU.LFU())
}

func TestLRUIdle_Wraps(t *testing.T) {
	assert.Equal(t, uint32(10), LRUIdle(110, 100))
	assert.Equal(t, uint32(0), LRUIdle(5, 5))
	assert.Equal(t, uint32(LRUClockMax-100+5), LRUIdle(5, 100), "the clock wrapped")
}

func TestLFU_DecayAndWrap(t *testing.T) {
	w := LFUPack(100, 20)
	assert.Equal(t, uint8(20), LFUDecay(w, 100, 1))
	assert.Equal(t, uint8(17), LFUDecay(w, 103, 1))
	assert.Equal(t, uint8(19), LFUDecay(w, 103, 2))
	assert.Equal(t, uint8(0), LFUDecay(w, 200, 1))
	assert.Equal(t, uint8(20), LFUDecay(w, 200, 0), "decay time 0 never decays")
	assert.Equal(t, uint8(6), LFUDecay(LFUPack(65530, 20), 9, 1), "the minute clock wrapped: 14 minutes elapsed")
}

func TestLFUIncr_IsLogarithmic(t *testing.T) {
	// With the default factor, about 1M hits are needed to saturate; 1000
	// hits reach a counter well below 255 but above the initial value.
	c := uint8(LFUInitVal)
	for i := 0; i < 1000; i++ {
		c = LFUIncr(c, DefaultLogFactor)
	}
	assert.Greater(t, c, uint8(LFUInitVal+5))
	assert.Less(t, c, uint8(40))
	assert.Equal(t, uint8(255), LFUIncr(255, DefaultLogFactor))
	// below the initial value every hit counts
	assert.Equal(t, uint8(1), LFUIncr(0, DefaultLogFactor))
}

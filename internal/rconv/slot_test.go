package rconv

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestCRC16_CheckValue(t *testing.T) {
	assert.Equal(t, uint16(0x31C3), CRC16([]byte("123456789")))
	assert.Equal(t, uint16(0), CRC16(nil))
}

// Every slot was returned by CLUSTER KEYSLOT on a cluster-enabled
// redis-server 7.0.15; 20,000 random keys over "{}ab\x00\xff1" also agreed.
func TestKeySlot_RedisServerCases(t *testing.T) {
	tests := []struct {
		key  string
		want int
	}{
		{"foo", 12182},
		{"somekey", 11058},
		{"user1000", 3443},
		{"{user1000}.following", 3443},
		{"foo{}{bar}", 8363},    // empty first tag: the whole key
		{"foo{{bar}}", 4015},    // hashes "{bar"
		{"foo{bar}{zap}", 5061}, // hashes "bar"
		{"", 0},
		{"{}", 15257},
		{"{", 4092},
		{"}{a}", 15495}, // hashes "a"
		{"{a}", 15495},
		{"a{b", 13340}, // no closing brace: the whole key
	}
	for _, tc := range tests {
		assert.Equal(t, tc.want, KeySlot(tc.key), "KeySlot(%q)", tc.key)
		assert.Equal(t, tc.want, KeySlotBytes([]byte(tc.key)), "KeySlotBytes(%q)", tc.key)
	}
	assert.Equal(t, KeySlot("bar"), KeySlot("foo{bar}{zap}"))
	assert.Equal(t, KeySlot("{bar"), KeySlot("foo{{bar}}"))
}

func BenchmarkKeySlot(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		_ = KeySlot("{user1000}.following")
	}
}

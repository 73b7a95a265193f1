package rconv

// SlotCount is the number of Redis Cluster hash slots.
const SlotCount = 16384

// crc16Table is the byte-wise table of CRC-16/XMODEM (polynomial 0x1021).
var crc16Table = func() (t [256]uint16) {
	for i := range t {
		c := uint16(i) << 8
		for range 8 {
			if c&0x8000 != 0 {
				c = c<<1 ^ 0x1021
			} else {
				c <<= 1
			}
		}
		t[i] = c
	}
	return t
}()

// CRC16 returns the CRC-16/XMODEM of b, the checksum Redis Cluster hashes
// keys with (crc16.c): polynomial 0x1021, initial value 0, no reflection, no
// final XOR. CRC16([]byte("123456789")) is 0x31C3.
func CRC16(b []byte) uint16 { return crc16(b) }

func crc16[T ~string | ~[]byte](b T) uint16 {
	var c uint16
	for i := 0; i < len(b); i++ {
		c = c<<8 ^ crc16Table[byte(c>>8)^b[i]]
	}
	return c
}

// KeySlot returns the cluster hash slot of key, 0..16383, as Redis's
// keyHashSlot computes it for CLUSTER KEYSLOT and for routing: CRC16 of the
// key, modulo 16384, where only the hash tag is hashed when there is one.
// The hash tag is what lies between the first '{' and the first '}' after
// it, provided it is not empty: "{user1000}.following" hashes "user1000",
// "foo{}{bar}" hashes the whole key, "foo{{bar}}" hashes "{bar".
func KeySlot(key string) int { return keySlot(key) }

// KeySlotBytes is KeySlot for a byte slice.
func KeySlotBytes(key []byte) int { return keySlot(key) }

func keySlot[T ~string | ~[]byte](key T) int {
	for s := 0; s < len(key); s++ {
		if key[s] != '{' {
			continue
		}
		for e := s + 1; e < len(key); e++ {
			if key[e] == '}' {
				if e > s+1 {
					key = key[s+1 : e]
				}
				break
			}
		}
		break
	}
	return int(crc16(key) & (SlotCount - 1))
}

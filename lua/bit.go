package lua

import (
	"math"
	"math/bits"

	glua "github.com/yuin/gopher-lua"
)

// The bit library is LuaBitOp 1.0.2 as bundled by Redis: operations on
// numbers taken modulo 2^32 and returned as signed 32-bit integers.

func openBit(L *glua.LState) *glua.LTable {
	t := L.NewTable()
	fns := map[string]glua.LGFunction{
		"tobit":   bitTobit,
		"bnot":    func(L *glua.LState) int { return bitRet(L, ^bitArg(L, 1)) },
		"band":    bitFold(func(a, b uint32) uint32 { return a & b }),
		"bor":     bitFold(func(a, b uint32) uint32 { return a | b }),
		"bxor":    bitFold(func(a, b uint32) uint32 { return a ^ b }),
		"lshift":  bitShift(func(a uint32, n uint) uint32 { return a << n }),
		"rshift":  bitShift(func(a uint32, n uint) uint32 { return a >> n }),
		"arshift": bitShift(func(a uint32, n uint) uint32 { return uint32(int32(a) >> n) }),
		"rol":     bitShift(func(a uint32, n uint) uint32 { return bits.RotateLeft32(a, int(n)) }),
		"ror":     bitShift(func(a uint32, n uint) uint32 { return bits.RotateLeft32(a, -int(n)) }),
		"bswap":   func(L *glua.LState) int { return bitRet(L, bits.ReverseBytes32(bitArg(L, 1))) },
		"tohex":   bitTohex,
	}
	for name, fn := range fns {
		t.RawSetString(name, L.NewFunction(fn))
	}
	return t
}

// bitArg converts argument i as LuaBitOp's barg does: the number plus
// 2^52+2^51, keeping the low 32 bits of its representation (round to nearest, wrap modulo 2^32).
func bitArg(L *glua.LState, i int) uint32 {
	n := float64(L.CheckNumber(i))
	return bitNorm(n)
}

func bitNorm(n float64) uint32 {
	const magic = 6755399441055744.0 // 2^52 + 2^51
	d := n + magic
	return uint32(math.Float64bits(d))
}

func bitRet(L *glua.LState, v uint32) int {
	L.Push(glua.LNumber(int32(v)))
	return 1
}

func bitTobit(L *glua.LState) int { return bitRet(L, bitArg(L, 1)) }

func bitFold(op func(a, b uint32) uint32) glua.LGFunction {
	return func(L *glua.LState) int {
		v := bitArg(L, 1)
		for i := L.GetTop(); i > 1; i-- {
			v = op(v, bitArg(L, i))
		}
		return bitRet(L, v)
	}
}

func bitShift(op func(a uint32, n uint) uint32) glua.LGFunction {
	return func(L *glua.LState) int {
		a := bitArg(L, 1)
		n := uint(bitArg(L, 2) & 31)
		return bitRet(L, op(a, n))
	}
}

func bitTohex(L *glua.LState) int {
	b := bitArg(L, 1)
	n := int32(8)
	if L.GetTop() >= 2 && L.Get(2) != glua.LNil {
		n = int32(bitArg(L, 2))
	}
	digits := "0123456789abcdef"
	if n < 0 {
		n = -n
		digits = "0123456789ABCDEF"
	}
	if n > 8 {
		n = 8
	}
	buf := make([]byte, n)
	for i := int(n) - 1; i >= 0; i-- {
		buf[i] = digits[b&15]
		b >>= 4
	}
	L.Push(glua.LString(buf))
	return 1
}

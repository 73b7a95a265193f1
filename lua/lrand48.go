package lua

import (
	"math"
	"time"

	glua "github.com/yuin/gopher-lua"
)

// Redis replaces math.random and math.randomseed with its own lrand48
// (rand.c), so scripts see the same sequence on every platform. The
// generator is X(n+1) = (a·X(n) + c) mod 2^48 with a = 0x5DEECE66D,
// c = 0xB; each draw returns the top 31 bits.

const (
	lrandA    = 0x5DEECE66D
	lrandC    = 0xB
	lrandMask = 1<<48 - 1
	lrandMax  = math.MaxInt32 // REDIS_LRAND48_MAX
)

// lrandInit is rand.c's initial state: X2 0x1234, X1 0xABCD, X0 0x330E.
const lrandInit = 0x1234ABCD330E

// lrand48 draws the next value from the engine's generator.
func (e *Engine) lrand48() int32 {
	for {
		x := e.rand.Load()
		nx := (lrandA*x + lrandC) & lrandMask
		if e.rand.CompareAndSwap(x, nx) {
			return int32(nx >> 17)
		}
	}
}

// mathRandom is Redis's redis_math_random.
func (v *vm) mathRandom(L *glua.LState) int {
	r := float64(v.e.lrand48()%lrandMax) / float64(lrandMax)
	switch L.GetTop() {
	case 0:
		L.Push(glua.LNumber(r))
	case 1:
		u := L.CheckInt(1)
		if u < 1 {
			L.ArgError(1, "interval is empty")
		}
		L.Push(glua.LNumber(math.Floor(r*float64(u)) + 1))
	case 2:
		l := L.CheckInt(1)
		u := L.CheckInt(2)
		if l > u {
			L.ArgError(2, "interval is empty")
		}
		L.Push(glua.LNumber(math.Floor(r*float64(u-l+1)) + float64(l)))
	default:
		L.RaiseError("wrong number of arguments")
	}
	return 1
}

// mathRandomseed is Redis's redis_math_randomseed.
func (v *vm) mathRandomseed(L *glua.LState) int {
	seed := int32(L.CheckInt(1))
	v.e.rand.Store(lrandSeedExact(seed))
	return 0
}

// lrandSeedExact is srand48(seed): X = seed<<16 | 0x330E.
func lrandSeedExact(seed int32) uint64 {
	s := uint32(seed)
	return (uint64(s)<<16 | 0x330E) & lrandMask
}

var processStart = time.Now()

// osClock is os.clock: processor time in seconds. Go has no per-process
// CPU clock without a system call per read, so the time since the
// process started stands in for it.
func (v *vm) osClock(L *glua.LState) int {
	L.Push(glua.LNumber(time.Since(processStart).Seconds()))
	return 1
}

package lua

import (
	"encoding/binary"
	"math"

	glua "github.com/yuin/gopher-lua"
)

// The cmsgpack library follows lua-cmsgpack 0.4.0 as bundled by Redis.

const cmsgpackMaxNesting = 16

func openCmsgpack(L *glua.LState) *glua.LTable {
	t := L.NewTable()
	t.RawSetString("pack", L.NewFunction(mpPack))
	t.RawSetString("unpack", L.NewFunction(func(L *glua.LState) int { return mpUnpackFull(L, 0, 0) }))
	t.RawSetString("unpack_one", L.NewFunction(func(L *glua.LState) int {
		off := L.OptInt(2, 0)
		L.SetTop(1)
		return mpUnpackFull(L, 1, off)
	}))
	t.RawSetString("unpack_limit", L.NewFunction(func(L *glua.LState) int {
		limit := L.CheckInt(2)
		off := L.OptInt(3, 0)
		L.SetTop(1)
		return mpUnpackFull(L, limit, off)
	}))
	t.RawSetString("_NAME", glua.LString("cmsgpack"))
	t.RawSetString("_VERSION", glua.LString("lua-cmsgpack 0.4.0"))
	t.RawSetString("_COPYRIGHT", glua.LString("Copyright (C) 2012, Salvatore Sanfilippo"))
	t.RawSetString("_DESCRIPTION", glua.LString("MessagePack C implementation for Lua"))
	return t
}

func mpPack(L *glua.LState) int {
	n := L.GetTop()
	if n == 0 {
		L.RaiseError("bad argument #0 to 'pack' (MessagePack pack needs input.)")
	}
	var buf []byte
	for i := 1; i <= n; i++ {
		buf = mpEncode(buf, L.Get(i), 0)
	}
	L.Push(glua.LString(buf))
	return 1
}

func mpEncode(buf []byte, v glua.LValue, level int) []byte {
	switch x := v.(type) {
	case glua.LString:
		return mpEncodeBytes(buf, string(x))
	case glua.LBool:
		if x {
			return append(buf, 0xc3)
		}
		return append(buf, 0xc2)
	case glua.LNumber:
		n := float64(x)
		if !math.IsInf(n, 0) && !math.IsNaN(n) && n >= -9223372036854775808.0 && n < 9223372036854775808.0 && float64(int64(n)) == n {
			return mpEncodeInt(buf, int64(n))
		}
		if f := float32(n); float64(f) == n {
			buf = append(buf, 0xca)
			return binary.BigEndian.AppendUint32(buf, math.Float32bits(f))
		}
		buf = append(buf, 0xcb)
		return binary.BigEndian.AppendUint64(buf, math.Float64bits(n))
	case *glua.LTable:
		if level == cmsgpackMaxNesting {
			return append(buf, 0xc0)
		}
		if mpIsArray(x) {
			n := x.Len()
			buf = mpLen(buf, n, 0x90, 0xdc, 0xdd)
			for j := 1; j <= n; j++ {
				buf = mpEncode(buf, x.RawGetInt(j), level+1)
			}
			return buf
		}
		n := 0
		for k, _ := x.Next(glua.LNil); k != glua.LNil; k, _ = x.Next(k) {
			n++
		}
		buf = mpLen(buf, n, 0x80, 0xde, 0xdf)
		for k, val := x.Next(glua.LNil); k != glua.LNil; k, val = x.Next(k) {
			buf = mpEncode(buf, k, level+1)
			buf = mpEncode(buf, val, level+1)
		}
		return buf
	}
	return append(buf, 0xc0)
}

func mpIsArray(t *glua.LTable) bool {
	count, max := 0, 0
	for k, _ := t.Next(glua.LNil); k != glua.LNil; k, _ = t.Next(k) {
		n, ok := k.(glua.LNumber)
		if !ok || n <= 0 || float64(n) != float64(int32(n)) {
			return false
		}
		if int(n) > max {
			max = int(n)
		}
		count++
	}
	return max == count
}

func mpLen(buf []byte, n int, fix, b16, b32 byte) []byte {
	switch {
	case n <= 15:
		return append(buf, fix|byte(n))
	case n <= 0xffff:
		buf = append(buf, b16)
		return binary.BigEndian.AppendUint16(buf, uint16(n))
	default:
		buf = append(buf, b32)
		return binary.BigEndian.AppendUint32(buf, uint32(n))
	}
}

func mpEncodeBytes(buf []byte, s string) []byte {
	n := len(s)
	switch {
	case n < 32:
		buf = append(buf, 0xa0|byte(n))
	case n <= 0xff:
		buf = append(buf, 0xd9, byte(n))
	case n <= 0xffff:
		buf = append(buf, 0xda)
		buf = binary.BigEndian.AppendUint16(buf, uint16(n))
	default:
		buf = append(buf, 0xdb)
		buf = binary.BigEndian.AppendUint32(buf, uint32(n))
	}
	return append(buf, s...)
}

func mpEncodeInt(buf []byte, n int64) []byte {
	if n >= 0 {
		switch {
		case n <= 127:
			return append(buf, byte(n))
		case n <= 0xff:
			return append(buf, 0xcc, byte(n))
		case n <= 0xffff:
			return binary.BigEndian.AppendUint16(append(buf, 0xcd), uint16(n))
		case n <= 0xffffffff:
			return binary.BigEndian.AppendUint32(append(buf, 0xce), uint32(n))
		default:
			return binary.BigEndian.AppendUint64(append(buf, 0xcf), uint64(n))
		}
	}
	switch {
	case n >= -32:
		return append(buf, byte(n))
	case n >= -128:
		return append(buf, 0xd0, byte(n))
	case n >= -32768:
		return binary.BigEndian.AppendUint16(append(buf, 0xd1), uint16(n))
	case n >= -2147483648:
		return binary.BigEndian.AppendUint32(append(buf, 0xd2), uint32(n))
	default:
		return binary.BigEndian.AppendUint64(append(buf, 0xd3), uint64(n))
	}
}

type mpCur struct {
	b   []byte
	err int // 0 ok, 1 EOF, 2 bad format
}

func (c *mpCur) need(n int) bool {
	if len(c.b) < n {
		c.err = 1
		return false
	}
	return true
}

func mpUnpackFull(L *glua.LState, limit, offset int) int {
	s := L.CheckString(1)
	decodeAll := limit == 0 && offset == 0
	if offset < 0 || limit < 0 {
		L.RaiseError("Invalid request to unpack with offset of %d and limit of %d.", offset, len(s))
	} else if offset > len(s) {
		L.RaiseError("Start offset %d greater than input length %d.", offset, len(s))
	}
	if decodeAll {
		limit = math.MaxInt32
	}
	c := &mpCur{b: []byte(s[offset:])}
	cnt := 0
	var out []glua.LValue
	for ; len(c.b) > 0 && cnt < limit; cnt++ {
		v := mpDecode(L, c)
		switch c.err {
		case 1:
			L.RaiseError("Missing bytes in input.")
		case 2:
			L.RaiseError("Bad data format in input.")
		}
		out = append(out, v)
	}
	if !decodeAll {
		next := len(s) - len(c.b)
		if len(c.b) == 0 {
			next = -1
		}
		L.Push(glua.LNumber(next))
	}
	for _, v := range out {
		L.Push(v)
	}
	if !decodeAll {
		return cnt + 1
	}
	return cnt
}

func mpDecode(L *glua.LState, c *mpCur) glua.LValue {
	if !c.need(1) {
		return glua.LNil
	}
	t := c.b[0]
	be := binary.BigEndian
	take := func(n int) []byte {
		if !c.need(n) {
			return nil
		}
		p := c.b[:n]
		c.b = c.b[n:]
		return p
	}
	str := func(n int) glua.LValue {
		p := take(n)
		if p == nil {
			return glua.LNil
		}
		return glua.LString(p)
	}
	array := func(n int) glua.LValue {
		tb := L.CreateTable(min(n, 1024), 0)
		for i := 1; i <= n; i++ {
			v := mpDecode(L, c)
			if c.err != 0 {
				return glua.LNil
			}
			tb.RawSetInt(i, v)
		}
		return tb
	}
	mapv := func(n int) glua.LValue {
		tb := L.CreateTable(0, min(n, 1024))
		for i := 0; i < n; i++ {
			k := mpDecode(L, c)
			if c.err != 0 {
				return glua.LNil
			}
			v := mpDecode(L, c)
			if c.err != 0 {
				return glua.LNil
			}
			if k != glua.LNil {
				tb.RawSet(k, v)
			}
		}
		return tb
	}
	switch {
	case t <= 0x7f:
		c.b = c.b[1:]
		return glua.LNumber(t)
	case t >= 0xe0:
		c.b = c.b[1:]
		return glua.LNumber(int8(t))
	case t >= 0xa0 && t <= 0xbf:
		c.b = c.b[1:]
		return str(int(t & 0x1f))
	case t >= 0x90 && t <= 0x9f:
		c.b = c.b[1:]
		return array(int(t & 0xf))
	case t >= 0x80 && t <= 0x8f:
		c.b = c.b[1:]
		return mapv(int(t & 0xf))
	}
	hdr := func(n int) []byte {
		if !c.need(1 + n) {
			return nil
		}
		p := c.b[1 : 1+n]
		c.b = c.b[1+n:]
		return p
	}
	switch t {
	case 0xc0:
		c.b = c.b[1:]
		return glua.LNil
	case 0xc2:
		c.b = c.b[1:]
		return glua.LFalse
	case 0xc3:
		c.b = c.b[1:]
		return glua.LTrue
	case 0xcc:
		if p := hdr(1); p != nil {
			return glua.LNumber(p[0])
		}
	case 0xcd:
		if p := hdr(2); p != nil {
			return glua.LNumber(be.Uint16(p))
		}
	case 0xce:
		if p := hdr(4); p != nil {
			return glua.LNumber(be.Uint32(p))
		}
	case 0xcf:
		if p := hdr(8); p != nil {
			return glua.LNumber(be.Uint64(p))
		}
	case 0xd0:
		if p := hdr(1); p != nil {
			return glua.LNumber(int8(p[0]))
		}
	case 0xd1:
		if p := hdr(2); p != nil {
			return glua.LNumber(int16(be.Uint16(p)))
		}
	case 0xd2:
		if p := hdr(4); p != nil {
			return glua.LNumber(int32(be.Uint32(p)))
		}
	case 0xd3:
		if p := hdr(8); p != nil {
			return glua.LNumber(int64(be.Uint64(p)))
		}
	case 0xca:
		if p := hdr(4); p != nil {
			return glua.LNumber(math.Float32frombits(be.Uint32(p)))
		}
	case 0xcb:
		if p := hdr(8); p != nil {
			return glua.LNumber(math.Float64frombits(be.Uint64(p)))
		}
	case 0xd9, 0xc4:
		if p := hdr(1); p != nil {
			return str(int(p[0]))
		}
	case 0xda, 0xc5:
		if p := hdr(2); p != nil {
			return str(int(be.Uint16(p)))
		}
	case 0xdb, 0xc6:
		if p := hdr(4); p != nil {
			return str(int(be.Uint32(p)))
		}
	case 0xdc:
		if p := hdr(2); p != nil {
			return array(int(be.Uint16(p)))
		}
	case 0xdd:
		if p := hdr(4); p != nil {
			n := int(be.Uint32(p))
			if n > len(c.b) {
				c.err = 1
				return glua.LNil
			}
			return array(n)
		}
	case 0xde:
		if p := hdr(2); p != nil {
			return mapv(int(be.Uint16(p)))
		}
	case 0xdf:
		if p := hdr(4); p != nil {
			n := int(be.Uint32(p))
			if n > len(c.b) {
				c.err = 1
				return glua.LNil
			}
			return mapv(n)
		}
	default:
		c.err = 2
	}
	return glua.LNil
}

package lua

import (
	"bytes"
	"encoding/binary"
	"math"

	glua "github.com/yuin/gopher-lua"
)

// The struct library follows Roberto Ierusalimschy's lua_struct 0.2 as
// bundled by Redis (64-bit sizes: long and size_t are 8 bytes, int is 4).

const (
	structMaxIntSize = 32
	structMaxAlign   = 8
)

func openStruct(L *glua.LState) *glua.LTable {
	t := L.NewTable()
	t.RawSetString("pack", L.NewFunction(structPack))
	t.RawSetString("unpack", L.NewFunction(structUnpack))
	t.RawSetString("size", L.NewFunction(structSize))
	return t
}

type structHeader struct {
	little bool
	align  int
}

type structFmt struct {
	L   *glua.LState
	f   string
	pos int
}

func (s *structFmt) more() bool { return s.pos < len(s.f) }

func (s *structFmt) getnum(def int) int {
	if s.pos >= len(s.f) || s.f[s.pos] < '0' || s.f[s.pos] > '9' {
		return def
	}
	a := 0
	for s.pos < len(s.f) && s.f[s.pos] >= '0' && s.f[s.pos] <= '9' {
		d := int(s.f[s.pos] - '0')
		if a > math.MaxInt32/10 || a*10 > math.MaxInt32-d {
			s.L.RaiseError("integral size overflow")
		}
		a = a*10 + d
		s.pos++
	}
	return a
}

func (s *structFmt) optsize(opt byte) int {
	switch opt {
	case 'B', 'b', 'x':
		return 1
	case 'H', 'h':
		return 2
	case 'L', 'l', 'T', 'd':
		return 8
	case 'f':
		return 4
	case 'c':
		return s.getnum(1)
	case 'i', 'I':
		sz := s.getnum(4)
		if sz > structMaxIntSize {
			s.L.RaiseError("integral size %d is larger than limit of %d", sz, structMaxIntSize)
		}
		return sz
	}
	return 0
}

func (h *structHeader) toalign(length, size int, opt byte) int {
	if size == 0 || opt == 'c' {
		return 0
	}
	if size > h.align {
		size = h.align
	}
	return (size - (length & (size - 1))) & (size - 1)
}

func (s *structFmt) control(opt byte, h *structHeader) {
	switch opt {
	case ' ':
	case '>':
		h.little = false
	case '<':
		h.little = true
	case '!':
		a := s.getnum(structMaxAlign)
		if a&(a-1) != 0 || a == 0 {
			s.L.RaiseError("alignment %d is not a power of 2", a)
		}
		h.align = a
	default:
		s.L.RaiseError("invalid format option '%c'", opt)
	}
}

func isIntOpt(opt byte) bool {
	switch opt {
	case 'b', 'B', 'h', 'H', 'l', 'L', 'T', 'i', 'I':
		return true
	}
	return false
}

func structPack(L *glua.LState) int {
	s := &structFmt{L: L, f: L.CheckString(1)}
	h := structHeader{little: true, align: 1}
	arg := 2
	var b []byte
	for s.more() {
		opt := s.f[s.pos]
		s.pos++
		size := s.optsize(opt)
		pad := h.toalign(len(b), size, opt)
		for ; pad > 0; pad-- {
			b = append(b, 0)
		}
		switch {
		case isIntOpt(opt):
			n := float64(L.CheckNumber(arg))
			arg++
			var u uint64
			if n < 0 {
				u = uint64(int64(n))
			} else {
				u = uint64(n)
			}
			buf := make([]byte, size)
			for i := 0; i < size; i++ {
				idx := i
				if !h.little {
					idx = size - 1 - i
				}
				buf[idx] = byte(u)
				u >>= 8
			}
			b = append(b, buf...)
		case opt == 'x':
			b = append(b, 0)
		case opt == 'f':
			f := float32(L.CheckNumber(arg))
			arg++
			if h.little {
				b = binary.LittleEndian.AppendUint32(b, math.Float32bits(f))
			} else {
				b = binary.BigEndian.AppendUint32(b, math.Float32bits(f))
			}
		case opt == 'd':
			d := float64(L.CheckNumber(arg))
			arg++
			if h.little {
				b = binary.LittleEndian.AppendUint64(b, math.Float64bits(d))
			} else {
				b = binary.BigEndian.AppendUint64(b, math.Float64bits(d))
			}
		case opt == 'c' || opt == 's':
			str := L.CheckString(arg)
			arg++
			if size == 0 {
				size = len(str)
			}
			if len(str) < size {
				L.ArgError(arg, "string too short")
			}
			b = append(b, str[:size]...)
			if opt == 's' {
				b = append(b, 0)
			}
		default:
			s.control(opt, &h)
		}
	}
	L.Push(glua.LString(b))
	return 1
}

func structUnpack(L *glua.LState) int {
	s := &structFmt{L: L, f: L.CheckString(1)}
	data := L.CheckString(2)
	ld := len(data)
	pos := L.OptInt(3, 1) - 1
	if pos < 0 || pos > ld {
		L.ArgError(3, "offset must be 1 or greater")
	}
	h := structHeader{little: true, align: 1}
	L.SetTop(2)
	var out []glua.LValue
	for s.more() {
		opt := s.f[s.pos]
		s.pos++
		size := s.optsize(opt)
		pos += h.toalign(pos, size, opt)
		if size > ld || pos > ld-size {
			L.ArgError(2, "data string too short")
		}
		switch {
		case isIntOpt(opt):
			var u uint64
			for i := 0; i < size; i++ {
				idx := i
				if h.little {
					idx = size - 1 - i
				}
				u = u<<8 | uint64(data[pos+idx])
			}
			signed := opt >= 'a' && opt <= 'z'
			if signed && size > 0 && size < 8 {
				mask := ^uint64(0) << (size*8 - 1)
				if u&mask != 0 {
					u |= mask
				}
				out = append(out, glua.LNumber(int64(u)))
			} else if signed {
				out = append(out, glua.LNumber(int64(u)))
			} else {
				out = append(out, glua.LNumber(u))
			}
		case opt == 'x':
		case opt == 'f':
			var bits uint32
			if h.little {
				bits = binary.LittleEndian.Uint32([]byte(data[pos : pos+4]))
			} else {
				bits = binary.BigEndian.Uint32([]byte(data[pos : pos+4]))
			}
			out = append(out, glua.LNumber(math.Float32frombits(bits)))
		case opt == 'd':
			var bits uint64
			if h.little {
				bits = binary.LittleEndian.Uint64([]byte(data[pos : pos+8]))
			} else {
				bits = binary.BigEndian.Uint64([]byte(data[pos : pos+8]))
			}
			out = append(out, glua.LNumber(math.Float64frombits(bits)))
		case opt == 'c':
			if size == 0 {
				if len(out) == 0 {
					L.RaiseError("format 'c0' needs a previous size")
				}
				n, ok := out[len(out)-1].(glua.LNumber)
				if !ok {
					L.RaiseError("format 'c0' needs a previous size")
				}
				out = out[:len(out)-1]
				size = int(n)
				if size < 0 || size > ld || pos > ld-size {
					L.ArgError(2, "data string too short")
				}
			}
			out = append(out, glua.LString(data[pos:pos+size]))
		case opt == 's':
			e := bytes.IndexByte([]byte(data[pos:]), 0)
			if e < 0 {
				L.RaiseError("unfinished string in data")
			}
			size = e + 1
			out = append(out, glua.LString(data[pos:pos+e]))
		default:
			s.control(opt, &h)
		}
		pos += size
	}
	for _, v := range out {
		L.Push(v)
	}
	L.Push(glua.LNumber(pos + 1))
	return len(out) + 1
}

func structSize(L *glua.LState) int {
	s := &structFmt{L: L, f: L.CheckString(1)}
	h := structHeader{little: true, align: 1}
	pos := 0
	for s.more() {
		opt := s.f[s.pos]
		s.pos++
		size := s.optsize(opt)
		pos += h.toalign(pos, size, opt)
		if opt == 's' {
			L.ArgError(1, "options 's' has no fixed size")
		} else if opt == 'c' && size == 0 {
			L.ArgError(1, "option 'c0' has no fixed size")
		}
		if !(opt >= 'a' && opt <= 'z' || opt >= 'A' && opt <= 'Z' || opt >= '0' && opt <= '9') {
			s.control(opt, &h)
		}
		pos += size
	}
	L.Push(glua.LNumber(pos))
	return 1
}

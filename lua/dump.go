package lua

import (
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc64"
)

// FUNCTION DUMP's payload is Redis's RDB format: for each library the
// opcode RDB_OPCODE_FUNCTION2 and the library's code as an RDB string,
// then a two-byte RDB version and the CRC64 (Jones) of everything
// before it, both little endian. Dump writes plain strings; Restore also
// reads the LZF-compressed and integer-encoded strings Redis may write.

const (
	rdbVersion             = 12 // Redis 7.4
	rdbOpcodeFunctionPreGA = 246
	rdbOpcodeFunction2     = 245
)

var crcTable = crc64.MakeTable(0x95AC9329AC4BC9B5) // Jones, reflected

// redisCRC64 is Redis's crc64(0, p): reflected Jones with no final xor.
func redisCRC64(p []byte) uint64 {
	return ^crc64.Update(^uint64(0), crcTable, p)
}

// Dump returns FUNCTION DUMP's payload of every library.
func (e *Engine) Dump() []byte {
	var b []byte
	for _, lib := range e.Libraries(nil) {
		b = append(b, rdbOpcodeFunction2)
		b = appendRDBString(b, lib.Code)
	}
	b = binary.LittleEndian.AppendUint16(b, rdbVersion)
	return binary.LittleEndian.AppendUint64(b, redisCRC64(b))
}

func appendRDBString(b []byte, s string) []byte {
	n := len(s)
	switch {
	case n < 1<<6:
		b = append(b, byte(n))
	case n < 1<<14:
		b = append(b, byte(n>>8)|0x40, byte(n))
	case uint64(n) <= 0xffffffff:
		b = append(b, 0x80)
		b = binary.BigEndian.AppendUint32(b, uint32(n))
	default:
		b = append(b, 0x81)
		b = binary.BigEndian.AppendUint64(b, uint64(n))
	}
	return append(b, s...)
}

// Restore policies of FUNCTION RESTORE.
const (
	RestoreAppend = iota
	RestoreReplace
	RestoreFlush
)

// Restore is FUNCTION RESTORE: it loads the libraries of a DUMP payload
// with the given policy.
func (e *Engine) Restore(payload []byte, policy int) error {
	if len(payload) < 10 {
		return errors.New("ERR DUMP payload version or checksum are wrong")
	}
	footer := payload[len(payload)-10:]
	ver := binary.LittleEndian.Uint16(footer[:2])
	if ver > rdbVersion || binary.LittleEndian.Uint64(footer[2:]) != redisCRC64(payload[:len(payload)-8]) {
		return errors.New("ERR DUMP payload version or checksum are wrong")
	}
	body := payload[:len(payload)-10]
	var codes []string
	for len(body) > 0 {
		typ := body[0]
		body = body[1:]
		if typ == rdbOpcodeFunctionPreGA {
			return errors.New("ERR Pre-GA function format not supported")
		}
		if typ != rdbOpcodeFunction2 {
			return errors.New("ERR given type is not a function")
		}
		s, rest, err := readRDBString(body)
		if err != nil {
			return errors.New("ERR failed loading the given functions payload")
		}
		codes = append(codes, s)
		body = rest
	}
	e.fmu.Lock()
	defer e.fmu.Unlock()
	staged := map[string]*Library{}
	var order []string // payload order: conflicts are reported for the first, as Redis does
	stagedFn := map[string]*Function{}
	for _, code := range codes {
		md, err := parseLibMeta(code)
		if err != nil {
			return err
		}
		if staged[md.name] != nil {
			return fmt.Errorf("ERR Library '%s' already exists", md.name)
		}
		lib, err := e.build(md, code)
		if err != nil {
			return err
		}
		for _, f := range lib.Functions {
			if stagedFn[f.Name] != nil {
				return fmt.Errorf("ERR Function %s already exists", f.Name)
			}
			stagedFn[f.Name] = f
		}
		staged[lib.Name] = lib
		order = append(order, lib.Name)
	}
	e.lmu.Lock()
	defer e.lmu.Unlock()
	if policy == RestoreFlush {
		e.libs = map[string]*Library{}
		e.funcs = map[string]*Function{}
	} else {
		var replaced []*Library
		for _, name := range order {
			if old := e.libs[name]; old != nil {
				if policy != RestoreReplace {
					return fmt.Errorf("ERR Library %s already exists", name)
				}
				replaced = append(replaced, old)
			}
		}
		for _, old := range replaced {
			e.unlinkLocked(old.Name)
		}
		for _, name := range order {
			for _, f := range staged[name].Functions {
				if e.funcs[f.Name] != nil {
					for _, old := range replaced {
						e.linkLocked(old)
					}
					return fmt.Errorf("ERR Function %s already exists", f.Name)
				}
			}
		}
	}
	for _, lib := range staged {
		e.linkLocked(lib)
	}
	return nil
}

// readRDBString reads one RDB string (plain, integer-encoded or LZF).
func readRDBString(b []byte) (string, []byte, error) {
	n, enc, rest, err := readRDBLen(b)
	if err != nil {
		return "", nil, err
	}
	if !enc {
		if uint64(len(rest)) < n {
			return "", nil, errors.New("short string")
		}
		return string(rest[:n]), rest[n:], nil
	}
	switch n {
	case 0:
		if len(rest) < 1 {
			return "", nil, errors.New("short int")
		}
		return fmt.Sprint(int8(rest[0])), rest[1:], nil
	case 1:
		if len(rest) < 2 {
			return "", nil, errors.New("short int")
		}
		return fmt.Sprint(int16(binary.LittleEndian.Uint16(rest))), rest[2:], nil
	case 2:
		if len(rest) < 4 {
			return "", nil, errors.New("short int")
		}
		return fmt.Sprint(int32(binary.LittleEndian.Uint32(rest))), rest[4:], nil
	case 3:
		clen, _, r2, err := readRDBLen(rest)
		if err != nil {
			return "", nil, err
		}
		ulen, _, r3, err := readRDBLen(r2)
		if err != nil || uint64(len(r3)) < clen || ulen > 1<<32 {
			return "", nil, errors.New("bad lzf header")
		}
		out, err := lzfDecompress(r3[:clen], int(ulen))
		if err != nil {
			return "", nil, err
		}
		return string(out), r3[clen:], nil
	}
	return "", nil, errors.New("unknown string encoding")
}

func readRDBLen(b []byte) (n uint64, encoded bool, rest []byte, err error) {
	if len(b) < 1 {
		return 0, false, nil, errors.New("short length")
	}
	switch b[0] >> 6 {
	case 0:
		return uint64(b[0] & 0x3f), false, b[1:], nil
	case 1:
		if len(b) < 2 {
			return 0, false, nil, errors.New("short length")
		}
		return uint64(b[0]&0x3f)<<8 | uint64(b[1]), false, b[2:], nil
	case 3:
		return uint64(b[0] & 0x3f), true, b[1:], nil
	}
	switch b[0] {
	case 0x80:
		if len(b) < 5 {
			return 0, false, nil, errors.New("short length")
		}
		return uint64(binary.BigEndian.Uint32(b[1:])), false, b[5:], nil
	case 0x81:
		if len(b) < 9 {
			return 0, false, nil, errors.New("short length")
		}
		return binary.BigEndian.Uint64(b[1:]), false, b[9:], nil
	}
	return 0, false, nil, errors.New("bad length")
}

// lzfDecompress is liblzf's lzf_decompress.
func lzfDecompress(in []byte, outLen int) ([]byte, error) {
	out := make([]byte, 0, outLen)
	i := 0
	for i < len(in) {
		ctrl := int(in[i])
		i++
		if ctrl < 32 {
			n := ctrl + 1
			if i+n > len(in) || len(out)+n > outLen {
				return nil, errors.New("lzf: literal overrun")
			}
			out = append(out, in[i:i+n]...)
			i += n
			continue
		}
		n := ctrl >> 5
		ref := len(out) - (ctrl&0x1f)<<8 - 1
		if n == 7 {
			if i >= len(in) {
				return nil, errors.New("lzf: short input")
			}
			n += int(in[i])
			i++
		}
		if i >= len(in) {
			return nil, errors.New("lzf: short input")
		}
		ref -= int(in[i])
		i++
		n += 2
		if ref < 0 || len(out)+n > outLen {
			return nil, errors.New("lzf: bad back reference")
		}
		for k := 0; k < n; k++ {
			out = append(out, out[ref+k])
		}
	}
	if len(out) != outLen {
		return nil, errors.New("lzf: length mismatch")
	}
	return out, nil
}

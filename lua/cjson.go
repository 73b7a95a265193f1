package lua

import (
	"fmt"
	"math"
	"strconv"
	"unicode/utf8"

	glua "github.com/yuin/gopher-lua"
)

// The cjson library follows lua-cjson 2.1.0 as bundled by Redis: numbers
// are written with "%.14g", '/' is escaped, tables whose keys are all
// positive integers are arrays (an excessively sparse one is an error),
// and cjson.null stands for JSON null.

const (
	cjsonMaxDepth     = 1000
	cjsonSparseRatio  = 2
	cjsonSparseSafe   = 10
	cjsonNumPrecision = 14
)

// cjsonNull is the value of cjson.null (a light userdata in C).
var cjsonNull = &glua.LUserData{Value: "cjson.null", Metatable: glua.LNil}

type cjsonCfg struct {
	encodeMaxDepth   int
	decodeMaxDepth   int
	precision        int
	sparseConvert    bool
	sparseRatio      int
	sparseSafe       int
	encodeInvalidNum int // 0 off, 1 on, 2 null
	decodeInvalidNum bool
	keepBuffer       bool
}

func openCjson(L *glua.LState) *glua.LTable {
	cfg := &cjsonCfg{
		encodeMaxDepth: cjsonMaxDepth, decodeMaxDepth: cjsonMaxDepth,
		precision: cjsonNumPrecision, sparseRatio: cjsonSparseRatio, sparseSafe: cjsonSparseSafe,
		decodeInvalidNum: true, keepBuffer: true,
	}
	t := L.NewTable()
	t.RawSetString("encode", L.NewFunction(cfg.encode))
	t.RawSetString("decode", L.NewFunction(cfg.decode))
	t.RawSetString("encode_max_depth", L.NewFunction(cfgInt(&cfg.encodeMaxDepth, 1, math.MaxInt32)))
	t.RawSetString("decode_max_depth", L.NewFunction(cfgInt(&cfg.decodeMaxDepth, 1, math.MaxInt32)))
	t.RawSetString("encode_number_precision", L.NewFunction(cfgInt(&cfg.precision, 1, 14)))
	t.RawSetString("encode_keep_buffer", L.NewFunction(cfgBool(&cfg.keepBuffer)))
	t.RawSetString("encode_sparse_array", L.NewFunction(cfg.sparseArray))
	t.RawSetString("encode_invalid_numbers", L.NewFunction(cfg.invalidNumbers))
	t.RawSetString("decode_invalid_numbers", L.NewFunction(cfgBool(&cfg.decodeInvalidNum)))
	t.RawSetString("null", cjsonNull)
	t.RawSetString("_NAME", glua.LString("cjson"))
	t.RawSetString("_VERSION", glua.LString("2.1.0"))
	return t
}

func cfgInt(p *int, lo, hi int) glua.LGFunction {
	return func(L *glua.LState) int {
		if L.GetTop() > 1 {
			L.ArgError(2, "found too many arguments")
		}
		if L.GetTop() == 1 && L.Get(1) != glua.LNil {
			n := L.CheckInt(1)
			if n < lo || n > hi {
				L.ArgError(1, fmt.Sprintf("expected integer between %d and %d", lo, hi))
			}
			*p = n
		}
		L.Push(glua.LNumber(*p))
		return 1
	}
}

func cfgBool(p *bool) glua.LGFunction {
	return func(L *glua.LState) int {
		if L.GetTop() >= 1 && L.Get(1) != glua.LNil {
			switch v := L.Get(1).(type) {
			case glua.LBool:
				*p = bool(v)
			case glua.LString:
				switch v {
				case "on":
					*p = true
				case "off":
					*p = false
				default:
					L.ArgError(1, "invalid option '"+string(v)+"'")
				}
			default:
				L.ArgError(1, "invalid option")
			}
		}
		L.Push(glua.LBool(*p))
		return 1
	}
}

func (c *cjsonCfg) sparseArray(L *glua.LState) int {
	if L.GetTop() >= 1 && L.Get(1) != glua.LNil {
		c.sparseConvert = L.ToBool(1)
	}
	if L.GetTop() >= 2 && L.Get(2) != glua.LNil {
		c.sparseRatio = L.CheckInt(2)
	}
	if L.GetTop() >= 3 && L.Get(3) != glua.LNil {
		c.sparseSafe = L.CheckInt(3)
	}
	L.Push(glua.LBool(c.sparseConvert))
	L.Push(glua.LNumber(c.sparseRatio))
	L.Push(glua.LNumber(c.sparseSafe))
	return 3
}

func (c *cjsonCfg) invalidNumbers(L *glua.LState) int {
	if L.GetTop() >= 1 && L.Get(1) != glua.LNil {
		switch v := L.Get(1).(type) {
		case glua.LBool:
			if v {
				c.encodeInvalidNum = 1
			} else {
				c.encodeInvalidNum = 0
			}
		case glua.LString:
			switch v {
			case "on":
				c.encodeInvalidNum = 1
			case "off":
				c.encodeInvalidNum = 0
			case "null":
				c.encodeInvalidNum = 2
			default:
				L.ArgError(1, "invalid option '"+string(v)+"'")
			}
		}
	}
	switch c.encodeInvalidNum {
	case 1:
		L.Push(glua.LTrue)
	case 2:
		L.Push(glua.LString("null"))
	default:
		L.Push(glua.LFalse)
	}
	return 1
}

func (c *cjsonCfg) encode(L *glua.LState) int {
	if L.GetTop() != 1 {
		L.ArgError(1, "expected 1 argument")
	}
	buf := c.appendValue(L, nil, L.Get(1), 0)
	L.Push(glua.LString(buf))
	return 1
}

func (c *cjsonCfg) appendNumber(L *glua.LState, buf []byte, n float64) []byte {
	if math.IsInf(n, 0) || math.IsNaN(n) {
		switch c.encodeInvalidNum {
		case 0:
			L.RaiseError("Cannot serialise number: must not be NaN or Inf")
		case 2:
			return append(buf, "null"...)
		}
		if math.IsNaN(n) {
			return append(buf, "nan"...)
		}
		if n > 0 {
			return append(buf, "inf"...)
		}
		return append(buf, "-inf"...)
	}
	if c.precision == 14 {
		return appendNumber(buf, n)
	}
	if n == math.Trunc(n) && math.Abs(n) < 1e15 && c.precision >= 15 {
		return strconv.AppendInt(buf, int64(n), 10)
	}
	return strconv.AppendFloat(buf, n, 'g', c.precision, 64)
}

func (c *cjsonCfg) appendValue(L *glua.LState, buf []byte, v glua.LValue, depth int) []byte {
	switch x := v.(type) {
	case glua.LString:
		return appendJSONString(buf, string(x))
	case glua.LNumber:
		return c.appendNumber(L, buf, float64(x))
	case glua.LBool:
		if x {
			return append(buf, "true"...)
		}
		return append(buf, "false"...)
	case *glua.LNilType:
		return append(buf, "null"...)
	case *glua.LUserData:
		if x == cjsonNull {
			return append(buf, "null"...)
		}
	case *glua.LTable:
		depth++
		if depth > c.encodeMaxDepth {
			L.RaiseError("Cannot serialise, excessive nesting (%d)", depth)
		}
		n := c.arrayLength(L, x)
		if n > 0 {
			buf = append(buf, '[')
			for i := 1; i <= n; i++ {
				if i > 1 {
					buf = append(buf, ',')
				}
				buf = c.appendValue(L, buf, x.RawGetInt(i), depth)
			}
			return append(buf, ']')
		}
		buf = append(buf, '{')
		first := true
		for k, val := x.Next(glua.LNil); k != glua.LNil; k, val = x.Next(k) {
			if !first {
				buf = append(buf, ',')
			}
			first = false
			switch kk := k.(type) {
			case glua.LString:
				buf = appendJSONString(buf, string(kk))
			case glua.LNumber:
				buf = append(buf, '"')
				buf = c.appendNumber(L, buf, float64(kk))
				buf = append(buf, '"')
			default:
				L.RaiseError("Cannot serialise %s: table key must be a number or string", k.Type().String())
			}
			buf = append(buf, ':')
			buf = c.appendValue(L, buf, val, depth)
		}
		return append(buf, '}')
	}
	L.RaiseError("Cannot serialise %s: type not supported", luaTypeName(v))
	return nil
}

func luaTypeName(v glua.LValue) string {
	if _, ok := v.(*glua.LUserData); ok {
		return "userdata"
	}
	return v.Type().String()
}

// arrayLength is lua_array_length: the array size when every key is a
// positive integer, -1 (encode as an object) otherwise; an excessively
// sparse array is an error unless sparse conversion is on.
func (c *cjsonCfg) arrayLength(L *glua.LState, t *glua.LTable) int {
	max, items := 0, 0
	for k, _ := t.Next(glua.LNil); k != glua.LNil; k, _ = t.Next(k) {
		n, ok := k.(glua.LNumber)
		if !ok || float64(n) < 1 || float64(n) != math.Floor(float64(n)) {
			return -1
		}
		if int(n) > max {
			max = int(n)
		}
		items++
	}
	if c.sparseRatio > 0 && max > items*c.sparseRatio && max > c.sparseSafe {
		if !c.sparseConvert {
			L.RaiseError("Cannot serialise table: excessively sparse array")
		}
		return -1
	}
	return max
}

// appendJSONString appends s quoted with lua-cjson's escapes.
func appendJSONString(buf []byte, s string) []byte {
	const hexd = "0123456789abcdef"
	buf = append(buf, '"')
	for i := 0; i < len(s); i++ {
		ch := s[i]
		switch ch {
		case '"':
			buf = append(buf, '\\', '"')
		case '\\':
			buf = append(buf, '\\', '\\')
		case '/':
			buf = append(buf, '\\', '/')
		case '\b':
			buf = append(buf, '\\', 'b')
		case '\f':
			buf = append(buf, '\\', 'f')
		case '\n':
			buf = append(buf, '\\', 'n')
		case '\r':
			buf = append(buf, '\\', 'r')
		case '\t':
			buf = append(buf, '\\', 't')
		default:
			if ch < 0x20 || ch == 0x7f {
				buf = append(buf, '\\', 'u', '0', '0', hexd[ch>>4], hexd[ch&15])
			} else {
				buf = append(buf, ch)
			}
		}
	}
	return append(buf, '"')
}

// JSON decoding.

type jsonTok uint8

const (
	tObjBegin jsonTok = iota
	tObjEnd
	tArrBegin
	tArrEnd
	tString
	tNumber
	tBoolean
	tNull
	tColon
	tComma
	tEnd
	tWhitespace
	tError
)

var jsonTokNames = [...]string{"T_OBJ_BEGIN", "T_OBJ_END", "T_ARR_BEGIN", "T_ARR_END", "T_STRING",
	"T_NUMBER", "T_BOOLEAN", "T_NULL", "T_COLON", "T_COMMA", "T_END", "T_WHITESPACE", "T_ERROR"}

type jsonToken struct {
	typ   jsonTok
	index int
	str   string
	num   float64
	b     bool
}

type jsonParser struct {
	L     *glua.LState
	s     string
	pos   int
	depth int
	cfg   *cjsonCfg
}

func (c *cjsonCfg) decode(L *glua.LState) int {
	if L.GetTop() != 1 {
		L.ArgError(1, "expected 1 argument")
	}
	s := L.CheckString(1)
	p := &jsonParser{L: L, s: s, cfg: c}
	tok := p.next()
	v := p.value(&tok)
	tok = p.next()
	if tok.typ != tEnd {
		p.fail("the end", &tok)
	}
	L.Push(v)
	return 1
}

func (p *jsonParser) fail(exp string, tok *jsonToken) {
	found := jsonTokNames[tok.typ]
	if tok.typ == tError {
		found = tok.str
	}
	p.L.RaiseError("Expected %s but found %s at character %d", exp, found, tok.index+1)
}

func (p *jsonParser) value(tok *jsonToken) glua.LValue {
	switch tok.typ {
	case tString:
		return glua.LString(tok.str)
	case tNumber:
		return glua.LNumber(tok.num)
	case tBoolean:
		return glua.LBool(tok.b)
	case tNull:
		return cjsonNull
	case tObjBegin:
		return p.object()
	case tArrBegin:
		return p.array()
	}
	p.fail("value", tok)
	return nil
}

func (p *jsonParser) enter() {
	p.depth++
	if p.depth > p.cfg.decodeMaxDepth {
		p.L.RaiseError("Found too many nested data structures (%d) at character %d", p.depth, p.pos)
	}
}

func (p *jsonParser) object() glua.LValue {
	p.enter()
	t := p.L.NewTable()
	tok := p.next()
	if tok.typ == tObjEnd {
		p.depth--
		return t
	}
	for {
		if tok.typ != tString {
			p.fail("object key string", &tok)
		}
		key := tok.str
		tok = p.next()
		if tok.typ != tColon {
			p.fail("colon", &tok)
		}
		tok = p.next()
		t.RawSetString(key, p.value(&tok))
		tok = p.next()
		if tok.typ == tObjEnd {
			p.depth--
			return t
		}
		if tok.typ != tComma {
			p.fail("comma or object end", &tok)
		}
		tok = p.next()
	}
}

func (p *jsonParser) array() glua.LValue {
	p.enter()
	t := p.L.NewTable()
	tok := p.next()
	if tok.typ == tArrEnd {
		p.depth--
		return t
	}
	for i := 1; ; i++ {
		t.RawSetInt(i, p.value(&tok))
		tok = p.next()
		if tok.typ == tArrEnd {
			p.depth--
			return t
		}
		if tok.typ != tComma {
			p.fail("comma or array end", &tok)
		}
		tok = p.next()
	}
}

func (p *jsonParser) next() jsonToken {
	s := p.s
	for p.pos < len(s) && (s[p.pos] == ' ' || s[p.pos] == '\t' || s[p.pos] == '\n' || s[p.pos] == '\r') {
		p.pos++
	}
	tok := jsonToken{index: p.pos}
	if p.pos >= len(s) {
		tok.typ = tEnd
		return tok
	}
	ch := s[p.pos]
	switch ch {
	case '{':
		p.pos++
		tok.typ = tObjBegin
	case '}':
		p.pos++
		tok.typ = tObjEnd
	case '[':
		p.pos++
		tok.typ = tArrBegin
	case ']':
		p.pos++
		tok.typ = tArrEnd
	case ':':
		p.pos++
		tok.typ = tColon
	case ',':
		p.pos++
		tok.typ = tComma
	case '"':
		p.str(&tok)
	default:
		switch {
		case ch == '-' || ch >= '0' && ch <= '9':
			p.number(&tok)
		case hasPrefixAt(s, p.pos, "true"):
			p.pos += 4
			tok.typ, tok.b = tBoolean, true
		case hasPrefixAt(s, p.pos, "false"):
			p.pos += 5
			tok.typ, tok.b = tBoolean, false
		case hasPrefixAt(s, p.pos, "null"):
			p.pos += 4
			tok.typ = tNull
		case p.cfg.decodeInvalidNum && (ch == 'i' || ch == 'I' || ch == 'n' || ch == 'N'):
			p.number(&tok)
		default:
			tok.typ, tok.str = tError, "invalid token"
		}
	}
	return tok
}

func hasPrefixAt(s string, i int, p string) bool {
	return len(s)-i >= len(p) && s[i:i+len(p)] == p
}

func (p *jsonParser) number(tok *jsonToken) {
	s := p.s
	j := p.pos
	for j < len(s) && isNumChar(s[j]) {
		j++
	}
	text := s[p.pos:j]
	// JSON forbids leading zeros and hex unless invalid numbers are on.
	digits := text
	if len(digits) > 0 && (digits[0] == '-' || digits[0] == '+') {
		digits = digits[1:]
	}
	invalid := len(digits) > 1 && digits[0] == '0' && digits[1] >= '0' && digits[1] <= '9' ||
		len(digits) > 1 && digits[0] == '0' && (digits[1] == 'x' || digits[1] == 'X')
	n, ok := parseLuaNumber(text)
	if !ok || text == "" || (invalid && !p.cfg.decodeInvalidNum) {
		tok.typ, tok.str = tError, "invalid number"
		return
	}
	p.pos = j
	tok.typ, tok.num = tNumber, n
}

func isNumChar(c byte) bool {
	return c >= '0' && c <= '9' || c == '-' || c == '+' || c == '.' || c == 'e' || c == 'E' ||
		c == 'x' || c == 'X' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F' ||
		c == 'i' || c == 'I' || c == 'n' || c == 'N' || c == 't' || c == 'T' || c == 'y' || c == 'Y'
}

func (p *jsonParser) str(tok *jsonToken) {
	s := p.s
	j := p.pos + 1
	var out []byte
	for {
		if j >= len(s) {
			tok.typ, tok.str = tError, "unexpected end of string"
			return
		}
		ch := s[j]
		if ch == '"' {
			break
		}
		if ch != '\\' {
			out = append(out, ch)
			j++
			continue
		}
		if j+1 >= len(s) {
			tok.typ, tok.str = tError, "unexpected end of string"
			return
		}
		esc := s[j+1]
		switch esc {
		case '"', '\\', '/':
			out = append(out, esc)
		case 'b':
			out = append(out, '\b')
		case 'f':
			out = append(out, '\f')
		case 'n':
			out = append(out, '\n')
		case 'r':
			out = append(out, '\r')
		case 't':
			out = append(out, '\t')
		case 'u':
			r, n := decodeUnicodeEscape(s[j:])
			if n == 0 {
				tok.typ, tok.str, tok.index = tError, "invalid unicode escape code", j
				return
			}
			out = utf8.AppendRune(out, r)
			j += n
			continue
		default:
			tok.typ, tok.str, tok.index = tError, "invalid escape code", j
			return
		}
		j += 2
	}
	p.pos = j + 1
	tok.typ, tok.str = tString, string(out)
}

// decodeUnicodeEscape decodes "\uXXXX" (with a following low surrogate
// when XXXX is a high one) and returns the rune and the bytes consumed.
func decodeUnicodeEscape(s string) (rune, int) {
	hex4 := func(t string) (rune, bool) {
		if len(t) < 6 || t[0] != '\\' || t[1] != 'u' {
			return 0, false
		}
		v, err := strconv.ParseUint(t[2:6], 16, 32)
		return rune(v), err == nil
	}
	r, ok := hex4(s)
	if !ok {
		return 0, 0
	}
	if r >= 0xDC00 && r <= 0xDFFF {
		return 0, 0
	}
	if r >= 0xD800 && r <= 0xDBFF {
		lo, ok := hex4(s[6:])
		if !ok || lo < 0xDC00 || lo > 0xDFFF {
			return 0, 0
		}
		return (r-0xD800)<<10 + (lo - 0xDC00) + 0x10000, 12
	}
	return r, 6
}

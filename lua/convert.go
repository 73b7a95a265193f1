package lua

import (
	"math"
	"strconv"
	"strings"

	glua "github.com/yuin/gopher-lua"

	"github.com/embedis/embedis/internal/rconv"
	"github.com/embedis/embedis/resp"
)

// replyBuilder is the resp.ReplyWriter redis.call hands to commands: it
// builds the Lua value of the reply directly, as Redis's
// redisProtocolToLuaType does, for the script's protocol (redis.setresp).
type replyBuilder struct {
	v     *vm
	proto int
	stack []rbFrame
	val   glua.LValue
	isErr bool
	done  bool
}

type rbFrame struct {
	t       *glua.LTable // the table being filled
	outer   glua.LValue  // what the aggregate becomes ({map=t} or t)
	kind    byte         // 'a' array, 'm' map, 's' set
	want    int          // elements still expected (keys and values for maps)
	idx     int          // last array index written
	key     glua.LValue  // map key waiting for its value
	haveKey bool
}

var _ resp.ReplyWriter = (*replyBuilder)(nil)

func (b *replyBuilder) reset(proto int) {
	b.proto = proto
	b.stack = b.stack[:0]
	b.val = glua.LNil
	b.isErr = false
	b.done = false
}

// result returns the reply's Lua value and whether it is an error reply.
// A command that wrote nothing gives nil.
func (b *replyBuilder) result() (glua.LValue, bool) {
	if !b.done {
		return glua.LNil, false
	}
	return b.val, b.isErr
}

func (b *replyBuilder) add(v glua.LValue) {
	for len(b.stack) > 0 {
		f := &b.stack[len(b.stack)-1]
		switch f.kind {
		case 'a':
			f.idx++
			if v != glua.LNil {
				f.t.RawSetInt(f.idx, v)
			}
		case 'm':
			if !f.haveKey {
				f.key, f.haveKey = v, true
			} else {
				if f.key != glua.LNil {
					f.t.RawSet(f.key, v)
				}
				f.key, f.haveKey = nil, false
			}
		case 's':
			if v != glua.LNil {
				f.t.RawSet(v, glua.LTrue)
			}
		}
		f.want--
		if f.want > 0 {
			return
		}
		v = f.outer
		*f = rbFrame{}
		b.stack = b.stack[:len(b.stack)-1]
	}
	if !b.done {
		b.val, b.done = v, true
	}
}

func (b *replyBuilder) open(kind byte, n int) {
	L := b.v.L
	var t *glua.LTable
	var outer glua.LValue
	switch kind {
	case 'a':
		t = L.CreateTable(min(max(n, 0), 1024), 0)
		outer = t
	default:
		t = L.CreateTable(0, min(max(n, 0), 1024))
		w := L.CreateTable(0, 1)
		if kind == 'm' {
			w.RawSetString("map", t)
		} else {
			w.RawSetString("set", t)
		}
		outer = w
	}
	want := n
	if kind == 'm' {
		want = 2 * n
	}
	if want <= 0 {
		b.add(outer)
		return
	}
	b.stack = append(b.stack, rbFrame{t: t, outer: outer, kind: kind, want: want})
}

// Proto reports the script's protocol.
func (b *replyBuilder) Proto() int { return b.proto }

// SimpleString gives {ok=s}.
func (b *replyBuilder) SimpleString(s string) {
	t := b.v.L.CreateTable(0, 1)
	t.RawSetString("ok", glua.LString(s))
	b.add(t)
}

// Error gives {err="CODE msg"}; a top-level error is what redis.call
// raises.
func (b *replyBuilder) Error(msg string) {
	t := b.v.L.CreateTable(0, 2)
	t.RawSetString("err", glua.LString(errorText("-"+msg)))
	t.RawSetString("ignore_error_stats_update", glua.LTrue)
	if len(b.stack) == 0 && !b.done {
		b.isErr = true
	}
	b.add(t)
}

// Int gives a number.
func (b *replyBuilder) Int(n int64) {
	if n >= 0 && n < int64(len(smallNumbers)) {
		b.add(smallNumbers[n]) // no allocation for the common small replies
		return
	}
	b.add(glua.LNumber(n))
}

// smallNumbers holds the Lua values of 0..1023, boxed once: converting a
// number to an interface otherwise allocates.
var smallNumbers = func() (t [1024]glua.LValue) {
	for i := range t {
		t[i] = glua.LNumber(i)
	}
	return t
}()

// Bulk gives a string.
func (b *replyBuilder) Bulk(p []byte) { b.add(glua.LString(string(p))) }

// BulkString gives a string.
func (b *replyBuilder) BulkString(s string) { b.add(glua.LString(s)) }

func (b *replyBuilder) null() {
	if b.proto == 3 {
		b.add(glua.LNil)
	} else {
		b.add(glua.LFalse)
	}
}

// NullBulk gives false (RESP2) or nil (RESP3).
func (b *replyBuilder) NullBulk() { b.null() }

// NullArray gives false (RESP2) or nil (RESP3).
func (b *replyBuilder) NullArray() { b.null() }

// ArrayLen starts a table.
func (b *replyBuilder) ArrayLen(n int) { b.open('a', n) }

// MapLen starts a flat table (RESP2) or {map={...}} (RESP3).
func (b *replyBuilder) MapLen(n int) {
	if b.proto == 3 {
		b.open('m', n)
	} else {
		b.open('a', 2*n)
	}
}

// SetLen starts a table (RESP2) or {set={...}} (RESP3).
func (b *replyBuilder) SetLen(n int) {
	if b.proto == 3 {
		b.open('s', n)
	} else {
		b.open('a', n)
	}
}

// PushLen starts a table.
func (b *replyBuilder) PushLen(n int) { b.open('a', n) }

// Double gives the text (RESP2) or {double=n} (RESP3).
func (b *replyBuilder) Double(text string) {
	if b.proto != 3 {
		b.add(glua.LString(text))
		return
	}
	f, err := strconv.ParseFloat(text, 64)
	if err != nil {
		switch text {
		case "inf", "+inf":
			f = math.Inf(1)
		case "-inf":
			f = math.Inf(-1)
		case "nan", "-nan":
			f = math.NaN()
		}
	}
	t := b.v.L.CreateTable(0, 1)
	t.RawSetString("double", glua.LNumber(f))
	b.add(t)
}

// Bool gives 1 or 0 (RESP2, where Redis sends an integer) or a boolean
// (RESP3).
func (b *replyBuilder) Bool(v bool) {
	if b.proto != 3 {
		if v {
			b.add(glua.LNumber(1))
		} else {
			b.add(glua.LNumber(0))
		}
		return
	}
	b.add(glua.LBool(v))
}

// Verbatim gives the text (RESP2) or {verbatim_string={format=, string=}}.
func (b *replyBuilder) Verbatim(format, s string) {
	if b.proto != 3 {
		b.add(glua.LString(s))
		return
	}
	L := b.v.L
	in := L.CreateTable(0, 2)
	in.RawSetString("format", glua.LString(format))
	in.RawSetString("string", glua.LString(s))
	t := L.CreateTable(0, 1)
	t.RawSetString("verbatim_string", in)
	b.add(t)
}

// BigNumber gives the digits (RESP2) or {big_number="..."} (RESP3).
func (b *replyBuilder) BigNumber(digits string) {
	if b.proto != 3 {
		b.add(glua.LString(digits))
		return
	}
	t := b.v.L.CreateTable(0, 1)
	t.RawSetString("big_number", glua.LString(digits))
	b.add(t)
}

// maxReplyDepth is how deep Redis's luaReplyToRedisReply nests arrays
// before it runs out of Lua stack and writes "reached lua stack limit".
const maxReplyDepth = 7995

// writeReply converts a script's return value into a reply on w, as
// Redis's luaReplyToRedisReply does. scriptProto is the script's
// redis.setresp version, which decides how booleans are sent.
func writeReply(w resp.ReplyWriter, lv glua.LValue, scriptProto int, depth int) {
	if depth >= maxReplyDepth {
		w.Error("ERR reached lua stack limit")
		return
	}
	switch x := lv.(type) {
	case glua.LString:
		w.BulkString(string(x))
	case glua.LBool:
		if scriptProto == 2 {
			if x {
				w.Int(1)
			} else {
				w.NullBulk()
			}
		} else {
			w.Bool(bool(x))
		}
	case glua.LNumber:
		w.Int(toInteger(float64(x)))
	case *glua.LTable:
		writeTable(w, x, scriptProto, depth)
	default:
		w.NullBulk()
	}
}

func writeTable(w resp.ReplyWriter, t *glua.LTable, scriptProto, depth int) {
	if e, ok := t.RawGetString("err").(glua.LString); ok {
		w.Error(noNewlines(string(e)))
		return
	}
	if s, ok := t.RawGetString("ok").(glua.LString); ok {
		w.SimpleString(noNewlines(string(s)))
		return
	}
	if d, ok := t.RawGetString("double").(glua.LNumber); ok {
		var buf [32]byte
		w.Double(string(rconv.FormatDouble(buf[:0], float64(d))))
		return
	}
	if s, ok := t.RawGetString("big_number").(glua.LString); ok {
		w.BigNumber(noNewlines(string(s)))
		return
	}
	if vt, ok := t.RawGetString("verbatim_string").(*glua.LTable); ok {
		f, fok := vt.RawGetString("format").(glua.LString)
		s, sok := vt.RawGetString("string").(glua.LString)
		if fok && sok {
			w.Verbatim(string(f), string(s))
			return
		}
	}
	if m, ok := t.RawGetString("map").(*glua.LTable); ok {
		n := 0
		for k, _ := m.Next(glua.LNil); k != glua.LNil; k, _ = m.Next(k) {
			n++
		}
		w.MapLen(n)
		for k, v := m.Next(glua.LNil); k != glua.LNil; k, v = m.Next(k) {
			writeReply(w, k, scriptProto, depth+1)
			writeReply(w, v, scriptProto, depth+1)
		}
		return
	}
	if s, ok := t.RawGetString("set").(*glua.LTable); ok {
		n := 0
		for k, _ := s.Next(glua.LNil); k != glua.LNil; k, _ = s.Next(k) {
			n++
		}
		w.SetLen(n)
		for k, _ := s.Next(glua.LNil); k != glua.LNil; k, _ = s.Next(k) {
			writeReply(w, k, scriptProto, depth+1)
		}
		return
	}
	n := 0
	for t.RawGetInt(n+1) != glua.LNil {
		n++
	}
	w.ArrayLen(n)
	for i := 1; i <= n; i++ {
		writeReply(w, t.RawGetInt(i), scriptProto, depth+1)
	}
}

// noNewlines replaces CR and LF with spaces, as Redis does for status and
// error replies built by scripts.
func noNewlines(s string) string {
	if !strings.ContainsAny(s, "\r\n") {
		return s
	}
	return strings.Map(func(r rune) rune {
		if r == '\r' || r == '\n' {
			return ' '
		}
		return r
	}, s)
}

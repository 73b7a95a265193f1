package embedis

import (
	"errors"
	"math/rand/v2"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/embedis/embedis/keyspace"
	"github.com/embedis/embedis/resp"
)

// Reply builders for RESP2 expectations.
func w2Int(n int64) string    { return ":" + strconv.FormatInt(n, 10) + "\r\n" }
func w2Bulk(s string) string  { return "$" + strconv.Itoa(len(s)) + "\r\n" + s + "\r\n" }
func w2Err(msg string) string { return "-" + msg + "\r\n" }
func w2Arr(elems ...string) string {
	return "*" + strconv.Itoa(len(elems)) + "\r\n" + strings.Join(elems, "")
}

const (
	w2Nil     = "$-1\r\n"
	w2OK      = "+OK\r\n"
	w2Syntax  = "-ERR syntax error\r\n"
	w2NotInt  = "-ERR value is not an integer or out of range\r\n"
	w2WrongTy = "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"
	w2BitOff  = "-ERR bit offset is not an integer or out of range\r\n"
	w2BitVal  = "-ERR bit is not an integer or out of range\r\n"
	w2BitArg  = "-ERR The bit argument must be 1 or 0.\r\n"
	w2BFType  = "-ERR Invalid bitfield type. Use something like i16 u8. Note that u64 is not supported but i64 is.\r\n"
	w2BFOver  = "-ERR Invalid OVERFLOW type specified\r\n"
	w2BFRO    = "-ERR BITFIELD_RO only supports the GET subcommand\r\n"
)

// bitsCase is one command and its exact reply.
type bitsCase struct {
	args []string
	want string
	// v74 marks a reply taken from the Redis 7.4 source where 7.0 answers
	// differently (7.4 checks BITCOUNT/BITPOS arguments before the key).
	v74 bool
}

// bitsGroup is a sequence of commands run in order on an empty database.
type bitsGroup struct {
	name  string
	proto int      // 2 unless 3
	lists []string // keys created as lists first (for WRONGTYPE)
	cases []bitsCase
}

func bcase(want string, args ...string) bitsCase { return bitsCase{args: args, want: want} }
func bcase74(want string, args ...string) bitsCase {
	return bitsCase{args: args, want: want, v74: true}
}

// bitsPutList stores a list at key, by way of the keyspace (WRONGTYPE
// tests do not depend on the list commands).
func bitsPutList(t testing.TB, s *Store, key string) {
	t.Helper()
	var c keyspace.Ctx
	s.Keyspace().Begin(&c)
	c.Lock(key)
	c.Delete(0, key)
	c.Create(0, key).SetObj(keyspace.KindList, []string{"x"})
	c.Unlock()
	c.Finish()
}

// runBitsGroups runs each group on a fresh store and compares replies
// byte for byte.
func runBitsGroups(t *testing.T, groups []bitsGroup) {
	for _, g := range groups {
		t.Run(g.name, func(t *testing.T) {
			s, _ := openTest(t)
			sess := s.NewSession()
			if g.proto == 3 {
				sess.SetProto(3)
			}
			for _, k := range g.lists {
				bitsPutList(t, s, k)
			}
			for i, c := range g.cases {
				assert.Equal(t, c.want, do(t, sess, c.args...), "#%d %q", i, c.args)
			}
		})
	}
}

// All replies below were checked against redis-server (7.0.15, whose bit
// and LCS code matches 7.4 apart from the cases marked v74, which follow
// the 7.4 source and test suite).
var setBitGroups = []bitsGroup{{
	name:  "SetBitGetBit",
	lists: []string{"l"},
	cases: []bitsCase{
		bcase(w2Int(0), "SETBIT", "k", "7", "1"),
		bcase(w2Bulk("\x01"), "GET", "k"),
		bcase(w2Int(1), "SETBIT", "k", "7", "0"),
		bcase(w2Int(0), "SETBIT", "k", "7", "0"),
		bcase(w2Int(0), "SETBIT", "k", "100", "1"),
		bcase(w2Int(13), "STRLEN", "k"),
		bcase(w2Int(1), "GETBIT", "k", "100"),
		bcase(w2Int(0), "GETBIT", "k", "99"),
		bcase(w2Int(0), "GETBIT", "k", "99999"),
		bcase(w2Int(0), "GETBIT", "missing", "5"),
		bcase(w2Int(0), "EXISTS", "missing"),
		bcase(w2Int(0), "GETBIT", "k", "4294967295"),
		bcase(w2BitOff, "GETBIT", "k", "4294967296"),
		bcase(w2BitOff, "SETBIT", "k", "4294967296", "1"),
		bcase(w2BitOff, "SETBIT", "k", "-1", "1"),
		bcase(w2BitOff, "SETBIT", "k", "abc", "1"),
		bcase(w2BitOff, "SETBIT", "k", "#1", "1"),
		bcase(w2BitOff, "SETBIT", "k", "abc", "5"),
		bcase(w2BitVal, "SETBIT", "k", "0", "2"),
		bcase(w2BitVal, "SETBIT", "k", "0", "-1"),
		bcase(w2BitVal, "SETBIT", "k", "0", "abc"),
		bcase(w2BitVal, "SETBIT", "k", "0", "01"),
		bcase(w2BitVal, "SETBIT", "k", "0", "-0"),
		bcase(w2BitVal, "SETBIT", "k", "0", "+1"),
		bcase(w2Err("ERR wrong number of arguments for 'setbit' command"), "SETBIT", "k", "1"),
		bcase(w2Err("ERR wrong number of arguments for 'getbit' command"), "GETBIT", "k"),
		bcase(w2OK, "SET", "s", ""),
		bcase(w2Int(0), "SETBIT", "s", "3", "1"),
		bcase(w2Bulk("\x10"), "GET", "s"),
		bcase(w2OK, "SET", "n", "1"),
		bcase(w2Int(1), "GETBIT", "n", "2"),
		bcase(w2Int(1), "GETBIT", "n", "7"),
		bcase(w2Int(0), "GETBIT", "n", "0"),
		bcase(w2Int(0), "SETBIT", "n", "6", "1"),
		bcase(w2Bulk("3"), "GET", "n"),
		bcase(w2WrongTy, "SETBIT", "l", "0", "1"),
		bcase(w2BitVal, "SETBIT", "l", "0", "5"),
		bcase(w2BitOff, "SETBIT", "l", "x", "1"),
		bcase(w2WrongTy, "GETBIT", "l", "0"),
		bcase(w2BitOff, "GETBIT", "l", "x"),
	},
}}

func TestSetBit_Replies(t *testing.T) { runBitsGroups(t, setBitGroups) }

var bitCountGroups = []bitsGroup{{
	name:  "BitCount",
	lists: []string{"l"},
	cases: []bitsCase{
		bcase(w2OK, "SET", "s", "foobar"),
		bcase(w2Int(26), "BITCOUNT", "s"),
		bcase(w2Int(4), "BITCOUNT", "s", "0", "0"),
		bcase(w2Int(6), "BITCOUNT", "s", "1", "1"),
		bcase(w2Int(26), "BITCOUNT", "s", "0", "-1"),
		bcase(w2Int(7), "BITCOUNT", "s", "-2", "-1"),
		bcase(w2Int(0), "BITCOUNT", "s", "-1", "-2"),
		bcase(w2Int(26), "BITCOUNT", "s", "-100", "-1"),
		bcase(w2Int(4), "BITCOUNT", "s", "5", "100"),
		bcase(w2Int(26), "BITCOUNT", "s", "0", "1000"),
		bcase(w2Int(26), "BITCOUNT", "s", "0", "4294967296"),
		bcase(w2Int(26), "BITCOUNT", "s", "0", "-1", "bit"),
		bcase(w2Int(17), "BITCOUNT", "s", "5", "30", "bit"),
		bcase(w2Int(5), "BITCOUNT", "s", "-10", "-1", "bit"),
		bcase(w2Int(1), "BITCOUNT", "s", "1", "1", "BIT"),
		bcase(w2Int(0), "BITCOUNT", "s", "1", "0", "byte"),
		bcase(w2Int(26), "BITCOUNT", "s", "0", "47", "bit"),
		bcase(w2Int(0), "BITCOUNT", "s", "47", "47", "bit"),
		bcase(w2Int(0), "BITCOUNT", "missing"),
		bcase(w2Int(0), "BITCOUNT", "missing", "0", "-1"),
		bcase(w2NotInt, "BITCOUNT", "s", "a", "b"),
		bcase(w2NotInt, "BITCOUNT", "s", "0", "9223372036854775808"),
		bcase(w2Syntax, "BITCOUNT", "s", "0"),
		bcase(w2Syntax, "BITCOUNT", "s", "0", "1", "hello"),
		bcase(w2Syntax, "BITCOUNT", "s", "0", "1", "bit", "x"),
		bcase74(w2Syntax, "BITCOUNT", "missing", "0"),
		bcase74(w2Syntax, "BITCOUNT", "missing", "0", "1", "x"),
		bcase74(w2NotInt, "BITCOUNT", "l", "a", "b"),
		bcase(w2WrongTy, "BITCOUNT", "l", "0", "1"),
		bcase(w2WrongTy, "BITCOUNT", "l"),
		bcase(w2OK, "SET", "e", ""),
		bcase(w2Int(0), "BITCOUNT", "e"),
		bcase(w2Int(0), "BITCOUNT", "e", "0", "-1", "bit"),
		bcase(w2OK, "SET", "str", "ab"),
		bcase(w2Int(3), "BITCOUNT", "str", "1", "-1"),
		bcase(w2OK, "SET", "str", "__PPxxxxxxxxxxxxxxxxRR__"),
		bcase(w2Int(74), "BITCOUNT", "str", "2", "-3"),
		bcase(w2Int(94), "BITCOUNT", "str", "3", "-4", "bit"),
		bcase(w2Err("ERR wrong number of arguments for 'bitcount' command"), "BITCOUNT"),
	},
}}

func TestBitCount_Replies(t *testing.T) { runBitsGroups(t, bitCountGroups) }

var bitPosGroups = []bitsGroup{{
	name:  "BitPos",
	lists: []string{"l"},
	cases: []bitsCase{
		bcase(w2OK, "SET", "str", "\xff\xff\xff"),
		bcase(w2Int(24), "BITPOS", "str", "0"),
		bcase(w2Int(24), "BITPOS", "str", "0", "0"),
		bcase(w2Int(-1), "BITPOS", "str", "0", "0", "-1"),
		bcase(w2Int(-1), "BITPOS", "str", "0", "0", "-1", "bit"),
		bcase(w2Int(0), "BITPOS", "str", "1"),
		bcase(w2Int(-1), "BITPOS", "str", "0", "5"),
		bcase(w2Int(24), "BITPOS", "str", "0", "-1"),
		bcase(w2Int(-1), "BITPOS", "str", "0", "3"),
		bcase(w2OK, "SET", "e", ""),
		bcase(w2Int(-1), "BITPOS", "e", "0"),
		bcase(w2Int(-1), "BITPOS", "e", "1"),
		bcase(w2Int(-1), "BITPOS", "e", "0", "0"),
		bcase(w2Int(-1), "BITPOS", "e", "0", "0", "-1"),
		bcase(w2Int(0), "BITPOS", "missing", "0"),
		bcase(w2Int(-1), "BITPOS", "missing", "1"),
		bcase(w2Int(0), "BITPOS", "missing", "0", "5", "10", "bit"),
		bcase(w2Int(-1), "BITPOS", "missing", "1", "0", "-1"),
		bcase(w2Int(0), "BITPOS", "missing", "0", "0", "-1", "bit"),
		bcase(w2BitArg, "BITPOS", "missing", "2"),
		bcase(w2NotInt, "BITPOS", "missing", "x"),
		bcase74(w2NotInt, "BITPOS", "missing", "0", "x"),
		bcase74(w2Syntax, "BITPOS", "missing", "0", "1", "2", "bad"),
		bcase74(w2Syntax, "BITPOS", "missing", "0", "1", "2", "bit", "extra"),
		bcase(w2Syntax, "BITPOS", "str", "0", "1", "2", "bit", "extra"),
		bcase(w2BitArg, "BITPOS", "str", "2"),
		bcase(w2BitArg, "BITPOS", "str", "-1"),
		bcase(w2Syntax, "BITPOS", "str", "1", "0", "1", "bad"),
		bcase(w2NotInt, "BITPOS", "str", "1", "a", "1", "bad"),
		bcase(w2Syntax, "BITPOS", "str", "1", "1", "a", "bad"),
		bcase(w2NotInt, "BITPOS", "str", "1", "1", "a", "bit"),
		bcase(w2BitArg, "BITPOS", "l", "5"),
		bcase74(w2NotInt, "BITPOS", "l", "1", "x"),
		bcase(w2WrongTy, "BITPOS", "l", "0"),
		bcase(w2WrongTy, "BITPOS", "l", "1", "10", "100"),
		bcase(w2OK, "SET", "z", "\x00\xff\x00"),
		bcase(w2Int(8), "BITPOS", "z", "1", "-3", "-2"),
		bcase(w2Int(-1), "BITPOS", "z", "0", "10", "12", "bit"),
		bcase(w2Int(-1), "BITPOS", "z", "0", "9", "15", "bit"),
		bcase(w2Int(16), "BITPOS", "z", "0", "9", "16", "bit"),
		bcase(w2Int(-1), "BITPOS", "z", "1", "2", "1"),
		bcase(w2Int(-1), "BITPOS", "z", "0", "2", "1"),
		bcase(w2Int(-1), "BITPOS", "z", "0", "8", "8", "bit"),
		bcase(w2Int(-1), "BITPOS", "z", "0", "1", "1"),
		bcase(w2Int(16), "BITPOS", "z", "0", "1"),
		bcase(w2Int(8), "BITPOS", "z", "1", "1"),
		bcase(w2Int(0), "BITPOS", "z", "0", "-100", "-50"),
		bcase(w2Int(8), "BITPOS", "z", "1", "-100", "100"),
		bcase(w2Int(-1), "BITPOS", "z", "1", "23", "23", "bit"),
		bcase(w2Int(23), "BITPOS", "z", "0", "23", "23", "bit"),
		bcase(w2Int(23), "BITPOS", "z", "0", "23", "100", "bit"),
		bcase(w2Int(15), "BITPOS", "z", "1", "-9", "-1", "bit"),
		bcase(w2Int(8), "BITPOS", "z", "1", "-17", "-9", "bit"),
		bcase(w2Int(-1), "BITPOS", "z", "1", "3", "4", "bit"),
		bcase(w2Int(-1), "BITPOS", "z", "0", "-1", "-3", "bit"),
		bcase(w2Int(0), "BITPOS", "z", "0", "0", "-1"),
		bcase(w2Int(16), "BITPOS", "z", "0", "2", "200"),
		bcase(w2Int(8), "BITPOS", "z", "1", "1", "1"),
		bcase(w2OK, "SET", "u", "\xff\xf0\x00"),
		bcase(w2Int(12), "BITPOS", "u", "0"),
		bcase(w2Int(12), "BITPOS", "u", "0", "0", "-1", "bit"),
		bcase(w2Int(12), "BITPOS", "u", "0", "1"),
		bcase(w2Int(12), "BITPOS", "u", "0", "1", "-1", "bit"),
		bcase(w2OK, "SET", "v", "\x00\x0f\xff"),
		bcase(w2Int(12), "BITPOS", "v", "1", "1"),
		bcase(w2Int(12), "BITPOS", "v", "1", "1", "-1", "bit"),
		// a prefix, three whole words, then the first zero bit
		bcase(w2OK, "SET", "w", strings.Repeat("\xff", 27)+"\x0f"),
		bcase(w2Int(216), "BITPOS", "w", "0"),
		bcase(w2Int(216), "BITPOS", "w", "0", "5"),
		bcase(w2Int(216), "BITPOS", "w", "0", "65", "-1", "bit"),
		bcase(w2Int(-1), "BITPOS", "w", "0", "0", "26"),
		bcase(w2Int(216), "BITPOS", "w", "0", "0", "27"),
		bcase(w2OK, "SET", "x", strings.Repeat("\x00", 27)+"\xf0"),
		bcase(w2Int(216), "BITPOS", "x", "1"),
		bcase(w2Int(216), "BITPOS", "x", "1", "9", "-1", "bit"),
		bcase(w2Int(-1), "BITPOS", "x", "1", "0", "215", "bit"),
		bcase(w2Err("ERR wrong number of arguments for 'bitpos' command"), "BITPOS", "x"),
	},
}}

func TestBitPos_Replies(t *testing.T) { runBitsGroups(t, bitPosGroups) }

// bitOpModel is a plain model of BITOP.
func bitOpModel(op string, vals ...string) string {
	n := 0
	for _, v := range vals {
		n = max(n, len(v))
	}
	out := make([]byte, n)
	for i := range out {
		at := func(v string) byte {
			if i < len(v) {
				return v[i]
			}
			return 0
		}
		b := at(vals[0])
		for _, v := range vals[1:] {
			switch op {
			case "AND":
				b &= at(v)
			case "OR":
				b |= at(v)
			case "XOR":
				b ^= at(v)
			}
		}
		if op == "NOT" {
			b = ^b
		}
		out[i] = b
	}
	return string(out)
}

var (
	longA = strings.Repeat("\x5a\xf0\x0f\x33", 12)
	longB = strings.Repeat("\x96\x01", 25)
	longC = strings.Repeat("\xff\x10\x77", 11)
)

var bitOpGroups = []bitsGroup{{
	name:  "BitOp",
	lists: []string{"l"},
	cases: []bitsCase{
		bcase(w2OK, "SET", "a", "foo"),
		bcase(w2OK, "SET", "b", "barbaz"),
		bcase(w2Int(6), "BITOP", "AND", "d", "a", "b"),
		bcase(w2Bulk("bab\x00\x00\x00"), "GET", "d"),
		bcase(w2Int(6), "BITOP", "OR", "d", "a", "b"),
		bcase(w2Bulk("fo\x7fbaz"), "GET", "d"),
		bcase(w2Int(6), "BITOP", "XOR", "d", "a", "b"),
		bcase(w2Bulk("\x04\x0e\x1dbaz"), "GET", "d"),
		bcase(w2Int(3), "BITOP", "NOT", "d", "a"),
		bcase(w2Bulk("\x99\x90\x90"), "GET", "d"),
		bcase(w2Err("ERR BITOP NOT must be called with a single source key."), "BITOP", "NOT", "d", "a", "b"),
		bcase(w2Err("ERR BITOP NOT must be called with a single source key."), "BITOP", "not", "d", "a", "a"),
		bcase(w2Err("ERR wrong number of arguments for 'bitop' command"), "BITOP", "NOT", "d"),
		bcase(w2Err("ERR wrong number of arguments for 'bitop' command"), "BITOP", "FOO", "d"),
		bcase(w2Syntax, "BITOP", "FOO", "d", "a"),
		bcase(w2Syntax, "BITOP", "ANDX", "d", "a"),
		bcase(w2Int(0), "BITOP", "AND", "d", "missing"),
		bcase(w2Int(0), "EXISTS", "d"),
		bcase(w2OK, "SET", "d", "x"),
		bcase(w2Int(0), "BITOP", "OR", "d", "m1", "m2"),
		bcase(w2Int(0), "EXISTS", "d"),
		bcase(w2WrongTy, "BITOP", "AND", "d", "a", "l"),
		bcase(w2WrongTy, "BITOP", "AND", "d", "l", "missing"),
		bcase(w2Int(0), "EXISTS", "d"),
		bcase(w2Int(3), "BITOP", "AND", "l", "a"),
		bcase("+string\r\n", "TYPE", "l"),
		bcase(w2Bulk("foo"), "GET", "l"),
		bcase(w2OK, "SET", "e", ""),
		bcase(w2Int(0), "BITOP", "OR", "d3", "e"),
		bcase(w2Int(0), "EXISTS", "d3"),
		bcase(w2Int(3), "BITOP", "nOt", "d4", "a"),
		bcase(w2OK, "SET", "t", "v", "EX", "100"),
		bcase(w2Int(3), "BITOP", "OR", "t", "a"),
		bcase(w2Int(-1), "TTL", "t"),
		bcase(w2OK, "SET", "s", "\xaa\x00\xff\x55"),
		bcase(w2Int(4), "BITOP", "NOT", "s", "s"),
		bcase(w2Bulk("\x55\xff\x00\xaa"), "GET", "s"),
		bcase(w2OK, "SET", "i1", "1"),
		bcase(w2OK, "SET", "i2", "2"),
		bcase(w2Int(1), "BITOP", "XOR", "dest", "i1", "i2", "i1"),
		bcase(w2Bulk("2"), "GET", "dest"),
		bcase(w2OK, "SET", "z", strings.Repeat("\x00", 32)),
		bcase(w2Int(32), "BITOP", "OR", "x", "z", "missing"),
		bcase(w2OK, "SET", "p", "\x01\x02\xff\xff"),
		bcase(w2OK, "SET", "q", "\x01\x02\xff"),
		bcase(w2Int(4), "BITOP", "AND", "r", "p", "q"),
		bcase(w2Bulk("\x01\x02\xff\x00"), "GET", "r"),
		bcase(w2OK, "SET", "la", longA),
		bcase(w2OK, "SET", "lb", longB),
		bcase(w2OK, "SET", "lc", longC),
		bcase(w2Int(50), "BITOP", "AND", "r", "la", "lb", "lc"),
		bcase(w2Bulk(bitOpModel("AND", longA, longB, longC)), "GET", "r"),
		bcase(w2Int(50), "BITOP", "OR", "r", "la", "lb", "lc"),
		bcase(w2Bulk(bitOpModel("OR", longA, longB, longC)), "GET", "r"),
		bcase(w2Int(50), "BITOP", "XOR", "r", "la", "lb", "lc", "missing", "la"),
		bcase(w2Bulk(bitOpModel("XOR", longA, longB, longC, "", longA)), "GET", "r"),
		bcase(w2Int(48), "BITOP", "NOT", "r", "la"),
		bcase(w2Bulk(bitOpModel("NOT", longA)), "GET", "r"),
	},
}}

func TestBitOp_Replies(t *testing.T) { runBitsGroups(t, bitOpGroups) }

var bitFieldGroups = []bitsGroup{{
	name:  "BitFieldOverflow",
	lists: []string{"l"},
	cases: []bitsCase{
		bcase(w2Arr(w2Int(0), w2Int(100), w2Int(-56), w2Int(44), w2Nil, w2Int(2), w2Int(2)),
			"BITFIELD", "bf", "set", "i8", "0", "100", "get", "i8", "0", "incrby", "i8", "0", "100",
			"overflow", "sat", "incrby", "i8", "0", "100", "overflow", "fail", "incrby", "i8", "0", "100",
			"get", "u4", "0", "get", "i4", "0"),
		bcase("*0\r\n", "BITFIELD", "bf"),
		bcase(w2Int(1), "EXISTS", "bf"),
		bcase("*0\r\n", "BITFIELD", "nf"),
		bcase(w2Arr(w2Int(0)), "BITFIELD", "nf", "get", "u8", "0"),
		bcase(w2Int(0), "EXISTS", "nf"),
		bcase(w2Arr(w2Nil), "BITFIELD", "m", "overflow", "fail", "set", "u8", "0", "300"),
		bcase(w2Int(1), "EXISTS", "m"),
		bcase(w2Int(1), "STRLEN", "m"),
		bcase(w2Arr(w2Int(0)), "BITFIELD", "m", "OVERFLOW", "FAIL", "SET", "u8", "0", "255"),
		bcase(w2Arr(w2Int(255), w2Int(44), w2Int(44), w2Int(255), w2Int(255), w2Int(255), w2Int(255), w2Int(251)),
			"BITFIELD", "m", "set", "u8", "0", "300", "get", "u8", "0", "overflow", "sat", "set", "u8", "0", "300",
			"get", "u8", "0", "set", "u8", "0", "-5", "get", "u8", "0", "overflow", "wrap", "set", "u8", "0", "-5",
			"get", "u8", "0"),
		bcase(w2Arr(w2Int(-5), w2Int(-56), w2Int(-56), w2Int(127), w2Int(127), w2Int(-128), w2Nil),
			"BITFIELD", "m", "set", "i8", "0", "200", "get", "i8", "0", "overflow", "sat", "set", "i8", "0", "200",
			"get", "i8", "0", "set", "i8", "0", "-200", "get", "i8", "0", "overflow", "fail", "set", "i8", "0", "-129"),
		bcase(w2Arr(w2Int(-9223372036854775808), w2Int(-9223372036854775808), w2Int(-9223372036854775808), w2Int(-9223372036854775808), w2Nil),
			"BITFIELD", "m", "overflow", "wrap", "set", "i64", "0", "9223372036854775807", "incrby", "i64", "0", "1",
			"overflow", "sat", "incrby", "i64", "0", "-1", "incrby", "i64", "0", "-9223372036854775808",
			"overflow", "fail", "incrby", "i64", "0", "-1"),
		bcase(w2Arr(w2Int(4611686018427387904), w2Int(0), w2Int(0), w2Int(0), w2Int(5), w2Int(5)),
			"BITFIELD", "m", "overflow", "wrap", "set", "u63", "0", "9223372036854775807", "incrby", "u63", "0", "1",
			"overflow", "sat", "incrby", "u63", "0", "-1", "incrby", "u63", "0", "-9223372036854775808",
			"overflow", "fail", "incrby", "u63", "0", "5", "overflow", "sat", "set", "u63", "0", "-1"),
		bcase(w2Arr(w2Int(-1), w2Int(-1), w2Int(1), w2Int(-1), w2Int(-1), w2Int(-1), w2Int(0)),
			"BITFIELD", "m", "set", "i1", "0", "1", "get", "i1", "0", "get", "u1", "0", "set", "i1", "0", "-1",
			"get", "i1", "0", "overflow", "sat", "incrby", "i1", "0", "-5", "incrby", "i1", "0", "5"),
		// SAT quirk: values just above the int64 minimum saturate upwards
		bcase(w2Arr(w2Int(0), w2Int(127), w2Int(127), w2Int(127), w2Int(127), w2Int(-128), w2Int(-128), w2Int(0)),
			"BITFIELD", "q", "overflow", "sat", "set", "i8", "0", "-9223372036854775808", "get", "i8", "0",
			"set", "i8", "0", "-9223372036854775681", "get", "i8", "0", "set", "i8", "0", "-9223372036854775680",
			"get", "i8", "0", "overflow", "wrap", "set", "i8", "0", "-9223372036854775808", "get", "i8", "0"),
		bcase(w2Arr(w2Int(0), w2Int(-9223372036854775808), w2Int(-9223372036854775808), w2Int(9223372036854775807), w2Int(-1), w2Int(-1)),
			"BITFIELD", "q", "overflow", "sat", "set", "i64", "0", "-9223372036854775808", "incrby", "i64", "0", "-1",
			"set", "i64", "0", "9223372036854775807", "incrby", "i64", "0", "1", "incrby", "i64", "0", "-9223372036854775808",
			"get", "i64", "0"),
		bcase(w2Arr(w2Int(255), w2Int(0), w2Int(255), w2Int(254), w2Int(254)),
			"BITFIELD", "q", "overflow", "sat", "set", "u8", "0", "0", "incrby", "u8", "0", "-9223372036854775808",
			"incrby", "u8", "0", "9223372036854775807", "overflow", "wrap", "incrby", "u8", "0", "9223372036854775807",
			"incrby", "u8", "0", "-9223372036854775808"),
		bcase(w2Arr(w2Int(-1), w2Int(-1), w2Int(5), w2Int(65029), w2Int(1)),
			"BITFIELD", "q", "get", "i8", "#1", "set", "i8", "#1", "5", "get", "u8", "8", "get", "u16", "#0",
			"incrby", "u2", "#3", "7"),
		bcase(w2Arr(w2Int(1)), "BITFIELD", "q", "get", "u1", "#5"),
		// WRAP keeps only the field's bits of the sum
		bcase(w2Arr(w2Int(0), w2Int(0)), "BITFIELD", "w", "INCRBY", "i56", "1", "-9223372036854775808", "GET", "i56", "1"),
		bcase(w2WrongTy, "BITFIELD", "l", "get", "u8", "0"),
		bcase(w2WrongTy, "BITFIELD", "l", "set", "u8", "0", "1"),
		bcase(w2WrongTy, "BITFIELD", "l"),
	},
}, {
	name: "BitFieldErrors",
	cases: []bitsCase{
		bcase(w2OK, "SET", "bf", "abc"),
		bcase(w2BFType, "BITFIELD", "bf", "get", "u64", "0"),
		bcase(w2BFType, "BITFIELD", "bf", "get", "i65", "0"),
		bcase(w2BFType, "BITFIELD", "bf", "get", "i0", "0"),
		bcase(w2BFType, "BITFIELD", "bf", "get", "x8", "0"),
		bcase(w2BFType, "BITFIELD", "bf", "get", "", "0"),
		bcase(w2BFType, "BITFIELD", "bf", "get", "u08", "0"),
		bcase(w2BFType, "BITFIELD", "bf", "get", "I8", "0"),
		bcase(w2Arr(w2Int(3508640010523901952)), "BITFIELD", "bf", "get", "u63", "0"),
		bcase(w2Arr(w2Int(7017280021047803904)), "BITFIELD", "bf", "get", "i64", "0"),
		bcase(w2BitOff, "BITFIELD", "bf", "get", "u8", "-1"),
		bcase(w2BitOff, "BITFIELD", "bf", "get", "u8", "4294967296"),
		bcase(w2Arr(w2Int(0)), "BITFIELD", "bf", "get", "u8", "4294967295"),
		bcase(w2Arr(w2Int(99)), "BITFIELD", "bf", "get", "u8", "#2"),
		bcase(w2BitOff, "BITFIELD", "bf", "get", "u8", "#-1"),
		bcase(w2BitOff, "BITFIELD", "bf", "get", "u8", "#536870912"),
		bcase(w2Arr(w2Int(0)), "BITFIELD", "bf", "get", "u8", "#536870911"),
		bcase(w2BitOff, "BITFIELD", "bf", "get", "i8", "#9223372036854775807"),
		bcase(w2BitOff, "BITFIELD", "bf", "get", "i8", "#1152921504606846977"),
		bcase(w2BitOff, "BITFIELD", "bf", "get", "i8", "#"),
		bcase(w2BitOff, "BITFIELD", "bf", "get", "i8", "#+1"),
		bcase(w2BitOff, "BITFIELD", "bf", "get", "i8", "##1"),
		bcase(w2BitOff, "BITFIELD", "bf", "get", "i8", "1#"),
		bcase(w2BFOver, "BITFIELD", "bf", "overflow", "foo"),
		bcase(w2Syntax, "BITFIELD", "bf", "overflow"),
		bcase(w2Syntax, "BITFIELD", "bf", "get", "u8"),
		bcase(w2Syntax, "BITFIELD", "bf", "set", "u8", "0"),
		bcase(w2Syntax, "BITFIELD", "bf", "foo"),
		bcase(w2NotInt, "BITFIELD", "bf", "set", "u8", "0", "x"),
		bcase(w2Syntax, "BITFIELD", "bf", "set", "u8", "0", "1", "get"),
		bcase(w2BFType, "BITFIELD", "bf", "get", "u8", "0", "set", "x8", "0", "1"),
		bcase(w2BFOver, "BITFIELD", "bf", "overflow", "wrap", "get", "u8", "0", "overflow", "bad"),
		bcase(w2Bulk("abc"), "GET", "bf"),
		bcase(w2Err("ERR wrong number of arguments for 'bitfield' command"), "BITFIELD"),
	},
}, {
	name:  "BitFieldRO",
	lists: []string{"l"},
	cases: []bitsCase{
		bcase(w2WrongTy, "BITFIELD_RO", "l", "get", "u8", "0"),
		bcase(w2BFRO, "BITFIELD_RO", "l", "set", "u8", "0", "1"),
		bcase(w2BFRO, "BITFIELD_RO", "nf", "set", "u8", "0", "1"),
		bcase(w2BFRO, "BITFIELD_RO", "nf", "get", "u8", "0", "incrby", "u8", "0", "1"),
		bcase("*0\r\n", "BITFIELD_RO", "nf"),
		bcase(w2Arr(w2Int(0)), "BITFIELD_RO", "nf", "get", "u8", "0", "overflow", "sat"),
		bcase(w2BFOver, "BITFIELD_RO", "nf", "overflow", "foo"),
		bcase(w2Syntax, "BITFIELD_RO", "nf", "get", "u8", "0", "foo"),
		bcase(w2NotInt, "BITFIELD_RO", "nf", "set", "u8", "0", "x"),
		bcase(w2OK, "SET", "s", "\x81\x7f"),
		bcase(w2Arr(w2Int(-127), w2Int(2), w2Int(-129), w2Int(383)), "BITFIELD_RO", "s", "GET", "i8", "0", "GET", "u2", "7", "GET", "i9", "7", "GET", "u9", "7"),
		bcase(w2Int(0), "EXISTS", "nf"),
		bcase(w2Err("ERR wrong number of arguments for 'bitfield_ro' command"), "BITFIELD_RO"),
	},
}, {
	name:  "BitFieldRESP3",
	proto: 3,
	cases: []bitsCase{
		bcase("*2\r\n:0\r\n_\r\n", "BITFIELD", "k", "SET", "u2", "0", "1", "OVERFLOW", "FAIL", "INCRBY", "u2", "0", "9"),
	},
}}

func TestBitField_Replies(t *testing.T) { runBitsGroups(t, bitFieldGroups) }

// TestBitField_WritesBeyondTheOffsetLimit: only a field's first bit is
// checked against proto-max-bulk-len; its end may reach past it.
func TestBitField_WritesBeyondTheOffsetLimit(t *testing.T) {
	s, err := Open(&Options{ProtoMaxBulkLen: 1 << 20})
	require.NoError(t, err)
	t.Cleanup(func() { s.Close() })
	sess := s.NewSession()
	last := strconv.Itoa(8<<20 - 1)
	assert.Equal(t, w2Int(0), do(t, sess, "SETBIT", "big", last, "1"))
	assert.Equal(t, w2BitOff, do(t, sess, "SETBIT", "big", strconv.Itoa(8<<20), "1"))
	assert.Equal(t, w2BitOff, do(t, sess, "GETBIT", "big", strconv.Itoa(8<<20)))
	assert.Equal(t, w2Arr(w2Int(1)), do(t, sess, "BITFIELD", "big", "get", "u8", strconv.Itoa(8<<20-8)))
	assert.Equal(t, w2Arr(w2Int(2)), do(t, sess, "BITFIELD", "big", "get", "u8", strconv.Itoa(8<<20-7)))
	assert.Equal(t, w2Arr(w2Int(2)), do(t, sess, "BITFIELD", "big", "set", "u8", strconv.Itoa(8<<20-7), "255"))
	assert.Equal(t, w2Int(1<<20+1), do(t, sess, "STRLEN", "big"))
}

func TestSetBit_TypedAPI(t *testing.T) {
	s, _ := openTest(t)
	old, err := s.SetBit("k", 7, 1)
	require.NoError(t, err)
	assert.Equal(t, 0, old)
	old, err = s.SetBit("k", 7, 1)
	require.NoError(t, err)
	assert.Equal(t, 1, old)
	v, err := s.Get("k")
	require.NoError(t, err)
	assert.Equal(t, "\x01", v)
	b, err := s.GetBit("k", 7)
	require.NoError(t, err)
	assert.Equal(t, 1, b)
	b, err = s.GetBit("nokey", 1000)
	require.NoError(t, err)
	assert.Equal(t, 0, b)

	_, err = s.SetBit("k", 1<<32, 1)
	assert.True(t, errors.Is(err, ErrBitOffset))
	_, err = s.SetBit("k", -1, 1)
	assert.True(t, errors.Is(err, ErrBitOffset))
	_, err = s.GetBit("k", 1<<32)
	assert.True(t, errors.Is(err, ErrBitOffset))
	_, err = s.SetBit("k", 0, 2)
	assert.EqualError(t, err, "ERR bit is not an integer or out of range")

	bitsPutList(t, s, "l")
	_, err = s.SetBit("l", 0, 1)
	assert.True(t, errors.Is(err, ErrWrongType))
	_, err = s.GetBit("l", 0)
	assert.True(t, errors.Is(err, ErrWrongType))

	// the command path answers the same
	val, err := s.Do(bg, "SETBIT", "k", 0, 1)
	require.NoError(t, err)
	assert.Equal(t, resp.IntValue(0), val)
	_, err = s.Do(bg, "SETBIT", "k", 0, 7)
	assert.EqualError(t, err, "ERR bit is not an integer or out of range")
	_, err = s.Do(bg, "GETBIT", "l", 0)
	assert.True(t, errors.Is(err, ErrWrongType))
	_, err = s.Do(bg, "GETBIT", "k", -5)
	assert.True(t, errors.Is(err, ErrBitOffset))
}

func TestBitCount_NegativeRange(t *testing.T) {
	s, _ := openTest(t)
	_, err := s.Set("s", "foobar", nil)
	require.NoError(t, err)
	cases := []struct {
		args *BitCountArgs
		want int64
	}{
		{nil, 26},
		{&BitCountArgs{Start: 0, End: 0}, 4},
		{&BitCountArgs{Start: -2, End: -1}, 7},
		{&BitCountArgs{Start: -1, End: -2}, 0},
		{&BitCountArgs{Start: -100, End: -1}, 26},
		{&BitCountArgs{Start: 5, End: 30, Bit: true}, 17},
		{&BitCountArgs{Start: -10, End: -1, Bit: true}, 5},
		{&BitCountArgs{Start: 47, End: 47, Bit: true}, 0},
	}
	for _, c := range cases {
		n, err := s.BitCount("s", c.args)
		require.NoError(t, err)
		assert.Equal(t, c.want, n, "%+v", c.args)
	}
	n, err := s.BitCount("missing", &BitCountArgs{Start: 0, End: -1})
	require.NoError(t, err)
	assert.Equal(t, int64(0), n)
	bitsPutList(t, s, "l")
	_, err = s.BitCount("l", nil)
	assert.True(t, errors.Is(err, ErrWrongType))

	v, err := s.Do(bg, "BITCOUNT", "s", -10, -1, "BIT")
	require.NoError(t, err)
	assert.Equal(t, resp.IntValue(5), v)
	_, err = s.Do(bg, "BITCOUNT", "missing", 0)
	assert.True(t, errors.Is(err, ErrSyntax))
}

func TestBitPos_ZeroInAllOnes(t *testing.T) {
	s, _ := openTest(t)
	_, err := s.Set("str", "\xff\xff\xff", nil)
	require.NoError(t, err)
	end := int64(-1)
	cases := []struct {
		bit  int
		args *BitPosArgs
		want int64
	}{
		{0, nil, 24},                               // zero padding past the end
		{0, &BitPosArgs{Start: 0}, 24},             // still no end given
		{0, &BitPosArgs{Start: 0, End: &end}, -1},  // an explicit end: none
		{0, &BitPosArgs{End: &end, Bit: true}, -1}, // likewise in bits
		{1, &BitPosArgs{Start: 9, End: &end, Bit: true}, 9},
		{0, &BitPosArgs{Start: 5}, -1}, // start past the end
	}
	for _, c := range cases {
		n, err := s.BitPos("str", c.bit, c.args)
		require.NoError(t, err)
		assert.Equal(t, c.want, n, "bit %d %+v", c.bit, c.args)
	}
	n, err := s.BitPos("missing", 0, nil)
	require.NoError(t, err)
	assert.Equal(t, int64(0), n)
	n, err = s.BitPos("missing", 1, nil)
	require.NoError(t, err)
	assert.Equal(t, int64(-1), n)
	_, err = s.BitPos("str", 2, nil)
	assert.EqualError(t, err, "ERR The bit argument must be 1 or 0.")
	_, err = s.BitPos("str", 0, &BitPosArgs{Bit: true})
	assert.True(t, errors.Is(err, ErrSyntax))

	v, err := s.Do(bg, "BITPOS", "str", 0, 0, -1)
	require.NoError(t, err)
	assert.Equal(t, resp.IntValue(-1), v)
	v, err = s.Do(bg, "BITPOS", "str", 0)
	require.NoError(t, err)
	assert.Equal(t, resp.IntValue(24), v)
}

// TestBitCountBitPos_RandomModel compares BITCOUNT and BITPOS with a
// bit-by-bit model on random strings and ranges, in both units.
func TestBitCountBitPos_RandomModel(t *testing.T) {
	seed := uint64(time.Now().UnixNano())
	t.Logf("seed %d", seed)
	r := rand.New(rand.NewPCG(seed, 7))
	s, _ := openTest(t)
	sess := s.NewSession()
	modelRange := func(n int, start, end int64, isBit, hasEnd bool) (int64, int64, bool) {
		total := int64(n)
		if !hasEnd {
			end = total - 1
		}
		if isBit {
			total *= 8
		}
		if start < 0 {
			start += total
		}
		if end < 0 {
			end += total
		}
		start, end = max(start, 0), max(end, 0)
		end = min(end, total-1)
		if start > end {
			return 0, 0, false
		}
		if !isBit {
			return start * 8, end*8 + 7, true
		}
		return start, end, true
	}
	bitOf := func(v string, p int64) int { return int(v[p/8]>>(7-p%8)) & 1 }
	for iter := 0; iter < 3000; iter++ {
		n := r.IntN(40)
		b := make([]byte, n)
		fill := []byte{0x00, 0xff}[r.IntN(2)]
		for i := range b {
			b[i] = fill
			if r.IntN(6) == 0 {
				b[i] = byte(r.UintN(256))
			}
		}
		v := string(b)
		do(t, sess, "SET", "k", v)
		span := int64(n*8 + 10)
		start, end := r.Int64N(2*span)-span, r.Int64N(2*span)-span
		isBit := r.IntN(2) == 0
		unit := "BYTE"
		if isBit {
			unit = "BIT"
		}
		// BITCOUNT
		var want int64
		if !(start < 0 && end < 0 && start > end) {
			if f, l, ok := modelRange(n, start, end, isBit, true); ok {
				for p := f; p <= l; p++ {
					want += int64(bitOf(v, p))
				}
			}
		}
		got := do(t, sess, "BITCOUNT", "k", itoa(start), itoa(end), unit)
		require.Equal(t, w2Int(want), got, "BITCOUNT %q %d %d %s", v, start, end, unit)
		// BITPOS, with and without an end
		bit := r.IntN(2)
		hasEnd := r.IntN(3) != 0
		if !hasEnd {
			isBit, unit = false, "BYTE"
		}
		want = -1
		if f, l, ok := modelRange(n, start, end, isBit, hasEnd); ok {
			for p := f; p <= l; p++ {
				if bitOf(v, p) == bit {
					want = p
					break
				}
			}
			if want == -1 && bit == 0 && !hasEnd {
				want = l + 1
			}
		}
		args := []string{"BITPOS", "k", strconv.Itoa(bit), itoa(start)}
		if hasEnd {
			args = append(args, itoa(end), unit)
		}
		require.Equal(t, w2Int(want), do(t, sess, args...), "%q %q", args, v)
	}
}

func TestBitOp_TypedAPI(t *testing.T) {
	s, _ := openTest(t)
	require.NoError(t, s.MSet("a", "foo", "b", "barbaz"))
	n, err := s.BitOp(BitXor, "d", "a", "b")
	require.NoError(t, err)
	assert.Equal(t, int64(6), n)
	v, _ := s.Get("d")
	assert.Equal(t, "\x04\x0e\x1dbaz", v)
	n, err = s.BitOp(BitNot, "d", "a")
	require.NoError(t, err)
	assert.Equal(t, int64(3), n)
	v, _ = s.Get("d")
	assert.Equal(t, "\x99\x90\x90", v)
	_, err = s.BitOp(BitNot, "d", "a", "b")
	assert.EqualError(t, err, "ERR BITOP NOT must be called with a single source key.")
	n, err = s.BitOp(BitAnd, "d", "nothing")
	require.NoError(t, err)
	assert.Equal(t, int64(0), n)
	assert.Equal(t, 0, s.Exists("d"), "an empty result deletes the destination")
	bitsPutList(t, s, "l")
	_, err = s.BitOp(BitOr, "d", "a", "l")
	assert.True(t, errors.Is(err, ErrWrongType))
	assert.Equal(t, "AND", BitAnd.String())

	val, err := s.Do(bg, "BITOP", "or", "d", "a", "b")
	require.NoError(t, err)
	assert.Equal(t, resp.IntValue(6), val)
}

func TestBitField_TypedAPI(t *testing.T) {
	s, _ := openTest(t)
	vals, oks, err := s.BitField("bf",
		BitFieldSet("i8", 0, 100),
		BitFieldGet("i8", 0),
		BitFieldIncrBy("i8", 0, 100),
		BitFieldIncrBy("i8", 0, 100).WithOverflow(BitFieldSat),
		BitFieldIncrBy("i8", 0, 100).WithOverflow(BitFieldFail),
		BitFieldGet("u4", 0),
		BitFieldGet("i4", 0),
	)
	require.NoError(t, err)
	assert.Equal(t, []int64{0, 100, -56, 44, 0, 2, 2}, vals)
	assert.Equal(t, []bool{true, true, true, true, false, true, true}, oks)

	// OVERFLOW applies per operation: a later WRAP op after SAT
	vals, _, err = s.BitField("bf",
		BitFieldSet("u8", 0, 300).WithOverflow(BitFieldSat),
		BitFieldSet("u8", 0, 300),
		BitFieldGet("u8", 0))
	require.NoError(t, err)
	assert.Equal(t, []int64{44, 255, 44}, vals)

	got, err := s.BitFieldRO("bf", BitFieldGet("u8", 0), BitFieldGet("i2", 6))
	require.NoError(t, err)
	assert.Equal(t, []int64{44, 0}, got)
	_, err = s.BitFieldRO("bf", BitFieldSet("u8", 0, 1))
	assert.EqualError(t, err, "ERR BITFIELD_RO only supports the GET subcommand")

	_, _, err = s.BitField("bf", BitFieldGet("u64", 0))
	assert.EqualError(t, err, "ERR Invalid bitfield type. Use something like i16 u8. Note that u64 is not supported but i64 is.")
	_, _, err = s.BitField("bf", BitFieldGet("u8", -1))
	assert.True(t, errors.Is(err, ErrBitOffset))
	_, _, err = s.BitField("bf", BitFieldSet("u8", 0, 1).WithOverflow(9))
	assert.EqualError(t, err, "ERR Invalid OVERFLOW type specified")
	bitsPutList(t, s, "l")
	_, _, err = s.BitField("l", BitFieldGet("u8", 0))
	assert.True(t, errors.Is(err, ErrWrongType))

	v, err := s.Do(bg, "BITFIELD", "bf", "OVERFLOW", "FAIL", "INCRBY", "u8", 0, 300, "GET", "u8", 0)
	require.NoError(t, err)
	assert.Equal(t, resp.ArrayValue(resp.NullBulkValue(), resp.IntValue(44)), v)
}

// bitsRecorder captures journal records and keyspace events.
type bitsRecorder struct {
	mu      sync.Mutex
	records []string
	events  []string
}

func (r *bitsRecorder) journal(recs []keyspace.Record) uint64 {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, rec := range recs {
		r.records = append(r.records, strings.Join(rec.Args, " "))
	}
	return 0
}

func (r *bitsRecorder) notify(evs []keyspace.Event) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, e := range evs {
		if e.Class&keyspace.NotifyKeyMiss == 0 {
			r.events = append(r.events, e.Name+":"+e.Key)
		}
	}
}

// take returns and clears what was recorded.
func (r *bitsRecorder) take() (records, events []string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	records, events = r.records, r.events
	r.records, r.events = nil, nil
	return records, events
}

func openRecorded(t *testing.T) (*Store, *bitsRecorder) {
	s, err := Open(&Options{NotifyKeyspaceEvents: "KEA"})
	require.NoError(t, err)
	t.Cleanup(func() { s.Close() })
	rec := &bitsRecorder{}
	s.Keyspace().SetHooks(&keyspace.Hooks{Journal: rec.journal, Notify: rec.notify})
	return s, rec
}

func TestBits_JournalAndEvents(t *testing.T) {
	s, rec := openRecorded(t)
	sess := s.NewSession()
	step := func(wantRecords, wantEvents []string, args ...string) {
		t.Helper()
		do(t, sess, args...)
		records, events := rec.take()
		assert.Equal(t, wantRecords, records, "records of %q", args)
		assert.Equal(t, wantEvents, events, "events of %q", args)
	}
	none := []string(nil)
	step([]string{"SETBIT k 7 1"}, []string{"setbit:k"}, "SETBIT", "k", "7", "1")
	step(none, none, "SETBIT", "k", "7", "1")                                       // unchanged
	step(none, none, "SETBIT", "k", "0", "0")                                       // unchanged
	step([]string{"SETBIT k 90 0"}, []string{"setbit:k"}, "SETBIT", "k", "90", "0") // grew
	step([]string{"BITFIELD f SET i5 0 0"}, []string{"setbit:f"}, "BITFIELD", "f", "SET", "i5", "0", "0")
	step(none, none, "BITFIELD", "f", "SET", "i5", "0", "0")
	step(none, none, "BITFIELD", "f", "GET", "i5", "0")
	step([]string{"BITFIELD f incrby u2 0 1"}, []string{"setbit:f"}, "BITFIELD", "f", "incrby", "u2", "0", "1")
	step(none, none, "BITFIELD", "f", "incrby", "u2", "0", "4") // wraps to the same value
	// a key created by writes that all failed: journaled, no event
	step([]string{"BITFIELD g OVERFLOW FAIL SET u2 0 9"}, none, "BITFIELD", "g", "OVERFLOW", "FAIL", "SET", "u2", "0", "9")
	step([]string{"BITOP NOT d k"}, []string{"set:d"}, "BITOP", "NOT", "d", "k")
	step([]string{"BITOP AND d nothing"}, []string{"del:d"}, "BITOP", "AND", "d", "nothing")
	step(none, none, "BITOP", "AND", "d", "nothing")

	// typed calls journal the equivalent command
	_, err := s.SetBit("t", 3, 1)
	require.NoError(t, err)
	_, _, err = s.BitField("t", BitFieldIncrBy("u4", 0, 1).WithOverflow(BitFieldSat), BitFieldGet("u4", 0))
	require.NoError(t, err)
	_, err = s.BitOp(BitOr, "u", "t", "k")
	require.NoError(t, err)
	records, events := rec.take()
	assert.Equal(t, []string{
		"SETBIT t 3 1",
		"BITFIELD t OVERFLOW SAT INCRBY u4 0 1 GET u4 0",
		"BITOP OR u t k",
	}, records)
	assert.Equal(t, []string{"setbit:t", "setbit:t", "set:u"}, events)
}

func TestCommandTable_BitAndLCSEntries(t *testing.T) {
	cases := []struct {
		name                     string
		arity, first, last, step int
		flags                    []string
	}{
		{"setbit", 4, 1, 1, 1, []string{"write", "denyoom"}},
		{"getbit", 3, 1, 1, 1, []string{"readonly", "fast"}},
		{"bitcount", -2, 1, 1, 1, []string{"readonly"}},
		{"bitpos", -3, 1, 1, 1, []string{"readonly"}},
		{"bitop", -4, 2, -1, 1, []string{"write", "denyoom"}},
		{"bitfield", -2, 1, 1, 1, []string{"write", "denyoom"}},
		{"bitfield_ro", -2, 1, 1, 1, []string{"readonly", "fast"}},
		{"lcs", -3, 1, 2, 1, []string{"readonly"}},
	}
	for _, c := range cases {
		cmd := LookupCommand(c.name)
		require.NotNil(t, cmd, c.name)
		assert.Equal(t, []int{c.arity, c.first, c.last, c.step}, []int{cmd.Arity, cmd.FirstKey, cmd.LastKey, cmd.Step}, c.name)
		assert.Equal(t, c.flags, cmd.Flags(), c.name)
	}
	assert.Equal(t, []int{2, 3, 4}, LookupCommand("bitop").KeyPositions([][]byte{
		[]byte("BITOP"), []byte("AND"), []byte("d"), []byte("a"), []byte("b")}))
}

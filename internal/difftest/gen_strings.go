package difftest

import (
	"math/rand/v2"
	"strconv"
	"strings"
	"time"
)

// StringCommands returns a Generator for the string family and the generic
// key commands over six keys (k0 … k5): SET with random options (NX, XX,
// GET, EX, PX, EXAT, PXAT, KEEPTTL, in any order and case, and some bad
// ones), GET, GETSET, GETDEL, GETEX, SETNX, APPEND, STRLEN, GETRANGE,
// SETRANGE, INCR, INCRBY, DECR, DECRBY, INCRBYFLOAT, MSET, MSETNX, MGET,
// DEL, EXISTS, TYPE, EXPIRE, PEXPIRE, EXPIREAT, PEXPIREAT (with flags),
// PERSIST, TTL, PTTL, EXPIRETIME, PEXPIRETIME, RENAME, RENAMENX, COPY,
// DBSIZE, KEYS, an occasional RPUSH (so WRONGTYPE comes up), and wrong
// arities. Its Finish compares KEYS *, DBSIZE, and each key's TYPE, GET
// and PTTL.
//
// Timing is kept out of the replies: relative TTLs are 1 000–10 000 s, so
// nothing expires during a run; TTL-reading commands use ModeApprox;
// GT and LT are only used with EXPIREAT/PEXPIREAT, whose absolute times
// (days ahead, far above any relative TTL) compare the same on both
// servers however long the run takes; and SET never gets an EXAT/PXAT in
// the past, since such a key lingers until active expiry reclaims it and
// DBSIZE would depend on when that happens.
func StringCommands() Generator {
	// Absolute times start two midnights ahead, so two generators built a
	// moment apart almost always produce identical commands.
	day := int64(24 * time.Hour / time.Second)
	base := (time.Now().Unix()/day + 2) * day
	return &stringsGen{keys: []string{"k0", "k1", "k2", "k3", "k4", "k5"}, base: base}
}

type stringsGen struct {
	keys []string
	base int64 // unix seconds; absolute expire times are base + k·100 000 s
}

// Tolerances for TTL-reading commands whose TTL was set relative to each
// server's clock. The two servers see each command a few µs apart, so a
// second (or a rounding step) is generous even under -race on a busy box.
const (
	ttlTolerance  = 1
	pttlTolerance = 1000
)

func pick[T any](r *rand.Rand, xs ...T) T { return xs[r.IntN(len(xs))] }

func (g *stringsGen) key(r *rand.Rand) string { return pick(r, g.keys...) }

func (g *stringsGen) keyList(r *rand.Rand, min, max int) []string {
	n := min + r.IntN(max-min+1)
	out := make([]string, n)
	for i := range out {
		out[i] = g.key(r)
	}
	return out
}

func (g *stringsGen) value(r *rand.Rand) string {
	switch r.IntN(12) {
	case 0:
		return ""
	case 1, 2:
		return strconv.Itoa(r.IntN(201) - 100)
	case 3:
		return pick(r, "9223372036854775807", "-9223372036854775808", "9223372036854775806",
			"-9223372036854775807", "007", "-0", "+5", " 5", "12345678901234567890")
	case 4:
		return pick(r, "1.5", "-0.25", "3.0", "1e3", "0.5", "2.5e-1", "10.75", "-7")
	case 5:
		return pick(r, "a\x00b", "\r\n", "tab\there", "ünï", "\xff\xfe", "sp ace")
	}
	w := pick(r, "foo", "bar", "hello", "x", "redis", "embedis")
	if r.IntN(3) == 0 {
		w = strings.Repeat(w, 1+r.IntN(12))
	}
	return w
}

// Relative TTLs: 1 000–9 999 s.
func (g *stringsGen) relSec(r *rand.Rand) string { return strconv.Itoa(1000 * (1 + r.IntN(9))) }
func (g *stringsGen) relMs(r *rand.Rand) string {
	return strconv.Itoa(1_000_000*(1+r.IntN(9)) + r.IntN(1000))
}

// Absolute times: at least a day plus 100 000 s ahead.
func (g *stringsGen) absSec(r *rand.Rand) string {
	return strconv.FormatInt(g.base+100_000*int64(1+r.IntN(9)), 10)
}
func (g *stringsGen) absMs(r *rand.Rand) string {
	return strconv.FormatInt((g.base+100_000*int64(1+r.IntN(9)))*1000+int64(r.IntN(1000)), 10)
}

// maybeLower lower-cases an option keyword now and then: options are
// case-insensitive.
func maybeLower(r *rand.Rand, s string) string {
	if r.IntN(4) == 0 {
		return strings.ToLower(s)
	}
	return s
}

func cmd(args ...string) Command { return Command{Args: args} }

// stringOps is the weighted table the generator draws from.
var stringOps = []struct {
	weight int
	gen    func(g *stringsGen, r *rand.Rand) Command
}{
	{10, (*stringsGen).set},
	{5, func(g *stringsGen, r *rand.Rand) Command { return cmd("GET", g.key(r)) }},
	{2, func(g *stringsGen, r *rand.Rand) Command { return cmd("GETSET", g.key(r), g.value(r)) }},
	{2, func(g *stringsGen, r *rand.Rand) Command { return cmd("GETDEL", g.key(r)) }},
	{3, (*stringsGen).getex},
	{2, func(g *stringsGen, r *rand.Rand) Command { return cmd("SETNX", g.key(r), g.value(r)) }},
	{3, func(g *stringsGen, r *rand.Rand) Command { return cmd("APPEND", g.key(r), g.value(r)) }},
	{2, func(g *stringsGen, r *rand.Rand) Command { return cmd("STRLEN", g.key(r)) }},
	{3, func(g *stringsGen, r *rand.Rand) Command {
		idx := []string{"0", "1", "3", "-1", "-3", "-100", "100", "9223372036854775807", "-9223372036854775808", "abc"}
		return cmd("GETRANGE", g.key(r), pick(r, idx...), pick(r, idx...))
	}},
	{3, func(g *stringsGen, r *rand.Rand) Command {
		v := g.value(r)
		if r.IntN(5) == 0 {
			v = ""
		}
		return cmd("SETRANGE", g.key(r), pick(r, "0", "1", "5", "17", "-1", "abc", "536870912"), v)
	}},
	{3, func(g *stringsGen, r *rand.Rand) Command { return cmd(pick(r, "INCR", "DECR"), g.key(r)) }},
	{3, func(g *stringsGen, r *rand.Rand) Command {
		n := pick(r, strconv.Itoa(r.IntN(2001)-1000), "0", "9223372036854775807", "-9223372036854775808",
			"1.5", "abc", "+1", "")
		return cmd(pick(r, "INCRBY", "DECRBY"), g.key(r), n)
	}},
	{3, func(g *stringsGen, r *rand.Rand) Command {
		// Increments exact in binary, so no rounding question arises
		// beyond what the stored value brings.
		return cmd("INCRBYFLOAT", g.key(r), pick(r, "0.5", "-0.25", "1.75", "10", "-3", "2.5e1", "0", "abc"))
	}},
	{2, func(g *stringsGen, r *rand.Rand) Command { return g.mset(r, "MSET") }},
	{2, func(g *stringsGen, r *rand.Rand) Command { return g.mset(r, "MSETNX") }},
	{2, func(g *stringsGen, r *rand.Rand) Command {
		return cmd(append([]string{"MGET"}, g.keyList(r, 1, 4)...)...)
	}},
	{2, func(g *stringsGen, r *rand.Rand) Command {
		return cmd(append([]string{"DEL"}, g.keyList(r, 1, 3)...)...)
	}},
	{2, func(g *stringsGen, r *rand.Rand) Command {
		return cmd(append([]string{"EXISTS"}, g.keyList(r, 1, 3)...)...)
	}},
	{2, func(g *stringsGen, r *rand.Rand) Command { return cmd("TYPE", g.key(r)) }},
	{4, (*stringsGen).expire},
	{2, func(g *stringsGen, r *rand.Rand) Command { return cmd("PERSIST", g.key(r)) }},
	{4, func(g *stringsGen, r *rand.Rand) Command {
		c := cmd(pick(r, "TTL", "PTTL", "EXPIRETIME", "PEXPIRETIME"), g.key(r))
		c.Mode, c.Tolerance = ModeApprox, ttlTolerance
		if c.Args[0][0] == 'P' {
			c.Tolerance = pttlTolerance
		}
		return c
	}},
	{2, func(g *stringsGen, r *rand.Rand) Command {
		return cmd(pick(r, "RENAME", "RENAMENX"), g.key(r), g.key(r))
	}},
	{2, func(g *stringsGen, r *rand.Rand) Command {
		c := cmd("COPY", g.key(r), g.key(r))
		if r.IntN(3) == 0 {
			c.Args = append(c.Args, maybeLower(r, "REPLACE"))
		}
		return c
	}},
	{1, func(g *stringsGen, r *rand.Rand) Command { return cmd("DBSIZE") }},
	{1, func(g *stringsGen, r *rand.Rand) Command {
		return Command{Args: []string{"KEYS", pick(r, "*", "k[0-2]", "*3", "nomatch*", "k?")}, Mode: ModeSorted}
	}},
	{1, func(g *stringsGen, r *rand.Rand) Command { return cmd("RPUSH", g.key(r), g.value(r)) }},
	{1, func(g *stringsGen, r *rand.Rand) Command {
		k := g.key(r)
		return pick(r, cmd("GET"), cmd("SET", k), cmd("INCRBY", k), cmd("GETRANGE", k, "0"),
			cmd("EXPIRE", k), cmd("MGET"), cmd("COPY", k), cmd("RENAME", k), cmd("GETEX"),
			cmd("SETRANGE", k, "0"), cmd("NOSUCHCMD", k, "x"))
	}},
}

var stringOpsTotal = func() int {
	n := 0
	for _, op := range stringOps {
		n += op.weight
	}
	return n
}()

// Next implements Generator.
func (g *stringsGen) Next(r *rand.Rand) Command {
	n := r.IntN(stringOpsTotal)
	for _, op := range stringOps {
		if n < op.weight {
			return op.gen(g, r)
		}
		n -= op.weight
	}
	panic("unreachable")
}

// Finish implements Finisher.
func (g *stringsGen) Finish() []Command {
	out := []Command{{Args: []string{"KEYS", "*"}, Mode: ModeSorted}, cmd("DBSIZE")}
	for _, k := range g.keys {
		out = append(out, cmd("TYPE", k), cmd("GET", k),
			Command{Args: []string{"PTTL", k}, Mode: ModeApprox, Tolerance: pttlTolerance})
	}
	return out
}

func (g *stringsGen) set(r *rand.Rand) Command {
	args := []string{"SET", g.key(r), g.value(r)}
	var opts [][]string
	if r.IntN(10) == 0 {
		opts = append(opts, pick(r,
			[]string{"NX", "XX"}, []string{"EX", "0"}, []string{"EX", "-5"}, []string{"PX", "abc"},
			[]string{"KEEPTTL", "EX", "100"}, []string{"EX"}, []string{"BOGUS"},
			[]string{"EX", "10", "PX", "100"}, []string{"EX", "9223372036854775807"},
			[]string{"EX", "1.5"}, []string{"PXAT", "0"}, []string{"GET", "GET"}))
	} else {
		switch r.IntN(5) {
		case 0:
			opts = append(opts, []string{"NX"})
		case 1:
			opts = append(opts, []string{"XX"})
		}
		if r.IntN(4) == 0 {
			opts = append(opts, []string{"GET"})
		}
		switch r.IntN(8) {
		case 0:
			opts = append(opts, []string{"EX", g.relSec(r)})
		case 1:
			opts = append(opts, []string{"PX", g.relMs(r)})
		case 2:
			opts = append(opts, []string{"EXAT", g.absSec(r)})
		case 3:
			opts = append(opts, []string{"PXAT", g.absMs(r)})
		case 4:
			opts = append(opts, []string{"KEEPTTL"})
		}
		r.Shuffle(len(opts), func(i, j int) { opts[i], opts[j] = opts[j], opts[i] })
	}
	for _, o := range opts {
		args = append(args, maybeLower(r, o[0]))
		args = append(args, o[1:]...)
	}
	return cmd(args...)
}

func (g *stringsGen) getex(r *rand.Rand) Command {
	c := cmd("GETEX", g.key(r))
	var opt []string
	switch r.IntN(10) {
	case 0:
		opt = []string{"EX", g.relSec(r)}
	case 1:
		opt = []string{"PX", g.relMs(r)}
	case 2:
		opt = []string{"EXAT", g.absSec(r)}
	case 3:
		opt = []string{"PXAT", g.absMs(r)}
	case 4:
		opt = []string{"PERSIST"}
	case 5:
		opt = []string{"EXAT", "1"} // in the past: deletes the key
	case 6:
		opt = pick(r, []string{"EX", "0"}, []string{"EX", "10", "PX", "10"}, []string{"PERSIST", "EX", "10"},
			[]string{"BOGUS"}, []string{"EX", "abc"}, []string{"PX", "-1"})
	}
	if len(opt) > 0 {
		c.Args = append(c.Args, maybeLower(r, opt[0]))
		c.Args = append(c.Args, opt[1:]...)
	}
	return c
}

func (g *stringsGen) expire(r *rand.Rand) Command {
	name := pick(r, "EXPIRE", "PEXPIRE", "EXPIREAT", "PEXPIREAT")
	var t string
	flags := []string{"", "", "NX", "XX"}
	switch name {
	case "EXPIRE":
		t = g.relSec(r)
		if r.IntN(8) == 0 {
			t = pick(r, "-1", "0", "9223372036854775807", "abc")
		}
	case "PEXPIRE":
		t = g.relMs(r)
		if r.IntN(8) == 0 {
			t = pick(r, "-1", "9223372036854775807", "1.5")
		}
	case "EXPIREAT":
		// GT and LT are safe here: both servers compare the same
		// absolute times.
		flags = append(flags, "GT", "LT")
		t = g.absSec(r)
		if r.IntN(8) == 0 {
			t = "1" // in the past: deletes the key
		}
	case "PEXPIREAT":
		flags = append(flags, "GT", "LT")
		t = g.absMs(r)
		if r.IntN(8) == 0 {
			t = "1000"
		}
	}
	c := cmd(name, g.key(r), t)
	if r.IntN(12) == 0 {
		c.Args = append(c.Args, pick(r, []string{"BOGUS"}, []string{"NX", "XX"}, []string{"GT", "LT"},
			[]string{"NX", "GT"})...)
	} else if f := pick(r, flags...); f != "" {
		c.Args = append(c.Args, maybeLower(r, f))
	}
	return c
}

func (g *stringsGen) mset(r *rand.Rand, name string) Command {
	c := cmd(name)
	for range 1 + r.IntN(3) {
		c.Args = append(c.Args, g.key(r), g.value(r))
	}
	if r.IntN(10) == 0 {
		c.Args = c.Args[:len(c.Args)-1] // odd: wrong number of arguments
	}
	return c
}

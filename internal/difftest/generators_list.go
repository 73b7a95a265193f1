package difftest

import (
	"math/rand/v2"
	"strconv"
	"strings"
)

// ListCommands returns a Generator for the list family: LPUSH, RPUSH,
// LPUSHX, RPUSHX, LPOP and RPOP (with and without a count, including 0,
// negative and bad counts), LRANGE, LINDEX, LSET, LINSERT, LLEN, LREM,
// LTRIM, LPOS (RANK, COUNT, MAXLEN and their errors), LMOVE, RPOPLPUSH,
// LMPOP, the blocking BLPOP, BRPOP, BLMOVE, BRPOPLPUSH and BLMPOP, bad
// arguments, wrong arities, an occasional SET (so WRONGTYPE comes up) and
// DEL. Its Finish compares each key's TYPE, LLEN and LRANGE 0 -1.
//
// Keys l0 … l3 are its own; k0 … k5 are shared with StringCommands, so a
// Mix collides across types. Values are mostly a few short strings and
// integers (so LREM, LPOS and LINSERT find them), with now and then a
// 100–400-byte string so lists grow past one 8 KiB quicklist node.
//
// Blocking commands never wait long: their timeout is 0.01 s, so on an
// empty key both servers answer with the timeout reply; a timeout of 0
// (forever) is never generated. Every reply is deterministic.
func ListCommands() Generator {
	return &listGen{
		own:    []string{"l0", "l1", "l2", "l3"},
		shared: []string{"k0", "k1", "k2", "k3", "k4", "k5"},
	}
}

type listGen struct {
	own, shared []string
}

// Finish implements Finisher.
func (g *listGen) Finish() []Command {
	var out []Command
	for _, k := range append(append([]string(nil), g.own...), g.shared...) {
		out = append(out, cmd("TYPE", k), cmd("LLEN", k), cmd("LRANGE", k, "0", "-1"))
	}
	return out
}

func (g *listGen) key(r *rand.Rand) string {
	if r.IntN(10) < 8 {
		return pick(r, g.own...)
	}
	return pick(r, g.shared...)
}

func (g *listGen) keys(r *rand.Rand, min, max int) []string {
	n := min + r.IntN(max-min+1)
	out := make([]string, n)
	for i := range out {
		out[i] = g.key(r)
	}
	if r.IntN(6) == 0 {
		out[r.IntN(n)] = "missing"
	}
	return out
}

func (g *listGen) value(r *rand.Rand) string {
	switch r.IntN(24) {
	case 0, 1:
		return strings.Repeat(pick(r, "L", "M"), 100+r.IntN(300))
	case 2:
		return pick(r, "", "ünï", "-0", "+1", "01", "1.0", "9223372036854775808", "a b", "\x00\xff")
	case 3, 4, 5, 6, 7:
		return strconv.Itoa(r.IntN(8) - 2)
	}
	return string(rune('a' + r.IntN(5)))
}

func (g *listGen) values(r *rand.Rand, min, max int) []string {
	n := min + r.IntN(max-min+1)
	out := make([]string, n)
	for i := range out {
		out[i] = g.value(r)
	}
	return out
}

// index returns a list index: mostly small, sometimes negative, huge or
// not a number.
func (g *listGen) index(r *rand.Rand) string {
	switch r.IntN(20) {
	case 0:
		return pick(r, "9223372036854775807", "-9223372036854775808", "x", "1.5", "", "+1")
	case 1, 2, 3:
		return strconv.Itoa(-1 - r.IntN(12))
	}
	return strconv.Itoa(r.IntN(14))
}

func (g *listGen) side(r *rand.Rand) string {
	if r.IntN(40) == 0 {
		return "UP"
	}
	return maybeLower(r, pick(r, "LEFT", "RIGHT"))
}

// count returns a pop count: mostly valid, sometimes 0, negative or bad.
func (g *listGen) count(r *rand.Rand) string {
	switch r.IntN(12) {
	case 0:
		return pick(r, "0", "-1", "x", "9223372036854775807")
	}
	return strconv.Itoa(1 + r.IntN(6))
}

const listTimeout = "0.01"

var listOps = []struct {
	weight int
	gen    func(g *listGen, r *rand.Rand) Command
}{
	{14, func(g *listGen, r *rand.Rand) Command {
		return cmd(append([]string{pick(r, "LPUSH", "RPUSH"), g.key(r)}, g.values(r, 1, 5)...)...)
	}},
	{3, func(g *listGen, r *rand.Rand) Command {
		return cmd(append([]string{pick(r, "LPUSHX", "RPUSHX"), g.key(r)}, g.values(r, 1, 3)...)...)
	}},
	{6, func(g *listGen, r *rand.Rand) Command {
		c := cmd(pick(r, "LPOP", "RPOP"), g.key(r))
		if r.IntN(2) == 0 {
			c.Args = append(c.Args, g.count(r))
		}
		return c
	}},
	{6, func(g *listGen, r *rand.Rand) Command { return cmd("LRANGE", g.key(r), g.index(r), g.index(r)) }},
	{4, func(g *listGen, r *rand.Rand) Command { return cmd("LINDEX", g.key(r), g.index(r)) }},
	{3, func(g *listGen, r *rand.Rand) Command { return cmd("LSET", g.key(r), g.index(r), g.value(r)) }},
	{4, func(g *listGen, r *rand.Rand) Command {
		where := maybeLower(r, pick(r, "BEFORE", "AFTER"))
		if r.IntN(30) == 0 {
			where = "MIDDLE"
		}
		return cmd("LINSERT", g.key(r), where, g.value(r), g.value(r))
	}},
	{3, func(g *listGen, r *rand.Rand) Command { return cmd("LLEN", g.key(r)) }},
	{4, func(g *listGen, r *rand.Rand) Command {
		n := strconv.Itoa(r.IntN(7) - 3)
		if r.IntN(20) == 0 {
			n = "x"
		}
		return cmd("LREM", g.key(r), n, g.value(r))
	}},
	{2, func(g *listGen, r *rand.Rand) Command { return cmd("LTRIM", g.key(r), g.index(r), g.index(r)) }},
	{4, (*listGen).lpos},
	{4, func(g *listGen, r *rand.Rand) Command {
		if r.IntN(3) == 0 {
			return cmd("RPOPLPUSH", g.key(r), g.key(r))
		}
		return cmd("LMOVE", g.key(r), g.key(r), g.side(r), g.side(r))
	}},
	{4, func(g *listGen, r *rand.Rand) Command {
		keys := g.keys(r, 1, 3)
		c := cmd(append(append([]string{"LMPOP", strconv.Itoa(len(keys))}, keys...), g.side(r))...)
		if r.IntN(2) == 0 {
			c.Args = append(c.Args, maybeLower(r, "COUNT"), g.count(r))
		}
		if r.IntN(25) == 0 {
			c.Args[1] = pick(r, "0", "-1", "x", "9")
		}
		return c
	}},
	{4, func(g *listGen, r *rand.Rand) Command {
		return cmd(append(append([]string{pick(r, "BLPOP", "BRPOP")}, g.keys(r, 1, 3)...), listTimeout)...)
	}},
	{2, func(g *listGen, r *rand.Rand) Command {
		if r.IntN(3) == 0 {
			return cmd("BRPOPLPUSH", g.key(r), g.key(r), listTimeout)
		}
		return cmd("BLMOVE", g.key(r), g.key(r), g.side(r), g.side(r), listTimeout)
	}},
	{2, func(g *listGen, r *rand.Rand) Command {
		keys := g.keys(r, 1, 3)
		c := cmd(append(append([]string{"BLMPOP", listTimeout, strconv.Itoa(len(keys))}, keys...), g.side(r))...)
		if r.IntN(2) == 0 {
			c.Args = append(c.Args, "COUNT", g.count(r))
		}
		return c
	}},
	{1, func(g *listGen, r *rand.Rand) Command {
		return cmd(pick(r, "BLPOP", "BLMPOP", "BLMOVE"), g.key(r), pick(r, "-1", "x", "nan"))
	}},
	{1, func(g *listGen, r *rand.Rand) Command { return cmd("SET", g.key(r), g.value(r)) }},
	{2, func(g *listGen, r *rand.Rand) Command {
		return cmd(append([]string{"DEL"}, g.keys(r, 1, 2)...)...)
	}},
	{1, func(g *listGen, r *rand.Rand) Command {
		k := g.key(r)
		return pick(r, cmd("LPUSH", k), cmd("LPOP"), cmd("LPOP", k, "1", "2"), cmd("LRANGE", k, "0"),
			cmd("LINDEX", k), cmd("LSET", k, "0"), cmd("LINSERT", k, "BEFORE", "a"), cmd("LREM", k, "0"),
			cmd("LTRIM", k, "0"), cmd("LPOS", k), cmd("LMOVE", k, k, "LEFT"), cmd("RPOPLPUSH", k),
			cmd("LMPOP", "1", k), cmd("BLPOP", k), cmd("BLMOVE", k, k, "LEFT", "LEFT"), cmd("BLMPOP", "0", "1", k))
	}},
}

var listOpsTotal = func() int {
	n := 0
	for _, op := range listOps {
		n += op.weight
	}
	return n
}()

// Next implements Generator.
func (g *listGen) Next(r *rand.Rand) Command {
	n := r.IntN(listOpsTotal)
	for _, op := range listOps {
		if n < op.weight {
			return op.gen(g, r)
		}
		n -= op.weight
	}
	panic("unreachable")
}

func (g *listGen) lpos(r *rand.Rand) Command {
	c := cmd("LPOS", g.key(r), g.value(r))
	if r.IntN(20) == 0 {
		c.Args = append(c.Args, pick(r, []string{"RANK", "0"}, []string{"COUNT", "-1"}, []string{"MAXLEN", "x"},
			[]string{"RANK"}, []string{"BOGUS", "1"}, []string{"RANK", "x"})...)
		return c
	}
	opts := [][]string{}
	if r.IntN(2) == 0 {
		rank := 1 + r.IntN(3)
		if r.IntN(2) == 0 {
			rank = -rank
		}
		opts = append(opts, []string{maybeLower(r, "RANK"), strconv.Itoa(rank)})
	}
	if r.IntN(2) == 0 {
		opts = append(opts, []string{maybeLower(r, "COUNT"), strconv.Itoa(r.IntN(4))})
	}
	if r.IntN(3) == 0 {
		opts = append(opts, []string{maybeLower(r, "MAXLEN"), strconv.Itoa(r.IntN(10))})
	}
	r.Shuffle(len(opts), func(i, j int) { opts[i], opts[j] = opts[j], opts[i] })
	for _, o := range opts {
		c.Args = append(c.Args, o...)
	}
	return c
}

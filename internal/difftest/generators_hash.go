package difftest

import (
	"math/rand/v2"
	"strconv"
	"strings"
)

// HashCommands returns a Generator for the hash family: HSET, HMSET,
// HSETNX, HGET, HMGET, HDEL, HLEN, HEXISTS, HSTRLEN, HINCRBY,
// HINCRBYFLOAT, HGETALL, HKEYS, HVALS, HRANDFIELD, HSCAN, with bad
// arguments, wrong arities, an occasional SET (so WRONGTYPE comes up) and
// DEL. Its Finish compares each key's TYPE, HLEN and HGETALL.
//
// It uses two key spaces. h0, h1 and h2 only ever hold a few short fields,
// so they stay listpacks and their listings (HGETALL, HKEYS, HVALS, HSCAN)
// are compared in order: Redis lists a listpack in insertion order. k0 … k5
// are shared with StringCommands, so a Mix of both collides across types;
// they may get values over 64 bytes (a hashtable, in the server's own
// order), so their listings are compared unordered and HSCAN on them only
// matches single fields. Field expiration (7.4) is not generated: the 7.0
// oracle lacks it; hash.golden covers it with deviations.
func HashCommands() Generator {
	return &hashGen{
		small:  []string{"h0", "h1", "h2"},
		shared: []string{"k0", "k1", "k2", "k3", "k4", "k5"},
	}
}

type hashGen struct {
	small, shared []string
}

// Finish implements Finisher.
func (g *hashGen) Finish() []Command {
	var out []Command
	for _, k := range append(append([]string(nil), g.small...), g.shared...) {
		out = append(out, cmd("TYPE", k), cmd("HLEN", k),
			Command{Args: []string{"HGETALL", k}, Mode: ModeSortedPairs})
	}
	return out
}

// hkey returns a key and whether it is one of the small, ordered ones.
func (g *hashGen) hkey(r *rand.Rand) (string, bool) {
	if r.IntN(10) < 7 {
		return pick(r, g.small...), true
	}
	return pick(r, g.shared...), false
}

func (g *hashGen) field(r *rand.Rand) string {
	if r.IntN(40) == 0 {
		return pick(r, "", "a\x00b", "ünï", "sp ace")
	}
	return "f" + strconv.Itoa(r.IntN(8))
}

func (g *hashGen) value(r *rand.Rand, small bool) string {
	switch r.IntN(14) {
	case 0:
		return ""
	case 1, 2, 3:
		return strconv.Itoa(r.IntN(201) - 100)
	case 4:
		return pick(r, "9223372036854775807", "-9223372036854775808", "007", "-0", "+5", " 5",
			"12345678901234567890")
	case 5:
		return pick(r, "1.5", "-0.25", "3.0", "1e3", "0.1", "inf", "0x10", "2.5e-1")
	case 6:
		return pick(r, "a\x00b", "\r\n", "tab\there", "\xff\xfe")
	case 7:
		if !small {
			return strings.Repeat("L", 60+r.IntN(10)) // around the 64-byte limit
		}
	}
	return pick(r, "v", "foo", "bar", "hello")
}

func (g *hashGen) fieldList(r *rand.Rand, min, max int) []string {
	n := min + r.IntN(max-min+1)
	out := make([]string, n)
	for i := range out {
		out[i] = g.field(r)
	}
	return out
}

// hashListMode is how listings of key's hash compare.
func hashListMode(small bool, pairs bool) Mode {
	switch {
	case small:
		return ModeExact
	case pairs:
		return ModeSortedPairs
	}
	return ModeSorted
}

// Next implements Generator.
func (g *hashGen) Next(r *rand.Rand) Command {
	k, small := g.hkey(r)
	switch r.IntN(30) {
	case 0, 1, 2, 3:
		args := []string{pick(r, "HSET", "HSET", "HSET", "HMSET"), k}
		for n := 1 + r.IntN(3); n > 0; n-- {
			args = append(args, g.field(r), g.value(r, small))
		}
		if r.IntN(25) == 0 {
			args = args[:len(args)-1] // odd: arity error
		}
		return cmd(args...)
	case 4:
		return cmd("HSETNX", k, g.field(r), g.value(r, small))
	case 5, 6, 7:
		return cmd("HGET", k, g.field(r))
	case 8:
		return cmd(append([]string{"HMGET", k}, g.fieldList(r, 1, 4)...)...)
	case 9, 10:
		return cmd(append([]string{"HDEL", k}, g.fieldList(r, 1, 3)...)...)
	case 11:
		return cmd("HLEN", k)
	case 12:
		return cmd("HEXISTS", k, g.field(r))
	case 13:
		return cmd("HSTRLEN", k, g.field(r))
	case 14, 15:
		incr := pick(r, "1", "-1", "5", "100", "-7", "0", "9223372036854775807", "-9223372036854775808",
			"abc", "1.5", "")
		return cmd("HINCRBY", k, g.field(r), incr)
	case 16, 17:
		incr := pick(r, "1", "0.1", "-0.25", "1.5e2", "3", "-2.5", "1e-3", "0x10", "inf", "-inf",
			"nan", "abc", "")
		return cmd("HINCRBYFLOAT", k, g.field(r), incr)
	case 18, 19:
		return Command{Args: []string{"HGETALL", k}, Mode: hashListMode(small, true)}
	case 20:
		return Command{Args: []string{pick(r, "HKEYS", "HVALS"), k}, Mode: hashListMode(small, false)}
	case 21, 22:
		args := []string{"HRANDFIELD", k}
		if r.IntN(4) != 0 {
			args = append(args, strconv.Itoa(r.IntN(13)-6))
			if r.IntN(2) == 0 {
				args = append(args, pick(r, "WITHVALUES", "withvalues", "WITHVALUE"))
			}
		}
		if r.IntN(15) == 0 {
			args = append(args[:2], pick(r, "x", "1.5", "-9223372036854775808"))
		}
		return Command{Args: args, Mode: ModeType}
	case 23, 24:
		if !small {
			// a hashtable's cursor and order are the server's own: scan it
			// whole in one call and match at most one field
			return cmd("HSCAN", k, "0", "MATCH", g.field(r), "COUNT", "1000")
		}
		args := []string{"HSCAN", k, pick(r, "0", "0", "0", "7", "abc")}
		if r.IntN(3) == 0 {
			args = append(args, "MATCH", pick(r, "f*", "f[0-3]", "*1", "x*"))
		}
		if r.IntN(3) == 0 {
			args = append(args, "COUNT", pick(r, "1", "10", "0", "-1", "x"))
		}
		return cmd(args...)
	case 25:
		return cmd("DEL", k)
	case 26:
		if !small && r.IntN(2) == 0 {
			return cmd("SET", k, "str")
		}
		return cmd("TYPE", k)
	case 27:
		return cmd("EXISTS", k)
	default:
		// wrong arities
		return pick(r,
			cmd("HGET", k), cmd("HSETNX", k, "f"), cmd("HLEN"), cmd("HMGET", k), cmd("HDEL", k),
			cmd("HINCRBY", k, "f"), cmd("HGETALL", k, "x"), cmd("HRANDFIELD"), cmd("HSCAN", k),
			cmd("HSET", k, "f"), cmd("HSTRLEN", k))
	}
}

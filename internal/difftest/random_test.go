package difftest

import (
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

func TestRandomCommands_Deterministic(t *testing.T) {
	gen := StringCommands()
	a := RandomCommands(7, 300, gen)
	b := RandomCommands(7, 300, gen)
	c := RandomCommands(8, 300, gen)
	same := func(x, y []Command) bool {
		return slices.EqualFunc(x, y, func(p, q Command) bool {
			return slices.Equal(p.Args, q.Args) && p.Mode == q.Mode && p.Tolerance == q.Tolerance
		})
	}
	if !same(a, b) {
		t.Error("the same seed gave different commands")
	}
	if same(a, c) {
		t.Error("different seeds gave the same commands")
	}
	finish := gen.(Finisher).Finish()
	if len(a) != 300+len(finish) {
		t.Errorf("len = %d, want 300 plus %d Finish commands", len(a), len(finish))
	}
}

// The generator reaches every command it documents, with the modes that
// keep timing out of the comparison.
func TestStringCommands_Coverage(t *testing.T) {
	seen := map[string]int{}
	for _, c := range RandomCommands(1, 20_000, StringCommands()) {
		name := strings.ToUpper(c.Args[0])
		seen[name]++
		switch name {
		case "TTL", "EXPIRETIME":
			if c.Mode != ModeApprox || c.Tolerance != ttlTolerance {
				t.Fatalf("%s compared with %v ±%d", c, c.Mode, c.Tolerance)
			}
		case "PTTL", "PEXPIRETIME":
			if c.Mode != ModeApprox || c.Tolerance != pttlTolerance {
				t.Fatalf("%s compared with %v ±%d", c, c.Mode, c.Tolerance)
			}
		case "KEYS":
			if c.Mode != ModeSorted {
				t.Fatalf("%s compared with %v", c, c.Mode)
			}
		case "EXPIRE", "PEXPIRE":
			for _, a := range c.Args {
				if u := strings.ToUpper(a); (u == "GT" || u == "LT") && len(c.Args) == 4 {
					t.Fatalf("%s: GT/LT on a relative TTL depends on timing", c)
				}
			}
		}
	}
	for _, name := range []string{
		"SET", "GET", "GETSET", "GETDEL", "GETEX", "SETNX", "APPEND", "STRLEN", "GETRANGE", "SETRANGE",
		"INCR", "INCRBY", "DECR", "DECRBY", "INCRBYFLOAT", "MSET", "MSETNX", "MGET", "DEL", "EXISTS",
		"TYPE", "EXPIRE", "PEXPIRE", "EXPIREAT", "PEXPIREAT", "PERSIST", "TTL", "PTTL", "EXPIRETIME",
		"PEXPIRETIME", "RENAME", "RENAMENX", "COPY", "DBSIZE", "KEYS", "RPUSH", "NOSUCHCMD",
	} {
		if seen[name] == 0 {
			t.Errorf("%s never generated", name)
		}
	}
}

func TestMix(t *testing.T) {
	ping := GeneratorFunc(func(*rand.Rand) Command { return Command{Args: []string{"PING"}} })
	cmds := RandomCommands(3, 2000, Mix(ping, StringCommands()))
	pings := 0
	for _, c := range cmds[:2000] {
		if c.Args[0] == "PING" {
			pings++
		}
	}
	if pings < 800 || pings > 1200 {
		t.Errorf("Mix picked PING %d times of 2000, want about half", pings)
	}
	if last := cmds[len(cmds)-1]; last.Args[0] != "PTTL" {
		t.Errorf("Mix dropped the Finish commands; last is %s", last)
	}
}

// Two real servers must agree on a random sequence, in both protocols.
func TestRunRandom_TwoRedisServersAgree(t *testing.T) {
	t.Parallel()
	a, b := startPair(t)
	RunRandom(t, Seed(t), 1500, StringCommands(), a, b)
}

func TestRunRandom_DetectsFakeServer(t *testing.T) {
	t.Parallel()
	fake := startFake(t, alwaysOK)
	oracle := StartRedis(t)
	rec := capture(t, func(tb testing.TB) { RunRandom(tb, 42, 200, StringCommands(), fake, oracle) })
	if len(rec.errs) != 2 {
		t.Fatalf("want one report per protocol pass, got %d:\n%s", len(rec.errs), rec.all())
	}
	for i, proto := range []string{"RESP2", "RESP3"} {
		msg := rec.errs[i]
		for _, want := range []string{"seed 42: " + proto + ": command ", "EMBEDIS_DIFFTEST_SEED=42", `"+OK\r\n"`} {
			if !strings.Contains(msg, want) {
				t.Errorf("report lacks %q:\n%s", want, msg)
			}
		}
	}
	if len(rec.logs) == 0 || !strings.Contains(rec.logs[0], "random seed 42") {
		t.Errorf("seed not logged: %q", rec.logs)
	}
}

// A real redis-server with one command renamed away is caught by random
// sequences too, at the first use of that command.
func TestRunRandom_DetectsDifferentConfig(t *testing.T) {
	t.Parallel()
	subject := StartRedis(t, "--rename-command", "INCRBYFLOAT", "")
	oracle := StartRedis(t)
	rec := capture(t, func(tb testing.TB) {
		(&Runner{Subject: subject, Oracle: oracle, Protocols: []int{2}}).RunRandom(tb, 5, 500, StringCommands())
	})
	if len(rec.errs) != 1 || !strings.Contains(rec.errs[0], ": INCRBYFLOAT ") ||
		!strings.Contains(rec.errs[0], "unknown command 'INCRBYFLOAT'") {
		t.Errorf("want one report about INCRBYFLOAT, got:\n%s", rec.all())
	}
}

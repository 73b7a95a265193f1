// Command tour walks through what embedis does, in memory, with no server
// and no configuration: run it with `go run ./examples/tour`.
package main

import (
	"context"
	"errors"
	"fmt"
	"log"
	"os"
	"strconv"
	"time"

	"github.com/embedis/embedis"
)

func main() {
	s, err := embedis.Open(nil) // in-memory, Redis defaults
	if err != nil {
		log.Fatal(err)
	}
	defer s.Close()

	section("strings")
	s.Set("greeting", "hello", nil)
	v, _ := s.Get("greeting")
	fmt.Printf("GET greeting -> %q\n", v)
	n, _ := s.Append("greeting", ", world")
	fmt.Printf("APPEND greeting -> length %d\n", n)
	_, err = s.Get("missing")
	fmt.Printf("GET missing -> errors.Is(err, embedis.Nil) = %v\n", errors.Is(err, embedis.Nil))

	section("counters")
	for i := 0; i < 3; i++ {
		c, _ := s.Incr("page:views")
		fmt.Printf("INCR page:views -> %d\n", c)
	}
	f, _ := s.IncrByFloat("price", 0.1)
	f, _ = s.IncrByFloat("price", 0.2)
	fmt.Printf("INCRBYFLOAT price 0.1 then 0.2 -> %s (80-bit arithmetic, as Redis)\n", f)
	s.Set("text", "abc", nil)
	_, err = s.Incr("text")
	fmt.Printf("INCR on \"abc\" -> %v\n", err)

	section("expiry")
	s.Set("session:42", "alice", &embedis.SetArgs{TTL: 30 * time.Minute})
	ttl, _ := s.TTL("session:42")
	fmt.Printf("SET session:42 EX 1800 -> TTL %v\n", ttl.Round(time.Second))
	ok, _ := s.Expire("session:42", time.Hour, &embedis.ExpireArgs{GT: true})
	fmt.Printf("EXPIRE session:42 3600 GT -> %v\n", ok)
	s.Persist("session:42")
	ttl, _ = s.TTL("session:42")
	fmt.Printf("PERSIST -> TTL == embedis.NoExpiry: %v\n", ttl == embedis.NoExpiry)

	section("keys")
	s.MSet("user:1", "ann", "user:2", "bob", "user:3", "cy")
	fmt.Printf("KEYS user:* -> %d keys\n", len(s.Keys("user:*")))
	var all []string
	for cur := uint64(0); ; {
		keys, next := s.Scan(cur, &embedis.ScanArgs{Match: "user:*", Count: 2})
		all = append(all, keys...)
		if cur = next; cur == 0 {
			break
		}
	}
	fmt.Printf("SCAN MATCH user:* -> %d keys, each at least once\n", len(all))
	s.Rename("user:3", "user:33")
	fmt.Printf("RENAME user:3 user:33 -> TYPE user:33 = %s, EXISTS user:3 = %d\n", s.Type("user:33"), s.Exists("user:3"))
	moved, _ := s.Move("user:33", 1)
	fmt.Printf("MOVE user:33 1 -> %v; DB 1 has %d key(s)\n", moved, s.Select(1).DBSize())

	section("the command interface (what the RESP server and Lua use)")
	ctx := context.Background()
	r, _ := s.Do(ctx, "SET", "k", "v", "EX", 100, "GET")
	fmt.Printf("Do SET k v EX 100 GET -> %v\n", r)
	_, err = s.Do(ctx, "SET", "k", "v", "EX", 0)
	fmt.Printf("Do SET k v EX 0 -> %v\n", err)
	_, err = s.Do(ctx, "EXPIRE", "k", 10, "NX", "XX")
	fmt.Printf("Do EXPIRE k 10 NX XX -> %v\n", err)

	section("collections")
	s.HSet("user:1:profile", "name", "ann", "plan", "pro")
	profile, _ := s.HGetAll("user:1:profile")
	fmt.Printf("HSET/HGETALL user:1:profile -> %v\n", profile)
	s.HExpire("user:1:profile", time.Hour, nil, "plan") // 7.4 hash-field TTL
	s.RPush("jobs", "a", "b", "c")
	jobs, _ := s.LRange("jobs", 0, -1)
	fmt.Printf("RPUSH/LRANGE jobs -> %v\n", jobs)
	s.SAdd("seen:today", "e1", "e2", "e3")
	s.SAdd("seen:yesterday", "e2", "e3", "e4")
	both, _ := s.SInter("seen:today", "seen:yesterday")
	fmt.Printf("SINTER seen:today seen:yesterday -> %d ids\n", len(both))
	s.ZAdd("leaderboard", nil, embedis.Z{Score: 120, Member: "ann"}, embedis.Z{Score: 300, Member: "bob"}, embedis.Z{Score: 90, Member: "cy"})
	top, _ := s.ZRevRangeWithScores("leaderboard", 0, 1)
	fmt.Printf("ZREVRANGE leaderboard 0 1 WITHSCORES -> %v (examples/leaderboard has the full scenario)\n", top)
	for i := 0; i < 10000; i++ {
		s.PFAdd("uniques", "user:"+strconv.Itoa(i%5000))
	}
	u, _ := s.PFCount("uniques")
	fmt.Printf("PFCOUNT uniques after 10000 views by 5000 users -> %d (examples/uniques)\n", u)

	section("streams and consumer groups")
	for i := 0; i < 3; i++ {
		s.XAdd("orders", nil, "order", strconv.Itoa(i), "amount", "9.99")
	}
	g := s.Group("orders", "fulfillment")
	g.Create(embedis.StreamID{}, nil)
	got, _ := g.Read(ctx, "worker-1", 10, 0)
	fmt.Printf("XREADGROUP GROUP fulfillment worker-1 -> %d entries\n", len(got))
	n2, _ := g.Ack(got[0].ID)
	fmt.Printf("XACK %s -> %d (examples/orders and examples/pipeline go further)\n", got[0].ID, n2)

	section("Lua (the seed's scripts run verbatim)")
	res, err := s.Eval(ctx, "return redis.call('INCRBY', KEYS[1], ARGV[1])", []string{"lua:counter"}, 5)
	fmt.Printf("EVAL INCRBY via Lua -> %v %v (examples/cacheaside, examples/ratelimit)\n", res, errText(err))

	section("a typed cache (Options.MaxMemory + MaxMemoryPolicy bound it)")
	cache := embedis.NewCache[[]string](s.DB, &embedis.CacheOptions{Prefix: "report:", TTL: 5 * time.Minute, Jitter: 0.1})
	loads := 0
	for i := 0; i < 3; i++ {
		cache.GetOrLoad(ctx, "q1", 0, func(context.Context) ([]string, error) {
			loads++
			return []string{"row1", "row2"}, nil
		})
	}
	fmt.Printf("GetOrLoad x3 -> the slow loader ran %d time(s); memory used %d bytes, policy %s\n",
		loads, s.Stats().UsedMemory, s.MaxMemoryPolicy())

	section("transactions")
	tx := s.NewSession()
	for _, cmd := range [][]any{{"MULTI"}, {"INCR", "tx"}, {"INCR", "tx"}, {"EXEC"}} {
		v, err := tx.Do(ctx, cmd...)
		fmt.Printf("%v -> %v %v\n", cmd, v, errText(err))
	}
	fmt.Printf("DBSIZE -> %d\n", s.DBSize())

	section("persistence")
	dir, _ := os.MkdirTemp("", "embedis-tour-")
	defer os.RemoveAll(dir)
	d, _ := embedis.Open(&embedis.Options{Dir: dir, AppendOnly: true, AppendFsync: "always"})
	d.Set("durable", "yes", nil)
	d.Close()
	d, _ = embedis.Open(&embedis.Options{Dir: dir, AppendOnly: true})
	v, _ = d.Get("durable")
	fmt.Printf("after a restart with appendonly yes: GET durable -> %q (examples/durable)\n", v)
	d.Close()
}

func section(name string) { fmt.Printf("\n== %s\n", name) }

func errText(err error) string {
	if err == nil {
		return ""
	}
	return "(error: " + err.Error() + ")"
}

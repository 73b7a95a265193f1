// Command tour walks through what embedis does, in memory, with no server
// and no configuration: run it with `go run ./examples/tour`.
package main

import (
	"context"
	"errors"
	"fmt"
	"log"
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

	section("transactions")
	tx := s.NewSession()
	for _, cmd := range [][]any{{"MULTI"}, {"INCR", "tx"}, {"INCR", "tx"}, {"EXEC"}} {
		v, err := tx.Do(ctx, cmd...)
		fmt.Printf("%v -> %v %v\n", cmd, v, errText(err))
	}
	fmt.Printf("DBSIZE -> %d\n", s.DBSize())
}

func section(name string) { fmt.Printf("\n== %s\n", name) }

func errText(err error) string {
	if err == nil {
		return ""
	}
	return "(error: " + err.Error() + ")"
}

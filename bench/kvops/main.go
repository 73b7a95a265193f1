// Command kvops runs a fixed number of GET/SET operations with 16-byte
// values over 1M keys (uniformly random, the same sequence every run) on
// embedis's typed API or on bench.Floor (BenchmarkKV's floor), for
// counting instructions and cache misses per operation with valgrind,
// which the shared machine's noise does not touch: run it with n
// operations and with 0 and divide the difference by n (kvcachegrind.sh
// does that).
//
// Usage: kvops embedis|floor get|set|mix N
package main

import (
	"fmt"
	"math/rand"
	"os"
	"strconv"

	"github.com/embedis/embedis"
	"github.com/embedis/embedis/bench"
)

type kv interface {
	Get(k string) (string, bool)
	Set(k, v string)
}

type embedisKV struct{ s *embedis.Store }

func (e embedisKV) Get(k string) (string, bool) {
	v, err := e.s.Get(k)
	return v, err == nil
}

func (e embedisKV) Set(k, v string) { e.s.Set(k, v, nil) }

const value16 = "0123456789abcdef"

var sink string

func main() {
	if len(os.Args) != 4 {
		fmt.Fprintln(os.Stderr, "usage: kvops embedis|floor get|set|mix N")
		os.Exit(2)
	}
	peer, op := os.Args[1], os.Args[2]
	n, err := strconv.Atoi(os.Args[3])
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	var c kv
	switch peer {
	case "floor":
		c = bench.NewFloor()
	case "embedis":
		c = embedisKV{embedis.MustOpen(nil)}
	default:
		fmt.Fprintln(os.Stderr, "unknown store", peer)
		os.Exit(2)
	}
	const keys = 1 << 20
	names := make([]string, keys)
	for i := range names {
		names[i] = "key:" + strconv.Itoa(i)
	}
	r := rand.New(rand.NewSource(1))
	order := make([]int32, keys)
	for i := range order {
		order[i] = int32(r.Intn(keys))
	}
	for _, k := range names {
		c.Set(k, value16)
	}
	hits := 0
	for i := 0; i < n; i++ {
		k := names[order[i&(keys-1)]]
		switch {
		case op == "get" || op == "mix" && i%10 < 9:
			if v, ok := c.Get(k); ok {
				hits++
				sink = v
			}
		default:
			c.Set(k, value16)
		}
	}
	fmt.Println(peer, op, n, hits)
}

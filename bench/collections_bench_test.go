package bench

import (
	"context"
	"fmt"
	"net"
	"os/exec"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/alicebob/miniredis/v2"
	"github.com/redis/go-redis/v9"

	"github.com/embedis/embedis"
)

// startRedis starts redis-server on a free loopback port for one
// benchmark, or skips when it is not installed.
func startRedis(b *testing.B) *redis.Client {
	bin, err := exec.LookPath("redis-server")
	if err != nil {
		b.Skip("redis-server not found in PATH (install Debian's redis-server for the peer column)")
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	cmd := exec.Command(bin, "--port", strconv.Itoa(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", b.TempDir())
	if err := cmd.Start(); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	c := redis.NewClient(&redis.Options{Addr: "127.0.0.1:" + strconv.Itoa(port)})
	b.Cleanup(func() { c.Close() })
	for i := 0; i < 100; i++ {
		if c.Ping(context.Background()).Err() == nil {
			return c
		}
		time.Sleep(20 * time.Millisecond)
	}
	b.Fatal("redis-server did not start")
	return nil
}

// BenchmarkCollectionWrites measures ZADD, HSET, SADD and LPUSH of new
// elements into one key: embedis in process, miniredis's direct API, and
// redis-server through go-redis over loopback.
func BenchmarkCollectionWrites(b *testing.B) {
	ctx := context.Background()
	type op struct {
		name string
		emb  func(s *embedis.Store, i int)
		mini func(m *miniredis.Miniredis, i int)
		rds  func(c *redis.Client, i int)
	}
	ops := []op{
		{"ZADD", func(s *embedis.Store, i int) {
			s.ZAdd("z", nil, embedis.Z{Score: float64(i), Member: "m" + strconv.Itoa(i)})
		},
			func(m *miniredis.Miniredis, i int) { m.ZAdd("z", float64(i), "m"+strconv.Itoa(i)) },
			func(c *redis.Client, i int) {
				c.ZAdd(ctx, "z", redis.Z{Score: float64(i), Member: "m" + strconv.Itoa(i)})
			}},
		{"HSET", func(s *embedis.Store, i int) { s.HSet("h", "f"+strconv.Itoa(i), "v") },
			func(m *miniredis.Miniredis, i int) { m.HSet("h", "f"+strconv.Itoa(i), "v") },
			func(c *redis.Client, i int) { c.HSet(ctx, "h", "f"+strconv.Itoa(i), "v") }},
		{"SADD", func(s *embedis.Store, i int) { s.SAdd("s", "m"+strconv.Itoa(i)) },
			func(m *miniredis.Miniredis, i int) { m.SetAdd("s", "m"+strconv.Itoa(i)) },
			func(c *redis.Client, i int) { c.SAdd(ctx, "s", "m"+strconv.Itoa(i)) }},
		{"LPUSH", func(s *embedis.Store, i int) { s.LPush("l", "v") },
			func(m *miniredis.Miniredis, i int) { m.Lpush("l", "v") },
			func(c *redis.Client, i int) { c.LPush(ctx, "l", "v") }},
	}
	for _, o := range ops {
		b.Run(o.name+"/embedis", func(b *testing.B) {
			s := embedis.MustOpen(nil)
			defer s.Close()
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				o.emb(s, i)
			}
		})
		b.Run(o.name+"/miniredis", func(b *testing.B) {
			m := miniredis.NewMiniRedis()
			defer m.Close()
			for i := 0; i < b.N; i++ {
				o.mini(m, i)
			}
		})
		b.Run(o.name+"/redis-server-go-redis", func(b *testing.B) {
			c := startRedis(b)
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				o.rds(c, i)
			}
		})
	}
}

// BenchmarkSmallCollectionMemory reports bytes per element for 100,000
// small collections (10 elements each) of every kind: embedis's accounted
// used_memory and Go heap, and redis-server's used_memory for the same data.
func BenchmarkSmallCollectionMemory(b *testing.B) {
	ctx := context.Background()
	const keys, per = 100_000, 10
	kinds := []struct {
		name string
		emb  func(s *embedis.Store, k string)
		rds  func(p redis.Pipeliner, k string)
	}{
		{"hash", func(s *embedis.Store, k string) {
			for j := 0; j < per; j++ {
				s.HSet(k, "f"+strconv.Itoa(j), "value")
			}
		}, func(p redis.Pipeliner, k string) {
			for j := 0; j < per; j++ {
				p.HSet(ctx, k, "f"+strconv.Itoa(j), "value")
			}
		}},
		{"set", func(s *embedis.Store, k string) {
			for j := 0; j < per; j++ {
				s.SAdd(k, "member"+strconv.Itoa(j))
			}
		}, func(p redis.Pipeliner, k string) {
			for j := 0; j < per; j++ {
				p.SAdd(ctx, k, "member"+strconv.Itoa(j))
			}
		}},
		{"list", func(s *embedis.Store, k string) {
			for j := 0; j < per; j++ {
				s.RPush(k, "value"+strconv.Itoa(j))
			}
		}, func(p redis.Pipeliner, k string) {
			for j := 0; j < per; j++ {
				p.RPush(ctx, k, "value"+strconv.Itoa(j))
			}
		}},
		{"zset", func(s *embedis.Store, k string) {
			for j := 0; j < per; j++ {
				s.ZAdd(k, nil, embedis.Z{Score: float64(j), Member: "member" + strconv.Itoa(j)})
			}
		}, func(p redis.Pipeliner, k string) {
			for j := 0; j < per; j++ {
				p.ZAdd(ctx, k, redis.Z{Score: float64(j), Member: "member" + strconv.Itoa(j)})
			}
		}},
	}
	for _, kd := range kinds {
		b.Run(kd.name, func(b *testing.B) {
			for it := 0; it < b.N; it++ {
				s := embedis.MustOpen(nil)
				gcHeap := heapNow()
				for i := 0; i < keys; i++ {
					kd.emb(s, "key:"+strconv.Itoa(i))
				}
				heap := heapNow() - gcHeap
				b.ReportMetric(float64(s.Stats().UsedMemory)/(keys*per), "embedis-accounted-B/elem")
				b.ReportMetric(float64(heap)/(keys*per), "embedis-heap-B/elem")
				s.Close()
				c := startRedis(b)
				base := usedMemory(b, c)
				for i := 0; i < keys; i += 1000 {
					p := c.Pipeline()
					for j := i; j < i+1000; j++ {
						kd.rds(p, "key:"+strconv.Itoa(j))
					}
					if _, err := p.Exec(ctx); err != nil {
						b.Fatal(err)
					}
				}
				b.ReportMetric(float64(usedMemory(b, c)-base)/(keys*per), "redis-used_memory-B/elem")
			}
		})
	}
}

func usedMemory(b *testing.B, c *redis.Client) int64 {
	info, err := c.Info(context.Background(), "memory").Result()
	if err != nil {
		b.Fatal(err)
	}
	for _, line := range strings.Split(info, "\r\n") {
		if v, ok := strings.CutPrefix(line, "used_memory:"); ok {
			n, _ := strconv.ParseInt(v, 10, 64)
			return n
		}
	}
	b.Fatal(fmt.Errorf("no used_memory in INFO"))
	return 0
}

func heapNow() int64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return int64(m.HeapAlloc)
}

// BenchmarkSmallCollectionOps measures single-element commands on small
// collections (1,000 keys of 10 elements, or of 100 with the /100 suffix)
// through the typed API: overwriting a hash field, reading one, updating
// a member's score, reading a score and a rank.
func BenchmarkSmallCollectionOps(b *testing.B) {
	for _, per := range []int{10, 100} {
		const keys = 1000
		s := embedis.MustOpen(nil)
		hkeys := make([]string, keys)
		zkeys := make([]string, keys)
		fields := make([]string, per)
		for j := range fields {
			fields[j] = "member" + strconv.Itoa(j)
		}
		for i := 0; i < keys; i++ {
			hkeys[i] = "h:" + strconv.Itoa(i)
			zkeys[i] = "z:" + strconv.Itoa(i)
			for j := 0; j < per; j++ {
				s.HSet(hkeys[i], fields[j], "value")
				s.ZAdd(zkeys[i], nil, embedis.Z{Score: float64(j), Member: fields[j]})
			}
		}
		suffix := "/" + strconv.Itoa(per)
		pick := func(i int) (int, string) { return i % keys, fields[(i/keys+i*7)%per] }
		b.Run("HSET"+suffix, func(b *testing.B) {
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				k, f := pick(i)
				s.HSet(hkeys[k], f, "other")
			}
		})
		b.Run("HGET"+suffix, func(b *testing.B) {
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				k, f := pick(i)
				s.HGet(hkeys[k], f)
			}
		})
		b.Run("ZADD"+suffix, func(b *testing.B) {
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				k, f := pick(i)
				s.ZAdd(zkeys[k], nil, embedis.Z{Score: float64(i % (2 * per)), Member: f})
			}
		})
		b.Run("ZSCORE"+suffix, func(b *testing.B) {
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				k, f := pick(i)
				s.ZScore(zkeys[k], f)
			}
		})
		b.Run("ZRANK"+suffix, func(b *testing.B) {
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				k, f := pick(i)
				s.ZRank(zkeys[k], f)
			}
		})
		s.Close()
	}
}

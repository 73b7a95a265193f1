package server

import (
	"bufio"
	"net"
	"strconv"
	"testing"

	"github.com/embedis/embedis"
	"github.com/embedis/embedis/internal/difftest"
)

// benchPipeline sends b.N commands in batches of depth over conn and reads
// every reply: the server's per-command cost (parsing, dispatch, reply
// encoding) without the kernel's.
func benchPipeline(b *testing.B, depth int, cmd []string) {
	store := embedis.MustOpen(nil)
	defer store.Close()
	srv, err := New(store, nil)
	if err != nil {
		b.Fatal(err)
	}
	defer srv.Close()
	nc, err := srv.Dial()
	if err != nil {
		b.Fatal(err)
	}
	defer nc.Close()
	var batch []byte
	for i := 0; i < depth; i++ {
		batch = append(batch, difftest.EncodeCommand(cmd...)...)
	}
	r := bufio.NewReaderSize(nc, 64<<10)
	b.ReportAllocs()
	b.ResetTimer()
	for done := 0; done < b.N; done += depth {
		if _, err := nc.Write(batch); err != nil {
			b.Fatal(err)
		}
		for i := 0; i < depth; i++ {
			if _, err := r.ReadSlice('\n'); err != nil {
				b.Fatal(err)
			}
		}
	}
}

func BenchmarkServer_SET_P1(b *testing.B)  { benchPipeline(b, 1, []string{"SET", "key", "value"}) }
func BenchmarkServer_SET_P16(b *testing.B) { benchPipeline(b, 16, []string{"SET", "key", "value"}) }
func BenchmarkServer_GET_P16(b *testing.B) { benchPipeline(b, 16, []string{"GET", "key"}) }
func BenchmarkServer_INCR_P16(b *testing.B) {
	benchPipeline(b, 16, []string{"INCR", "counter"})
}

// BenchmarkServer_ParallelClients runs many TCP clients at once, as
// redis-benchmark -c does.
func BenchmarkServer_ParallelClients(b *testing.B) {
	store := embedis.MustOpen(nil)
	defer store.Close()
	srv, _ := New(store, nil)
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	go srv.Serve(l)
	defer srv.Close()
	b.ReportAllocs()
	b.SetParallelism(8)
	b.RunParallel(func(pb *testing.PB) {
		nc, err := net.Dial("tcp", l.Addr().String())
		if err != nil {
			b.Error(err)
			return
		}
		defer nc.Close()
		r := bufio.NewReader(nc)
		var batch []byte
		for i := 0; i < 16; i++ {
			batch = append(batch, difftest.EncodeCommand("SET", "k"+strconv.Itoa(i), "v")...)
		}
		for pb.Next() {
			nc.Write(batch)
			for i := 0; i < 16; i++ {
				r.ReadSlice('\n')
			}
		}
	})
}

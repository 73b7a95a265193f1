package persist

import (
	"os"
	"testing"

	"github.com/embedis/embedis/keyspace"
)

// BenchmarkAppendParallel measures Append alone (encoding and buffering a
// SET record) with 8 goroutines per core, as the keyspace calls it.
func BenchmarkAppendParallel(b *testing.B) {
	dir := b.TempDir()
	if d := os.Getenv("AOF_BENCH_DIR"); d != "" {
		dir = d
	}
	a, err := OpenAOF(AOFOptions{Dir: dir, Fsync: FsyncEverySec})
	if err != nil {
		b.Fatal(err)
	}
	defer a.Close()
	b.SetParallelism(8)
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		recs := []keyspace.Record{{DB: 0, Args: []string{"SET", "key:123456", "0123456789abcdef"}}}
		for pb.Next() {
			a.Sync(a.Append(recs))
		}
	})
}

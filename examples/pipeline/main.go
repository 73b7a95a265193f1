// Command pipeline runs the seed's five-stage sensor pipeline on embedis
// streams: ingest → validate → enrich → aggregate → export. Each stage
// after ingest is a consumer group on the previous stage's stream that
// writes its output to the next stream and acknowledges its input. It
// prints each stage's backlog (stream length, group lag and pending
// entries) and the end-to-end latency percentiles at the chosen event
// rate:
//
//	go run ./examples/pipeline                 # 5 000 events/s for 1 s
//	go run ./examples/pipeline -rate 50000 -duration 3s
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"os"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/embedis/embedis"
	"github.com/embedis/embedis/stream"
)

type config struct {
	rate     int           // events per second produced by ingest
	duration time.Duration // how long ingest produces
	batch    int           // COUNT of each stage's reads
	maxLen   int64         // MAXLEN ~ of each stream
	workers  int           // consumers per stage
}

func defaults() config {
	return config{rate: 5000, duration: time.Second, batch: 200, maxLen: 100_000, workers: 1}
}

// stage is one consumer group of the pipeline.
type stage struct {
	name    string // group name
	in, out string // streams read and written ("" out: the sink)
	// process turns an input entry into the output fields, or drops it.
	process func(fields []string) ([]string, bool)
}

// stageStats is what run reports per stage.
type stageStats struct {
	Name      string
	Stream    string
	In        int64 // entries read
	Out       int64 // entries written to the next stream
	Len       int64 // XLEN of the input stream at the end
	Lag       int64 // group lag at the end
	Pending   int64 // entries delivered and not acknowledged at the end
	MaxLag    int64 // greatest lag seen while running
	processed atomic.Int64
	emitted   atomic.Int64
	maxLag    atomic.Int64
}

type report struct {
	Produced  int64
	Invalid   int64
	Exported  int64
	Stages    []*stageStats
	Latencies []time.Duration // sorted end-to-end latencies of exported events
}

func (r *report) percentile(p float64) time.Duration {
	if len(r.Latencies) == 0 {
		return 0
	}
	i := int(p / 100 * float64(len(r.Latencies)-1))
	return r.Latencies[i]
}

func main() {
	cfg := defaults()
	flag.IntVar(&cfg.rate, "rate", cfg.rate, "events per second")
	flag.DurationVar(&cfg.duration, "duration", cfg.duration, "how long to produce")
	flag.IntVar(&cfg.workers, "workers", cfg.workers, "consumers per stage")
	flag.Parse()
	if _, err := run(os.Stdout, cfg); err != nil {
		log.Fatal(err)
	}
}

var locations = []string{"hall", "roof", "lab", "dock", "yard", "gate", "mill"}

func run(w io.Writer, cfg config) (*report, error) {
	s, err := embedis.Open(nil)
	if err != nil {
		return nil, err
	}
	defer s.Close()
	rep := &report{}

	// running aggregates per sensor, owned by the aggregate stage
	var aggMu sync.Mutex
	sums := map[string][2]float64{}

	stages := []stage{
		{name: "validate", in: "sensors:raw", out: "sensors:valid", process: func(f []string) ([]string, bool) {
			v, err := strconv.ParseFloat(f[5], 64)
			if err != nil || v < -50 || v > 150 {
				return nil, false // a broken sensor reading
			}
			return f, true
		}},
		{name: "enrich", in: "sensors:valid", out: "sensors:enriched", process: func(f []string) ([]string, bool) {
			n, _ := strconv.Atoi(f[3][len("sensor-"):])
			return append(slices.Clip(f), "location", locations[n%len(locations)]), true
		}},
		{name: "aggregate", in: "sensors:enriched", out: "sensors:aggregated", process: func(f []string) ([]string, bool) {
			v, _ := strconv.ParseFloat(f[5], 64)
			aggMu.Lock()
			a := sums[f[3]]
			a[0], a[1] = a[0]+v, a[1]+1
			sums[f[3]] = a
			aggMu.Unlock()
			return append(slices.Clip(f), "avg", strconv.FormatFloat(a[0]/a[1], 'f', 2, 64)), true
		}},
		{name: "export", in: "sensors:aggregated"},
	}
	var latMu sync.Mutex
	var lats []time.Duration
	sink := func(f []string) {
		ts, _ := strconv.ParseInt(f[1], 10, 64)
		d := time.Duration(time.Now().UnixNano() - ts)
		latMu.Lock()
		lats = append(lats, d)
		latMu.Unlock()
	}

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var wg sync.WaitGroup
	errc := make(chan error, len(stages)*cfg.workers+1)
	for _, st := range stages {
		g := s.Group(st.in, st.name)
		if err := g.Create(stream.MinID, &embedis.XGroupCreateArgs{MkStream: true}); err != nil {
			return nil, err
		}
		stats := &stageStats{Name: st.name, Stream: st.in}
		rep.Stages = append(rep.Stages, stats)
		for i := 1; i <= cfg.workers; i++ {
			wg.Add(1)
			go func(st stage, consumer string) {
				defer wg.Done()
				if err := work(ctx, s, g, consumer, st, cfg, stats, sink); err != nil && !errors.Is(err, context.Canceled) {
					errc <- fmt.Errorf("%s: %w", st.name, err)
				}
			}(st, st.name+"-"+strconv.Itoa(i))
		}
	}

	// ingest: produce at the configured rate, in 1 ms ticks
	start := time.Now()
	total := int64(float64(cfg.rate) * cfg.duration.Seconds())
	trim := &embedis.XTrimArgs{MaxLen: cfg.maxLen, Approx: true}
	for rep.Produced < total {
		due := min(total, int64(time.Since(start).Seconds()*float64(cfg.rate))+1)
		for ; rep.Produced < due; rep.Produced++ {
			n := rep.Produced
			value := strconv.FormatFloat(20+float64(n%400)/10, 'f', 1, 64)
			if n%500 == 0 {
				value = "999" // out of range: validate drops it
				rep.Invalid++
			}
			_, err := s.XAdd("sensors:raw", &embedis.XAddArgs{Trim: trim},
				"ts", strconv.FormatInt(time.Now().UnixNano(), 10), "sensor", "sensor-"+strconv.FormatInt(n%64, 10), "value", value)
			if err != nil {
				return nil, err
			}
		}
		time.Sleep(time.Millisecond)
	}
	produced := time.Since(start)

	// drain: wait until export has seen every valid event
	want := rep.Produced - rep.Invalid
	deadline := time.Now().Add(30 * time.Second)
	for rep.Stages[len(rep.Stages)-1].processed.Load() < want {
		select {
		case err := <-errc:
			return nil, err
		default:
		}
		if time.Now().After(deadline) {
			return nil, fmt.Errorf("export saw %d of %d events", rep.Stages[len(rep.Stages)-1].processed.Load(), want)
		}
		time.Sleep(time.Millisecond)
	}
	cancel()
	wg.Wait()
	close(errc)
	for err := range errc {
		return nil, err
	}

	rep.Exported = rep.Stages[len(rep.Stages)-1].processed.Load()
	rep.Latencies = lats
	slices.Sort(rep.Latencies)
	fmt.Fprintf(w, "ingest: %d events in %v (%.0f events/s), %d invalid\n", rep.Produced, produced.Round(time.Millisecond),
		float64(rep.Produced)/produced.Seconds(), rep.Invalid)
	fmt.Fprintf(w, "%-10s %-20s %8s %8s %8s %8s %8s %8s\n", "stage", "input stream", "in", "out", "xlen", "lag", "pending", "max lag")
	for _, st := range rep.Stages {
		info, err := s.Group(st.Stream, st.Name).Info()
		if err != nil {
			return nil, err
		}
		st.In, st.Out, st.MaxLag = st.processed.Load(), st.emitted.Load(), st.maxLag.Load()
		st.Len, _ = s.XLen(st.Stream)
		st.Lag, st.Pending = info.Lag, info.Pending
		fmt.Fprintf(w, "%-10s %-20s %8d %8d %8d %8d %8d %8d\n", st.Name, st.Stream, st.In, st.Out, st.Len, st.Lag, st.Pending, st.MaxLag)
	}
	fmt.Fprintf(w, "export: %d events; end-to-end latency p50 %v  p90 %v  p99 %v  max %v\n", rep.Exported,
		rep.percentile(50).Round(time.Microsecond), rep.percentile(90).Round(time.Microsecond),
		rep.percentile(99).Round(time.Microsecond), rep.percentile(100).Round(time.Microsecond))
	return rep, nil
}

// work is one stage consumer: read a batch, process it into the next
// stream, acknowledge it; repeat until ctx ends.
func work(ctx context.Context, s *embedis.Store, g *embedis.StreamGroup, consumer string, st stage, cfg config,
	stats *stageStats, sink func([]string)) error {
	trim := &embedis.XTrimArgs{MaxLen: cfg.maxLen, Approx: true}
	ids := make([]stream.ID, 0, cfg.batch)
	for {
		ents, err := g.Read(ctx, consumer, cfg.batch, 100*time.Millisecond)
		if err != nil {
			return err
		}
		if len(ents) == 0 {
			continue
		}
		if info, err := g.Info(); err == nil && info.LagKnown {
			for {
				m := stats.maxLag.Load()
				if info.Lag <= m || stats.maxLag.CompareAndSwap(m, info.Lag) {
					break
				}
			}
		}
		ids = ids[:0]
		for _, e := range ents {
			ids = append(ids, e.ID)
			if st.out == "" {
				sink(e.Fields)
				continue
			}
			out, keep := st.process(e.Fields)
			if !keep {
				continue
			}
			if _, err := s.XAdd(st.out, &embedis.XAddArgs{Trim: trim}, out...); err != nil {
				return err
			}
			stats.emitted.Add(1)
		}
		if _, err := g.Ack(ids...); err != nil {
			return err
		}
		stats.processed.Add(int64(len(ents)))
	}
}

// Command orders is the seed's stream exercise: a producer writes order
// events to a stream, two consumer groups (fulfillment and analytics) of
// two consumers each process them, one consumer crashes with entries
// pending, and a reclaimer moves entries idle for more than 30 s to
// itself with XAUTOCLAIM, dead-lettering those delivered more than N times
// to the stream "dlq". Time is an injected clock, so "30 s later" takes
// no time. Run it with `go run ./examples/orders`; it prints the counts
// that prove each claim.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"os"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/embedis/embedis"
	"github.com/embedis/embedis/stream"
)

// config is what the run varies.
type config struct {
	orders        int           // how many orders the producer writes
	poisonEvery   int           // every n-th order cannot be fulfilled (0: none)
	maxDeliveries int64         // dead-letter entries delivered more than this
	minIdle       time.Duration // XAUTOCLAIM's min-idle-time
	batch         int           // consumers' COUNT
}

func defaults() config {
	return config{orders: 1000, poisonEvery: 97, maxDeliveries: 3, minIdle: 30 * time.Second, batch: 10}
}

// report holds the counts run prints.
type report struct {
	Produced  int
	Delivered map[string]int            // group -> distinct entries delivered with ">"
	PerConsum map[string]map[string]int // group -> consumer -> entries delivered
	Crashed   string                    // the consumer that crashed
	Stranded  int                       // its pending entries at the crash
	Rounds    int                       // reclaim rounds
	Recovered int                       // stranded entries processed by the reclaimer
	Dead      int                       // entries moved to the dlq
	DLQLen    int64
	Pending   map[string]int64 // group -> pending entries at the end
}

// clock is a controllable clock: it stands still unless advanced.
type clock struct{ ms atomic.Int64 }

func (c *clock) Now() time.Time          { return time.UnixMilli(c.ms.Load()) }
func (c *clock) Advance(d time.Duration) { c.ms.Add(d.Milliseconds()) }

func main() {
	cfg := defaults()
	flag.IntVar(&cfg.orders, "orders", cfg.orders, "orders to produce")
	flag.Int64Var(&cfg.maxDeliveries, "max-deliveries", cfg.maxDeliveries, "dead-letter after this many deliveries")
	flag.Parse()
	if _, err := run(os.Stdout, cfg); err != nil {
		log.Fatal(err)
	}
}

// consumer is one member of a group, running a consumer loop.
type consumer struct {
	g        *embedis.StreamGroup
	name     string
	canFail  bool // fulfillment cannot ship poison orders
	lazyAck  bool // acknowledge a batch when reading the next (commit-on-poll)
	poison   func(fields []string) bool
	batch    int
	seen     *sync.Map // entry ID -> struct{} for the group
	received atomic.Int64
	crashed  atomic.Bool // set before its context is canceled: no goodbye ack
}

// loop reads batches until ctx ends. A lazy-ack consumer acknowledges each
// batch only when it comes back for the next, so a crash strands the
// batch it was working on.
func (c *consumer) loop(ctx context.Context) error {
	var unacked []stream.ID
	for {
		ents, err := c.g.Read(ctx, c.name, c.batch, 20*time.Millisecond)
		if err != nil {
			if !errors.Is(err, context.Canceled) {
				return err
			}
			if c.crashed.Load() {
				return nil // crashed: the batch in hand stays pending
			}
			_, err = c.g.Ack(unacked...) // stopped cleanly: commit
			return err
		}
		if len(ents) == 0 {
			continue
		}
		if c.lazyAck && len(unacked) > 0 {
			if _, err := c.g.Ack(unacked...); err != nil {
				return err
			}
			unacked = unacked[:0]
		}
		var done []stream.ID
		for _, e := range ents {
			c.received.Add(1)
			c.seen.Store(e.ID, struct{}{})
			time.Sleep(20 * time.Microsecond) // the work
			if c.canFail && c.poison(e.Fields) {
				continue // failed: left pending for the reclaimer
			}
			done = append(done, e.ID)
		}
		if c.lazyAck {
			unacked = append(unacked, done...)
			continue
		}
		if _, err := c.g.Ack(done...); err != nil {
			return err
		}
	}
}

func run(w io.Writer, cfg config) (report, error) {
	clk := &clock{}
	clk.ms.Store(time.Date(2025, 1, 1, 12, 0, 0, 0, time.UTC).UnixMilli())
	s, err := embedis.Open(&embedis.Options{Clock: clk})
	if err != nil {
		return report{}, err
	}
	defer s.Close()
	rep := report{Delivered: map[string]int{}, PerConsum: map[string]map[string]int{}, Pending: map[string]int64{}}

	poison := func(fields []string) bool {
		n, _ := strconv.Atoi(fields[1])
		return cfg.poisonEvery > 0 && n%cfg.poisonEvery == 0
	}
	groups := map[string][]*consumer{}
	seen := map[string]*sync.Map{}
	for _, gname := range []string{"fulfillment", "analytics"} {
		g := s.Group("orders", gname)
		if err := g.CreateAtEnd(&embedis.XGroupCreateArgs{MkStream: true}); err != nil {
			return rep, err
		}
		seen[gname] = &sync.Map{}
		for i := 1; i <= 2; i++ {
			name := map[string]string{"fulfillment": "packer-", "analytics": "auditor-"}[gname] + strconv.Itoa(i)
			groups[gname] = append(groups[gname], &consumer{g: g, name: name, canFail: gname == "fulfillment",
				lazyAck: gname == "fulfillment", poison: poison, seen: seen[gname], batch: cfg.batch})
		}
	}

	// the consumers, each with its own context (one will "crash")
	var wg sync.WaitGroup
	cancels := map[string]context.CancelFunc{}
	byName := map[string]*consumer{}
	errs := make(chan error, 4)
	for _, cs := range groups {
		for _, c := range cs {
			ctx, cancel := context.WithCancel(context.Background())
			cancels[c.name] = cancel
			byName[c.name] = c
			wg.Add(1)
			go func(c *consumer) {
				defer wg.Done()
				if err := c.loop(ctx); err != nil {
					errs <- fmt.Errorf("%s: %w", c.name, err)
				}
			}(c)
		}
	}
	stopAll := func() {
		for _, cancel := range cancels {
			cancel()
		}
		wg.Wait()
	}

	// the producer
	for i := 1; i <= cfg.orders; i++ {
		if _, err := s.XAdd("orders", nil, "order", strconv.Itoa(i), "sku", "sku-"+strconv.Itoa(i%37), "qty", strconv.Itoa(1+i%5)); err != nil {
			stopAll()
			return rep, err
		}
		if i%25 == 0 {
			time.Sleep(time.Millisecond) // orders trickle in
		}
	}
	rep.Produced = cfg.orders
	fmt.Fprintf(w, "producer: %d orders added to stream \"orders\"\n", rep.Produced)

	// wait until both groups have been handed every entry
	deadline := time.Now().Add(10 * time.Second)
	for {
		done := true
		for gname := range groups {
			info, err := s.Group("orders", gname).Info()
			if err != nil || !info.LagKnown || info.Lag != 0 || info.LastDeliveredID.IsZero() {
				done = false
			}
		}
		if done {
			break
		}
		if time.Now().After(deadline) {
			stopAll()
			return rep, errors.New("consumers did not catch up")
		}
		time.Sleep(time.Millisecond)
	}

	// packer-2 crashes with the batch it is working on
	rep.Crashed = "packer-2"
	byName[rep.Crashed].crashed.Store(true)
	cancels[rep.Crashed]()
	time.Sleep(5 * time.Millisecond)
	stopAll()
	close(errs)
	for err := range errs {
		return rep, err
	}
	for _, gname := range []string{"fulfillment", "analytics"} {
		cs := groups[gname]
		rep.PerConsum[gname] = map[string]int{}
		n := 0
		seen[gname].Range(func(any, any) bool { n++; return true })
		rep.Delivered[gname] = n
		fmt.Fprintf(w, "group %s: %d of %d orders delivered;", gname, n, rep.Produced)
		for _, c := range cs {
			rep.PerConsum[gname][c.name] = int(c.received.Load())
			fmt.Fprintf(w, " %s %d (%.0f%%)", c.name, c.received.Load(), 100*float64(c.received.Load())/float64(rep.Produced))
		}
		fmt.Fprintln(w)
	}
	ful := s.Group("orders", "fulfillment")
	rows, err := ful.PendingRange(embedis.XPendingArgs{Start: stream.MinID, End: stream.MaxID, Count: 1 << 20, Consumer: rep.Crashed})
	if err != nil {
		return rep, err
	}
	stranded := map[stream.ID]bool{}
	for _, r := range rows {
		ents, _ := s.XRange("orders", r.ID, r.ID, 1)
		if len(ents) == 1 && !poison(ents[0].Fields) {
			stranded[r.ID] = true
		}
	}
	rep.Stranded = len(stranded)
	sum, _ := ful.Pending()
	fmt.Fprintf(w, "%s crashed holding %d orders it had not acknowledged; fulfillment has %d pending in all (the other %d failed: unshippable orders)\n",
		rep.Crashed, rep.Stranded, sum.Count, sum.Count-int64(rep.Stranded))

	// the reclaimer: every "30 s", take over idle entries; dead-letter
	// those delivered more than maxDeliveries times
	for rep.Rounds = 1; ; rep.Rounds++ {
		clk.Advance(cfg.minIdle + time.Second)
		var claimed []embedis.StreamEntry
		start := stream.MinID
		for {
			next, got, _, err := ful.AutoClaim("reclaimer", cfg.minIdle, start, 100)
			if err != nil {
				return rep, err
			}
			claimed = append(claimed, got...)
			if next.IsZero() {
				break
			}
			start = next
		}
		if len(claimed) == 0 {
			rep.Rounds--
			break
		}
		retried, dead, recovered := 0, 0, 0
		for _, e := range claimed {
			p, err := ful.PendingRange(embedis.XPendingArgs{Start: e.ID, End: e.ID, Count: 1})
			if err != nil || len(p) != 1 {
				return rep, fmt.Errorf("pending entry %v: %v", e.ID, err)
			}
			switch {
			case p[0].RetryCount > cfg.maxDeliveries:
				fields := append([]string{"origin", e.ID.String(), "deliveries", strconv.FormatInt(p[0].RetryCount, 10)}, e.Fields...)
				if _, err := s.XAdd("dlq", nil, fields...); err != nil {
					return rep, err
				}
				ful.Ack(e.ID)
				dead++
			case poison(e.Fields):
				retried++ // fails again; stays pending
			default:
				ful.Ack(e.ID)
				if stranded[e.ID] {
					recovered++
				}
			}
		}
		rep.Dead += dead
		rep.Recovered += recovered
		fmt.Fprintf(w, "reclaim round %d (+%v): claimed %d idle > %v: %d recovered, %d failed again, %d dead-lettered\n",
			rep.Rounds, cfg.minIdle+time.Second, len(claimed), cfg.minIdle, recovered, retried, dead)
	}
	rep.DLQLen, _ = s.XLen("dlq")
	for gname := range groups {
		sum, err := s.Group("orders", gname).Pending()
		if err != nil {
			return rep, err
		}
		rep.Pending[gname] = sum.Count
	}
	fmt.Fprintf(w, "dead-letter stream \"dlq\": %d entries (delivered more than %d times)\n", rep.DLQLen, cfg.maxDeliveries)
	fmt.Fprintf(w, "pending at the end: fulfillment %d, analytics %d\n", rep.Pending["fulfillment"], rep.Pending["analytics"])
	return rep, nil
}

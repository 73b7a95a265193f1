// Command uniques is the seed's unique-visitor counter: PFADD
// pageviews:{date}:{url} {user} for each page view, PFCOUNT for the daily
// uniques, and PFMERGE of the days into a monthly counter — printing the
// measured error against the exact count and the bytes each counter uses.
// Run it with `go run ./examples/uniques` (add -visitors for more).
package main

import (
	"flag"
	"fmt"
	"log"
	"math"
	"math/rand/v2"
	"strconv"

	"github.com/embedis/embedis"
)

// Result is what run measured.
type Result struct {
	Visitors          int
	DailyExact        []int
	DailyEstimate     []int64
	MonthExact        int
	MonthEstimate     int64
	WorstDailyErrPct  float64
	MonthErrPct       float64
	BytesPerCounter   int
	ExactSetBytesHint int
}

func run(visitors, days int, verbose bool) Result {
	s := embedis.MustOpen(nil)
	defer s.Close()
	r := rand.New(rand.NewPCG(3, 4))
	res := Result{Visitors: visitors}
	month := map[int]bool{}
	url := "/pricing"
	var dayKeys []string
	for d := 1; d <= days; d++ {
		key := fmt.Sprintf("pageviews:2026-11-%02d:%s", d, url)
		dayKeys = append(dayKeys, key)
		seen := map[int]bool{}
		batch := make([]string, 0, 1000)
		// each day, visitors come from a population of 3× the daily count,
		// and some visit several times
		for v := 0; v < visitors; v++ {
			id := r.IntN(visitors * 3)
			seen[id], month[id] = true, true
			batch = append(batch, "user:"+strconv.Itoa(id))
			if len(batch) == cap(batch) {
				if _, err := s.PFAdd(key, batch...); err != nil {
					log.Fatal(err)
				}
				batch = batch[:0]
			}
		}
		if len(batch) > 0 {
			s.PFAdd(key, batch...)
		}
		est, err := s.PFCount(key)
		if err != nil {
			log.Fatal(err)
		}
		res.DailyExact = append(res.DailyExact, len(seen))
		res.DailyEstimate = append(res.DailyEstimate, est)
		e := 100 * math.Abs(float64(est)-float64(len(seen))) / float64(len(seen))
		res.WorstDailyErrPct = math.Max(res.WorstDailyErrPct, e)
		if verbose {
			fmt.Printf("%s  exact %8d  PFCOUNT %8d  error %.3f%%\n", key, len(seen), est, e)
		}
	}
	if err := s.PFMerge("pageviews:2026-11:"+url, dayKeys...); err != nil {
		log.Fatal(err)
	}
	res.MonthEstimate, _ = s.PFCount("pageviews:2026-11:" + url)
	res.MonthExact = len(month)
	res.MonthErrPct = 100 * math.Abs(float64(res.MonthEstimate)-float64(res.MonthExact)) / float64(res.MonthExact)
	raw, _ := s.Get(dayKeys[0])
	res.BytesPerCounter = len(raw)
	res.ExactSetBytesHint = res.DailyExact[0] * 16 // a set of ids would hold ~16+ B each
	if verbose {
		fmt.Printf("month (PFMERGE of %d days): exact %d  PFCOUNT %d  error %.3f%%\n",
			days, res.MonthExact, res.MonthEstimate, res.MonthErrPct)
		fmt.Printf("each counter is a %d-byte string (an exact set of the same day's ids: >= %d bytes;\n", res.BytesPerCounter, res.ExactSetBytesHint)
		fmt.Println("Redis's dense encoding is 12 KB: embedis keeps 8-bit registers, 16 KB)")
	}
	return res
}

func main() {
	visitors := flag.Int("visitors", 1_000_000, "page views per day")
	days := flag.Int("days", 3, "days in the month to simulate")
	flag.Parse()
	run(*visitors, *days, true)
}

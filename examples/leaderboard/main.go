// Command leaderboard is the seed's gaming leaderboard: scores go into an
// hourly sorted set with ZINCRBY, the top 100 comes from ZREVRANGE 0 99
// WITHSCORES, a player's rank from ZREVRANK; every hour the board is
// rotated with RENAME + EXPIRE; and a sliding 5-minute window (one sorted
// set per minute) is merged with ZUNIONSTORE to answer "rank and score in
// the last 5 minutes". Time is simulated, so it runs instantly: `go run
// ./examples/leaderboard`.
package main

import (
	"fmt"
	"log"
	"math/rand/v2"
	"os"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/embedis/embedis"
)

// clock is a controllable clock for the simulation.
type clock struct{ ms atomic.Int64 }

func (c *clock) Now() time.Time          { return time.UnixMilli(c.ms.Load()) }
func (c *clock) Advance(d time.Duration) { c.ms.Add(d.Milliseconds()) }

const board = "scores:hourly"

// Leaderboard wraps the store with the seed's operations.
type Leaderboard struct {
	s   *embedis.Store
	clk *clock
}

// Record adds delta to a player's hourly score and to the current minute.
func (l *Leaderboard) Record(player string, delta float64) {
	l.s.ZIncrBy(board, delta, player)
	minute := l.minuteKey(l.clk.Now())
	l.s.ZIncrBy(minute, delta, player)
	l.s.Expire(minute, 10*time.Minute, nil) // minutes older than the window fade away
}

func (l *Leaderboard) minuteKey(t time.Time) string {
	return "scores:minute:" + t.UTC().Format("200601021504")
}

// Top returns the top n of the hour.
func (l *Leaderboard) Top(n int64) []embedis.Z {
	z, err := l.s.ZRevRangeWithScores(board, 0, n-1)
	if err != nil {
		log.Fatal(err)
	}
	return z
}

// Rank returns a player's 1-based hourly rank, or 0.
func (l *Leaderboard) Rank(player string) int64 {
	r, err := l.s.ZRevRank(board, player)
	if err != nil {
		return 0
	}
	return r + 1
}

// Rotate renames the hourly board to its hour and keeps it 24 h.
func (l *Leaderboard) Rotate() string {
	hourKey := l.clk.Now().UTC().Add(-time.Hour).Format("scores:2006010215")
	if err := l.s.Rename(board, hourKey); err != nil {
		log.Fatal(err)
	}
	l.s.Expire(hourKey, 24*time.Hour, nil)
	return hourKey
}

// Window merges the last 5 minutes and returns a player's rank (1-based,
// 0 if absent) and score in that window.
func (l *Leaderboard) Window(player string) (int64, float64) {
	var keys []string
	now := l.clk.Now()
	for i := 0; i < 5; i++ {
		keys = append(keys, l.minuteKey(now.Add(-time.Duration(i)*time.Minute)))
	}
	if _, err := l.s.ZUnionStore("scores:window", keys, nil); err != nil {
		log.Fatal(err)
	}
	r, err := l.s.ZRevRank("scores:window", player)
	if err != nil {
		return 0, 0
	}
	sc, _ := l.s.ZScore("scores:window", player)
	return r + 1, sc
}

// Result is what run reports, for the test.
type Result struct {
	Players, Events   int
	TopScore, Exact   float64
	TopPlayer         string
	Rank              int64
	RotatedTo         string
	RotatedTTL        time.Duration
	NewBoardEmpty     bool
	WindowRank        int64
	WindowScore       float64
	WindowScoreWanted float64
}

func run(verbose bool) Result {
	clk := &clock{}
	clk.ms.Store(time.Date(2026, 11, 25, 14, 0, 0, 0, time.UTC).UnixMilli())
	s := embedis.MustOpen(&embedis.Options{Clock: clk})
	defer s.Close()
	l := &Leaderboard{s: s, clk: clk}
	r := rand.New(rand.NewPCG(1, 2))
	exact := map[string]float64{}
	lastFive := map[string]float64{}
	var res Result
	res.Players = 5000
	for minute := 0; minute < 60; minute++ {
		for e := 0; e < 1000; e++ {
			p := "player:" + strconv.Itoa(int(r.ExpFloat64()*500)%res.Players)
			d := float64(1 + r.IntN(10))
			l.Record(p, d)
			exact[p] += d
			if minute >= 55 {
				lastFive[p] += d
			}
			res.Events++
		}
		clk.Advance(time.Minute)
	}
	clk.Advance(-time.Second) // still inside the last minute of the hour
	top := l.Top(100)
	res.TopPlayer, res.TopScore = top[0].Member, top[0].Score
	res.Exact = exact[res.TopPlayer]
	res.Rank = l.Rank(res.TopPlayer)
	res.WindowRank, res.WindowScore = l.Window("player:0")
	res.WindowScoreWanted = lastFive["player:0"]
	if verbose {
		fmt.Printf("%d events from %d players in one simulated hour\n", res.Events, len(exact))
		fmt.Println("top 5 of the hour (ZREVRANGE scores:hourly 0 99 WITHSCORES):")
		for i, z := range top[:5] {
			fmt.Printf("  %d. %-12s %6.0f\n", i+1, z.Member, z.Score)
		}
		fmt.Printf("ZREVRANK of %s -> rank %d (exact score %.0f)\n", res.TopPlayer, res.Rank, res.Exact)
		fmt.Printf("last 5 minutes via ZUNIONSTORE: player:0 rank %d, score %.0f (exact %.0f)\n",
			res.WindowRank, res.WindowScore, res.WindowScoreWanted)
	}
	clk.Advance(time.Second)
	res.RotatedTo = l.Rotate()
	res.RotatedTTL, _ = s.TTL(res.RotatedTo)
	res.NewBoardEmpty = s.Exists(board) == 0
	if verbose {
		fmt.Printf("rotated: RENAME %s %s, EXPIRE 86400 -> TTL %v; new hour starts empty: %v\n",
			board, res.RotatedTo, res.RotatedTTL, res.NewBoardEmpty)
	}
	return res
}

func main() {
	res := run(true)
	if res.TopScore != res.Exact || res.Rank != 1 || res.WindowScore != res.WindowScoreWanted {
		fmt.Println("MISMATCH")
		os.Exit(1)
	}
}

package main

import (
	"testing"
	"time"
)

func TestLeaderboard(t *testing.T) {
	res := run(false)
	if res.TopScore != res.Exact {
		t.Fatalf("top score %v, exact %v", res.TopScore, res.Exact)
	}
	if res.Rank != 1 {
		t.Fatalf("the top player's ZREVRANK+1 is %d", res.Rank)
	}
	if res.WindowScore != res.WindowScoreWanted || res.WindowRank < 1 {
		t.Fatalf("window: rank %d score %v, want score %v", res.WindowRank, res.WindowScore, res.WindowScoreWanted)
	}
	if res.RotatedTo != "scores:2026112514" || res.RotatedTTL != 24*time.Hour || !res.NewBoardEmpty {
		t.Fatalf("rotation: %+v", res)
	}
}

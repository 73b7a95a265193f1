package main

import "testing"

func TestUniques(t *testing.T) {
	res := run(200_000, 3, false)
	if res.WorstDailyErrPct > 2 || res.MonthErrPct > 2 {
		t.Fatalf("error too large: daily %.3f%%, month %.3f%%", res.WorstDailyErrPct, res.MonthErrPct)
	}
	// Redis's dense HLL packs 16384 6-bit registers in 12 KB; embedis's
	// sketch keeps 8-bit registers: 16 KB plus a 24-byte header.
	if res.BytesPerCounter > 16*1024+64 {
		t.Fatalf("a counter uses %d bytes (want at most ~16 KB)", res.BytesPerCounter)
	}
	if res.MonthExact <= res.DailyExact[0] {
		t.Fatalf("month %d not above a day %d", res.MonthExact, res.DailyExact[0])
	}
}

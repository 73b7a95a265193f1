package difftest

import "testing"

func TestEqual(t *testing.T) {
	const (
		ab    = "*2\r\n$1\r\na\r\n$1\r\nb\r\n"
		ba    = "*2\r\n$1\r\nb\r\n$1\r\na\r\n"
		aa    = "*2\r\n$1\r\na\r\n$1\r\na\r\n"
		setAB = "~2\r\n$1\r\na\r\n$1\r\nb\r\n"
		setBA = "~2\r\n$1\r\nb\r\n$1\r\na\r\n"
		// HGETALL f1=v1, f2=v2 as a flat array and as a map.
		pairs12  = "*4\r\n$2\r\nf1\r\n$2\r\nv1\r\n$2\r\nf2\r\n$2\r\nv2\r\n"
		pairs21  = "*4\r\n$2\r\nf2\r\n$2\r\nv2\r\n$2\r\nf1\r\n$2\r\nv1\r\n"
		crossed  = "*4\r\n$2\r\nf1\r\n$2\r\nv2\r\n$2\r\nf2\r\n$2\r\nv1\r\n"
		map12    = "%2\r\n$2\r\nf1\r\n$2\r\nv1\r\n$2\r\nf2\r\n$2\r\nv2\r\n"
		map21    = "%2\r\n$2\r\nf2\r\n$2\r\nv2\r\n$2\r\nf1\r\n$2\r\nv1\r\n"
		mapCross = "%2\r\n$2\r\nf1\r\n$2\r\nv2\r\n$2\r\nf2\r\n$2\r\nv1\r\n"
	)
	for _, tc := range []struct {
		mode Mode
		tol  int64
		a, b string
		want bool
	}{
		{ModeExact, 0, "+OK\r\n", "+OK\r\n", true},
		{ModeExact, 0, ab, ba, false},
		{ModeExact, 0, "", "", true},

		{ModeSorted, 0, ab, ba, true},
		{ModeSorted, 0, ab, aa, false},                  // multiset, not set
		{ModeSorted, 0, ab, setBA, false},               // type matters
		{ModeSorted, 0, setAB, setBA, true},             // RESP3 SMEMBERS
		{ModeSorted, 0, ab, "*1\r\n$1\r\na\r\n", false}, // count matters
		{ModeSorted, 0, map12, map21, true},             // map: entries move as a whole
		{ModeSorted, 0, map12, mapCross, false},
		{ModeSorted, 0, "$1\r\na\r\n", "$1\r\nb\r\n", false}, // not an aggregate: exact
		{ModeSorted, 0, "*-1\r\n", "*0\r\n", false},
		{ModeSorted, 0, "junk", "junk", true},
		{ModeSorted, 0, "junk", "junk2", false},

		{ModeSortedPairs, 0, pairs12, pairs21, true},
		{ModeSortedPairs, 0, pairs12, crossed, false},
		{ModeSorted, 0, pairs12, crossed, true}, // why !sort pairs exists

		{ModeType, 0, "$3\r\nfoo\r\n", "$5\r\nhello\r\n", true},
		{ModeType, 0, "$3\r\nfoo\r\n", "$-1\r\n", false},
		{ModeType, 0, "$3\r\nfoo\r\n", "+foo\r\n", false},
		{ModeType, 0, ab, "*2\r\n:1\r\n:2\r\n", true},
		{ModeType, 0, ab, "*3\r\n:1\r\n:2\r\n:3\r\n", false},
		{ModeType, 0, ":1\r\n", ":99\r\n", true},

		{ModeApprox, 1000, ":99500\r\n", ":100000\r\n", true},
		{ModeApprox, 1000, ":100000\r\n", ":98999\r\n", false},
		{ModeApprox, 1, ":-1\r\n", ":-2\r\n", false}, // sentinels are exact
		{ModeApprox, 1, ":0\r\n", ":-1\r\n", false},
		{ModeApprox, 1, ":-2\r\n", ":-2\r\n", true},
		{ModeApprox, 5, "*2\r\n:10\r\n:-1\r\n", "*2\r\n:14\r\n:-1\r\n", true},
		{ModeApprox, 5, "*2\r\n:10\r\n:-1\r\n", "*2\r\n:16\r\n:-1\r\n", false},
		{ModeApprox, 5, "$2\r\n10\r\n", "$2\r\n11\r\n", false},
		{ModeApprox, 1 << 62, ":9223372036854775807\r\n", ":0\r\n", false},
	} {
		if got := Equal(tc.mode, tc.tol, []byte(tc.a), []byte(tc.b)); got != tc.want {
			t.Errorf("Equal(%v, %d, %q, %q) = %v, want %v", tc.mode, tc.tol, tc.a, tc.b, got, tc.want)
		}
		if got := Equal(tc.mode, tc.tol, []byte(tc.b), []byte(tc.a)); got != tc.want {
			t.Errorf("Equal(%v, %d, %q, %q) (swapped) = %v, want %v", tc.mode, tc.tol, tc.b, tc.a, got, tc.want)
		}
	}
}

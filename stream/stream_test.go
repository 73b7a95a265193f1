package stream

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"testing"
	"unsafe"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// newChecked returns a stream whose invariants are checked when the test
// ends.
func newChecked(t *testing.T) *Stream {
	s := New()
	t.Cleanup(func() { require.NoError(t, s.Check()) })
	return s
}

func id(ms, seq uint64) ID { return ID{ms, seq} }

func add(t *testing.T, s *Stream, want ID, fv ...string) {
	t.Helper()
	got, err := s.Add(IDSpec{ID: want}, 0, fv)
	require.NoError(t, err)
	require.Equal(t, want, got)
}

// all returns the live entries as "id:f=v,f=v".
func all(s *Stream, rev bool) []string {
	var out []string
	s.Range(MinID, MaxID, rev, func(i ID, kv []string) bool {
		var b strings.Builder
		b.WriteString(i.String() + ":")
		for j := 0; j < len(kv); j += 2 {
			if j > 0 {
				b.WriteByte(',')
			}
			b.WriteString(kv[j] + "=" + kv[j+1])
		}
		out = append(out, b.String())
		return true
	})
	return out
}

func TestID_ParseArg(t *testing.T) {
	cases := []struct {
		in             string
		missing        uint64
		strict, seqOK  bool
		want           ID
		seqAuto, isErr bool
	}{
		{in: "1-2", want: id(1, 2)},
		{in: "5", want: id(5, 0)},
		{in: "5", missing: math.MaxUint64, want: id(5, math.MaxUint64)},
		{in: "-", want: MinID},
		{in: "+", want: MaxID},
		{in: "-", strict: true, isErr: true},
		{in: "+", strict: true, isErr: true},
		{in: "7-*", seqOK: true, want: id(7, 0), seqAuto: true},
		{in: "7-*", isErr: true},
		{in: " 5-1", want: id(5, 1)},  // strtoull skips spaces
		{in: "+5-1", want: id(5, 1)},  // and takes a sign
		{in: "05-01", want: id(5, 1)}, // and leading zeros
		{in: "5--1", isErr: true},     // string2ll sees -1: negative
		{in: "5--01", want: id(5, math.MaxUint64)},
		{in: "5-1\x00junk", want: id(5, 1)}, // C strings end at NUL
		{in: "18446744073709551615-18446744073709551615", want: MaxID},
		{in: "18446744073709551616", isErr: true},
		{in: "", isErr: true},
		{in: "x", isErr: true},
		{in: "1-", isErr: true},
		{in: "-1", isErr: true},
		{in: "1-2-3", isErr: true},
		{in: strings.Repeat("1", 128), isErr: true},
	}
	for _, c := range cases {
		a, err := ParseArg(c.in, c.missing, c.strict, c.seqOK)
		if c.isErr {
			assert.Error(t, err, "%q", c.in)
			continue
		}
		require.NoError(t, err, "%q", c.in)
		assert.Equal(t, c.want, a.ID, "%q", c.in)
		assert.Equal(t, c.seqAuto, a.SeqAuto, "%q", c.in)
	}
	assert.Equal(t, "18446744073709551615-0", id(math.MaxUint64, 0).String())
}

func TestID_NextPrev(t *testing.T) {
	n, ok := id(1, math.MaxUint64).Next()
	assert.True(t, ok)
	assert.Equal(t, id(2, 0), n)
	_, ok = MaxID.Next()
	assert.False(t, ok)
	p, ok := id(2, 0).Prev()
	assert.True(t, ok)
	assert.Equal(t, id(1, math.MaxUint64), p)
	_, ok = MinID.Prev()
	assert.False(t, ok)
}

func TestStream_AddIDRules(t *testing.T) {
	s := newChecked(t)
	got, err := s.Add(IDSpec{Auto: true}, 1000, []string{"f", "v"})
	require.NoError(t, err)
	assert.Equal(t, id(1000, 0), got)
	// the clock going backwards reuses the last ms
	got, err = s.Add(IDSpec{Auto: true}, 900, []string{"f", "v"})
	require.NoError(t, err)
	assert.Equal(t, id(1000, 1), got)
	got, err = s.Add(IDSpec{ID: id(1000, 0), SeqAuto: true}, 0, []string{"f", "v"})
	require.NoError(t, err)
	assert.Equal(t, id(1000, 2), got)
	got, err = s.Add(IDSpec{ID: id(2000, 0), SeqAuto: true}, 0, []string{"f", "v"})
	require.NoError(t, err)
	assert.Equal(t, id(2000, 0), got)
	_, err = s.Add(IDSpec{ID: id(1999, 0), SeqAuto: true}, 0, []string{"f", "v"})
	assert.Equal(t, ErrIDNotGreater, err)
	_, err = s.Add(IDSpec{ID: id(2000, 0)}, 0, []string{"f", "v"})
	assert.Equal(t, ErrIDNotGreater, err)
	add(t, s, id(3000, math.MaxUint64), "f", "v")
	_, err = s.Add(IDSpec{ID: id(3000, 0), SeqAuto: true}, 0, []string{"f", "v"})
	assert.Equal(t, ErrIDNotGreater, err)
	got, err = s.Add(IDSpec{Auto: true}, 10, []string{"f", "v"})
	require.NoError(t, err)
	assert.Equal(t, id(3001, 0), got, "sequence overflow moves to the next ms")
	add(t, s, MaxID, "f", "v")
	_, err = s.Add(IDSpec{Auto: true}, 10, []string{"f", "v"})
	assert.Equal(t, ErrExhausted, err)
	assert.Equal(t, uint64(7), s.Len())
	assert.Equal(t, uint64(7), s.EntriesAdded())
}

func TestStream_RangeAndFields(t *testing.T) {
	s := newChecked(t)
	add(t, s, id(1, 0), "a", "1", "b", "2")
	add(t, s, id(1, 5), "a", "3", "b", "4") // same fields: compressed
	add(t, s, id(3, 0), "x", "", "", "y")   // different fields
	add(t, s, id(3, 1), "a", "5")
	assert.Equal(t, []string{"1-0:a=1,b=2", "1-5:a=3,b=4", "3-0:x=,=y", "3-1:a=5"}, all(s, false))
	assert.Equal(t, []string{"3-1:a=5", "3-0:x=,=y", "1-5:a=3,b=4", "1-0:a=1,b=2"}, all(s, true))
	var got []ID
	s.Range(id(1, 1), id(3, 0), false, func(i ID, _ []string) bool { got = append(got, i); return true })
	assert.Equal(t, []ID{id(1, 5), id(3, 0)}, got)
	got = nil
	s.Range(id(1, 1), id(3, 0), true, func(i ID, _ []string) bool { got = append(got, i); return true })
	assert.Equal(t, []ID{id(3, 0), id(1, 5)}, got)
	got = nil
	s.Range(id(3, 0), id(1, 0), false, func(i ID, _ []string) bool { got = append(got, i); return true })
	assert.Empty(t, got)
	kv, ok := s.Get(id(1, 5))
	require.True(t, ok)
	assert.Equal(t, []string{"a", "3", "b", "4"}, kv)
	_, ok = s.Get(id(1, 4))
	assert.False(t, ok)
}

func TestStream_DeleteTombstones(t *testing.T) {
	s := newChecked(t)
	for i := uint64(1); i <= 5; i++ {
		add(t, s, id(i, 0), "f", strconv.FormatUint(i, 10))
	}
	assert.Equal(t, 2, s.Delete([]ID{id(1, 0), id(3, 0), id(9, 0), id(3, 0)}))
	assert.Equal(t, id(2, 0), s.FirstID())
	assert.Equal(t, id(3, 0), s.MaxDeletedID())
	assert.Equal(t, uint64(3), s.Len())
	assert.Equal(t, 1, s.Nodes())
	assert.Equal(t, 3, s.Delete([]ID{id(2, 0), id(4, 0), id(5, 0)}))
	assert.Equal(t, 0, s.Nodes(), "a node without live entries is freed")
	assert.Equal(t, ID{}, s.FirstID())
	assert.Equal(t, id(5, 0), s.LastID(), "the last ID never goes back")
	_, err := s.Add(IDSpec{ID: id(5, 0)}, 0, []string{"f", "v"})
	assert.Equal(t, ErrIDNotGreater, err)
}

// TestStream_NodeBoundaries checks Redis's own test: 1000 XADDs with
// MAXLEN ~ 555 leave 600 entries (100 per node).
func TestStream_NodeBoundaries(t *testing.T) {
	s := newChecked(t)
	for i := uint64(1); i <= 1000; i++ {
		add(t, s, id(i, 0), "xitem", strconv.FormatUint(i, 10))
		s.Trim(Trim{MaxLen: 555, Approx: true, Limit: DefaultApproxLimit})
	}
	assert.Equal(t, uint64(600), s.Len())
	assert.Equal(t, 6, s.Nodes())
	// exact trimming marks entries of the first node
	assert.Equal(t, int64(45), s.Trim(Trim{MaxLen: 555}))
	assert.Equal(t, uint64(555), s.Len())
	assert.Equal(t, 6, s.Nodes())
	assert.Equal(t, id(446, 0), s.FirstID())
	// LIMIT caps whole-node removal
	assert.Equal(t, int64(0), s.Trim(Trim{MaxLen: 0, Approx: true, Limit: 50}))
	assert.Equal(t, int64(55), s.Trim(Trim{MaxLen: 0, Approx: true, Limit: 100}))
	assert.Equal(t, int64(500), s.Trim(Trim{MaxLen: 0}))
	assert.Equal(t, 0, s.Nodes())
}

func TestStream_NodeBoundariesByBytes(t *testing.T) {
	s := newChecked(t)
	big := strings.Repeat("x", 500)
	for i := uint64(1); i <= 30; i++ {
		add(t, s, id(i, 0), "field", big)
	}
	// 7 + master entry, then ~510 bytes per entry: 7 entries per node
	assert.Equal(t, 5, s.Nodes())
	assert.Equal(t, int64(28), s.Trim(Trim{MaxLen: 2, Approx: true, Limit: DefaultApproxLimit}))
	assert.Equal(t, uint64(2), s.Len())
}

func TestStream_MinIDTrim(t *testing.T) {
	s := newChecked(t)
	for i := uint64(1); i <= 250; i++ {
		add(t, s, id(i, 1), "f", "v")
	}
	assert.Equal(t, int64(200), s.Trim(Trim{ByMinID: true, MinID: id(240, 0), Approx: true, Limit: DefaultApproxLimit}))
	assert.Equal(t, int64(39), s.Trim(Trim{ByMinID: true, MinID: id(240, 1)}))
	assert.Equal(t, id(240, 1), s.FirstID())
	assert.Equal(t, ID{}, s.MaxDeletedID(), "trimming does not set max-deleted-entry-id")
	// a node whose live entries all fall below MINID but whose last
	// tombstone does not stays, empty, as in Redis
	s.Delete([]ID{id(250, 1)})
	assert.Equal(t, int64(10), s.Trim(Trim{ByMinID: true, MinID: id(250, 1)}))
	assert.Equal(t, uint64(0), s.Len())
	assert.Equal(t, 1, s.Nodes())
	add(t, s, id(251, 0), "f", "v")
	assert.Equal(t, []string{"251-0:f=v"}, all(s, false))
}

func TestStream_SetID(t *testing.T) {
	s := newChecked(t)
	add(t, s, id(5, 0), "f", "v")
	assert.Equal(t, ErrSetIDBelowTop, s.SetID(id(4, 0), -1, ID{}))
	assert.Equal(t, ErrSetIDEntriesAdded, s.SetID(id(9, 0), 0, ID{}))
	require.NoError(t, s.SetID(id(9, 0), 10, id(8, 0)))
	assert.Equal(t, id(9, 0), s.LastID())
	assert.Equal(t, uint64(10), s.EntriesAdded())
	assert.Equal(t, id(8, 0), s.MaxDeletedID())
	assert.Equal(t, ErrSetIDBelowMaxDeleted, s.SetID(id(7, 0), -1, ID{}))
}

func TestStream_RadixTreeNodes(t *testing.T) {
	cases := []struct {
		keys []ID
		want int
	}{
		{nil, 1},
		{[]ID{id(1, 0)}, 2},
		{[]ID{id(1, 0), id(1, 1)}, 4},           // shared 15 bytes, one branch, two leaves
		{[]ID{id(1, 0), id(256, 0)}, 6},         // branch at byte 6, a 9-byte run under each
		{[]ID{id(1, 0), id(1, 1), id(1, 2)}, 5}, // branch with three leaves
	}
	for _, c := range cases {
		s := New()
		for _, k := range c.keys {
			add(t, s, k, "f", "v")
			s.tail = nil // force a node per entry
		}
		assert.Equal(t, c.want, s.RadixTreeNodes(), "%v", c.keys)
	}
}

func TestStream_CloneIsDeep(t *testing.T) {
	s := newChecked(t)
	add(t, s, id(1, 0), "f", "v")
	add(t, s, id(2, 0), "f", "w")
	g := s.CreateGroup("g", ID{}, InvalidEntriesRead)
	c := s.CreateConsumer(g, "c", 10)
	s.ReadNew(g, c, g.LastID, 1, false, 10, func(ID, []string, *Pending) {})
	cp := s.Clone().(*Stream)
	t.Cleanup(func() { require.NoError(t, cp.Check()) })
	add(t, s, id(3, 0), "f", "x")
	s.Delete([]ID{id(1, 0)})
	s.Ack(g, id(1, 0))
	assert.Equal(t, []string{"1-0:f=v", "2-0:f=w"}, all(cp, false))
	cg := cp.Group("g")
	require.NotNil(t, cg)
	assert.Equal(t, 1, cg.PendingCount())
	assert.Equal(t, 1, cg.Consumer("c").PendingCount())
	assert.NotSame(t, g, cg)
}

func TestGroup_DeliveryAndClaims(t *testing.T) {
	s := newChecked(t)
	for i := uint64(1); i <= 5; i++ {
		add(t, s, id(i, 0), "n", strconv.FormatUint(i, 10))
	}
	g := s.CreateGroup("g", ID{}, InvalidEntriesRead)
	require.Nil(t, s.CreateGroup("g", ID{}, 0), "duplicate group")
	alice := s.CreateConsumer(g, "alice", 100)
	bob := s.CreateConsumer(g, "bob", 100)
	var got []ID
	collect := func(i ID, _ []string, _ *Pending) { got = append(got, i) }
	n, moved := s.ReadNew(g, alice, g.LastID, 2, false, 100, collect)
	assert.Equal(t, 2, n)
	assert.True(t, moved)
	assert.Equal(t, int64(2), g.EntriesRead)
	s.ReadNew(g, bob, g.LastID, 0, false, 200, collect)
	assert.Equal(t, []ID{id(1, 0), id(2, 0), id(3, 0), id(4, 0), id(5, 0)}, got)
	lag, ok := s.Lag(g)
	assert.True(t, ok)
	assert.Equal(t, int64(0), lag)

	// history: bob's own entries after 3-0, counts bumped
	got = nil
	s.ReadHistory(bob, id(3, 0), 0, 300, collect)
	assert.Equal(t, []ID{id(4, 0), id(5, 0)}, got)
	assert.Equal(t, int64(2), g.PendingEntry(id(4, 0)).DeliveryCount)
	assert.Equal(t, int64(300), g.PendingEntry(id(4, 0)).DeliveryTime)

	// claim: min idle, then a real transfer
	res, _ := s.Claim(g, alice, id(4, 0), ClaimArgs{MinIdle: 1000, DeliveryTime: 400, RetryCount: -1}, 400)
	assert.Equal(t, ClaimSkipped, res)
	res, p := s.Claim(g, alice, id(4, 0), ClaimArgs{DeliveryTime: 400, RetryCount: -1}, 400)
	assert.Equal(t, ClaimOK, res)
	assert.Same(t, alice, p.Consumer)
	assert.Equal(t, int64(3), p.DeliveryCount)
	assert.Equal(t, 3, alice.PendingCount())
	assert.Equal(t, 2, bob.PendingCount())

	// a deleted entry is dropped from the PEL when claimed
	s.Delete([]ID{id(5, 0)})
	res, p = s.Claim(g, alice, id(5, 0), ClaimArgs{DeliveryTime: 400, RetryCount: -1}, 400)
	assert.Equal(t, ClaimDeleted, res)
	assert.Same(t, bob, p.Consumer)
	assert.Equal(t, 1, bob.PendingCount())

	// FORCE creates the entry (count 1, then +1 as Redis does)
	s.Ack(g, id(1, 0))
	res, p = s.Claim(g, bob, id(1, 0), ClaimArgs{DeliveryTime: 500, RetryCount: -1, Force: true}, 500)
	assert.Equal(t, ClaimOK, res)
	assert.Equal(t, int64(2), p.DeliveryCount)

	// XAUTOCLAIM from the start, COUNT 2
	var claimed, dropped []ID
	next := s.AutoClaim(g, bob, ID{}, 2, 0, false, 600,
		func(p *Pending, _ []string) { claimed = append(claimed, p.ID) },
		func(p *Pending) { dropped = append(dropped, p.ID) })
	assert.Equal(t, []ID{id(1, 0), id(2, 0)}, claimed)
	assert.Empty(t, dropped)
	assert.Equal(t, id(3, 0), next)
	assert.Equal(t, 0, s.DelConsumer(g, s.CreateConsumer(g, "carol", 0)))
	assert.Equal(t, 1, s.DelConsumer(g, alice), "alice kept 4-0")
	assert.Equal(t, 3, g.PendingCount())
}

func TestGroup_LagVectors(t *testing.T) {
	// REDIS_SEMANTICS.md 3.13's test vectors
	s := newChecked(t)
	for i := uint64(1); i <= 5; i++ {
		add(t, s, id(i, 0), "f", "v")
	}
	g := s.CreateGroup("g", ID{}, InvalidEntriesRead)
	c := s.CreateConsumer(g, "c", 0)
	lag, ok := s.Lag(g)
	assert.Equal(t, int64(5), lag)
	assert.True(t, ok)
	s.ReadNew(g, c, g.LastID, 1, false, 0, func(ID, []string, *Pending) {})
	lag, _ = s.Lag(g)
	assert.Equal(t, []int64{1, 4}, []int64{g.EntriesRead, lag})
	s.ReadNew(g, c, g.LastID, 0, false, 0, func(ID, []string, *Pending) {})
	lag, _ = s.Lag(g)
	assert.Equal(t, []int64{5, 0}, []int64{g.EntriesRead, lag})
	add(t, s, id(6, 0), "f", "v")
	lag, _ = s.Lag(g)
	assert.Equal(t, int64(1), lag)
	s.Delete([]ID{id(3, 0)})
	g2 := s.CreateGroup("g2", ID{}, InvalidEntriesRead)
	_, ok = s.Lag(g2)
	assert.False(t, ok, "a tombstone ahead: unknown")
	c2 := s.CreateConsumer(g2, "c", 0)
	s.ReadNew(g2, c2, g2.LastID, 3, false, 0, func(ID, []string, *Pending) {})
	_, ok = s.Lag(g2)
	assert.False(t, ok, "still unknown until the group reaches the end")
	s.ReadNew(g2, c2, g2.LastID, 0, false, 0, func(ID, []string, *Pending) {})
	lag, ok = s.Lag(g2)
	assert.True(t, ok)
	assert.Equal(t, int64(0), lag)
}

// TestStream_Model runs random operations against a plain sorted-slice
// model, checking contents, counters and invariants throughout.
func TestStream_Model(t *testing.T) {
	seed := rand.Uint64()
	t.Logf("seed %d", seed)
	r := rand.New(rand.NewPCG(seed, 1))
	s := newChecked(t)
	type ent struct {
		id ID
		kv []string
	}
	var model []ent
	ms := uint64(1)
	for step := 0; step < 4000; step++ {
		switch op := r.IntN(10); {
		case op < 6:
			ms += uint64(r.IntN(3))
			nid := id(ms, uint64(r.IntN(1000)))
			if len(model) > 0 && !model[len(model)-1].id.Less(nid) || !s.LastID().Less(nid) {
				continue
			}
			n := 1 + r.IntN(4)
			kv := make([]string, 0, 2*n)
			for i := range n {
				f := fmt.Sprint("f", i)
				if r.IntN(4) == 0 {
					f = fmt.Sprint("g", r.IntN(3))
				}
				kv = append(kv, f, strings.Repeat("v", r.IntN(120)))
			}
			add(t, s, nid, kv...)
			model = append(model, ent{nid, kv})
		case op < 8 && len(model) > 0:
			victim := model[r.IntN(len(model))].id
			require.Equal(t, 1, s.Delete([]ID{victim}))
			model = slices.DeleteFunc(model, func(e ent) bool { return e.id == victim })
		case op == 8:
			keep := uint64(r.IntN(300))
			s.Trim(Trim{MaxLen: keep, Approx: r.IntN(2) == 0, Limit: DefaultApproxLimit})
			drop := len(model) - int(s.Len())
			model = model[drop:]
		default:
			if len(model) == 0 {
				continue
			}
			minID := model[r.IntN(len(model))].id
			s.Trim(Trim{ByMinID: true, MinID: minID})
			model = slices.DeleteFunc(model, func(e ent) bool { return e.id.Less(minID) })
		}
		require.Equal(t, uint64(len(model)), s.Len(), "step %d", step)
		if step%97 == 0 {
			require.NoError(t, s.Check(), "step %d", step)
			var got []ent
			s.Range(MinID, MaxID, false, func(i ID, kv []string) bool {
				got = append(got, ent{i, slices.Clone(kv)})
				return true
			})
			require.Equal(t, len(model), len(got))
			for i := range got {
				require.Equal(t, model[i].id, got[i].id)
				require.Equal(t, model[i].kv, got[i].kv)
			}
		}
	}
}

func TestStream_MemUsage(t *testing.T) {
	s := newChecked(t)
	base := s.MemUsage()
	for i := uint64(1); i <= 1000; i++ {
		add(t, s, id(i, 0), "sensor", "s1", "temp", strconv.FormatUint(i%100, 10))
	}
	grown := s.MemUsage() - base
	assert.Greater(t, grown, 10*1000)
	assert.Less(t, grown, 64*1000)
	s.Trim(Trim{MaxLen: 0})
	assert.Equal(t, base, s.MemUsage())
}

func BenchmarkStream_Add(b *testing.B) {
	fv := []string{"sensor", "123", "temp", "215"}
	s := New()
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		if i&(1<<20-1) == 0 {
			s = New()
		}
		if _, err := s.Add(IDSpec{Auto: true}, uint64(i), fv); err != nil {
			b.Fatal(err)
		}
	}
}

// refLpStrSize is the listpack size of a string element computed from
// the format's rules alone, sharing no code with lpStrSize: a string is
// stored as an integer when it is an int64 in canonical decimal form
// (string2ll's rule: no sign but a leading '-', no leading zeros, no
// "-0"), else as a string (a 1-, 2- or 5-byte header for up to 63, 4095
// or more bytes) followed by its backlen (Redis's lpEncodeBacklen: 1 byte
// up to 127, 2 below 16383, 3 below 2097151, 4 below 268435455, else 5).
func refLpStrSize(s string) int {
	if v, err := strconv.ParseInt(s, 10, 64); err == nil && strconv.FormatInt(v, 10) == s {
		return refIntSize(v)
	}
	enc := 5 + len(s)
	switch {
	case len(s) < 64:
		enc = 1 + len(s)
	case len(s) < 4096:
		enc = 2 + len(s)
	}
	backlen := 5
	for i, limit := range []int{128, 16383, 2097151, 268435455} {
		if enc < limit {
			backlen = i + 1
			break
		}
	}
	return enc + backlen
}

// lpStrSize agrees with the reference sizes, and never exceeds the size
// of the text stored as a string (node.fits relies on that bound).
func TestLpStrSize_MatchesReference(t *testing.T) {
	cases := []string{
		"", "0", "00", "01", "-0", "-", "+1", " 1", "1 ", "1a", "a1", "9", "10", "127", "128",
		"4095", "4096", "-4096", "-4097", "32767", "32768", "8388607", "8388608",
		"2147483647", "2147483648", "-2147483648", "-2147483649",
		"999999999999999999", "1000000000000000000", "9223372036854775807",
		"9223372036854775808", "-9223372036854775808", "-9223372036854775809",
		"12345678901234567890", "123456789012345678901", "1.5", "1e3", "0x10",
		strings.Repeat("7", 63), strings.Repeat("7", 64), strings.Repeat("z", 4095), strings.Repeat("z", 4096),
		strings.Repeat("z", 16377), strings.Repeat("z", 16378), strings.Repeat("z", 16379),
	}
	r := rand.New(rand.NewPCG(1, 2))
	for range 20000 {
		n := r.IntN(22)
		b := make([]byte, n)
		for i := range b {
			// mostly digits, sometimes a sign or a letter
			switch k := r.IntN(20); {
			case k == 0:
				b[i] = '-'
			case k == 1:
				b[i] = 'x'
			default:
				b[i] = byte('0' + r.IntN(10))
			}
		}
		cases = append(cases, string(b))
		cases = append(cases, strconv.FormatInt(r.Int64()>>r.IntN(64), 10), strconv.FormatInt(-r.Int64()>>r.IntN(64), 10))
	}
	for _, s := range cases {
		require.Equal(t, refLpStrSize(s), lpStrSize(s), "%q", s)
		require.LessOrEqual(t, lpStrSize(s), lpRawStrSize(len(s)), "%q", s)
	}
}

func TestNode_SameFields(t *testing.T) {
	long := strings.Repeat("f", 200) // a field whose length takes two uvarint bytes
	s := newChecked(t)
	add(t, s, id(1, 0), "a", "1", long, "2", "", "3")
	n := s.tail
	for _, c := range []struct {
		fv   []string
		same bool
	}{
		{[]string{"a", "x", long, "y", "", "z"}, true},
		{[]string{"a", "x", long, "y"}, false},
		{[]string{"a", "x", long, "y", "", "z", "b", "w"}, false},
		{[]string{"b", "x", long, "y", "", "z"}, false},
		{[]string{"a", "x", long[:199], "y", "", "z"}, false},
		{[]string{"a", "x", long + "g", "y", "", "z"}, false},
		{[]string{"a", "x", strings.Repeat("g", 200), "y", "", "z"}, false},
		{[]string{"a", "x", long, "y", "c", "z"}, false},
		{[]string{"", "x", long, "y", "a", "z"}, false},
	} {
		assert.Equal(t, c.same, n.sameFields(c.fv), "%q", c.fv)
	}
	// entries with and without the master fields read back intact
	add(t, s, id(2, 0), "a", "4", long, "5", "", "6")
	add(t, s, id(3, 0), "a", "7", long, "8")
	add(t, s, id(4, 0), "b", strings.Repeat("v", 300), long, "-12", "", "0")
	var got [][]string
	s.Range(MinID, MaxID, false, func(_ ID, kv []string) bool {
		got = append(got, slices.Clone(kv))
		return true
	})
	assert.Equal(t, [][]string{
		{"a", "1", long, "2", "", "3"},
		{"a", "4", long, "5", "", "6"},
		{"a", "7", long, "8"},
		{"b", strings.Repeat("v", 300), long, "-12", "", "0"},
	}, got)
}

// TestStream_NodeSplitsAtExactListpackSize checks where nodes end against
// Redis's rule computed from scratch: a new node starts when the current
// one holds NodeMaxEntries entries or when its listpack size plus the new
// entry's field and value bytes reaches NodeMaxBytes. Integer-looking
// values are smaller in a listpack than their text, so nodes of them hold
// more bytes of text than the upper bound used on the fast path admits.
func TestStream_NodeSplitsAtExactListpackSize(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 11))
	values := []func() string{
		func() string { return strconv.FormatInt(1e18+r.Int64N(8e18), 10) }, // 19 digits: 10 bytes, not 21
		func() string { return strconv.FormatInt(-r.Int64N(1<<40), 10) },
		func() string { return strconv.FormatUint(r.Uint64(), 10) }, // often beyond int64: a string
		func() string { return strings.Repeat("9", 1+r.IntN(30)) },
		func() string { return strings.Repeat("x", r.IntN(300)) },
		func() string { return "0" + strconv.Itoa(r.IntN(1000)) }, // leading zero: a string
	}
	for round := range 6 {
		s := newChecked(t)
		var firsts []ID // first ID of each node, by the reference rule
		var nodeLP, nodeN int
		var master []string
		for i := uint64(1); i <= 3000; i++ {
			nf := 1 + r.IntN(3)
			if round%2 == 0 {
				nf = 2 // mostly the master fields
			}
			fv := make([]string, 0, 2*nf)
			for j := range nf {
				f := "f" + strconv.Itoa(j)
				if r.IntN(8) == 0 {
					f = "g" + strconv.Itoa(j)
				}
				v := values[r.IntN(len(values))]()
				if round < 2 {
					v = values[0]()
				}
				fv = append(fv, f, v)
			}
			tot := 0
			for _, x := range fv {
				tot += len(x)
			}
			nid := id(i, 0)
			if nodeN == 0 || nodeN >= NodeMaxEntries || nodeLP+tot >= NodeMaxBytes {
				firsts = append(firsts, nid)
				master = master[:0]
				nodeN = 0
				nodeLP = 7 + refIntSize(1) + refIntSize(0) + refIntSize(int64(nf)) + refIntSize(0)
				for j := 0; j < len(fv); j += 2 {
					master = append(master, fv[j])
					nodeLP += refLpStrSize(fv[j])
				}
			}
			same := len(master) == nf
			for j := 0; same && j < nf; j++ {
				same = master[j] == fv[2*j]
			}
			nodeLP += refIntSize(0) + refIntSize(int64(i-firsts[len(firsts)-1].Ms)) + refIntSize(0)
			cnt := nf + 3
			if !same {
				nodeLP += refIntSize(int64(nf))
				cnt += nf + 1
			}
			for j, x := range fv {
				if j%2 == 1 || !same {
					nodeLP += refLpStrSize(x)
				}
			}
			nodeLP += refIntSize(int64(cnt))
			nodeN++
			add(t, s, nid, fv...)
		}
		var got []ID
		s.tree.Ascend(func(it item) bool {
			got = append(got, it.first)
			return true
		})
		require.Equal(t, firsts, got, "round %d", round)
	}
}

// refIntSize is the listpack size of an integer element (lpEncodeGetType
// and a one-byte backlen), written out again for the tests.
func refIntSize(v int64) int {
	switch {
	case v >= 0 && v <= 127:
		return 2
	case v >= -4096 && v <= 4095:
		return 3
	case v >= -32768 && v <= 32767:
		return 4
	case v >= -8388608 && v <= 8388607:
		return 5
	case v >= math.MinInt32 && v <= math.MaxInt32:
		return 6
	}
	return 10
}

// entryFlags returns the flags byte of every entry in node order.
func entryFlags(s *Stream) []byte {
	var out []byte
	s.tree.Ascend(func(it item) bool {
		it.n.each(func(r entryRef) bool {
			out = append(out, r.flags)
			return true
		})
		return true
	})
	return out
}

func TestStream_AddStableRemembersMasterFields(t *testing.T) {
	s := newChecked(t)
	f1, f2 := "sensor", "temp"
	_, err := s.AddStable(IDSpec{ID: id(1, 0)}, 0, []string{f1, "1", f2, "2"})
	require.NoError(t, err)
	// the same strings: recognised without comparing (and right)
	_, err = s.AddStable(IDSpec{ID: id(2, 0)}, 0, []string{f1, "3", f2, "4"})
	require.NoError(t, err)
	assert.Equal(t, s.tail, s.sameNode)
	// equal bytes in other memory: compared, still the master fields
	g1 := strings.Clone(f1)
	_, err = s.AddStable(IDSpec{ID: id(3, 0)}, 0, []string{g1, "5", f2, "6"})
	require.NoError(t, err)
	// a prefix of a remembered string, and other fields
	_, err = s.AddStable(IDSpec{ID: id(4, 0)}, 0, []string{f1[:3], "7", f2, "8"})
	require.NoError(t, err)
	_, err = s.AddStable(IDSpec{ID: id(5, 0)}, 0, []string{f1, "9"})
	require.NoError(t, err)
	assert.Equal(t, []byte{flagSame, flagSame, flagSame, 0, 0}, entryFlags(s))
	assert.Equal(t, []string{
		"1-0:sensor=1,temp=2", "2-0:sensor=3,temp=4", "3-0:sensor=5,temp=6",
		"4-0:sen=7,temp=8", "5-0:sensor=9",
	}, all(s, false))
	// a removed node is forgotten
	s.Trim(Trim{MaxLen: 0})
	assert.Nil(t, s.sameNode)
	_, err = s.AddStable(IDSpec{ID: id(6, 0)}, 0, []string{f1, "x", f2, "y"})
	require.NoError(t, err)
	assert.Equal(t, []string{"6-0:sensor=x,temp=y"}, all(s, false))
}

func TestStream_AddComparesReusedBuffers(t *testing.T) {
	// Add's strings may be views of a buffer that changes between calls
	// (the command path's arguments): the same memory with other bytes is
	// other fields.
	s := newChecked(t)
	buf := []byte("fa")
	f := unsafe.String(&buf[0], len(buf))
	for i := uint64(1); i <= 4; i++ {
		buf[1] = byte('a' + i%2) // "fb", "fa", "fb", "fa"
		_, err := s.Add(IDSpec{ID: id(i, 0)}, 0, []string{f, "v"})
		require.NoError(t, err)
	}
	assert.Equal(t, []byte{flagSame, 0, flagSame, 0}, entryFlags(s))
	assert.Equal(t, []string{"1-0:fb=v", "2-0:fa=v", "3-0:fb=v", "4-0:fa=v"}, all(s, false))
	assert.Nil(t, s.sameNode, "Add remembers nothing")
}

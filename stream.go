package embedis

import (
	"context"
	"strconv"
	"strings"
	"time"
	"unsafe"

	"github.com/embedis/embedis/keyspace"
	"github.com/embedis/embedis/stream"
)

// StreamID identifies a stream entry: milliseconds and a sequence number.
// Its String method prints "<ms>-<seq>"; ParseStreamID reads that form.
type StreamID = stream.ID

// StreamEntry is a stream entry: its ID and field/value pairs
// [f1, v1, f2, v2, ...]. Fields is nil for a pending entry that was
// deleted from the stream (a history read with XReadGroup).
type StreamEntry = stream.Entry

// ParseStreamID parses "<ms>-<seq>" or "<ms>" as Redis does.
func ParseStreamID(s string) (StreamID, error) {
	id, err := stream.ParseID(s)
	if err != nil {
		return id, errStreamID
	}
	return id, nil
}

// Error kinds of the stream family (beside errors.go's).
const (
	kindNoGroup errKind = 200 + iota
	kindBusyGroup
)

// Stream errors. Each carries Redis's wire text; ErrNoGroup matches (with
// errors.Is) every NOGROUP error, whatever key and group it names.
var (
	// ErrNoGroup: the stream key or the consumer group does not exist.
	ErrNoGroup = newErr(kindNoGroup, "NOGROUP No such key or consumer group")
	// ErrBusyGroup: XGROUP CREATE of a group that exists.
	ErrBusyGroup = newErr(kindBusyGroup, "BUSYGROUP Consumer Group name already exists")

	errStreamID        = newErr(kindOther, "ERR Invalid stream ID specified as stream command argument")
	errXAddZero        = newErr(kindOther, "ERR The ID specified in XADD must be greater than 0-0")
	errXGroupNoKey     = newErr(kindOther, "ERR The XGROUP subcommand requires the key to exist. Note that for CREATE you may want to use the MKSTREAM option to create an empty stream automatically.")
	errEntriesRead     = newErr(kindOther, "ERR value for ENTRIESREAD must be positive or -1")
	errMaxLenNegative  = newErr(kindOther, "ERR The MAXLEN argument must be >= 0.")
	errLimitNegative   = newErr(kindOther, "ERR The LIMIT argument must be >= 0.")
	errLimitNoStrategy = newErr(kindOther, "ERR syntax error, LIMIT cannot be used without specifying a trimming strategy")
	errLimitNoApprox   = newErr(kindOther, "ERR syntax error, LIMIT cannot be used without the special ~ option")
	errTrimBoth        = newErr(kindOther, "ERR syntax error, MAXLEN and MINID options at the same time are not compatible")
	errXTrimNoStrategy = newErr(kindOther, "ERR syntax error, XTRIM must be called with a trimming strategy")
	errStartInterval   = newErr(kindOther, "ERR invalid start ID for the interval")
	errEndInterval     = newErr(kindOther, "ERR invalid end ID for the interval")
	errCountPositive   = newErr(kindOther, "ERR COUNT must be > 0")
	errAutoClaimMemory = newErr(kindOther, "ERR Insufficient memory, failed allocating transient memory, COUNT too high.")
)

// maxAutoClaimCount is the largest XAUTOCLAIM COUNT served: Redis
// allocates COUNT*16 bytes up front and fails as above when malloc
// refuses, which a 64 GiB request does on any ordinary machine.
const maxAutoClaimCount = 1 << 32

// streamErr turns a stream package error into the wire error.
func streamErr(err error) error {
	if err == nil {
		return nil
	}
	return newErr(kindOther, "ERR "+err.Error())
}

func errNoGroupFor(key, group string) *Error {
	return newErr(kindNoGroup, sanitizeErr("NOGROUP No such key '"+key+"' or consumer group '"+group+"'"))
}

func errNoGroupRead(key, group string) *Error {
	return newErr(kindNoGroup, sanitizeErr("NOGROUP No such key '"+key+"' or consumer group '"+group+"' in XREADGROUP with GROUP option"))
}

func errNoGroupKey(key, group string) *Error {
	return newErr(kindNoGroup, sanitizeErr("NOGROUP No such consumer group '"+group+"' for key name '"+key+"'"))
}

// ---- lookups

// streamOf looks key up as a stream for reading: (nil, nil) if missing.
func streamOf(c *keyspace.Ctx, db int, key string) (*stream.Stream, error) {
	e, err := lookupKind(c, db, key, keyspace.KindStream)
	if e == nil || err != nil {
		return nil, err
	}
	return objOf[*stream.Stream](e), nil
}

// streamOfWrite is streamOf for writers.
func streamOfWrite(c *keyspace.Ctx, db int, key string) (*stream.Stream, error) {
	e, err := lookupKindWrite(c, db, key, keyspace.KindStream)
	if e == nil || err != nil {
		return nil, err
	}
	return objOf[*stream.Stream](e), nil
}

// nowMS is the unit's time snapshot.
func nowMS(c *keyspace.Ctx) int64 { return c.Now() }

// ---- entry collection

// entryBuf collects entries whose fields are views, sharing one growing
// backing slice (earlier entries keep pointing at the older backing
// arrays, which are never written again).
type entryBuf struct{ flat []string }

func (b *entryBuf) entry(id stream.ID, kv []string) stream.Entry {
	if kv == nil {
		return stream.Entry{ID: id}
	}
	start := len(b.flat)
	b.flat = append(b.flat, kv...)
	return stream.Entry{ID: id, Fields: b.flat[start:len(b.flat):len(b.flat)]}
}

// ownEntries copies the field strings of ents (views of stream memory)
// into one allocation owned by the caller.
func ownEntries(ents []stream.Entry) []stream.Entry {
	total, n := 0, 0
	for _, e := range ents {
		for _, f := range e.Fields {
			total += len(f)
		}
		n += len(e.Fields)
	}
	out := make([]stream.Entry, len(ents))
	data := make([]byte, 0, total)
	flat := make([]string, 0, n)
	for i, e := range ents {
		out[i].ID = e.ID
		if e.Fields == nil {
			continue
		}
		start := len(flat)
		for _, f := range e.Fields {
			off := len(data)
			data = append(data, f...)
			if len(f) == 0 {
				flat = append(flat, "")
			} else {
				flat = append(flat, unsafe.String(&data[off], len(f)))
			}
		}
		out[i].Fields = flat[start:len(flat):len(flat)]
	}
	return out
}

// ---- XADD / XTRIM

// XTrimArgs say how to trim a stream (XTRIM, or XADD's MAXLEN/MINID).
type XTrimArgs struct {
	// MaxLen (MAXLEN n): keep at most n entries. Used when MinID is zero;
	// must be >= 0. Default: 0.
	MaxLen int64
	// MinID (MINID id): drop entries whose IDs are smaller. Default: zero,
	// which selects MAXLEN.
	MinID StreamID
	// Approx ("~"): remove whole nodes only (cheaper; the stream may keep
	// a few more entries). Default: false ("=", exact).
	Approx bool
	// Limit (LIMIT n): with Approx, the most entries one call removes; 0
	// means the default (10 000) and a negative value means no limit
	// (LIMIT 0). Must be 0 without Approx. Default: 0.
	Limit int64
}

// trimSpec is a parsed trimming option.
type trimSpec struct {
	set        bool
	t          stream.Trim
	limitGiven bool
}

func (a *XTrimArgs) spec() (trimSpec, error) {
	if a == nil {
		return trimSpec{}, nil
	}
	sp := trimSpec{set: true, t: stream.Trim{Approx: a.Approx}}
	if !a.MinID.IsZero() {
		sp.t.ByMinID, sp.t.MinID = true, a.MinID
	} else {
		if a.MaxLen < 0 {
			return sp, errMaxLenNegative
		}
		sp.t.MaxLen = uint64(a.MaxLen)
	}
	switch {
	case a.Limit != 0 && !a.Approx:
		return sp, errLimitNoApprox
	case a.Limit < 0:
		sp.t.Limit = 0
	case a.Limit > 0:
		sp.t.Limit = a.Limit
	case a.Approx:
		sp.t.Limit = stream.DefaultApproxLimit
	}
	return sp, nil
}

// trimArgs renders a trim for the journal: "~" trims become "=" with the
// resulting length (MAXLEN) or the first remaining ID (MINID), as Redis
// rewrites them, so a replay trims exactly the same entries.
func trimArgs(s *stream.Stream, t stream.Trim) []string {
	if t.ByMinID {
		thr := t.MinID
		if t.Approx {
			thr = s.FirstEdgeID()
		}
		return []string{"MINID", "=", thr.String()}
	}
	thr := t.MaxLen
	if t.Approx {
		thr = s.Len()
	}
	return []string{"MAXLEN", "=", strconv.FormatUint(thr, 10)}
}

// xaddSpec is XADD parsed.
type xaddSpec struct {
	id   stream.IDSpec
	noMk bool
	trim trimSpec
}

// xaddOp is the one implementation of XADD: it appends fv (field/value
// pairs, at least one) to key and trims. added is false when NOMKSTREAM
// found no stream.
func xaddOp(c *keyspace.Ctx, db int, key string, sp *xaddSpec, fv []string) (id stream.ID, added bool, err error) {
	if !sp.id.Auto && !sp.id.SeqAuto && sp.id.ID.IsZero() {
		return id, false, errXAddZero // before the lookup, as Redis checks it
	}
	return xaddTo(c, db, key, c.LookupWrite(db, key), sp, fv)
}

// xaddTo is xaddOp for the entry e that a write lookup of key returned;
// the caller has refused an explicit 0-0 ID (xaddOp does).
func xaddTo(c *keyspace.Ctx, db int, key string, e *keyspace.Entry, sp *xaddSpec, fv []string) (id stream.ID, added bool, err error) {
	if e != nil && e.Kind() != keyspace.KindStream {
		return id, false, ErrWrongType
	}
	var s *stream.Stream
	if e == nil {
		if sp.noMk {
			return id, false, nil
		}
		s = stream.New()
		e = c.Create(db, key)
		e.SetObj(keyspace.KindStream, s)
	} else {
		s = objOf[*stream.Stream](e)
	}
	if !c.BorrowedKeys { // fv are ordinary strings, not views of a reused buffer
		id, err = s.AddStable(sp.id, uint64(nowMS(c)), fv)
	} else {
		id, err = s.Add(sp.id, uint64(nowMS(c)), fv)
	}
	if err != nil {
		return id, false, streamErr(err)
	}
	c.Notify(db, keyspace.NotifyStream, "xadd", key)
	if sp.trim.set {
		t := sp.trim.t
		if c.Loading {
			t.Limit = 0
		}
		if s.Trim(t) > 0 {
			c.Notify(db, keyspace.NotifyStream, "xtrim", key)
		}
	}
	c.TouchEntry(db, e)
	if c.Journaling() {
		args := make([]string, 0, 8+len(fv))
		args = append(args, "XADD", strings.Clone(key))
		if sp.noMk {
			args = append(args, "NOMKSTREAM")
		}
		if sp.trim.set {
			args = append(args, trimArgs(s, sp.trim.t)...)
		}
		args = append(args, id.String())
		for _, f := range fv {
			args = append(args, strings.Clone(f))
		}
		c.Propagate(db, args...)
	}
	c.SignalReady(db, key)
	return id, true, nil
}

// xtrimOp is the one implementation of XTRIM.
func xtrimOp(c *keyspace.Ctx, db int, key string, sp trimSpec) (int64, error) {
	s, err := streamOfWrite(c, db, key)
	if s == nil || err != nil {
		return 0, err
	}
	t := sp.t
	if c.Loading {
		t.Limit = 0
	}
	n := s.Trim(t)
	if n > 0 {
		c.Notify(db, keyspace.NotifyStream, "xtrim", key)
		c.Touch(db, key)
		if c.Journaling() {
			c.Propagate(db, append([]string{"XTRIM", strings.Clone(key)}, trimArgs(s, sp.t)...)...)
		}
	}
	return n, nil
}

// XAddArgs are XADD's options. A nil *XAddArgs adds with a generated ID.
type XAddArgs struct {
	// ID (the <id> argument): the new entry's ID. Default: zero, which
	// generates one from the clock ("*").
	ID StreamID
	// AutoSeq ("<ms>-*"): take the milliseconds from ID.Ms and generate
	// the sequence number. Default: false.
	AutoSeq bool
	// NoMkStream (NOMKSTREAM): do not create a missing stream; XAdd then
	// returns Nil. Default: false.
	NoMkStream bool
	// Trim (MAXLEN / MINID): trim the stream after adding. Default: nil,
	// no trimming.
	Trim *XTrimArgs
}

// XAdd appends an entry with fieldValues (field, value, field, value, ...)
// to the stream at key (XADD) and returns its ID.
func (d *DB) XAdd(key string, args *XAddArgs, fieldValues ...string) (StreamID, error) {
	if err := d.s.freeMemoryIfNeeded(); err != nil {
		return StreamID{}, err
	}
	if len(fieldValues) == 0 || len(fieldValues)%2 != 0 {
		return StreamID{}, errWrongArgs("xadd")
	}
	sp := xaddSpec{id: stream.IDSpec{Auto: true}}
	if args != nil {
		sp.noMk = args.NoMkStream
		if !args.ID.IsZero() || args.AutoSeq {
			sp.id = stream.IDSpec{ID: args.ID, SeqAuto: args.AutoSeq}
		}
		t, err := args.Trim.spec()
		if err != nil {
			return StreamID{}, err
		}
		sp.trim = t
	}
	// xaddOp, with the lock taken and the key looked up in one step
	var c keyspace.Ctx
	d.s.ks.Begin(&c)
	id, added, err := xaddTo(&c, d.idx, key, c.LockLookupWrite(d.idx, key), &sp, fieldValues)
	done(&c)
	if err == nil && !added {
		err = Nil
	}
	return id, err
}

// XTrim trims the stream at key (XTRIM) and returns how many entries it
// removed.
func (d *DB) XTrim(key string, args XTrimArgs) (int64, error) {
	sp, err := args.spec()
	if err != nil {
		return 0, err
	}
	var c keyspace.Ctx
	d.unit(&c, key)
	n, err := xtrimOp(&c, d.idx, key, sp)
	done(&c)
	return n, err
}

// ---- XRANGE / XLEN / XDEL / XSETID

// xrangeOp walks key's entries in [start, end] (descending with rev), at
// most count of them (0: all). found is false for a missing key.
func xrangeOp(c *keyspace.Ctx, db int, key string, start, end stream.ID, count int64, rev bool, fn func(id stream.ID, kv []string)) (found bool, err error) {
	s, err := streamOf(c, db, key)
	if s == nil || err != nil {
		return false, err
	}
	var n int64
	s.Range(start, end, rev, func(id stream.ID, kv []string) bool {
		fn(id, kv)
		n++
		return count == 0 || n < count
	})
	return true, nil
}

func (d *DB) xrange(key string, start, end StreamID, count int, rev bool) ([]StreamEntry, error) {
	if count < 0 {
		count = 0
	}
	var c keyspace.Ctx
	d.unit(&c, key)
	var b entryBuf
	var ents []stream.Entry
	_, err := xrangeOp(&c, d.idx, key, start, end, int64(count), rev, func(id stream.ID, kv []string) {
		ents = append(ents, b.entry(id, kv))
	})
	done(&c)
	if err != nil {
		return nil, err
	}
	return ents, nil
}

// XRange returns the entries of key with start <= ID <= end in order
// (XRANGE), at most count of them; count <= 0 returns them all. Use
// stream.MinID and stream.MaxID for "-" and "+". The field strings share
// the stream's memory and never change.
func (d *DB) XRange(key string, start, end StreamID, count int) ([]StreamEntry, error) {
	return d.xrange(key, start, end, count, false)
}

// XRevRange is XRange in descending order (XREVRANGE); note the order of
// the bounds, as in Redis.
func (d *DB) XRevRange(key string, end, start StreamID, count int) ([]StreamEntry, error) {
	return d.xrange(key, start, end, count, true)
}

func xlenOp(c *keyspace.Ctx, db int, key string) (int64, error) {
	s, err := streamOf(c, db, key)
	if s == nil || err != nil {
		return 0, err
	}
	return int64(s.Len()), nil
}

// XLen returns the number of entries of the stream at key (XLEN).
func (d *DB) XLen(key string) (int64, error) {
	var c keyspace.Ctx
	d.unit(&c, key)
	n, err := xlenOp(&c, d.idx, key)
	done(&c)
	return n, err
}

// xdelOp is the one implementation of XDEL.
func xdelOp(c *keyspace.Ctx, db int, key string, ids []stream.ID) (int64, error) {
	s, err := streamOfWrite(c, db, key)
	if s == nil || err != nil {
		return 0, err
	}
	n := s.Delete(ids)
	if n > 0 {
		c.Touch(db, key)
		c.Notify(db, keyspace.NotifyStream, "xdel", key)
		if c.Journaling() {
			args := []string{"XDEL", strings.Clone(key)}
			for _, id := range ids {
				args = append(args, id.String())
			}
			c.Propagate(db, args...)
		}
	}
	return int64(n), nil
}

// XDel deletes entries of the stream at key (XDEL) and returns how many
// existed.
func (d *DB) XDel(key string, ids ...StreamID) (int64, error) {
	var c keyspace.Ctx
	d.unit(&c, key)
	n, err := xdelOp(&c, d.idx, key, ids)
	done(&c)
	return n, err
}

// XSetIDArgs are XSETID's options.
type XSetIDArgs struct {
	// EntriesAdded (ENTRIESADDED n): set entries-added; must be >= the
	// stream's length. Default: -1 (unchanged); other negatives are
	// errors.
	EntriesAdded int64
	// MaxDeletedID (MAXDELETEDID id): set max-deleted-entry-id; must not
	// exceed the new last ID. Default: zero (unchanged).
	MaxDeletedID StreamID
}

// xsetidOp is the one implementation of XSETID.
func xsetidOp(c *keyspace.Ctx, db int, key string, last stream.ID, added int64, maxDel stream.ID) error {
	s, err := streamOfWrite(c, db, key)
	if err != nil {
		return err
	}
	if s == nil {
		return ErrNoSuchKey
	}
	if err := s.SetID(last, added, maxDel); err != nil {
		return streamErr(err)
	}
	c.Notify(db, keyspace.NotifyStream, "xsetid", key)
	if c.Journaling() {
		args := []string{"XSETID", strings.Clone(key), last.String()}
		if added >= 0 {
			args = append(args, "ENTRIESADDED", strconv.FormatInt(added, 10))
		}
		if !maxDel.IsZero() {
			args = append(args, "MAXDELETEDID", maxDel.String())
		}
		c.Propagate(db, args...)
	}
	return nil
}

// XSetID sets the last generated ID of the stream at key (XSETID). A nil
// args changes only the ID.
func (d *DB) XSetID(key string, last StreamID, args *XSetIDArgs) error {
	added, maxDel := int64(-1), StreamID{}
	if args != nil {
		added, maxDel = args.EntriesAdded, args.MaxDeletedID
		if added < -1 {
			return streamErr(stream.ErrSetIDNegativeAdded)
		}
		if last.Less(maxDel) {
			return streamErr(stream.ErrSetIDBelowGivenMaxDel)
		}
	}
	var c keyspace.Ctx
	d.unit(&c, key)
	err := xsetidOp(&c, d.idx, key, last, added, maxDel)
	done(&c)
	return err
}

// ---- XREAD

// readPos is one stream's position argument of XREAD/XREADGROUP.
type readPos struct {
	kind byte      // 0: explicit ID; '$', '+', '>'
	raw  string    // the unparsed argument (command path); "" once parsed
	id   stream.ID // explicit, or '$' once resolved
}

// parse resolves the raw argument the first time it is seen, in the
// per-stream order Redis checks it.
func (p *readPos) parse(group bool) error {
	if p.raw == "" {
		return nil
	}
	raw := p.raw
	p.raw = ""
	switch raw {
	case "$", "+":
		if group {
			return newErr(kindOther, "ERR The "+raw+" ID is meaningless in the context of XREADGROUP: you want to read the history of this consumer by specifying a proper ID, or use the > ID to get new messages. The "+raw+" ID would just return an empty result set.")
		}
		p.kind = raw[0]
		return nil
	case ">":
		if !group {
			return newErr(kindOther, "ERR The > ID can be specified only when calling XREADGROUP using the GROUP <group> <consumer> option.")
		}
		p.kind = '>'
		return nil
	}
	a, err := stream.ParseArg(raw, 0, true, false)
	if err != nil {
		return errStreamID
	}
	p.id = a.ID
	return nil
}

// readResult is the reply of XREAD/XREADGROUP: the streams served.
type readResult struct {
	keys []string
	ents [][]stream.Entry
	buf  entryBuf
}

func (r *readResult) reset() {
	r.keys, r.ents = r.keys[:0], r.ents[:0]
}

// XStream is one stream's part of an XRead or XReadGroup reply.
type XStream struct {
	// Key is the stream's key.
	Key string
	// Entries are the entries read.
	Entries []StreamEntry
}

func (r *readResult) streams() []XStream {
	out := make([]XStream, len(r.keys))
	for i, k := range r.keys {
		out[i] = XStream{Key: k, Entries: ownEntries(r.ents[i])}
	}
	return out
}

// xreadTry serves XREAD once: it resolves "$" (first call only, so a
// blocked call waits for entries after the ID it saw) and "+", and
// collects the entries after each position. On a retry, keys holding
// another type are skipped (Redis does not wake XREAD for them).
func xreadTry(c *keyspace.Ctx, db int, keys []string, pos []readPos, count int, retry bool, out *readResult) error {
	out.reset()
	for i, key := range keys {
		s, err := streamOf(c, db, key)
		if err != nil {
			if retry {
				continue
			}
			return err
		}
		if err := pos[i].parse(false); err != nil {
			return err
		}
		switch pos[i].kind {
		case '$':
			pos[i].kind = 0
			if s != nil {
				pos[i].id = s.LastID()
			}
		case '+':
			pos[i].id = stream.ID{}
			if s != nil && s.Len() > 0 {
				last, _ := s.LastValidID()
				pos[i].id, _ = last.Prev()
			}
		}
	}
	for i, key := range keys {
		s, err := streamOf(c, db, key)
		if s == nil || err != nil || s.Len() == 0 {
			continue
		}
		gt := pos[i].id
		if last, _ := s.LastValidID(); !gt.Less(last) {
			continue
		}
		start, _ := gt.Next()
		var ents []stream.Entry
		n := 0
		s.Range(start, stream.MaxID, false, func(id stream.ID, kv []string) bool {
			ents = append(ents, out.buf.entry(id, kv))
			n++
			return count == 0 || n < count
		})
		out.keys = append(out.keys, key)
		out.ents = append(out.ents, ents)
	}
	return nil
}

// BlockForever as a Block duration waits until data arrives or the
// context is done.
const BlockForever time.Duration = -1

// XReadStream is one stream to read and where to start.
type XReadStream struct {
	// Key is the stream's key.
	Key string
	// After: return entries with IDs greater than After (the <id>
	// argument).
	After StreamID
	// New ("$"): ignore After and return only entries added after the
	// call started. Default: false.
	New bool
	// Last ("+", Redis 7.4): ignore After and return the last entry.
	// Default: false.
	Last bool
}

// XReadArgs are XREAD's arguments.
type XReadArgs struct {
	// Streams to read (STREAMS key... id...). At least one.
	Streams []XReadStream
	// Count (COUNT): the most entries per stream; <= 0 means no limit.
	// Default: 0.
	Count int
	// Block (BLOCK): how long to wait when no stream has data; 0 does not
	// wait, BlockForever waits until ctx is done. Default: 0.
	Block time.Duration
}

// XRead reads entries from one or more streams (XREAD), waiting as
// args.Block says. It returns Nil when no stream has data (after the wait)
// and ctx.Err() when ctx ends the wait.
func (d *DB) XRead(ctx context.Context, args *XReadArgs) ([]XStream, error) {
	if args == nil || len(args.Streams) == 0 {
		return nil, errWrongArgs("xread")
	}
	keys := make([]string, len(args.Streams))
	pos := make([]readPos, len(args.Streams))
	for i, st := range args.Streams {
		keys[i] = st.Key
		switch {
		case st.New:
			pos[i].kind = '$'
		case st.Last:
			pos[i].kind = '+'
		default:
			pos[i].id = st.After
		}
	}
	count := max(args.Count, 0)
	var res readResult
	var opErr error
	served, err := d.blockingUnit(ctx, keys, args.Block, func(c *keyspace.Ctx, retry bool) bool {
		opErr = xreadTry(c, d.idx, keys, pos, count, retry, &res)
		return opErr != nil || len(res.keys) > 0
	})
	switch {
	case opErr != nil:
		return nil, opErr
	case err != nil:
		return nil, err
	case !served:
		return nil, Nil
	}
	return res.streams(), nil
}

// blockingUnit runs try as one execution unit with keys locked and, when
// it cannot serve and block allows (0: no wait, BlockForever: until ctx is
// done), waits for the keys as streamWait does until try serves, the
// time is up, or ctx is done (then err is ctx.Err()).
func (d *DB) blockingUnit(ctx context.Context, keys []string, block time.Duration, try func(c *keyspace.Ctx, retry bool) bool) (served bool, err error) {
	var c keyspace.Ctx
	d.s.ks.Begin(&c)
	c.Lock(keys...)
	defer done(&c)
	if try(&c, false) {
		return true, nil
	}
	if block == 0 {
		return false, nil
	}
	served, stopped := streamWait(&c, d.idx, keys, keys, max(block, 0), ctx.Done(), nil, func() bool { return try(&c, true) })
	if !served && stopped {
		err = ctx.Err()
	}
	return served, err
}

// streamWait blocks a stream reader whose first try failed: c holds the
// locks of lockKeys (the command's keys, keys among them). It waits until
// one of keys is signalled, retries (with a new time snapshot) and repeats
// until try serves, timeout passes (0: never), or done or unblocked (CLIENT
// UNBLOCK) is closed (stopped).
// It returns with the locks held.
//
// Waiters on a key are woken first come, first served, one at a time: a
// woken waiter passes the turn on when it is done. Unlike a list pop, a
// stream read that fails does not mean that the next waiter would fail
// too (it may read for another group, or wait for its group to be
// destroyed), so a reader that cannot be served moves to the back of the
// queue and passes the turn on, once per change of the streams
// (stream.Gen); every waiter gets its try, as Redis retries every client
// blocked on a key that became ready.
func streamWait(c *keyspace.Ctx, db int, keys, lockKeys []string, timeout time.Duration, done, unblocked <-chan struct{}, try func() bool) (served, stopped bool) {
	w := keyspace.NewWaiter()
	w.Exhaustive = true // one reader failing says nothing of the next
	for _, k := range keys {
		c.Block(w, db, k)
	}
	var timer <-chan time.Time
	if timeout > 0 {
		t := time.NewTimer(timeout)
		defer t.Stop()
		timer = t.C
	}
	passed := streamsGen(c, db, keys) // the state already waited for
	for {
		c.Unlock()
		c.Finish() // deliver what is pending, turns passed on included
		stopped = !w.Wait(timer, done, unblocked)
		c.SetNow(0) // a retried command takes a new time snapshot
		c.Lock(lockKeys...)
		if !stopped {
			served = try()
		}
		if served || stopped {
			break
		}
		if g := streamsGen(c, db, keys); g != passed {
			passed = g
			c.UnblockLocked(w)
			for _, k := range keys {
				c.Block(w, db, k)
				c.SignalReady(db, k)
			}
		}
	}
	c.UnblockLocked(w)
	for _, k := range keys {
		c.SignalReady(db, k) // pass the turn
	}
	return served, stopped
}

// streamsGen folds the generations of the streams at keys (0 for a key
// without a stream) into one number that changes when any of them does.
func streamsGen(c *keyspace.Ctx, db int, keys []string) uint64 {
	var g uint64
	for _, k := range keys {
		var v uint64
		if e := c.Peek(db, k); e != nil && e.Kind() == keyspace.KindStream {
			v = objOf[*stream.Stream](e).Gen()
		}
		g = g*0x9e3779b97f4a7c15 + v + 1
	}
	return g
}

// ---- consumer groups: XGROUP

// groupOf looks up key's stream and group for the XPENDING/XCLAIM family:
// a missing key or group is NOGROUP.
func groupOf(c *keyspace.Ctx, db int, key, group string) (*stream.Stream, *stream.Group, error) {
	s, err := streamOf(c, db, key)
	if err != nil {
		return nil, nil, err
	}
	var g *stream.Group
	if s != nil {
		g = s.Group(group)
	}
	if g == nil {
		return nil, nil, errNoGroupFor(key, group)
	}
	return s, g, nil
}

// groupStart is XGROUP CREATE/SETID's <id> argument.
type groupStart struct {
	latest bool // "$"
	id     stream.ID
}

// xgroupCreateOp is the one implementation of XGROUP CREATE. entriesRead
// is stream.InvalidEntriesRead when not given.
func xgroupCreateOp(c *keyspace.Ctx, db int, key, group string, start groupStart, mkstream bool, entriesRead int64) error {
	s, err := streamOfWrite(c, db, key)
	if err != nil {
		return err
	}
	if s == nil && !mkstream {
		return errXGroupNoKey
	}
	id := start.id
	if start.latest {
		id = stream.ID{}
		if s != nil {
			id = s.LastID()
		}
	}
	if s == nil {
		s = stream.New()
		c.Create(db, key).SetObj(keyspace.KindStream, s)
		c.Touch(db, key)
	}
	if s.CreateGroup(group, id, entriesRead) == nil {
		return ErrBusyGroup
	}
	c.Notify(db, keyspace.NotifyStream, "xgroup-create", key)
	if c.Journaling() {
		args := []string{"XGROUP", "CREATE", strings.Clone(key), strings.Clone(group), id.String()}
		if mkstream {
			args = append(args, "MKSTREAM")
		}
		args = append(args, "ENTRIESREAD", strconv.FormatInt(entriesRead, 10))
		c.Propagate(db, args...)
	}
	return nil
}

// xgroupLookup finds key's stream and group for the XGROUP subcommands
// that need both.
func xgroupLookup(c *keyspace.Ctx, db int, key, group string) (*stream.Stream, *stream.Group, error) {
	s, err := streamOfWrite(c, db, key)
	if err != nil {
		return nil, nil, err
	}
	if s == nil {
		return nil, nil, errXGroupNoKey
	}
	g := s.Group(group)
	if g == nil {
		return s, nil, errNoGroupKey(key, group)
	}
	return s, g, nil
}

// xgroupSetIDOp is the one implementation of XGROUP SETID.
func xgroupSetIDOp(c *keyspace.Ctx, db int, key, group string, start groupStart, entriesRead int64) error {
	s, g, err := xgroupLookup(c, db, key, group)
	if err != nil {
		return err
	}
	id := start.id
	if start.latest {
		id = s.LastID()
	}
	g.LastID, g.EntriesRead = id, entriesRead
	s.Bump()
	c.Notify(db, keyspace.NotifyStream, "xgroup-setid", key)
	propagateSetID(c, db, key, g)
	return nil
}

func propagateSetID(c *keyspace.Ctx, db int, key string, g *stream.Group) {
	if c.Journaling() {
		c.Propagate(db, "XGROUP", "SETID", strings.Clone(key), strings.Clone(g.Name), g.LastID.String(),
			"ENTRIESREAD", strconv.FormatInt(g.EntriesRead, 10))
	}
}

// xgroupDestroyOp is the one implementation of XGROUP DESTROY. Blocked
// XREADGROUP callers on key wake up and get NOGROUP.
func xgroupDestroyOp(c *keyspace.Ctx, db int, key, group string) (bool, error) {
	s, err := streamOfWrite(c, db, key)
	if err != nil {
		return false, err
	}
	if s == nil {
		return false, errXGroupNoKey
	}
	if !s.DestroyGroup(group) {
		return false, nil
	}
	c.Notify(db, keyspace.NotifyStream, "xgroup-destroy", key)
	if c.Journaling() {
		c.Propagate(db, "XGROUP", "DESTROY", strings.Clone(key), strings.Clone(group))
	}
	c.SignalReady(db, key)
	return true, nil
}

// createConsumer adds consumer name to g, with its event and journal
// record (embedis journals every implicit creation, so a replay has the
// same consumers even when nothing was delivered to them).
func createConsumer(c *keyspace.Ctx, db int, key string, s *stream.Stream, g *stream.Group, name string) *stream.Consumer {
	cons := s.CreateConsumer(g, name, nowMS(c))
	if cons == nil {
		return nil
	}
	c.Notify(db, keyspace.NotifyStream, "xgroup-createconsumer", key)
	if c.Journaling() {
		c.Propagate(db, "XGROUP", "CREATECONSUMER", strings.Clone(key), strings.Clone(g.Name), strings.Clone(name))
	}
	return cons
}

// consumerFor returns consumer name of g, creating it if needed, with its
// seen time set to now.
func consumerFor(c *keyspace.Ctx, db int, key string, s *stream.Stream, g *stream.Group, name string) *stream.Consumer {
	cons := g.Consumer(name)
	if cons == nil {
		cons = createConsumer(c, db, key, s, g, name)
	}
	cons.SeenTime = nowMS(c)
	return cons
}

// xgroupCreateConsumerOp is the one implementation of XGROUP
// CREATECONSUMER.
func xgroupCreateConsumerOp(c *keyspace.Ctx, db int, key, group, consumer string) (bool, error) {
	s, g, err := xgroupLookup(c, db, key, group)
	if err != nil {
		return false, err
	}
	return createConsumer(c, db, key, s, g, consumer) != nil, nil
}

// xgroupDelConsumerOp is the one implementation of XGROUP DELCONSUMER.
func xgroupDelConsumerOp(c *keyspace.Ctx, db int, key, group, consumer string) (int64, error) {
	s, g, err := xgroupLookup(c, db, key, group)
	if err != nil {
		return 0, err
	}
	cons := g.Consumer(consumer)
	if cons == nil {
		return 0, nil
	}
	n := s.DelConsumer(g, cons)
	c.Notify(db, keyspace.NotifyStream, "xgroup-delconsumer", key)
	if c.Journaling() {
		c.Propagate(db, "XGROUP", "DELCONSUMER", strings.Clone(key), strings.Clone(group), strings.Clone(consumer))
	}
	return int64(n), nil
}

// ---- XREADGROUP

// propagateClaim journals a delivery or claim as Redis does: XCLAIM with
// the absolute delivery time and count, FORCE and JUSTID (replay needs no
// entry bodies), and the group's last ID.
func propagateClaim(c *keyspace.Ctx, db int, key string, g *stream.Group, p *stream.Pending) {
	if !c.Journaling() {
		return
	}
	c.Propagate(db, "XCLAIM", strings.Clone(key), strings.Clone(g.Name), p.Consumer.Name, "0", p.ID.String(),
		"TIME", strconv.FormatInt(p.DeliveryTime, 10), "RETRYCOUNT", strconv.FormatInt(p.DeliveryCount, 10),
		"FORCE", "JUSTID", "LASTID", g.LastID.String())
}

// xreadgroupTry serves XREADGROUP once. Errors come per stream in Redis's
// order: type, key or group missing, then the ID argument. It creates the
// consumer in each group and sets its seen time even when nothing is
// delivered.
//
// Journal: every delivery becomes XCLAIM ... TIME RETRYCOUNT FORCE JUSTID
// LASTID and a moved last ID XGROUP SETID ... ENTRIESREAD, as Redis
// propagates them. embedis also journals what Redis leaves out, so that a
// replay rebuilds the same PEL: history redeliveries (their new time and
// count, as XCLAIM) and every implicit consumer creation (XGROUP
// CREATECONSUMER).
func xreadgroupTry(c *keyspace.Ctx, db int, group, consumer string, keys []string, pos []readPos, count int, noack bool, out *readResult) error {
	out.reset()
	for i, key := range keys {
		s, err := streamOf(c, db, key)
		if err != nil {
			return err
		}
		if s == nil || s.Group(group) == nil {
			return errNoGroupRead(key, group)
		}
		if err := pos[i].parse(true); err != nil {
			return err
		}
	}
	now := nowMS(c)
	for i, key := range keys {
		s, _ := streamOf(c, db, key)
		g := s.Group(group)
		history := pos[i].kind != '>'
		serve := history
		if !history && s.Len() > 0 {
			if last, _ := s.LastValidID(); g.LastID.Less(last) {
				serve = true
			}
		}
		cons := consumerFor(c, db, key, s, g, consumer)
		if !serve {
			continue
		}
		ents := []stream.Entry{}
		if history {
			s.ReadHistory(cons, pos[i].id, count, now, func(id stream.ID, kv []string, p *stream.Pending) {
				ents = append(ents, out.buf.entry(id, kv))
				if kv != nil {
					propagateClaim(c, db, key, g, p)
				}
			})
		} else {
			_, moved := s.ReadNew(g, cons, g.LastID, count, noack, now, func(id stream.ID, kv []string, p *stream.Pending) {
				ents = append(ents, out.buf.entry(id, kv))
				if p != nil {
					propagateClaim(c, db, key, g, p)
				}
			})
			if moved {
				propagateSetID(c, db, key, g)
			}
		}
		out.keys = append(out.keys, key)
		out.ents = append(out.ents, ents)
	}
	return nil
}

// XReadGroupStream is one stream to read with a group.
type XReadGroupStream struct {
	// Key is the stream's key.
	Key string
	// Pending: read this consumer's own pending entries with IDs greater
	// than After (an explicit <id>) instead of new entries (">").
	// Default: false, new entries.
	Pending bool
	// After is where a Pending read starts (exclusive).
	After StreamID
}

// XReadGroupArgs are XREADGROUP's arguments.
type XReadGroupArgs struct {
	// Group and Consumer (GROUP group consumer). The consumer is created
	// on first use.
	Group, Consumer string
	// Streams to read (STREAMS key... id...). At least one.
	Streams []XReadGroupStream
	// Count (COUNT): the most entries per stream; <= 0: no limit.
	Count int
	// Block (BLOCK): how long to wait for new entries; 0 does not wait,
	// BlockForever waits until ctx is done. Default: 0.
	Block time.Duration
	// NoAck (NOACK): do not add delivered entries to the PEL.
	NoAck bool
}

// XReadGroup reads entries as a consumer of a group (XREADGROUP), waiting
// as args.Block says. It returns Nil when nothing was delivered, ctx.Err()
// when ctx ends the wait, and an ErrNoGroup error when a stream or its
// group is missing (or is destroyed while waiting).
func (d *DB) XReadGroup(ctx context.Context, args *XReadGroupArgs) ([]XStream, error) {
	if args == nil || len(args.Streams) == 0 {
		return nil, errWrongArgs("xreadgroup")
	}
	keys := make([]string, len(args.Streams))
	pos := make([]readPos, len(args.Streams))
	for i, st := range args.Streams {
		keys[i] = st.Key
		if st.Pending {
			pos[i].id = st.After
		} else {
			pos[i].kind = '>'
		}
	}
	count := max(args.Count, 0)
	var res readResult
	var opErr error
	served, err := d.blockingUnit(ctx, keys, args.Block, func(c *keyspace.Ctx, retry bool) bool {
		opErr = xreadgroupTry(c, d.idx, args.Group, args.Consumer, keys, pos, count, args.NoAck, &res)
		return opErr != nil || len(res.keys) > 0
	})
	switch {
	case opErr != nil:
		return nil, opErr
	case err != nil:
		return nil, err
	case !served:
		return nil, Nil
	}
	return res.streams(), nil
}

// ---- XACK / XPENDING

// xackOp is the one implementation of XACK. A missing key or group acks
// nothing.
func xackOp(c *keyspace.Ctx, db int, key, group string, ids []stream.ID) (int64, error) {
	s, err := streamOf(c, db, key)
	if s == nil || err != nil {
		return 0, err
	}
	g := s.Group(group)
	if g == nil {
		return 0, nil
	}
	var n int64
	for _, id := range ids {
		if s.Ack(g, id) {
			n++
		}
	}
	if n > 0 && c.Journaling() {
		args := []string{"XACK", strings.Clone(key), strings.Clone(group)}
		for _, id := range ids {
			args = append(args, id.String())
		}
		c.Propagate(db, args...)
	}
	return n, nil
}

// XAck acknowledges entries of a group (XACK) and returns how many were
// pending.
func (d *DB) XAck(key, group string, ids ...StreamID) (int64, error) {
	var c keyspace.Ctx
	d.unit(&c, key)
	n, err := xackOp(&c, d.idx, key, group, ids)
	done(&c)
	return n, err
}

// XPendingSummary is the summary form of XPENDING.
type XPendingSummary struct {
	// Count is the number of pending entries.
	Count int64
	// Lower and Upper are the smallest and greatest pending IDs (zero when
	// Count is 0).
	Lower, Upper StreamID
	// Consumers maps each consumer with pending entries to their number.
	Consumers map[string]int64
}

// pendingCount is one consumer's row of the XPENDING summary.
type pendingCount struct {
	name string
	n    int64
}

// xpendingSummaryOp is the one implementation of XPENDING key group.
func xpendingSummaryOp(c *keyspace.Ctx, db int, key, group string) (count int64, lo, hi stream.ID, per []pendingCount, err error) {
	_, g, err := groupOf(c, db, key, group)
	if err != nil {
		return 0, lo, hi, nil, err
	}
	count = int64(g.PendingCount())
	if count == 0 {
		return 0, lo, hi, nil, nil
	}
	lo, hi, _ = g.PendingBounds()
	for _, cons := range g.Consumers() {
		if n := cons.PendingCount(); n > 0 {
			per = append(per, pendingCount{cons.Name, int64(n)})
		}
	}
	return count, lo, hi, per, nil
}

// XPending returns the summary of a group's pending entries (XPENDING key
// group).
func (d *DB) XPending(key, group string) (XPendingSummary, error) {
	var c keyspace.Ctx
	d.unit(&c, key)
	n, lo, hi, per, err := xpendingSummaryOp(&c, d.idx, key, group)
	done(&c)
	if err != nil {
		return XPendingSummary{}, err
	}
	out := XPendingSummary{Count: n, Lower: lo, Upper: hi, Consumers: map[string]int64{}}
	for _, p := range per {
		out.Consumers[p.name] = p.n
	}
	return out, nil
}

// XPendingArgs are the extended form of XPENDING.
type XPendingArgs struct {
	// Start and End bound the IDs (inclusive). Use stream.MinID and
	// stream.MaxID for "-" and "+".
	Start, End StreamID
	// Count is the most entries returned; <= 0 returns none, as in Redis.
	Count int64
	// Idle (IDLE ms): only entries idle for at least this long.
	// Default: 0, no filter.
	Idle time.Duration
	// Consumer: only this consumer's entries. Default: "", all.
	Consumer string
}

// XPendingEntry is one row of the extended XPENDING reply.
type XPendingEntry struct {
	// ID is the pending entry's ID.
	ID StreamID
	// Consumer owns it.
	Consumer string
	// Idle is the time since its last delivery.
	Idle time.Duration
	// RetryCount is its number of deliveries.
	RetryCount int64
}

// pendingRow is one extended XPENDING row.
type pendingRow struct {
	id       stream.ID
	consumer string
	idle     int64
	count    int64
}

// xpendingRangeOp is the one implementation of the extended XPENDING.
// consumer "" with hasConsumer false means all consumers.
func xpendingRangeOp(c *keyspace.Ctx, db int, key, group string, start, end stream.ID, count, minIdle int64, consumer string, hasConsumer bool) ([]pendingRow, error) {
	_, g, err := groupOf(c, db, key, group)
	if err != nil {
		return nil, err
	}
	asc := g.AscendPending
	if hasConsumer {
		cons := g.Consumer(consumer)
		if cons == nil {
			return nil, nil
		}
		asc = cons.AscendPending
	}
	now := nowMS(c)
	rows := []pendingRow{}
	if count <= 0 {
		return rows, nil
	}
	asc(start, func(p *stream.Pending) bool {
		if end.Less(p.ID) {
			return false
		}
		if minIdle != 0 && now-p.DeliveryTime < minIdle {
			return true
		}
		idle := max(now-p.DeliveryTime, 0)
		rows = append(rows, pendingRow{p.ID, p.Consumer.Name, idle, p.DeliveryCount})
		count--
		return count > 0
	})
	return rows, nil
}

// XPendingExt returns a group's pending entries in a range (the extended
// XPENDING form).
func (d *DB) XPendingExt(key, group string, args XPendingArgs) ([]XPendingEntry, error) {
	var c keyspace.Ctx
	d.unit(&c, key)
	rows, err := xpendingRangeOp(&c, d.idx, key, group, args.Start, args.End, args.Count, args.Idle.Milliseconds(), args.Consumer, args.Consumer != "")
	done(&c)
	if err != nil {
		return nil, err
	}
	out := make([]XPendingEntry, len(rows))
	for i, r := range rows {
		out[i] = XPendingEntry{ID: r.id, Consumer: r.consumer, Idle: time.Duration(r.idle) * time.Millisecond, RetryCount: r.count}
	}
	return out, nil
}

// ---- XCLAIM / XAUTOCLAIM

// xclaimSpec is XCLAIM's options, parsed.
type xclaimSpec struct {
	minIdle    int64
	idle       int64 // IDLE ms, or -1
	time       int64 // TIME ms, or -1
	retryCount int64 // -1: not given
	force      bool
	justID     bool
	lastID     stream.ID
}

// claimed is one XCLAIM/XAUTOCLAIM result: an entry or, with JUSTID, an
// ID.
type claimed struct {
	ents []stream.Entry
	buf  entryBuf
}

// xclaimOp is the one implementation of XCLAIM. The group must exist
// (checked by the caller through groupOf, before the options are parsed).
func xclaimOp(c *keyspace.Ctx, db int, key string, s *stream.Stream, g *stream.Group, consumer string, ids []stream.ID, sp *xclaimSpec, out *claimed) {
	now := nowMS(c)
	propagateLast := false
	if g.LastID.Less(sp.lastID) {
		g.LastID = sp.lastID
		propagateLast = true
	}
	dt := now
	switch {
	case sp.time != -1:
		dt = sp.time
	case sp.idle != -1:
		dt = now - sp.idle
	}
	if dt < 0 || dt > now {
		dt = now
	}
	cons := consumerFor(c, db, key, s, g, consumer)
	a := stream.ClaimArgs{MinIdle: sp.minIdle, DeliveryTime: dt, RetryCount: sp.retryCount, Force: sp.force, JustID: sp.justID}
	for _, id := range ids {
		res, p := s.Claim(g, cons, id, a, now)
		switch res {
		case stream.ClaimDeleted:
			propagateClaim(c, db, key, g, p)
			propagateLast = false
		case stream.ClaimOK:
			if sp.justID {
				out.ents = append(out.ents, stream.Entry{ID: id})
			} else {
				kv, _ := s.Get(id)
				out.ents = append(out.ents, out.buf.entry(id, kv))
			}
			propagateClaim(c, db, key, g, p)
			propagateLast = false
		}
	}
	if propagateLast {
		propagateSetID(c, db, key, g)
	}
}

// XClaimArgs are XCLAIM's options.
type XClaimArgs struct {
	// Idle (IDLE ms): set the entries' idle time instead of zero.
	Idle time.Duration
	// Time (TIME ms): set the last delivery time; overrides Idle.
	Time time.Time
	// RetryCount (RETRYCOUNT n): set the delivery count; nil increments
	// it (unless JustID).
	RetryCount *int64
	// Force (FORCE): claim IDs that are not pending yet (they must exist
	// in the stream).
	Force bool
	// LastID (LASTID id): raise the group's last delivered ID to this.
	LastID StreamID
}

func (a *XClaimArgs) spec(minIdle time.Duration, justID bool) xclaimSpec {
	sp := xclaimSpec{minIdle: max(minIdle.Milliseconds(), 0), idle: -1, time: -1, retryCount: -1, justID: justID}
	if a != nil {
		if a.Idle != 0 {
			sp.idle = a.Idle.Milliseconds()
		}
		if !a.Time.IsZero() {
			sp.time = a.Time.UnixMilli()
		}
		if a.RetryCount != nil {
			sp.retryCount = *a.RetryCount
		}
		sp.force, sp.lastID = a.Force, a.LastID
	}
	return sp
}

func (d *DB) xclaim(key, group, consumer string, minIdle time.Duration, ids []StreamID, args *XClaimArgs, justID bool) ([]StreamEntry, error) {
	sp := args.spec(minIdle, justID)
	var c keyspace.Ctx
	d.unit(&c, key)
	s, g, err := groupOf(&c, d.idx, key, group)
	var out claimed
	if err == nil {
		xclaimOp(&c, d.idx, key, s, g, consumer, ids, &sp, &out)
	}
	done(&c)
	if err != nil {
		return nil, err
	}
	return ownEntries(out.ents), nil
}

// XClaim transfers pending entries idle for at least minIdle to consumer
// (XCLAIM) and returns the entries claimed.
func (d *DB) XClaim(key, group, consumer string, minIdle time.Duration, ids []StreamID, args *XClaimArgs) ([]StreamEntry, error) {
	return d.xclaim(key, group, consumer, minIdle, ids, args, false)
}

// XClaimJustID is XClaim with JUSTID: it returns only the IDs and leaves
// delivery counts alone.
func (d *DB) XClaimJustID(key, group, consumer string, minIdle time.Duration, ids []StreamID, args *XClaimArgs) ([]StreamID, error) {
	ents, err := d.xclaim(key, group, consumer, minIdle, ids, args, true)
	if err != nil {
		return nil, err
	}
	out := make([]StreamID, len(ents))
	for i, e := range ents {
		out[i] = e.ID
	}
	return out, nil
}

// xautoclaimOp is the one implementation of XAUTOCLAIM.
func xautoclaimOp(c *keyspace.Ctx, db int, key, group, consumer string, minIdle int64, start stream.ID, count int64, justID bool, out *claimed) (next stream.ID, deleted []stream.ID, err error) {
	s, g, err := groupOf(c, db, key, group)
	if err != nil {
		return next, nil, err
	}
	if count > maxAutoClaimCount {
		return next, nil, errAutoClaimMemory
	}
	cons := consumerFor(c, db, key, s, g, consumer)
	deleted = []stream.ID{}
	next = s.AutoClaim(g, cons, start, count, minIdle, justID, nowMS(c),
		func(p *stream.Pending, kv []string) {
			if justID {
				out.ents = append(out.ents, stream.Entry{ID: p.ID})
			} else {
				out.ents = append(out.ents, out.buf.entry(p.ID, kv))
			}
			propagateClaim(c, db, key, g, p)
		},
		func(p *stream.Pending) {
			deleted = append(deleted, p.ID)
			propagateClaim(c, db, key, g, p)
		})
	return next, deleted, nil
}

// XAutoClaimArgs are XAUTOCLAIM's options.
type XAutoClaimArgs struct {
	// Count (COUNT n): the most entries to claim; <= 0 means 100.
	Count int
	// JustID (JUSTID): return IDs only (Fields nil) and leave delivery
	// counts alone.
	JustID bool
}

// XAutoClaim scans a group's pending entries from start and transfers to
// consumer those idle for at least minIdle (XAUTOCLAIM). It returns the ID
// to pass as start next time (zero when the scan reached the end), the
// entries claimed, and the IDs it dropped from the PEL because their
// entries were deleted from the stream.
func (d *DB) XAutoClaim(key, group, consumer string, minIdle time.Duration, start StreamID, args *XAutoClaimArgs) (next StreamID, claimedEntries []StreamEntry, deleted []StreamID, err error) {
	count, justID := int64(100), false
	if args != nil {
		if args.Count > 0 {
			count = int64(args.Count)
		}
		justID = args.JustID
	}
	var c keyspace.Ctx
	d.unit(&c, key)
	var out claimed
	next, deleted, err = xautoclaimOp(&c, d.idx, key, group, consumer, max(minIdle.Milliseconds(), 0), start, count, justID, &out)
	done(&c)
	if err != nil {
		return next, nil, nil, err
	}
	return next, ownEntries(out.ents), deleted, nil
}

// ---- XINFO

// XInfoStream is XINFO STREAM's reply.
type XInfoStream struct {
	// Length is the number of entries.
	Length int64
	// RadixTreeKeys and RadixTreeNodes describe the node tree, as Redis
	// reports its radix tree.
	RadixTreeKeys, RadixTreeNodes int64
	// LastGeneratedID is the last ID added (or set by XSETID).
	LastGeneratedID StreamID
	// MaxDeletedEntryID is the greatest ID removed by XDEL.
	MaxDeletedEntryID StreamID
	// EntriesAdded counts every entry ever added.
	EntriesAdded int64
	// RecordedFirstEntryID is the first entry's ID.
	RecordedFirstEntryID StreamID
	// Groups is the number of consumer groups.
	Groups int64
	// FirstEntry and LastEntry are nil when the stream is empty.
	FirstEntry, LastEntry *StreamEntry
}

func streamInfoHeader(s *stream.Stream) XInfoStream {
	return XInfoStream{
		Length:               int64(s.Len()),
		RadixTreeKeys:        int64(s.Nodes()),
		RadixTreeNodes:       int64(s.RadixTreeNodes()),
		LastGeneratedID:      s.LastID(),
		MaxDeletedEntryID:    s.MaxDeletedID(),
		EntriesAdded:         int64(s.EntriesAdded()),
		RecordedFirstEntryID: s.FirstID(),
		Groups:               int64(s.GroupCount()),
	}
}

// xinfoStreamOp is the one implementation of XINFO STREAM (without FULL).
func xinfoStreamOp(c *keyspace.Ctx, db int, key string) (XInfoStream, error) {
	s, err := streamOf(c, db, key)
	if err != nil {
		return XInfoStream{}, err
	}
	if s == nil {
		return XInfoStream{}, ErrNoSuchKey
	}
	info := streamInfoHeader(s)
	var b entryBuf
	if id, kv, ok := s.FirstEntry(); ok {
		e := b.entry(id, kv)
		info.FirstEntry = &e
	}
	if id, kv, ok := s.LastEntry(); ok {
		e := b.entry(id, kv)
		info.LastEntry = &e
	}
	return info, nil
}

// XInfoStream describes the stream at key (XINFO STREAM).
func (d *DB) XInfoStream(key string) (XInfoStream, error) {
	var c keyspace.Ctx
	d.unit(&c, key)
	info, err := xinfoStreamOp(&c, d.idx, key)
	done(&c)
	if info.FirstEntry != nil {
		f := ownEntries([]stream.Entry{*info.FirstEntry})[0]
		l := ownEntries([]stream.Entry{*info.LastEntry})[0]
		info.FirstEntry, info.LastEntry = &f, &l
	}
	return info, err
}

// XInfoGroup describes a consumer group (XINFO GROUPS).
type XInfoGroup struct {
	// Name is the group's name.
	Name string
	// Consumers is the number of consumers.
	Consumers int64
	// Pending is the size of the group's PEL.
	Pending int64
	// LastDeliveredID is the group's last delivered ID.
	LastDeliveredID StreamID
	// EntriesRead is the logical read counter; valid when
	// EntriesReadKnown.
	EntriesRead      int64
	EntriesReadKnown bool
	// Lag is the number of entries not yet delivered; valid when
	// LagKnown.
	Lag      int64
	LagKnown bool
}

func groupInfo(s *stream.Stream, g *stream.Group) XInfoGroup {
	lag, ok := s.Lag(g)
	return XInfoGroup{
		Name: g.Name, Consumers: int64(g.ConsumerCount()), Pending: int64(g.PendingCount()),
		LastDeliveredID: g.LastID, EntriesRead: g.EntriesRead, EntriesReadKnown: g.EntriesRead != stream.InvalidEntriesRead,
		Lag: lag, LagKnown: ok,
	}
}

// xinfoGroupsOp is the one implementation of XINFO GROUPS.
func xinfoGroupsOp(c *keyspace.Ctx, db int, key string) ([]XInfoGroup, error) {
	s, err := streamOf(c, db, key)
	if err != nil {
		return nil, err
	}
	if s == nil {
		return nil, ErrNoSuchKey
	}
	out := []XInfoGroup{}
	for _, g := range s.Groups() {
		out = append(out, groupInfo(s, g))
	}
	return out, nil
}

// XInfoGroups describes the consumer groups of the stream at key (XINFO
// GROUPS), in name order.
func (d *DB) XInfoGroups(key string) ([]XInfoGroup, error) {
	var c keyspace.Ctx
	d.unit(&c, key)
	out, err := xinfoGroupsOp(&c, d.idx, key)
	done(&c)
	return out, err
}

// XInfoConsumer describes a consumer (XINFO CONSUMERS).
type XInfoConsumer struct {
	// Name is the consumer's name.
	Name string
	// Pending is the number of entries it has pending.
	Pending int64
	// Idle is the time since its last attempted read or claim.
	Idle time.Duration
	// Inactive is the time since its last successful delivery or claim;
	// negative if it never had one.
	Inactive time.Duration
}

// consumerRow is one row of XINFO CONSUMERS (times in ms; inactive -1:
// never active).
type consumerRow struct {
	name           string
	pending        int64
	idle, inactive int64
}

// xinfoConsumersOp is the one implementation of XINFO CONSUMERS.
func xinfoConsumersOp(c *keyspace.Ctx, db int, key, group string) ([]consumerRow, error) {
	s, err := streamOf(c, db, key)
	if err != nil {
		return nil, err
	}
	if s == nil {
		return nil, ErrNoSuchKey
	}
	g := s.Group(group)
	if g == nil {
		return nil, errNoGroupKey(key, group)
	}
	now := nowMS(c)
	rows := []consumerRow{}
	for _, cons := range g.Consumers() {
		inactive := int64(-1)
		if cons.ActiveTime != -1 {
			inactive = now - cons.ActiveTime
		}
		rows = append(rows, consumerRow{name: cons.Name, pending: int64(cons.PendingCount()),
			idle: max(now-cons.SeenTime, 0), inactive: inactive})
	}
	return rows, nil
}

// XInfoConsumers describes the consumers of a group (XINFO CONSUMERS), in
// name order.
func (d *DB) XInfoConsumers(key, group string) ([]XInfoConsumer, error) {
	var c keyspace.Ctx
	d.unit(&c, key)
	rows, err := xinfoConsumersOp(&c, d.idx, key, group)
	done(&c)
	if err != nil {
		return nil, err
	}
	out := make([]XInfoConsumer, len(rows))
	for i, r := range rows {
		out[i] = XInfoConsumer{Name: r.name, Pending: r.pending, Idle: time.Duration(r.idle) * time.Millisecond,
			Inactive: time.Duration(r.inactive) * time.Millisecond}
		if r.inactive < 0 {
			out[i].Inactive = -1
		}
	}
	return out, nil
}

// XInfoStreamFull is XINFO STREAM ... FULL's reply.
type XInfoStreamFull struct {
	// Length ... RecordedFirstEntryID are as in XInfoStream.
	Length                        int64
	RadixTreeKeys, RadixTreeNodes int64
	LastGeneratedID               StreamID
	MaxDeletedEntryID             StreamID
	EntriesAdded                  int64
	RecordedFirstEntryID          StreamID
	// Entries are the first entries (up to the count asked for).
	Entries []StreamEntry
	// Groups describe every group in name order.
	Groups []XInfoGroupFull
}

// XInfoGroupFull is a group in XINFO STREAM FULL.
type XInfoGroupFull struct {
	XInfoGroup
	// PEL lists pending entries (up to the count asked for).
	PEL []XInfoPending
	// ConsumerList describes each consumer.
	ConsumerList []XInfoConsumerFull
}

// XInfoPending is a pending entry in XINFO STREAM FULL.
type XInfoPending struct {
	// ID is the entry's ID.
	ID StreamID
	// Consumer owns it (empty in a consumer's own list).
	Consumer string
	// DeliveryTime is the time of its last delivery.
	DeliveryTime time.Time
	// DeliveryCount is its number of deliveries.
	DeliveryCount int64
}

// XInfoConsumerFull is a consumer in XINFO STREAM FULL.
type XInfoConsumerFull struct {
	// Name is the consumer's name.
	Name string
	// SeenTime is its last attempted read or claim.
	SeenTime time.Time
	// ActiveTime is its last successful delivery or claim; zero if none.
	ActiveTime time.Time
	// PelCount is the number of its pending entries.
	PelCount int64
	// PEL lists them (up to the count asked for).
	PEL []XInfoPending
}

// XInfoStreamFull describes the stream at key in detail (XINFO STREAM key
// FULL COUNT count): count limits the entries and PEL rows listed; 0 lists
// all, a negative count means the default 10.
func (d *DB) XInfoStreamFull(key string, count int) (XInfoStreamFull, error) {
	if count < 0 {
		count = 10
	}
	var c keyspace.Ctx
	d.unit(&c, key)
	defer done(&c)
	s, err := streamOf(&c, d.idx, key)
	if err != nil {
		return XInfoStreamFull{}, err
	}
	if s == nil {
		return XInfoStreamFull{}, ErrNoSuchKey
	}
	h := streamInfoHeader(s)
	out := XInfoStreamFull{Length: h.Length, RadixTreeKeys: h.RadixTreeKeys, RadixTreeNodes: h.RadixTreeNodes,
		LastGeneratedID: h.LastGeneratedID, MaxDeletedEntryID: h.MaxDeletedEntryID, EntriesAdded: h.EntriesAdded,
		RecordedFirstEntryID: h.RecordedFirstEntryID}
	var b entryBuf
	n := 0
	s.Range(stream.MinID, stream.MaxID, false, func(id stream.ID, kv []string) bool {
		out.Entries = append(out.Entries, b.entry(id, kv))
		n++
		return count == 0 || n < count
	})
	out.Entries = ownEntries(out.Entries)
	for _, g := range s.Groups() {
		gf := XInfoGroupFull{XInfoGroup: groupInfo(s, g)}
		g.AscendPending(stream.MinID, func(p *stream.Pending) bool {
			if count != 0 && len(gf.PEL) >= count {
				return false
			}
			gf.PEL = append(gf.PEL, XInfoPending{ID: p.ID, Consumer: p.Consumer.Name, DeliveryTime: time.UnixMilli(p.DeliveryTime), DeliveryCount: p.DeliveryCount})
			return true
		})
		for _, cons := range g.Consumers() {
			cf := XInfoConsumerFull{Name: cons.Name, SeenTime: time.UnixMilli(cons.SeenTime), PelCount: int64(cons.PendingCount())}
			if cons.ActiveTime != -1 {
				cf.ActiveTime = time.UnixMilli(cons.ActiveTime)
			}
			cons.AscendPending(stream.MinID, func(p *stream.Pending) bool {
				if count != 0 && len(cf.PEL) >= count {
					return false
				}
				cf.PEL = append(cf.PEL, XInfoPending{ID: p.ID, DeliveryTime: time.UnixMilli(p.DeliveryTime), DeliveryCount: p.DeliveryCount})
				return true
			})
			gf.ConsumerList = append(gf.ConsumerList, cf)
		}
		out.Groups = append(out.Groups, gf)
	}
	return out, nil
}

// ---- the group handle

// StreamGroup is a handle on one consumer group of one stream, for
// consumer loops: Read, Ack, Pending, Claim and AutoClaim without
// repeating the key and group. It holds no state; create one with
// DB.Group and use it from any goroutine.
type StreamGroup struct {
	d          *DB
	key, group string
}

// Group returns a handle on consumer group group of the stream at key.
// The group need not exist yet (see Create).
func (d *DB) Group(key, group string) *StreamGroup {
	return &StreamGroup{d: d, key: key, group: group}
}

// Key returns the stream's key.
func (g *StreamGroup) Key() string { return g.key }

// Name returns the group's name.
func (g *StreamGroup) Name() string { return g.group }

// XGroupCreateArgs are XGROUP CREATE's options.
type XGroupCreateArgs struct {
	// MkStream (MKSTREAM): create the stream if it does not exist.
	MkStream bool
	// EntriesRead (ENTRIESREAD n): the group's initial read counter;
	// nil leaves it unknown.
	EntriesRead *int64
}

func (a *XGroupCreateArgs) parts() (bool, int64, error) {
	if a == nil {
		return false, stream.InvalidEntriesRead, nil
	}
	er := int64(stream.InvalidEntriesRead)
	if a.EntriesRead != nil {
		er = *a.EntriesRead
		if er < 0 && er != stream.InvalidEntriesRead {
			return false, 0, errEntriesRead
		}
	}
	return a.MkStream, er, nil
}

func (g *StreamGroup) create(start groupStart, args *XGroupCreateArgs) error {
	mk, er, err := args.parts()
	if err != nil {
		return err
	}
	var c keyspace.Ctx
	g.d.unit(&c, g.key)
	err = xgroupCreateOp(&c, g.d.idx, g.key, g.group, start, mk, er)
	done(&c)
	return err
}

// Create creates the group with its last delivered ID at start (XGROUP
// CREATE key group id): a zero start delivers the whole stream. It
// returns ErrBusyGroup if the group exists.
func (g *StreamGroup) Create(start StreamID, args *XGroupCreateArgs) error {
	return g.create(groupStart{id: start}, args)
}

// CreateAtEnd creates the group at the stream's current end (XGROUP
// CREATE key group $): only entries added later are delivered.
func (g *StreamGroup) CreateAtEnd(args *XGroupCreateArgs) error {
	return g.create(groupStart{latest: true}, args)
}

// SetID moves the group's last delivered ID (XGROUP SETID); the
// entries-read counter becomes unknown unless entriesRead is given.
func (g *StreamGroup) SetID(id StreamID, entriesRead ...int64) error {
	er := int64(stream.InvalidEntriesRead)
	if len(entriesRead) > 0 {
		er = entriesRead[0]
		if er < 0 && er != stream.InvalidEntriesRead {
			return errEntriesRead
		}
	}
	var c keyspace.Ctx
	g.d.unit(&c, g.key)
	err := xgroupSetIDOp(&c, g.d.idx, g.key, g.group, groupStart{id: id}, er)
	done(&c)
	return err
}

// Destroy deletes the group (XGROUP DESTROY) and reports whether it
// existed. Consumers blocked in Read get an ErrNoGroup error.
func (g *StreamGroup) Destroy() (bool, error) {
	var c keyspace.Ctx
	g.d.unit(&c, g.key)
	ok, err := xgroupDestroyOp(&c, g.d.idx, g.key, g.group)
	done(&c)
	return ok, err
}

// CreateConsumer adds a consumer (XGROUP CREATECONSUMER) and reports
// whether it was new.
func (g *StreamGroup) CreateConsumer(consumer string) (bool, error) {
	var c keyspace.Ctx
	g.d.unit(&c, g.key)
	ok, err := xgroupCreateConsumerOp(&c, g.d.idx, g.key, g.group, consumer)
	done(&c)
	return ok, err
}

// DelConsumer removes a consumer and its pending entries (XGROUP
// DELCONSUMER) and returns how many entries it had pending.
func (g *StreamGroup) DelConsumer(consumer string) (int64, error) {
	var c keyspace.Ctx
	g.d.unit(&c, g.key)
	n, err := xgroupDelConsumerOp(&c, g.d.idx, g.key, g.group, consumer)
	done(&c)
	return n, err
}

// Read delivers up to count new entries (<= 0: no limit) to consumer
// (XREADGROUP ... STREAMS key >), waiting up to block for some to arrive
// (0: no wait; BlockForever: until ctx is done). It returns an empty
// slice and no error when nothing arrived in time, and ctx.Err() when ctx
// ends the wait. Delivered entries stay pending until Ack.
func (g *StreamGroup) Read(ctx context.Context, consumer string, count int, block time.Duration) ([]StreamEntry, error) {
	res, err := g.d.XReadGroup(ctx, &XReadGroupArgs{Group: g.group, Consumer: consumer, Count: count, Block: block,
		Streams: []XReadGroupStream{{Key: g.key}}})
	if err == Nil {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return res[0].Entries, nil
}

// ReadPending redelivers up to count of consumer's own pending entries
// with IDs greater than after (XREADGROUP with an explicit ID), bumping
// their delivery counts. Entries deleted from the stream come back with
// nil Fields.
func (g *StreamGroup) ReadPending(consumer string, after StreamID, count int) ([]StreamEntry, error) {
	res, err := g.d.XReadGroup(context.Background(), &XReadGroupArgs{Group: g.group, Consumer: consumer, Count: count,
		Streams: []XReadGroupStream{{Key: g.key, Pending: true, After: after}}})
	if err != nil {
		return nil, err
	}
	return res[0].Entries, nil
}

// Ack acknowledges entries (XACK) and returns how many were pending.
func (g *StreamGroup) Ack(ids ...StreamID) (int64, error) { return g.d.XAck(g.key, g.group, ids...) }

// Pending summarizes the group's pending entries (XPENDING key group).
func (g *StreamGroup) Pending() (XPendingSummary, error) { return g.d.XPending(g.key, g.group) }

// PendingRange lists pending entries (extended XPENDING).
func (g *StreamGroup) PendingRange(args XPendingArgs) ([]XPendingEntry, error) {
	return g.d.XPendingExt(g.key, g.group, args)
}

// Claim transfers pending entries idle for at least minIdle to consumer
// (XCLAIM) and returns them.
func (g *StreamGroup) Claim(consumer string, minIdle time.Duration, ids ...StreamID) ([]StreamEntry, error) {
	return g.d.XClaim(g.key, g.group, consumer, minIdle, ids, nil)
}

// AutoClaim transfers up to count pending entries (<= 0: 100) idle for at
// least minIdle, scanning from start, to consumer (XAUTOCLAIM). It returns
// where to resume (zero when done), the claimed entries, and the IDs
// dropped because their entries no longer exist.
func (g *StreamGroup) AutoClaim(consumer string, minIdle time.Duration, start StreamID, count int) (next StreamID, claimed []StreamEntry, deleted []StreamID, err error) {
	return g.d.XAutoClaim(g.key, g.group, consumer, minIdle, start, &XAutoClaimArgs{Count: count})
}

// Info describes the group (its XINFO GROUPS row); ErrNoGroup if it does
// not exist.
func (g *StreamGroup) Info() (XInfoGroup, error) {
	groups, err := g.d.XInfoGroups(g.key)
	if err != nil {
		return XInfoGroup{}, err
	}
	for _, gi := range groups {
		if gi.Name == g.group {
			return gi, nil
		}
	}
	return XInfoGroup{}, errNoGroupKey(g.key, g.group)
}

// Consumers describes the group's consumers (XINFO CONSUMERS).
func (g *StreamGroup) Consumers() ([]XInfoConsumer, error) { return g.d.XInfoConsumers(g.key, g.group) }

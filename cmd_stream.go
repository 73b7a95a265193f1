package embedis

import (
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/embedis/embedis/stream"
)

func init() {
	const rw = flagWrite | flagDenyOOM
	key1 := func(c *Command) *Command { c.FirstKey, c.LastKey, c.Group = 1, 1, "stream"; return c }
	register(key1(&Command{Name: "xadd", Arity: -5, flags: rw | flagFast, run: cmdXAdd}))
	register(key1(&Command{Name: "xrange", Arity: -4, flags: flagReadonly, run: cmdXRange}))
	register(key1(&Command{Name: "xrevrange", Arity: -4, flags: flagReadonly, run: cmdXRange}))
	register(key1(&Command{Name: "xlen", Arity: 2, flags: flagReadonly | flagFast, run: cmdXLen}))
	register(key1(&Command{Name: "xdel", Arity: -3, flags: flagWrite | flagFast, run: cmdXDel}))
	register(key1(&Command{Name: "xtrim", Arity: -4, flags: flagWrite, run: cmdXTrim}))
	register(key1(&Command{Name: "xsetid", Arity: -3, flags: rw | flagFast, run: cmdXSetID}))
	register(key1(&Command{Name: "xack", Arity: -4, flags: flagWrite | flagFast, run: cmdXAck}))
	register(key1(&Command{Name: "xpending", Arity: -3, flags: flagReadonly, run: cmdXPending}))
	register(key1(&Command{Name: "xclaim", Arity: -6, flags: flagWrite | flagFast, run: cmdXClaim}))
	register(key1(&Command{Name: "xautoclaim", Arity: -6, flags: flagWrite | flagFast, run: cmdXAutoClaim}))
	register(&Command{Name: "xread", Arity: -4, Group: "stream", flags: flagReadonly | flagBlocking | flagMovableKeys,
		run: cmdXRead, keys: xreadKeys})
	register(&Command{Name: "xreadgroup", Arity: -7, Group: "stream", flags: flagWrite | flagBlocking | flagMovableKeys,
		run: cmdXRead, keys: xreadKeys})

	register(&Command{Name: "xgroup", Arity: -2, Group: "stream"})
	key2 := func(c *Command) *Command { c.FirstKey, c.LastKey, c.Group = 2, 2, "stream"; return c }
	registerSub("xgroup", key2(&Command{Name: "create", Arity: -5, flags: rw, run: cmdXGroupCreate}))
	registerSub("xgroup", key2(&Command{Name: "setid", Arity: -5, flags: flagWrite, run: cmdXGroupSetID}))
	registerSub("xgroup", key2(&Command{Name: "destroy", Arity: 4, flags: flagWrite, run: cmdXGroupDestroy}))
	registerSub("xgroup", key2(&Command{Name: "createconsumer", Arity: 5, flags: rw, run: cmdXGroupCreateConsumer}))
	registerSub("xgroup", key2(&Command{Name: "delconsumer", Arity: 5, flags: flagWrite, run: cmdXGroupDelConsumer}))
	registerSub("xgroup", &Command{Name: "help", Arity: 2, Group: "stream", flags: flagLoading | flagStale, run: cmdXGroupHelp})

	register(&Command{Name: "xinfo", Arity: -2, Group: "stream"})
	registerSub("xinfo", key2(&Command{Name: "consumers", Arity: 4, flags: flagReadonly, run: cmdXInfoConsumers}))
	registerSub("xinfo", key2(&Command{Name: "groups", Arity: 3, flags: flagReadonly, run: cmdXInfoGroups}))
	registerSub("xinfo", key2(&Command{Name: "stream", Arity: -3, flags: flagReadonly, run: cmdXInfoStream}))
	registerSub("xinfo", &Command{Name: "help", Arity: 2, Group: "stream", flags: flagLoading | flagStale, run: cmdXInfoHelp})
}

// ---- argument helpers

// argC returns argument i as a C function sees it: up to its first NUL.
func (x *Exec) xCArg(i int) string {
	a := x.arg(i)
	if j := strings.IndexByte(a, 0); j >= 0 {
		return a[:j]
	}
	return a
}

// optIs compares argument i with an option name as strcasecmp does.
func (x *Exec) xOpt(i int, lower string) bool { return strings.EqualFold(x.xCArg(i), lower) }

// subSyntaxErr is Redis's addReplySubcommandSyntaxError.
func (x *Exec) xSubSyntaxErr() {
	sub := x.xCArg(1)
	if len(sub) > 128 {
		sub = sub[:128]
	}
	x.errStr(sanitizeErr("ERR unknown subcommand or wrong number of arguments for '" + sub + "'. Try " +
		strings.ToUpper(x.xCArg(0)) + " HELP."))
}

// help writes Redis's addReplyHelp reply.
func (x *Exec) xHelp(lines ...string) {
	x.w.ArrayLen(len(lines) + 3)
	x.w.SimpleString(strings.ToUpper(x.xCArg(0)) + " <subcommand> [<arg> [value] [opt] ...]. Subcommands are:")
	for _, l := range lines {
		x.w.SimpleString(l)
	}
	x.w.SimpleString("HELP")
	x.w.SimpleString("    Prints this help.")
}

// intArg parses argument i as a long long; on error it replies msg (or
// the standard integer error) and returns false.
func (x *Exec) xInt(i int, msg string) (int64, bool) {
	v, ok := parseInt(x.arg(i))
	if !ok {
		if msg != "" {
			x.errStr("ERR " + msg)
		} else {
			x.err(ErrNotInteger)
		}
		return 0, false
	}
	return v, true
}

// streamID parses argument i as a stream ID, replying the error.
func (x *Exec) xStreamID(i int, missingSeq uint64, strict bool) (stream.ID, bool) {
	a, err := stream.ParseArg(x.arg(i), missingSeq, strict, false)
	if err != nil {
		x.err(errStreamID)
		return stream.ID{}, false
	}
	return a.ID, true
}

// intervalID parses a range bound, where "(" makes it exclusive: a start
// moves up by one ID, an end down by one.
func (x *Exec) xIntervalID(i int, start bool) (stream.ID, bool) {
	a := x.arg(i)
	missing := uint64(0)
	if !start {
		missing = math.MaxUint64
	}
	if len(a) > 1 && a[0] == '(' {
		p, err := stream.ParseArg(a[1:], missing, true, false)
		if err != nil {
			x.err(errStreamID)
			return stream.ID{}, false
		}
		var ok bool
		var id stream.ID
		if start {
			id, ok = p.ID.Next()
			if !ok {
				x.err(errStartInterval)
			}
		} else {
			id, ok = p.ID.Prev()
			if !ok {
				x.err(errEndInterval)
			}
		}
		return id, ok
	}
	return x.xStreamID(i, missing, false)
}

// argStrings returns arguments from..to-1 as views.
func (x *Exec) xArgs(from, to int) []string {
	out := make([]string, to-from)
	for i := range out {
		out[i] = x.arg(from + i)
	}
	return out
}

// ---- reply helpers

func (x *Exec) xBulkID(id stream.ID) {
	x.w.Bulk(x.sess.idText.format(id))
}

// idText formats stream IDs for replies without allocating (a buffer on
// the stack would escape through the ReplyWriter interface). The
// millisecond part, which consecutive IDs mostly share, is kept from the
// previous call.
type idText struct {
	buf [41]byte // "<ms>-<seq>"
	ms  uint64   // the ms part in buf[:n]
	n   int      // length of "<ms>-"; 0: nothing kept
}

// format returns id's text, valid until the next call.
func (t *idText) format(id stream.ID) []byte {
	if t.n == 0 || id.Ms != t.ms {
		b := strconv.AppendUint(t.buf[:0], id.Ms, 10)
		b = append(b, '-')
		t.ms, t.n = id.Ms, len(b)
	}
	return strconv.AppendUint(t.buf[:t.n], id.Seq, 10)
}

// writeEntry writes [id, [f1, v1, ...]], or [id, nil] for a deleted entry.
func (x *Exec) xEntry(e stream.Entry) {
	x.w.ArrayLen(2)
	x.xBulkID(e.ID)
	if e.Fields == nil {
		x.w.NullArray()
		return
	}
	x.w.ArrayLen(len(e.Fields))
	for _, f := range e.Fields {
		x.w.BulkString(f)
	}
}

func (x *Exec) xEntries(ents []stream.Entry) {
	x.w.ArrayLen(len(ents))
	for _, e := range ents {
		x.xEntry(e)
	}
}

// writeRead writes an XREAD/XREADGROUP reply: [[key, entries], ...] in
// RESP2, a map key -> entries in RESP3.
func (x *Exec) xReadReply(r *readResult) {
	resp3 := x.w.Proto() == 3
	if resp3 {
		x.w.MapLen(len(r.keys))
	} else {
		x.w.ArrayLen(len(r.keys))
	}
	for i, k := range r.keys {
		if !resp3 {
			x.w.ArrayLen(2)
		}
		x.w.BulkString(k)
		x.xEntries(r.ents[i])
	}
}

// ---- XADD / XTRIM

// parseTrim parses XADD's or XTRIM's options from argument 2 as Redis's
// streamParseAddOrTrimArgsOrReply does. For XADD it also parses the ID and
// returns its position (the fields follow it).
func (x *Exec) xParseTrim(xadd bool) (sp xaddSpec, idpos int, ok bool) {
	n := len(x.args)
	i := 2
	limitGiven := false
	var limit int64
	for ; i < n; i++ {
		more := n - 1 - i
		opt := x.xCArg(i)
		switch {
		case xadd && opt == "*":
			sp.id.Auto = true
		case strings.EqualFold(opt, "maxlen") && more > 0, strings.EqualFold(opt, "minid") && more > 0:
			if sp.trim.set {
				x.err(errTrimBoth)
				return sp, 0, false
			}
			sp.trim.set = true
			sp.trim.t.Approx = false
			if next := x.xCArg(i + 1); more >= 2 && (next == "~" || next == "=") {
				sp.trim.t.Approx = next == "~"
				i++
			}
			if strings.EqualFold(opt, "maxlen") {
				v, ok := x.xInt(i+1, "")
				if !ok {
					return sp, 0, false
				}
				if v < 0 {
					x.err(errMaxLenNegative)
					return sp, 0, false
				}
				sp.trim.t.MaxLen = uint64(v)
			} else {
				a, err := stream.ParseArg(x.arg(i+1), 0, true, false)
				if err != nil {
					x.err(errStreamID)
					return sp, 0, false
				}
				sp.trim.t.ByMinID, sp.trim.t.MinID = true, a.ID
			}
			i++
			continue
		case strings.EqualFold(opt, "limit") && more > 0:
			v, ok := x.xInt(i+1, "")
			if !ok {
				return sp, 0, false
			}
			if v < 0 {
				x.err(errLimitNegative)
				return sp, 0, false
			}
			limit, limitGiven = v, true
			i++
			continue
		case xadd && strings.EqualFold(opt, "nomkstream"):
			sp.noMk = true
			continue
		case xadd:
			a, err := stream.ParseArg(x.arg(i), 0, true, true)
			if err != nil {
				x.err(errStreamID)
				return sp, 0, false
			}
			sp.id = stream.IDSpec{ID: a.ID, SeqAuto: a.SeqAuto}
		default:
			x.syntaxErr()
			return sp, 0, false
		}
		break
	}
	if limit != 0 && !sp.trim.set {
		x.err(errLimitNoStrategy)
		return sp, 0, false
	}
	if !xadd && !sp.trim.set {
		x.err(errXTrimNoStrategy)
		return sp, 0, false
	}
	switch {
	case x.c.Loading:
		sp.trim.t.Limit = 0
	case limitGiven:
		if !sp.trim.t.Approx {
			x.err(errLimitNoApprox)
			return sp, 0, false
		}
		sp.trim.t.Limit = limit
		sp.trim.limitGiven = true
	case sp.trim.t.Approx:
		sp.trim.t.Limit = stream.DefaultApproxLimit
	}
	return sp, i, true
}

func cmdXAdd(x *Exec) {
	sp, idpos, ok := x.xParseTrim(true)
	if !ok {
		return
	}
	n := len(x.args)
	fieldPos := idpos + 1
	if n-fieldPos < 2 || (n-fieldPos)%2 == 1 {
		x.err(errWrongArgs("xadd"))
		return
	}
	var small [8]string
	fv := small[:0]
	if n-fieldPos > len(small) {
		fv = make([]string, 0, n-fieldPos)
	}
	for i := fieldPos; i < n; i++ {
		fv = append(fv, x.arg(i))
	}
	id, added, err := xaddOp(x.c, x.db, x.arg(1), &sp, fv)
	switch {
	case err != nil:
		x.err(err)
	case !added:
		x.w.NullBulk()
	default:
		x.xBulkID(id)
	}
}

func cmdXTrim(x *Exec) {
	sp, _, ok := x.xParseTrim(false)
	if !ok {
		return
	}
	n, err := xtrimOp(x.c, x.db, x.arg(1), sp.trim)
	if err != nil {
		x.err(err)
		return
	}
	x.w.Int(n)
}

// ---- XRANGE / XREVRANGE / XLEN / XDEL / XSETID

func cmdXRange(x *Exec) {
	rev := x.cmd.Name == "xrevrange"
	si, ei := 2, 3
	if rev {
		si, ei = 3, 2
	}
	start, ok := x.xIntervalID(si, true)
	if !ok {
		return
	}
	end, ok := x.xIntervalID(ei, false)
	if !ok {
		return
	}
	count := int64(-1)
	for j := 4; j < len(x.args); j++ {
		if x.xOpt(j, "count") && j+1 < len(x.args) {
			v, ok := x.xInt(j+1, "")
			if !ok {
				return
			}
			count = max(v, 0)
			j++
			continue
		}
		x.syntaxErr()
		return
	}
	s, err := streamOf(x.c, x.db, x.arg(1))
	switch {
	case err != nil:
		x.err(err)
		return
	case s == nil:
		x.w.ArrayLen(0)
		return
	case count == 0:
		x.w.NullArray()
		return
	}
	var b entryBuf
	var ents []stream.Entry
	_, _ = xrangeOp(x.c, x.db, x.arg(1), start, end, max(count, 0), rev, func(id stream.ID, kv []string) {
		ents = append(ents, b.entry(id, kv))
	})
	x.xEntries(ents)
}

func cmdXLen(x *Exec) {
	n, err := xlenOp(x.c, x.db, x.arg(1))
	if err != nil {
		x.err(err)
		return
	}
	x.w.Int(n)
}

// strictIDs parses arguments from.. as strict IDs, replying on error.
func (x *Exec) xStrictIDs(from int) ([]stream.ID, bool) {
	ids := make([]stream.ID, 0, len(x.args)-from)
	for i := from; i < len(x.args); i++ {
		id, ok := x.xStreamID(i, 0, true)
		if !ok {
			return nil, false
		}
		ids = append(ids, id)
	}
	return ids, true
}

func cmdXDel(x *Exec) {
	s, err := streamOfWrite(x.c, x.db, x.arg(1))
	switch {
	case err != nil:
		x.err(err)
		return
	case s == nil:
		x.w.Int(0)
		return
	}
	ids, ok := x.xStrictIDs(2)
	if !ok {
		return
	}
	n, _ := xdelOp(x.c, x.db, x.arg(1), ids)
	x.w.Int(n)
}

func cmdXSetID(x *Exec) {
	last, ok := x.xStreamID(2, 0, true)
	if !ok {
		return
	}
	added, maxDel := int64(-1), stream.ID{}
	for i := 3; i < len(x.args); i += 2 {
		more := len(x.args) - 1 - i
		switch {
		case x.xOpt(i, "entriesadded") && more > 0:
			v, ok := x.xInt(i+1, "")
			if !ok {
				return
			}
			if v < 0 {
				x.err(streamErr(stream.ErrSetIDNegativeAdded))
				return
			}
			added = v
		case x.xOpt(i, "maxdeletedid") && more > 0:
			id, ok := x.xStreamID(i+1, 0, true)
			if !ok {
				return
			}
			if last.Less(id) {
				x.err(streamErr(stream.ErrSetIDBelowGivenMaxDel))
				return
			}
			maxDel = id
		default:
			x.syntaxErr()
			return
		}
	}
	if err := xsetidOp(x.c, x.db, x.arg(1), last, added, maxDel); err != nil {
		x.err(err)
		return
	}
	x.ok()
}

// ---- XREAD / XREADGROUP

// xreadKeys finds the key positions of XREAD and XREADGROUP: the first
// half of the arguments after STREAMS, found by walking the options as
// the command does. It returns nil for calls the command rejects before
// touching any key.
func xreadKeys(args [][]byte) []int {
	for i := 1; i < len(args); i++ {
		more := len(args) - i - 1
		a := strings.ToLower(string(args[i]))
		if j := strings.IndexByte(a, 0); j >= 0 {
			a = a[:j]
		}
		switch {
		case (a == "block" || a == "count") && more > 0:
			i++
		case a == "streams" && more > 0:
			start := i + 1
			cnt := len(args) - start
			if cnt%2 != 0 {
				return nil
			}
			out := make([]int, cnt/2)
			for k := range out {
				out[k] = start + k
			}
			return out
		case a == "group" && more >= 2:
			i += 2
		case a == "noack":
		default:
			return nil
		}
	}
	return nil
}

func cmdXRead(x *Exec) {
	group := x.cmd.Name == "xreadgroup"
	n := len(x.args)
	timeout := time.Duration(-1)
	count := int64(0)
	streamsArg, nstreams := 0, 0
	groupArg := 0
	noack := false
	for i := 1; i < n; i++ {
		more := n - i - 1
		switch {
		case x.xOpt(i, "block") && more > 0:
			i++
			v, ok := parseInt(x.arg(i))
			if !ok {
				x.errStr("ERR timeout is not an integer or out of range")
				return
			}
			if v < 0 {
				x.errStr("ERR timeout is negative")
				return
			}
			if v > 0 && v > math.MaxInt64-nowMS(x.c) {
				x.errStr("ERR timeout is out of range")
				return
			}
			timeout = time.Duration(min(v, math.MaxInt64/int64(time.Millisecond))) * time.Millisecond
		case x.xOpt(i, "count") && more > 0:
			i++
			v, ok := x.xInt(i, "")
			if !ok {
				return
			}
			count = max(v, 0)
		case x.xOpt(i, "streams") && more > 0:
			streamsArg = i + 1
			nstreams = n - streamsArg
			if nstreams%2 != 0 {
				sym := "$"
				if group {
					sym = ">"
				}
				x.errStr("ERR Unbalanced '" + x.cmd.Name + "' list of streams: for each stream key an ID or '" + sym + "' must be specified.")
				return
			}
			nstreams /= 2
			i = n
		case x.xOpt(i, "group") && more >= 2:
			if !group {
				x.errStr("ERR The GROUP option is only supported by XREADGROUP. You called XREAD instead.")
				return
			}
			groupArg = i + 1
			i += 2
		case x.xOpt(i, "noack"):
			if !group {
				x.errStr("ERR The NOACK option is only supported by XREADGROUP. You called XREAD instead.")
				return
			}
			noack = true
		default:
			x.syntaxErr()
			return
		}
	}
	if streamsArg == 0 {
		x.syntaxErr()
		return
	}
	if group && groupArg == 0 {
		x.errStr("ERR Missing GROUP option for XREADGROUP")
		return
	}
	keys := x.xArgs(streamsArg, streamsArg+nstreams)
	pos := make([]readPos, nstreams)
	for i := range pos {
		pos[i].raw = x.arg(streamsArg + nstreams + i)
	}
	var res readResult
	retry := false
	try := func() bool {
		var err error
		if group {
			err = xreadgroupTry(x.c, x.db, x.arg(groupArg), x.arg(groupArg+1), keys, pos, int(count), noack, &res)
		} else {
			err = xreadTry(x.c, x.db, keys, pos, int(count), retry, &res)
		}
		retry = true
		switch {
		case err != nil:
			x.err(err)
		case len(res.keys) > 0:
			x.xReadReply(&res)
		case timeout < 0:
			x.w.NullArray()
		default:
			return false
		}
		return true
	}
	if try() {
		return
	}
	if x.noBlock() {
		x.w.NullArray() // MULTI/EXEC and scripts never block
		return
	}
	unblocked := x.sess.beginBlock()
	served, _ := streamWait(x.c, x.db, keys, keys, timeout, x.sess.Ctx.Done(), unblocked, try)
	if !x.endBlocked(served) && !served {
		x.w.NullArray()
	}
}

// ---- XGROUP

// xgroupOptions parses CREATE's and SETID's options from argument 5.
func (x *Exec) xGroupOptions(create bool) (mkstream bool, entriesRead int64, ok bool) {
	entriesRead = stream.InvalidEntriesRead
	for i := 5; i < len(x.args); {
		switch {
		case create && x.xOpt(i, "mkstream"):
			mkstream = true
			i++
		case x.xOpt(i, "entriesread") && i+1 < len(x.args):
			v, ok := x.xInt(i+1, "")
			if !ok {
				return false, 0, false
			}
			if v < 0 && v != stream.InvalidEntriesRead {
				x.err(errEntriesRead)
				return false, 0, false
			}
			entriesRead = v
			i += 2
		default:
			x.xSubSyntaxErr()
			return false, 0, false
		}
	}
	return mkstream, entriesRead, true
}

// groupStartArg parses XGROUP CREATE's (strict) or SETID's <id|$>.
func (x *Exec) xGroupStart(strict bool) (groupStart, bool) {
	if x.arg(4) == "$" {
		return groupStart{latest: true}, true
	}
	id, ok := x.xStreamID(4, 0, strict)
	return groupStart{id: id}, ok
}

func cmdXGroupCreate(x *Exec) {
	mk, er, ok := x.xGroupOptions(true)
	if !ok {
		return
	}
	s, err := streamOfWrite(x.c, x.db, x.arg(2))
	switch {
	case err != nil:
		x.err(err)
		return
	case s == nil && !mk:
		x.err(errXGroupNoKey)
		return
	case len(x.args) > 8:
		x.xSubSyntaxErr()
		return
	}
	start, ok := x.xGroupStart(true)
	if !ok {
		return
	}
	if err := xgroupCreateOp(x.c, x.db, x.arg(2), x.arg(3), start, mk, er); err != nil {
		x.err(err)
		return
	}
	x.ok()
}

func cmdXGroupSetID(x *Exec) {
	_, er, ok := x.xGroupOptions(false)
	if !ok {
		return
	}
	if _, _, err := xgroupLookup(x.c, x.db, x.arg(2), x.arg(3)); err != nil {
		x.err(err)
		return
	}
	if len(x.args) != 5 && len(x.args) != 7 {
		x.xSubSyntaxErr()
		return
	}
	start, ok := x.xGroupStart(false)
	if !ok {
		return
	}
	if err := xgroupSetIDOp(x.c, x.db, x.arg(2), x.arg(3), start, er); err != nil {
		x.err(err)
		return
	}
	x.ok()
}

func cmdXGroupDestroy(x *Exec) {
	ok, err := xgroupDestroyOp(x.c, x.db, x.arg(2), x.arg(3))
	x.reply01(ok, err)
}

func cmdXGroupCreateConsumer(x *Exec) {
	ok, err := xgroupCreateConsumerOp(x.c, x.db, x.arg(2), x.arg(3), x.arg(4))
	x.reply01(ok, err)
}

func cmdXGroupDelConsumer(x *Exec) {
	n, err := xgroupDelConsumerOp(x.c, x.db, x.arg(2), x.arg(3), x.arg(4))
	if err != nil {
		x.err(err)
		return
	}
	x.w.Int(n)
}

func cmdXGroupHelp(x *Exec) {
	x.xHelp(
		"CREATE <key> <groupname> <id|$> [option]",
		"    Create a new consumer group. Options are:",
		"    * MKSTREAM",
		"      Create the empty stream if it does not exist.",
		"    * ENTRIESREAD entries_read",
		"      Set the group's entries_read counter (internal use).",
		"CREATECONSUMER <key> <groupname> <consumer>",
		"    Create a new consumer in the specified group.",
		"DELCONSUMER <key> <groupname> <consumer>",
		"    Remove the specified consumer.",
		"DESTROY <key> <groupname>",
		"    Remove the specified group.",
		"SETID <key> <groupname> <id|$> [ENTRIESREAD entries_read]",
		"    Set the current group ID and entries_read counter.",
	)
}

// ---- XACK / XPENDING

func cmdXAck(x *Exec) {
	s, err := streamOf(x.c, x.db, x.arg(1))
	if err != nil {
		x.err(err)
		return
	}
	if s == nil || s.Group(x.arg(2)) == nil {
		x.w.Int(0)
		return
	}
	ids, ok := x.xStrictIDs(3)
	if !ok {
		return
	}
	n, _ := xackOp(x.c, x.db, x.arg(1), x.arg(2), ids)
	x.w.Int(n)
}

func cmdXPending(x *Exec) {
	n := len(x.args)
	if n != 3 && (n < 6 || n > 9) {
		x.syntaxErr()
		return
	}
	key, group := x.arg(1), x.arg(2)
	if n == 3 {
		count, lo, hi, per, err := xpendingSummaryOp(x.c, x.db, key, group)
		if err != nil {
			x.err(err)
			return
		}
		x.w.ArrayLen(4)
		x.w.Int(count)
		if count == 0 {
			x.w.NullBulk()
			x.w.NullBulk()
			x.w.NullArray()
			return
		}
		x.xBulkID(lo)
		x.xBulkID(hi)
		x.w.ArrayLen(len(per))
		for _, p := range per {
			x.w.ArrayLen(2)
			x.w.BulkString(p.name)
			x.w.BulkString(strconv.FormatInt(p.n, 10))
		}
		return
	}
	startIdx := 3
	var minIdle int64
	if x.xOpt(3, "idle") {
		v, ok := x.xInt(4, "")
		if !ok {
			return
		}
		minIdle = v
		if n < 8 {
			x.syntaxErr()
			return
		}
		startIdx += 2
	}
	count, ok := x.xInt(startIdx+2, "")
	if !ok {
		return
	}
	count = max(count, 0)
	start, ok := x.xIntervalID(startIdx, true)
	if !ok {
		return
	}
	end, ok := x.xIntervalID(startIdx+1, false)
	if !ok {
		return
	}
	consumer, hasConsumer := "", startIdx+3 < n
	if hasConsumer {
		consumer = x.arg(startIdx + 3)
	}
	rows, err := xpendingRangeOp(x.c, x.db, key, group, start, end, count, minIdle, consumer, hasConsumer)
	if err != nil {
		x.err(err)
		return
	}
	x.w.ArrayLen(len(rows))
	for _, r := range rows {
		x.w.ArrayLen(4)
		x.xBulkID(r.id)
		x.w.BulkString(r.consumer)
		x.w.Int(r.idle)
		x.w.Int(r.count)
	}
}

// ---- XCLAIM / XAUTOCLAIM

func cmdXClaim(x *Exec) {
	key, group := x.arg(1), x.arg(2)
	s, g, err := groupOf(x.c, x.db, key, group)
	if err != nil {
		x.err(err)
		return
	}
	minIdle, ok := x.xInt(4, "Invalid min-idle-time argument for XCLAIM")
	if !ok {
		return
	}
	sp := xclaimSpec{minIdle: max(minIdle, 0), idle: -1, time: -1, retryCount: -1}
	j := 5
	var ids []stream.ID
	for ; j < len(x.args); j++ {
		a, err := stream.ParseArg(x.arg(j), 0, true, false)
		if err != nil {
			break
		}
		ids = append(ids, a.ID)
	}
	now := nowMS(x.c)
	dt := int64(-1)
	for ; j < len(x.args); j++ {
		more := len(x.args) - 1 - j
		switch {
		case x.xOpt(j, "force"):
			sp.force = true
		case x.xOpt(j, "justid"):
			sp.justID = true
		case x.xOpt(j, "idle") && more > 0:
			j++
			v, ok := x.xInt(j, "Invalid IDLE option argument for XCLAIM")
			if !ok {
				return
			}
			dt = now - v
		case x.xOpt(j, "time") && more > 0:
			j++
			v, ok := x.xInt(j, "Invalid TIME option argument for XCLAIM")
			if !ok {
				return
			}
			dt = v
		case x.xOpt(j, "retrycount") && more > 0:
			j++
			v, ok := x.xInt(j, "Invalid RETRYCOUNT option argument for XCLAIM")
			if !ok {
				return
			}
			sp.retryCount = v
		case x.xOpt(j, "lastid") && more > 0:
			j++
			id, ok := x.xStreamID(j, 0, true)
			if !ok {
				return
			}
			sp.lastID = id
		default:
			x.errStr(sanitizeErr("ERR Unrecognized XCLAIM option '" + x.xCArg(j) + "'"))
			return
		}
	}
	sp.time = dt
	var out claimed
	xclaimOp(x.c, x.db, key, s, g, x.arg(3), ids, &sp, &out)
	x.w.ArrayLen(len(out.ents))
	for _, e := range out.ents {
		if sp.justID {
			x.xBulkID(e.ID)
		} else {
			x.xEntry(e)
		}
	}
}

func cmdXAutoClaim(x *Exec) {
	minIdle, ok := x.xInt(4, "Invalid min-idle-time argument for XAUTOCLAIM")
	if !ok {
		return
	}
	minIdle = max(minIdle, 0)
	start, ok := x.xIntervalID(5, true)
	if !ok {
		return
	}
	count, justID := int64(100), false
	for j := 6; j < len(x.args); j++ {
		more := len(x.args) - 1 - j
		switch {
		case x.xOpt(j, "count") && more > 0:
			v, ok := parseInt(x.arg(j + 1))
			if !ok || v < 1 || v > math.MaxInt64/16 {
				x.err(errCountPositive)
				return
			}
			count = v
			j++
		case x.xOpt(j, "justid"):
			justID = true
		default:
			x.syntaxErr()
			return
		}
	}
	var out claimed
	next, deleted, err := xautoclaimOp(x.c, x.db, x.arg(1), x.arg(2), x.arg(3), minIdle, start, count, justID, &out)
	if err != nil {
		x.err(err)
		return
	}
	x.w.ArrayLen(3)
	x.xBulkID(next)
	x.w.ArrayLen(len(out.ents))
	for _, e := range out.ents {
		if justID {
			x.xBulkID(e.ID)
		} else {
			x.xEntry(e)
		}
	}
	x.w.ArrayLen(len(deleted))
	for _, id := range deleted {
		x.xBulkID(id)
	}
}

// ---- XINFO

func cmdXInfoHelp(x *Exec) {
	x.xHelp(
		"CONSUMERS <key> <groupname>",
		"    Show consumers of <groupname>.",
		"GROUPS <key>",
		"    Show the stream consumer groups.",
		"STREAM <key> [FULL [COUNT <count>]",
		"    Show information about the stream.",
	)
}

func (x *Exec) xIntOrNil(known bool, v int64) {
	if known {
		x.w.Int(v)
	} else {
		x.w.NullBulk()
	}
}

func cmdXInfoConsumers(x *Exec) {
	rows, err := xinfoConsumersOp(x.c, x.db, x.arg(2), x.arg(3))
	if err != nil {
		x.err(err)
		return
	}
	x.w.ArrayLen(len(rows))
	for _, r := range rows {
		x.w.MapLen(4)
		x.w.BulkString("name")
		x.w.BulkString(r.name)
		x.w.BulkString("pending")
		x.w.Int(r.pending)
		x.w.BulkString("idle")
		x.w.Int(r.idle)
		x.w.BulkString("inactive")
		x.w.Int(r.inactive)
	}
}

func cmdXInfoGroups(x *Exec) {
	groups, err := xinfoGroupsOp(x.c, x.db, x.arg(2))
	if err != nil {
		x.err(err)
		return
	}
	x.w.ArrayLen(len(groups))
	for _, g := range groups {
		x.w.MapLen(6)
		x.w.BulkString("name")
		x.w.BulkString(g.Name)
		x.w.BulkString("consumers")
		x.w.Int(g.Consumers)
		x.w.BulkString("pending")
		x.w.Int(g.Pending)
		x.w.BulkString("last-delivered-id")
		x.xBulkID(g.LastDeliveredID)
		x.w.BulkString("entries-read")
		x.xIntOrNil(g.EntriesReadKnown, g.EntriesRead)
		x.w.BulkString("lag")
		x.xIntOrNil(g.LagKnown, g.Lag)
	}
}

func cmdXInfoStream(x *Exec) {
	s, err := streamOf(x.c, x.db, x.arg(2))
	switch {
	case err != nil:
		x.err(err)
		return
	case s == nil:
		x.err(ErrNoSuchKey)
		return
	}
	optc := len(x.args) - 3
	if optc == 0 {
		info, _ := xinfoStreamOp(x.c, x.db, x.arg(2))
		x.w.MapLen(10)
		x.xInfoHeader(info)
		x.w.BulkString("groups")
		x.w.Int(info.Groups)
		for i, e := range []*stream.Entry{info.FirstEntry, info.LastEntry} {
			x.w.BulkString([]string{"first-entry", "last-entry"}[i])
			if e == nil {
				x.w.NullBulk()
			} else {
				x.xEntry(*e)
			}
		}
		return
	}
	count := int64(10)
	if (optc != 1 && optc != 3) || !x.xOpt(3, "full") || (optc == 3 && !x.xOpt(4, "count")) {
		x.xSubSyntaxErr()
		return
	}
	if optc == 3 {
		v, ok := x.xInt(5, "")
		if !ok {
			return
		}
		count = v
		if count < 0 {
			count = 10
		}
	}
	x.w.MapLen(9)
	x.xInfoHeader(streamInfoHeader(s))
	x.w.BulkString("entries")
	var b entryBuf
	var ents []stream.Entry
	s.Range(stream.MinID, stream.MaxID, false, func(id stream.ID, kv []string) bool {
		ents = append(ents, b.entry(id, kv))
		return count == 0 || int64(len(ents)) < count
	})
	x.xEntries(ents)
	x.w.BulkString("groups")
	groups := s.Groups()
	x.w.ArrayLen(len(groups))
	for _, g := range groups {
		gi := groupInfo(s, g)
		x.w.MapLen(7)
		x.w.BulkString("name")
		x.w.BulkString(g.Name)
		x.w.BulkString("last-delivered-id")
		x.xBulkID(g.LastID)
		x.w.BulkString("entries-read")
		x.xIntOrNil(gi.EntriesReadKnown, gi.EntriesRead)
		x.w.BulkString("lag")
		x.xIntOrNil(gi.LagKnown, gi.Lag)
		x.w.BulkString("pel-count")
		x.w.Int(int64(g.PendingCount()))
		x.w.BulkString("pending")
		var pel []*stream.Pending
		g.AscendPending(stream.MinID, func(p *stream.Pending) bool {
			if count != 0 && int64(len(pel)) >= count {
				return false
			}
			pel = append(pel, p)
			return true
		})
		x.w.ArrayLen(len(pel))
		for _, p := range pel {
			x.w.ArrayLen(4)
			x.xBulkID(p.ID)
			x.w.BulkString(p.Consumer.Name)
			x.w.Int(p.DeliveryTime)
			x.w.Int(p.DeliveryCount)
		}
		x.w.BulkString("consumers")
		conss := g.Consumers()
		x.w.ArrayLen(len(conss))
		for _, cons := range conss {
			x.w.MapLen(5)
			x.w.BulkString("name")
			x.w.BulkString(cons.Name)
			x.w.BulkString("seen-time")
			x.w.Int(cons.SeenTime)
			x.w.BulkString("active-time")
			x.w.Int(cons.ActiveTime)
			x.w.BulkString("pel-count")
			x.w.Int(int64(cons.PendingCount()))
			x.w.BulkString("pending")
			pel = pel[:0]
			cons.AscendPending(stream.MinID, func(p *stream.Pending) bool {
				if count != 0 && int64(len(pel)) >= count {
					return false
				}
				pel = append(pel, p)
				return true
			})
			x.w.ArrayLen(len(pel))
			for _, p := range pel {
				x.w.ArrayLen(3)
				x.xBulkID(p.ID)
				x.w.Int(p.DeliveryTime)
				x.w.Int(p.DeliveryCount)
			}
		}
	}
}

func (x *Exec) xInfoHeader(info XInfoStream) {
	x.w.BulkString("length")
	x.w.Int(info.Length)
	x.w.BulkString("radix-tree-keys")
	x.w.Int(info.RadixTreeKeys)
	x.w.BulkString("radix-tree-nodes")
	x.w.Int(info.RadixTreeNodes)
	x.w.BulkString("last-generated-id")
	x.xBulkID(info.LastGeneratedID)
	x.w.BulkString("max-deleted-entry-id")
	x.xBulkID(info.MaxDeletedEntryID)
	x.w.BulkString("entries-added")
	x.w.Int(info.EntriesAdded)
	x.w.BulkString("recorded-first-entry-id")
	x.xBulkID(info.RecordedFirstEntryID)
}

package embedis

import (
	"strconv"

	"github.com/embedis/embedis/internal/rconv"
	"github.com/embedis/embedis/keyspace"
	"github.com/embedis/embedis/stream"
	"github.com/embedis/embedis/types"
)

// Encoders that turn each collection into the commands that rebuild it,
// for snapshots and log rewrites (see persistence.go). Elements go in
// batches so that no single command is huge.

const encodeBatch = 128

func init() {
	collectionEncoders[keyspace.KindHash] = encodeHash
	collectionEncoders[keyspace.KindList] = encodeList
	collectionEncoders[keyspace.KindSet] = encodeSet
	collectionEncoders[keyspace.KindZSet] = encodeZSet
	collectionEncoders[keyspace.KindStream] = encodeStream
}

// encodeStream emits the entries with their IDs, the stream's counters,
// its groups, consumers and pending entries (as Redis's AOF rewrite
// does; consumers' seen/active times restart at load).
func encodeStream(key string, v any, emit func(args ...string)) {
	st := v.(*stream.Stream)
	if st.Len() == 0 {
		// create an empty stream whose last ID is right
		emit("XADD", key, "MAXLEN", "0", st.LastID().String(), "x", "y")
	} else {
		args := []string{"XADD", key}
		st.Range(stream.MinID, stream.MaxID, false, func(id stream.ID, kv []string) bool {
			args = append(append(args[:2], id.String()), kv...) // emit keeps nothing
			emit(args...)
			return true
		})
	}
	emit("XSETID", key, st.LastID().String(), "ENTRIESADDED", strconv.FormatUint(st.EntriesAdded(), 10),
		"MAXDELETEDID", st.MaxDeletedID().String())
	for _, g := range st.Groups() {
		emit("XGROUP", "CREATE", key, g.Name, g.LastID.String(), "ENTRIESREAD", strconv.FormatInt(g.EntriesRead, 10))
		for _, c := range g.Consumers() {
			emit("XGROUP", "CREATECONSUMER", key, g.Name, c.Name)
		}
		g.AscendPending(stream.MinID, func(p *stream.Pending) bool {
			emit("XCLAIM", key, g.Name, p.Consumer.Name, "0", p.ID.String(),
				"TIME", strconv.FormatInt(p.DeliveryTime, 10), "RETRYCOUNT", strconv.FormatInt(p.DeliveryCount, 10),
				"JUSTID", "FORCE")
			return true
		})
	}
}

func encodeZSet(key string, v any, emit func(args ...string)) {
	z := v.(*types.ZSet)
	args := []string{"ZADD", key}
	z.Ascend(0, func(_ int, m types.Z) bool {
		args = append(args, rconv.DoubleString(m.Score), m.Member)
		if len(args) >= 2+2*encodeBatch {
			emit(args...)
			args = args[:2] // emit keeps nothing
		}
		return true
	})
	if len(args) > 2 {
		emit(args...)
	}
}

func encodeHash(key string, v any, emit func(args ...string)) {
	h := v.(*types.Hash)
	args := []string{"HSET", key}
	ttls := map[int64][]string{}
	var order []int64
	h.Each(func(f, val string, exp int64) bool {
		args = append(args, f, val)
		if exp != 0 {
			if _, ok := ttls[exp]; !ok {
				order = append(order, exp)
			}
			ttls[exp] = append(ttls[exp], f)
		}
		if len(args) >= 2+2*encodeBatch {
			emit(args...)
			args = args[:2] // emit keeps nothing
		}
		return true
	})
	if len(args) > 2 {
		emit(args...)
	}
	for _, exp := range order {
		fs := ttls[exp]
		for len(fs) > 0 {
			n := min(len(fs), encodeBatch)
			a := []string{"HPEXPIREAT", key, strconv.FormatInt(exp, 10), "FIELDS", strconv.Itoa(n)}
			emit(append(a, fs[:n]...)...)
			fs = fs[n:]
		}
	}
}

func encodeList(key string, v any, emit func(args ...string)) {
	l := v.(*types.List)
	args := []string{"RPUSH", key}
	for start := 0; start < l.Len(); start += encodeBatch {
		args = args[:2] // emit keeps nothing
		l.Each(start, min(start+encodeBatch, l.Len())-1, func(b []byte) bool {
			args = append(args, string(b))
			return true
		})
		emit(args...)
	}
}

func encodeSet(key string, v any, emit func(args ...string)) {
	s := v.(*types.Set)
	args := []string{"SADD", key}
	s.Range(func(m string) bool {
		args = append(args, m)
		if len(args) >= 2+encodeBatch {
			emit(args...)
			args = args[:2] // emit keeps nothing
		}
		return true
	})
	if len(args) > 2 {
		emit(args...)
	}
}

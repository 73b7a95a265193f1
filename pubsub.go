package embedis

import (
	"context"
	"errors"
	"sort"
	"strconv"
	"sync"
	"sync/atomic"

	"github.com/embedis/embedis/keyspace"
	"github.com/embedis/embedis/resp"
)

func init() {
	const g = "pubsub"
	fl := flagPubSub | flagNoScript | flagLoading | flagStale
	register(&Command{Name: "subscribe", Arity: -2, Group: g, flags: fl, run: cmdSubscribe})
	register(&Command{Name: "psubscribe", Arity: -2, Group: g, flags: fl, run: cmdSubscribe})
	register(&Command{Name: "ssubscribe", Arity: -2, FirstKey: 1, LastKey: -1, Group: g, flags: fl, run: cmdSubscribe})
	register(&Command{Name: "unsubscribe", Arity: -1, Group: g, flags: fl, run: cmdUnsubscribe})
	register(&Command{Name: "punsubscribe", Arity: -1, Group: g, flags: fl, run: cmdUnsubscribe})
	register(&Command{Name: "sunsubscribe", Arity: -1, FirstKey: 1, LastKey: -1, Group: g, flags: fl, run: cmdUnsubscribe})
	register(&Command{Name: "publish", Arity: 3, Group: g, flags: flagPubSub | flagLoading | flagStale | flagFast, run: cmdPublish})
	register(&Command{Name: "spublish", Arity: 3, FirstKey: 1, LastKey: 1, Group: g, flags: flagPubSub | flagLoading | flagStale | flagFast, run: cmdPublish})
	register(&Command{Name: "pubsub", Arity: -2, Group: g})
	sub := flagPubSub | flagLoading | flagStale
	registerSub("pubsub", &Command{Name: "channels", Arity: -2, Group: g, flags: sub, run: cmdPubsubChannels})
	registerSub("pubsub", &Command{Name: "shardchannels", Arity: -2, Group: g, flags: sub, run: cmdPubsubChannels})
	registerSub("pubsub", &Command{Name: "numsub", Arity: -2, Group: g, flags: sub, run: cmdPubsubNumsub})
	registerSub("pubsub", &Command{Name: "shardnumsub", Arity: -2, Group: g, flags: sub, run: cmdPubsubNumsub})
	registerSub("pubsub", &Command{Name: "numpat", Arity: 2, Group: g, flags: sub, run: cmdPubsubNumpat})
	registerSub("pubsub", &Command{Name: "help", Arity: 2, Group: g, flags: flagLoading | flagStale, run: cmdPubsubHelp})
}

// The three pub/sub namespaces.
const (
	nsChannel = iota // SUBSCRIBE / PUBLISH
	nsPattern        // PSUBSCRIBE, matched against PUBLISH channels
	nsShard          // SSUBSCRIBE / SPUBLISH
)

// pushKind says how a queued out-of-band message is rendered.
type pushKind uint8

const (
	pushMessage  pushKind = iota // ["message", channel, payload]
	pushPMessage                 // ["pmessage", pattern, channel, payload]
	pushSMessage                 // ["smessage", channel, payload]
	pushMonitor                  // +line (MONITOR)
)

// pushMsg is one out-of-band message waiting for its client.
type pushMsg struct {
	kind                      pushKind
	pattern, channel, payload string
}

func (m *pushMsg) size() int64 { return int64(len(m.pattern)+len(m.channel)+len(m.payload)) + 32 }

// writeTo renders the message for w's protocol: a push in RESP3, an array
// (or a status line for MONITOR) in RESP2.
func (m *pushMsg) writeTo(w resp.ReplyWriter) {
	switch m.kind {
	case pushMessage:
		w.PushLen(3)
		w.BulkString("message")
		w.BulkString(m.channel)
		w.BulkString(m.payload)
	case pushPMessage:
		w.PushLen(4)
		w.BulkString("pmessage")
		w.BulkString(m.pattern)
		w.BulkString(m.channel)
		w.BulkString(m.payload)
	case pushSMessage:
		w.PushLen(3)
		w.BulkString("smessage")
		w.BulkString(m.channel)
		w.BulkString(m.payload)
	case pushMonitor:
		w.SimpleString(m.payload)
	}
}

// subscriber receives published messages. deliver must not block: it
// queues the message and returns.
type subscriber interface {
	deliver(m pushMsg)
}

// pubsub is the registry of subscriptions of one store. The lock is held
// while publishing, so a subscriber that has been removed gets no message
// afterwards.
type pubsub struct {
	mu sync.RWMutex
	ns [3]map[string][]subscriber
}

func (ps *pubsub) init() {
	for i := range ps.ns {
		ps.ns[i] = make(map[string][]subscriber)
	}
}

// add subscribes sub to name in namespace ns; it reports false when sub
// was already subscribed.
func (ps *pubsub) add(ns int, name string, sub subscriber) bool {
	ps.mu.Lock()
	defer ps.mu.Unlock()
	list := ps.ns[ns][name]
	for _, x := range list {
		if x == sub {
			return false
		}
	}
	ps.ns[ns][name] = append(list, sub)
	return true
}

// remove unsubscribes sub from name; it reports whether it was subscribed.
func (ps *pubsub) remove(ns int, name string, sub subscriber) bool {
	ps.mu.Lock()
	defer ps.mu.Unlock()
	list := ps.ns[ns][name]
	for i, x := range list {
		if x == sub {
			if len(list) == 1 {
				delete(ps.ns[ns], name)
			} else {
				ps.ns[ns][name] = append(list[:i:i], list[i+1:]...)
			}
			return true
		}
	}
	return false
}

// publish delivers payload on channel to exact subscribers and then to
// matching patterns (nsChannel), or to shard subscribers (nsShard), and
// returns the number of deliveries.
func (ps *pubsub) publish(shard bool, channel, payload string) int {
	ps.mu.RLock()
	defer ps.mu.RUnlock()
	n := 0
	if shard {
		for _, sub := range ps.ns[nsShard][channel] {
			sub.deliver(pushMsg{kind: pushSMessage, channel: channel, payload: payload})
			n++
		}
		return n
	}
	for _, sub := range ps.ns[nsChannel][channel] {
		sub.deliver(pushMsg{kind: pushMessage, channel: channel, payload: payload})
		n++
	}
	for pat, subs := range ps.ns[nsPattern] {
		if !matchPattern(pat, channel) {
			continue
		}
		for _, sub := range subs {
			sub.deliver(pushMsg{kind: pushPMessage, pattern: pat, channel: channel, payload: payload})
			n++
		}
	}
	return n
}

// channels lists the active channels of namespace ns matching pattern
// ("" matches all).
func (ps *pubsub) channels(ns int, pattern string) []string {
	ps.mu.RLock()
	defer ps.mu.RUnlock()
	var out []string
	for name := range ps.ns[ns] {
		if pattern == "" || matchPattern(pattern, name) {
			out = append(out, name)
		}
	}
	sort.Strings(out)
	return out
}

func (ps *pubsub) numSub(ns int, name string) int {
	ps.mu.RLock()
	defer ps.mu.RUnlock()
	return len(ps.ns[ns][name])
}

func (ps *pubsub) numPat() int {
	ps.mu.RLock()
	defer ps.mu.RUnlock()
	return len(ps.ns[nsPattern])
}

// Publish posts message on channel, as PUBLISH does, and returns the
// number of clients (and Subscriptions) that received it.
func (s *Store) Publish(channel, message string) int {
	st := s.state()
	n := st.ps.publish(false, channel, message)
	st.stats.pubsubMessages.Add(1)
	return n
}

// publishEvents is the keyspace hook that turns notifications into
// messages on __keyspace@<db>__:<key> and __keyevent@<db>__:<event>.
func (st *serverState) publishEvents(events []keyspace.Event) {
	flags := st.ks.NotifyFlags()
	for i := range events {
		ev := &events[i]
		db := strconv.Itoa(ev.DB)
		if flags&keyspace.NotifyKeyspace != 0 {
			st.ps.publish(false, "__keyspace@"+db+"__:"+ev.Key, ev.Name)
		}
		if flags&keyspace.NotifyKeyevent != 0 {
			st.ps.publish(false, "__keyevent@"+db+"__:"+ev.Name, ev.Key)
		}
	}
}

// ---------------------------------------------------------------------
// Sessions as subscribers.

// subState is a session's subscriptions, in the order they were made.
// Only the session's goroutine touches it.
type subState struct {
	names [3][]string
	set   [3]map[string]struct{}
	count int // all subscriptions of every namespace
}

func (ss *subState) has(ns int, name string) bool {
	_, ok := ss.set[ns][name]
	return ok
}

func (ss *subState) add(ns int, name string) {
	if ss.set[ns] == nil {
		ss.set[ns] = make(map[string]struct{})
	}
	ss.set[ns][name] = struct{}{}
	ss.names[ns] = append(ss.names[ns], name)
	ss.count++
}

func (ss *subState) remove(ns int, name string) {
	delete(ss.set[ns], name)
	for i, n := range ss.names[ns] {
		if n == name {
			ss.names[ns] = append(ss.names[ns][:i], ss.names[ns][i+1:]...)
			break
		}
	}
	ss.count--
}

// replyCount is the count a (un)subscribe reply carries: channels plus
// patterns, or shard channels.
func (ss *subState) replyCount(ns int) int64 {
	if ns == nsShard {
		return int64(len(ss.names[nsShard]))
	}
	return int64(len(ss.names[nsChannel]) + len(ss.names[nsPattern]))
}

// pushQueue holds a session's out-of-band messages until its goroutine
// writes them. Publishers append from any goroutine.
type pushQueue struct {
	pending atomic.Bool // q is not empty (checked after every command)
	mu      sync.Mutex
	q       []pushMsg
	n       int64 // bytes queued, for client-output-buffer-limit pubsub
	closed  bool
}

// pubsubHardLimit is Redis's client-output-buffer-limit for pubsub
// clients (32 MiB): a client that falls further behind is disconnected.
const pubsubHardLimit = 32 << 20

func (p *pushQueue) bytes() int64 {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.n
}

func (p *pushQueue) close() {
	p.mu.Lock()
	p.closed = true
	p.q, p.n = nil, 0
	p.pending.Store(false)
	p.mu.Unlock()
}

// deliver queues m for the session and wakes its connection.
func (sess *Session) deliver(m pushMsg) {
	p := &sess.push
	p.mu.Lock()
	if p.closed {
		p.mu.Unlock()
		return
	}
	wasEmpty := len(p.q) == 0
	p.q = append(p.q, m)
	p.pending.Store(true)
	p.n += m.size()
	over := p.n > pubsubHardLimit
	p.mu.Unlock()
	if over {
		sess.kill()
		return
	}
	if wasEmpty && sess.conn.Wake != nil {
		sess.conn.Wake()
	}
}

// HasPushes reports whether out-of-band messages are waiting.
func (sess *Session) HasPushes() bool { return sess.push.pending.Load() }

// WritePushes writes the waiting out-of-band messages (pub/sub messages,
// MONITOR lines) to w, in the order they arrived, and returns how many it
// wrote. The server calls it after each command and when Wake fires; it
// must be called from the session's goroutine.
func (sess *Session) WritePushes(w resp.ReplyWriter) int {
	p := &sess.push
	p.mu.Lock()
	q := p.q
	p.q, p.n = nil, 0
	p.pending.Store(false)
	p.mu.Unlock()
	for i := range q {
		q[i].writeTo(w)
	}
	return len(q)
}

// unsubscribeAll drops every subscription of the session (Close, RESET).
func (sess *Session) unsubscribeAll() {
	if sess.subs.count == 0 {
		return
	}
	st := sess.st
	for ns := range sess.subs.names {
		for _, name := range sess.subs.names[ns] {
			st.ps.remove(ns, name, sess)
		}
		sess.subs.names[ns] = nil
		sess.subs.set[ns] = nil
	}
	sess.subs.count = 0
	sess.updateSubInfo()
}

func (sess *Session) updateSubInfo() {
	in := &sess.info
	in.nsub.Store(int32(len(sess.subs.names[nsChannel])))
	in.npsub.Store(int32(len(sess.subs.names[nsPattern])))
	in.nssub.Store(int32(len(sess.subs.names[nsShard])))
	if sess.subs.count > 0 {
		in.flags.Or(cflagPubSub)
	} else {
		in.flags.And(^cflagPubSub)
	}
}

func subNamespace(name string) (int, string) {
	switch name {
	case "psubscribe", "punsubscribe":
		return nsPattern, name[1:]
	case "ssubscribe", "sunsubscribe":
		return nsShard, name[1:]
	}
	return nsChannel, name
}

func cmdSubscribe(x *Exec) {
	ns, _ := subNamespace(x.cmd.Name)
	sess := x.sess
	st := sess.state()
	for i := 1; i < len(x.args); i++ {
		name := x.arg(i)
		if !sess.subs.has(ns, name) {
			name = x.argOwned(i)
			sess.subs.add(ns, name)
			st.ps.add(ns, name, sess)
		}
		x.w.PushLen(3)
		x.w.BulkString(x.cmd.Name)
		x.w.BulkString(name)
		x.w.Int(sess.subs.replyCount(ns))
	}
	sess.updateSubInfo()
}

func cmdUnsubscribe(x *Exec) {
	ns, _ := subNamespace(x.cmd.Name)
	sess := x.sess
	st := sess.state()
	reply := func(name string, null bool) {
		x.w.PushLen(3)
		x.w.BulkString(x.cmd.Name)
		if null {
			x.w.NullBulk()
		} else {
			x.w.BulkString(name)
		}
		x.w.Int(sess.subs.replyCount(ns))
	}
	if len(x.args) == 1 {
		names := append([]string(nil), sess.subs.names[ns]...)
		if len(names) == 0 {
			reply("", true)
		}
		for _, name := range names {
			st.ps.remove(ns, name, sess)
			sess.subs.remove(ns, name)
			reply(name, false)
		}
	} else {
		for i := 1; i < len(x.args); i++ {
			name := x.arg(i)
			if sess.subs.has(ns, name) {
				st.ps.remove(ns, name, sess)
				sess.subs.remove(ns, name)
			}
			reply(name, false)
		}
	}
	sess.updateSubInfo()
}

func cmdPublish(x *Exec) {
	st := x.sess.state()
	n := st.ps.publish(x.cmd.Name == "spublish", x.argOwned(1), x.argOwned(2))
	st.stats.pubsubMessages.Add(1)
	x.w.Int(int64(n))
}

func cmdPubsubChannels(x *Exec) {
	if len(x.args) > 3 {
		x.errStr("ERR unknown subcommand or wrong number of arguments for '" + x.arg(1) + "'. Try PUBSUB HELP.")
		return
	}
	ns := nsChannel
	if x.cmd.Name == "pubsub|shardchannels" {
		ns = nsShard
	}
	pat := ""
	if len(x.args) == 3 {
		pat = x.arg(2)
	}
	list := x.sess.state().ps.channels(ns, pat)
	x.w.ArrayLen(len(list))
	for _, c := range list {
		x.w.BulkString(c)
	}
}

func cmdPubsubNumsub(x *Exec) {
	ns := nsChannel
	if x.cmd.Name == "pubsub|shardnumsub" {
		ns = nsShard
	}
	st := x.sess.state()
	x.w.ArrayLen(2 * (len(x.args) - 2))
	for i := 2; i < len(x.args); i++ {
		x.w.BulkString(x.arg(i))
		x.w.Int(int64(st.ps.numSub(ns, x.arg(i))))
	}
}

func cmdPubsubNumpat(x *Exec) { x.w.Int(int64(x.sess.state().ps.numPat())) }

func cmdPubsubHelp(x *Exec) {
	writeHelp(x, "PUBSUB",
		"CHANNELS [<pattern>]",
		"    Return the currently active channels matching a <pattern> (default: '*').",
		"NUMPAT",
		"    Return number of subscriptions to patterns.",
		"NUMSUB [<channel> ...]",
		"    Return the number of subscribers for the specified channels, excluding",
		"    pattern subscriptions(default: no channels).",
		"SHARDCHANNELS [<pattern>]",
		"    Return the currently active shard level channels matching a <pattern> (default: '*').",
		"SHARDNUMSUB [<shardchannel> ...]",
		"    Return the number of subscribers for the specified shard level channel(s)")
}

// ---------------------------------------------------------------------
// The Go API.

// Message is a message received by a Subscription.
type Message struct {
	// Channel is the channel the message was published on.
	Channel string
	// Pattern is the pattern that matched Channel, for a subscription made
	// with PSubscribe; "" otherwise.
	Pattern string
	// Payload is the message.
	Payload string
}

// ErrSlowSubscriber is the reason a Subscription ends when its reader
// fell more than 32 MiB of messages behind (Redis's pubsub
// client-output-buffer-limit).
var ErrSlowSubscriber = errors.New("embedis: subscriber fell too far behind (32 MiB of messages queued)")

// Subscription receives messages published on its channels or patterns,
// from PUBLISH (any client) and Store.Publish, and keyspace notifications
// when notify-keyspace-events enables them. Messages are queued without
// blocking the publisher and delivered in order on the channel returned by
// C. The channel is closed when the context passed to Subscribe is done,
// Close is called, or the subscriber falls 32 MiB behind (see Err).
type Subscription struct {
	ps   *pubsub
	ns   int
	subs []string
	c    chan Message

	mu     sync.Mutex
	q      []Message
	n      int64
	err    error
	wake   chan struct{}
	done   chan struct{}
	closed bool
	once   sync.Once
	exited chan struct{}
}

// Subscribe subscribes to channels (as SUBSCRIBE does) until ctx is done
// or Close is called.
func (s *Store) Subscribe(ctx context.Context, channels ...string) *Subscription {
	return s.subscribe(ctx, nsChannel, channels)
}

// PSubscribe subscribes to glob patterns (as PSUBSCRIBE does) until ctx
// is done or Close is called. Messages carry the matching pattern.
func (s *Store) PSubscribe(ctx context.Context, patterns ...string) *Subscription {
	return s.subscribe(ctx, nsPattern, patterns)
}

func (s *Store) subscribe(ctx context.Context, ns int, names []string) *Subscription {
	if ctx == nil {
		ctx = context.Background()
	}
	st := s.state()
	sub := &Subscription{
		ps: &st.ps, ns: ns, c: make(chan Message),
		wake: make(chan struct{}, 1), done: make(chan struct{}), exited: make(chan struct{}),
	}
	seen := map[string]bool{}
	for _, n := range names {
		if !seen[n] {
			seen[n] = true
			sub.subs = append(sub.subs, n)
			st.ps.add(ns, n, sub)
		}
	}
	go sub.run(ctx)
	return sub
}

// C returns the channel on which messages arrive. It is closed when the
// subscription ends.
func (sub *Subscription) C() <-chan Message { return sub.c }

// Err returns why the subscription ended: the context's error,
// ErrSlowSubscriber, or nil while it is active or after Close.
func (sub *Subscription) Err() error {
	sub.mu.Lock()
	defer sub.mu.Unlock()
	return sub.err
}

// Close ends the subscription and waits until its channel is closed. It
// is safe to call more than once and from any goroutine.
func (sub *Subscription) Close() {
	sub.stop(nil)
	<-sub.exited
}

// stop unsubscribes and ends the delivery goroutine with err.
func (sub *Subscription) stop(err error) {
	sub.once.Do(func() {
		for _, n := range sub.subs {
			sub.ps.remove(sub.ns, n, sub)
		}
		sub.mu.Lock()
		sub.closed = true
		sub.err = err
		sub.q = nil
		sub.mu.Unlock()
		close(sub.done)
	})
}

func (sub *Subscription) deliver(m pushMsg) {
	msg := Message{Channel: m.channel, Pattern: m.pattern, Payload: m.payload}
	sub.mu.Lock()
	if sub.closed {
		sub.mu.Unlock()
		return
	}
	sub.q = append(sub.q, msg)
	sub.n += m.size()
	over := sub.n > pubsubHardLimit
	sub.mu.Unlock()
	if over {
		// stop takes the registry lock, which the publisher holds: do it
		// from another goroutine.
		go sub.stop(ErrSlowSubscriber)
		return
	}
	select {
	case sub.wake <- struct{}{}:
	default:
	}
}

// run forwards queued messages to the channel until the subscription
// ends.
func (sub *Subscription) run(ctx context.Context) {
	defer close(sub.exited)
	defer close(sub.c)
	for {
		// Messages count toward the limit until the reader takes them.
		sub.mu.Lock()
		q := sub.q
		sub.q = nil
		sub.mu.Unlock()
		for _, m := range q {
			select {
			case sub.c <- m:
				sub.mu.Lock()
				sub.n -= int64(len(m.Channel)+len(m.Pattern)+len(m.Payload)) + 32
				sub.mu.Unlock()
			case <-sub.done:
				return
			case <-ctx.Done():
				sub.stop(ctx.Err())
				return
			}
		}
		select {
		case <-sub.wake:
		case <-sub.done:
			return
		case <-ctx.Done():
			sub.stop(ctx.Err())
			return
		}
	}
}

package embedis

import (
	"github.com/embedis/embedis/keyspace"
)

func init() {
	register(&Command{Name: "multi", Arity: 1, Group: "transactions", flags: flagNoScript | flagLoading | flagStale | flagFast | flagAllowBusy, run: cmdMulti})
	register(&Command{Name: "exec", Arity: 1, Group: "transactions", flags: flagNoScript | flagLoading | flagStale | flagSkipMonitor | flagSelfLock, run: cmdExec})
	register(&Command{Name: "discard", Arity: 1, Group: "transactions", flags: flagNoScript | flagLoading | flagStale | flagFast | flagAllowBusy, run: cmdDiscard})
	register(&Command{Name: "watch", Arity: -2, FirstKey: 1, LastKey: -1, Group: "transactions", flags: flagNoScript | flagLoading | flagStale | flagFast | flagAllowBusy | flagSelfLock, run: cmdWatch})
	register(&Command{Name: "unwatch", Arity: 1, Group: "transactions", flags: flagNoScript | flagLoading | flagStale | flagFast | flagAllowBusy, run: cmdUnwatch})
}

func cmdMulti(x *Exec) {
	if x.sess.multi != nil {
		x.errStr("ERR MULTI calls can not be nested")
		return
	}
	x.sess.multi = &multiState{}
	x.sess.info.multi.Store(0)
	x.sess.info.flags.Or(cflagMulti)
	x.ok()
}

func cmdDiscard(x *Exec) {
	if x.sess.multi == nil {
		x.errStr("ERR DISCARD without MULTI")
		return
	}
	x.sess.endMulti()
	x.sess.unwatch()
	x.ok()
}

func cmdWatch(x *Exec) {
	if x.sess.multi != nil {
		x.errStr("ERR WATCH inside MULTI is not allowed")
		return
	}
	if x.sess.watcher == nil {
		x.sess.watcher = &keyspace.Watcher{}
	}
	for i := 1; i < len(x.args); i++ {
		x.c.Watch(x.sess.watcher, x.db, x.arg(i))
	}
	x.sess.info.watching.Store(int32(x.sess.watcher.Len()))
	x.ok()
}

func cmdUnwatch(x *Exec) {
	x.sess.unwatch()
	x.ok()
}

func cmdExec(x *Exec) {
	sess := x.sess
	m := sess.multi
	if m == nil {
		x.errStr("ERR EXEC without MULTI")
		return
	}
	sess.endMulti()
	if m.dirty {
		x.errStr(ErrExecAbort.msg)
		sess.unwatch()
		return
	}
	x.c.Exclusive()
	if w := sess.watcher; w != nil && w.Len() > 0 {
		x.c.CheckExpired(w)
		if w.Dirty() {
			x.c.EndExclusive()
			sess.unwatch()
			x.w.NullArray()
			return
		}
	}
	x.w.ArrayLen(len(m.queue))
	feed := monitorsActive.Load() > 0
	for i, args := range m.queue {
		y := Exec{s: x.s, sess: sess, c: x.c, w: x.w, args: args, db: sess.db, cmd: m.cmds[i]}
		errs := sess.cw.errs
		y.cmd.run(&y)
		cs := &sess.s.cmdStats.cmds[y.cmd.id]
		cs.calls.Add(1)
		if sess.cw.errs > errs {
			cs.failed.Add(1)
			sess.inner += sess.cw.errs - errs
		}
		if feed && y.cmd.flags&(flagAdmin|flagSkipMonitor) == 0 {
			sess.state().feedMonitors(sess, y.cmd, args)
		}
	}
	x.c.WrapRecords()
	x.c.EndExclusive()
	sess.unwatch()
}

// endMulti leaves the MULTI state.
func (sess *Session) endMulti() {
	sess.multi = nil
	sess.info.multi.Store(-1)
	sess.info.flags.And(^cflagMulti)
}

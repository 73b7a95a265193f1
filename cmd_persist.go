package embedis

import "context"

func init() {
	register(&Command{Name: "save", Arity: 1, Group: "server", flags: flagAdmin | flagNoScript | flagNoMulti | flagSelfLock, run: cmdSave})
	register(&Command{Name: "bgsave", Arity: -1, Group: "server", flags: flagAdmin | flagNoScript | flagSelfLock, run: cmdBGSave})
	register(&Command{Name: "bgrewriteaof", Arity: 1, Group: "server", flags: flagAdmin | flagNoScript | flagSelfLock, run: cmdBGRewriteAOF})
}

func cmdSave(x *Exec) {
	if x.s.persist.bgsave.Load() {
		x.errStr("ERR Background save already in progress")
		return
	}
	if err := x.s.Save(context.Background()); err != nil {
		x.errStr("ERR " + err.Error())
		return
	}
	x.ok()
}

func cmdBGSave(x *Exec) {
	schedule := false
	if len(x.args) > 1 {
		if len(x.args) == 2 && x.argIs(1, "schedule") {
			schedule = true
		} else {
			x.syntaxErr()
			return
		}
	}
	p := &x.s.persist
	switch {
	case p.bgsave.Load():
		x.errStr("ERR Background save already in progress")
	case p.rewriting.Load() && schedule:
		go func() {
			p.mu.Lock() // waits for the rewrite to end
			p.mu.Unlock()
			x.s.BGSave()
		}()
		x.w.SimpleString("Background saving scheduled")
	case p.rewriting.Load():
		x.errStr("ERR Another child process is active (AOF?): can't BGSAVE right now. Use BGSAVE SCHEDULE in order to schedule a BGSAVE whenever possible.")
	case x.s.BGSave():
		x.w.SimpleString("Background saving started")
	default:
		x.errStr("ERR Background save already in progress")
	}
}

func cmdBGRewriteAOF(x *Exec) {
	p := &x.s.persist
	switch {
	case p.rewriting.Load():
		x.errStr("ERR Background append only file rewriting already in progress")
	case p.aof.Load() == nil:
		x.errStr("ERR Background append only file rewriting is not possible: appendonly is off (embedis keeps no log to rewrite)")
	case x.s.BGRewriteAOF():
		x.w.SimpleString("Background append only file rewriting started")
	default:
		x.errStr("ERR Background append only file rewriting already in progress")
	}
}

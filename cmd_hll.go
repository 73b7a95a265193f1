package embedis

func init() {
	const g = "hyperloglog"
	register(&Command{Name: "pfadd", Arity: -2, FirstKey: 1, LastKey: 1, Group: g, flags: flagWrite | flagDenyOOM | flagFast, run: cmdPFAdd})
	register(&Command{Name: "pfcount", Arity: -2, FirstKey: 1, LastKey: -1, Group: g, flags: flagReadonly, run: cmdPFCount})
	register(&Command{Name: "pfmerge", Arity: -2, FirstKey: 1, LastKey: -1, Group: g, flags: flagWrite | flagDenyOOM, run: cmdPFMerge})
}

func cmdPFAdd(x *Exec) {
	updated, err := pfaddOp(x.c, x.db, x.arg(1), x.setArgViews(2, len(x.args)))
	if err != nil {
		x.err(err)
		return
	}
	if updated {
		x.propagateArgs()
		x.w.Int(1)
	} else {
		x.w.Int(0)
	}
}

func cmdPFCount(x *Exec) {
	n, err := pfcountOp(x.c, x.db, x.setArgViews(1, len(x.args)))
	if err != nil {
		x.err(err)
		return
	}
	x.w.Int(n)
}

func cmdPFMerge(x *Exec) {
	if err := pfmergeOp(x.c, x.db, x.arg(1), x.setArgViews(2, len(x.args))); err != nil {
		x.err(err)
		return
	}
	x.propagateArgs()
	x.ok()
}

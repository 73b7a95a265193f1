package embedis

func init() {
	const rw = flagWrite | flagDenyOOM
	register(&Command{Name: "setbit", Arity: 4, FirstKey: 1, LastKey: 1, Group: "bitmap", flags: rw, run: cmdSetBit})
	register(&Command{Name: "getbit", Arity: 3, FirstKey: 1, LastKey: 1, Group: "bitmap", flags: flagReadonly | flagFast, run: cmdGetBit})
	register(&Command{Name: "bitcount", Arity: -2, FirstKey: 1, LastKey: 1, Group: "bitmap", flags: flagReadonly, run: cmdBitCount})
	register(&Command{Name: "bitpos", Arity: -3, FirstKey: 1, LastKey: 1, Group: "bitmap", flags: flagReadonly, run: cmdBitPos})
	register(&Command{Name: "bitop", Arity: -4, FirstKey: 2, LastKey: -1, Group: "bitmap", flags: rw, run: cmdBitOp})
	register(&Command{Name: "bitfield", Arity: -2, FirstKey: 1, LastKey: 1, Group: "bitmap", flags: rw, run: cmdBitField})
	register(&Command{Name: "bitfield_ro", Arity: -2, FirstKey: 1, LastKey: 1, Group: "bitmap", flags: flagReadonly | flagFast, run: cmdBitField})
}

// bitOffsetArg parses argument i as a SETBIT/GETBIT offset.
func (x *Exec) bitOffsetArg(i int) (uint64, bool) {
	off, err := parseBitOffset(x.arg(i), 0, bitLimit(x.c, x.s.maxBulk.Load()))
	if err != nil {
		x.err(err)
		return 0, false
	}
	return off, true
}

func cmdSetBit(x *Exec) {
	off, ok := x.bitOffsetArg(2)
	if !ok {
		return
	}
	v, ok := parseInt(x.arg(3))
	if !ok || (v != 0 && v != 1) {
		x.err(errBitValue)
		return
	}
	old, err := setBitOp(x.c, x.db, x.arg(1), off, v == 1, x.arg(2))
	if err != nil {
		x.err(err)
		return
	}
	x.w.Int(int64(old))
}

func cmdGetBit(x *Exec) {
	off, ok := x.bitOffsetArg(2)
	if !ok {
		return
	}
	b, err := getBitOp(x.c, x.db, x.arg(1), off)
	if err != nil {
		x.err(err)
		return
	}
	x.w.Int(int64(b))
}

// bitIntArg parses argument i as an integer, replying with the error when
// it is not one.
func (x *Exec) bitIntArg(i int) (int64, bool) {
	v, ok := parseInt(x.arg(i))
	if !ok {
		x.err(ErrNotInteger)
	}
	return v, ok
}

// bitUnitArg parses a BYTE|BIT argument.
func (x *Exec) bitUnitArg(i int) (isBit, ok bool) {
	switch {
	case x.argIs(i, "bit"):
		return true, true
	case x.argIs(i, "byte"):
		return false, true
	}
	x.syntaxErr()
	return false, false
}

// cmdBitCount: BITCOUNT key [start end [BYTE|BIT]]. As in Redis 7.4 the
// arguments are checked before the key is looked up.
func cmdBitCount(x *Exec) {
	var r *bitRange
	switch n := x.nargs(); n {
	case 2:
	case 4, 5:
		r = &bitRange{hasEnd: true}
		var ok bool
		if r.start, ok = x.bitIntArg(2); !ok {
			return
		}
		if r.end, ok = x.bitIntArg(3); !ok {
			return
		}
		if n == 5 {
			if r.isBit, ok = x.bitUnitArg(4); !ok {
				return
			}
		}
	default:
		x.syntaxErr()
		return
	}
	cnt, err := bitCountOp(x.c, x.db, x.arg(1), r)
	if err != nil {
		x.err(err)
		return
	}
	x.w.Int(cnt)
}

// cmdBitPos: BITPOS key bit [start [end [BYTE|BIT]]].
func cmdBitPos(x *Exec) {
	bit, ok := parseInt(x.arg(2))
	if !ok {
		x.err(ErrNotInteger)
		return
	}
	if bit != 0 && bit != 1 {
		x.err(errBitPosBit)
		return
	}
	var r *bitRange
	switch n := x.nargs(); n {
	case 3:
	case 4, 5, 6:
		r = &bitRange{}
		if r.start, ok = x.bitIntArg(3); !ok {
			return
		}
		if n == 6 {
			if r.isBit, ok = x.bitUnitArg(5); !ok {
				return
			}
		}
		if n >= 5 {
			if r.end, ok = x.bitIntArg(4); !ok {
				return
			}
			r.hasEnd = true
		}
	default:
		x.syntaxErr()
		return
	}
	pos, err := bitPosOp(x.c, x.db, x.arg(1), int(bit), r)
	if err != nil {
		x.err(err)
		return
	}
	x.w.Int(pos)
}

// cmdBitOp: BITOP AND|OR|XOR|NOT destkey key [key ...].
func cmdBitOp(x *Exec) {
	op, ok := parseBitOperation(x.arg(1))
	if !ok {
		x.syntaxErr()
		return
	}
	if op == BitNot && x.nargs() != 4 {
		x.err(errBitOpNotArgs)
		return
	}
	srcs := make([]string, x.nargs()-3)
	for i := range srcs {
		srcs[i] = x.arg(i + 3)
	}
	n, err := bitOpOp(x.c, x.db, op, x.arg(2), srcs, x.journalArgs)
	if err != nil {
		x.err(err)
		return
	}
	x.w.Int(n)
}

// journalArgs returns a copy of the command's arguments, to propagate it
// verbatim.
func (x *Exec) journalArgs() []string {
	out := make([]string, x.nargs())
	for i := range out {
		out[i] = x.argOwned(i)
	}
	return out
}

// cmdBitField: BITFIELD and BITFIELD_RO.
func cmdBitField(x *Exec) {
	sub := make([]string, x.nargs()-2)
	for i := range sub {
		sub[i] = x.arg(i + 2)
	}
	ops, writes, err := parseBitField(sub, bitLimit(x.c, x.s.maxBulk.Load()))
	if err != nil {
		x.err(err)
		return
	}
	if writes && x.cmd.Name == "bitfield_ro" {
		x.err(errBitFieldROWrite)
		return
	}
	vals, oks, err := bitFieldOp(x.c, x.db, x.arg(1), ops, writes, x.journalArgs)
	if err != nil {
		x.err(err)
		return
	}
	x.w.ArrayLen(len(vals))
	for i, v := range vals {
		if oks[i] {
			x.w.Int(v)
		} else {
			x.w.NullBulk()
		}
	}
}

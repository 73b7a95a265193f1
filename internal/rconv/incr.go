package rconv

// IncrByFloat computes an INCRBYFLOAT the way Redis's incrbyfloatCommand
// does, after the key's type check: it returns the new value's text, which
// is both the reply (a bulk string) and what is stored.
//
// cur is the key's current value, or nil when the key does not exist (which
// counts as 0). An existing empty string must be passed as a non-nil empty
// slice ([]byte("") is one) and fails like any other non-number. Both
// operands are parsed with ParseLongDouble, current value first, and added in
// long double; the result is formatted with LongDouble.AppendHuman.
//
// Errors, in Redis's order: ErrNotFloat for either operand, then
// ErrResultNaNOrInf when the sum is infinite or NaN ("inf" is a valid
// operand, so INCRBYFLOAT x inf fails only here). Nothing should be written
// on error.
func IncrByFloat(cur, incr []byte) (string, error) {
	var v LongDouble
	if cur != nil {
		var ok bool
		if v, ok = ParseLongDouble(cur); !ok {
			return "", ErrNotFloat
		}
	}
	inc, ok := ParseLongDouble(incr)
	if !ok {
		return "", ErrNotFloat
	}
	return sumText(v, inc)
}

// HIncrByFloatIncrement performs the first checks of Redis's
// hincrbyfloatCommand on the increment argument, which come before the
// key's type check: ErrNotFloat when it does not parse, ErrIncrementNaNOrInf
// when it is infinite. A handler calls it first, then checks the key's type
// (WRONGTYPE), then calls HIncrByFloat with the field's current value.
func HIncrByFloatIncrement(incr []byte) (LongDouble, error) {
	inc, ok := ParseLongDouble(incr)
	if !ok {
		return LongDouble{}, ErrNotFloat
	}
	if inc.IsInf() || inc.IsNaN() {
		return LongDouble{}, ErrIncrementNaNOrInf
	}
	return inc, nil
}

// HIncrByFloat finishes a HINCRBYFLOAT: it adds incr (from
// HIncrByFloatIncrement) to the field's current value cur, nil when the field
// does not exist, and returns the new value's text, used both as the reply and
// as the stored value. An integer-encoded field is passed as its decimal text.
//
// Errors: ErrHashValueNotFloat when cur does not parse, ErrResultNaNOrInf
// when the sum is infinite (a field holding "inf" gets there).
func HIncrByFloat(cur []byte, incr LongDouble) (string, error) {
	var v LongDouble
	if cur != nil {
		var ok bool
		if v, ok = ParseLongDouble(cur); !ok {
			return "", ErrHashValueNotFloat
		}
	}
	return sumText(v, incr)
}

func sumText(v, inc LongDouble) (string, error) {
	sum := v.Add(inc)
	if sum.IsInf() || sum.IsNaN() {
		return "", ErrResultNaNOrInf
	}
	return sum.String(), nil
}

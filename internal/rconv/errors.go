package rconv

import "errors"

// Errors returned by IncrByFloat, HIncrByFloatIncrement and HIncrByFloat.
// Each Error() string is the exact Redis error reply without the leading '-',
// so a command handler can send err.Error() as it is.
var (
	// ErrNotFloat: the current value (INCRBYFLOAT) or the increment
	// (INCRBYFLOAT, HINCRBYFLOAT) is not a valid long double.
	// Wire: "-ERR value is not a valid float".
	ErrNotFloat = errors.New("ERR value is not a valid float")

	// ErrHashValueNotFloat: the hash field's current value is not a valid
	// long double (HINCRBYFLOAT). Wire: "-ERR hash value is not a float".
	ErrHashValueNotFloat = errors.New("ERR hash value is not a float")

	// ErrIncrementNaNOrInf: the HINCRBYFLOAT increment itself is infinite.
	// Wire: "-ERR value is NaN or Infinity".
	ErrIncrementNaNOrInf = errors.New("ERR value is NaN or Infinity")

	// ErrResultNaNOrInf: the sum is NaN or infinite, so nothing is written
	// (INCRBYFLOAT, HINCRBYFLOAT).
	// Wire: "-ERR increment would produce NaN or Infinity".
	ErrResultNaNOrInf = errors.New("ERR increment would produce NaN or Infinity")
)

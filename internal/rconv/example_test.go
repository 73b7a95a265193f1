package rconv_test

import (
	"errors"
	"fmt"

	"github.com/embedis/embedis/internal/rconv"
)

func ExampleFormatDouble() {
	for _, f := range []float64{3, 0.1, 1.5e20, 1e21, 0.0001, 1.25e-7, 12345.678901234567} {
		fmt.Println(string(rconv.FormatDouble(nil, f)))
	}
	// Output:
	// 3
	// 0.1
	// 1.5e+20
	// 1e+21
	// 0.0001
	// 1.25e-7
	// 1.2345678901234567e+4
}

func ExampleIncrByFloat() {
	v, _ := rconv.IncrByFloat([]byte("0.1"), []byte("0.2"))
	fmt.Println(v)
	v, _ = rconv.IncrByFloat(nil, []byte("1e20"))
	fmt.Println(v)
	_, err := rconv.IncrByFloat([]byte("1"), []byte("inf"))
	fmt.Println(err, errors.Is(err, rconv.ErrResultNaNOrInf))
	// Output:
	// 0.3
	// 100000000000000000000
	// ERR increment would produce NaN or Infinity true
}

func ExampleParseScoreBound() {
	for _, s := range []string{"(1.5", "-inf", "", "(", "abc"} {
		v, excl, ok := rconv.ParseScoreBound([]byte(s))
		fmt.Printf("%q: %v %v %v\n", s, v, excl, ok)
	}
	// Output:
	// "(1.5": 1.5 true true
	// "-inf": -Inf false true
	// "": 0 false true
	// "(": 0 true true
	// "abc": 0 false false
}

func ExampleMatch() {
	fmt.Println(rconv.Match("user:*", "user:42", false))
	fmt.Println(rconv.Match("h[^e]llo", "hello", false))
	fmt.Println(rconv.Match("*", "", false))
	// Output:
	// true
	// false
	// false
}

func ExampleKeySlot() {
	fmt.Println(rconv.KeySlot("foo"), rconv.KeySlot("{user1000}.following"))
	// Output: 12182 3443
}

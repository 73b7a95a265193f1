package embedis

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestBlocking_TimeoutParsing(t *testing.T) {
	s, _ := openTest(t)
	x := s.NewSession()
	cases := map[string]string{
		"abc":    "-ERR timeout is not a float or out of range\r\n",
		"-1":     "-ERR timeout is negative\r\n",
		"-0.5":   "-ERR timeout is negative\r\n",
		"inf":    "-ERR timeout is out of range\r\n",
		"1e400":  "-ERR timeout is out of range\r\n",
		"-inf":   "-ERR timeout is negative\r\n",
		"0.0001": "*-1\r\n",
		"0.01":   "*-1\r\n",
	}
	for arg, want := range cases {
		assert.Equal(t, want, do(t, x, "BLPOP", "nokey", arg), "BLPOP nokey %s", arg)
	}
}

//go:build !unix

package embedis

import "runtime/metrics"

// cpuTimes returns the process's CPU seconds as the Go runtime estimates
// them (INFO cpu); the split between system and user time is unknown.
func cpuTimes() (sys, user float64) {
	s := []metrics.Sample{{Name: "/cpu/classes/total:cpu-seconds"}, {Name: "/cpu/classes/idle:cpu-seconds"}}
	metrics.Read(s)
	if s[0].Value.Kind() == metrics.KindFloat64 && s[1].Value.Kind() == metrics.KindFloat64 {
		user = s[0].Value.Float64() - s[1].Value.Float64()
	}
	return 0, user
}

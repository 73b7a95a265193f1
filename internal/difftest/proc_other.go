//go:build !linux

package difftest

import "os/exec"

// setProcAttr does nothing outside Linux, which lacks Pdeathsig: a test
// binary killed before its cleanups can leave redis-server running.
func setProcAttr(cmd *exec.Cmd) {}

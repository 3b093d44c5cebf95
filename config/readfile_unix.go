//go:build unix

package config

import (
	"os"
	"syscall"
)

// openFlags opens without blocking: open(2) of a FIFO for reading
// otherwise waits for a writer. readRegularFile refuses the FIFO right
// after, and clears O_NONBLOCK on a regular file before reading it.
const openFlags = os.O_RDONLY | syscall.O_NONBLOCK

// clearNonblock puts f back in blocking mode. f is a regular file, which
// the Go runtime does not put in its poller, so this does not confuse it.
func clearNonblock(f *os.File) error {
	rc, err := f.SyscallConn()
	if err != nil {
		return err
	}
	var setErr error
	if err := rc.Control(func(fd uintptr) { setErr = syscall.SetNonblock(int(fd), false) }); err != nil {
		return err
	}
	return setErr
}

package config

// Reading the configuration file and the *_file secrets without hanging.
//
// A read that never returns would hang more than one load: Holder.Reload
// holds its lock while it loads, so every later POST /-/reload and SIGHUP
// would queue behind it for ever. Two things can block a read:
//
//  1. A FIFO (named pipe). open(2) of a FIFO for reading waits for a writer,
//     and a read waits for data. readRegularFile opens with O_NONBLOCK (on
//     unix), so that the open returns at once, and then refuses anything
//     that fstat does not call a regular file, naming the path and what it
//     is. Character devices (/dev/zero, a terminal) and directories are
//     refused the same way. Only regular files (and symlinks to them, as
//     Kubernetes mounts secrets) are read.
//  2. A stalled network mount (NFS, CIFS, FUSE). open and read of a regular
//     file block in the kernel and cannot be interrupted from Go. So each
//     open+read runs in its own goroutine and the loader waits for it only
//     until the load's deadline: FileReadTimeout for the configuration file
//     and all of its secret files together. On timeout the read is given
//     up: its goroutine stays blocked until the kernel returns (holding no
//     lock; its result is dropped), but the load returns an error and the
//     Holder keeps the previous configuration.
//
// A goroutine blocked in a system call pins an OS thread. So that a mount
// that stays stalled across many reloads cannot pile up one more thread per
// reload, at most maxPendingReads reads are in flight at once; a read that
// finds no free slot waits for one until the deadline and then fails too.

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"time"
)

// FileReadTimeout bounds how long Load (and Parse, for the secret files)
// waits for the configuration file and its *_file secrets to be read, all
// of them together. Local files are read in microseconds; 5s is far above
// that and short enough for an operator waiting on POST /-/reload.
const FileReadTimeout = 5 * time.Second

// maxPendingReads bounds the file reads in flight, including those given up
// after a timeout whose goroutines are still blocked in the kernel. Loads
// read one file at a time, so 8 lets several loaders run at once.
const maxPendingReads = 8

// errNotRegular is wrapped by the error for a path that is not a regular
// file.
var errNotRegular = errors.New("is not a regular file")

// fileReads is the process' bound on reads in flight.
var fileReads = boundedReader{slots: make(chan struct{}, maxPendingReads)}

// readFileBefore reads the regular file at path, at most limit bytes
// (limit < 0: all of it), and gives up at deadline. Its errors are
// *fs.PathError, as os.ReadFile's are: a missing file is "open PATH: no
// such file or directory" and satisfies errors.Is(err, fs.ErrNotExist); a
// timeout satisfies errors.Is(err, os.ErrDeadlineExceeded).
func readFileBefore(deadline time.Time, path string, limit int64) ([]byte, error) {
	return fileReads.run(deadline, path, func() ([]byte, error) { return readRegularFile(path, limit) })
}

// readRegularFile opens path without blocking on a FIFO, refuses anything
// but a regular file and reads it. It may block on a stalled mount; see
// boundedReader.
func readRegularFile(path string, limit int64) ([]byte, error) {
	f, err := os.OpenFile(path, openFlags, 0)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if !fi.Mode().IsRegular() {
		return nil, &fs.PathError{Op: "open", Path: path, Err: notRegular(fi.Mode())}
	}
	// O_NONBLOCK means nothing to a regular file on Linux, but some file
	// systems (FUSE) may honor it with EAGAIN; the file is read blocking,
	// as os.ReadFile would, under the deadline of boundedReader.
	if err := clearNonblock(f); err != nil {
		return nil, &fs.PathError{Op: "open", Path: path, Err: err}
	}
	var r io.Reader = f
	if limit >= 0 {
		r = io.LimitReader(f, limit)
	}
	return io.ReadAll(r)
}

// notRegular says what a path that is not a regular file is instead.
func notRegular(m fs.FileMode) error {
	var kind string
	switch {
	case m&fs.ModeNamedPipe != 0:
		kind = "a named pipe (FIFO)"
	case m.IsDir():
		kind = "a directory"
	case m&fs.ModeSocket != 0:
		kind = "a socket"
	case m&fs.ModeDevice != 0:
		kind = "a device"
	default:
		return errNotRegular
	}
	return fmt.Errorf("%w (it is %s)", errNotRegular, kind)
}

// boundedReader runs reads in goroutines that the caller waits for only
// until a deadline, with at most cap(slots) of them in flight.
type boundedReader struct {
	slots chan struct{} // one token per read in flight
}

// run calls read in a new goroutine and returns its result, or a timeout
// error naming path if read has not returned (or no slot was free) by
// deadline. A timed-out read keeps its slot until it returns.
func (b boundedReader) run(deadline time.Time, path string, read func() ([]byte, error)) ([]byte, error) {
	timeout := func(err error) error { return &fs.PathError{Op: "read", Path: path, Err: err} }
	wait := time.Until(deadline)
	if wait <= 0 {
		return nil, timeout(errReadTimeout)
	}
	timer := time.NewTimer(wait)
	defer timer.Stop()
	select {
	case b.slots <- struct{}{}:
	case <-timer.C:
		return nil, timeout(&readTimeoutError{blocked: cap(b.slots)})
	}
	type result struct {
		data []byte
		err  error
	}
	done := make(chan result, 1) // buffered: a given-up read's send never blocks
	go func() {
		defer func() { <-b.slots }()
		data, err := read()
		done <- result{data, err}
	}()
	select {
	case r := <-done:
		return r.data, r.err
	case <-timer.C:
		return nil, timeout(errReadTimeout)
	}
}

// errReadTimeout is the error of a read that did not return in time.
var errReadTimeout = &readTimeoutError{}

// readTimeoutError is a read given up at the load's deadline. It satisfies
// errors.Is(err, os.ErrDeadlineExceeded).
type readTimeoutError struct {
	blocked int // > 0: no read slot was free; the number of slots
}

func (e *readTimeoutError) Error() string {
	if e.blocked > 0 {
		return fmt.Sprintf("not read within %v: all %d read slots are held by earlier reads that have not returned (a stalled network mount?)",
			FileReadTimeout, e.blocked)
	}
	return fmt.Sprintf("no answer within %v, the time allowed to read the configuration and its secret files (a stalled network mount?)",
		FileReadTimeout)
}

func (e *readTimeoutError) Is(target error) bool { return target == os.ErrDeadlineExceeded }

// Timeout reports true, as net.Error and os.ErrDeadlineExceeded do.
func (e *readTimeoutError) Timeout() bool { return true }

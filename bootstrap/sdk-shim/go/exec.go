package boxlite

/*
#include <stdlib.h>
#include "boxlite.h"

extern void goOnWait(int, CBoxliteError*, void*);
extern void goOnStdout(uint8_t*, size_t, void*);
extern void goOnStderr(uint8_t*, size_t, void*);
*/
import "C"

import (
	"bytes"
	"context"
	"io"
	"runtime/cgo"
	"sort"
	"sync"
	"time"
	"unsafe"
)

// Cmd is a command to run inside a box, shaped like os/exec.Cmd.
type Cmd struct {
	Path    string
	Args    []string
	Env     map[string]string
	Dir     string
	User    string
	Timeout time.Duration
	TTY     bool
	Stdin   io.Reader
	Stdout  io.Writer
	Stderr  io.Writer

	box      *Box
	exitCode int
}

// Command creates a Cmd for the box.
func (b *Box) Command(name string, arg ...string) *Cmd {
	return &Cmd{Path: name, Args: arg, box: b}
}

// Exec runs a command and returns its buffered result.
func (b *Box) Exec(ctx context.Context, name string, arg ...string) (*ExecResult, error) {
	var out, errOut bytes.Buffer
	cmd := b.Command(name, arg...)
	cmd.Stdout, cmd.Stderr = &out, &errOut
	if err := cmd.Run(ctx); err != nil {
		return nil, err
	}
	return &ExecResult{ExitCode: cmd.exitCode, Stdout: out.String(), Stderr: errOut.String()}, nil
}

// streams routes chunk callbacks (run on the drain goroutine) to the caller's writers.
type streams struct {
	mu             sync.Mutex
	stdout, stderr io.Writer
}

func (s *streams) write(isErr bool, p []byte) {
	s.mu.Lock()
	defer s.mu.Unlock()
	w := s.stdout
	if isErr {
		w = s.stderr
	}
	if w != nil {
		_, _ = w.Write(p)
	}
}

// Run executes the command; a non-zero exit is not an error (see ExitCode).
func (c *Cmd) Run(ctx context.Context) error {
	b := c.box
	cCmd := toCString(c.Path)
	defer C.free(unsafe.Pointer(cCmd))
	args, freeArgs := cStrings(c.Args)
	defer freeArgs()
	keys := make([]string, 0, len(c.Env))
	for k := range c.Env {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	pairs := make([]string, 0, 2*len(keys))
	for _, k := range keys {
		pairs = append(pairs, k, c.Env[k])
	}
	env, freeEnv := cStrings(pairs)
	defer freeEnv()
	command := C.BoxliteCommand{
		command: cCmd, args: args, argc: C.int(len(c.Args)),
		env_pairs: env, env_count: C.int(len(pairs)),
		timeout_secs: C.double(c.Timeout.Seconds()),
	}
	if c.TTY {
		command.tty = 1
	}
	if c.Dir != "" {
		command.workdir = toCString(c.Dir)
		defer C.free(unsafe.Pointer(command.workdir))
	}
	if c.User != "" {
		command.user = toCString(c.User)
		defer C.free(unsafe.Pointer(command.user))
	}
	var ex *C.CExecutionHandle
	var cerr C.CBoxliteError
	if C.boxlite_box_exec(b.handle, &command, &ex, &cerr) != C.Ok {
		return freeError(&cerr)
	}
	defer C.boxlite_execution_free(ex)
	// Kept until the execution is freed: chunk callbacks may still look it up.
	sh := cgo.NewHandle(&streams{stdout: c.Stdout, stderr: c.Stderr})
	defer sh.Delete()
	ud := handlePtr(sh)
	if C.boxlite_execution_on_stdout(ex, (*[0]byte)(C.goOnStdout), ud, &cerr) != C.Ok {
		return freeError(&cerr)
	}
	if C.boxlite_execution_on_stderr(ex, (*[0]byte)(C.goOnStderr), ud, &cerr) != C.Ok {
		return freeError(&cerr)
	}
	if c.Stdin != nil {
		data, err := io.ReadAll(c.Stdin)
		if err != nil {
			return err
		}
		if len(data) > 0 && C.boxlite_execution_stdin_write(ex, (*C.uint8_t)(unsafe.Pointer(&data[0])), C.size_t(len(data)), &cerr) != C.Ok {
			return freeError(&cerr)
		}
		C.boxlite_execution_stdin_close(ex, &cerr)
	}
	res := b.runtime.call(ctx, func(wud unsafe.Pointer, werr *C.CBoxliteError) uint32 {
		return C.boxlite_execution_wait(ex, (*[0]byte)(C.goOnWait), wud, werr)
	})
	if res.err != nil {
		return res.err
	}
	c.exitCode = res.exitCode
	return nil
}

// Output runs the command and returns its standard output.
func (c *Cmd) Output(ctx context.Context) ([]byte, error) {
	var buf bytes.Buffer
	c.Stdout = &buf
	err := c.Run(ctx)
	return buf.Bytes(), err
}

// ExitCode is the command's exit code; valid after Run returned nil.
func (c *Cmd) ExitCode() int { return c.exitCode }

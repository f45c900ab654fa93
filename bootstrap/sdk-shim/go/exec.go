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

// Cmd is a command to run inside a box, shaped like os/exec.Cmd (sdks/go exec.go at
// c5f4afd1: no user, tty or stdin here; those go through StartExecution, user nowhere).
type Cmd struct {
	Path    string
	Args    []string
	Stdout  io.Writer
	Stderr  io.Writer
	Env     map[string]string
	Dir     string
	Timeout time.Duration

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

// ExecutionOptions configures StartExecution (the SDK's fields, same names).
type ExecutionOptions struct {
	TTY        bool
	Stdout     io.Writer
	Stderr     io.Writer
	Env        map[string]string
	WorkingDir string
	Timeout    time.Duration
}

// Execution is a handle to a running command; Stdin closes to signal EOF.
type Execution struct {
	handle  *C.CExecutionHandle
	runtime *Runtime
	streams cgo.Handle
	Stdin   io.WriteCloser
}

type executionStdin struct{ e *Execution }

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

// envPairs flattens env into [k0, v0, k1, v1, ...] in key order, as the SDK does.
func envPairs(env map[string]string) []string {
	keys := make([]string, 0, len(env))
	for k := range env {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	pairs := make([]string, 0, 2*len(keys))
	for _, k := range keys {
		pairs = append(pairs, k, env[k])
	}
	return pairs
}

// StartExecution starts a command and returns its handle with the stream callbacks registered.
func (b *Box) StartExecution(_ context.Context, name string, args []string, opts *ExecutionOptions) (*Execution, error) {
	cfg := ExecutionOptions{}
	if opts != nil {
		cfg = *opts
	}
	cCmd := toCString(name)
	defer C.free(unsafe.Pointer(cCmd))
	cArgs, freeArgs := cStrings(args)
	defer freeArgs()
	pairs := envPairs(cfg.Env)
	env, freeEnv := cStrings(pairs)
	defer freeEnv()
	command := C.BoxliteCommand{
		command: cCmd, args: cArgs, argc: C.int(len(args)),
		env_pairs: env, env_count: C.int(len(pairs)),
		timeout_secs: C.double(cfg.Timeout.Seconds()),
	}
	if cfg.TTY {
		command.tty = 1
	}
	if cfg.WorkingDir != "" {
		command.workdir = toCString(cfg.WorkingDir)
		defer C.free(unsafe.Pointer(command.workdir))
	}
	var ex *C.CExecutionHandle
	var cerr C.CBoxliteError
	if C.boxlite_box_exec(b.handle, &command, &ex, &cerr) != C.Ok {
		return nil, freeError(&cerr)
	}
	// Kept until the execution is closed: chunk callbacks may still look it up.
	e := &Execution{handle: ex, runtime: b.runtime, streams: cgo.NewHandle(&streams{stdout: cfg.Stdout, stderr: cfg.Stderr})}
	e.Stdin = &executionStdin{e: e}
	ud := handlePtr(e.streams)
	if C.boxlite_execution_on_stdout(ex, (*[0]byte)(C.goOnStdout), ud, &cerr) != C.Ok ||
		C.boxlite_execution_on_stderr(ex, (*[0]byte)(C.goOnStderr), ud, &cerr) != C.Ok {
		err := freeError(&cerr)
		_ = e.Close()
		return nil, err
	}
	return e, nil
}

// Wait blocks until the command exits and returns its exit code.
func (e *Execution) Wait(ctx context.Context) (int, error) {
	res := e.runtime.call(ctx, func(ud unsafe.Pointer, cerr *C.CBoxliteError) uint32 {
		return C.boxlite_execution_wait(e.handle, (*[0]byte)(C.goOnWait), ud, cerr)
	})
	return res.exitCode, res.err
}

// Close frees the execution; idempotent.
func (e *Execution) Close() error {
	if e.handle != nil {
		C.boxlite_execution_free(e.handle)
		e.handle = nil
		e.streams.Delete()
	}
	return nil
}

func (s *executionStdin) Write(p []byte) (int, error) {
	if len(p) == 0 {
		return 0, nil
	}
	var cerr C.CBoxliteError
	if C.boxlite_execution_stdin_write(s.e.handle, (*C.uint8_t)(unsafe.Pointer(&p[0])), C.size_t(len(p)), &cerr) != C.Ok {
		return 0, freeError(&cerr)
	}
	return len(p), nil
}

// Close signals EOF to the command's stdin.
func (s *executionStdin) Close() error {
	var cerr C.CBoxliteError
	if C.boxlite_execution_stdin_close(s.e.handle, &cerr) != C.Ok {
		return freeError(&cerr)
	}
	return nil
}

// Run executes the command; a non-zero exit is not an error (see ExitCode).
func (c *Cmd) Run(ctx context.Context) error {
	e, err := c.box.StartExecution(ctx, c.Path, c.Args, &ExecutionOptions{
		Stdout: c.Stdout, Stderr: c.Stderr, Env: c.Env, WorkingDir: c.Dir, Timeout: c.Timeout,
	})
	if err != nil {
		return err
	}
	defer e.Close()
	c.exitCode, err = e.Wait(ctx)
	return err
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

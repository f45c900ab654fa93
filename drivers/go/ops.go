package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	boxlite "github.com/boxlite-ai/boxlite/sdks/go"
)

type session struct {
	rt      *boxlite.Runtime
	ctx     context.Context
	created []*boxlite.Box
	handles map[string]*boxlite.Box
}

type execOutcome struct {
	Driver   string  `json:"driver"`
	Stdout   string  `json:"stdout"`
	Stderr   string  `json:"stderr"`
	ExitCode *int    `json:"exitCode"`
	Error    *string `json:"error"`
	Ms       float64 `json:"ms"`
}

type infoJSON struct {
	ID        string `json:"id"`
	Name      string `json:"name"`
	Image     string `json:"image"`
	Status    string `json:"status"`
	Running   bool   `json:"running"`
	PID       int    `json:"pid"`
	CPUs      int    `json:"cpus"`
	MemoryMiB int    `json:"memory_mib"`
	CreatedAt int64  `json:"created_at"`
}

func toJSON(i *boxlite.BoxInfo) *infoJSON {
	if i == nil {
		return nil
	}
	return &infoJSON{i.ID, i.Name, i.Image, string(i.State), i.Running, i.PID, i.CPUs, i.MemoryMiB, i.CreatedAt.Unix()}
}

// ref resolves "$N" / "$last" / omitted to a created box's id; anything else is literal.
func (s *session) ref(o op) (string, error) {
	r := o.Box
	if r == "" {
		r = o.ID
	}
	if r == "" || r == "$last" {
		if len(s.created) == 0 {
			return "", fmt.Errorf("op names no box and none was created yet")
		}
		return s.created[len(s.created)-1].ID(), nil
	}
	if strings.HasPrefix(r, "$") {
		n, err := strconv.Atoi(r[1:])
		if err != nil || n < 0 || n >= len(s.created) {
			return "", fmt.Errorf("%s: only %d box(es) created so far", r, len(s.created))
		}
		return s.created[n].ID(), nil
	}
	return r, nil
}

func (s *session) box(o op) (*boxlite.Box, error) {
	r, err := s.ref(o)
	if err != nil {
		return nil, err
	}
	for _, b := range s.created {
		if b.ID() == r || (b.Name() != "" && b.Name() == r) {
			return b, nil
		}
	}
	if b, ok := s.handles[r]; ok {
		return b, nil
	}
	b, err := s.rt.Get(s.ctx, r)
	if err != nil {
		return nil, err
	}
	s.handles[r] = b
	return b, nil
}

func (s *session) run(o op) (any, error) {
	switch o.Op {
	case "create":
		return s.create(o)
	case "get":
		b, err := s.box(o)
		if boxlite.IsNotFound(err) {
			return nil, nil // a box the server does not know reads as null, as in the Python driver
		}
		if err != nil {
			return nil, err
		}
		return map[string]string{"id": b.ID()}, nil
	case "get_info":
		r, err := s.ref(o)
		if err != nil {
			return nil, err
		}
		i, err := s.rt.GetInfo(s.ctx, r)
		return toJSON(i), err
	case "info":
		b, err := s.box(o)
		if err != nil {
			return nil, err
		}
		i, err := b.Info(s.ctx)
		return toJSON(i), err
	case "list":
		list, err := s.rt.ListInfo(s.ctx)
		out := []*infoJSON{}
		for i := range list {
			out = append(out, toJSON(&list[i]))
		}
		return out, err
	case "exec":
		return s.exec(o)
	case "copy_in", "copy_out", "stop", "start":
		b, err := s.box(o)
		if err != nil {
			return nil, err
		}
		switch o.Op {
		case "copy_in":
			return nil, b.CopyInto(s.ctx, o.HostPath, o.Dest)
		case "copy_out":
			return nil, b.CopyOut(s.ctx, o.Src, o.HostPath)
		case "stop":
			return nil, b.Stop(s.ctx)
		default:
			return nil, b.Start(s.ctx)
		}
	case "remove":
		r, err := s.ref(o)
		if err != nil {
			return nil, err
		}
		if o.Force {
			return nil, s.rt.ForceRemove(s.ctx, r)
		}
		return nil, s.rt.Remove(s.ctx, r)
	}
	return nil, fmt.Errorf("unknown op %q", o.Op)
}

func (s *session) create(o op) (any, error) {
	opts := []boxlite.BoxOption{}
	if o.Name != "" {
		opts = append(opts, boxlite.WithName(o.Name))
	}
	if o.CPUs > 0 {
		opts = append(opts, boxlite.WithCPUs(o.CPUs))
	}
	if o.MemoryMiB > 0 {
		opts = append(opts, boxlite.WithMemory(o.MemoryMiB))
	}
	if o.WorkingDir != "" {
		opts = append(opts, boxlite.WithWorkDir(o.WorkingDir))
	}
	for k, v := range o.Env {
		opts = append(opts, boxlite.WithEnv(k, v))
	}
	if o.AutoRemove != nil {
		opts = append(opts, boxlite.WithAutoRemove(*o.AutoRemove))
	}
	b, err := s.rt.Create(s.ctx, o.Image, opts...)
	if err != nil {
		return nil, err
	}
	// Announced first: if anything below dies, the box is still tracked.
	var name *string
	if o.Name != "" {
		name = &o.Name
	}
	emit(map[string]any{"event": "box_created", "id": b.ID(), "name": name})
	s.created = append(s.created, b)
	return map[string]any{"id": b.ID(), "name": name}, nil
}

// errNoUser: sdks/go offers no user for a command (ExecutionOptions has none; exec.go passes
// `user: nil` to boxlite_box_exec at c5f4afd1), so the driver refuses rather than run as root.
var errNoUser = errors.New("the Go SDK has no way to run a command as a user (sdks/go ExecutionOptions has no User)")

// exec runs one command through box.StartExecution (tty and stdin need it; Cmd has neither);
// a refusal is the op's error and the outcome's.
func (s *session) exec(o op) (any, error) {
	t0 := time.Now()
	out := &execOutcome{Driver: driverName}
	b, err := s.box(o)
	if err == nil && o.User != "" {
		err = errNoUser
	}
	if err == nil {
		var stdout, stderr bytes.Buffer
		var code int
		code, err = runExecution(s.ctx, b, o, &boxlite.ExecutionOptions{
			TTY: o.TTY, Stdout: &stdout, Stderr: &stderr, Env: o.Env, WorkingDir: o.Cwd,
			Timeout: time.Duration(o.TimeoutSecs * float64(time.Second)),
		})
		if err == nil {
			out.ExitCode = &code
		}
		out.Stdout, out.Stderr = stdout.String(), stderr.String()
	}
	if err != nil {
		msg, _, _ := describe(err)
		out.Error = &msg
	}
	out.Ms = float64(time.Since(t0).Microseconds()) / 1000
	return out, err
}

// runExecution starts the command, feeds and closes its stdin when the op has one, then waits.
func runExecution(ctx context.Context, b *boxlite.Box, o op, opts *boxlite.ExecutionOptions) (int, error) {
	e, err := b.StartExecution(ctx, o.Command, o.Args, opts)
	if err != nil {
		return 0, err
	}
	defer e.Close()
	if o.Stdin != nil {
		if _, err := io.WriteString(e.Stdin, *o.Stdin); err != nil {
			return 0, err
		}
		if err := e.Stdin.Close(); err != nil {
			return 0, err
		}
	}
	return e.Wait(ctx)
}

func (s *session) close() {
	for _, b := range s.created {
		_ = b.Close()
	}
	for _, b := range s.handles {
		_ = b.Close()
	}
	_ = s.rt.Close()
}

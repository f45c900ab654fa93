// Go SDK driver: runs a list of ops through the Go SDK (github.com/boxlite-ai/boxlite/sdks/go,
// REST runtime) and answers one JSON line per op — the protocol drivers/python/driver.py
// speaks (see drivers/c/driver.c for the op list). Calls the SDK as a user would: NewRest,
// rt.Create / Get / GetInfo / ListInfo / Remove, box.Exec / Command / CopyInto / CopyOut /
// Stop / Start / Info.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"syscall"
	"time"

	boxlite "github.com/boxlite-ai/boxlite/sdks/go"
)

const driverName = "go-sdk"

type request struct {
	URL         string `json:"url"`
	APIKey      string `json:"api_key"`
	PathPrefix  string `json:"path_prefix"`
	StopOnError bool   `json:"stop_on_error"`
	Ops         []op   `json:"ops"`
}

type op struct {
	Op          string            `json:"op"`
	Box         string            `json:"box"`
	ID          string            `json:"id"`
	Image       string            `json:"image"`
	Name        string            `json:"name"`
	CPUs        int               `json:"cpus"`
	MemoryMiB   int               `json:"memory_mib"`
	WorkingDir  string            `json:"working_dir"`
	AutoRemove  *bool             `json:"auto_remove"`
	Env         map[string]string `json:"env"`
	Command     string            `json:"command"`
	Args        []string          `json:"args"`
	Cwd         string            `json:"cwd"`
	User        string            `json:"user"`
	TTY         bool              `json:"tty"`
	TimeoutSecs float64           `json:"timeout_secs"`
	Stdin       *string           `json:"stdin"`
	HostPath    string            `json:"host_path"`
	Dest        string            `json:"dest"`
	Src         string            `json:"src"`
	Force       bool              `json:"force"`
	StopOnError bool              `json:"stop_on_error"`
}

type line struct {
	Event     string  `json:"event"`
	Index     int     `json:"index"`
	Op        string  `json:"op"`
	Ms        float64 `json:"ms"`
	Error     *string `json:"error"`
	ErrorType *string `json:"error_type"`
	ErrorCode *int    `json:"error_code"`
	Result    any     `json:"result"`
}

var proto *json.Encoder

func emit(v any) {
	if err := proto.Encode(v); err != nil {
		os.Exit(3)
	}
}

var codeNames = []string{"Ok", "Internal", "NotFound", "AlreadyExists", "InvalidState",
	"InvalidArgument", "Config", "Storage", "Image", "Network", "Execution", "Stopped", "Engine",
	"Unsupported", "Database", "Portal", "Rpc", "RpcTransport", "Metadata", "UnsupportedEngine",
	"ResourceExhausted", "SessionReaped"}

// describe: the SDK's typed error as message, code name and number; any other error is "Other".
func describe(err error) (string, string, *int) {
	var e *boxlite.Error
	if errors.As(err, &e) {
		code := int(e.Code)
		name := "Unknown"
		if code >= 0 && code < len(codeNames) {
			name = codeNames[code]
		}
		return e.Message, name, &code
	}
	return err.Error(), "Other", nil
}

func main() {
	// The protocol channel is a private dup of fd 1; fd 1 itself goes to stderr.
	fd, err := syscall.Dup(1)
	if err != nil {
		os.Exit(1)
	}
	proto = json.NewEncoder(os.NewFile(uintptr(fd), "protocol"))
	proto.SetEscapeHTML(false)
	_ = syscall.Dup2(2, 1)

	var req request
	raw, err := io.ReadAll(os.Stdin)
	if err == nil {
		err = json.Unmarshal(raw, &req)
	}
	if err == nil && req.URL == "" {
		err = fmt.Errorf("request must be an object with a url")
	}
	if err != nil {
		emit(map[string]any{"event": "fatal", "error": err.Error()})
		os.Exit(1)
	}
	opts := boxlite.BoxliteRestOptions{URL: req.URL, PathPrefix: req.PathPrefix}
	if req.APIKey != "" {
		opts.Credential = boxlite.NewApiKeyCredential(req.APIKey)
	}
	rt, err := boxlite.NewRest(opts)
	if err != nil {
		msg, typ, _ := describe(err)
		emit(map[string]any{"event": "fatal", "error": msg, "error_type": typ})
		os.Exit(1)
	}
	s := &session{rt: rt, ctx: context.Background(), handles: map[string]*boxlite.Box{}}
	for i, o := range req.Ops {
		t0 := time.Now()
		res, err := s.run(o)
		l := line{Event: "op", Index: i, Op: o.Op, Result: res}
		if err != nil {
			msg, typ, code := describe(err)
			l.Error, l.ErrorType, l.ErrorCode = &msg, &typ, code
		}
		l.Ms = float64(time.Since(t0).Microseconds()) / 1000
		emit(l)
		if err != nil && (req.StopOnError || o.StopOnError) {
			break
		}
	}
	s.close()
	emit(map[string]string{"event": "done"})
}

package boxlite

import "time"

// State is the lifecycle state of a box.
type State string

const (
	StateConfigured State = "configured"
	StateRunning    State = "running"
	StateStopping   State = "stopping"
	StateStopped    State = "stopped"
)

// BoxInfo holds information about a box.
type BoxInfo struct {
	ID        string
	Name      string
	Image     string
	State     State
	Running   bool
	PID       int
	CPUs      int
	MemoryMiB int
	CreatedAt time.Time
}

// ExecResult is the result of a buffered command execution.
type ExecResult struct {
	ExitCode int
	Stdout   string
	Stderr   string
}

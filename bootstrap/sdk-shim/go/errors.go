package boxlite

import (
	"errors"
	"fmt"
)

// ErrorCode is a BoxLite error category; the values are the C API's BoxliteErrorCode.
type ErrorCode int

const (
	ErrInternal          ErrorCode = 1
	ErrNotFound          ErrorCode = 2
	ErrAlreadyExists     ErrorCode = 3
	ErrInvalidState      ErrorCode = 4
	ErrInvalidArgument   ErrorCode = 5
	ErrConfig            ErrorCode = 6
	ErrStorage           ErrorCode = 7
	ErrImage             ErrorCode = 8
	ErrNetwork           ErrorCode = 9
	ErrExecution         ErrorCode = 10
	ErrStopped           ErrorCode = 11
	ErrEngine            ErrorCode = 12
	ErrUnsupported       ErrorCode = 13
	ErrDatabase          ErrorCode = 14
	ErrPortal            ErrorCode = 15
	ErrRpc               ErrorCode = 16
	ErrRpcTransport      ErrorCode = 17
	ErrMetadata          ErrorCode = 18
	ErrUnsupportedEngine ErrorCode = 19
	ErrResourceExhausted ErrorCode = 20
	ErrSessionReaped     ErrorCode = 21
)

// Error is a typed error from the BoxLite runtime.
type Error struct {
	Code    ErrorCode
	Message string
}

func (e *Error) Error() string { return fmt.Sprintf("boxlite: %s (code=%d)", e.Message, e.Code) }

func hasCode(err error, c ErrorCode) bool {
	var e *Error
	return errors.As(err, &e) && e.Code == c
}

// IsNotFound reports whether err indicates a not-found condition.
func IsNotFound(err error) bool { return hasCode(err, ErrNotFound) }

// IsAlreadyExists reports whether err indicates a resource already exists.
func IsAlreadyExists(err error) bool { return hasCode(err, ErrAlreadyExists) }

// IsInvalidState reports whether err indicates an invalid state transition.
func IsInvalidState(err error) bool { return hasCode(err, ErrInvalidState) }

// IsStopped reports whether err indicates a stopped or shut down resource.
func IsStopped(err error) bool { return hasCode(err, ErrStopped) }

package boxlite

/*
#cgo CFLAGS: -I${SRCDIR}/../include
#cgo LDFLAGS: -lboxlite -lpthread -ldl -lm
#include <stdlib.h>
#include "boxlite.h"

extern void goOnBox(CBoxHandle*, CBoxliteError*, void*);
extern void goOnDone(CBoxliteError*, void*);
extern void goOnInfo(CBoxInfo*, CBoxliteError*, void*);
extern void goOnList(CBoxInfoList*, CBoxliteError*, void*);
extern void goOnWait(int, CBoxliteError*, void*);
extern void goOnStdout(uint8_t*, size_t, void*);
extern void goOnStderr(uint8_t*, size_t, void*);

// cgo handles travel through the C API's void* user data.
static inline void *handle_ptr(uintptr_t h) { return (void *)h; }
*/
import "C"

import (
	"context"
	"runtime/cgo"
	"unsafe"
)

// result is what one async C call's callback delivers.
type result struct {
	box      *C.CBoxHandle
	info     *C.CBoxInfo
	list     *C.CBoxInfoList
	exitCode int
	err      error
}

func errorFrom(e *C.CBoxliteError) error {
	if e == nil || e.code == C.Ok {
		return nil
	}
	return &Error{Code: ErrorCode(e.code), Message: C.GoString(e.message)}
}

// freeError turns a synchronous out-error into a Go error and releases its message.
func freeError(e *C.CBoxliteError) error {
	err := errorFrom(e)
	C.boxlite_error_free(e)
	return err
}

func toCString(s string) *C.char { return C.CString(s) }

func handlePtr(h cgo.Handle) unsafe.Pointer { return C.handle_ptr(C.uintptr_t(h)) }

func cStrings(ss []string) (**C.char, func()) {
	if len(ss) == 0 {
		return nil, func() {}
	}
	arr := (*[1 << 20]*C.char)(C.malloc(C.size_t(len(ss)) * C.size_t(unsafe.Sizeof((*C.char)(nil)))))[:len(ss):len(ss)]
	for i, s := range ss {
		arr[i] = C.CString(s)
	}
	return &arr[0], func() {
		for _, p := range arr {
			C.free(unsafe.Pointer(p))
		}
		C.free(unsafe.Pointer(&arr[0]))
	}
}

// call starts one async C call with a fresh result channel as user data and awaits it.
func (r *Runtime) call(ctx context.Context, start func(ud unsafe.Pointer, cerr *C.CBoxliteError) uint32) result {
	ch := make(chan result, 1)
	h := cgo.NewHandle(ch)
	var cerr C.CBoxliteError
	if code := start(handlePtr(h), &cerr); code != C.Ok {
		h.Delete()
		return result{err: freeError(&cerr)}
	}
	select {
	case res := <-ch:
		h.Delete()
		return res
	case <-ctx.Done():
		// The callback still fires later; it finds the buffered channel and nobody waiting.
		go func() { <-ch; h.Delete() }()
		return result{err: ctx.Err()}
	}
}

func deliver(ud unsafe.Pointer, res result) {
	cgo.Handle(uintptr(ud)).Value().(chan result) <- res
}

//export goOnBox
func goOnBox(box *C.CBoxHandle, e *C.CBoxliteError, ud unsafe.Pointer) {
	deliver(ud, result{box: box, err: errorFrom(e)})
}

//export goOnDone
func goOnDone(e *C.CBoxliteError, ud unsafe.Pointer) { deliver(ud, result{err: errorFrom(e)}) }

//export goOnInfo
func goOnInfo(info *C.CBoxInfo, e *C.CBoxliteError, ud unsafe.Pointer) {
	deliver(ud, result{info: info, err: errorFrom(e)})
}

//export goOnList
func goOnList(list *C.CBoxInfoList, e *C.CBoxliteError, ud unsafe.Pointer) {
	deliver(ud, result{list: list, err: errorFrom(e)})
}

//export goOnWait
func goOnWait(code C.int, e *C.CBoxliteError, ud unsafe.Pointer) {
	deliver(ud, result{exitCode: int(code), err: errorFrom(e)})
}

//export goOnStdout
func goOnStdout(data *C.uint8_t, n C.size_t, ud unsafe.Pointer) {
	cgo.Handle(uintptr(ud)).Value().(*streams).write(false, C.GoBytes(unsafe.Pointer(data), C.int(n)))
}

//export goOnStderr
func goOnStderr(data *C.uint8_t, n C.size_t, ud unsafe.Pointer) {
	cgo.Handle(uintptr(ud)).Value().(*streams).write(true, C.GoBytes(unsafe.Pointer(data), C.int(n)))
}

package boxlite

/*
#include <stdlib.h>
#include "boxlite.h"

extern void goOnDone(CBoxliteError*, void*);
extern void goOnInfo(CBoxInfo*, CBoxliteError*, void*);
*/
import "C"

import (
	"context"
	"fmt"
	"strings"
	"unsafe"
)

// BoxOption configures a box at creation.
type BoxOption func(*boxConfig)

type boxConfig struct {
	name       string
	cpus       int
	memoryMiB  int
	env        [][2]string
	workDir    string
	autoRemove *bool
}

// WithName sets a human-readable name for the box.
func WithName(name string) BoxOption { return func(c *boxConfig) { c.name = name } }

// WithCPUs sets the number of virtual CPUs.
func WithCPUs(n int) BoxOption { return func(c *boxConfig) { c.cpus = n } }

// WithMemory sets the memory limit in MiB.
func WithMemory(mib int) BoxOption { return func(c *boxConfig) { c.memoryMiB = mib } }

// WithEnv adds an environment variable.
func WithEnv(key, value string) BoxOption {
	return func(c *boxConfig) { c.env = append(c.env, [2]string{key, value}) }
}

// WithWorkDir sets the working directory inside the container.
func WithWorkDir(dir string) BoxOption { return func(c *boxConfig) { c.workDir = dir } }

// WithAutoRemove sets whether the box is auto-removed on stop.
func WithAutoRemove(v bool) BoxOption { return func(c *boxConfig) { c.autoRemove = &v } }

func buildCOptions(image string, cfg *boxConfig) (*C.CBoxliteOptions, error) {
	image = strings.TrimSpace(image)
	if image == "" {
		return nil, fmt.Errorf("boxlite: image reference is required")
	}
	cImage := toCString(image)
	defer C.free(unsafe.Pointer(cImage))
	var o *C.CBoxliteOptions
	var cerr C.CBoxliteError
	if C.boxlite_options_new(cImage, &o, &cerr) != C.Ok {
		return nil, freeError(&cerr)
	}
	withC := func(s string, f func(*C.char)) {
		p := toCString(s)
		f(p)
		C.free(unsafe.Pointer(p))
	}
	if cfg.name != "" {
		withC(cfg.name, func(p *C.char) { C.boxlite_options_set_name(o, p) })
	}
	if cfg.cpus > 0 {
		C.boxlite_options_set_cpus(o, C.int(cfg.cpus))
	}
	if cfg.memoryMiB > 0 {
		C.boxlite_options_set_memory(o, C.int(cfg.memoryMiB))
	}
	if cfg.workDir != "" {
		withC(cfg.workDir, func(p *C.char) { C.boxlite_options_set_workdir(o, p) })
	}
	for _, kv := range cfg.env {
		withC(kv[0], func(k *C.char) { withC(kv[1], func(v *C.char) { C.boxlite_options_add_env(o, k, v) }) })
	}
	if cfg.autoRemove != nil {
		v := C.int(0)
		if *cfg.autoRemove {
			v = 1
		}
		C.boxlite_options_set_auto_remove(o, v)
	}
	return o, nil
}

// Box is a handle to a box.
type Box struct {
	handle  *C.CBoxHandle
	runtime *Runtime
	id      string
	name    string
}

func (r *Runtime) newBox(h *C.CBoxHandle, name string) *Box {
	id := C.boxlite_box_id(h)
	defer C.boxlite_free_string(id)
	return &Box{handle: h, runtime: r, id: C.GoString(id), name: name}
}

func (b *Box) ID() string   { return b.id }
func (b *Box) Name() string { return b.name }

// Close releases the handle (the box itself is untouched).
func (b *Box) Close() error {
	if b.handle != nil {
		C.boxlite_box_free(b.handle)
		b.handle = nil
	}
	return nil
}

func (b *Box) done(ctx context.Context, start func(ud unsafe.Pointer, cerr *C.CBoxliteError) uint32) error {
	return b.runtime.call(ctx, start).err
}

// Start starts (or resumes) the box.
func (b *Box) Start(ctx context.Context) error {
	return b.done(ctx, func(ud unsafe.Pointer, cerr *C.CBoxliteError) uint32 {
		return C.boxlite_start_box(b.handle, (*[0]byte)(C.goOnDone), ud, cerr)
	})
}

// Stop stops the box.
func (b *Box) Stop(ctx context.Context) error {
	return b.done(ctx, func(ud unsafe.Pointer, cerr *C.CBoxliteError) uint32 {
		return C.boxlite_stop_box(b.handle, (*[0]byte)(C.goOnDone), ud, cerr)
	})
}

// Info returns the box's current info.
func (b *Box) Info(ctx context.Context) (*BoxInfo, error) {
	res := b.runtime.call(ctx, func(ud unsafe.Pointer, cerr *C.CBoxliteError) uint32 {
		return C.boxlite_box_info(b.handle, (*[0]byte)(C.goOnInfo), ud, cerr)
	})
	return infoResult(res)
}

// CopyInto copies a host file or directory into the box.
func (b *Box) CopyInto(ctx context.Context, hostSrc, guestDst string) error {
	src, dst := toCString(hostSrc), toCString(guestDst)
	defer C.free(unsafe.Pointer(src))
	defer C.free(unsafe.Pointer(dst))
	return b.done(ctx, func(ud unsafe.Pointer, cerr *C.CBoxliteError) uint32 {
		return C.boxlite_copy_into(b.handle, src, dst, (*[0]byte)(C.goOnDone), ud, cerr)
	})
}

// CopyOut copies a file or directory from the box to the host.
func (b *Box) CopyOut(ctx context.Context, guestSrc, hostDst string) error {
	src, dst := toCString(guestSrc), toCString(hostDst)
	defer C.free(unsafe.Pointer(src))
	defer C.free(unsafe.Pointer(dst))
	return b.done(ctx, func(ud unsafe.Pointer, cerr *C.CBoxliteError) uint32 {
		return C.boxlite_copy_out(b.handle, src, dst, (*[0]byte)(C.goOnDone), ud, cerr)
	})
}

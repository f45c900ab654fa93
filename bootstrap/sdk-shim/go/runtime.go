package boxlite

/*
#include <stdlib.h>
#include "boxlite.h"

extern void goOnBox(CBoxHandle*, CBoxliteError*, void*);
extern void goOnDone(CBoxliteError*, void*);
extern void goOnInfo(CBoxInfo*, CBoxliteError*, void*);
extern void goOnList(CBoxInfoList*, CBoxliteError*, void*);
*/
import "C"

import (
	"context"
	"sync"
	"time"
	"unsafe"
)

// BoxliteRestOptions configures a REST-backed runtime created by NewRest.
//
//nolint:revive
type BoxliteRestOptions struct {
	// URL is the REST API base URL (required).
	URL string
	// Credential authenticates requests; nil = unauthenticated.
	Credential Credential
	// PathPrefix is the routing slot substituted into box-scoped URLs.
	PathPrefix string
}

// Runtime manages boxes through a BoxLite REST server.
type Runtime struct {
	handle    *C.CBoxliteRuntime
	drainStop chan struct{}
	drainDone chan struct{}
	closeOnce sync.Once
}

// NewRest creates a runtime that talks to a remote BoxLite REST server.
func NewRest(opts BoxliteRestOptions) (*Runtime, error) {
	var cerr C.CBoxliteError
	cURL := toCString(opts.URL)
	defer C.free(unsafe.Pointer(cURL))
	var o *C.CBoxliteRestOptions
	if C.boxlite_rest_options_new(cURL, &o, &cerr) != C.Ok {
		return nil, freeError(&cerr)
	}
	defer C.boxlite_rest_options_free(o)
	if opts.Credential != nil {
		key := toCString(opts.Credential.GetToken().Token)
		defer C.free(unsafe.Pointer(key))
		var cred *C.CBoxliteCredential
		if C.boxlite_api_key_credential_new(key, &cred, &cerr) != C.Ok {
			return nil, freeError(&cerr)
		}
		defer C.boxlite_credential_free(cred)
		C.boxlite_rest_options_set_credential(o, cred)
	}
	if opts.PathPrefix != "" {
		p := toCString(opts.PathPrefix)
		defer C.free(unsafe.Pointer(p))
		C.boxlite_rest_options_set_path_prefix(o, p)
	}
	r := &Runtime{drainStop: make(chan struct{}), drainDone: make(chan struct{})}
	if C.boxlite_rest_runtime_new_with_options(o, &r.handle, &cerr) != C.Ok {
		return nil, freeError(&cerr)
	}
	go r.drainLoop()
	return r, nil
}

// drainLoop runs the C API's queued callbacks; without it no async call ever completes.
func (r *Runtime) drainLoop() {
	defer close(r.drainDone)
	for {
		select {
		case <-r.drainStop:
			return
		default:
		}
		var cerr C.CBoxliteError
		C.boxlite_runtime_drain(r.handle, 100, &cerr)
		C.boxlite_error_free(&cerr)
	}
}

// Close stops the drain loop and releases the runtime.
func (r *Runtime) Close() error {
	r.closeOnce.Do(func() {
		close(r.drainStop)
		<-r.drainDone
		C.boxlite_runtime_free(r.handle)
		r.handle = nil
	})
	return nil
}

// Create creates a box from image.
func (r *Runtime) Create(ctx context.Context, image string, opts ...BoxOption) (*Box, error) {
	cfg := &boxConfig{}
	for _, o := range opts {
		o(cfg)
	}
	cOpts, err := buildCOptions(image, cfg)
	if err != nil {
		return nil, err
	}
	res := r.call(ctx, func(ud unsafe.Pointer, cerr *C.CBoxliteError) uint32 {
		code := C.boxlite_create_box(r.handle, cOpts, (*[0]byte)(C.goOnBox), ud, cerr)
		if code != C.Ok {
			C.boxlite_options_free(cOpts) // consumed only when accepted
		}
		return code
	})
	if res.err != nil {
		return nil, res.err
	}
	return r.newBox(res.box, cfg.name), nil
}

// Get returns the box with this id or name.
func (r *Runtime) Get(ctx context.Context, idOrName string) (*Box, error) {
	cID := toCString(idOrName)
	defer C.free(unsafe.Pointer(cID))
	res := r.call(ctx, func(ud unsafe.Pointer, cerr *C.CBoxliteError) uint32 {
		return C.boxlite_get(r.handle, cID, (*[0]byte)(C.goOnBox), ud, cerr)
	})
	if res.err != nil {
		return nil, res.err
	}
	return r.newBox(res.box, ""), nil
}

// GetInfo returns a box's info; nil (and no error) when the server does not know it.
func (r *Runtime) GetInfo(ctx context.Context, idOrName string) (*BoxInfo, error) {
	cID := toCString(idOrName)
	defer C.free(unsafe.Pointer(cID))
	res := r.call(ctx, func(ud unsafe.Pointer, cerr *C.CBoxliteError) uint32 {
		return C.boxlite_get_info(r.handle, cID, (*[0]byte)(C.goOnInfo), ud, cerr)
	})
	return infoResult(res)
}

// ListInfo lists every box the server reports.
func (r *Runtime) ListInfo(ctx context.Context) ([]BoxInfo, error) {
	res := r.call(ctx, func(ud unsafe.Pointer, cerr *C.CBoxliteError) uint32 {
		return C.boxlite_list_info(r.handle, (*[0]byte)(C.goOnList), ud, cerr)
	})
	if res.err != nil {
		return nil, res.err
	}
	defer C.boxlite_free_box_info_list(res.list)
	out := []BoxInfo{}
	if res.list != nil && res.list.count > 0 {
		items := unsafe.Slice(res.list.items, int(res.list.count))
		for i := range items {
			out = append(out, goInfo(&items[i]))
		}
	}
	return out, nil
}

// Remove removes a box by id or name.
func (r *Runtime) Remove(ctx context.Context, idOrName string) error {
	return r.remove(ctx, idOrName, false)
}

// ForceRemove removes a box, stopping it first if it runs.
func (r *Runtime) ForceRemove(ctx context.Context, idOrName string) error {
	return r.remove(ctx, idOrName, true)
}

func (r *Runtime) remove(ctx context.Context, idOrName string, force bool) error {
	cID := toCString(idOrName)
	defer C.free(unsafe.Pointer(cID))
	f := C.int(0)
	if force {
		f = 1
	}
	return r.call(ctx, func(ud unsafe.Pointer, cerr *C.CBoxliteError) uint32 {
		return C.boxlite_remove(r.handle, cID, f, (*[0]byte)(C.goOnDone), ud, cerr)
	}).err
}

func infoResult(res result) (*BoxInfo, error) {
	if res.err != nil || res.info == nil {
		return nil, res.err
	}
	defer C.boxlite_free_box_info(res.info)
	info := goInfo(res.info)
	return &info, nil
}

func goInfo(i *C.CBoxInfo) BoxInfo {
	return BoxInfo{
		ID:        C.GoString(i.id),
		Name:      C.GoString(i.name),
		Image:     C.GoString(i.image),
		State:     State(C.GoString(i.status)),
		Running:   i.running != 0,
		PID:       int(i.pid),
		CPUs:      int(i.cpus),
		MemoryMiB: int(i.memory_mib),
		CreatedAt: time.Unix(int64(i.created_at), 0).UTC(),
	}
}

//! Box options, lifecycle, info and copy: each call spawns the crate's async call on the
//! runtime's tokio pool and posts its completion to the queue drained by the caller.

use std::ffi::{c_char, c_int, c_void};
use std::sync::Arc;

use boxlite::CopyOptions;
use boxlite::{BoxOptions, LiteBox, RootfsSpec};

use crate::ffi::*;
use crate::rest::RuntimeHandle;

pub struct OptionsHandle {
    options: BoxOptions,
    name: Option<String>,
}

pub struct BoxHandle {
    pub(crate) lb: Arc<LiteBox>,
    pub(crate) ctx: Ctx,
}

pub type CBoxCreateBoxCb = extern "C" fn(*mut BoxHandle, *mut FFIError, *mut c_void);
pub type CBoxGetBoxCb = extern "C" fn(*mut BoxHandle, *mut FFIError, *mut c_void);
pub type CBoxDoneCb = extern "C" fn(*mut FFIError, *mut c_void);

fn new_box(ctx: &Ctx, lb: LiteBox) -> *mut BoxHandle {
    Box::into_raw(Box::new(BoxHandle {
        lb: Arc::new(lb),
        ctx: ctx.clone(),
    }))
}

// --- options -----------------------------------------------------------------------------

#[no_mangle]
pub unsafe extern "C" fn boxlite_options_new(
    image: *const c_char,
    out_opts: *mut *mut OptionsHandle,
    out_error: *mut FFIError,
) -> BoxliteErrorCode {
    if out_opts.is_null() {
        return fail(out_error, invalid("out_opts is NULL"));
    }
    match str_arg(image, "image") {
        Err(f) => fail(out_error, f),
        Ok(img) => {
            let options = BoxOptions {
                rootfs: RootfsSpec::Image(img.to_string()),
                ..Default::default()
            };
            *out_opts = Box::into_raw(Box::new(OptionsHandle {
                options,
                name: None,
            }));
            succeed(out_error)
        }
    }
}

#[no_mangle]
pub unsafe extern "C" fn boxlite_options_set_name(opts: *mut OptionsHandle, name: *const c_char) {
    if !opts.is_null() {
        (*opts).name = opt_str(name);
    }
}

#[no_mangle]
pub unsafe extern "C" fn boxlite_options_set_cpus(opts: *mut OptionsHandle, cpus: c_int) {
    if !opts.is_null() && cpus > 0 {
        (*opts).options.cpus = Some(cpus.min(255) as u8);
    }
}

#[no_mangle]
pub unsafe extern "C" fn boxlite_options_set_memory(opts: *mut OptionsHandle, memory_mib: c_int) {
    if !opts.is_null() && memory_mib > 0 {
        (*opts).options.memory_mib = Some(memory_mib as u32);
    }
}

#[no_mangle]
pub unsafe extern "C" fn boxlite_options_set_workdir(
    opts: *mut OptionsHandle,
    workdir: *const c_char,
) {
    if !opts.is_null() {
        (*opts).options.working_dir = opt_str(workdir);
    }
}

#[no_mangle]
pub unsafe extern "C" fn boxlite_options_add_env(
    opts: *mut OptionsHandle,
    key: *const c_char,
    val: *const c_char,
) {
    if opts.is_null() {
        return;
    }
    if let (Some(k), Some(v)) = (opt_str(key), opt_str(val)) {
        (*opts).options.env.push((k, v));
    }
}

/// Upstream's deprecated spelling of auto-delete, kept because upstream's Go SDK still calls it.
#[no_mangle]
#[allow(deprecated)]
pub unsafe extern "C" fn boxlite_options_set_auto_remove(opts: *mut OptionsHandle, val: c_int) {
    if !opts.is_null() {
        (*opts).options.auto_remove = val != 0;
    }
}

#[no_mangle]
pub unsafe extern "C" fn boxlite_options_free(opts: *mut OptionsHandle) {
    if !opts.is_null() {
        drop(Box::from_raw(opts));
    }
}

// --- lifecycle ---------------------------------------------------------------------------

/// Consumes `opts` on success (as upstream); on a synchronous failure the caller still owns it.
#[no_mangle]
pub unsafe extern "C" fn boxlite_create_box(
    runtime: *mut RuntimeHandle,
    opts: *mut OptionsHandle,
    cb: CBoxCreateBoxCb,
    user_data: *mut c_void,
    out_error: *mut FFIError,
) -> BoxliteErrorCode {
    if runtime.is_null() || opts.is_null() {
        return fail(out_error, invalid("runtime and opts must not be NULL"));
    }
    let ctx = (*runtime).ctx.clone();
    let OptionsHandle { options, name } = *Box::from_raw(opts);
    let ud = UserData(user_data);
    let c2 = ctx.clone();
    ctx.tokio.spawn(async move {
        let res = c2.rt.create(options, name).await;
        let queue = c2.queue.clone();
        queue.post(Box::new(move || {
            let ud = ud;
            match res {
                Ok(lb) => cb(new_box(&c2, lb), std::ptr::null_mut(), ud.0),
                Err(e) => with_error(Some(&e.into()), |err| cb(std::ptr::null_mut(), err, ud.0)),
            }
        }));
    });
    succeed(out_error)
}

/// A box the server does not know is reported as NotFound (the core returns None).
#[no_mangle]
pub unsafe extern "C" fn boxlite_get(
    runtime: *mut RuntimeHandle,
    id_or_name: *const c_char,
    cb: CBoxGetBoxCb,
    user_data: *mut c_void,
    out_error: *mut FFIError,
) -> BoxliteErrorCode {
    if runtime.is_null() {
        return fail(out_error, invalid("runtime is NULL"));
    }
    let id = match str_arg(id_or_name, "id_or_name") {
        Ok(s) => s.to_string(),
        Err(f) => return fail(out_error, f),
    };
    let ctx = (*runtime).ctx.clone();
    let ud = UserData(user_data);
    let c2 = ctx.clone();
    ctx.tokio.spawn(async move {
        let res: Result<LiteBox, Failure> = match c2.rt.get(&id).await {
            Ok(Some(lb)) => Ok(lb),
            Ok(None) => Err(Failure {
                code: BoxliteErrorCode::NotFound,
                message: format!("box not found: {id}"),
            }),
            Err(e) => Err(e.into()),
        };
        let queue = c2.queue.clone();
        queue.post(Box::new(move || {
            let ud = ud;
            match res {
                Ok(lb) => cb(new_box(&c2, lb), std::ptr::null_mut(), ud.0),
                Err(f) => with_error(Some(&f), |err| cb(std::ptr::null_mut(), err, ud.0)),
            }
        }));
    });
    succeed(out_error)
}

/// Posts `fut`'s outcome to an error-only completion; a NULL `cb` makes it fire-and-forget.
unsafe fn spawn_done<F>(ctx: &Ctx, cb: Option<CBoxDoneCb>, user_data: *mut c_void, fut: F)
where
    F: std::future::Future<Output = Result<(), Failure>> + Send + 'static,
{
    let ud = UserData(user_data);
    let queue = ctx.queue.clone();
    ctx.tokio.spawn(async move {
        let res = fut.await;
        if let Some(cb) = cb {
            queue.post(Box::new(move || {
                let ud = ud;
                with_error(res.as_ref().err(), |err| cb(err, ud.0))
            }));
        }
    });
}

#[no_mangle]
pub unsafe extern "C" fn boxlite_remove(
    runtime: *mut RuntimeHandle,
    id_or_name: *const c_char,
    force: c_int,
    cb: Option<CBoxDoneCb>,
    user_data: *mut c_void,
    out_error: *mut FFIError,
) -> BoxliteErrorCode {
    if runtime.is_null() {
        return fail(out_error, invalid("runtime is NULL"));
    }
    let id = match str_arg(id_or_name, "id_or_name") {
        Ok(s) => s.to_string(),
        Err(f) => return fail(out_error, f),
    };
    let ctx = (*runtime).ctx.clone();
    let rt = ctx.rt.clone();
    spawn_done(&ctx, cb, user_data, async move {
        rt.remove(&id, force != 0).await.map_err(Failure::from)
    });
    succeed(out_error)
}

#[no_mangle]
pub unsafe extern "C" fn boxlite_stop_box(
    handle: *mut BoxHandle,
    cb: Option<CBoxDoneCb>,
    user_data: *mut c_void,
    out_error: *mut FFIError,
) -> BoxliteErrorCode {
    if handle.is_null() {
        return fail(out_error, invalid("handle is NULL"));
    }
    let lb = (*handle).lb.clone();
    spawn_done(&(*handle).ctx, cb, user_data, async move {
        lb.stop().await.map_err(Failure::from)
    });
    succeed(out_error)
}

#[no_mangle]
pub unsafe extern "C" fn boxlite_start_box(
    handle: *mut BoxHandle,
    cb: Option<CBoxDoneCb>,
    user_data: *mut c_void,
    out_error: *mut FFIError,
) -> BoxliteErrorCode {
    if handle.is_null() {
        return fail(out_error, invalid("handle is NULL"));
    }
    let lb = (*handle).lb.clone();
    spawn_done(&(*handle).ctx, cb, user_data, async move {
        lb.start().await.map_err(Failure::from)
    });
    succeed(out_error)
}

#[no_mangle]
pub unsafe extern "C" fn boxlite_box_id(handle: *mut BoxHandle) -> *mut c_char {
    if handle.is_null() {
        return std::ptr::null_mut();
    }
    cstring((*handle).lb.id().as_str())
}

#[no_mangle]
pub unsafe extern "C" fn boxlite_box_free(handle: *mut BoxHandle) {
    if !handle.is_null() {
        drop(Box::from_raw(handle));
    }
}

// --- copy --------------------------------------------------------------------------------

unsafe fn copy(
    handle: *mut BoxHandle,
    from: *const c_char,
    to: *const c_char,
    into: bool,
    cb: Option<CBoxDoneCb>,
    user_data: *mut c_void,
    out_error: *mut FFIError,
) -> BoxliteErrorCode {
    if handle.is_null() {
        return fail(out_error, invalid("handle is NULL"));
    }
    let (src, dst) = match (
        str_arg(from, "source path"),
        str_arg(to, "destination path"),
    ) {
        (Ok(s), Ok(d)) => (s.to_string(), d.to_string()),
        (Err(f), _) | (_, Err(f)) => return fail(out_error, f),
    };
    let lb = (*handle).lb.clone();
    spawn_done(&(*handle).ctx, cb, user_data, async move {
        let opts = CopyOptions::default();
        let res = if into {
            lb.copy_into(&src, &dst, opts).await
        } else {
            lb.copy_out(&src, &dst, opts).await
        };
        res.map_err(Failure::from)
    });
    succeed(out_error)
}

#[no_mangle]
pub unsafe extern "C" fn boxlite_copy_into(
    handle: *mut BoxHandle,
    host_src: *const c_char,
    guest_dst: *const c_char,
    cb: Option<CBoxDoneCb>,
    user_data: *mut c_void,
    out_error: *mut FFIError,
) -> BoxliteErrorCode {
    copy(handle, host_src, guest_dst, true, cb, user_data, out_error)
}

#[no_mangle]
pub unsafe extern "C" fn boxlite_copy_out(
    handle: *mut BoxHandle,
    guest_src: *const c_char,
    host_dst: *const c_char,
    cb: Option<CBoxDoneCb>,
    user_data: *mut c_void,
    out_error: *mut FFIError,
) -> BoxliteErrorCode {
    copy(handle, guest_src, host_dst, false, cb, user_data, out_error)
}

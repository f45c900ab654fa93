//! Box info: `boxlite_box_info`, `boxlite_get_info`, `boxlite_list_info` and their frees.
//! Info structs are owned by the callback and released with the matching free.

use std::ffi::{c_char, c_int, c_void};

use boxlite::BoxInfo;

use crate::boxes::BoxHandle;
use crate::ffi::*;
use crate::rest::RuntimeHandle;

pub type CBoxInfoCb = extern "C" fn(*mut CBoxInfo, *mut FFIError, *mut c_void);
pub type CBoxInfoListCb = extern "C" fn(*mut CBoxInfoList, *mut FFIError, *mut c_void);

/// `CBoxInfo` minus the network block (always NULL here: the drivers do not read it).
#[repr(C)]
pub struct CBoxInfo {
    pub id: *mut c_char,
    pub name: *mut c_char,
    pub image: *mut c_char,
    pub status: *mut c_char,
    pub running: c_int,
    pub pid: c_int,
    pub cpus: c_int,
    pub memory_mib: c_int,
    pub auto_stop: u32,
    pub auto_delete: u32,
    pub auto_resume: c_int,
    pub created_at: i64,
    pub network: *mut c_void,
}

#[repr(C)]
pub struct CBoxInfoList {
    pub items: *mut CBoxInfo,
    pub count: c_int,
}

fn to_c_info(i: &BoxInfo) -> CBoxInfo {
    CBoxInfo {
        id: cstring(i.id.as_str()),
        name: i
            .name
            .as_deref()
            .map(cstring)
            .unwrap_or(std::ptr::null_mut()),
        image: cstring(&i.image),
        status: cstring(i.status.as_str()),
        running: i.status.is_running() as c_int,
        pid: i.pid.map(|p| p as c_int).unwrap_or(0),
        cpus: i.cpus as c_int,
        memory_mib: i.memory_mib as c_int,
        auto_stop: i.auto_stop,
        auto_delete: i.auto_delete,
        auto_resume: i.auto_resume as c_int,
        created_at: i.created_at.timestamp(),
        network: std::ptr::null_mut(),
    }
}

unsafe fn free_info_fields(i: &mut CBoxInfo) {
    for p in [i.id, i.name, i.image, i.status] {
        boxlite_free_string(p);
    }
}

unsafe fn post_info(
    ctx: &Ctx,
    cb: CBoxInfoCb,
    user_data: *mut c_void,
    res: Result<BoxInfo, Failure>,
) {
    let ud = UserData(user_data);
    ctx.queue.post(Box::new(move || {
        let ud = ud;
        match res {
            // Owned by the callback; released with boxlite_free_box_info.
            Ok(i) => cb(
                Box::into_raw(Box::new(to_c_info(&i))),
                std::ptr::null_mut(),
                ud.0,
            ),
            Err(f) => with_error(Some(&f), |err| cb(std::ptr::null_mut(), err, ud.0)),
        }
    }));
}

#[no_mangle]
pub unsafe extern "C" fn boxlite_box_info(
    handle: *mut BoxHandle,
    cb: CBoxInfoCb,
    user_data: *mut c_void,
    out_error: *mut FFIError,
) -> BoxliteErrorCode {
    if handle.is_null() {
        return fail(out_error, invalid("handle is NULL"));
    }
    let (lb, ctx) = ((*handle).lb.clone(), (*handle).ctx.clone());
    let ud = UserData(user_data);
    (*handle).ctx.tokio.spawn(async move {
        let res = lb.info().await.map_err(Failure::from);
        let ud = ud;
        post_info(&ctx, cb, ud.0, res);
    });
    succeed(out_error)
}

#[no_mangle]
pub unsafe extern "C" fn boxlite_get_info(
    runtime: *mut RuntimeHandle,
    id_or_name: *const c_char,
    cb: CBoxInfoCb,
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
    (*runtime).ctx.tokio.spawn(async move {
        // No such box is NotFound, as boxlite-c answers (sdks/c/src/info.rs box_info_by_id).
        let res = match ctx.rt.get_info(&id).await {
            Ok(Some(i)) => Ok(i),
            Ok(None) => Err(Failure {
                code: BoxliteErrorCode::NotFound,
                message: format!("Box not found: {id}"),
            }),
            Err(e) => Err(e.into()),
        };
        let ud = ud;
        post_info(&ctx, cb, ud.0, res);
    });
    succeed(out_error)
}

#[no_mangle]
pub unsafe extern "C" fn boxlite_list_info(
    runtime: *mut RuntimeHandle,
    cb: CBoxInfoListCb,
    user_data: *mut c_void,
    out_error: *mut FFIError,
) -> BoxliteErrorCode {
    if runtime.is_null() {
        return fail(out_error, invalid("runtime is NULL"));
    }
    let ctx = (*runtime).ctx.clone();
    let ud = UserData(user_data);
    (*runtime).ctx.tokio.spawn(async move {
        let res = ctx.rt.list_info().await.map_err(Failure::from);
        ctx.queue.post(Box::new(move || {
            let ud = ud;
            match res {
                Ok(list) => {
                    let mut items: Vec<CBoxInfo> = list.iter().map(to_c_info).collect();
                    items.shrink_to_fit();
                    let count = items.len() as c_int;
                    let items = Box::into_raw(items.into_boxed_slice()) as *mut CBoxInfo;
                    cb(
                        Box::into_raw(Box::new(CBoxInfoList { items, count })),
                        std::ptr::null_mut(),
                        ud.0,
                    )
                }
                Err(f) => with_error(Some(&f), |err| cb(std::ptr::null_mut(), err, ud.0)),
            }
        }));
    });
    succeed(out_error)
}

#[no_mangle]
pub unsafe extern "C" fn boxlite_free_box_info(info: *mut CBoxInfo) {
    if !info.is_null() {
        let mut b = Box::from_raw(info);
        free_info_fields(&mut b);
    }
}

#[no_mangle]
pub unsafe extern "C" fn boxlite_free_box_info_list(list: *mut CBoxInfoList) {
    if list.is_null() {
        return;
    }
    let l = Box::from_raw(list);
    if !l.items.is_null() {
        let mut items = Box::from_raw(std::ptr::slice_from_raw_parts_mut(
            l.items,
            l.count as usize,
        ));
        for i in items.iter_mut() {
            free_info_fields(i);
        }
    }
}

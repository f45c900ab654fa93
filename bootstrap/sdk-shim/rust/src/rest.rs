//! Credentials, REST options and the REST runtime (`BoxliteRuntime::rest`).

use std::ffi::c_char;
use std::sync::Arc;

use boxlite::{ApiKeyCredential, BoxliteRestOptions, BoxliteRuntime, Credential};

use crate::ffi::*;

pub struct CredentialHandle {
    inner: Arc<dyn Credential>,
}

pub struct RestOptionsHandle {
    inner: BoxliteRestOptions,
}

pub struct RuntimeHandle {
    pub ctx: Ctx,
}

#[no_mangle]
pub unsafe extern "C" fn boxlite_api_key_credential_new(
    key: *const c_char,
    out_credential: *mut *mut CredentialHandle,
    out_error: *mut FFIError,
) -> BoxliteErrorCode {
    if out_credential.is_null() {
        return fail(out_error, invalid("out_credential is NULL"));
    }
    match str_arg(key, "key") {
        Err(f) => fail(out_error, f),
        Ok(k) => {
            let inner: Arc<dyn Credential> = Arc::new(ApiKeyCredential::new(k.to_string()));
            *out_credential = Box::into_raw(Box::new(CredentialHandle { inner }));
            succeed(out_error)
        }
    }
}

#[no_mangle]
pub unsafe extern "C" fn boxlite_credential_free(credential: *mut CredentialHandle) {
    if !credential.is_null() {
        drop(Box::from_raw(credential));
    }
}

#[no_mangle]
pub unsafe extern "C" fn boxlite_rest_options_new(
    url: *const c_char,
    out_options: *mut *mut RestOptionsHandle,
    out_error: *mut FFIError,
) -> BoxliteErrorCode {
    if out_options.is_null() {
        return fail(out_error, invalid("out_options is NULL"));
    }
    match str_arg(url, "url") {
        Err(f) => fail(out_error, f),
        Ok(u) => {
            let inner = BoxliteRestOptions::new(u);
            *out_options = Box::into_raw(Box::new(RestOptionsHandle { inner }));
            succeed(out_error)
        }
    }
}

#[no_mangle]
pub unsafe extern "C" fn boxlite_rest_options_set_credential(
    options: *mut RestOptionsHandle,
    credential: *const CredentialHandle,
) {
    if options.is_null() || credential.is_null() {
        return;
    }
    (*options).inner.credential = Some((*credential).inner.clone());
}

#[no_mangle]
pub unsafe extern "C" fn boxlite_rest_options_set_path_prefix(
    options: *mut RestOptionsHandle,
    path_prefix: *const c_char,
) {
    if options.is_null() {
        return;
    }
    if let Some(p) = opt_str(path_prefix) {
        (*options).inner.path_prefix = Some(p);
    }
}

#[no_mangle]
pub unsafe extern "C" fn boxlite_rest_options_free(options: *mut RestOptionsHandle) {
    if !options.is_null() {
        drop(Box::from_raw(options));
    }
}

#[no_mangle]
pub unsafe extern "C" fn boxlite_rest_runtime_new_with_options(
    options: *const RestOptionsHandle,
    out_runtime: *mut *mut RuntimeHandle,
    out_error: *mut FFIError,
) -> BoxliteErrorCode {
    if options.is_null() || out_runtime.is_null() {
        return fail(
            out_error,
            invalid("options and out_runtime must not be NULL"),
        );
    }
    let tokio = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(t) => Arc::new(t),
        Err(e) => {
            return fail(
                out_error,
                Failure {
                    code: BoxliteErrorCode::Internal,
                    message: format!("tokio runtime: {e}"),
                },
            )
        }
    };
    // The REST client builds its HTTP stack inside a runtime context.
    let made = {
        let _guard = tokio.enter();
        BoxliteRuntime::rest((*options).inner.clone())
    };
    match made {
        Err(e) => fail(out_error, e.into()),
        Ok(rt) => {
            let ctx = Ctx {
                rt: Arc::new(rt),
                tokio,
                queue: Arc::new(Queue::default()),
            };
            *out_runtime = Box::into_raw(Box::new(RuntimeHandle { ctx }));
            succeed(out_error)
        }
    }
}

#[no_mangle]
pub unsafe extern "C" fn boxlite_runtime_free(runtime: *mut RuntimeHandle) {
    if runtime.is_null() {
        return;
    }
    let handle = Box::from_raw(runtime);
    // Dropping a tokio runtime from inside another would panic; the caller's thread is plain C.
    if let Ok(rt) = Arc::try_unwrap(handle.ctx.tokio) {
        rt.shutdown_background();
    }
}

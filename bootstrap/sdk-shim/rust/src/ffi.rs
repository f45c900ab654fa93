//! Error codes, the error struct, owned strings and the per-runtime event queue.

use std::collections::VecDeque;
use std::ffi::{c_char, c_int, c_void, CStr, CString};
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};

use boxlite::BoxliteError;

/// `BoxliteErrorCode` — numeric values as upstream's header.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[allow(dead_code)]
pub enum BoxliteErrorCode {
    Ok = 0,
    Internal = 1,
    NotFound = 2,
    AlreadyExists = 3,
    InvalidState = 4,
    InvalidArgument = 5,
    Config = 6,
    Storage = 7,
    Image = 8,
    Network = 9,
    Execution = 10,
    Stopped = 11,
    Engine = 12,
    Unsupported = 13,
    Database = 14,
    Portal = 15,
    Rpc = 16,
    RpcTransport = 17,
    Metadata = 18,
    UnsupportedEngine = 19,
    ResourceExhausted = 20,
    SessionReaped = 21,
}

/// `FFIError` / `CBoxliteError`: a code and a heap message the caller frees with `boxlite_error_free`.
#[repr(C)]
pub struct FFIError {
    pub code: BoxliteErrorCode,
    pub message: *mut c_char,
}

pub fn code_of(e: &BoxliteError) -> BoxliteErrorCode {
    use BoxliteError as E;
    use BoxliteErrorCode as C;
    match e {
        E::UnsupportedEngine => C::UnsupportedEngine,
        E::Engine(_) => C::Engine,
        E::Config(_) => C::Config,
        E::Storage(_) => C::Storage,
        E::Image(_) => C::Image,
        E::Portal(_) => C::Portal,
        E::Network(_) => C::Network,
        E::Rpc(_) => C::Rpc,
        E::RpcTransport(_) => C::RpcTransport,
        E::Internal(_) => C::Internal,
        E::Execution(_) => C::Execution,
        E::Unsupported(_) => C::Unsupported,
        E::NotFound(_) => C::NotFound,
        E::AlreadyExists(_) => C::AlreadyExists,
        E::InvalidState(_) => C::InvalidState,
        E::Database(_) => C::Database,
        E::MetadataError(_) => C::Metadata,
        E::InvalidArgument(_) => C::InvalidArgument,
        E::Stopped(_) => C::Stopped,
        E::ResourceExhausted(_) => C::ResourceExhausted,
        E::SessionReaped(_) => C::SessionReaped,
        #[allow(unreachable_patterns)]
        _ => C::Internal,
    }
}

/// A failure as code + text, kept until it is written out or handed to a callback.
#[derive(Clone, Debug)]
pub struct Failure {
    pub code: BoxliteErrorCode,
    pub message: String,
}

impl From<BoxliteError> for Failure {
    fn from(e: BoxliteError) -> Self {
        Failure {
            code: code_of(&e),
            message: e.to_string(),
        }
    }
}

pub fn invalid(msg: &str) -> Failure {
    Failure {
        code: BoxliteErrorCode::InvalidArgument,
        message: msg.to_string(),
    }
}

pub fn cstring(s: &str) -> *mut c_char {
    CString::new(s.replace('\0', "\u{FFFD}"))
        .map(CString::into_raw)
        .unwrap_or(std::ptr::null_mut())
}

/// Writes `f` into the caller's out-error (if any) and returns its code.
pub fn fail(out: *mut FFIError, f: Failure) -> BoxliteErrorCode {
    if !out.is_null() {
        unsafe {
            (*out).code = f.code;
            (*out).message = cstring(&f.message);
        }
    }
    f.code
}

pub fn succeed(out: *mut FFIError) -> BoxliteErrorCode {
    if !out.is_null() {
        unsafe {
            (*out).code = BoxliteErrorCode::Ok;
            (*out).message = std::ptr::null_mut();
        }
    }
    BoxliteErrorCode::Ok
}

/// Runs `cb` with a borrowed error built from `f` (null on success), then frees it.
pub fn with_error<R>(f: Option<&Failure>, cb: impl FnOnce(*mut FFIError) -> R) -> R {
    match f {
        None => cb(std::ptr::null_mut()),
        Some(f) => {
            let mut e = FFIError {
                code: f.code,
                message: cstring(&f.message),
            };
            let r = cb(&mut e);
            unsafe { boxlite_error_free(&mut e) };
            r
        }
    }
}

/// A borrowed C string as UTF-8, or the failure the caller reports.
pub unsafe fn str_arg<'a>(p: *const c_char, what: &str) -> Result<&'a str, Failure> {
    if p.is_null() {
        return Err(invalid(&format!("{what} is NULL")));
    }
    CStr::from_ptr(p)
        .to_str()
        .map_err(|_| invalid(&format!("{what} is not valid UTF-8")))
}

pub unsafe fn opt_str(p: *const c_char) -> Option<String> {
    if p.is_null() {
        return None;
    }
    CStr::from_ptr(p).to_str().ok().map(str::to_string)
}

/// Caller-owned pointers travel to the drain thread untouched; the caller's contract keeps them valid.
#[derive(Clone, Copy)]
pub struct UserData(pub *mut c_void);
unsafe impl Send for UserData {}

pub type Event = Box<dyn FnOnce() + Send>;

/// Completions are posted here by tokio tasks and run on whichever thread calls drain.
#[derive(Default)]
pub struct Queue {
    events: Mutex<VecDeque<Event>>,
    ready: Condvar,
}

impl Queue {
    pub fn post(&self, ev: Event) {
        self.events.lock().unwrap().push_back(ev);
        self.ready.notify_all();
    }

    /// Takes every queued event, waiting up to `timeout` (None = forever) for the first.
    fn take(&self, timeout: Option<Duration>) -> Vec<Event> {
        let deadline = timeout.map(|t| Instant::now() + t);
        let mut q = self.events.lock().unwrap();
        while q.is_empty() {
            match deadline {
                None => q = self.ready.wait(q).unwrap(),
                Some(d) => {
                    let now = Instant::now();
                    if now >= d {
                        return Vec::new();
                    }
                    q = self.ready.wait_timeout(q, d - now).unwrap().0;
                }
            }
        }
        q.drain(..).collect()
    }
}

/// What every handle shares with its runtime: the client, the tokio runtime and the queue.
#[derive(Clone)]
pub struct Ctx {
    pub rt: Arc<boxlite::BoxliteRuntime>,
    pub tokio: Arc<tokio::runtime::Runtime>,
    pub queue: Arc<Queue>,
}

#[no_mangle]
pub unsafe extern "C" fn boxlite_error_free(error: *mut FFIError) {
    if error.is_null() {
        return;
    }
    if !(*error).message.is_null() {
        drop(CString::from_raw((*error).message));
    }
    (*error).message = std::ptr::null_mut();
    (*error).code = BoxliteErrorCode::Ok;
}

#[no_mangle]
pub unsafe extern "C" fn boxlite_free_string(s: *mut c_char) {
    if !s.is_null() {
        drop(CString::from_raw(s));
    }
}

#[no_mangle]
pub extern "C" fn boxlite_version() -> *const c_char {
    // The crate this shim wraps, so a driver can print what it runs against.
    static V: std::sync::OnceLock<CString> = std::sync::OnceLock::new();
    V.get_or_init(|| CString::new(boxlite::VERSION).unwrap_or_default())
        .as_ptr()
}

/// Dispatches queued callbacks on the calling thread; the queue lock is not held while they run.
#[no_mangle]
pub unsafe extern "C" fn boxlite_runtime_drain(
    runtime: *mut crate::RuntimeHandle,
    timeout_ms: c_int,
    out_error: *mut FFIError,
) -> c_int {
    if runtime.is_null() {
        fail(out_error, invalid("runtime is NULL"));
        return -1;
    }
    let queue = (*runtime).ctx.queue.clone();
    let timeout = match timeout_ms {
        t if t < 0 => None,
        t => Some(Duration::from_millis(t as u64)),
    };
    let events = queue.take(timeout);
    let n = events.len();
    for ev in events {
        ev();
    }
    succeed(out_error);
    n as c_int
}

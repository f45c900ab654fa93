//! `boxlite_box_exec` and the execution handle. Stream callbacks are fed by pump tasks
//! started when they are registered; wait/exit completions are posted only after the
//! registered pumps finished, so a caller sees every output chunk before the exit code.

use std::ffi::{c_char, c_int, c_void};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use boxlite::{BoxCommand, ExecStdin, Execution};
use futures::StreamExt;
use tokio::task::JoinHandle;

use crate::boxes::BoxHandle;
use crate::ffi::*;

#[repr(C)]
pub struct BoxliteCommand {
    pub command: *const c_char,
    pub args: *const *const c_char,
    pub argc: c_int,
    pub env_pairs: *const *const c_char,
    pub env_count: c_int,
    pub workdir: *const c_char,
    pub user: *const c_char,
    pub timeout_secs: f64,
    pub tty: c_int,
}

pub type CBoxStdoutCb = extern "C" fn(*const u8, usize, *mut c_void);
pub type CBoxExitCb = extern "C" fn(c_int, *mut c_void);
pub type CExecutionWaitCb = extern "C" fn(c_int, *mut FFIError, *mut c_void);
pub type CExecutionKillCb = extern "C" fn(*mut FFIError, *mut c_void);

pub struct ExecutionHandle {
    execution: Execution,
    stdin: Mutex<Option<ExecStdin>>,
    pumps: Arc<Mutex<Vec<JoinHandle<()>>>>,
    ctx: Ctx,
}

/// A pump that outlives its process (a stream the server never closes) must not hold the exit forever.
const PUMP_GRACE: Duration = Duration::from_secs(10);

unsafe fn strings(p: *const *const c_char, n: c_int, what: &str) -> Result<Vec<String>, Failure> {
    if n <= 0 {
        return Ok(Vec::new());
    }
    if p.is_null() {
        return Err(invalid(&format!("{what} is NULL with a positive count")));
    }
    (0..n as usize)
        .map(|i| str_arg(*p.add(i), what).map(str::to_string))
        .collect()
}

unsafe fn to_box_command(c: &BoxliteCommand) -> Result<BoxCommand, Failure> {
    let mut cmd =
        BoxCommand::new(str_arg(c.command, "command")?).args(strings(c.args, c.argc, "args")?);
    let env = strings(c.env_pairs, c.env_count, "env_pairs")?;
    for pair in env.chunks_exact(2) {
        cmd = cmd.env(pair[0].clone(), pair[1].clone());
    }
    if let Some(dir) = opt_str(c.workdir) {
        cmd = cmd.working_dir(dir);
    }
    if let Some(user) = opt_str(c.user) {
        cmd = cmd.user(user);
    }
    if c.timeout_secs > 0.0 {
        cmd = cmd.timeout_seconds(c.timeout_secs).map_err(Failure::from)?;
    }
    Ok(cmd.tty(c.tty != 0))
}

/// Synchronous: returns once the server accepted (or refused) the command.
#[no_mangle]
pub unsafe extern "C" fn boxlite_box_exec(
    handle: *mut BoxHandle,
    cmd: *const BoxliteCommand,
    out_execution: *mut *mut ExecutionHandle,
    out_error: *mut FFIError,
) -> BoxliteErrorCode {
    if handle.is_null() || cmd.is_null() || out_execution.is_null() {
        return fail(
            out_error,
            invalid("handle, cmd and out_execution must not be NULL"),
        );
    }
    let command = match to_box_command(&*cmd) {
        Ok(c) => c,
        Err(f) => return fail(out_error, f),
    };
    let (lb, ctx) = ((*handle).lb.clone(), (*handle).ctx.clone());
    match ctx.tokio.block_on(async move { lb.exec(command).await }) {
        Err(e) => fail(out_error, e.into()),
        Ok(mut execution) => {
            let stdin = Mutex::new(execution.stdin());
            let pumps = Arc::new(Mutex::new(Vec::new()));
            *out_execution = Box::into_raw(Box::new(ExecutionHandle {
                execution,
                stdin,
                pumps,
                ctx,
            }));
            succeed(out_error)
        }
    }
}

/// Starts a pump posting every chunk of `stream` to `cb`.
unsafe fn pump<S>(
    h: &ExecutionHandle,
    stream: Option<S>,
    cb: CBoxStdoutCb,
    user_data: *mut c_void,
) -> Result<(), Failure>
where
    S: futures::Stream<Item = String> + Send + Unpin + 'static,
{
    let mut stream = stream.ok_or(Failure {
        code: BoxliteErrorCode::InvalidState,
        message: "stream already taken (callback registered twice)".into(),
    })?;
    let ud = UserData(user_data);
    let queue = h.ctx.queue.clone();
    let task = h.ctx.tokio.spawn(async move {
        while let Some(chunk) = stream.next().await {
            queue.post(Box::new(move || {
                let ud = ud;
                cb(chunk.as_ptr(), chunk.len(), ud.0)
            }));
        }
    });
    h.pumps.lock().unwrap().push(task);
    Ok(())
}

#[no_mangle]
pub unsafe extern "C" fn boxlite_execution_on_stdout(
    execution: *mut ExecutionHandle,
    cb: CBoxStdoutCb,
    user_data: *mut c_void,
    out_error: *mut FFIError,
) -> BoxliteErrorCode {
    if execution.is_null() {
        return fail(out_error, invalid("execution is NULL"));
    }
    let stream = (*execution).execution.stdout();
    match pump(&*execution, stream, cb, user_data) {
        Ok(()) => succeed(out_error),
        Err(f) => fail(out_error, f),
    }
}

#[no_mangle]
pub unsafe extern "C" fn boxlite_execution_on_stderr(
    execution: *mut ExecutionHandle,
    cb: CBoxStdoutCb,
    user_data: *mut c_void,
    out_error: *mut FFIError,
) -> BoxliteErrorCode {
    if execution.is_null() {
        return fail(out_error, invalid("execution is NULL"));
    }
    let stream = (*execution).execution.stderr();
    match pump(&*execution, stream, cb, user_data) {
        Ok(()) => succeed(out_error),
        Err(f) => fail(out_error, f),
    }
}

/// Waits for the process, then for the pumps registered so far, then posts `done`.
unsafe fn after_exit(
    h: &ExecutionHandle,
    done: impl FnOnce(Result<i32, Failure>) -> Event + Send + 'static,
) {
    let execution = h.execution.clone();
    let pumps: Vec<JoinHandle<()>> = std::mem::take(&mut *h.pumps.lock().unwrap());
    let queue = h.ctx.queue.clone();
    h.ctx.tokio.spawn(async move {
        let res = execution.wait().await;
        for p in pumps {
            let _ = tokio::time::timeout(PUMP_GRACE, p).await;
        }
        let res = match res {
            Ok(r) => match r.error_message {
                // The server could not run the command at all: that is the wait's error.
                Some(msg) if r.exit_code < 0 => Err(Failure {
                    code: BoxliteErrorCode::Execution,
                    message: msg,
                }),
                _ => Ok(r.exit_code),
            },
            Err(e) => Err(e.into()),
        };
        queue.post(done(res));
    });
}

#[no_mangle]
pub unsafe extern "C" fn boxlite_execution_on_exit(
    execution: *mut ExecutionHandle,
    cb: CBoxExitCb,
    user_data: *mut c_void,
    out_error: *mut FFIError,
) -> BoxliteErrorCode {
    if execution.is_null() {
        return fail(out_error, invalid("execution is NULL"));
    }
    let ud = UserData(user_data);
    after_exit(&*execution, move |res| {
        Box::new(move || {
            let ud = ud;
            cb(res.unwrap_or(-1), ud.0)
        })
    });
    succeed(out_error)
}

#[no_mangle]
pub unsafe extern "C" fn boxlite_execution_wait(
    execution: *mut ExecutionHandle,
    cb: CExecutionWaitCb,
    user_data: *mut c_void,
    out_error: *mut FFIError,
) -> BoxliteErrorCode {
    if execution.is_null() {
        return fail(out_error, invalid("execution is NULL"));
    }
    let ud = UserData(user_data);
    after_exit(&*execution, move |res| {
        Box::new(move || {
            let ud = ud;
            match res {
                Ok(code) => cb(code, std::ptr::null_mut(), ud.0),
                Err(f) => with_error(Some(&f), |err| cb(-1, err, ud.0)),
            }
        })
    });
    succeed(out_error)
}

#[no_mangle]
pub unsafe extern "C" fn boxlite_execution_stdin_write(
    execution: *mut ExecutionHandle,
    data: *const u8,
    len: usize,
    out_error: *mut FFIError,
) -> BoxliteErrorCode {
    if execution.is_null() || (data.is_null() && len > 0) {
        return fail(out_error, invalid("execution and data must not be NULL"));
    }
    let bytes = if len == 0 {
        Vec::new()
    } else {
        std::slice::from_raw_parts(data, len).to_vec()
    };
    let h = &*execution;
    let mut guard = h.stdin.lock().unwrap();
    let Some(stdin) = guard.as_mut() else {
        return fail(
            out_error,
            Failure {
                code: BoxliteErrorCode::InvalidState,
                message: "stdin is closed".into(),
            },
        );
    };
    match h.ctx.tokio.block_on(stdin.write_all(&bytes)) {
        Ok(()) => succeed(out_error),
        Err(e) => fail(out_error, e.into()),
    }
}

#[no_mangle]
pub unsafe extern "C" fn boxlite_execution_stdin_close(
    execution: *mut ExecutionHandle,
    out_error: *mut FFIError,
) -> BoxliteErrorCode {
    if execution.is_null() {
        return fail(out_error, invalid("execution is NULL"));
    }
    if let Some(mut stdin) = (*execution).stdin.lock().unwrap().take() {
        stdin.close();
    }
    succeed(out_error)
}

#[no_mangle]
pub unsafe extern "C" fn boxlite_execution_kill(
    execution: *mut ExecutionHandle,
    cb: Option<CExecutionKillCb>,
    user_data: *mut c_void,
    out_error: *mut FFIError,
) -> BoxliteErrorCode {
    if execution.is_null() {
        return fail(out_error, invalid("execution is NULL"));
    }
    let h = &*execution;
    let (exe, queue, ud) = (
        h.execution.clone(),
        h.ctx.queue.clone(),
        UserData(user_data),
    );
    h.ctx.tokio.spawn(async move {
        let res = exe.kill().await.map_err(Failure::from);
        if let Some(cb) = cb {
            queue.post(Box::new(move || {
                let ud = ud;
                with_error(res.as_ref().err(), |err| cb(err, ud.0))
            }));
        }
    });
    succeed(out_error)
}

#[no_mangle]
pub unsafe extern "C" fn boxlite_execution_free(execution: *mut ExecutionHandle) {
    if !execution.is_null() {
        drop(Box::from_raw(execution));
    }
}

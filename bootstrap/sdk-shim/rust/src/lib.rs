//! A thin C ABI over the `boxlite` crate's REST client, exporting the subset of upstream's
//! cbindgen `boxlite.h` that the e2e C and Go drivers call — same names, same signatures, same
//! post-and-drain callback model (callbacks run only inside `boxlite_runtime_drain`). Only the
//! FFI glue lives here: every request is made by `BoxliteRuntime::rest` and its `LiteBox` /
//! `Execution` handles.

mod boxes;
mod exec;
mod ffi;
mod info;
mod rest;

pub use boxes::*;
pub use exec::*;
pub use ffi::*;
pub use info::*;
pub use rest::*;

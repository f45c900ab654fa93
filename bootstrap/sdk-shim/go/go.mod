// The Go SDK's API (upstream sdks/go, module github.com/boxlite-ai/boxlite/sdks/go) for what the
// e2e Go driver uses, over cgo and the C ABI shim in ../rust. A checkout's real sdks/go
// replaces this module when one is configured.
module github.com/boxlite-ai/boxlite/sdks/go

go 1.22

// The Go SDK driver. The SDK module is resolved at build time (bootstrap/sdk-shim writes a
// modfile replacing it with the shim package, or with a BoxLite checkout's sdks/go).
module boxlite-e2e/drivers/go

go 1.22

require github.com/boxlite-ai/boxlite/sdks/go v0.0.0-00010101000000-000000000000

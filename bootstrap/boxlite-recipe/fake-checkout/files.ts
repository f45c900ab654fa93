/**
 * The files of a BoxLite-shaped fake checkout: upstream's layout and entry points
 * (docs/stack-bootstrap.md §2–3), with components small enough to build in seconds offline:
 *   rust-toolchain.toml, Cargo.toml (workspace), Makefile with `dist:c`
 *   sdks/c        crate `boxlite-c`, a dependency-free staticlib `libboxlite.a` + header
 *   sdks/go       Go SDK module linking `libboxlite.a` through cgo (as upstream's bridge does)
 *   apps/runner   Go module with cmd/runner: reads the real runner's env (config.go names),
 *                 serves through the sim runner, registers with `POST /runners/healthcheck`
 *   apps/api      NestJS-shaped entry `api/src/main.ts` started by `ts-node` (a local shim
 *                 package, so `yarn install` works offline), delegating to the sim API
 * The components read the same variables as the real API and runner, so the recipe's env
 * file drives both; the only extra inputs are the `BOXLITE_FAKE_*` lines (where this
 * harness's sim is), which real components ignore.
 */
import { readFileSync } from 'node:fs';

const RUNNER_MAIN_GO = `package main

// Fake runner: the real runner's configuration surface (cmd/runner/config/config.go) over
// the harness's sim runner. It links libboxlite.a through the Go SDK (cgo) like the real one.

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"os/signal"
	"strconv"
	"syscall"
	"time"

	boxlite "github.com/boxlite-ai/boxlite/sdks/go"
)

func env(name, fallback string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return fallback
}

func logf(level, msg string, kv ...any) {
	line := time.Now().UTC().Format(time.RFC3339) + " " + level + " " + msg
	for i := 0; i+1 < len(kv); i += 2 {
		line += fmt.Sprintf(" %v=%v", kv[i], kv[i+1])
	}
	fmt.Println(line)
}

func main() {
	apiURL := env("BOXLITE_API_URL", os.Getenv("SERVER_URL"))
	token := env("BOXLITE_RUNNER_TOKEN", os.Getenv("API_TOKEN"))
	if apiURL == "" || token == "" {
		logf("ERR", "BOXLITE_API_URL and BOXLITE_RUNNER_TOKEN are required")
		os.Exit(1)
	}
	port, err := strconv.Atoi(env("API_PORT", "8080"))
	if err != nil {
		logf("ERR", "API_PORT is not a port", "value", os.Getenv("API_PORT"))
		os.Exit(1)
	}
	domain := env("RUNNER_DOMAIN", "127.0.0.1")
	node, simRunner := os.Getenv("BOXLITE_FAKE_NODE"), os.Getenv("BOXLITE_FAKE_SIM_RUNNER")
	if node == "" || simRunner == "" {
		logf("ERR", "fixture runner needs BOXLITE_FAKE_NODE and BOXLITE_FAKE_SIM_RUNNER")
		os.Exit(1)
	}
	logf("INF", "Starting runner", "version", boxlite.Version(), "api_version", env("API_VERSION", "2"), "port", port)

	child := exec.Command(node, simRunner,
		"--host", "127.0.0.1",
		"--port", strconv.Itoa(port),
		"--stack", os.Getenv("BOXLITE_FAKE_STACK_FILE"),
		"--journal", os.Getenv("BOXLITE_FAKE_RUNNER_JOURNAL"),
		"--docker-host", env("BOXLITE_FAKE_DOCKER_HOST", "unix:///var/run/docker.sock"))
	child.Stdout, child.Stderr = os.Stdout, os.Stderr
	child.Env = append(os.Environ(), "NODE_ENV=production")
	if err := child.Start(); err != nil {
		logf("ERR", "cannot start the runtime", "error", err)
		os.Exit(1)
	}
	signals := make(chan os.Signal, 1)
	signal.Notify(signals, syscall.SIGTERM, syscall.SIGINT)
	go func() {
		sig := <-signals
		_ = child.Process.Signal(sig)
	}()
	ctx, cancel := context.WithCancel(context.Background())
	go healthcheckLoop(ctx, apiURL, token, domain, port)
	err = child.Wait()
	cancel()
	if err != nil {
		logf("ERR", "runtime exited", "error", err)
		os.Exit(1)
	}
}

// healthcheckLoop is the v2 registration: pkg/runner/v2/healthcheck posts RunnerHealthcheck
// to POST /runners/healthcheck with the runner token, first at start, then every interval.
func healthcheckLoop(ctx context.Context, apiURL, token, domain string, port int) {
	interval, err := time.ParseDuration(env("HEALTHCHECK_INTERVAL", "30s"))
	if err != nil {
		interval = 30 * time.Second
	}
	local := fmt.Sprintf("http://127.0.0.1:%d/", port)
	for i := 0; i < 300; i++ { // the runtime answers GET / once it is ready
		if res, err := http.Get(local); err == nil {
			res.Body.Close()
			if res.StatusCode == 200 {
				break
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	for {
		body, _ := json.Marshal(map[string]any{
			"version":       boxlite.Version(),
			"domain":        domain,
			"apiUrl":        fmt.Sprintf("http://%s:%d", domain, port),
			"proxyUrl":      fmt.Sprintf("http://%s:%d", domain, port),
			"serviceHealth": []map[string]any{{"serviceName": "boxlite", "healthy": true}},
		})
		req, _ := http.NewRequestWithContext(ctx, "POST", apiURL+"/runners/healthcheck", bytes.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+token)
		req.Header.Set("Content-Type", "application/json")
		if res, err := http.DefaultClient.Do(req); err != nil {
			logf("WRN", "Failed to send healthcheck", "error", err)
		} else {
			res.Body.Close()
			if res.StatusCode >= 300 {
				logf("WRN", "Failed to send healthcheck", "status", res.StatusCode)
			} else {
				logf("INF", "Healthcheck sent successfully", "component", "healthcheck")
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(interval):
		}
	}
}
`;

const GO_SDK_BRIDGE = `package boxlite

// The C SDK is linked statically from the libboxlite.a the build copies next to this file
// (upstream's bootstrap: cp target/release/libboxlite.a sdks/go/).

/*
#cgo CFLAGS: -I\${SRCDIR}/../c/include
#cgo LDFLAGS: \${SRCDIR}/libboxlite.a -ldl -lpthread -lm
#include "boxlite.h"
*/
import "C"

// Version is the C SDK's version string.
func Version() string {
	return C.GoString(C.boxlite_version())
}
`;

/** The fixture API's entry point, kept as a real file (it is an entry point: it reads its env). */
const API_MAIN_TS = readFileSync(new URL('./api/main.ts', import.meta.url), 'utf8');

/** A stand-in for ts-node: same flags; runs the entry file with Node's own type stripping. */
const TS_NODE_BIN = `#!/usr/bin/env node
const { spawn } = require('node:child_process');
const args = process.argv.slice(2);
const withValue = new Set(['--project', '-P', '-r', '--require']);
let entry = null;
for (let i = 0; i < args.length; i++) {
  if (withValue.has(args[i])) i++;
  else if (!args[i].startsWith('-')) { entry = args[i]; break; }
}
if (!entry) { console.error('ts-node (fixture): no entry file'); process.exit(2); }
const child = spawn(process.execPath, [entry], { stdio: 'inherit' });
for (const sig of ['SIGTERM', 'SIGINT']) process.on(sig, () => child.kill(sig));
child.on('exit', (code) => process.exit(code ?? 1));
`;

const MAKEFILE = `# Upstream's make/dist.mk: dist:c builds the C SDK in release mode and stages it.
.PHONY: dist\\:c
dist\\:c:
\tcargo build --release -p boxlite-c
\tmkdir -p sdks/c/dist/lib sdks/c/dist/include
\tcp target/release/libboxlite.a sdks/c/dist/lib/
\tcp sdks/c/include/boxlite.h sdks/c/dist/include/
`;

const json = (v: unknown) => `${JSON.stringify(v, null, 2)}\n`;

/** Relative path → content; `mode` 0o755 marks executables. */
export function fakeCheckoutFiles(goVersion: string): Record<string, { text: string; mode?: number }> {
  const f = (text: string, mode?: number) => (mode ? { text, mode } : { text });
  return {
    '.gitignore': f(
      [
        '/target/',
        '/sdks/go/libboxlite.a',
        '/sdks/c/dist/',
        '/apps/node_modules/',
        '/apps/yarn.lock',
        '/apps/apps',
        '',
      ].join('\n'),
    ),
    'rust-toolchain.toml': f('[toolchain]\nchannel = "stable"\n'),
    'Cargo.toml': f('[workspace]\nresolver = "2"\nmembers = ["sdks/c"]\n'),
    'Cargo.lock': f(
      '# This file is automatically @generated by Cargo.\n# It is not intended for manual editing.\nversion = 4\n\n[[package]]\nname = "boxlite-c"\nversion = "0.1.0"\n',
    ),
    Makefile: f(MAKEFILE),
    'sdks/c/Cargo.toml': f(
      '[package]\nname = "boxlite-c"\nversion = "0.1.0"\nedition = "2021"\n\n[lib]\nname = "boxlite"\ncrate-type = ["staticlib"]\npath = "src/lib.rs"\n',
    ),
    'sdks/c/src/lib.rs': f(
      '//! Fake C SDK: one exported function, enough for the Go SDK to link through cgo.\nuse std::os::raw::c_char;\n\n#[no_mangle]\npub extern "C" fn boxlite_version() -> *const c_char {\n    concat!("boxlite-fixture/", env!("CARGO_PKG_VERSION"), "\\0").as_ptr() as *const c_char\n}\n',
    ),
    'sdks/c/include/boxlite.h': f('#pragma once\nconst char *boxlite_version(void);\n'),
    'sdks/go/go.mod': f(`module github.com/boxlite-ai/boxlite/sdks/go\n\ngo ${goVersion}\n`),
    'sdks/go/bridge_cgo.go': f(GO_SDK_BRIDGE),
    'apps/go.work': f(`go ${goVersion}\n\nuse (\n\t./runner\n\t../sdks/go\n)\n`),
    'apps/runner/go.mod': f(
      `module github.com/boxlite-ai/runner\n\ngo ${goVersion}\n\nrequire github.com/boxlite-ai/boxlite/sdks/go v0.0.0\n\nreplace github.com/boxlite-ai/boxlite/sdks/go => ../../sdks/go\n`,
    ),
    'apps/runner/cmd/runner/main.go': f(RUNNER_MAIN_GO),
    'apps/package.json': f(
      json({
        name: 'boxlite-apps',
        private: true,
        devDependencies: {
          'ts-node': 'file:./vendor/ts-node',
          'tsconfig-paths': 'file:./vendor/tsconfig-paths',
        },
      }),
    ),
    'apps/vendor/ts-node/package.json': f(
      json({ name: 'ts-node', version: '10.9.2-fixture', bin: { 'ts-node': 'bin.js' } }),
    ),
    'apps/vendor/ts-node/bin.js': f(TS_NODE_BIN, 0o755),
    'apps/vendor/tsconfig-paths/package.json': f(
      json({ name: 'tsconfig-paths', version: '4.2.0-fixture', main: 'index.js' }),
    ),
    'apps/vendor/tsconfig-paths/index.js': f('module.exports = {};\n'),
    'apps/vendor/tsconfig-paths/register.js': f('// fixture: path mapping is not needed\n'),
    'apps/api/package.json': f(
      json({
        name: 'api',
        private: true,
        scripts: {
          start:
            'cd .. && ts-node --transpile-only --project api/tsconfig.app.json -r tsconfig-paths/register api/src/main.ts',
        },
      }),
    ),
    'apps/api/project.json': f(
      json({
        name: 'api',
        sourceRoot: 'apps/api/src',
        targets: {
          serve: { options: { main: 'apps/api/src/main.ts', tsConfig: 'apps/api/tsconfig.app.json' } },
        },
      }),
    ),
    'apps/api/tsconfig.app.json': f(
      json({ compilerOptions: { module: 'nodenext', target: 'es2022', strict: true } }),
    ),
    'apps/api/src/main.ts': f(API_MAIN_TS),
  };
}

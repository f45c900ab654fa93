/*
 * C SDK driver: runs a list of ops through BoxLite's C API (boxlite.h, REST runtime) and
 * answers one JSON line per op, the protocol drivers/python/driver.py speaks:
 *
 *   stdin:  {"url", "api_key", "path_prefix", "stop_on_error", "ops": [...]}
 *   stdout: {"event":"box_created","id","name"}  as soon as create's callback fires
 *           {"event":"op","index","op","ms","error","error_type","error_code","result"}
 *           {"event":"fatal","error"} | {"event":"done"}
 *
 * Ops: create (image, name, cpus, memory_mib, working_dir, env{}, auto_remove), get, get_info,
 * info, list, exec (command, args[], env{}, cwd, user, tty, timeout_secs, stdin), copy_in
 * (host_path, dest), copy_out (src, host_path), stop, start, remove (force). "box" is "$N",
 * "$last", or a literal id/name; omitted means the last box created.
 *
 * Used as upstream's drivers use the SDK: a drain thread pumps boxlite_runtime_drain, and each
 * async call is awaited on a condition variable its callback signals.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ops.h"
#include "session.h"

int main(void) {
  /* The protocol channel is a private dup of fd 1; fd 1 itself goes to stderr. */
  proto = fdopen(dup(1), "w");
  dup2(2, 1);

  size_t cap = 1 << 16, len = 0;
  char *in = malloc(cap);
  for (size_t n; in && (n = fread(in + len, 1, cap - len - 1, stdin)) > 0;) {
    len += n;
    if (len + 1 == cap && !(in = realloc(in, cap *= 2))) break;
  }
  if (!in) return 1;
  in[len] = '\0';
  char why[128];
  JVal *req = json_parse(in, why, sizeof why);
  free(in);
  JOut o = {0};
  if (!req || req->type != J_OBJ || !json_str(req, "url")) {
    jo_raw(&o, "{\"event\":\"fatal\"");
    jo_key(&o, "error");
    jo_str(&o, req ? "request must be an object with a url" : why);
    jo_raw(&o, "}");
    emit(&o);
    return 1;
  }
  int rc = open_runtime(req, &o);
  if (rc == 0) run_ops(req);
  json_free(req);
  jo_free(&o);
  return rc;
}

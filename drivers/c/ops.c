/* Each op calls the C API as a user would and writes its result into the op's line. */
#include "ops.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "session.h"

static double now_ms(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec * 1000.0 + (double)t.tv_nsec / 1e6;
}

static void info_json(JOut *o, const CBoxInfo *i) {
  jo_raw(o, "{");
  jo_key(o, "id"); jo_str(o, i->id);
  jo_key(o, "name"); jo_str(o, i->name);
  jo_key(o, "image"); jo_str(o, i->image);
  jo_key(o, "status"); jo_str(o, i->status);
  jo_key(o, "running"); jo_raw(o, i->running ? "true" : "false");
  jo_key(o, "pid"); jo_int(o, i->pid);
  jo_key(o, "cpus"); jo_int(o, i->cpus);
  jo_key(o, "memory_mib"); jo_int(o, i->memory_mib);
  jo_key(o, "created_at"); jo_int(o, (long long)i->created_at);
  jo_raw(o, "}");
}

/* A string-array field as a NULL-free argv (pointers into the JSON tree). */
static const char **strings_of(const JVal *arr, int *n) {
  *n = 0;
  if (!arr || arr->type != J_ARR || !arr->len) return NULL;
  const char **out = calloc(arr->len, sizeof *out);
  for (size_t i = 0; i < arr->len; i++)
    if (arr->items[i]->type == J_STR) out[(*n)++] = arr->items[i]->str;
  return out;
}

/* An object of strings as [k0, v0, k1, v1, ...]. */
static const char **pairs_of(const JVal *obj, int *n) {
  *n = 0;
  if (!obj || obj->type != J_OBJ || !obj->len) return NULL;
  const char **out = calloc(obj->len * 2, sizeof *out);
  for (size_t i = 0; i < obj->len; i++)
    if (obj->items[i]->type == J_STR) {
      out[(*n)++] = obj->keys[i];
      out[(*n)++] = obj->items[i]->str;
    }
  return out;
}

static Err op_create(const JVal *op, JOut *r) {
  CBoxliteOptions *opts = NULL;
  CBoxliteError err = {0};
  const char *image = json_str(op, "image");
  if (boxlite_options_new(image ? image : "", &opts, &err) != Ok) {
    Err e = {err.code, strdup(err.message ? err.message : "")};
    boxlite_error_free(&err);
    return e;
  }
  const char *name = json_str(op, "name"), *wd = json_str(op, "working_dir");
  if (name) boxlite_options_set_name(opts, name);
  if (wd) boxlite_options_set_workdir(opts, wd);
  if (json_has_num(op, "cpus")) boxlite_options_set_cpus(opts, (int)json_num(op, "cpus", 0));
  if (json_has_num(op, "memory_mib")) boxlite_options_set_memory(opts, (int)json_num(op, "memory_mib", 0));
  if (json_get(op, "auto_remove")) boxlite_options_set_auto_remove(opts, json_bool(op, "auto_remove", 0));
  const JVal *env = json_get(op, "env");
  for (size_t i = 0; env && env->type == J_OBJ && i < env->len; i++)
    if (env->items[i]->type == J_STR) boxlite_options_add_env(opts, env->keys[i], env->items[i]->str);
  Call c;
  call_init(&c);
  BoxliteErrorCode rc = boxlite_create_box(rt, opts, on_box, &c, &err);
  if (rc != Ok) boxlite_options_free(opts); /* consumed only when the call was accepted */
  if (await_call(&c, rc, &err) != Ok) {
    Err e = err_from(&c);
    call_free(&c);
    return e;
  }
  call_free(&c);
  char *id = boxlite_box_id(c.box);
  JOut ev = {0};
  /* Announced first: if anything below dies, the box is still tracked. */
  jo_raw(&ev, "{\"event\":\"box_created\"");
  jo_key(&ev, "id"); jo_str(&ev, id);
  jo_key(&ev, "name"); jo_str(&ev, name);
  jo_raw(&ev, "}");
  emit(&ev);
  jo_free(&ev);
  if (n_created < MAX_BOXES) created[n_created++] = (Known){strdup(id ? id : ""), name ? strdup(name) : NULL, c.box};
  jo_raw(r, "{");
  jo_key(r, "id"); jo_str(r, id);
  jo_key(r, "name"); jo_str(r, name);
  jo_raw(r, "}");
  boxlite_free_string(id);
  return OK;
}

static Err op_get(const JVal *op, JOut *r) {
  Err e = OK;
  CBoxHandle *box = box_handle(op, &e);
  if (!box) {
    /* A box the server does not know is a null result, as the Python driver reports it. */
    if (e.code == NotFound) { free(e.msg); jo_raw(r, "null"); return OK; }
    return e;
  }
  char *id = boxlite_box_id(box);
  jo_raw(r, "{");
  jo_key(r, "id"); jo_str(r, id);
  jo_raw(r, "}");
  boxlite_free_string(id);
  return OK;
}

static Err info_result(Call *c, JOut *r) {
  if (c->code != Ok) return err_from(c);
  if (c->info) info_json(r, c->info);
  else jo_raw(r, "null");
  boxlite_free_box_info(c->info);
  return OK;
}

static Err op_get_info(const JVal *op, JOut *r) {
  char buf[128];
  Err e = OK;
  const char *ref = box_ref(op, buf, sizeof buf, &e);
  if (!ref) return e;
  Call c;
  call_init(&c);
  CBoxliteError err = {0};
  await_call(&c, boxlite_get_info(rt, ref, on_info, &c, &err), &err);
  e = info_result(&c, r);
  call_free(&c);
  return e;
}

static Err op_info(const JVal *op, JOut *r) {
  Err e = OK;
  CBoxHandle *box = box_handle(op, &e);
  if (!box) return e;
  Call c;
  call_init(&c);
  CBoxliteError err = {0};
  await_call(&c, boxlite_box_info(box, on_info, &c, &err), &err);
  e = info_result(&c, r);
  call_free(&c);
  return e;
}

static Err op_list(const JVal *op, JOut *r) {
  (void)op;
  Call c;
  call_init(&c);
  CBoxliteError err = {0};
  if (await_call(&c, boxlite_list_info(rt, on_list, &c, &err), &err) != Ok) {
    Err e = err_from(&c);
    call_free(&c);
    return e;
  }
  jo_raw(r, "[");
  for (int i = 0; c.list && i < c.list->count; i++) {
    if (i) jo_raw(r, ",");
    info_json(r, &c.list->items[i]);
  }
  jo_raw(r, "]");
  boxlite_free_box_info_list(c.list);
  call_free(&c);
  return OK;
}

/* Runs one command; the outcome (streams, exit code or the refusal) is the result either way. */
static Err op_exec(const JVal *op, JOut *r) {
  double t0 = now_ms();
  Err e = OK;
  Bytes out[2] = {{0}, {0}};
  int exit_code = 0, have_exit = 0;
  CBoxHandle *box = box_handle(op, &e);
  int argc = 0, envc = 0;
  const char **argv = strings_of(json_get(op, "args"), &argc);
  const char **envv = pairs_of(json_get(op, "env"), &envc);
  if (box) {
    const char *command = json_str(op, "command");
    BoxliteCommand cmd = {
        .command = command ? command : "",
        .args = argv,
        .argc = argc,
        .env_pairs = envv,
        .env_count = envc,
        .workdir = json_str(op, "cwd"),
        .user = json_str(op, "user"),
        .timeout_secs = json_num(op, "timeout_secs", 0),
        .tty = json_bool(op, "tty", 0),
    };
    CExecutionHandle *ex = NULL;
    CBoxliteError err = {0};
    if (boxlite_box_exec(box, &cmd, &ex, &err) != Ok) {
      e = (Err){err.code, strdup(err.message ? err.message : "")};
      boxlite_error_free(&err);
    } else {
      boxlite_execution_on_stdout(ex, on_stdout, out, &err);
      boxlite_execution_on_stderr(ex, on_stderr, out, &err);
      const char *in = json_str(op, "stdin");
      if (in) {
        boxlite_execution_stdin_write(ex, (const uint8_t *)in, strlen(in), &err);
        boxlite_execution_stdin_close(ex, &err);
        boxlite_error_free(&err);
      }
      Call c;
      call_init(&c);
      if (await_call(&c, boxlite_execution_wait(ex, on_wait, &c, &err), &err) != Ok) e = err_from(&c);
      else { exit_code = c.exit_code; have_exit = 1; }
      call_free(&c);
      boxlite_execution_free(ex);
    }
  }
  free(argv);
  free(envv);
  jo_raw(r, "{");
  jo_key(r, "driver"); jo_str(r, DRIVER);
  jo_key(r, "stdout"); jo_strn(r, out[0].data ? out[0].data : "", out[0].len);
  jo_key(r, "stderr"); jo_strn(r, out[1].data ? out[1].data : "", out[1].len);
  jo_key(r, "exitCode"); have_exit ? jo_int(r, exit_code) : jo_raw(r, "null");
  jo_key(r, "error"); jo_str(r, e.msg);
  jo_key(r, "ms"); jo_num(r, now_ms() - t0);
  jo_raw(r, "}");
  free(out[0].data);
  free(out[1].data);
  return e;
}

/* Error-only async calls on a box: copy in/out, stop, start. */
static Err box_call(const JVal *op, const char *name) {
  Err e = OK;
  CBoxHandle *box = box_handle(op, &e);
  if (!box) return e;
  Call c;
  call_init(&c);
  CBoxliteError err = {0};
  BoxliteErrorCode rc;
  if (!strcmp(name, "copy_in")) {
    const char *src = json_str(op, "host_path"), *dst = json_str(op, "dest");
    if (!src || !dst) { call_free(&c); return usage("copy_in needs host_path and dest"); }
    rc = boxlite_copy_into(box, src, dst, on_done, &c, &err);
  } else if (!strcmp(name, "copy_out")) {
    const char *src = json_str(op, "src"), *dst = json_str(op, "host_path");
    if (!src || !dst) { call_free(&c); return usage("copy_out needs src and host_path"); }
    rc = boxlite_copy_out(box, src, dst, on_done, &c, &err);
  } else if (!strcmp(name, "stop")) {
    rc = boxlite_stop_box(box, on_done, &c, &err);
  } else {
    rc = boxlite_start_box(box, on_done, &c, &err);
  }
  if (await_call(&c, rc, &err) != Ok) e = err_from(&c);
  call_free(&c);
  return e;
}

static Err op_remove(const JVal *op, JOut *r) {
  (void)r;
  char buf[128];
  Err e = OK;
  const char *ref = box_ref(op, buf, sizeof buf, &e);
  if (!ref) return e;
  Call c;
  call_init(&c);
  CBoxliteError err = {0};
  if (await_call(&c, boxlite_remove(rt, ref, json_bool(op, "force", 0), on_done, &c, &err), &err) != Ok)
    e = err_from(&c);
  call_free(&c);
  return e;
}

static Err dispatch(const char *name, const JVal *op, JOut *r) {
  if (!strcmp(name, "create")) return op_create(op, r);
  if (!strcmp(name, "get")) return op_get(op, r);
  if (!strcmp(name, "get_info")) return op_get_info(op, r);
  if (!strcmp(name, "info")) return op_info(op, r);
  if (!strcmp(name, "list")) return op_list(op, r);
  if (!strcmp(name, "exec")) return op_exec(op, r);
  if (!strcmp(name, "remove")) return op_remove(op, r);
  if (!strcmp(name, "copy_in") || !strcmp(name, "copy_out") || !strcmp(name, "stop") || !strcmp(name, "start"))
    return box_call(op, name);
  char msg[96];
  snprintf(msg, sizeof msg, "unknown op '%.60s'", name);
  return usage(msg);
}

static pthread_t drain_tid;

int open_runtime(const JVal *req, JOut *o) {
  CBoxliteError err = {0};
  CBoxliteRestOptions *opts = NULL;
  CBoxliteCredential *cred = NULL;
  const char *key = json_str(req, "api_key"), *prefix = json_str(req, "path_prefix");
  int ok = boxlite_rest_options_new(json_str(req, "url"), &opts, &err) == Ok;
  if (ok && key && *key) {
    ok = boxlite_api_key_credential_new(key, &cred, &err) == Ok;
    if (ok) boxlite_rest_options_set_credential(opts, cred);
  }
  if (ok && prefix && *prefix) boxlite_rest_options_set_path_prefix(opts, prefix);
  if (ok) ok = boxlite_rest_runtime_new_with_options(opts, &rt, &err) == Ok;
  boxlite_rest_options_free(opts);
  boxlite_credential_free(cred);
  if (!ok) {
    jo_raw(o, "{\"event\":\"fatal\"");
    jo_key(o, "error"); jo_str(o, err.message ? err.message : "REST runtime setup failed");
    jo_key(o, "error_type"); jo_str(o, code_name(err.code));
    jo_raw(o, "}");
    emit(o);
    boxlite_error_free(&err);
    return 1;
  }
  pthread_create(&drain_tid, NULL, drain_loop, NULL);
  return 0;
}

void run_ops(const JVal *req) {
  const JVal *ops = json_get(req, "ops");
  int stop_all = json_bool(req, "stop_on_error", 0);
  for (size_t i = 0; ops && ops->type == J_ARR && i < ops->len; i++) {
    const JVal *op = ops->items[i];
    const char *name = json_str(op, "op");
    JOut result = {0}, line = {0};
    double t0 = now_ms();
    Err e = dispatch(name ? name : "", op, &result);
    jo_raw(&line, "{\"event\":\"op\"");
    jo_key(&line, "index"); jo_int(&line, (long long)i);
    jo_key(&line, "op"); jo_str(&line, name);
    jo_key(&line, "ms"); jo_num(&line, now_ms() - t0);
    jo_key(&line, "error"); jo_str(&line, e.code ? (e.msg ? e.msg : "") : NULL);
    jo_key(&line, "error_type"); jo_str(&line, e.code ? code_name(e.code) : NULL);
    jo_key(&line, "error_code"); e.code ? jo_int(&line, e.code) : jo_raw(&line, "null");
    jo_key(&line, "result"); jo_raw(&line, result.len ? result.buf : "null");
    jo_raw(&line, "}");
    emit(&line);
    jo_free(&line);
    jo_free(&result);
    int failed = e.code != 0;
    free(e.msg);
    if (failed && (stop_all || json_bool(op, "stop_on_error", 0))) break;
  }
  for (size_t i = 0; i < n_created; i++) boxlite_box_free(created[i].box);
  for (size_t i = 0; i < n_fetched; i++) boxlite_box_free(fetched[i].box);
  /* Stop draining before the runtime goes away (drain reads it). */
  drain_stop = 1;
  pthread_join(drain_tid, NULL);
  boxlite_runtime_free(rt);
  fprintf(proto, "{\"event\":\"done\"}\n");
  fflush(proto);
}

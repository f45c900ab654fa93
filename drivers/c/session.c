/* One async call awaited on a condition variable, and the boxes a run knows. See session.h. */
#include "session.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void call_init(Call *c) {
  memset(c, 0, sizeof *c);
  pthread_mutex_init(&c->mu, NULL);
  pthread_cond_init(&c->cv, NULL);
}

static void call_finish(Call *c, CBoxliteError *err) {
  if (err && err->code != Ok) {
    c->code = err->code;
    c->msg = strdup(err->message ? err->message : "");
  }
  c->done = 1;
  pthread_cond_signal(&c->cv);
  pthread_mutex_unlock(&c->mu);
}

void on_box(CBoxHandle *box, CBoxliteError *err, void *ud) {
  Call *c = ud;
  pthread_mutex_lock(&c->mu);
  c->box = box;
  call_finish(c, err);
}
void on_done(CBoxliteError *err, void *ud) {
  Call *c = ud;
  pthread_mutex_lock(&c->mu);
  call_finish(c, err);
}
void on_info(CBoxInfo *info, CBoxliteError *err, void *ud) {
  Call *c = ud;
  pthread_mutex_lock(&c->mu);
  c->info = info;
  call_finish(c, err);
}
void on_list(CBoxInfoList *list, CBoxliteError *err, void *ud) {
  Call *c = ud;
  pthread_mutex_lock(&c->mu);
  c->list = list;
  call_finish(c, err);
}
void on_wait(int exit_code, CBoxliteError *err, void *ud) {
  Call *c = ud;
  pthread_mutex_lock(&c->mu);
  c->exit_code = exit_code;
  call_finish(c, err);
}
static void append(Bytes *b, const uint8_t *data, size_t len) {
  char *n = realloc(b->data, b->len + len + 1);
  if (!n) abort();
  memcpy(n + b->len, data, len);
  b->data = n;
  b->len += len;
  b->data[b->len] = '\0';
}
/* Stream chunks arrive on the drain thread, before the wait callback (same thread, in order). */
void on_stdout(const uint8_t *data, size_t len, void *ud) { append(&((Bytes *)ud)[0], data, len); }
void on_stderr(const uint8_t *data, size_t len, void *ud) { append(&((Bytes *)ud)[1], data, len); }

/* A synchronous refusal (rc != Ok) or the callback's outcome. Returns the error code. */
int await_call(Call *c, BoxliteErrorCode rc, CBoxliteError *err) {
  if (rc != Ok) {
    c->code = rc;
    c->msg = strdup(err->message ? err->message : "");
    boxlite_error_free(err);
    return c->code;
  }
  pthread_mutex_lock(&c->mu);
  while (!c->done) pthread_cond_wait(&c->cv, &c->mu);
  pthread_mutex_unlock(&c->mu);
  return c->code;
}

void call_free(Call *c) {
  free(c->msg);
  pthread_mutex_destroy(&c->mu);
  pthread_cond_destroy(&c->cv);
}

/* ---- the session ----------------------------------------------------------------------- */

CBoxliteRuntime *rt;
volatile int drain_stop;
Known created[MAX_BOXES], fetched[MAX_BOXES];
size_t n_created, n_fetched;
FILE *proto;

void *drain_loop(void *arg) {
  (void)arg;
  CBoxliteError err = {0};
  while (!drain_stop) {
    boxlite_runtime_drain(rt, 100, &err);
    if (err.code != Ok) boxlite_error_free(&err);
  }
  return NULL;
}

void emit(JOut *o) {
  fprintf(proto, "%s\n", o->buf);
  fflush(proto);
}

const char *code_name(int code) {
  static const char *names[] = {"Ok", "Internal", "NotFound", "AlreadyExists", "InvalidState",
                                "InvalidArgument", "Config", "Storage", "Image", "Network",
                                "Execution", "Stopped", "Engine", "Unsupported", "Database",
                                "Portal", "Rpc", "RpcTransport", "Metadata", "UnsupportedEngine",
                                "ResourceExhausted", "SessionReaped"};
  return code >= 0 && code < (int)(sizeof names / sizeof *names) ? names[code] : "Unknown";
}

/* An op's failure: the SDK's code and message. */

Err err_from(Call *c) {
  Err e = {c->code, c->msg};
  c->msg = NULL;
  return e;
}
Err usage(const char *msg) { return (Err){InvalidArgument, strdup(msg)}; }

const char *box_ref(const JVal *op, char *buf, size_t n, Err *e) {
  const char *ref = json_str(op, "box");
  if (!ref) ref = json_str(op, "id");
  if (!ref || !strcmp(ref, "$last")) {
    if (!n_created) { *e = usage("op names no box and none was created yet"); return NULL; }
    return created[n_created - 1].id;
  }
  if (ref[0] == '$') {
    size_t i = (size_t)strtoul(ref + 1, NULL, 10);
    if (i >= n_created) {
      snprintf(buf, n, "%s: only %zu box(es) created so far", ref, n_created);
      *e = usage(buf);
      return NULL;
    }
    return created[i].id;
  }
  return ref;
}

/* The handle for the op's box: one this run created, or one fetched with boxlite_get. */
CBoxHandle *box_handle(const JVal *op, Err *e) {
  char buf[128];
  const char *ref = box_ref(op, buf, sizeof buf, e);
  if (!ref) return NULL;
  for (size_t i = 0; i < n_created; i++)
    if (!strcmp(created[i].id, ref) || (created[i].name && !strcmp(created[i].name, ref))) return created[i].box;
  for (size_t i = 0; i < n_fetched; i++)
    if (!strcmp(fetched[i].id, ref)) return fetched[i].box;
  Call c;
  call_init(&c);
  CBoxliteError err = {0};
  if (await_call(&c, boxlite_get(rt, ref, on_box, &c, &err), &err) != Ok) {
    *e = err_from(&c);
    call_free(&c);
    return NULL;
  }
  call_free(&c);
  if (n_fetched < MAX_BOXES) fetched[n_fetched++] = (Known){strdup(ref), NULL, c.box};
  return c.box;
}


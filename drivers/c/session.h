/* The driver's shared state: awaiting one async SDK call, the runtime, and known boxes. */
#ifndef E2E_SESSION_H
#define E2E_SESSION_H

#include <pthread.h>
#include <stdio.h>

#include "boxlite.h"
#include "json.h"

#define DRIVER "c-sdk"
#define MAX_BOXES 256

/* One async call: its callback fills this in and signals. */
typedef struct {
  pthread_mutex_t mu;
  pthread_cond_t cv;
  int done;
  int code;
  char *msg;
  CBoxHandle *box;
  CBoxInfo *info;
  CBoxInfoList *list;
  int exit_code;
} Call;

typedef struct {
  char *data;
  size_t len;
} Bytes;

typedef struct {
  char *id;
  char *name;
  CBoxHandle *box;
} Known;

/* An op's failure: the SDK's code and message (owned). */
typedef struct {
  int code;
  char *msg;
} Err;
#define OK ((Err){0, NULL})

extern CBoxliteRuntime *rt;
extern volatile int drain_stop;
extern Known created[MAX_BOXES], fetched[MAX_BOXES];
extern size_t n_created, n_fetched;
extern FILE *proto;

void call_init(Call *c);
int await_call(Call *c, BoxliteErrorCode rc, CBoxliteError *err);
void call_free(Call *c);
void on_box(CBoxHandle *box, CBoxliteError *err, void *ud);
void on_done(CBoxliteError *err, void *ud);
void on_info(CBoxInfo *info, CBoxliteError *err, void *ud);
void on_list(CBoxInfoList *list, CBoxliteError *err, void *ud);
void on_wait(int exit_code, CBoxliteError *err, void *ud);
/* `ud` is a Bytes[2]: stdout then stderr. */
void on_stdout(const uint8_t *data, size_t len, void *ud);
void on_stderr(const uint8_t *data, size_t len, void *ud);

void *drain_loop(void *arg);
void emit(JOut *o);
const char *code_name(int code);
Err err_from(Call *c);
Err usage(const char *msg);
CBoxHandle *box_handle(const JVal *op, Err *e);
const char *box_ref(const JVal *op, char *buf, size_t n, Err *e);

#endif

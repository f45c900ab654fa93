/* The op table and the run loop. */
#ifndef E2E_OPS_H
#define E2E_OPS_H

#include "json.h"

/* Builds the REST runtime from the request and starts the drain thread; 0 on success (else a fatal line was written). */
int open_runtime(const JVal *req, JOut *o);
/* Runs every op, one result line each, then "done"; stops the drain thread and frees the runtime. */
void run_ops(const JVal *req);

#endif

/*
 * A small JSON reader and writer for the driver protocol: the request is one JSON object read
 * whole from stdin; results are single-line objects. Parsed values live in one arena-like tree
 * freed with json_free.
 */
#ifndef E2E_JSON_H
#define E2E_JSON_H

#include <stddef.h>
#include <stdio.h>

typedef enum { J_NULL, J_BOOL, J_NUM, J_STR, J_ARR, J_OBJ } JType;

typedef struct JVal {
  JType type;
  int boolean;
  double num;
  char *str;     /* J_STR: NUL-terminated UTF-8 (embedded NULs are refused) */
  size_t len;    /* J_ARR / J_OBJ: number of items */
  char **keys;   /* J_OBJ: one key per item */
  struct JVal **items;
} JVal;

/* Parses `text` (NUL-terminated); NULL on malformed input, with a reason in `err`. */
JVal *json_parse(const char *text, char *err, size_t errlen);
void json_free(JVal *v);

/* Lookups that tolerate NULL and wrong types: the caller checks what it needs. */
const JVal *json_get(const JVal *obj, const char *key);
const char *json_str(const JVal *obj, const char *key);   /* NULL unless a string */
int json_has_num(const JVal *obj, const char *key);
double json_num(const JVal *obj, const char *key, double dflt);
int json_bool(const JVal *obj, const char *key, int dflt);

/* Writing: a growable buffer of JSON text. */
typedef struct {
  char *buf;
  size_t len, cap;
} JOut;

void jo_raw(JOut *o, const char *s);
void jo_str(JOut *o, const char *s);               /* quoted; NULL writes null */
void jo_strn(JOut *o, const char *s, size_t n);    /* quoted, bytes as given */
void jo_key(JOut *o, const char *k);               /* "k": with a leading comma when needed */
void jo_num(JOut *o, double d);
void jo_int(JOut *o, long long i);
void jo_free(JOut *o);

#endif

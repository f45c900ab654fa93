/* See json.h. Recursive descent over the RFC 8259 grammar; depth-limited. */
#include "json.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
  const char *p;
  char *err;
  size_t errlen;
  int depth;
} P;

static JVal *fail(P *p, const char *why) {
  if (p->err && !p->err[0]) snprintf(p->err, p->errlen, "%s", why);
  return NULL;
}

static void ws(P *p) {
  while (*p->p == ' ' || *p->p == '\t' || *p->p == '\n' || *p->p == '\r') p->p++;
}

static JVal *node(JType t) {
  JVal *v = calloc(1, sizeof *v);
  if (v) v->type = t;
  return v;
}

static int hex4(const char *s, unsigned *out) {
  unsigned v = 0;
  for (int i = 0; i < 4; i++) {
    char c = s[i];
    v <<= 4;
    if (c >= '0' && c <= '9') v |= (unsigned)(c - '0');
    else if (c >= 'a' && c <= 'f') v |= (unsigned)(c - 'a' + 10);
    else if (c >= 'A' && c <= 'F') v |= (unsigned)(c - 'A' + 10);
    else return 0;
  }
  *out = v;
  return 1;
}

static size_t utf8(unsigned cp, char *o) {
  if (cp < 0x80) { o[0] = (char)cp; return 1; }
  if (cp < 0x800) { o[0] = (char)(0xC0 | (cp >> 6)); o[1] = (char)(0x80 | (cp & 0x3F)); return 2; }
  if (cp < 0x10000) {
    o[0] = (char)(0xE0 | (cp >> 12)); o[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
    o[2] = (char)(0x80 | (cp & 0x3F)); return 3;
  }
  o[0] = (char)(0xF0 | (cp >> 18)); o[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
  o[2] = (char)(0x80 | ((cp >> 6) & 0x3F)); o[3] = (char)(0x80 | (cp & 0x3F)); return 4;
}

/* p->p is at the opening quote. The decoded string is never longer than its source. */
static char *string(P *p) {
  const char *s = ++p->p;
  size_t cap = 0;
  while (s[cap] && s[cap] != '"') cap += (s[cap] == '\\' && s[cap + 1]) ? 2 : 1;
  char *out = malloc(cap + 1), *o = out;
  if (!out) return NULL;
  for (;;) {
    char c = *p->p++;
    if (c == '"') break;
    if (c == '\0' || (unsigned char)c < 0x20) { free(out); p->p--; fail(p, "bad string"); return NULL; }
    if (c != '\\') { *o++ = c; continue; }
    char e = *p->p++;
    switch (e) {
      case '"': *o++ = '"'; break;
      case '\\': *o++ = '\\'; break;
      case '/': *o++ = '/'; break;
      case 'b': *o++ = '\b'; break;
      case 'f': *o++ = '\f'; break;
      case 'n': *o++ = '\n'; break;
      case 'r': *o++ = '\r'; break;
      case 't': *o++ = '\t'; break;
      case 'u': {
        unsigned cp, lo;
        if (!hex4(p->p, &cp)) { free(out); fail(p, "bad \\u escape"); return NULL; }
        p->p += 4;
        if (cp >= 0xD800 && cp < 0xDC00 && p->p[0] == '\\' && p->p[1] == 'u' && hex4(p->p + 2, &lo) &&
            lo >= 0xDC00 && lo < 0xE000) {
          cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
          p->p += 6;
        }
        if (cp == 0) { free(out); fail(p, "NUL in string"); return NULL; }
        o += utf8(cp, o);
        break;
      }
      default: free(out); fail(p, "bad escape"); return NULL;
    }
  }
  *o = '\0';
  return out;
}

static JVal *value(P *p);

static int push(JVal *v, char *key, JVal *item) {
  char **keys = v->type == J_OBJ ? realloc(v->keys, (v->len + 1) * sizeof *keys) : NULL;
  if (v->type == J_OBJ && !keys) return 0;
  if (keys) v->keys = keys;
  JVal **items = realloc(v->items, (v->len + 1) * sizeof *items);
  if (!items) return 0;
  v->items = items;
  if (keys) v->keys[v->len] = key;
  v->items[v->len++] = item;
  return 1;
}

static JVal *container(P *p, JType t) {
  char close = t == J_OBJ ? '}' : ']';
  JVal *v = node(t);
  if (!v) return fail(p, "out of memory");
  p->p++;
  ws(p);
  if (*p->p == close) { p->p++; return v; }
  for (;;) {
    char *key = NULL;
    ws(p);
    if (t == J_OBJ) {
      if (*p->p != '"' || !(key = string(p))) { json_free(v); return fail(p, "expected a key"); }
      ws(p);
      if (*p->p++ != ':') { free(key); json_free(v); return fail(p, "expected ':'"); }
    }
    JVal *item = value(p);
    if (!item || !push(v, key, item)) { free(key); json_free(item); json_free(v); return fail(p, "bad value"); }
    ws(p);
    if (*p->p == ',') { p->p++; continue; }
    if (*p->p == close) { p->p++; return v; }
    json_free(v);
    return fail(p, "expected ',' or a closing bracket");
  }
}

static JVal *value(P *p) {
  if (++p->depth > 64) return fail(p, "nested too deep");
  ws(p);
  JVal *v = NULL;
  char c = *p->p;
  if (c == '{') v = container(p, J_OBJ);
  else if (c == '[') v = container(p, J_ARR);
  else if (c == '"') {
    char *s = string(p);
    if (s && (v = node(J_STR))) v->str = s;
    else free(s);
  } else if (!strncmp(p->p, "true", 4) || !strncmp(p->p, "false", 5)) {
    if ((v = node(J_BOOL))) v->boolean = c == 't';
    p->p += c == 't' ? 4 : 5;
  } else if (!strncmp(p->p, "null", 4)) {
    v = node(J_NULL);
    p->p += 4;
  } else if (c == '-' || (c >= '0' && c <= '9')) {
    char *end;
    double d = strtod(p->p, &end);
    if (end == p->p || !isfinite(d)) return fail(p, "bad number");
    p->p = end;
    if ((v = node(J_NUM))) v->num = d;
  } else {
    v = fail(p, "unexpected character");
  }
  p->depth--;
  return v;
}

JVal *json_parse(const char *text, char *err, size_t errlen) {
  P p = {text, err, errlen, 0};
  if (err && errlen) err[0] = '\0';
  JVal *v = value(&p);
  ws(&p);
  if (v && *p.p) { json_free(v); return fail(&p, "trailing characters"); }
  return v;
}

void json_free(JVal *v) {
  if (!v) return;
  for (size_t i = 0; i < v->len; i++) {
    if (v->keys) free(v->keys[i]);
    json_free(v->items[i]);
  }
  free(v->keys);
  free(v->items);
  free(v->str);
  free(v);
}

const JVal *json_get(const JVal *obj, const char *key) {
  if (!obj || obj->type != J_OBJ) return NULL;
  for (size_t i = 0; i < obj->len; i++)
    if (!strcmp(obj->keys[i], key)) return obj->items[i];
  return NULL;
}

const char *json_str(const JVal *obj, const char *key) {
  const JVal *v = json_get(obj, key);
  return v && v->type == J_STR ? v->str : NULL;
}

int json_has_num(const JVal *obj, const char *key) {
  const JVal *v = json_get(obj, key);
  return v && v->type == J_NUM;
}

double json_num(const JVal *obj, const char *key, double dflt) {
  const JVal *v = json_get(obj, key);
  return v && v->type == J_NUM ? v->num : dflt;
}

int json_bool(const JVal *obj, const char *key, int dflt) {
  const JVal *v = json_get(obj, key);
  return v && v->type == J_BOOL ? v->boolean : dflt;
}

static void grow(JOut *o, size_t n) {
  if (o->len + n + 1 <= o->cap) return;
  size_t cap = o->cap ? o->cap : 256;
  while (cap < o->len + n + 1) cap *= 2;
  char *b = realloc(o->buf, cap);
  if (!b) abort();
  o->buf = b;
  o->cap = cap;
}

void jo_raw(JOut *o, const char *s) {
  size_t n = strlen(s);
  grow(o, n);
  memcpy(o->buf + o->len, s, n);
  o->len += n;
  o->buf[o->len] = '\0';
}

void jo_strn(JOut *o, const char *s, size_t n) {
  grow(o, n * 6 + 2);
  char *w = o->buf + o->len;
  *w++ = '"';
  for (size_t i = 0; i < n; i++) {
    unsigned char c = (unsigned char)s[i];
    if (c == '"' || c == '\\') { *w++ = '\\'; *w++ = (char)c; }
    else if (c == '\n') { *w++ = '\\'; *w++ = 'n'; }
    else if (c == '\r') { *w++ = '\\'; *w++ = 'r'; }
    else if (c == '\t') { *w++ = '\\'; *w++ = 't'; }
    else if (c < 0x20 || c == 0x7F) w += sprintf(w, "\\u%04x", c);
    else *w++ = (char)c;  /* UTF-8 bytes pass through; the reader decodes them */
  }
  *w++ = '"';
  o->len = (size_t)(w - o->buf);
  o->buf[o->len] = '\0';
}

void jo_str(JOut *o, const char *s) {
  if (!s) jo_raw(o, "null");
  else jo_strn(o, s, strlen(s));
}

void jo_key(JOut *o, const char *k) {
  if (o->len && o->buf[o->len - 1] != '{') jo_raw(o, ",");
  jo_str(o, k);
  jo_raw(o, ":");
}

void jo_num(JOut *o, double d) {
  char b[64];
  snprintf(b, sizeof b, "%.17g", d);
  jo_raw(o, b);
}

void jo_int(JOut *o, long long i) {
  char b[32];
  snprintf(b, sizeof b, "%lld", i);
  jo_raw(o, b);
}

void jo_free(JOut *o) {
  free(o->buf);
  o->buf = NULL;
  o->len = o->cap = 0;
}

/*
 * The subset of BoxLite's C API (upstream sdks/c/include/boxlite.h) that the e2e C and Go
 * drivers call, declared with upstream's names and signatures. Implemented by the REST shim
 * in ../rust over the `boxlite` crate; on a host with a BoxLite checkout the drivers are
 * compiled against the checkout's own header and libboxlite instead.
 *
 * Callbacks run only on a thread calling boxlite_runtime_drain.
 */
#ifndef BOXLITE_H
#define BOXLITE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

typedef enum BoxliteErrorCode {
  Ok = 0,
  Internal = 1,
  NotFound = 2,
  AlreadyExists = 3,
  InvalidState = 4,
  InvalidArgument = 5,
  Config = 6,
  Storage = 7,
  Image = 8,
  Network = 9,
  Execution = 10,
  Stopped = 11,
  Engine = 12,
  Unsupported = 13,
  Database = 14,
  Portal = 15,
  Rpc = 16,
  RpcTransport = 17,
  Metadata = 18,
  UnsupportedEngine = 19,
  ResourceExhausted = 20,
  SessionReaped = 21,
} BoxliteErrorCode;

typedef struct BoxHandle BoxHandle;
typedef struct CredentialHandle CredentialHandle;
typedef struct ExecutionHandle ExecutionHandle;
typedef struct OptionsHandle OptionsHandle;
typedef struct RestOptionsHandle RestOptionsHandle;
typedef struct RuntimeHandle RuntimeHandle;

typedef struct FFIError {
  enum BoxliteErrorCode code;
  char *message;
} FFIError;

typedef struct BoxHandle CBoxHandle;
typedef struct FFIError CBoxliteError;
typedef struct RuntimeHandle CBoxliteRuntime;
typedef struct OptionsHandle CBoxliteOptions;
typedef struct ExecutionHandle CExecutionHandle;
typedef struct CredentialHandle CBoxliteCredential;
typedef struct RestOptionsHandle CBoxliteRestOptions;

typedef void (*CBoxCreateBoxCb)(CBoxHandle*, CBoxliteError*, void*);
typedef void (*CBoxStopBoxCb)(CBoxliteError*, void*);
typedef void (*CBoxGetBoxCb)(CBoxHandle*, CBoxliteError*, void*);
typedef void (*CBoxRemoveBoxCb)(CBoxliteError*, void*);
typedef void (*CBoxStartBoxCb)(CBoxliteError*, void*);
typedef void (*CBoxCopyCb)(CBoxliteError*, void*);

typedef struct BoxliteCommand {
  const char *command;
  const char *const *args;
  int argc;
  const char *const *env_pairs;
  int env_count;
  const char *workdir;
  const char *user;
  double timeout_secs;
  int tty;
} BoxliteCommand;

typedef void (*CBoxStdoutCb)(const uint8_t*, size_t, void*);
typedef void (*CBoxStderrCb)(const uint8_t*, size_t, void*);
typedef void (*CBoxExitCb)(int, void*);
typedef void (*CExecutionWaitCb)(int, CBoxliteError*, void*);
typedef void (*CExecutionKillCb)(CBoxliteError*, void*);

/* `network` is always NULL from the shim (its type is opaque here). */
typedef struct CBoxInfo {
  char *id;
  char *name;
  char *image;
  char *status;
  int running;
  int pid;
  int cpus;
  int memory_mib;
  uint32_t auto_stop;
  uint32_t auto_delete;
  int auto_resume;
  int64_t created_at;
  struct CNetworkInfo *network;
} CBoxInfo;

typedef void (*CBoxInfoCb)(struct CBoxInfo*, CBoxliteError*, void*);

typedef struct CBoxInfoList {
  struct CBoxInfo *items;
  int count;
} CBoxInfoList;

typedef void (*CBoxInfoListCb)(struct CBoxInfoList*, CBoxliteError*, void*);

#ifdef __cplusplus
extern "C" {
#endif

enum BoxliteErrorCode boxlite_create_box(CBoxliteRuntime *runtime, CBoxliteOptions *opts,
                                         CBoxCreateBoxCb cb, void *user_data, CBoxliteError *out_error);
enum BoxliteErrorCode boxlite_stop_box(CBoxHandle *handle, CBoxStopBoxCb cb, void *user_data,
                                       CBoxliteError *out_error);
enum BoxliteErrorCode boxlite_get(CBoxliteRuntime *runtime, const char *id_or_name, CBoxGetBoxCb cb,
                                  void *user_data, CBoxliteError *out_error);
enum BoxliteErrorCode boxlite_remove(CBoxliteRuntime *runtime, const char *id_or_name, int force,
                                     CBoxRemoveBoxCb cb, void *user_data, CBoxliteError *out_error);
enum BoxliteErrorCode boxlite_start_box(CBoxHandle *handle, CBoxStartBoxCb cb, void *user_data,
                                        CBoxliteError *out_error);
char *boxlite_box_id(CBoxHandle *handle);
void boxlite_box_free(CBoxHandle *handle);
enum BoxliteErrorCode boxlite_copy_into(CBoxHandle *handle, const char *host_src, const char *guest_dst,
                                        CBoxCopyCb cb, void *user_data, CBoxliteError *out_error);
enum BoxliteErrorCode boxlite_copy_out(CBoxHandle *handle, const char *guest_src, const char *host_dst,
                                       CBoxCopyCb cb, void *user_data, CBoxliteError *out_error);
void boxlite_error_free(CBoxliteError *error);

enum BoxliteErrorCode boxlite_box_exec(CBoxHandle *handle, const struct BoxliteCommand *cmd,
                                       CExecutionHandle **out_execution, CBoxliteError *out_error);
enum BoxliteErrorCode boxlite_execution_on_stdout(CExecutionHandle *execution, CBoxStdoutCb cb,
                                                  void *user_data, CBoxliteError *out_error);
enum BoxliteErrorCode boxlite_execution_on_stderr(CExecutionHandle *execution, CBoxStderrCb cb,
                                                  void *user_data, CBoxliteError *out_error);
enum BoxliteErrorCode boxlite_execution_on_exit(CExecutionHandle *execution, CBoxExitCb cb,
                                                void *user_data, CBoxliteError *out_error);
enum BoxliteErrorCode boxlite_execution_stdin_write(CExecutionHandle *execution, const uint8_t *data,
                                                    size_t len, CBoxliteError *out_error);
enum BoxliteErrorCode boxlite_execution_stdin_close(CExecutionHandle *execution, CBoxliteError *out_error);
enum BoxliteErrorCode boxlite_execution_wait(CExecutionHandle *execution, CExecutionWaitCb cb,
                                             void *user_data, CBoxliteError *out_error);
enum BoxliteErrorCode boxlite_execution_kill(CExecutionHandle *execution, CExecutionKillCb cb,
                                             void *user_data, CBoxliteError *out_error);
void boxlite_execution_free(CExecutionHandle *execution);

enum BoxliteErrorCode boxlite_box_info(CBoxHandle *handle, CBoxInfoCb cb, void *user_data,
                                       CBoxliteError *out_error);
enum BoxliteErrorCode boxlite_get_info(CBoxliteRuntime *runtime, const char *id_or_name, CBoxInfoCb cb,
                                       void *user_data, CBoxliteError *out_error);
enum BoxliteErrorCode boxlite_list_info(CBoxliteRuntime *runtime, CBoxInfoListCb cb, void *user_data,
                                        CBoxliteError *out_error);
void boxlite_free_box_info(struct CBoxInfo *info);
void boxlite_free_box_info_list(struct CBoxInfoList *list);

enum BoxliteErrorCode boxlite_options_new(const char *image, CBoxliteOptions **out_opts,
                                          CBoxliteError *out_error);
void boxlite_options_set_name(CBoxliteOptions *opts, const char *name);
void boxlite_options_set_cpus(CBoxliteOptions *opts, int cpus);
void boxlite_options_set_memory(CBoxliteOptions *opts, int memory_mib);
void boxlite_options_set_workdir(CBoxliteOptions *opts, const char *workdir);
void boxlite_options_add_env(CBoxliteOptions *opts, const char *key, const char *val);
void boxlite_options_set_auto_remove(CBoxliteOptions *opts, int val);
void boxlite_options_free(CBoxliteOptions *opts);

enum BoxliteErrorCode boxlite_api_key_credential_new(const char *key, CBoxliteCredential **out_credential,
                                                     CBoxliteError *out_error);
void boxlite_credential_free(CBoxliteCredential *credential);
enum BoxliteErrorCode boxlite_rest_options_new(const char *url, CBoxliteRestOptions **out_options,
                                               CBoxliteError *out_error);
void boxlite_rest_options_set_credential(CBoxliteRestOptions *options, const CBoxliteCredential *credential);
void boxlite_rest_options_set_path_prefix(CBoxliteRestOptions *options, const char *path_prefix);
void boxlite_rest_options_free(CBoxliteRestOptions *options);
enum BoxliteErrorCode boxlite_rest_runtime_new_with_options(const CBoxliteRestOptions *options,
                                                            CBoxliteRuntime **out_runtime,
                                                            CBoxliteError *out_error);

const char *boxlite_version(void);
void boxlite_runtime_free(CBoxliteRuntime *runtime);
int boxlite_runtime_drain(CBoxliteRuntime *runtime, int timeout_ms, CBoxliteError *out_error);
void boxlite_free_string(char *s);

#ifdef __cplusplus
}
#endif

#endif /* BOXLITE_H */

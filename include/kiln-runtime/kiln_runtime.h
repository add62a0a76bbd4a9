/*===- kiln_runtime.h - The C API of libkiln_runtime ----------------------===*
 *
 * Load a compiled `.kiln` artifact, query its signature, and run it.
 *
 *   kiln_model_t *model;
 *   kiln_status_t *st = kiln_model_load_file("model.kiln", &model);
 *   if (st) { fprintf(stderr, "%s\n", kiln_status_message(st));
 *             kiln_status_free(st); return 1; }
 *   kiln_session_t *session;
 *   st = kiln_session_create(model, &session);
 *   st = kiln_session_set_input(session, "x", KILN_DTYPE_FLOAT32, dims, 2,
 *                               data, sizeof data);
 *   st = kiln_session_run(session);
 *   kiln_tensor_view_t out;
 *   st = kiln_session_get_output(session, 0, &out);
 *   ...
 *   kiln_session_destroy(session);
 *   kiln_model_release(model);
 *
 * Conventions:
 *  - Every fallible function returns a `kiln_status_t *`: NULL means success;
 *    otherwise the caller owns the status and frees it with kiln_status_free.
 *  - Results come back through `out_` parameters, written only on success.
 *  - Ownership is stated on every function. Strings and arrays returned by
 *    query functions are borrowed from the model and stay valid as long as
 *    the model does.
 *
 * Threading: a model is immutable after loading and may be used from any
 * number of threads at once. A session belongs to one thread at a time (use
 * one session per concurrent caller); any number of sessions, of one model or
 * of many, may run concurrently. Kernel workgroups run on one process-wide
 * thread pool (see kiln_runtime_configure).
 *
 *===----------------------------------------------------------------------===*/

#ifndef KILN_RUNTIME_KILN_RUNTIME_H
#define KILN_RUNTIME_KILN_RUNTIME_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(__GNUC__)
#define KILN_API __attribute__((visibility("default")))
#else
#define KILN_API
#endif

/*===-------------------------------- Status ------------------------------===*/

/// What went wrong, for callers that branch on it; the message says the rest.
typedef enum kiln_status_code_t {
  KILN_STATUS_OK = 0,
  /// A bad argument: NULL pointer, unknown input name, wrong dtype or shape.
  KILN_STATUS_INVALID_ARGUMENT = 1,
  /// The artifact is malformed, truncated, corrupted or inconsistent.
  KILN_STATUS_INVALID_ARTIFACT = 2,
  /// The artifact is well formed but of a version this runtime cannot run.
  KILN_STATUS_UNSUPPORTED_VERSION = 3,
  /// A file could not be opened, read or mapped.
  KILN_STATUS_IO_ERROR = 4,
  /// The call is not valid in the current state (e.g. run before inputs).
  KILN_STATUS_FAILED_PRECONDITION = 5,
  /// Memory could not be allocated, or a size overflowed.
  KILN_STATUS_OUT_OF_MEMORY = 6,
  /// A facility the artifact needs is missing on this machine.
  KILN_STATUS_UNAVAILABLE = 7,
  /// A bug in the runtime.
  KILN_STATUS_INTERNAL = 8,
} kiln_status_code_t;

/// An error: a code and a message. NULL stands for success.
typedef struct kiln_status_t kiln_status_t;

/// The code of `status`; KILN_STATUS_OK for NULL.
KILN_API kiln_status_code_t kiln_status_code(const kiln_status_t *status);
/// The message of `status` (never NULL; "OK" for NULL). Borrowed: valid until
/// the status is freed.
KILN_API const char *kiln_status_message(const kiln_status_t *status);
/// Frees a status returned by any kiln function. NULL is a no-op.
KILN_API void kiln_status_free(kiln_status_t *status);
/// A static name for a code, e.g. "INVALID_ARTIFACT".
KILN_API const char *kiln_status_code_name(kiln_status_code_t code);

/*===------------------------------ Versions ------------------------------===*/

/// The runtime's version string, e.g. "0.1.0". Static storage.
KILN_API const char *kiln_version(void);
/// The artifact format version this runtime reads (major changes are
/// incompatible; an artifact of a newer minor version is still read).
KILN_API void kiln_artifact_format_version(uint32_t *out_major,
                                           uint32_t *out_minor);

/*===------------------------------- Options ------------------------------===*/

/// Process-wide options. Initialize with kiln_runtime_options_init, so that
/// fields added later get their defaults.
typedef struct kiln_runtime_options_t {
  /// sizeof(kiln_runtime_options_t), set by kiln_runtime_options_init.
  size_t struct_size;
  /// Threads that run kernel workgroups, the calling thread included.
  /// 0: the number of CPUs (or $KILN_NUM_THREADS when set). 1: run everything
  /// on the thread that calls kiln_session_run.
  int32_t num_threads;
} kiln_runtime_options_t;

/// Fills `options` with the defaults.
KILN_API void kiln_runtime_options_init(kiln_runtime_options_t *options);
/// Applies `options` to the process-wide thread pool. May be called at any
/// time: runs already in flight finish on the pool they started with. The
/// caller keeps ownership of `options`.
KILN_API kiln_status_t *
kiln_runtime_configure(const kiln_runtime_options_t *options);

/*===------------------------------ Data types ----------------------------===*/

/// Element types, numbered as ONNX's TensorProto.DataType.
typedef enum kiln_dtype_t {
  KILN_DTYPE_INVALID = 0,
  KILN_DTYPE_FLOAT32 = 1,
  KILN_DTYPE_UINT8 = 2,
  KILN_DTYPE_INT8 = 3,
  KILN_DTYPE_UINT16 = 4,
  KILN_DTYPE_INT16 = 5,
  KILN_DTYPE_INT32 = 6,
  KILN_DTYPE_INT64 = 7,
  KILN_DTYPE_BOOL = 9,
  KILN_DTYPE_FLOAT16 = 10,
  KILN_DTYPE_FLOAT64 = 11,
  KILN_DTYPE_UINT32 = 12,
  KILN_DTYPE_UINT64 = 13,
  KILN_DTYPE_BFLOAT16 = 16,
  KILN_DTYPE_FLOAT8E4M3FN = 17,
  KILN_DTYPE_FLOAT8E4M3FNUZ = 18,
  KILN_DTYPE_FLOAT8E5M2 = 19,
  KILN_DTYPE_FLOAT8E5M2FNUZ = 20,
  KILN_DTYPE_UINT4 = 21,
  KILN_DTYPE_INT4 = 22,
  KILN_DTYPE_FLOAT4E2M1 = 23,
  KILN_DTYPE_FLOAT8E8M0 = 24,
  KILN_DTYPE_UINT2 = 25,
  KILN_DTYPE_INT2 = 26,
} kiln_dtype_t;

/// Bytes per element of `dtype`; 0 for an unknown dtype. The 8-bit float
/// types hold their bit patterns. The 4- and 2-bit types are NOT packed: each
/// element takes one byte, its bits in the low bits and zeros above (numpy's
/// ml_dtypes layout), so a sub-byte tensor of N elements is N bytes.
KILN_API size_t kiln_dtype_size(kiln_dtype_t dtype);
/// A static name such as "float32"; "invalid" for an unknown dtype.
KILN_API const char *kiln_dtype_name(kiln_dtype_t dtype);

/*===-------------------------------- Models ------------------------------===*/

/// A loaded artifact: signature, weights and code. Immutable, reference
/// counted: kiln_model_release drops the caller's reference, and every
/// session holds its own, so a model may be released while sessions live.
typedef struct kiln_model_t kiln_model_t;

/// How kiln_model_load_memory treats the caller's bytes.
typedef enum kiln_load_mode_t {
  /// Copy the bytes; the caller may free them as soon as the call returns.
  KILN_LOAD_COPY = 0,
  /// Use the bytes in place (weights are not copied). The caller must keep
  /// them alive and unchanged until the model's last reference is released
  /// (kiln_model_release and every kiln_session_destroy), and they must be
  /// aligned to 64 bytes.
  KILN_LOAD_BORROW = 1,
} kiln_load_mode_t;

/// Loads and validates the artifact at `path` (memory-mapped, read-only).
/// External parameter files are looked up next to it. On success the caller
/// owns one reference to *out_model.
KILN_API kiln_status_t *kiln_model_load_file(const char *path,
                                             kiln_model_t **out_model);
/// Loads and validates an artifact held in memory. External parameter files
/// named by the artifact are resolved against the current directory. On
/// success the caller owns one reference to *out_model.
KILN_API kiln_status_t *kiln_model_load_memory(const void *data, size_t size,
                                               kiln_load_mode_t mode,
                                               kiln_model_t **out_model);
/// Where a model's kernels run.
typedef enum kiln_device_kind_t {
  /// In load options: whatever the artifact was compiled for.
  KILN_DEVICE_DEFAULT = 0,
  /// x86 kernels on the runtime's thread pool (kernel_abi.h).
  KILN_DEVICE_CPU = 1,
  /// NVIDIA GPU kernels through the CUDA driver (cuda_kernel_abi.h).
  KILN_DEVICE_CUDA = 2,
} kiln_device_kind_t;

/// Bits of kiln_model_load_options_t.flags.
typedef enum kiln_load_flags_t {
  /// When the artifact's parameter file is ABSENT, fill every external
  /// constant with deterministic synthetic values instead of failing: floats
  /// uniform in (-a, a), a = sqrt(3 / max(1, numel / largest dim)), from a
  /// PRNG seeded by the constant's name (so a model's CPU and CUDA artifacts
  /// get the same weights); every other dtype zero. For benchmarking models
  /// whose weights do not travel. A parameter file that exists is used.
  KILN_LOAD_SYNTHETIC_WEIGHTS = 1u << 0,
} kiln_load_flags_t;

/// Options of kiln_model_load_file_with_options. Initialize with
/// kiln_model_load_options_init, so that fields added later get defaults.
typedef struct kiln_model_load_options_t {
  /// sizeof(kiln_model_load_options_t), set by kiln_model_load_options_init.
  size_t struct_size;
  /// kiln_load_flags_t bits; 0 by default.
  uint32_t flags;
  /// The device the caller expects: KILN_DEVICE_DEFAULT (any, the default)
  /// or a kind the artifact must have been compiled for (else the load fails
  /// with FAILED_PRECONDITION, before any device is touched).
  kiln_device_kind_t device;
  /// The CUDA device ordinal for CUDA artifacts; -1 (the default) means
  /// $KILN_CUDA_DEVICE when set, else 0.
  int32_t cuda_device;
} kiln_model_load_options_t;

/// Fills `options` with the defaults.
KILN_API void kiln_model_load_options_init(kiln_model_load_options_t *options);
/// As kiln_model_load_file, with `options` (NULL: the defaults). A CUDA
/// artifact is loaded onto the GPU: module, kernels and constants, once per
/// model. Without a CUDA driver or GPU it fails with UNAVAILABLE.
KILN_API kiln_status_t *
kiln_model_load_file_with_options(const char *path,
                                  const kiln_model_load_options_t *options,
                                  kiln_model_t **out_model);

/// KILN_DEVICE_CPU or KILN_DEVICE_CUDA: where `model`'s kernels run.
KILN_API kiln_device_kind_t kiln_model_device(const kiln_model_t *model);
/// The target the artifact was compiled for: "cpu" or e.g. "cuda:sm_90".
/// Borrowed from the model.
KILN_API const char *kiln_model_target(const kiln_model_t *model);

/// Adds a reference to `model` (for sharing across owners).
KILN_API void kiln_model_retain(kiln_model_t *model);
/// Drops one reference; the last one frees the model. NULL is a no-op.
KILN_API void kiln_model_release(kiln_model_t *model);

/// A signature entry: one input or output of the model. All pointers are
/// borrowed from the model.
typedef struct kiln_tensor_info_t {
  const char *name;
  kiln_dtype_t dtype;
  size_t rank;
  /// `rank` sizes; -1 for a symbolic dimension.
  const int64_t *dims;
  /// `rank` names: NULL for a static dimension, else the symbol ("batch") or,
  /// for a dimension computed from symbols, its formula ("2*batch").
  const char *const *dim_names;
} kiln_tensor_info_t;

KILN_API size_t kiln_model_num_inputs(const kiln_model_t *model);
KILN_API size_t kiln_model_num_outputs(const kiln_model_t *model);
/// Describes input `index` (in graph order). `out_info` is caller-owned; the
/// pointers written into it are borrowed from the model.
KILN_API kiln_status_t *kiln_model_input_info(const kiln_model_t *model,
                                              size_t index,
                                              kiln_tensor_info_t *out_info);
/// Describes output `index` (in graph order), as kiln_model_input_info.
KILN_API kiln_status_t *kiln_model_output_info(const kiln_model_t *model,
                                               size_t index,
                                               kiln_tensor_info_t *out_info);
/// The index of the input (or output) called `name`.
KILN_API kiln_status_t *kiln_model_find_input(const kiln_model_t *model,
                                              const char *name,
                                              size_t *out_index);
KILN_API kiln_status_t *kiln_model_find_output(const kiln_model_t *model,
                                               const char *name,
                                               size_t *out_index);

/*===------------------------------- Sessions -----------------------------===*/

/// The mutable state of one run of a model: bound inputs, the memory arena
/// and the outputs. Used by one thread at a time.
typedef struct kiln_session_t kiln_session_t;

/// Creates a session of `model`, which it retains. The caller owns
/// *out_session and frees it with kiln_session_destroy.
KILN_API kiln_status_t *kiln_session_create(kiln_model_t *model,
                                            kiln_session_t **out_session);
/// Bits of kiln_session_options_t.flags.
typedef enum kiln_session_flags_t {
  /// CUDA: launch the kernels one by one on every run instead of capturing
  /// them once as a CUDA graph and replaying it (also: KILN_CUDA_GRAPHS=0
  /// in the environment). No effect on CPU models.
  KILN_SESSION_NO_CUDA_GRAPH = 1u << 0,
} kiln_session_flags_t;

/// Options of kiln_session_create_with_options; initialize with
/// kiln_session_options_init.
typedef struct kiln_session_options_t {
  /// sizeof(kiln_session_options_t), set by kiln_session_options_init.
  size_t struct_size;
  /// kiln_session_flags_t bits; 0 by default.
  uint32_t flags;
} kiln_session_options_t;

/// Fills `options` with the defaults.
KILN_API void kiln_session_options_init(kiln_session_options_t *options);
/// As kiln_session_create, with `options` (NULL: the defaults). For a CUDA
/// model this creates the session's stream and allocates its device memory
/// (arena, inputs, outputs, binding tables).
KILN_API kiln_status_t *
kiln_session_create_with_options(kiln_model_t *model,
                                 const kiln_session_options_t *options,
                                 kiln_session_t **out_session);
/// Frees the session and its outputs, and releases its model reference.
/// NULL is a no-op.
KILN_API void kiln_session_destroy(kiln_session_t *session);

/// Binds input `name` to caller memory: `rank` dims, `size_bytes` bytes of
/// `dtype` elements in row-major order. Checks the name, dtype, rank, the
/// static dims and the byte size; symbolic dims are bound to the given sizes
/// (their consistency across inputs is checked by kiln_session_run). The data
/// is NOT copied: it stays owned by the caller and must remain valid and
/// unchanged until kiln_session_run returns or the input is set again.
KILN_API kiln_status_t *
kiln_session_set_input(kiln_session_t *session, const char *name,
                       kiln_dtype_t dtype, const int64_t *dims, size_t rank,
                       const void *data, size_t size_bytes);
/// As kiln_session_set_input, by input index.
KILN_API kiln_status_t *kiln_session_set_input_by_index(
    kiln_session_t *session, size_t index, kiln_dtype_t dtype,
    const int64_t *dims, size_t rank, const void *data, size_t size_bytes);

/// Runs the model on the bound inputs. Fails if an input is unset or if the
/// inputs disagree on a symbolic dimension. Blocks until done; the session's
/// previous outputs are invalidated.
KILN_API kiln_status_t *kiln_session_run(kiln_session_t *session);

/// A computed output. All pointers are owned by the session and stay valid
/// until the next kiln_session_run or kiln_session_destroy.
typedef struct kiln_tensor_view_t {
  kiln_dtype_t dtype;
  size_t rank;
  const int64_t *dims;
  const void *data;
  size_t size_bytes;
} kiln_tensor_view_t;

/// Describes output `index` of the last successful run (caller-owned
/// `out_view`, session-owned pointers).
KILN_API kiln_status_t *kiln_session_get_output(kiln_session_t *session,
                                                size_t index,
                                                kiln_tensor_view_t *out_view);
/// As kiln_session_get_output, by output name.
KILN_API kiln_status_t *
kiln_session_get_output_by_name(kiln_session_t *session, const char *name,
                                kiln_tensor_view_t *out_view);
/// Copies output `index` into the caller's `dst`, which must hold at least
/// the output's size_bytes (`dst_size`).
KILN_API kiln_status_t *kiln_session_copy_output(kiln_session_t *session,
                                                 size_t index, void *dst,
                                                 size_t dst_size);

/*===------------------------ CUDA device memory --------------------------===*
 *
 * A CUDA session copies host inputs to the GPU, runs, and copies the outputs
 * back into host memory, so the functions above work as for the CPU. Serving
 * systems that keep tensors on the GPU bind device memory instead: a tensor
 * bound so is neither copied in nor out. Device pointers are CUdeviceptr
 * values of the model's device (the primary context) cast to void *, and
 * must be aligned to KILN_CUDA_BUFFER_ALIGNMENT (256) bytes. The session
 * reads and writes them on its stream (kiln_session_cuda_stream) during
 * kiln_session_run, which returns after the stream is synchronized.
 *
 * On a CPU model these functions fail with FAILED_PRECONDITION.
 *
 *===----------------------------------------------------------------------===*/

/// Binds input `name` to device memory holding `size_bytes` bytes of `dtype`
/// of shape `dims` (checked as kiln_session_set_input). NULL `device_ptr`
/// with 0 bytes is not allowed; to go back to host data, call
/// kiln_session_set_input. The memory must stay valid until the run returns
/// or the input is set again.
KILN_API kiln_status_t *
kiln_session_set_input_device(kiln_session_t *session, const char *name,
                              kiln_dtype_t dtype, const int64_t *dims,
                              size_t rank, const void *device_ptr,
                              size_t size_bytes);
/// The device memory input `index` is read from: the caller's bound pointer,
/// or the session's own buffer (after a run, it holds the last host data
/// copied in, so binding it with kiln_session_set_input_device reruns on
/// resident data). `out_view->data` is a device pointer; dims and dtype are
/// those of the signature.
KILN_API kiln_status_t *
kiln_session_get_input_device(kiln_session_t *session, size_t index,
                              kiln_tensor_view_t *out_view);
/// Makes runs write output `index` into device memory `device_ptr` of
/// `size_bytes` (at least the output's size; checked here for a static
/// output, at each run for one with symbolic dimensions) instead of the
/// session's device buffer, with no copy to the host: kiln_session_get_output
/// then fails for it, kiln_session_get_output_device gives the pointer. NULL
/// unbinds (the session's buffer and the host copy again). The session's
/// stream does not wait for other streams: finish writing device inputs
/// (or order them on kiln_session_cuda_stream) before kiln_session_run.
KILN_API kiln_status_t *kiln_session_set_output_device(kiln_session_t *session,
                                                       size_t index,
                                                       void *device_ptr,
                                                       size_t size_bytes);
/// Describes output `index` of the last successful run with `data` the
/// device pointer it was written to (the caller's or the session's).
KILN_API kiln_status_t *
kiln_session_get_output_device(kiln_session_t *session, size_t index,
                               kiln_tensor_view_t *out_view);
/// The session's CUstream, as void *: work the caller queues on it runs in
/// order with the session's runs.
KILN_API kiln_status_t *kiln_session_cuda_stream(kiln_session_t *session,
                                                 void **out_stream);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* KILN_RUNTIME_KILN_RUNTIME_H */

/*===- kernel_abi.h - The calling convention of kiln's CPU kernels -------===*
 *
 * The contract between the code generator and libkiln_runtime for CPU code.
 * It is C so that both the compiler (which emits functions with this
 * signature through LLVM) and hand-written test kernels can target it.
 *
 * A kernel is a function over a 3-D grid of workgroups. The runtime evaluates
 * the grid from the artifact (it may depend on symbolic dimensions), then
 * calls the kernel once per workgroup, in no particular order and possibly
 * from several threads at once. Workgroups of one kernel must therefore be
 * independent; kernels of one run execute in the artifact's order, each one
 * after the previous one has finished all its workgroups.
 *
 *===----------------------------------------------------------------------===*/

#ifndef KILN_RUNTIME_KERNEL_ABI_H
#define KILN_RUNTIME_KERNEL_ABI_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// The version of this ABI. An artifact records the version its kernels were
/// compiled for; the runtime refuses any other.
#define KILN_CPU_KERNEL_ABI_VERSION 1

/// Every pointer handed to a kernel (inputs, outputs, arena buffers,
/// constants) is aligned to at least this many bytes, except user inputs,
/// which are only guaranteed to be aligned to their element size.
#define KILN_BUFFER_ALIGNMENT 64

/// A CPU kernel, exported from the artifact's code object under the name the
/// artifact gives (default visibility, C linkage).
///
///  - `bindings`: one pointer per binding of the kernel, in the artifact's
///    order. Inputs and constants are read-only (the pointer is not const
///    only to keep the signature uniform); outputs and arena buffers are
///    read-write. Bindings never overlap unless the plan makes them alias.
///  - `dims`: the values of the artifact's symbolic dimensions, indexed by
///    symbol number (the order of the artifact's symbol table). NULL-safe:
///    a model without symbols receives a pointer to nothing.
///  - `workgroup_x/y/z`: this workgroup's coordinates in the grid, each in
///    [0, grid extent).
///
/// A kernel must not block on other workgroups, must not call into the
/// runtime, and must not keep pointers after it returns.
///
/// The shape kernel (artifact format 1.1) has the same signature and runs
/// once, before the others, with its input bindings: it writes the computed
/// symbols (sizes that depend on the inputs' values) through `dims`, which
/// then points to the session's writable symbol table.
typedef void (*kiln_cpu_kernel_fn)(void **bindings, const int64_t *dims,
                                   int64_t workgroup_x, int64_t workgroup_y,
                                   int64_t workgroup_z);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* KILN_RUNTIME_KERNEL_ABI_H */

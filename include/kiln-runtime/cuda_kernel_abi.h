/*===- cuda_kernel_abi.h - The calling convention of kiln's GPU kernels ---===*
 *
 * The contract between the CUDA code generator and libkiln_runtime, as
 * kernel_abi.h is for the CPU. GPU kernels are not called from C, so this
 * header holds the version and documents the convention; the compiler emits
 * PTX that follows it and the tests write PTX by hand against it.
 *
 * The code object (artifact format 1.2, CodeFormat Cuda) carries the PTX of
 * all kernels as one module and, optionally, the cubin assembled from it for
 * the artifact's `chip` (e.g. "sm_90"). The runtime loads the cubin when the
 * GPU's compute capability is the chip's, else lets the driver JIT-compile
 * the PTX.
 *
 * Every kernel is a PTX `.entry` named by its artifact symbol, with exactly
 * two 64-bit parameters:
 *
 *   .visible .entry NAME(.param .u64 bindings, .param .u64 dims)
 *
 *  - `bindings`: a DEVICE pointer to an array of device pointers, one per
 *    binding of the kernel, in the artifact's order (void **). Inputs and
 *    constants are read-only; outputs and arena buffers read-write.
 *  - `dims`: a DEVICE pointer to the values of the artifact's symbolic
 *    dimensions (const int64_t *), indexed by symbol number. Always valid
 *    and at least 8 bytes long, even for a model without symbols.
 *
 * A kernel is launched over grid = its artifact grid (in blocks; evaluated
 * as for the CPU; a zero extent skips the launch), block = its artifact
 * block (threads; 1, 1, 1 when absent) and its `shared_bytes` of dynamic
 * shared memory. Kernels run in the artifact's order on one stream, each
 * after the previous one finished. The binding and dims tables do not
 * change while a kernel runs; a kernel must not keep pointers across runs.
 *
 *===----------------------------------------------------------------------===*/

#ifndef KILN_RUNTIME_CUDA_KERNEL_ABI_H
#define KILN_RUNTIME_CUDA_KERNEL_ABI_H

/// The version of this ABI. An artifact records the version its kernels were
/// compiled for; the runtime refuses any other.
#define KILN_CUDA_KERNEL_ABI_VERSION 1

/// Every device pointer handed to a kernel (arena buffers, constants, inputs
/// and outputs, the session's or the caller's) is aligned to at least this
/// many bytes, so kernels may use the widest vector loads. Arena buffer
/// offsets in the plan must be multiples of it.
#define KILN_CUDA_BUFFER_ALIGNMENT 256

/// The most threads of one block (the product of the block's extents).
#define KILN_CUDA_MAX_BLOCK_THREADS 1024

#endif /* KILN_RUNTIME_CUDA_KERNEL_ABI_H */

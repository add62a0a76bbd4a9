//===- KernelFormation.h - Splitting a model into CPU kernels ---*- C++ -*-===//
//
// After bufferization the model is one function over memrefs: its arguments
// are the inputs followed by the outputs, `memref.alloc`s hold
// intermediates and `memref.get_global`s the weights. Kernel formation turns
// every op of that function that touches memory into a kernel function with
// the signature of kernel_abi.h: the kernel reads its buffers from the
// binding table, its symbolic dimensions from the dims table, and a
// top-level `scf.forall` becomes the kernel's workgroup grid. A kernel
// group (KernelGroups.h) becomes one kernel running its ops in order. The
// function itself is erased; what it did is recorded in the CPUProgram
// (bindings, buffers with their lifetimes, constants with their bytes).
//
//===----------------------------------------------------------------------===//

#ifndef KILN_LIB_TARGET_CPU_KERNELFORMATION_H
#define KILN_LIB_TARGET_CPU_KERNELFORMATION_H

#include "CPUProgram.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinOps.h"

namespace kiln::cpu {

/// `main`'s arguments are program.inputs followed by program.outputs, whose
/// signatures must be filled. Emits a diagnostic and fails when a size
/// cannot be expressed over the symbolic dimensions.
mlir::LogicalResult formKernels(mlir::ModuleOp module, mlir::func::FuncOp main,
                                CPUProgram &program);

/// The runtime's dtype for an MLIR element type, or KILN_DTYPE_INVALID.
kiln_dtype_t getDType(mlir::Type elementType);

/// Bytes per element in kiln buffers (i1 takes one byte), 0 if unsupported.
int64_t getStorageBytes(mlir::Type elementType);

} // namespace kiln::cpu

#endif // KILN_LIB_TARGET_CPU_KERNELFORMATION_H

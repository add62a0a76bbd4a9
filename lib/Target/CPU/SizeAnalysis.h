//===- SizeAnalysis.h - Index values as symbolic sizes ----------*- C++ -*-===//
//
// Reads an index value of the model's main function (a dimension, an
// allocation size, a loop bound) as a SymbolicSize over the model's symbolic
// dimensions, by following the arithmetic back to `tensor.dim`/`memref.dim`
// of the function's arguments.
//
//===----------------------------------------------------------------------===//

#ifndef KILN_LIB_TARGET_CPU_SIZEANALYSIS_H
#define KILN_LIB_TARGET_CPU_SIZEANALYSIS_H

#include "SymbolicSize.h"

#include "mlir/IR/Value.h"
#include "llvm/ADT/DenseMap.h"

#include <functional>
#include <optional>

namespace kiln::cpu {

/// The attribute naming the symbol that an op's result is: a size computed
/// from the inputs' values before a run (see DataDependentSizes.h).
inline constexpr char kComputedSymbolAttr[] = "kiln.computed_symbol";

class SizeAnalysis {
public:
  /// Answers for dimension `dim` of a block argument of the main function.
  using ArgumentDim = std::function<std::optional<SymbolicSize>(
      mlir::BlockArgument, unsigned dim)>;

  explicit SizeAnalysis(ArgumentDim argumentDim)
      : argumentDim(std::move(argumentDim)) {}

  /// `value` (an index or integer) as a symbolic size, or nullopt when it
  /// depends on data or on arithmetic the artifact cannot express.
  std::optional<SymbolicSize> sizeOf(mlir::Value value);

  /// Dimension `dim` of the shaped value `shaped`.
  std::optional<SymbolicSize> dimOf(mlir::Value shaped, unsigned dim);

private:
  std::optional<SymbolicSize> compute(mlir::Value value);

  ArgumentDim argumentDim;
  llvm::DenseMap<mlir::Value, std::optional<SymbolicSize>> cache;
};

} // namespace kiln::cpu

#endif // KILN_LIB_TARGET_CPU_SIZEANALYSIS_H

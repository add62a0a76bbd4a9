//===- ConstantData.h - reading and making constant tensor data -*- C++ -*-===//
//
// Weights live in `dense_resource` blobs (never printed as text); small
// constants live in `dense` attributes so that folders can read them. These
// helpers hide which of the two a constant uses.
//
//===----------------------------------------------------------------------===//

#ifndef KILN_DIALECT_KILN_IR_CONSTANTDATA_H
#define KILN_DIALECT_KILN_IR_CONSTANTDATA_H

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Value.h"
#include <optional>
#include <vector>

namespace kiln {

/// Tensors with at most this many elements become `dense` attributes.
constexpr int64_t kMaxInlineElements = 64;

/// The values of an integer constant operand (a `kiln.constant` or anything
/// that folds to a dense integer attribute), or nullopt.
std::optional<llvm::SmallVector<int64_t>> getConstantInts(mlir::Value value);

/// The values of a floating-point constant operand, or nullopt.
std::optional<llvm::SmallVector<double>> getConstantFloats(mlir::Value value);

/// The elements of an f32 constant, whichever attribute holds them.
std::optional<std::vector<float>> getF32Values(mlir::ElementsAttr attr);

/// An attribute of `type` holding `bytes` (the little-endian raw data of
/// that type): `dense` when small, else a `dense_resource` blob named after
/// `blobName` (made unique by MLIR).
mlir::ElementsAttr makeElementsAttr(mlir::RankedTensorType type,
                                    llvm::ArrayRef<char> bytes,
                                    llvm::StringRef blobName);

/// The same for f32 values.
mlir::ElementsAttr makeF32ElementsAttr(mlir::RankedTensorType type,
                                       llvm::ArrayRef<float> values,
                                       llvm::StringRef blobName);

/// The number of bytes one element of `type` takes in raw data, or 0 for
/// element types without a byte-addressable layout (i1 is stored as bytes;
/// 4-bit types are packed two per byte and reported as 0 here).
int64_t getElementByteSize(mlir::Type type);

} // namespace kiln

#endif // KILN_DIALECT_KILN_IR_CONSTANTDATA_H

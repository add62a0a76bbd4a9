//===- ConstantData.cpp - reading and making constant tensor data ---------===//

#include "kiln/Dialect/Kiln/IR/ConstantData.h"

#include "mlir/IR/AsmState.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "mlir/IR/Matchers.h"

using namespace mlir;

namespace kiln {

std::optional<std::vector<float>> getF32Values(ElementsAttr attr) {
  if (!attr || !attr.getElementType().isF32())
    return std::nullopt;
  if (auto dense = dyn_cast<DenseElementsAttr>(attr)) {
    auto values = dense.getValues<float>();
    return std::vector<float>(values.begin(), values.end());
  }
  if (auto resource = dyn_cast<DenseF32ResourceElementsAttr>(attr)) {
    std::optional<ArrayRef<float>> data = resource.tryGetAsArrayRef();
    if (!data)
      return std::nullopt;
    return std::vector<float>(data->begin(), data->end());
  }
  return std::nullopt;
}

int64_t getElementByteSize(Type type) {
  if (type.isInteger(1))
    return 1;
  unsigned bits = type.getIntOrFloatBitWidth();
  return bits % 8 == 0 ? bits / 8 : 0;
}

ElementsAttr makeElementsAttr(RankedTensorType type, ArrayRef<char> bytes,
                              StringRef blobName) {
  Type element = type.getElementType();
  int64_t elementBytes = getElementByteSize(element);
  if (type.getNumElements() <= kMaxInlineElements && elementBytes > 0 &&
      !element.isInteger(1)) {
    bool isSplat = false;
    if (DenseElementsAttr::isValidRawBuffer(type, bytes, isSplat))
      return DenseElementsAttr::getFromRawBuffer(type, bytes);
  }
  if (element.isInteger(1) && type.getNumElements() <= kMaxInlineElements) {
    SmallVector<bool> values;
    for (char byte : bytes)
      values.push_back(byte != 0);
    return DenseElementsAttr::get(type, values);
  }
  AsmResourceBlob blob = HeapAsmResourceBlob::allocateAndCopyWithAlign(
      bytes, std::max<size_t>(alignof(uint64_t), elementBytes));
  return DenseResourceElementsAttr::get(type, blobName, std::move(blob));
}

ElementsAttr makeF32ElementsAttr(RankedTensorType type, ArrayRef<float> values,
                                 StringRef blobName) {
  return makeElementsAttr(
      type,
      ArrayRef<char>(reinterpret_cast<const char *>(values.data()),
                     values.size() * sizeof(float)),
      blobName);
}

std::optional<SmallVector<int64_t>> getConstantInts(Value value) {
  if (!value)
    return std::nullopt;
  DenseIntElementsAttr attr;
  if (!matchPattern(value, m_Constant(&attr)))
    return std::nullopt;
  SmallVector<int64_t> values;
  values.reserve(attr.getNumElements());
  bool isUnsigned = attr.getElementType().isUnsignedInteger();
  for (const APInt &v : attr.getValues<APInt>())
    values.push_back(isUnsigned || v.getBitWidth() == 1 ? v.getZExtValue()
                                                        : v.getSExtValue());
  return values;
}

std::optional<SmallVector<double>> getConstantFloats(Value value) {
  if (!value)
    return std::nullopt;
  DenseFPElementsAttr attr;
  if (!matchPattern(value, m_Constant(&attr)))
    return std::nullopt;
  SmallVector<double> values;
  for (const APFloat &v : attr.getValues<APFloat>())
    values.push_back(v.convertToDouble());
  return values;
}

} // namespace kiln

//===- TensorConversion.cpp - ONNX tensors and types to MLIR --------------===//

#include "GraphImporter.h"

#include "kiln/Dialect/Kiln/IR/ConstantData.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"

using namespace mlir;

namespace kiln::onnx_import {

FailureOr<Type> convertElementType(int32_t dataType, MLIRContext &ctx,
                                   std::string &error) {
  Builder b(&ctx);
  auto unsignedInt = [&](unsigned w) {
    return IntegerType::get(&ctx, w, IntegerType::Unsigned);
  };
  // Numbers from onnx.proto's TensorProto.DataType (1.22 adds 17-26).
  switch (dataType) {
  case 1:
    return Type(b.getF32Type());
  case 2:
    return Type(unsignedInt(8));
  case 3:
    return Type(b.getIntegerType(8));
  case 4:
    return Type(unsignedInt(16));
  case 5:
    return Type(b.getIntegerType(16));
  case 6:
    return Type(b.getIntegerType(32));
  case 7:
    return Type(b.getIntegerType(64));
  case 9:
    return Type(b.getI1Type());
  case 10:
    return Type(b.getF16Type());
  case 11:
    return Type(b.getF64Type());
  case 12:
    return Type(unsignedInt(32));
  case 13:
    return Type(unsignedInt(64));
  case 16:
    return Type(b.getBF16Type());
  case 17:
    return Type(Float8E4M3FNType::get(&ctx));
  case 18:
    return Type(Float8E4M3FNUZType::get(&ctx));
  case 19:
    return Type(Float8E5M2Type::get(&ctx));
  case 20:
    return Type(Float8E5M2FNUZType::get(&ctx));
  case 21:
    return Type(unsignedInt(4));
  case 22:
    return Type(b.getIntegerType(4));
  case 23:
    return Type(Float4E2M1FNType::get(&ctx));
  case 24:
    return Type(Float8E8M0FNUType::get(&ctx));
  case 25:
    return Type(unsignedInt(2));
  case 26:
    return Type(b.getIntegerType(2));
  case 8:
    error = "string tensors are not supported";
    return failure();
  case 14:
  case 15:
    error = "complex tensors are not supported";
    return failure();
  default:
    error = "unknown tensor data type " + std::to_string(dataType);
    return failure();
  }
}

/// Reads the bytes of an externally stored tensor.
static FailureOr<std::string> readExternalData(const onnx::TensorProto &tensor,
                                               StringRef directory,
                                               std::string &error) {
  std::string location;
  int64_t offset = 0, length = -1;
  for (const onnx::StringStringEntryProto &entry : tensor.external_data()) {
    if (entry.key() == "location")
      location = entry.value();
    else if (entry.key() == "offset")
      offset = std::strtoll(entry.value().c_str(), nullptr, 10);
    else if (entry.key() == "length")
      length = std::strtoll(entry.value().c_str(), nullptr, 10);
  }
  if (location.empty()) {
    error =
        "tensor '" + tensor.name() + "' has external data without a location";
    return failure();
  }
  // Like ONNX's own checker: external data lives beside the model, never
  // at an absolute path or above the model's folder.
  if (llvm::sys::path::is_absolute(location) ||
      llvm::any_of(llvm::make_range(llvm::sys::path::begin(location),
                                    llvm::sys::path::end(location)),
                   [](StringRef part) { return part == ".."; })) {
    error = "external data location '" + location + "' of tensor '" +
            tensor.name() +
            "' must be a relative path inside the model's folder";
    return failure();
  }
  SmallString<256> file(directory);
  llvm::sys::path::append(file, location);
  auto buffer = llvm::MemoryBuffer::getFile(file, /*IsText=*/false,
                                            /*RequiresNullTerminator=*/false);
  if (!buffer) {
    error = "cannot read external data '" + std::string(file) +
            "' of tensor '" + tensor.name() +
            "': " + buffer.getError().message();
    return failure();
  }
  int64_t size = (*buffer)->getBufferSize();
  if (length < 0)
    length = size - offset;
  if (offset < 0 || offset > size || length > size - offset) {
    error = "external data of tensor '" + tensor.name() + "' (offset " +
            std::to_string(offset) + ", length " + std::to_string(length) +
            ") lies outside '" + std::string(file) + "' (" +
            std::to_string(size) + " bytes)";
    return failure();
  }
  return std::string((*buffer)->getBufferStart() + offset, length);
}

/// Raw little-endian bytes of the tensor's elements, one element per
/// getElementByteSize() bytes, from whichever field holds them.
static FailureOr<std::string> collectBytes(const onnx::TensorProto &tensor,
                                           int64_t elementBytes,
                                           StringRef directory,
                                           std::string &error) {
  if (tensor.data_location() == onnx::TensorProto::EXTERNAL)
    return readExternalData(tensor, directory, error);
  if (tensor.has_raw_data())
    return tensor.raw_data();
  std::string bytes;
  auto append = [&](const void *p, size_t n) {
    bytes.append(static_cast<const char *>(p), n);
  };
  if (tensor.float_data_size()) {
    append(tensor.float_data().data(), tensor.float_data_size() * 4);
  } else if (tensor.double_data_size()) {
    append(tensor.double_data().data(), tensor.double_data_size() * 8);
  } else if (tensor.int64_data_size()) {
    append(tensor.int64_data().data(), tensor.int64_data_size() * 8);
  } else if (tensor.uint64_data_size()) {
    for (uint64_t v : tensor.uint64_data())
      append(&v, elementBytes);
  } else if (tensor.int32_data_size()) {
    // int32_data holds every element type of 32 bits or less, one per entry.
    if (elementBytes > 4) {
      error = "tensor '" + tensor.name() +
              "' holds elements wider than 32 bits in int32_data";
      return failure();
    }
    for (int32_t v : tensor.int32_data())
      append(&v, elementBytes ? elementBytes : 1);
  }
  return bytes;
}

FailureOr<ElementsAttr> convertTensor(const onnx::TensorProto &tensor,
                                      StringRef directory, MLIRContext &ctx,
                                      std::string &error) {
  FailureOr<Type> element = convertElementType(tensor.data_type(), ctx, error);
  if (failed(element)) {
    error = "tensor '" + tensor.name() + "': " + error;
    return failure();
  }
  SmallVector<int64_t> shape;
  int64_t count = 1;
  for (int64_t dim : tensor.dims()) {
    if (dim < 0) {
      error = "tensor '" + tensor.name() + "' has a negative dimension";
      return failure();
    }
    shape.push_back(dim);
    if (dim != 0 && count > (int64_t(1) << 50) / dim) {
      error = "tensor '" + tensor.name() + "' is too large";
      return failure();
    }
    count *= dim;
  }
  auto type = RankedTensorType::get(shape, *element);
  unsigned bits = element->getIntOrFloatBitWidth();
  int64_t elementBytes = getElementByteSize(*element);
  FailureOr<std::string> bytes =
      collectBytes(tensor, elementBytes, directory, error);
  if (failed(bytes))
    return failure();
  bool subByte = bits < 8 && !element->isInteger(1);
  bool fromTypedField = !tensor.has_raw_data() &&
                        tensor.data_location() != onnx::TensorProto::EXTERNAL;
  int64_t expected = subByte && !fromTypedField ? (count * bits + 7) / 8
                     : subByte                  ? count
                                                : count * elementBytes;
  if ((int64_t)bytes->size() != expected) {
    error = "tensor '" + tensor.name() + "' holds " +
            std::to_string(bytes->size()) + " bytes of data, expected " +
            std::to_string(expected) + " for " + std::to_string(count) +
            " elements";
    return failure();
  }
  if (!subByte) {
    std::string name = tensor.name().empty() ? "onnx_tensor" : tensor.name();
    return makeElementsAttr(type, ArrayRef<char>(bytes->data(), bytes->size()),
                            name);
  }
  // 4- and 2-bit elements: raw data packs them, low bits first.
  SmallVector<APInt> values;
  for (int64_t i = 0; i < count; ++i) {
    uint8_t byte = (*bytes)[fromTypedField ? i : i * bits / 8];
    unsigned shift = fromTypedField ? 0 : (i * bits) % 8;
    values.push_back(APInt(bits, (byte >> shift) & ((1u << bits) - 1)));
  }
  if (auto floatType = dyn_cast<FloatType>(*element)) {
    SmallVector<APFloat> floats;
    for (const APInt &v : values)
      floats.push_back(APFloat(floatType.getFloatSemantics(), v));
    return ElementsAttr(DenseElementsAttr::get(type, floats));
  }
  return ElementsAttr(DenseElementsAttr::get(type, values));
}

} // namespace kiln::onnx_import

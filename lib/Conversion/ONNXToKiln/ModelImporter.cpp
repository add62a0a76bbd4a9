//===- ModelImporter.cpp - ONNX ModelProto to a kiln function -------------===//

#include "GraphImporter.h"

#include "kiln/Conversion/ONNXToKiln/ONNXToKiln.h"
#include "kiln/Dialect/Kiln/IR/KilnDialect.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/TypeUtilities.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Support/MathExtras.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"

#include <google/protobuf/io/coded_stream.h>
#include <limits>

using namespace mlir;

namespace kiln::onnx_import {

Value GraphImporter::lookup(StringRef name) const {
  for (const GraphImporter *scope = this; scope; scope = scope->parent) {
    auto it = scope->values.find(name);
    if (it != scope->values.end())
      return it->second;
  }
  return {};
}

LogicalResult GraphImporter::fail(const llvm::Twine &message) {
  if (model.error.empty())
    model.error = message.str();
  return failure();
}

LogicalResult GraphImporter::importBody(const onnx::GraphProto &graph,
                                        OpBuilder &builder) {
  for (const onnx::TensorProto &tensor : graph.initializer()) {
    FailureOr<ElementsAttr> value =
        convertTensor(tensor, model.directory, model.context, model.error);
    if (failed(value))
      return failure();
    bind(tensor.name(),
         ConstantOp::create(builder, builder.getUnknownLoc(), *value));
  }
  if (graph.sparse_initializer_size())
    return fail("sparse initializers are not supported yet");
  for (auto [index, node] : llvm::enumerate(graph.node()))
    if (failed(importNode(node, index, builder)))
      return failure();
  return success();
}

LogicalResult GraphImporter::importNode(const onnx::NodeProto &node,
                                        size_t index, OpBuilder &builder) {
  StringRef domain = node.domain();
  int64_t opset = model.opset;
  // Unnamed nodes (common in exported graphs) are named by their position.
  std::string name = node.name().empty() ? "#" + std::to_string(index)
                                         : "'" + node.name() + "'";
  std::string where = "node " + name + " (" + node.op_type() +
                      (domain.empty() || domain == "ai.onnx"
                           ? ""
                           : ", domain '" + domain.str() + "'") +
                      ", opset " + std::to_string(opset) + "): ";
  auto failNode = [&](const llvm::Twine &message) {
    if (model.error.empty())
      model.error = where + message.str();
    return failure();
  };
  if (!domain.empty() && domain != "ai.onnx")
    return failNode("the domain is not supported yet");
  for (const std::string &name : node.input())
    if (!name.empty() && !lookup(name))
      return failNode("input '" + name + "' is not defined before the node");

  const OpRegistry &registry = OpRegistry::get();
  const OpHandler *handler = registry.lookup(node.op_type(), opset);
  if (!handler) {
    if (llvm::is_contained({"Loop", "Scan", "If"}, node.op_type()))
      return failNode("control flow is not supported yet");
    if (registry.knows(node.op_type()))
      return failNode("this opset version of the op is not supported yet");
    return failNode("the op is not supported yet");
  }
  Location loc = NameLoc::get(
      builder.getStringAttr(node.name().empty() ? node.op_type() : node.name()),
      FileLineColLoc::get(&model.context, model.path, 0, 0));
  NodeImporter importer(*this, node, opset, builder, loc);
  std::string previous = model.error;
  if (failed((*handler)(importer))) {
    // Handlers report through NodeImporter::fail; prefix the node.
    if (previous.empty())
      model.error =
          where + (model.error.empty() ? "import failed" : model.error);
    return failure();
  }
  for (int64_t i = 0; i < node.output_size(); ++i)
    if (!node.output(i).empty() && !lookup(node.output(i)))
      return failNode("output " + std::to_string(i) + " ('" + node.output(i) +
                      "') is not supported yet");
  return success();
}

} // namespace kiln::onnx_import

using namespace kiln::onnx_import;

namespace kiln {

void registerImporterDialects(DialectRegistry &registry) {
  registry.insert<KilnDialect, func::FuncDialect>();
}

namespace {
/// The type of a graph input or output: a ranked tensor with static sizes,
/// dynamic ones for `dim_param` or missing dims; `dimParams` gets the
/// symbolic names.
FailureOr<RankedTensorType>
convertValueType(const onnx::ValueInfoProto &info, ModelState &model,
                 SmallVectorImpl<Attribute> &dimParams) {
  Builder b(&model.context);
  if (!info.type().has_tensor_type()) {
    model.error =
        "graph value '" + info.name() +
        "' is not a tensor (sequence, map and optional values are not "
        "supported yet)";
    return failure();
  }
  const onnx::TypeProto::Tensor &tensor = info.type().tensor_type();
  std::string error;
  FailureOr<Type> element =
      convertElementType(tensor.elem_type(), model.context, error);
  if (failed(element)) {
    model.error = "graph value '" + info.name() + "': " + error;
    return failure();
  }
  if (!tensor.has_shape()) {
    model.error = "graph value '" + info.name() +
                  "' has no shape (rank unknown); kiln needs ranked inputs";
    return failure();
  }
  SmallVector<int64_t> shape;
  for (const onnx::TensorShapeProto::Dimension &dim : tensor.shape().dim()) {
    bool isStatic = dim.has_dim_value() && dim.dim_value() >= 0;
    shape.push_back(isStatic ? dim.dim_value() : ShapedType::kDynamic);
    dimParams.push_back(
        b.getStringAttr(dim.has_dim_param() ? dim.dim_param() : ""));
  }
  // Shape inference counts elements in int64; a count that overflows is a
  // corrupt model.
  int64_t count = 1;
  if (!llvm::is_contained(shape, 0))
    for (int64_t dim : shape)
      if (!ShapedType::isDynamic(dim) && llvm::MulOverflow(count, dim, count)) {
        model.error = "graph value '" + info.name() +
                      "' has more elements than int64 can count";
        return failure();
      }
  return RankedTensorType::get(shape, *element);
}

/// Applies a --input-shape pin, checking that it agrees with the model.
FailureOr<RankedTensorType> pinShape(RankedTensorType type, StringRef name,
                                     ArrayRef<int64_t> pinned,
                                     ModelState &model) {
  if ((int64_t)pinned.size() != type.getRank()) {
    model.error = "--input-shape for '" + name.str() + "' has " +
                  std::to_string(pinned.size()) +
                  " dimensions but the input has rank " +
                  std::to_string(type.getRank());
    return failure();
  }
  for (auto [i, dims] : llvm::enumerate(llvm::zip(type.getShape(), pinned))) {
    auto [declared, given] = dims;
    if (!ShapedType::isDynamic(declared) && declared != given) {
      model.error = "--input-shape for '" + name.str() + "' sets dimension " +
                    std::to_string(i) + " to " + std::to_string(given) +
                    " but the model fixes it at " + std::to_string(declared);
      return failure();
    }
  }
  return type.clone(pinned);
}

/// Fails when a graph output's declared type contradicts the inferred one
/// (another element type or rank, or another size in a dimension both know).
LogicalResult checkDeclaredType(const onnx::ValueInfoProto &output,
                                Type inferred, ModelState &model) {
  if (!output.type().has_tensor_type() ||
      !output.type().tensor_type().has_shape())
    return success(); // Nothing declared to compare with.
  std::string ignored = model.error;
  SmallVector<Attribute> dimParams;
  FailureOr<RankedTensorType> declared =
      convertValueType(output, model, dimParams);
  model.error = ignored;
  if (failed(declared))
    return success();
  auto actual = cast<RankedTensorType>(inferred);
  if (declared->getElementType() == actual.getElementType() &&
      succeeded(verifyCompatibleShape(declared->getShape(), actual.getShape())))
    return success();
  std::string text;
  llvm::raw_string_ostream os(text);
  os << "graph output '" << output.name() << "' is declared " << *declared
     << " but kiln infers " << actual;
  model.error = os.str();
  return failure();
}

FailureOr<onnx::ModelProto> parseModel(StringRef bytes, ModelState &model) {
  // Protobuf limits one message to 2 GB; larger models keep their weights in
  // external data files, which are read separately.
  if (bytes.size() > static_cast<size_t>(std::numeric_limits<int>::max())) {
    model.error = "the file is larger than 2 GB, which protobuf cannot parse; "
                  "save the model with its weights as external data";
    return failure();
  }
  google::protobuf::io::CodedInputStream stream(
      reinterpret_cast<const uint8_t *>(bytes.data()),
      static_cast<int>(bytes.size()));
  stream.SetTotalBytesLimit(std::numeric_limits<int>::max());
  onnx::ModelProto proto;
  if (!proto.ParseFromCodedStream(&stream) || !stream.ConsumedEntireMessage()) {
    model.error = "not a valid ONNX model (the protobuf does not parse; is the "
                  "file truncated or not an .onnx file?)";
    return failure();
  }
  if (!proto.has_graph()) {
    model.error = "the model has no graph";
    return failure();
  }
  return proto;
}
} // namespace

llvm::Expected<OwningOpRef<ModuleOp>>
importONNXModel(StringRef path, MLIRContext &context,
                const ImportOptions &options) {
  auto buffer =
      llvm::MemoryBuffer::getFileOrSTDIN(path, /*IsText=*/false,
                                         /*RequiresNullTerminator=*/false);
  if (!buffer)
    return llvm::createStringError(
        llvm::inconvertibleErrorCode(),
        path.str() + ": cannot read the file: " + buffer.getError().message());
  SmallString<256> directory(path);
  llvm::sys::path::remove_filename(directory);
  return importONNXModelFromBuffer((*buffer)->getBuffer(), path,
                                   directory.empty() ? "." : directory.str(),
                                   context, options);
}

llvm::Expected<OwningOpRef<ModuleOp>>
importONNXModelFromBuffer(StringRef bytes, StringRef name,
                          StringRef externalDataDirectory, MLIRContext &context,
                          const ImportOptions &options) {
  context.loadDialect<KilnDialect, func::FuncDialect>();
  ModelState model{context, name.str(), externalDataDirectory.str(), 0, "", ""};
  StringRef path = name;
  auto error = [&]() {
    return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                   path.str() + ": " + model.error);
  };

  FailureOr<onnx::ModelProto> proto = parseModel(bytes, model);
  if (failed(proto))
    return error();
  for (const onnx::OperatorSetIdProto &opset : proto->opset_import())
    if (opset.domain().empty() || opset.domain() == "ai.onnx")
      model.opset = opset.version();
  if (model.opset == 0)
    model.opset = 1; // IR version 1 files predate opset_import.
  if (model.opset > 27) {
    model.error = "default-domain opset " + std::to_string(model.opset) +
                  " is newer than kiln supports (1 to 27)";
    return error();
  }

  // Capture inference diagnostics so they become part of the node's error.
  ScopedDiagnosticHandler handler(&context, [&](Diagnostic &diag) {
    if (diag.getSeverity() == DiagnosticSeverity::Error)
      model.diagnostic = diag.str();
    return success();
  });

  const onnx::GraphProto &graph = proto->graph();
  OpBuilder builder(&context);
  OwningOpRef<ModuleOp> module = ModuleOp::create(builder.getUnknownLoc());
  llvm::StringSet<> initializers;
  for (const onnx::TensorProto &tensor : graph.initializer())
    initializers.insert(tensor.name());

  SmallVector<Type> inputTypes;
  SmallVector<const onnx::ValueInfoProto *> inputs;
  SmallVector<DictionaryAttr> argAttrs;
  for (const onnx::ValueInfoProto &input : graph.input()) {
    if (initializers.contains(input.name()))
      continue; // Older IR versions list initializers as inputs: constants.
    SmallVector<Attribute> dimParams;
    FailureOr<RankedTensorType> type =
        convertValueType(input, model, dimParams);
    if (failed(type))
      return error();
    auto pin = options.inputShapes.find(input.name());
    if (pin != options.inputShapes.end()) {
      type = pinShape(*type, input.name(), pin->second, model);
      if (failed(type))
        return error();
    }
    inputs.push_back(&input);
    inputTypes.push_back(*type);
    SmallVector<NamedAttribute> attrs = {
        builder.getNamedAttr("kiln.name", builder.getStringAttr(input.name()))};
    if (llvm::any_of(dimParams, [](Attribute a) {
          return !cast<StringAttr>(a).getValue().empty();
        }))
      attrs.push_back(builder.getNamedAttr("kiln.dim_params",
                                           builder.getArrayAttr(dimParams)));
    argAttrs.push_back(builder.getDictionaryAttr(attrs));
  }
  for (const auto &[name, shape] : options.inputShapes)
    if (!llvm::any_of(inputs, [&](auto *in) { return in->name() == name; })) {
      model.error =
          "--input-shape names '" + name + "', which is not a graph input";
      return error();
    }

  auto func = func::FuncOp::create(builder, builder.getUnknownLoc(),
                                   options.functionName,
                                   builder.getFunctionType(inputTypes, {}));
  module->push_back(func);
  Block *body = func.addEntryBlock();
  builder.setInsertionPointToStart(body);

  GraphImporter importer(model);
  for (auto [input, arg] : llvm::zip(inputs, body->getArguments()))
    importer.bind(input->name(), arg);
  if (failed(importer.importBody(graph, builder)))
    return error();

  SmallVector<Value> results;
  SmallVector<Attribute> resultAttrs;
  for (const onnx::ValueInfoProto &output : graph.output()) {
    Value value = importer.lookup(output.name());
    if (!value) {
      model.error =
          "graph output '" + output.name() + "' is not produced by any node";
      return error();
    }
    if (options.verifyDeclaredTypes &&
        failed(checkDeclaredType(output, value.getType(), model)))
      return error();
    results.push_back(value);
    resultAttrs.push_back(builder.getDictionaryAttr(builder.getNamedAttr(
        "kiln.name", builder.getStringAttr(output.name()))));
  }
  func::ReturnOp::create(builder, builder.getUnknownLoc(), results);
  func.setFunctionType(
      builder.getFunctionType(inputTypes, ValueRange(results).getTypes()));
  func.setAllArgAttrs(argAttrs);
  func.setAllResultAttrs(resultAttrs);
  return module;
}

} // namespace kiln

//===- ImporterFuzzer.cpp - libFuzzer target for the ONNX importer --------===//
//
// Feeds arbitrary bytes to kiln::importONNXModelFromBuffer. A bad model must
// come back as an llvm::Error: a crash, abort, hang, leak or sanitizer report
// is a bug. A model that imports is verified and, when it verifies, run
// through kiln-compile's graph pipeline (canonicalize, kiln-fold-batchnorm,
// kiln-infer-shapes, canonicalize, cse; keep it in step with
// tools/kiln-compile).
//
// An imported module that does not verify, or a tensor type with a negative
// (not dynamic) dimension, is a kiln bug too, but not a crash: by default the
// input is only printed (with KILN_FUZZ_VERBOSE=1), so that fuzzing goes on.
// With KILN_FUZZ_STRICT=1 the fuzzer traps on it, so that libFuzzer saves
// the input as a crash.
//
// A graph pipeline that fails on a verified module is reported the same way
// but traps only with KILN_FUZZ_STRICT_PASSES=1: it is usually a model whose
// shapes contradict each other only once the passes make a dynamic
// dimension static (kiln-compile then fails cleanly, naming the op), but it
// may also be a pass that breaks the IR.
//
// Half of the mutations are structure-aware (LLVMFuzzerCustomMutator below):
// they parse the input as an onnx::ModelProto and set one attribute, shape,
// initializer, input name or the opset to a boundary value.
//
// Build and run: see test/fuzz/CMakeLists.txt.
//
//===----------------------------------------------------------------------===//

#include "kiln/Conversion/ONNXToKiln/ONNXToKiln.h"
#include "kiln/Dialect/Kiln/IR/KilnDialect.h"
#include "kiln/Dialect/Kiln/Transforms/Passes.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/Verifier.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Transforms/Passes.h"
#include "llvm/Support/raw_ostream.h"

#include "onnx/onnx_pb.h"

#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <random>

using namespace mlir;

namespace {
bool envFlag(const char *name) {
  const char *value = std::getenv(name);
  return value && std::strcmp(value, "1") == 0;
}

/// Reports a bug that is not a crash: traps when `strictVariable` is 1.
void report(const char *what, const std::string &diagnostics,
            const char *strictVariable = "KILN_FUZZ_STRICT") {
  const bool strict = envFlag(strictVariable);
  static const bool verbose = envFlag("KILN_FUZZ_VERBOSE");
  if (strict || verbose)
    llvm::errs() << "kiln-import-fuzzer: " << what << "\n" << diagnostics;
  if (strict)
    __builtin_trap();
}

/// The verifier takes types as given; a dimension that is negative but not
/// dynamic means some inference computed a bogus extent.
bool hasInvalidShape(ModuleOp module, std::string &diagnostics) {
  bool invalid = false;
  module->walk([&](Operation *op) {
    for (Value result : op->getResults())
      if (auto type = dyn_cast<RankedTensorType>(result.getType()))
        if (llvm::any_of(type.getShape(), [](int64_t d) {
              return d < 0 && !ShapedType::isDynamic(d);
            })) {
          llvm::raw_string_ostream(diagnostics)
              << op->getName() << " has the result type " << type << "\n";
          invalid = true;
        }
  });
  return invalid;
}
} // namespace

//===----------------------------------------------------------------------===//
// Structure-aware mutation
//===----------------------------------------------------------------------===//
//
// Byte-level mutations mostly break the protobuf. Half of the time, an input
// that parses gets one mutation of its ONNX structure instead: an attribute,
// a dimension, an initializer's shape or type, a node's wiring or the
// opset, set to a boundary value (0, -1, INT64_MIN, 2^62, NaN, ...).

namespace {
using Rng = std::minstd_rand;

int64_t pick(Rng &rng, int64_t n) {
  return std::uniform_int_distribution<int64_t>(0, n - 1)(rng);
}

int64_t interestingInt(Rng &rng, int64_t old) {
  static const int64_t values[] = {0,
                                   1,
                                   -1,
                                   2,
                                   3,
                                   -2,
                                   255,
                                   256,
                                   65536,
                                   std::numeric_limits<int32_t>::max(),
                                   std::numeric_limits<int32_t>::min(),
                                   int64_t(1) << 32,
                                   int64_t(1) << 62,
                                   -(int64_t(1) << 62),
                                   std::numeric_limits<int64_t>::max(),
                                   std::numeric_limits<int64_t>::min()};
  switch (pick(rng, 4)) {
  case 0:
    return int64_t(uint64_t(old) + (pick(rng, 2) ? 1 : -1)); // wraps
  case 1:
    return pick(rng, 17) - 8;
  default:
    return values[pick(rng, std::size(values))];
  }
}

float interestingFloat(Rng &rng) {
  static const float values[] = {0.0f,
                                 -0.0f,
                                 1.0f,
                                 -1.0f,
                                 0.5f,
                                 1e-30f,
                                 1e30f,
                                 std::numeric_limits<float>::max(),
                                 std::numeric_limits<float>::infinity(),
                                 -std::numeric_limits<float>::infinity(),
                                 std::numeric_limits<float>::quiet_NaN()};
  return values[pick(rng, std::size(values))];
}

void mutateInts(Rng &rng, google::protobuf::RepeatedField<int64_t> &ints) {
  int64_t choice = pick(rng, 4);
  if (ints.empty() || choice == 0)
    ints.Add(interestingInt(rng, 0));
  else if (choice == 1)
    ints.RemoveLast();
  else {
    int64_t i = pick(rng, ints.size());
    ints.Set(i, interestingInt(rng, ints.Get(i)));
  }
}

void mutateAttribute(Rng &rng, onnx::AttributeProto &attr) {
  switch (attr.type()) {
  case onnx::AttributeProto::INT:
    attr.set_i(interestingInt(rng, attr.i()));
    break;
  case onnx::AttributeProto::FLOAT:
    attr.set_f(interestingFloat(rng));
    break;
  case onnx::AttributeProto::INTS:
    mutateInts(rng, *attr.mutable_ints());
    break;
  case onnx::AttributeProto::FLOATS:
    if (attr.floats_size() && pick(rng, 2))
      attr.set_floats(pick(rng, attr.floats_size()), interestingFloat(rng));
    else
      attr.add_floats(interestingFloat(rng));
    break;
  case onnx::AttributeProto::STRING:
    attr.set_s(pick(rng, 2) ? "" : attr.s() + "X");
    break;
  case onnx::AttributeProto::TENSOR:
    if (attr.t().dims_size())
      attr.mutable_t()->set_dims(pick(rng, attr.t().dims_size()),
                                 interestingInt(rng, 0));
    else
      attr.mutable_t()->set_data_type(pick(rng, 27));
    break;
  default:
    // Another type with the same name: the importer must check the type.
    attr.set_type(onnx::AttributeProto::INT);
    attr.set_i(interestingInt(rng, 0));
    break;
  }
}

void mutateShape(Rng &rng, onnx::TypeProto &type) {
  if (!type.has_tensor_type())
    return;
  onnx::TypeProto::Tensor &tensor = *type.mutable_tensor_type();
  if (pick(rng, 8) == 0) {
    tensor.set_elem_type(pick(rng, 28));
    return;
  }
  onnx::TensorShapeProto &shape = *tensor.mutable_shape();
  int64_t choice = pick(rng, 5);
  if (shape.dim_size() == 0 || choice == 0)
    shape.add_dim()->set_dim_value(interestingInt(rng, 1));
  else if (choice == 1)
    shape.mutable_dim()->RemoveLast();
  else if (choice == 2)
    shape.mutable_dim(pick(rng, shape.dim_size()))->set_dim_param("N");
  else {
    auto *dim = shape.mutable_dim(pick(rng, shape.dim_size()));
    dim->set_dim_value(interestingInt(rng, dim->dim_value()));
  }
}

/// The names a node input may be rewired to: graph inputs, initializers and
/// node outputs.
std::string randomValueName(Rng &rng, const onnx::GraphProto &graph) {
  int64_t total =
      graph.input_size() + graph.initializer_size() + graph.node_size();
  if (total == 0)
    return "";
  int64_t i = pick(rng, total);
  if (i < graph.input_size())
    return graph.input(i).name();
  i -= graph.input_size();
  if (i < graph.initializer_size())
    return graph.initializer(i).name();
  const onnx::NodeProto &node = graph.node(i - graph.initializer_size());
  return node.output_size() ? node.output(pick(rng, node.output_size())) : "";
}

/// Applies one structural mutation; false when the model offers nothing to
/// mutate at the point picked.
bool mutateModel(Rng &rng, onnx::ModelProto &model) {
  onnx::GraphProto &graph = *model.mutable_graph();
  switch (pick(rng, 8)) {
  case 0:
  case 1:
  case 2: { // an attribute
    if (!graph.node_size())
      return false;
    onnx::NodeProto &node = *graph.mutable_node(pick(rng, graph.node_size()));
    if (!node.attribute_size())
      return false;
    mutateAttribute(rng,
                    *node.mutable_attribute(pick(rng, node.attribute_size())));
    return true;
  }
  case 3: { // a graph input's or output's type
    bool input = pick(rng, 2);
    int64_t size = input ? graph.input_size() : graph.output_size();
    if (!size)
      return false;
    onnx::ValueInfoProto &info = input ? *graph.mutable_input(pick(rng, size))
                                       : *graph.mutable_output(pick(rng, size));
    mutateShape(rng, *info.mutable_type());
    return true;
  }
  case 4: { // an initializer's dims, type or data
    if (!graph.initializer_size())
      return false;
    onnx::TensorProto &t =
        *graph.mutable_initializer(pick(rng, graph.initializer_size()));
    int64_t choice = pick(rng, 4);
    if (choice == 0)
      t.set_data_type(pick(rng, 28));
    else if (choice == 1 && t.int64_data_size())
      t.set_int64_data(pick(rng, t.int64_data_size()), interestingInt(rng, 0));
    else if (choice == 2 && t.raw_data().size() >= 8 &&
             t.data_type() == onnx::TensorProto::INT64) {
      int64_t v = interestingInt(rng, 0);
      size_t at = pick(rng, t.raw_data().size() / 8) * 8;
      std::memcpy(&(*t.mutable_raw_data())[at], &v, 8);
    } else
      mutateInts(rng, *t.mutable_dims());
    return true;
  }
  case 5: { // a node's wiring
    if (!graph.node_size())
      return false;
    onnx::NodeProto &node = *graph.mutable_node(pick(rng, graph.node_size()));
    int64_t choice = pick(rng, 3);
    if (node.input_size() && choice == 0)
      node.set_input(pick(rng, node.input_size()), randomValueName(rng, graph));
    else if (node.input_size() && choice == 1)
      node.mutable_input()->RemoveLast();
    else
      node.add_input(randomValueName(rng, graph));
    return true;
  }
  case 6: { // the default-domain opset
    for (onnx::OperatorSetIdProto &opset : *model.mutable_opset_import())
      if (opset.domain().empty() || opset.domain() == "ai.onnx") {
        opset.set_version(1 + pick(rng, 27));
        return true;
      }
    return false;
  }
  default: { // a node's op type, taken from another node
    if (graph.node_size() < 2)
      return false;
    graph.mutable_node(pick(rng, graph.node_size()))
        ->set_op_type(graph.node(pick(rng, graph.node_size())).op_type());
    return true;
  }
  }
}
} // namespace

extern "C" size_t LLVMFuzzerMutate(uint8_t *data, size_t size, size_t maxSize);

extern "C" size_t LLVMFuzzerCustomMutator(uint8_t *data, size_t size,
                                          size_t maxSize, unsigned seed) {
  Rng rng(seed);
  onnx::ModelProto model;
  if (pick(rng, 2) == 0 || !model.ParseFromArray(data, size) ||
      !model.has_graph())
    return LLVMFuzzerMutate(data, size, maxSize);
  bool mutated = false;
  for (int tries = 0; tries < 4 && !mutated; ++tries)
    mutated = mutateModel(rng, model);
  std::string bytes;
  if (!mutated || !model.SerializeToString(&bytes) || bytes.size() > maxSize)
    return LLVMFuzzerMutate(data, size, maxSize);
  std::memcpy(data, bytes.data(), bytes.size());
  return bytes.size();
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  // A fresh context per input: nothing (uniqued attributes, resource blobs)
  // carries over from one input to the next.
  DialectRegistry registry;
  kiln::registerImporterDialects(registry);
  MLIRContext context(registry, MLIRContext::Threading::DISABLED);
  context.loadAllAvailableDialects();

  // Collect diagnostics instead of printing them: the importer turns its own
  // into the llvm::Error; the verifier's and the passes' are kept for the
  // report.
  std::string diagnostics;
  ScopedDiagnosticHandler handler(&context, [&](Diagnostic &diag) {
    if (diagnostics.size() < 16384) {
      llvm::raw_string_ostream os(diagnostics);
      os << diag.getLocation() << ": " << diag << "\n";
      for (const Diagnostic &note : diag.getNotes())
        os << "  note: " << note << "\n";
    }
    return success();
  });

  kiln::ImportOptions options;
  auto module = kiln::importONNXModelFromBuffer(
      llvm::StringRef(reinterpret_cast<const char *>(data), size), "fuzz.onnx",
      "/nonexistent-kiln-fuzz", context, options);
  if (!module) {
    llvm::consumeError(module.takeError());
    return 0;
  }
  if (!*module) {
    report("the importer succeeded without a module", diagnostics);
    return 0;
  }
  if (failed(verify(**module))) {
    report("the imported module does not verify", diagnostics);
    return 0;
  }
  if (hasInvalidShape(**module, diagnostics)) {
    report("the imported module has a negative dimension", diagnostics);
    return 0;
  }

  PassManager pm(&context);
  OpPassManager &func = pm.nest<func::FuncOp>();
  func.addPass(createCanonicalizerPass());
  func.addPass(kiln::createKilnFoldBatchNorm());
  func.addPass(kiln::createKilnInferShapes());
  func.addPass(createCanonicalizerPass());
  func.addPass(createCSEPass());
  if (failed(pm.run(**module)))
    report("the graph passes failed on a verified module", diagnostics,
           "KILN_FUZZ_STRICT_PASSES");
  else if (hasInvalidShape(**module, diagnostics))
    report("the graph passes made a negative dimension", diagnostics);
  return 0;
}

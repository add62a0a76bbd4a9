//===- ImportControlFlow.cpp - If with a constant condition ---------------===//
//
// kiln has no control flow at the graph level yet. An If whose condition is
// a constant (common in exported models after constant folding) is replaced
// by the branch it always takes; every other If, Loop and Scan is reported
// as unsupported by the importer.
//
//===----------------------------------------------------------------------===//

#include "GraphImporter.h"

using namespace mlir;

namespace kiln::onnx_import {
namespace {

LogicalResult importIf(NodeImporter &n) {
  FailureOr<Value> cond = n.requiredInput(0);
  if (failed(cond))
    return failure();
  std::optional<SmallVector<int64_t>> value = n.constInts(*cond);
  if (!value || value->size() != 1)
    return n.fail("control flow is not supported yet (only an If with a "
                  "constant condition is)");
  const onnx::AttributeProto *branch =
      n.attr((*value)[0] ? "then_branch" : "else_branch");
  if (!branch || !branch->has_g())
    return n.fail("the taken branch is missing");
  const onnx::GraphProto &graph = branch->g();
  GraphImporter scope(n.graph.model, &n.graph);
  if (failed(scope.importBody(graph, n.b)))
    return failure();
  if (graph.output_size() != n.numOutputs())
    return n.fail("the branch has " + llvm::Twine(graph.output_size()) +
                  " outputs, the node " + llvm::Twine(n.numOutputs()));
  for (auto [i, output] : llvm::enumerate(graph.output())) {
    Value v = scope.lookup(output.name());
    if (!v)
      return n.fail("branch output '" + output.name() + "' is not produced");
    n.setOutput(i, v);
  }
  return success();
}

} // namespace

void registerControlFlowHandlers(OpRegistry &r) { r.add("If", 1, importIf); }

} // namespace kiln::onnx_import

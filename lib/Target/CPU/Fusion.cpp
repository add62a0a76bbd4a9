//===- Fusion.cpp - Fusing elementwise producers into consumers -----------===//

#include "Fusion.h"
#include "LayoutFolding.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

using namespace mlir;

/// Fuses each elementwise producer into its sole user where that user reads
/// each produced element once.
static LogicalResult fuseIntoSoleUsers(ModuleOp module) {
  RewritePatternSet patterns(module.getContext());
  linalg::populateElementwiseOpsFusionPatterns(
      patterns, [](OpOperand *operand) {
        auto consumer = dyn_cast<linalg::LinalgOp>(operand->getOwner());
        // Every loop of the consumer indexes the operand: each produced
        // element is computed once. And the consumer is the value's only
        // user (reading it once or more, as d * d): see isWorthRecomputing
        // for the few worth computing in several users.
        return consumer &&
               llvm::all_of(
                   operand->get().getUsers(),
                   [&](Operation *user) { return user == consumer; }) &&
               consumer.getMatchingIndexingMap(operand).isPermutation();
      });
  return applyPatternsGreedily(module, std::move(patterns));
}

/// A recomputed producer's body holds at most this many ops.
constexpr size_t kMaxRecomputedOps = 4;

/// Whether `producer` is worth computing again in each of its users: an
/// elementwise generic of a few ops that reads one full-size tensor (its other
/// inputs broadcast along some loops), and whose every user is a generic that
/// reads each of its elements once. Each user then reads that one tensor in
/// place of the producer's result, no more than before, and the producer's
/// own pass over memory (a kernel, on the GPU) is gone: a layer norm's
/// `x - mean` feeding both the variance and the normalization, a softmax's
/// `exp(x - max)` feeding both the sum and the division.
///
/// A full-size input that a contraction computes is left alone: the producer
/// is that contraction's epilogue (in a GPU kernel group, its result never
/// reaches memory). And reading one full-size tensor keeps copies from
/// compounding along a residual stream, where each sum reads two. Math
/// functions are recomputed only with `recomputeMath` (fuseElementwiseOps).
static bool isWorthRecomputing(linalg::GenericOp producer, bool recomputeMath) {
  if (producer->getNumResults() != 1 || producer.getNumReductionLoops() != 0 ||
      !producer.hasPureTensorSemantics() ||
      producer.payloadUsesValueFromOperand(producer.getDpsInitOperand(0)))
    return false;
  Block &body = producer.getRegion().front();
  if (body.getOperations().size() - 1 > kMaxRecomputedOps ||
      !llvm::all_of(body.without_terminator(), [&](Operation &op) {
        return isPure(&op) &&
               (recomputeMath || !isa<math::MathDialect>(op.getDialect()));
      }))
    return false;
  int fullSizeInputs = 0;
  for (OpOperand *input : producer.getDpsInputOperands()) {
    if (!producer.getMatchingIndexingMap(input).isPermutation())
      continue;
    auto source = input->get().getDefiningOp<linalg::LinalgOp>();
    if (++fullSizeInputs > 1 || (source && source.getNumReductionLoops() > 0))
      return false;
  }
  Value result = producer->getResult(0);
  Operation *firstUser = result.use_empty() ? nullptr : *result.user_begin();
  return llvm::any_of(result.getUsers(),
                      [&](Operation *user) { return user != firstUser; }) &&
         llvm::all_of(result.getUses(), [](OpOperand &use) {
           auto user = dyn_cast<linalg::GenericOp>(use.getOwner());
           return user && linalg::areElementwiseOpsFusable(&use) &&
                  user.getMatchingIndexingMap(&use).isPermutation();
         });
}

/// Gives each user of a producer worth recomputing a copy of its own, which
/// fuseIntoSoleUsers then fuses. Returns whether it copied any.
static bool copyRecomputedProducers(ModuleOp module, bool recomputeMath) {
  SmallVector<linalg::GenericOp> producers;
  module.walk([&](linalg::GenericOp op) {
    if (isWorthRecomputing(op, recomputeMath))
      producers.push_back(op);
  });
  // Each has two users or more: each gives at least one copy.
  for (linalg::GenericOp producer : producers) {
    Value result = producer->getResult(0);
    SmallVector<Operation *> users;
    for (Operation *user : result.getUsers())
      if (!llvm::is_contained(users, user))
        users.push_back(user);
    OpBuilder builder(producer);
    for (Operation *user : llvm::drop_begin(users)) {
      Value copy = builder.clone(*producer)->getResult(0);
      user->replaceUsesOfWith(result, copy);
    }
  }
  return !producers.empty();
}

LogicalResult kiln::cpu::fuseElementwiseOps(ModuleOp module,
                                            bool recomputeMath) {
  if (failed(fuseIntoSoleUsers(module)))
    return failure();
  // Fused, a chain's ops see the expansions between them (constants, such
  // as an epsilon, no longer stand beside them as inputs).
  for (auto function : module.getOps<func::FuncOp>())
    sinkUnitExpansions(function);
  if (failed(fuseIntoSoleUsers(module)))
    return failure();
  // A copy fused into its user can make that user worth recomputing in turn
  // (a layer norm's `x - mean` once its `x` is a fused sum); the one
  // full-size input bounds the rounds, and the cap bounds the compile time
  // of a chain that would still go on.
  for (int round = 0;
       round < 4 && copyRecomputedProducers(module, recomputeMath); ++round)
    if (failed(fuseIntoSoleUsers(module)))
      return failure();
  return success();
}

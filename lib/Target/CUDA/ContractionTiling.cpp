//===- ContractionTiling.cpp - Contractions through shared memory ---------===//

#include "ContractionTiling.h"

#include "KernelGroupOps.h"
#include "KernelGroups.h"

#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"

using namespace mlir;
using namespace kiln;
using namespace kiln::cuda;

/// The smallest M and N worth a tile (smaller ones leave most of it idle),
/// and the smallest K worth staging.
static constexpr int64_t kMinimumSide = 16, kMinimumDepth = 8;
/// The alignment of the shared-memory buffers: that of the widest vector
/// load from them.
static constexpr int64_t kSharedAlignment = 16;

/// Elements a shared-memory row of `element`s is padded by: 16 bytes (at
/// least 4 elements), so that rows stay 16-byte aligned for the vector
/// loads whatever the element size, and a K-major copy spreads over the
/// memory banks.
static int64_t rowPadding(Type element) {
  return std::max<int64_t>(4, kSharedAlignment /
                                  (element.getIntOrFloatBitWidth() / 8));
}

namespace {

/// A contraction read as out[batch, m, n] = reduce over k of A[m, k] and
/// B[k, n]; every dimension list holds loop dimensions, outermost first.
struct Contraction {
  /// The kernel's ops: the contraction (`ops.lead`) and, in a kernel group,
  /// its initializer and epilogue.
  KernelOps ops;
  OpOperand *a = nullptr, *b = nullptr;
  SmallVector<unsigned> batchDims, mDims, nDims, kDims;
  /// Every loop's extent, ShapedType::kDynamic where it is known only at
  /// run time; then `sizeSource` names an operand dimension that equals it.
  SmallVector<int64_t> ranges;
  SmallVector<std::pair<OpOperand *, unsigned>> sizeSource;
  /// The products, kDynamic where one of their extents is.
  int64_t batch = 1, m = 1, n = 1, k = 1;

  bool isStatic() const { return !llvm::any_of(ranges, ShapedType::isDynamic); }
};

/// Each thread's outputs along M and along N.
struct RegisterTile {
  int64_t m, n;
};

/// How the staging copy reads one operand from global memory.
struct OperandStaging {
  OpOperand *operand = nullptr;
  /// Whether consecutive elements in memory are consecutive along K (else
  /// along M or N): the order the copy goes in.
  bool alongK = false;
  /// Consecutive elements one load reads: 1, or a vector of at most 16
  /// bytes where the operand is contiguous and aligned so.
  int64_t lanes = 1;
  /// For vector loads: the element offset in the operand's buffer, a
  /// coefficient per loop dimension plus a constant.
  SmallVector<int64_t> coefficients;
  int64_t constant = 0;
};

} // namespace

/// The product of `dims`' extents; kDynamic where one of them is.
static int64_t product(ArrayRef<unsigned> dims, ArrayRef<int64_t> ranges) {
  int64_t p = 1;
  for (unsigned d : dims) {
    if (ShapedType::isDynamic(ranges[d]))
      return ShapedType::kDynamic;
    p *= ranges[d];
  }
  return p;
}

/// Whether `extent` is known to be a multiple of `step` (never for a
/// run-time extent): whether bounds checks can be left out.
static bool isMultiple(int64_t extent, int64_t step) {
  return !ShapedType::isDynamic(extent) && extent % step == 0;
}

/// Whether `body` is arithmetic that is defined on any operands (no
/// division): the tile's out-of-range lanes compute on zeros.
static bool isPlainArithmetic(Block &body) {
  return llvm::all_of(body.without_terminator(), [](Operation &op) {
    return isa<arith::ArithDialect>(op.getDialect()) &&
           !isa<arith::DivSIOp, arith::DivUIOp, arith::CeilDivSIOp,
                arith::CeilDivUIOp, arith::FloorDivSIOp, arith::RemSIOp,
                arith::RemUIOp>(op);
  });
}

/// Whether the innermost index of `map` moves with K only.
static bool runsAlongK(AffineMap map, ArrayRef<unsigned> kDims) {
  AffineExpr inner = map.getResults().back();
  bool withK =
      llvm::any_of(kDims, [&](unsigned d) { return inner.isFunctionOfDim(d); });
  for (unsigned d = 0; d < map.getNumDims(); ++d)
    if (!llvm::is_contained(kDims, d) && inner.isFunctionOfDim(d))
      return false;
  return withK;
}

/// The contraction that kernel function `fn` computes, or nullopt.
static std::optional<Contraction> analyze(func::FuncOp fn) {
  Contraction c;
  std::optional<KernelOps> ops = matchKernelOps(fn);
  if (!ops)
    return std::nullopt;
  c.ops = *ops;
  // matchKernelOps gives a lead with reductions over buffers, one output.
  linalg::LinalgOp op = ops->lead;
  if (op.getNumDpsInputs() != 2 || !isPlainArithmetic(*op.getBlock()))
    return std::nullopt;
  for (OpOperand &operand : op->getOpOperands()) {
    auto type = dyn_cast<MemRefType>(operand.get().getType());
    if (!type || !type.getElementType().isIntOrFloat() ||
        type.getElementType().getIntOrFloatBitWidth() < 8)
      return std::nullopt;
  }
  // A run-time extent is read from an operand that it sizes.
  c.ranges = op.getStaticLoopRanges();
  c.sizeSource.assign(c.ranges.size(), {nullptr, 0});
  for (auto [d, range] : llvm::enumerate(c.ranges)) {
    if (!ShapedType::isDynamic(range))
      continue;
    for (OpOperand &operand : op->getOpOperands()) {
      AffineMap map = op.getMatchingIndexingMap(&operand);
      for (unsigned r = 0; r < map.getNumResults() && !c.sizeSource[d].first;
           ++r)
        if (map.getResult(r) == getAffineDimExpr(d, op.getContext()))
          c.sizeSource[d] = {&operand, r};
    }
    if (!c.sizeSource[d].first)
      return std::nullopt;
  }

  SmallVector<utils::IteratorType> iterators = op.getIteratorTypesArray();
  AffineMap outMap = op.getMatchingIndexingMap(op.getDpsInitOperand(0));
  if (outMap.getNumResults() == 0 || !cpu::outputIndexesParallelLoops(op))
    return std::nullopt;
  // B is the input that the output's innermost dimension indexes, so that
  // the threads along N store consecutive outputs.
  unsigned inner = outMap.getDimPosition(outMap.getNumResults() - 1);
  OpOperand *in0 = op.getDpsInputOperand(0), *in1 = op.getDpsInputOperand(1);
  bool in0Inner = op.getMatchingIndexingMap(in0).isFunctionOfDim(inner);
  bool in1Inner = op.getMatchingIndexingMap(in1).isFunctionOfDim(inner);
  if (in0Inner == in1Inner)
    return std::nullopt;
  c.a = in0Inner ? in1 : in0;
  c.b = in0Inner ? in0 : in1;
  AffineMap mapA = op.getMatchingIndexingMap(c.a);
  AffineMap mapB = op.getMatchingIndexingMap(c.b);
  for (unsigned result = 0; result < outMap.getNumResults(); ++result) {
    unsigned d = outMap.getDimPosition(result);
    if (iterators[d] != utils::IteratorType::parallel)
      return std::nullopt;
    bool inA = mapA.isFunctionOfDim(d), inB = mapB.isFunctionOfDim(d);
    (inA && !inB ? c.mDims : inB && !inA ? c.nDims : c.batchDims).push_back(d);
  }
  for (auto [d, type] : llvm::enumerate(iterators))
    if (type == utils::IteratorType::reduction)
      c.kDims.push_back(d);
  c.batch = product(c.batchDims, c.ranges);
  c.m = product(c.mDims, c.ranges);
  c.n = product(c.nDims, c.ranges);
  c.k = product(c.kDims, c.ranges);
  auto tooSmall = [](int64_t extent, int64_t minimum) {
    return !ShapedType::isDynamic(extent) && extent < minimum;
  };
  if (c.mDims.empty() || tooSmall(c.m, kMinimumSide) ||
      tooSmall(c.n, kMinimumSide) || tooSmall(c.k, kMinimumDepth))
    return std::nullopt;
  return c;
}

/// The element offset of `map`'s position in a row-major buffer of `type`,
/// as a coefficient per dimension and a constant, or nullopt when it is not
/// linear in the dimensions (a modulo, a division, a strided layout).
static std::optional<std::pair<SmallVector<int64_t>, int64_t>>
linearOffset(AffineMap map, MemRefType type) {
  if (!type.getLayout().isIdentity() || !type.hasStaticShape())
    return std::nullopt;
  for (AffineExpr result : map.getResults()) {
    bool linear = true;
    result.walk([&](AffineExpr e) {
      if (e.getKind() == AffineExprKind::Mod ||
          e.getKind() == AffineExprKind::FloorDiv ||
          e.getKind() == AffineExprKind::CeilDiv)
        linear = false;
    });
    if (!linear || !result.isPureAffine())
      return std::nullopt;
  }
  MLIRContext *ctx = map.getContext();
  // The offset at the origin and at each unit position: exact, because
  // the offset is linear.
  auto offsetAt = [&](std::optional<unsigned> unit) {
    SmallVector<AffineExpr> point;
    for (unsigned d = 0; d < map.getNumDims(); ++d)
      point.push_back(getAffineConstantExpr(unit == d ? 1 : 0, ctx));
    int64_t offset = 0, stride = 1;
    for (int64_t r = map.getNumResults() - 1; r >= 0; --r) {
      AffineExpr value = map.getResult(r).replaceDims(point);
      offset += stride * cast<AffineConstantExpr>(value).getValue();
      stride *= type.getDimSize(r);
    }
    return offset;
  };
  int64_t constant = offsetAt(std::nullopt);
  SmallVector<int64_t> coefficients;
  for (unsigned d = 0; d < map.getNumDims(); ++d)
    coefficients.push_back(offsetAt(d) - constant);
  return std::make_pair(coefficients, constant);
}

/// How to copy operand A (`isA`) or B with `elementsPerThread` elements per
/// thread and K step: in the order of its contiguous dimension, with the
/// widest vector loads that stay within a contiguous run of the buffer,
/// are aligned to their size (every buffer is 256-byte aligned) and never
/// straddle the end of the operand's range.
static OperandStaging planStaging(Contraction &c, bool isA,
                                  int64_t elementsPerThread) {
  OperandStaging staging;
  staging.operand = isA ? c.a : c.b;
  AffineMap map = c.ops.lead.getMatchingIndexingMap(staging.operand);
  staging.alongK = runsAlongK(map, c.kDims);
  auto type = cast<MemRefType>(staging.operand->get().getType());
  std::optional<std::pair<SmallVector<int64_t>, int64_t>> offset =
      linearOffset(map, type);
  bool runTimeExtent =
      llvm::any_of(llvm::seq<unsigned>(0, map.getNumDims()), [&](unsigned d) {
        return map.isFunctionOfDim(d) && ShapedType::isDynamic(c.ranges[d]);
      });
  if (!offset || runTimeExtent)
    return staging;
  auto &[coefficients, constant] = *offset;
  ArrayRef<unsigned> fast = staging.alongK
                                ? ArrayRef<unsigned>(c.kDims)
                                : ArrayRef<unsigned>(isA ? c.mDims : c.nDims);
  // The innermost copy dimensions whose elements are consecutive in memory:
  // a contiguous run of `run` elements.
  int64_t run = 1;
  size_t first = fast.size();
  while (first > 0 && (c.ranges[fast[first - 1]] == 1 ||
                       coefficients[fast[first - 1]] == run)) {
    run *= c.ranges[fast[first - 1]];
    --first;
  }
  int64_t bytes = type.getElementTypeBitWidth() / 8;
  for (int64_t lanes = std::min<int64_t>(16 / bytes, elementsPerThread);
       lanes > 1; lanes /= 2) {
    if (run % lanes || product(fast, c.ranges) % lanes || constant % lanes)
      continue;
    bool aligned = true;
    for (unsigned d = 0; d < coefficients.size(); ++d)
      if (!llvm::is_contained(fast.drop_front(first), d))
        aligned &= coefficients[d] % lanes == 0;
    if (!aligned)
      continue;
    staging.lanes = lanes;
    staging.coefficients = coefficients;
    staging.constant = constant;
    break;
  }
  return staging;
}

/// The blocks of one tile each; a run-time extent counts as 1 (the
/// smallest it can be).
static int64_t countBlocks(const Contraction &c, RegisterTile tile) {
  auto atLeast = [](int64_t extent) {
    return ShapedType::isDynamic(extent) ? 1 : extent;
  };
  return atLeast(c.batch) *
         llvm::divideCeil(atLeast(c.m), kContractionThreads * tile.m) *
         llvm::divideCeil(atLeast(c.n), kContractionThreads * tile.n);
}

/// The largest register tile, of sides up to `maxSide`, whose block tile
/// fits the outputs and that still gives enough blocks to fill the GPU
/// (2x2 when none does, or when run-time extents may be small).
static RegisterTile chooseRegisterTile(const Contraction &c, int64_t maxSide) {
  auto fits = [](int64_t extent, int64_t side) {
    return ShapedType::isDynamic(extent) ||
           kContractionThreads * side <= extent;
  };
  // Largest first (more outputs a thread, fewer loads a multiply-add),
  // then the squarest.
  SmallVector<RegisterTile> candidates;
  for (int64_t m = maxSide; m >= 2; m /= 2)
    for (int64_t n = maxSide; n >= 2; n /= 2)
      candidates.push_back({m, n});
  llvm::stable_sort(candidates, [](RegisterTile x, RegisterTile y) {
    auto skew = [](RegisterTile t) {
      return std::max(t.m, t.n) / std::min(t.m, t.n);
    };
    return std::make_pair(-x.m * x.n, skew(x)) <
           std::make_pair(-y.m * y.n, skew(y));
  });
  for (RegisterTile tile : candidates)
    if (fits(c.m, tile.m) && fits(c.n, tile.n) &&
        countBlocks(c, tile) >= kBlocksToFill)
      return tile;
  return {2, 2};
}

namespace {

/// Builds the tiled kernel's body: index arithmetic and the three phases
/// (stage, multiply, store).
class TiledKernelBuilder {
public:
  TiledKernelBuilder(OpBuilder &b, Location loc, Contraction c,
                     RegisterTile tile, IRMapping &mapping)
      : b(b), loc(loc), c(c), tile(tile), mapping(mapping),
        dims(c.ranges.size()) {
    int64_t threads = kContractionThreads * kContractionThreads;
    stagingA =
        planStaging(this->c, /*isA=*/true,
                    kContractionStep * kContractionThreads * tile.m / threads);
    stagingB =
        planStaging(this->c, /*isA=*/false,
                    kContractionStep * kContractionThreads * tile.n / threads);
  }

  void build(Value sharedA, Value sharedB);

private:
  Value index(int64_t v) { return arith::ConstantIndexOp::create(b, loc, v); }
  Value add(Value x, Value y) { return arith::AddIOp::create(b, loc, x, y); }
  Value mul(Value x, int64_t y) {
    return arith::MulIOp::create(b, loc, x, index(y));
  }
  Value div(Value x, Value y) { return arith::DivUIOp::create(b, loc, x, y); }
  Value div(Value x, int64_t y) { return div(x, index(y)); }
  Value rem(Value x, Value y) { return arith::RemUIOp::create(b, loc, x, y); }
  Value rem(Value x, int64_t y) { return rem(x, index(y)); }
  Value below(Value x, Value bound) {
    return arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult, x, bound);
  }
  /// The product of `list`'s extents (a constant when they all are).
  Value extentOf(ArrayRef<unsigned> list) {
    if (int64_t known = product(list, c.ranges); !ShapedType::isDynamic(known))
      return index(known);
    Value p = index(1);
    for (unsigned d : list)
      p = arith::MulIOp::create(b, loc, p, extents[d]);
    return p;
  }
  Value both(Value x, Value y) {
    if (!x || !y)
      return x ? x : y;
    return arith::AndIOp::create(b, loc, x, y);
  }

  /// Sets `dims` of `list` (flattened row-major to `flat`).
  void delinearize(Value flat, ArrayRef<unsigned> list) {
    delinearizeLoops(b, loc, flat, list, extents, dims);
  }

  /// `operand`'s indices at the loop position in `dims`.
  SmallVector<Value> indicesOf(OpOperand *operand) {
    AffineMap map = c.ops.lead.getMatchingIndexingMap(operand);
    // Only the dimensions the map reads: the others may hold positions
    // from another phase, which need not dominate this one.
    SmallVector<Value> operands;
    for (auto [d, v] : llvm::enumerate(dims))
      operands.push_back(map.isFunctionOfDim(d) ? v : index(0));
    SmallVector<Value> indices;
    for (unsigned r = 0; r < map.getNumResults(); ++r)
      indices.push_back(
          affine::AffineApplyOp::create(b, loc, map.getSubMap({r}), operands));
    return indices;
  }

  /// What `load` builds, or zero (of its type) where `inRange` is false:
  /// the load then never runs.
  Value loadOrZero(Value inRange, llvm::function_ref<Value()> load) {
    if (!inRange)
      return load();
    // The builders get `b` itself, inside each branch: `load` builds there.
    Type type;
    auto guarded = scf::IfOp::create(
        b, loc, inRange,
        [&](OpBuilder &, Location) {
          Value loaded = load();
          type = loaded.getType();
          scf::YieldOp::create(b, loc, loaded);
        },
        [&](OpBuilder &, Location) {
          Value zero = arith::ConstantOp::create(
              b, loc, cast<TypedAttr>(b.getZeroAttr(type)));
          scf::YieldOp::create(b, loc, zero);
        });
    return guarded.getResult(0);
  }

  /// The element of `operand` at `dims`, or zero where `inRange` is false.
  Value loadOrZero(OpOperand *operand, Value inRange) {
    Value memref = mapping.lookup(operand->get());
    return loadOrZero(inRange, [&] {
      return memref::LoadOp::create(b, loc, memref, indicesOf(operand))
          .getResult();
    });
  }

  /// `staging`'s operand as one dimension, for its vector loads.
  Value flatView(const OperandStaging &staging) {
    Value memref = mapping.lookup(staging.operand->get());
    auto type = cast<MemRefType>(memref.getType());
    if (type.getRank() == 1)
      return memref;
    ReassociationIndices all;
    for (int64_t d = 0; d < type.getRank(); ++d)
      all.push_back(d);
    return memref::CollapseShapeOp::create(b, loc, memref,
                                           ArrayRef<ReassociationIndices>{all});
  }

  /// `staging.lanes` elements of its operand from the position in `dims`
  /// on, or zeros where `inRange` is false.
  Value loadVectorOrZero(const OperandStaging &staging, Value flat,
                         Value inRange) {
    Value offset = index(staging.constant);
    for (auto [d, coefficient] : llvm::enumerate(staging.coefficients))
      if (coefficient)
        offset = add(offset, mul(dims[d], coefficient));
    Type element = cast<MemRefType>(flat.getType()).getElementType();
    auto type = VectorType::get({staging.lanes}, element);
    return loadOrZero(inRange, [&] {
      return vector::LoadOp::create(
                 b, loc, type, flat, ValueRange{offset},
                 /*nontemporal=*/false,
                 llvm::MaybeAlign(staging.lanes *
                                  element.getIntOrFloatBitWidth() / 8))
          .getResult();
    });
  }

  /// Copies the K step at `k0` of operand A (`isA`) or B into `shared`
  /// (`flat`: the operand's flat view, for vector loads).
  void stage(bool isA, Value k0, Value shared, Value flat);
  /// The register tile's accumulators after the K step in shared memory.
  SmallVector<Value> multiply(Value k0, Value sharedA, Value sharedB,
                              ValueRange accumulators);

  OpBuilder &b;
  Location loc;
  Contraction c;
  RegisterTile tile;
  IRMapping &mapping;
  OperandStaging stagingA, stagingB;
  /// Builds one tile's loads, products and stores; `tileIndex` runs over
  /// the tiles, M fastest.
  void buildTile(Value tileIndex, Value sharedA, Value sharedB, Value flatA,
                 Value flatB);

  /// The value of every loop dimension at the position being built.
  SmallVector<Value> dims;
  /// Every loop's extent, and the products of M, N and K.
  SmallVector<Value> extents;
  Value mExtent, nExtent, kExtent, mTiles, nTiles;
  Value tid, tx, ty, m0, n0;
};

} // namespace

void TiledKernelBuilder::stage(bool isA, Value k0, Value shared, Value flat) {
  const OperandStaging &staging = isA ? stagingA : stagingB;
  int64_t side = kContractionThreads * (isA ? tile.m : tile.n);
  int64_t extent = isA ? c.m : c.n;
  bool alongK = staging.alongK;
  int64_t lanes = staging.lanes;
  int64_t elements = kContractionStep * side;
  int64_t threads = kContractionThreads * kContractionThreads;
  for (int64_t i = 0; i < elements / threads / lanes; ++i) {
    // Consecutive threads take consecutive runs of `lanes` elements in
    // global memory; a run never crosses a row of the copy, nor the end of
    // the operand's range (planStaging).
    Value e = mul(add(tid, index(i * threads)), lanes);
    Value kk = alongK ? rem(e, kContractionStep) : div(e, side);
    Value t = alongK ? div(e, kContractionStep) : rem(e, side);
    Value kFlat = add(k0, kk), sideFlat = add(isA ? m0 : n0, t);
    delinearize(kFlat, c.kDims);
    delinearize(sideFlat, isA ? c.mDims : c.nDims);
    Value inRange = both(
        isMultiple(c.k, kContractionStep) ? Value() : below(kFlat, kExtent),
        isMultiple(extent, side) ? Value()
                                 : below(sideFlat, isA ? mExtent : nExtent));
    if (lanes == 1) {
      Value value = loadOrZero(staging.operand, inRange);
      memref::StoreOp::create(b, loc, value, shared, ValueRange{kk, t});
      continue;
    }
    Value vector = loadVectorOrZero(staging, flat, inRange);
    for (int64_t l = 0; l < lanes; ++l) {
      Value value = vector::ExtractOp::create(b, loc, vector, l);
      Value at = index(l);
      memref::StoreOp::create(b, loc, value, shared,
                              alongK ? ValueRange{add(kk, at), t}
                                     : ValueRange{kk, add(t, at)});
    }
  }
}

SmallVector<Value> TiledKernelBuilder::multiply(Value k0, Value sharedA,
                                                Value sharedB,
                                                ValueRange accumulators) {
  // The last step may be short: never apply the body to padding along K,
  // which could change a result.
  Value steps = index(kContractionStep);
  if (!isMultiple(c.k, kContractionStep))
    steps = arith::MinSIOp::create(b, loc, steps,
                                   arith::SubIOp::create(b, loc, kExtent, k0));
  auto loop =
      scf::ForOp::create(b, loc, index(0), steps, index(1), accumulators);
  OpBuilder::InsertionGuard guard(b);
  b.setInsertionPointToStart(loop.getBody());
  Value kk = loop.getInductionVar();
  auto vectorLoad = [&](Value shared, Value offset, int64_t lanes) {
    Type element = cast<MemRefType>(shared.getType()).getElementType();
    // The row stride and the thread's offset keep a vector's bytes aligned
    // to their count, up to the buffer's own alignment.
    int64_t bytes = std::min<int64_t>(
        lanes * element.getIntOrFloatBitWidth() / 8, kSharedAlignment);
    return vector::LoadOp::create(b, loc, VectorType::get({lanes}, element),
                                  shared, ValueRange{kk, offset},
                                  /*nontemporal=*/false,
                                  llvm::MaybeAlign(bytes))
        .getResult();
  };
  Value a = vectorLoad(sharedA, mul(ty, tile.m), tile.m);
  Value bv = vectorLoad(sharedB, mul(tx, tile.n), tile.n);
  Block *body = c.ops.lead.getBlock();
  BlockArgument argA = body->getArgument(c.a->getOperandNumber());
  BlockArgument argB = body->getArgument(c.b->getOperandNumber());
  BlockArgument argOut = body->getArgument(2);
  auto yield = cast<linalg::YieldOp>(body->getTerminator());
  SmallVector<Value> next;
  // One mapping for every output: each output maps the body's arguments
  // anew.
  IRMapping step = mapping;
  for (int64_t i = 0; i < tile.m; ++i) {
    Value ai = vector::ExtractOp::create(b, loc, a, i);
    for (int64_t j = 0; j < tile.n; ++j) {
      step.map(argA, ai);
      step.map(argB, vector::ExtractOp::create(b, loc, bv, j));
      step.map(argOut, loop.getRegionIterArgs()[i * tile.n + j]);
      for (Operation &op : body->without_terminator())
        b.clone(op, step);
      next.push_back(step.lookupOrDefault(yield.getOperand(0)));
    }
  }
  scf::YieldOp::create(b, loc, next);
  return loop.getResults();
}

void TiledKernelBuilder::build(Value sharedA, Value sharedB) {
  for (auto [d, range] : llvm::enumerate(c.ranges)) {
    if (!ShapedType::isDynamic(range)) {
      extents.push_back(index(range));
      continue;
    }
    auto [operand, result] = c.sizeSource[d];
    extents.push_back(memref::DimOp::create(
        b, loc, mapping.lookup(operand->get()), int64_t(result)));
  }
  mExtent = extentOf(c.mDims);
  nExtent = extentOf(c.nDims);
  kExtent = extentOf(c.kDims);
  auto ceilDiv = [&](Value x, int64_t y) -> Value {
    return arith::CeilDivUIOp::create(b, loc, x, index(y));
  };
  mTiles = ceilDiv(mExtent, kContractionThreads * tile.m);
  nTiles = ceilDiv(nExtent, kContractionThreads * tile.n);
  tid = gpu::ThreadIdOp::create(b, loc, gpu::Dimension::x);
  tx = rem(tid, kContractionThreads);
  ty = div(tid, kContractionThreads);
  Value flatA = stagingA.lanes > 1 ? flatView(stagingA) : Value();
  Value flatB = stagingB.lanes > 1 ? flatView(stagingB) : Value();
  Value block = gpu::BlockIdOp::create(b, loc, gpu::Dimension::x);
  if (c.isStatic()) {
    // One tile per block.
    buildTile(block, sharedA, sharedB, flatA, flatB);
    return;
  }
  // Run-time extents: a fixed grid whose blocks take tiles block, block +
  // grid, ... (the loop is the same for every thread of a block, so its
  // barriers are too).
  Value tiles =
      arith::MulIOp::create(b, loc, extentOf(c.batchDims),
                            arith::MulIOp::create(b, loc, mTiles, nTiles));
  auto loop = scf::ForOp::create(b, loc, block, tiles, index(kStridingBlocks));
  OpBuilder::InsertionGuard guard(b);
  b.setInsertionPointToStart(loop.getBody());
  buildTile(loop.getInductionVar(), sharedA, sharedB, flatA, flatB);
}

void TiledKernelBuilder::buildTile(Value tileIndex, Value sharedA,
                                   Value sharedB, Value flatA, Value flatB) {
  int64_t tileM = kContractionThreads * tile.m;
  int64_t tileN = kContractionThreads * tile.n;
  // Tiles along M fastest: the blocks that share a B tile (the larger
  // operand, for a convolution the image) run at the same time and share
  // it through L2.
  m0 = mul(rem(tileIndex, mTiles), tileM);
  Value rest = div(tileIndex, mTiles);
  n0 = mul(rem(rest, nTiles), tileN);
  delinearize(div(rest, nTiles), c.batchDims);

  // The thread's outputs: rows m0 + ty * tile.m + i, columns
  // n0 + tx * tile.n + j.
  OpOperand *out = c.ops.lead.getDpsInitOperand(0);
  auto atOutput = [&](int64_t i, int64_t j) {
    Value m = add(m0, add(mul(ty, tile.m), index(i)));
    Value n = add(n0, add(mul(tx, tile.n), index(j)));
    delinearize(m, c.mDims);
    delinearize(n, c.nDims);
    return both(isMultiple(c.m, tileM) ? Value() : below(m, mExtent),
                isMultiple(c.n, tileN) ? Value() : below(n, nExtent));
  };
  SmallVector<Value> accumulators;
  for (int64_t i = 0; i < tile.m; ++i)
    for (int64_t j = 0; j < tile.n; ++j) {
      Value inRange = atOutput(i, j);
      accumulators.push_back(loadOrZero(inRange, [&] {
        return c.ops.initialValue(b, loc, mapping, indicesOf(out));
      }));
    }

  auto steps = scf::ForOp::create(b, loc, index(0), kExtent,
                                  index(kContractionStep), accumulators);
  // LLVM would unroll a loop of a few steps (K = 64: 4) whole and schedule
  // every step's loads from shared memory ahead: over 200 registers a
  // thread, one block an SM. One step at a time keeps the tile's registers
  // (the inner loop over the step's 16 still unrolls).
  steps->setAttr(
      "loop_annotation",
      LLVM::LoopAnnotationAttr::get(
          b.getContext(), {}, {}, {},
          LLVM::LoopUnrollAttr::get(b.getContext(), b.getBoolAttr(true), {}, {},
                                    {}, {}, {}, {}),
          {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}));
  {
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointToStart(steps.getBody());
    Value k0 = steps.getInductionVar();
    stage(/*isA=*/true, k0, sharedA, flatA);
    stage(/*isA=*/false, k0, sharedB, flatB);
    gpu::BarrierOp::create(b, loc);
    SmallVector<Value> updated =
        multiply(k0, sharedA, sharedB, steps.getRegionIterArgs());
    // Nobody overwrites the step in shared memory before all have used it.
    gpu::BarrierOp::create(b, loc);
    scf::YieldOp::create(b, loc, updated);
  }

  for (int64_t i = 0; i < tile.m; ++i) {
    for (int64_t j = 0; j < tile.n; ++j) {
      Value inRange = atOutput(i, j);
      OpBuilder::InsertionGuard guard(b);
      if (inRange) {
        auto guarded = scf::IfOp::create(b, loc, inRange, false);
        b.setInsertionPointToStart(guarded.thenBlock());
      }
      c.ops.storeResult(b, loc, mapping, indicesOf(out),
                        steps.getResult(i * tile.n + j));
    }
  }
}

std::optional<LaunchShape> kiln::cuda::tileContractionInSharedMemory(
    func::FuncOp fn, gpu::GPUModuleOp gpuModule, int64_t maxRegisterTile) {
  std::optional<Contraction> c = analyze(fn);
  if (!c)
    return std::nullopt;
  RegisterTile tile = chooseRegisterTile(*c, maxRegisterTile);
  LaunchShape shape;
  shape.block[0] = kContractionThreads * kContractionThreads;
  shape.grid[0] = c->isStatic() ? countBlocks(*c, tile) : kStridingBlocks;
  shape.sharedTile = {kContractionThreads * tile.m,
                      kContractionThreads * tile.n, kContractionStep};

  IRMapping mapping;
  gpu::GPUFuncOp kernel = createKernelFunc(fn, gpuModule, shape, mapping);
  MLIRContext *ctx = fn.getContext();
  auto workgroup =
      gpu::AddressSpaceAttr::get(ctx, gpu::AddressSpace::Workgroup);
  auto sharedBuffer = [&](OpOperand *operand, int64_t side) {
    Type element = cast<MemRefType>(operand->get().getType()).getElementType();
    auto type = MemRefType::get({kContractionStep, side + rowPadding(element)},
                                element, AffineMap(), workgroup);
    BlockArgument buffer = kernel.addWorkgroupAttribution(type, fn.getLoc());
    // 16-byte aligned, as the vector loads from it promise.
    kernel.setWorkgroupAttributionAttr(
        kernel.getNumWorkgroupAttributions() - 1,
        LLVM::LLVMDialect::getAlignAttrName(),
        IntegerAttr::get(IntegerType::get(ctx, 64), kSharedAlignment));
    return buffer;
  };
  Value sharedA = sharedBuffer(c->a, shape.sharedTile[0]);
  Value sharedB = sharedBuffer(c->b, shape.sharedTile[1]);

  Block &entry = kernel.getBody().front();
  auto b = OpBuilder::atBlockEnd(&entry);
  // Everything but the group's ops (and its private buffer), which the
  // tile computes.
  for (Operation &op : fn.getBody().front().without_terminator())
    if (!c->ops.contains(&op))
      b.clone(op, mapping);
  TiledKernelBuilder(b, fn.getLoc(), *c, tile, mapping).build(sharedA, sharedB);
  gpu::ReturnOp::create(b, fn.getLoc());
  return shape;
}

//===- Recurrent.cpp - kiln.rnn, kiln.gru and kiln.lstm to linalg ---------===//
//
// A recurrent network becomes, per direction, one scf.for over the time
// steps whose iter_args carry the whole output Y and the state (h, and c for
// LSTM, packed in one [2, batch, hidden] tensor updated by insert_slice, so
// that one-shot bufferization updates both in place). Each step multiplies the
// step's input and the previous hidden state by the transposed weights with two
// linalg.matmul (whose indexing maps read W and R transposed in place,
// accumulating into the broadcast biases), then one linalg.generic per cell
// computes the gates and the new states from extract_slices of the gate blocks;
// with sequence_lens a last generic keeps the state of finished batch entries
// and zeroes their outputs. The reverse direction walks the time steps
// backwards. `layout` 1 transposes the input and initial states in and the
// results out, so that the loops always see [seq, batch, ...].
//
//===----------------------------------------------------------------------===//

#include "LoweringUtils.h"
#include "kiln/Dialect/Kiln/IR/KilnOps.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "llvm/ADT/StringSwitch.h"

using namespace mlir;
using namespace kiln;

namespace {

/// The ONNX activation functions that recurrent ops accept.
enum class ActivationKind {
  Relu,
  Tanh,
  Sigmoid,
  Affine,
  LeakyRelu,
  ThresholdedRelu,
  ScaledTanh,
  HardSigmoid,
  Elu,
  Softsign,
  Softplus
};

struct Activation {
  ActivationKind kind;
  double alpha, beta;
};

std::optional<ActivationKind> parseActivation(StringRef name) {
  return llvm::StringSwitch<std::optional<ActivationKind>>(name)
      .Case("Relu", ActivationKind::Relu)
      .Case("Tanh", ActivationKind::Tanh)
      .Case("Sigmoid", ActivationKind::Sigmoid)
      .Case("Affine", ActivationKind::Affine)
      .Case("LeakyRelu", ActivationKind::LeakyRelu)
      .Case("ThresholdedRelu", ActivationKind::ThresholdedRelu)
      .Case("ScaledTanh", ActivationKind::ScaledTanh)
      .Case("HardSigmoid", ActivationKind::HardSigmoid)
      .Case("Elu", ActivationKind::Elu)
      .Case("Softsign", ActivationKind::Softsign)
      .Case("Softplus", ActivationKind::Softplus)
      .Default(std::nullopt);
}

/// Applies `act` to the float scalar `x`.
Value applyActivation(OpBuilder &b, Location loc, const Activation &act,
                      Value x) {
  Type t = x.getType();
  auto cst = [&](double v) { return createScalar(b, loc, t, v); };
  auto mul = [&](Value l, Value r) -> Value {
    return arith::MulFOp::create(b, loc, l, r);
  };
  auto add = [&](Value l, Value r) -> Value {
    return arith::AddFOp::create(b, loc, l, r);
  };
  switch (act.kind) {
  case ActivationKind::Relu:
    return arith::MaximumFOp::create(b, loc, x, cst(0));
  case ActivationKind::Tanh:
    return math::TanhOp::create(b, loc, x);
  case ActivationKind::Sigmoid: {
    Value e = math::ExpOp::create(b, loc, arith::NegFOp::create(b, loc, x));
    return arith::DivFOp::create(b, loc, cst(1), add(cst(1), e));
  }
  case ActivationKind::Affine:
    return add(mul(cst(act.alpha), x), cst(act.beta));
  case ActivationKind::LeakyRelu: {
    Value neg =
        arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OLT, x, cst(0));
    return arith::SelectOp::create(b, loc, neg, mul(cst(act.alpha), x), x);
  }
  case ActivationKind::ThresholdedRelu: {
    Value above = arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OGT, x,
                                        cst(act.alpha));
    return arith::SelectOp::create(b, loc, above, x, cst(0));
  }
  case ActivationKind::ScaledTanh:
    return mul(cst(act.alpha),
               math::TanhOp::create(b, loc, mul(cst(act.beta), x)));
  case ActivationKind::HardSigmoid: {
    Value y = add(mul(cst(act.alpha), x), cst(act.beta));
    return arith::MaximumFOp::create(
        b, loc, cst(0), arith::MinimumFOp::create(b, loc, cst(1), y));
  }
  case ActivationKind::Elu: {
    Value neg =
        arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OLT, x, cst(0));
    Value e =
        arith::SubFOp::create(b, loc, math::ExpOp::create(b, loc, x), cst(1));
    return arith::SelectOp::create(b, loc, neg, mul(cst(act.alpha), e), x);
  }
  case ActivationKind::Softsign:
    return arith::DivFOp::create(b, loc, x,
                                 add(cst(1), math::AbsFOp::create(b, loc, x)));
  case ActivationKind::Softplus:
    return math::Log1pOp::create(b, loc, math::ExpOp::create(b, loc, x));
  }
  llvm_unreachable("unknown activation");
}

/// An elementwise linalg.generic over `operands` of `outType`'s shape, or of
/// its last dimension (rank-1 operands, the biases and peepholes, which are
/// broadcast along the batch), with `numResults` results of `outType`.
SmallVector<Value> mapCells(
    OpBuilder &b, Location loc, ValueRange operands, RankedTensorType outType,
    unsigned numResults,
    function_ref<SmallVector<Value>(OpBuilder &, Location, ValueRange)> body) {
  MLIRContext *ctx = b.getContext();
  int64_t rank = outType.getRank();
  AffineMap identity = AffineMap::getMultiDimIdentityMap(rank, ctx);
  SmallVector<AffineMap> maps;
  for (Value operand : operands) {
    int64_t operandRank = cast<RankedTensorType>(operand.getType()).getRank();
    maps.push_back(operandRank == rank ? identity
                                       : identity.getMinorSubMap(operandRank));
  }
  SmallVector<Value> inits;
  SmallVector<Type> types(numResults, outType);
  for (unsigned i = 0; i < numResults; ++i) {
    inits.push_back(createEmpty(b, loc, outType));
    maps.push_back(identity);
  }
  auto generic = linalg::GenericOp::create(
      b, loc, types, operands, inits, maps,
      SmallVector<utils::IteratorType>(rank, utils::IteratorType::parallel),
      [&](OpBuilder &nb, Location nl, ValueRange args) {
        linalg::YieldOp::create(nb, nl,
                                body(nb, nl, args.take_front(operands.size())));
      });
  return SmallVector<Value>(generic.getResults());
}

/// `lhs` [M, K] times `weight` [N, K] transposed, accumulated into `init`
/// [M, N].
Value matmulTransposed(OpBuilder &b, Location loc, Value lhs, Value weight,
                       Value init) {
  MLIRContext *ctx = b.getContext();
  AffineExpr m, n, k;
  bindDims(ctx, m, n, k);
  auto map = [&](AffineExpr x, AffineExpr y) {
    return AffineMapAttr::get(AffineMap::get(3, 0, {x, y}, ctx));
  };
  Attribute maps[] = {map(m, k), map(n, k), map(m, n)};
  NamedAttribute mapsAttr(b.getStringAttr("indexing_maps"),
                          b.getArrayAttr(maps));
  return linalg::MatmulOp::create(b, loc, TypeRange{init.getType()},
                                  ValueRange{lhs, weight}, ValueRange{init},
                                  {mapsAttr})
      .getResult(0);
}

/// The static slice of `source` at `offsets` with `sizes`, as `type` when
/// given (a rank-reducing slice dropping unit dimensions).
Value slice(OpBuilder &b, Location loc, Value source,
            ArrayRef<OpFoldResult> offsets, ArrayRef<int64_t> sizes,
            RankedTensorType type = {}) {
  auto sourceType = cast<RankedTensorType>(source.getType());
  if (!type)
    type = RankedTensorType::get(sizes, sourceType.getElementType());
  SmallVector<OpFoldResult> sizeAttrs, strides;
  for (int64_t s : sizes) {
    sizeAttrs.push_back(b.getIndexAttr(s));
    strides.push_back(b.getIndexAttr(1));
  }
  return tensor::ExtractSliceOp::create(b, loc, type, source, offsets,
                                        sizeAttrs, strides);
}

/// Static offsets as index attributes.
SmallVector<OpFoldResult> at(OpBuilder &b, ArrayRef<int64_t> offsets) {
  return llvm::map_to_vector(
      offsets, [&](int64_t o) -> OpFoldResult { return b.getIndexAttr(o); });
}

/// `value` with its dimensions permuted by `perm`.
Value transpose(OpBuilder &b, Location loc, Value value,
                ArrayRef<int64_t> perm) {
  auto type = cast<RankedTensorType>(value.getType());
  SmallVector<int64_t> shape;
  for (int64_t p : perm)
    shape.push_back(type.getDimSize(p));
  Value init =
      createEmpty(b, loc, RankedTensorType::get(shape, type.getElementType()));
  return linalg::TransposeOp::create(b, loc, value, init, perm).getResult()[0];
}

enum class Cell { RNN, GRU, LSTM };

template <typename OpTy> constexpr Cell cellOf();
template <> constexpr Cell cellOf<RNNOp>() { return Cell::RNN; }
template <> constexpr Cell cellOf<GRUOp>() { return Cell::GRU; }
template <> constexpr Cell cellOf<LSTMOp>() { return Cell::LSTM; }

constexpr int64_t numGates(Cell cell) {
  return cell == Cell::RNN ? 1 : cell == Cell::GRU ? 3 : 4;
}
constexpr int64_t numActivations(Cell cell) {
  return cell == Cell::RNN ? 1 : cell == Cell::GRU ? 2 : 3;
}

template <typename OpTy> struct RecurrentLowering : OpConversionPattern<OpTy> {
  using OpConversionPattern<OpTy>::OpConversionPattern;
  static constexpr Cell cell = cellOf<OpTy>();

  LogicalResult
  matchAndRewrite(OpTy op, typename OpTy::Adaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value x = adaptor.getInput();
    auto xType = cast<RankedTensorType>(x.getType());
    auto elem = dyn_cast<FloatType>(xType.getElementType());
    if (!elem)
      return rewriter.notifyMatchFailure(op, "non-float element type");
    for (Value v : op->getOperands())
      if (!cast<RankedTensorType>(v.getType()).hasStaticShape())
        return rewriter.notifyMatchFailure(op, "dynamic operand shape");
    for (Value v : op->getResults())
      if (!cast<RankedTensorType>(v.getType()).hasStaticShape())
        return rewriter.notifyMatchFailure(op, "dynamic result shape");
    for (Value v : {adaptor.getWeight(), adaptor.getRecurrence()})
      if (getElementTypeOrSelf(v.getType()) != elem)
        return rewriter.notifyMatchFailure(op, "mixed element types");
    if (Value lens = adaptor.getSequenceLens();
        lens && !getElementTypeOrSelf(lens.getType()).isSignlessInteger())
      return rewriter.notifyMatchFailure(op, "non-integer sequence_lens");

    StringRef direction = op.getDirection();
    if (direction != "forward" && direction != "reverse" &&
        direction != "bidirectional")
      return rewriter.notifyMatchFailure(op, "unknown direction");
    int64_t numDirections = direction == "bidirectional" ? 2 : 1;
    constexpr int64_t gates = numGates(cell);
    constexpr int64_t perDirection = numActivations(cell);
    ArrayAttr names = op.getActivations();
    ArrayRef<float> alphas = op.getActivationAlpha();
    ArrayRef<float> betas = op.getActivationBeta();
    if (static_cast<int64_t>(names.size()) != perDirection * numDirections ||
        alphas.size() != names.size() || betas.size() != names.size())
      return rewriter.notifyMatchFailure(op, "wrong number of activations");
    SmallVector<Activation> activations;
    for (auto [name, alpha, beta] : llvm::zip(names, alphas, betas)) {
      std::optional<ActivationKind> kind =
          parseActivation(cast<StringAttr>(name).getValue());
      if (!kind)
        return rewriter.notifyMatchFailure(op, "unknown activation");
      activations.push_back({*kind, alpha, beta});
    }

    bool batchMajor = op.getLayout() == 1;
    int64_t seqLength = xType.getDimSize(batchMajor ? 1 : 0);
    int64_t batch = xType.getDimSize(batchMajor ? 0 : 1);
    int64_t inputSize = xType.getDimSize(2);
    int64_t hidden = op.getHiddenSize();
    SmallVector<int64_t> ySizes = {seqLength, numDirections, batch, hidden};
    SmallVector<int64_t> lastSizes = {numDirections, batch, hidden};
    if (batchMajor) {
      ySizes = {batch, seqLength, numDirections, hidden};
      lastSizes = {batch, numDirections, hidden};
    }
    for (auto [i, result] : llvm::enumerate(op->getResults()))
      if (result.getType() !=
          RankedTensorType::get(i == 0 ? ySizes : lastSizes, elem))
        return rewriter.notifyMatchFailure(op, "unexpected result type");
    if (batchMajor)
      x = transpose(rewriter, loc, x, {1, 0, 2});
    std::optional<double> clip;
    if (auto c = op.getClip())
      clip = c->convertToDouble();

    auto stateType = RankedTensorType::get({batch, hidden}, elem);
    auto gatesType = RankedTensorType::get({batch, gates * hidden}, elem);
    auto seqType =
        RankedTensorType::get({seqLength, numDirections, batch, hidden}, elem);
    auto lastType = RankedTensorType::get({numDirections, batch, hidden}, elem);
    Value zero = createScalar(rewriter, loc, elem, 0);

    // Initial states in [num_directions, batch, hidden].
    auto initialState = [&](Value v) -> Value {
      if (!v)
        return {};
      return batchMajor ? transpose(rewriter, loc, v, {1, 0, 2}) : v;
    };
    Value initialH = initialState(adaptor.getInitialH());
    Value initialC;
    Value peepholes;
    bool inputForget = false;
    if constexpr (cell == Cell::LSTM) {
      initialC = initialState(adaptor.getInitialC());
      peepholes = adaptor.getPeepholes();
      inputForget = op.getInputForget();
    }
    bool linearBeforeReset = false;
    if constexpr (cell == Cell::GRU)
      linearBeforeReset = op.getLinearBeforeReset();
    Value lens = adaptor.getSequenceLens();

    Value y = createFilled(rewriter, loc, seqType, zero);
    Value lastH = createEmpty(rewriter, loc, lastType);
    Value lastC =
        cell == Cell::LSTM ? createEmpty(rewriter, loc, lastType) : Value();
    Value lb = arith::ConstantIndexOp::create(rewriter, loc, 0);
    Value ub = arith::ConstantIndexOp::create(rewriter, loc, seqLength);
    Value one = arith::ConstantIndexOp::create(rewriter, loc, 1);
    Value last = arith::ConstantIndexOp::create(rewriter, loc, seqLength - 1);

    for (int64_t d = 0; d < numDirections; ++d) {
      bool reverse = direction == "reverse" || d == 1;
      ArrayRef<Activation> acts =
          ArrayRef(activations).slice(d * perDirection, perDirection);
      Value w = slice(rewriter, loc, adaptor.getWeight(),
                      at(rewriter, {d, 0, 0}), {1, gates * hidden, inputSize},
                      RankedTensorType::get({gates * hidden, inputSize}, elem));
      Value r = slice(rewriter, loc, adaptor.getRecurrence(),
                      at(rewriter, {d, 0, 0}), {1, gates * hidden, hidden},
                      RankedTensorType::get({gates * hidden, hidden}, elem));
      // The input and recurrence biases, broadcast along the batch: the
      // initial accumulators of the two products.
      auto vector = [&](Value source, int64_t offset, int64_t size) -> Value {
        return slice(rewriter, loc, source, at(rewriter, {d, offset}),
                     {1, size}, RankedTensorType::get({size}, elem));
      };
      auto broadcast = [&](Value v, RankedTensorType type) -> Value {
        if (!v)
          return createFilled(rewriter, loc, type, zero);
        return linalg::BroadcastOp::create(rewriter, loc, v,
                                           createEmpty(rewriter, loc, type),
                                           ArrayRef<int64_t>{0})
            .getResult()[0];
      };
      Value bias = adaptor.getBias();
      Value wb = broadcast(bias ? vector(bias, 0, gates * hidden) : Value(),
                           gatesType);
      Value rb = broadcast(bias ? vector(bias, gates * hidden, gates * hidden)
                                : Value(),
                           gatesType);
      // GRU without linear_before_reset multiplies r * H by Rh separately.
      Value rh, rbh;
      if (cell == Cell::GRU && !linearBeforeReset) {
        rh = slice(rewriter, loc, r, at(rewriter, {2 * hidden, 0}),
                   {hidden, hidden});
        rbh = broadcast(bias ? vector(bias, 5 * hidden, hidden) : Value(),
                        stateType);
      }
      SmallVector<Value> peep;
      if (peepholes)
        for (int64_t g = 0; g < 3; ++g)
          peep.push_back(vector(peepholes, g * hidden, hidden));

      // The state, h then c (unused but for LSTM), packed in one
      // [2, batch, hidden] tensor that the loop updates with insert_slice: a
      // state yielded as a new tensor would not bufferize in place
      // (one-shot bufferization wants each yielded value equivalent to its
      // iter_arg), and a cell generic writing into the iter_arg would see
      // its unread destination replaced by tensor.empty.
      auto packedType = RankedTensorType::get({2, batch, hidden}, elem);
      auto stateSlot = [&](OpBuilder &b, int64_t slot) {
        return at(b, {slot, 0, 0});
      };
      SmallVector<OpFoldResult> stateSizes = at(rewriter, {1, batch, hidden});
      SmallVector<OpFoldResult> unitStrides = at(rewriter, {1, 1, 1});
      Value packed = createFilled(rewriter, loc, packedType, zero);
      Value initialStates[] = {initialH, initialC};
      for (auto [slot, init] : llvm::enumerate(initialStates)) {
        if (!init)
          continue;
        Value v = slice(rewriter, loc, init, at(rewriter, {d, 0, 0}),
                        {1, batch, hidden}, stateType);
        packed = tensor::InsertSliceOp::create(rewriter, loc, v, packed,
                                               stateSlot(rewriter, slot),
                                               stateSizes, unitStrides);
      }
      SmallVector<Value> iterArgs = {y, packed};

      auto loop = scf::ForOp::create(
          rewriter, loc, lb, ub, one, iterArgs,
          [&](OpBuilder &b, Location l, Value iv, ValueRange args) {
            Value t = reverse ? arith::SubIOp::create(b, l, last, iv) : iv;
            Value yAcc = args[0], state = args[1];
            Value h = slice(b, l, state, stateSlot(b, 0), {1, batch, hidden},
                            stateType);
            Value c = cell == Cell::LSTM ? slice(b, l, state, stateSlot(b, 1),
                                                 {1, batch, hidden}, stateType)
                                         : Value();
            auto xtType = RankedTensorType::get({batch, inputSize}, elem);
            Value xt = slice(b, l, x, {t, b.getIndexAttr(0), b.getIndexAttr(0)},
                             {1, batch, inputSize}, xtType);
            Value xw = matmulTransposed(b, l, xt, w, wb);
            Value hr = matmulTransposed(b, l, h, r, rb);
            auto gate = [&](Value v, int64_t g) {
              return slice(b, l, v, at(b, {0, g * hidden}), {batch, hidden});
            };
            auto clipped = [&](OpBuilder &nb, Location nl, Value v) -> Value {
              if (!clip)
                return v;
              v = arith::MinimumFOp::create(nb, nl, v,
                                            createScalar(nb, nl, elem, *clip));
              return arith::MaximumFOp::create(
                  nb, nl, v, createScalar(nb, nl, elem, -*clip));
            };
            auto act = [&](OpBuilder &nb, Location nl, int i, Value v) {
              return applyActivation(nb, nl, acts[i], clipped(nb, nl, v));
            };

            Value newH, newC;
            if constexpr (cell == Cell::RNN) {
              newH = mapCells(b, l, {xw, hr}, stateType, 1,
                              [&](OpBuilder &nb, Location nl, ValueRange a) {
                                Value s =
                                    arith::AddFOp::create(nb, nl, a[0], a[1]);
                                return SmallVector<Value>{act(nb, nl, 0, s)};
                              })[0];
            } else if constexpr (cell == Cell::GRU) {
              // Gates z, r, h.
              Value hh;
              if (linearBeforeReset) {
                hh = gate(hr, 2);
              } else {
                Value resetH =
                    mapCells(b, l, {gate(xw, 1), gate(hr, 1), h}, stateType, 1,
                             [&](OpBuilder &nb, Location nl, ValueRange a) {
                               Value s =
                                   arith::AddFOp::create(nb, nl, a[0], a[1]);
                               Value rt = act(nb, nl, 0, s);
                               return SmallVector<Value>{
                                   arith::MulFOp::create(nb, nl, rt, a[2])};
                             })[0];
                hh = matmulTransposed(b, l, resetH, rh, rbh);
              }
              newH = mapCells(
                  b, l,
                  {gate(xw, 0), gate(hr, 0), gate(xw, 1), gate(hr, 1),
                   gate(xw, 2), hh, h},
                  stateType, 1, [&](OpBuilder &nb, Location nl, ValueRange a) {
                    auto add = [&](Value p, Value q) -> Value {
                      return arith::AddFOp::create(nb, nl, p, q);
                    };
                    auto mul = [&](Value p, Value q) -> Value {
                      return arith::MulFOp::create(nb, nl, p, q);
                    };
                    Value zt = act(nb, nl, 0, add(a[0], a[1]));
                    Value hPart = a[5];
                    if (linearBeforeReset)
                      hPart = mul(act(nb, nl, 0, add(a[2], a[3])), hPart);
                    Value ht = act(nb, nl, 1, add(a[4], hPart));
                    Value oneMinusZ = arith::SubFOp::create(
                        nb, nl, createScalar(nb, nl, elem, 1), zt);
                    return SmallVector<Value>{
                        add(mul(oneMinusZ, ht), mul(zt, a[6]))};
                  })[0];
            } else {
              // Gates i, o, f, c; peepholes i, o, f.
              SmallVector<Value> operands;
              for (int64_t g = 0; g < 4; ++g) {
                operands.push_back(gate(xw, g));
                operands.push_back(gate(hr, g));
              }
              operands.push_back(c);
              operands.append(peep);
              bool hasPeepholes = !peep.empty();
              SmallVector<Value> results = mapCells(
                  b, l, operands, stateType, 2,
                  [&](OpBuilder &nb, Location nl, ValueRange a) {
                    auto add = [&](Value p, Value q) -> Value {
                      return arith::AddFOp::create(nb, nl, p, q);
                    };
                    auto mul = [&](Value p, Value q) -> Value {
                      return arith::MulFOp::create(nb, nl, p, q);
                    };
                    Value cPrev = a[8];
                    Value preI = add(a[0], a[1]);
                    Value preO = add(a[2], a[3]);
                    Value preF = add(a[4], a[5]);
                    Value preC = add(a[6], a[7]);
                    if (hasPeepholes) {
                      preI = add(preI, mul(a[9], cPrev));
                      preF = add(preF, mul(a[11], cPrev));
                    }
                    Value it = act(nb, nl, 0, preI);
                    Value ft =
                        inputForget
                            ? arith::SubFOp::create(
                                  nb, nl, createScalar(nb, nl, elem, 1), it)
                                  .getResult()
                            : act(nb, nl, 0, preF);
                    Value ct = act(nb, nl, 1, preC);
                    Value cNew = add(mul(ft, cPrev), mul(it, ct));
                    if (hasPeepholes)
                      preO = add(preO, mul(a[10], cNew));
                    Value ot = act(nb, nl, 0, preO);
                    Value hNew =
                        mul(ot, applyActivation(nb, nl, acts[2], cNew));
                    return SmallVector<Value>{hNew, cNew};
                  });
              newH = results[0];
              newC = results[1];
            }

            // Batch entries past their sequence length keep their state and
            // output zeros.
            Value out = newH;
            if (lens) {
              SmallVector<Value> operands = {lens, newH, h};
              if (newC)
                operands.append({newC, c});
              auto lensMap = AffineMap::get(
                  2, 0, {getAffineDimExpr(0, b.getContext())}, b.getContext());
              AffineMap identity =
                  AffineMap::getMultiDimIdentityMap(2, b.getContext());
              SmallVector<AffineMap> maps = {lensMap};
              maps.append(operands.size() - 1, identity);
              unsigned numResults = newC ? 3 : 2;
              SmallVector<Value> inits;
              for (unsigned i = 0; i < numResults; ++i)
                inits.push_back(createEmpty(b, l, stateType));
              maps.append(numResults, identity);
              auto masked = linalg::GenericOp::create(
                  b, l, SmallVector<Type>(numResults, stateType), operands,
                  inits, maps,
                  SmallVector<utils::IteratorType>(
                      2, utils::IteratorType::parallel),
                  [&](OpBuilder &nb, Location nl, ValueRange a) {
                    Value len = arith::IndexCastOp::create(
                        nb, nl, nb.getIndexType(), a[0]);
                    Value valid = arith::CmpIOp::create(
                        nb, nl, arith::CmpIPredicate::slt, t, len);
                    auto pick = [&](Value p, Value q) -> Value {
                      return arith::SelectOp::create(nb, nl, valid, p, q);
                    };
                    SmallVector<Value> results = {
                        pick(a[1], a[2]),
                        pick(a[1], createScalar(nb, nl, elem, 0))};
                    if (newC)
                      results.push_back(pick(a[3], a[4]));
                    linalg::YieldOp::create(nb, nl, results);
                  });
              newH = masked.getResult(0);
              out = masked.getResult(1);
              if (newC)
                newC = masked.getResult(2);
            }

            Value d0 = arith::ConstantIndexOp::create(b, l, d);
            Value zeroIdx = arith::ConstantIndexOp::create(b, l, 0);
            SmallVector<OpFoldResult> offsets = {t, d0, zeroIdx, zeroIdx};
            SmallVector<OpFoldResult> sizes = {
                b.getIndexAttr(1), b.getIndexAttr(1), b.getIndexAttr(batch),
                b.getIndexAttr(hidden)};
            SmallVector<OpFoldResult> strides(4, b.getIndexAttr(1));
            Value yNext = tensor::InsertSliceOp::create(
                b, l, out, yAcc, offsets, sizes, strides);
            Value stateNext = tensor::InsertSliceOp::create(
                b, l, newH, state, stateSlot(b, 0), stateSizes, unitStrides);
            if (newC)
              stateNext = tensor::InsertSliceOp::create(
                  b, l, newC, stateNext, stateSlot(b, 1), stateSizes,
                  unitStrides);
            scf::YieldOp::create(b, l, ValueRange{yNext, stateNext});
          });
      y = loop.getResult(0);
      SmallVector<OpFoldResult> offsets = {rewriter.getIndexAttr(d),
                                           rewriter.getIndexAttr(0),
                                           rewriter.getIndexAttr(0)};
      SmallVector<OpFoldResult> sizes = {rewriter.getIndexAttr(1),
                                         rewriter.getIndexAttr(batch),
                                         rewriter.getIndexAttr(hidden)};
      SmallVector<OpFoldResult> strides(3, rewriter.getIndexAttr(1));
      auto final = [&](int64_t slot) {
        return slice(rewriter, loc, loop.getResult(1),
                     stateSlot(rewriter, slot), {1, batch, hidden}, stateType);
      };
      lastH = tensor::InsertSliceOp::create(rewriter, loc, final(0), lastH,
                                            offsets, sizes, strides);
      if (cell == Cell::LSTM)
        lastC = tensor::InsertSliceOp::create(rewriter, loc, final(1), lastC,
                                              offsets, sizes, strides);
    }

    if (batchMajor) {
      y = transpose(rewriter, loc, y, {2, 0, 1, 3});
      lastH = transpose(rewriter, loc, lastH, {1, 0, 2});
      if (lastC)
        lastC = transpose(rewriter, loc, lastC, {1, 0, 2});
    }
    SmallVector<Value> results = {y, lastH};
    if (cell == Cell::LSTM)
      results.push_back(lastC);
    rewriter.replaceOp(op, results);
    return success();
  }
};

} // namespace

void kiln::populateRecurrentPatterns(RewritePatternSet &patterns) {
  patterns.add<RecurrentLowering<RNNOp>, RecurrentLowering<GRUOp>,
               RecurrentLowering<LSTMOp>>(patterns.getContext());
}

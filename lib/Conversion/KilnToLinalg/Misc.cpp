//===- Misc.cpp - einsum, dft, eye_like and top_k to linalg ---------------===//
//
// Einsum is one linalg.generic with a loop per distinct label (the output's
// first, then the summed ones) and each operand's indexing map read off its
// labels, so that repeated labels take diagonals and missing ones reduce.
// DFT is a reducing generic over the result and the input's transformed
// dimension whose body computes the twiddle factor with cos and sin (the
// angle reduced modulo the length first, so that it stays exact). Eye_like
// is a generic over its index space. Top_k with a static k ranks every
// element along the axis against the others (ties broken by the lower
// index, as ONNX asks) and then gathers the elements of rank below k.
//
//===----------------------------------------------------------------------===//

#include "LoweringUtils.h"
#include "kiln/Dialect/Kiln/IR/KilnOps.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/IR/Matchers.h"
#include "llvm/Support/MathExtras.h"

using namespace mlir;
using namespace kiln;

namespace {

using Iterator = utils::IteratorType;

bool isArithType(Type type) {
  return isa<FloatType>(type) || isa<IntegerType>(type);
}

//===----------------------------------------------------------------------===//
// einsum
//===----------------------------------------------------------------------===//

/// One einsum term: a label per dimension, the ellipsis's dimensions given
/// negative labels -1, -2, ... counting from the last of them.
using Term = SmallVector<int64_t>;

/// Parses `spec` (letters and at most one "...") for a tensor of `rank`;
/// a rank of -1 (the output) takes `ellipsisRank` dimensions for the
/// ellipsis.
FailureOr<Term> parseTerm(StringRef spec, int64_t rank, int64_t ellipsisRank) {
  size_t dots = spec.find("...");
  StringRef before = dots == StringRef::npos ? spec : spec.take_front(dots);
  StringRef after = dots == StringRef::npos ? "" : spec.drop_front(dots + 3);
  if (after.contains('.'))
    return failure();
  int64_t letters = before.size() + after.size();
  int64_t ellipsis = 0;
  if (dots != StringRef::npos)
    ellipsis = rank < 0 ? ellipsisRank : rank - letters;
  if (ellipsis < 0 || (rank >= 0 && letters + ellipsis != rank))
    return failure();
  Term term;
  for (char c : before) {
    if (!llvm::isAlpha(c))
      return failure();
    term.push_back(c);
  }
  for (int64_t i = ellipsis; i > 0; --i)
    term.push_back(-i);
  for (char c : after) {
    if (!llvm::isAlpha(c))
      return failure();
    term.push_back(c);
  }
  return term;
}

Value multiply(OpBuilder &b, Location loc, Value x, Value y) {
  if (isa<FloatType>(x.getType()))
    return arith::MulFOp::create(b, loc, x, y);
  return arith::MulIOp::create(b, loc, x, y);
}

Value add(OpBuilder &b, Location loc, Value x, Value y) {
  if (isa<FloatType>(x.getType()))
    return arith::AddFOp::create(b, loc, x, y);
  return arith::AddIOp::create(b, loc, x, y);
}

struct EinsumLowering : OpConversionPattern<EinsumOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(EinsumOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    auto resultType = cast<RankedTensorType>(op.getType());
    Type elem = resultType.getElementType();
    if (!isa<FloatType>(elem) && !elem.isSignlessInteger())
      return rewriter.notifyMatchFailure(op, "unsupported element type");
    ValueRange inputs = adaptor.getInputs();
    for (Value input : inputs)
      if (getElementTypeOrSelf(input.getType()) != elem)
        return rewriter.notifyMatchFailure(op, "mixed element types");
    if (!resultType.hasStaticShape())
      return rewriter.notifyMatchFailure(op, "dynamic result shape");

    std::string equation;
    for (char c : op.getEquation())
      if (!llvm::isSpace(c))
        equation.push_back(c);
    StringRef eq(equation);
    if (!eq.contains("->"))
      return rewriter.notifyMatchFailure(op, "no explicit output");
    auto [lhs, out] = eq.split("->");
    SmallVector<StringRef> specs;
    lhs.split(specs, ',');
    if (specs.size() != inputs.size())
      return rewriter.notifyMatchFailure(op, "operand count mismatch");

    // Labels, with each one's size.
    SmallVector<Term> terms;
    int64_t ellipsisRank = 0;
    llvm::SmallDenseMap<int64_t, int64_t> sizes;
    for (auto [spec, input] : llvm::zip(specs, inputs)) {
      auto type = cast<RankedTensorType>(input.getType());
      if (!type.hasStaticShape())
        return rewriter.notifyMatchFailure(op, "dynamic operand shape");
      FailureOr<Term> term = parseTerm(spec, type.getRank(), 0);
      if (failed(term))
        return rewriter.notifyMatchFailure(op, "malformed equation");
      for (auto [label, size] : llvm::zip(*term, type.getShape())) {
        if (label < 0)
          ellipsisRank = std::max(ellipsisRank, -label);
        auto [it, inserted] = sizes.try_emplace(label, size);
        if (!inserted && it->second != size) {
          if (it->second != 1 && size != 1)
            return rewriter.notifyMatchFailure(op, "mismatched label sizes");
          it->second = std::max(it->second, size);
        }
      }
      terms.push_back(std::move(*term));
    }
    FailureOr<Term> outTerm = parseTerm(out, -1, ellipsisRank);
    if (failed(outTerm) ||
        static_cast<int64_t>(outTerm->size()) != resultType.getRank())
      return rewriter.notifyMatchFailure(op, "malformed output term");

    // Loops: the output's labels, then the summed ones in order of
    // appearance.
    SmallVector<int64_t> loops(outTerm->begin(), outTerm->end());
    for (const Term &term : terms)
      for (int64_t label : term)
        if (!llvm::is_contained(loops, label))
          loops.push_back(label);
    for (auto [label, size] : llvm::zip(*outTerm, resultType.getShape()))
      if (!sizes.contains(label) || sizes[label] != size)
        return rewriter.notifyMatchFailure(op, "output label mismatch");

    MLIRContext *ctx = rewriter.getContext();
    int64_t numLoops = loops.size();
    auto loopOf = [&](int64_t label) {
      return getAffineDimExpr(llvm::find(loops, label) - loops.begin(), ctx);
    };
    SmallVector<AffineMap> maps;
    for (auto [term, input] : llvm::zip(terms, inputs)) {
      auto type = cast<RankedTensorType>(input.getType());
      SmallVector<AffineExpr> exprs;
      for (auto [label, size] : llvm::zip(term, type.getShape()))
        exprs.push_back(size == 1 && sizes[label] != 1
                            ? getAffineConstantExpr(0, ctx)
                            : loopOf(label));
      maps.push_back(AffineMap::get(numLoops, 0, exprs, ctx));
    }
    SmallVector<AffineExpr> outExprs;
    for (int64_t label : *outTerm)
      outExprs.push_back(loopOf(label));
    maps.push_back(AffineMap::get(numLoops, 0, outExprs, ctx));
    SmallVector<Iterator> iterators(resultType.getRank(), Iterator::parallel);
    iterators.append(numLoops - resultType.getRank(), Iterator::reduction);

    Location loc = op.getLoc();
    Value init = createFilled(rewriter, loc, resultType,
                              createScalar(rewriter, loc, elem, 0));
    auto generic = linalg::GenericOp::create(
        rewriter, loc, TypeRange{resultType}, inputs, ValueRange{init}, maps,
        iterators, [&](OpBuilder &b, Location l, ValueRange args) {
          Value product = args[0];
          for (Value arg : args.drop_front().drop_back())
            product = multiply(b, l, product, arg);
          linalg::YieldOp::create(b, l, add(b, l, args.back(), product));
        });
    rewriter.replaceOp(op, generic.getResult(0));
    return success();
  }
};

//===----------------------------------------------------------------------===//
// dft
//===----------------------------------------------------------------------===//

struct DFTLowering : OpConversionPattern<DFTOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(DFTOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Value input = adaptor.getInput();
    auto inputType = cast<RankedTensorType>(input.getType());
    auto resultType = cast<RankedTensorType>(op.getType());
    auto elem = dyn_cast<FloatType>(resultType.getElementType());
    if (!elem || inputType.getElementType() != elem)
      return rewriter.notifyMatchFailure(op, "non-float element type");
    if (op.getDynamicAxis() || !op.getAxis())
      return rewriter.notifyMatchFailure(op, "axis known only at run time");
    if (!inputType.hasStaticShape() || !resultType.hasStaticShape())
      return rewriter.notifyMatchFailure(op, "dynamic shape");
    APInt lengthValue;
    if (!matchPattern(op.getDftLength(), m_ConstantInt(&lengthValue)) &&
        !matchPattern(adaptor.getDftLength(), m_ConstantInt(&lengthValue)))
      return rewriter.notifyMatchFailure(op, "dft_length is not a constant");
    int64_t n = lengthValue.getSExtValue();
    int64_t rank = inputType.getRank();
    int64_t axis = *op.getAxis();
    int64_t inChannels = inputType.getDimSize(rank - 1);
    int64_t outChannels = resultType.getDimSize(rank - 1);
    bool inverse = op.getInverse(), onesided = op.getOnesided();
    // IRFFT reads n / 2 + 1 frequencies; everything else n samples.
    bool irfft = inverse && onesided;
    int64_t limit = irfft ? n / 2 + 1 : n;
    if (n <= 0 || axis >= rank - 1 || resultType.getRank() != rank ||
        (inChannels != 1 && inChannels != 2) ||
        outChannels != (irfft ? 1 : 2) || (irfft && inChannels != 2))
      return rewriter.notifyMatchFailure(op, "unexpected shapes");

    // Loops: the result's dimensions, then j along the input's axis.
    Location loc = op.getLoc();
    MLIRContext *ctx = rewriter.getContext();
    int64_t numLoops = rank + 1;
    auto inputMap = [&](int64_t channel) {
      SmallVector<AffineExpr> exprs;
      for (int64_t d = 0; d < rank - 1; ++d)
        exprs.push_back(getAffineDimExpr(d == axis ? rank : d, ctx));
      exprs.push_back(getAffineConstantExpr(channel, ctx));
      return AffineMap::get(numLoops, 0, exprs, ctx);
    };
    SmallVector<Value> operands = {input};
    SmallVector<AffineMap> maps = {inputMap(0)};
    if (inChannels == 2) {
      operands.push_back(input);
      maps.push_back(inputMap(1));
    }
    maps.push_back(
        AffineMap::getMultiDimIdentityMap(numLoops, ctx).getMajorSubMap(rank));
    SmallVector<Iterator> iterators(rank, Iterator::parallel);
    iterators.push_back(Iterator::reduction);

    Value init = createFilled(rewriter, loc, resultType,
                              createScalar(rewriter, loc, elem, 0));
    auto generic = linalg::GenericOp::create(
        rewriter, loc, TypeRange{resultType}, operands, ValueRange{init}, maps,
        iterators, [&](OpBuilder &b, Location l, ValueRange args) {
          auto cst = [&](double v) { return createScalar(b, l, elem, v); };
          auto idx = [&](int64_t v) -> Value {
            return arith::ConstantIndexOp::create(b, l, v);
          };
          Value k = linalg::IndexOp::create(b, l, axis);
          Value j = linalg::IndexOp::create(b, l, rank);
          Value xr = args[0];
          Value xi = inChannels == 2 ? args[1] : cst(0);
          // The angle 2 pi (j k mod n) / n, exact in the integers, and its
          // cosine and sine in f64: in f32, sin(pi) is -8.7e-8, which would
          // leave the imaginary part of a real signal's Nyquist frequency
          // visibly nonzero.
          Type f64 = b.getF64Type();
          Value jk = arith::RemUIOp::create(
              b, l, arith::MulIOp::create(b, l, j, k), idx(n));
          Value jkf = arith::SIToFPOp::create(
              b, l, f64, arith::IndexCastOp::create(b, l, b.getI64Type(), jk));
          Value theta = arith::MulFOp::create(
              b, l, jkf,
              createScalar(b, l, f64,
                           2 * llvm::numbers::pi / static_cast<double>(n)));
          auto narrow = [&](Value v) -> Value {
            return elem.isF64() ? v : arith::TruncFOp::create(b, l, elem, v);
          };
          Value cos = narrow(math::CosOp::create(b, l, theta));
          Value sin = narrow(math::SinOp::create(b, l, theta));
          if (!inverse)
            sin = arith::NegFOp::create(b, l, sin);
          // (xr + i xi)(cos + i sin)
          Value re =
              arith::SubFOp::create(b, l, arith::MulFOp::create(b, l, xr, cos),
                                    arith::MulFOp::create(b, l, xi, sin));
          Value value = re;
          if (irfft) {
            // The frequencies past the first stand for themselves and their
            // conjugates (except the Nyquist one of an even length).
            Value single = arith::OrIOp::create(
                b, l,
                arith::CmpIOp::create(b, l, arith::CmpIPredicate::eq, j,
                                      idx(0)),
                arith::CmpIOp::create(b, l, arith::CmpIPredicate::eq,
                                      arith::MulIOp::create(b, l, j, idx(2)),
                                      idx(n)));
            value = arith::MulFOp::create(
                b, l, value,
                arith::SelectOp::create(b, l, single, cst(1), cst(2)));
          } else {
            Value im = arith::AddFOp::create(
                b, l, arith::MulFOp::create(b, l, xr, sin),
                arith::MulFOp::create(b, l, xi, cos));
            Value c = linalg::IndexOp::create(b, l, rank - 1);
            Value isReal = arith::CmpIOp::create(b, l, arith::CmpIPredicate::eq,
                                                 c, idx(0));
            value = arith::SelectOp::create(b, l, isReal, re, im);
          }
          if (inverse)
            value = arith::MulFOp::create(b, l, value,
                                          cst(1 / static_cast<double>(n)));
          // Samples past the length are truncated away.
          Value inRange = arith::CmpIOp::create(b, l, arith::CmpIPredicate::ult,
                                                j, idx(limit));
          value = arith::SelectOp::create(b, l, inRange, value, cst(0));
          linalg::YieldOp::create(
              b, l,
              ValueRange{arith::AddFOp::create(b, l, args.back(), value)});
        });
    rewriter.replaceOp(op, generic.getResult(0));
    return success();
  }
};

//===----------------------------------------------------------------------===//
// eye_like
//===----------------------------------------------------------------------===//

struct EyeLikeLowering : OpConversionPattern<EyeLikeOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(EyeLikeOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    auto type = cast<RankedTensorType>(op.getType());
    Type elem = type.getElementType();
    if (type.getRank() != 2 || !isArithType(elem))
      return rewriter.notifyMatchFailure(op, "unsupported result type");
    Location loc = op.getLoc();
    SmallVector<Value> dynamicSizes;
    for (int64_t d = 0; d < 2; ++d)
      if (type.isDynamicDim(d))
        dynamicSizes.push_back(
            tensor::DimOp::create(rewriter, loc, adaptor.getInput(), d));
    int64_t k = op.getK();
    MLIRContext *ctx = rewriter.getContext();
    Type computeType = toSignless(elem);
    Value result =
        linalg::GenericOp::create(
            rewriter, loc, TypeRange{type}, ValueRange{},
            ValueRange{createEmpty(rewriter, loc, type, dynamicSizes)},
            ArrayRef<AffineMap>{AffineMap::getMultiDimIdentityMap(2, ctx)},
            SmallVector<Iterator>(2, Iterator::parallel),
            [&](OpBuilder &b, Location l, ValueRange) {
              Value i = linalg::IndexOp::create(b, l, 0);
              Value j = linalg::IndexOp::create(b, l, 1);
              Value shifted = arith::AddIOp::create(
                  b, l, i, arith::ConstantIndexOp::create(b, l, k));
              Value onDiagonal = arith::CmpIOp::create(
                  b, l, arith::CmpIPredicate::eq, j, shifted);
              Value value = arith::SelectOp::create(
                  b, l, onDiagonal, createScalar(b, l, computeType, 1),
                  createScalar(b, l, computeType, 0));
              linalg::YieldOp::create(b, l, reinterpret(b, l, value, elem));
            })
            .getResult(0);
    rewriter.replaceOp(op, result);
    return success();
  }
};

//===----------------------------------------------------------------------===//
// top_k
//===----------------------------------------------------------------------===//

struct TopKLowering : OpConversionPattern<TopKOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(TopKOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Value input = adaptor.getInput();
    auto inputType = cast<RankedTensorType>(input.getType());
    auto valuesType = cast<RankedTensorType>(op.getValues().getType());
    auto indicesType = cast<RankedTensorType>(op.getIndices().getType());
    Type elem = inputType.getElementType();
    if (!isArithType(elem) || elem.isInteger(1))
      return rewriter.notifyMatchFailure(op, "unsupported element type");
    // k shapes the results: only a k known at compile time is supported.
    if (!inputType.hasStaticShape() || !valuesType.hasStaticShape() ||
        !indicesType.hasStaticShape())
      return rewriter.notifyMatchFailure(op, "k or a shape known at run time");
    if (!indicesType.getElementType().isSignlessInteger(64))
      return rewriter.notifyMatchFailure(op, "indices are not i64");
    int64_t rank = inputType.getRank();
    int64_t axis = op.getAxis();
    if (axis >= rank)
      return rewriter.notifyMatchFailure(op, "axis out of range");

    Location loc = op.getLoc();
    MLIRContext *ctx = rewriter.getContext();
    bool largest = op.getLargest();
    bool isFloat = isa<FloatType>(elem);
    bool isUnsigned = elem.isUnsignedInteger();
    Type compute = toSignless(elem);
    Type i64 = rewriter.getI64Type();
    auto identity = AffineMap::getMultiDimIdentityMap(rank + 1, ctx);
    auto alongAxis = [&]() {
      SmallVector<AffineExpr> exprs;
      for (int64_t d = 0; d < rank; ++d)
        exprs.push_back(getAffineDimExpr(d == axis ? rank : d, ctx));
      return AffineMap::get(rank + 1, 0, exprs, ctx);
    };
    SmallVector<Iterator> iterators(rank, Iterator::parallel);
    iterators.push_back(Iterator::reduction);

    // The rank of each element: how many others come before it (better, or
    // equal at a lower index).
    auto rankType = inputType.clone(i64);
    Value ranks =
        linalg::GenericOp::create(
            rewriter, loc, TypeRange{rankType}, ValueRange{input, input},
            ValueRange{createFilled(rewriter, loc, rankType,
                                    createScalar(rewriter, loc, i64, 0))},
            ArrayRef<AffineMap>{identity.getMajorSubMap(rank), alongAxis(),
                                identity.getMajorSubMap(rank)},
            iterators,
            [&](OpBuilder &b, Location l, ValueRange args) {
              Value self = reinterpret(b, l, args[0], compute);
              Value other = reinterpret(b, l, args[1], compute);
              Value better, equal;
              if (isFloat) {
                better =
                    arith::CmpFOp::create(b, l,
                                          largest ? arith::CmpFPredicate::OGT
                                                  : arith::CmpFPredicate::OLT,
                                          other, self);
                equal = arith::CmpFOp::create(b, l, arith::CmpFPredicate::OEQ,
                                              other, self);
              } else {
                arith::CmpIPredicate pred =
                    largest ? (isUnsigned ? arith::CmpIPredicate::ugt
                                          : arith::CmpIPredicate::sgt)
                            : (isUnsigned ? arith::CmpIPredicate::ult
                                          : arith::CmpIPredicate::slt);
                better = arith::CmpIOp::create(b, l, pred, other, self);
                equal = arith::CmpIOp::create(b, l, arith::CmpIPredicate::eq,
                                              other, self);
              }
              Value earlier =
                  arith::CmpIOp::create(b, l, arith::CmpIPredicate::ult,
                                        linalg::IndexOp::create(b, l, rank),
                                        linalg::IndexOp::create(b, l, axis));
              Value before = arith::OrIOp::create(
                  b, l, better, arith::AndIOp::create(b, l, equal, earlier));
              Value count = arith::ExtUIOp::create(b, l, i64, before);
              linalg::YieldOp::create(
                  b, l,
                  ValueRange{arith::AddIOp::create(b, l, args[2], count)});
            })
            .getResult(0);

    // Result position r takes the element of rank r.
    auto gathered = linalg::GenericOp::create(
        rewriter, loc, TypeRange{valuesType, indicesType},
        ValueRange{input, ranks},
        ValueRange{createEmpty(rewriter, loc, valuesType),
                   createEmpty(rewriter, loc, indicesType)},
        ArrayRef<AffineMap>{alongAxis(), alongAxis(),
                            identity.getMajorSubMap(rank),
                            identity.getMajorSubMap(rank)},
        iterators, [&](OpBuilder &b, Location l, ValueRange args) {
          Value position = arith::IndexCastOp::create(
              b, l, i64, linalg::IndexOp::create(b, l, axis));
          Value match = arith::CmpIOp::create(b, l, arith::CmpIPredicate::eq,
                                              args[1], position);
          Value index = arith::IndexCastOp::create(
              b, l, i64, linalg::IndexOp::create(b, l, rank));
          linalg::YieldOp::create(
              b, l,
              ValueRange{arith::SelectOp::create(b, l, match, args[0], args[2]),
                         arith::SelectOp::create(b, l, match, index, args[3])});
        });
    rewriter.replaceOp(op, gathered.getResults());
    return success();
  }
};

} // namespace

void kiln::populateMiscPatterns(RewritePatternSet &patterns) {
  patterns.add<EinsumLowering, DFTLowering, EyeLikeLowering, TopKLowering>(
      patterns.getContext());
}

//===- TfIdf.cpp - tfidf_vectorizer to linalg -----------------------------===//
//
// The pool's n-grams whose length lies in [min_gram_length,
// max_gram_length] become constant tables (a column of tokens per position,
// and the lengths). One reducing linalg.generic over (row, n-gram, start,
// skip) counts each n-gram's occurrences per row, reading the tokens with
// tensor.extract at start + (skip + 1) * k; unigrams count at skip 0 only,
// as ONNX's reference does. A linalg.matmul by a constant [n-grams, outputs]
// matrix then scatters the counts to their ngram_indexes (scaled by the
// weights for TFIDF), and IDF maps the counts to weight-or-zero. A 1-D
// input is handled as one row.
//
//===----------------------------------------------------------------------===//

#include "LoweringUtils.h"
#include "kiln/Dialect/Kiln/IR/KilnOps.h"

using namespace mlir;
using namespace kiln;

namespace {

using Iterator = utils::IteratorType;

struct TfIdfVectorizerLowering : OpConversionPattern<TfIdfVectorizerOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(TfIdfVectorizerOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Value input = adaptor.getInput();
    auto inputType = cast<RankedTensorType>(input.getType());
    auto resultType = cast<RankedTensorType>(op.getType());
    auto tokenType = dyn_cast<IntegerType>(inputType.getElementType());
    if (!tokenType || !tokenType.isSignless() || tokenType.getWidth() > 64)
      return rewriter.notifyMatchFailure(op, "unsupported token type");
    if (!resultType.getElementType().isF32())
      return rewriter.notifyMatchFailure(op, "unsupported result type");
    if (!inputType.hasStaticShape() || !resultType.hasStaticShape())
      return rewriter.notifyMatchFailure(op, "dynamic shape");
    int64_t rank = inputType.getRank();
    if ((rank != 1 && rank != 2) || resultType.getRank() != rank)
      return rewriter.notifyMatchFailure(op, "unsupported rank");

    StringRef mode = op.getMode();
    if (mode != "TF" && mode != "IDF" && mode != "TFIDF")
      return rewriter.notifyMatchFailure(op, "unknown mode");
    int64_t minLength = op.getMinGramLength();
    int64_t maxLength = op.getMaxGramLength();
    int64_t maxSkip = op.getMaxSkipCount();
    ArrayRef<int64_t> counts = op.getNgramCounts();
    ArrayRef<int64_t> indexes = op.getNgramIndexes();
    ArrayRef<int64_t> pool = op.getPoolInt64s();
    if (minLength < 1 || maxLength < minLength || maxSkip < 0 ||
        indexes.empty())
      return rewriter.notifyMatchFailure(op, "invalid attributes");
    int64_t numOutputs = *llvm::max_element(indexes) + 1;
    int64_t rows = rank == 2 ? inputType.getDimSize(0) : 1;
    int64_t columns = inputType.getDimSize(rank - 1);
    if (resultType.getDimSize(rank - 1) != numOutputs ||
        (rank == 2 && resultType.getDimSize(0) != rows))
      return rewriter.notifyMatchFailure(op, "result shape mismatch");
    std::optional<ArrayRef<float>> weights = op.getWeights();
    if (weights && !weights->empty() &&
        static_cast<int64_t>(weights->size()) < numOutputs)
      return rewriter.notifyMatchFailure(op, "too few weights");
    bool weighted = weights && !weights->empty();

    // The n-grams of the counted lengths, with their ids (ngram_indexes
    // positions); ids run over the whole pool.
    SmallVector<SmallVector<int64_t>> grams;
    SmallVector<int64_t> outputOf;
    int64_t id = 0;
    for (auto [i, start] : llvm::enumerate(counts)) {
      int64_t length = i + 1;
      int64_t end = i + 1 < counts.size() ? counts[i + 1]
                                          : static_cast<int64_t>(pool.size());
      if (start < 0 || end < start || end > static_cast<int64_t>(pool.size()))
        return rewriter.notifyMatchFailure(op, "invalid ngram_counts");
      for (int64_t g = start; g + length <= end; g += length, ++id) {
        if (id >= static_cast<int64_t>(indexes.size()) || indexes[id] < 0)
          return rewriter.notifyMatchFailure(op, "invalid ngram_indexes");
        if (length < minLength || length > maxLength)
          continue;
        grams.emplace_back(pool.begin() + g, pool.begin() + g + length);
        outputOf.push_back(indexes[id]);
      }
    }

    Location loc = op.getLoc();
    Type f32 = rewriter.getF32Type();
    Type i64 = rewriter.getI64Type();
    auto outType = RankedTensorType::get({rows, numOutputs}, f32);
    Value zero = createScalar(rewriter, loc, f32, 0);
    Value result;
    if (grams.empty() || columns == 0) {
      result = createFilled(rewriter, loc, outType, zero);
    } else {
      if (rank == 1)
        input = tensor::ExpandShapeOp::create(
            rewriter, loc, RankedTensorType::get({1, columns}, tokenType),
            input, ArrayRef<ReassociationIndices>{{0, 1}});
      int64_t numGrams = grams.size();
      int64_t width = 0;
      for (const auto &gram : grams)
        width = std::max<int64_t>(width, gram.size());
      auto tableType = RankedTensorType::get({numGrams}, i64);
      SmallVector<int64_t> lengths;
      for (const auto &gram : grams)
        lengths.push_back(gram.size());
      SmallVector<Value> tables = {arith::ConstantOp::create(
          rewriter, loc, DenseIntElementsAttr::get(tableType, lengths))};
      for (int64_t k = 0; k < width; ++k) {
        SmallVector<int64_t> column;
        for (const auto &gram : grams)
          column.push_back(k < static_cast<int64_t>(gram.size()) ? gram[k] : 0);
        tables.push_back(arith::ConstantOp::create(
            rewriter, loc, DenseIntElementsAttr::get(tableType, column)));
      }

      // counts[row, gram] over (row, gram, start, skip).
      MLIRContext *ctx = rewriter.getContext();
      auto tableMap = AffineMap::get(4, 0, {getAffineDimExpr(1, ctx)}, ctx);
      auto countMap = AffineMap::get(
          4, 0, {getAffineDimExpr(0, ctx), getAffineDimExpr(1, ctx)}, ctx);
      SmallVector<AffineMap> maps(tables.size(), tableMap);
      maps.push_back(countMap);
      auto countType = RankedTensorType::get({rows, numGrams}, f32);
      Value countInit = createFilled(rewriter, loc, countType, zero);
      // The generic's domain comes from its operands, so the start and skip
      // ranges are given by a dummy [columns, maxSkip + 1] operand.
      Value domain = createEmpty(
          rewriter, loc, RankedTensorType::get({columns, maxSkip + 1}, f32));
      tables.push_back(domain);
      maps.insert(
          maps.end() - 1,
          AffineMap::get(
              4, 0, {getAffineDimExpr(2, ctx), getAffineDimExpr(3, ctx)}, ctx));
      SmallVector<Iterator> iterators = {Iterator::parallel, Iterator::parallel,
                                         Iterator::reduction,
                                         Iterator::reduction};
      auto countOp = linalg::GenericOp::create(
          rewriter, loc, TypeRange{countType}, tables, ValueRange{countInit},
          maps, iterators, [&](OpBuilder &b, Location l, ValueRange args) {
            Value row = linalg::IndexOp::create(b, l, 0);
            Value start = linalg::IndexOp::create(b, l, 2);
            Value skip = linalg::IndexOp::create(b, l, 3);
            auto index = [&](int64_t v) -> Value {
              return arith::ConstantIndexOp::create(b, l, v);
            };
            Value one = index(1);
            Value distance = arith::AddIOp::create(b, l, skip, one);
            Value length =
                arith::IndexCastOp::create(b, l, b.getIndexType(), args[0]);
            // The last token inside the row; unigrams at skip 0 only.
            Value last = arith::AddIOp::create(
                b, l, start,
                arith::MulIOp::create(
                    b, l, distance, arith::SubIOp::create(b, l, length, one)));
            Value ok = arith::CmpIOp::create(b, l, arith::CmpIPredicate::ult,
                                             last, index(columns));
            Value isUnigram = arith::CmpIOp::create(
                b, l, arith::CmpIPredicate::eq, length, one);
            Value atSkip0 = arith::CmpIOp::create(
                b, l, arith::CmpIPredicate::eq, skip, index(0));
            ok = arith::AndIOp::create(
                b, l, ok,
                arith::OrIOp::create(
                    b, l, atSkip0,
                    arith::XOrIOp::create(
                        b, l, isUnigram,
                        arith::ConstantIntOp::create(b, l, 1, 1))));
            Value lastColumn = index(columns - 1);
            for (int64_t k = 0; k < width; ++k) {
              Value pos = arith::AddIOp::create(
                  b, l, start, arith::MulIOp::create(b, l, distance, index(k)));
              pos = arith::MinUIOp::create(b, l, pos, lastColumn);
              Value token =
                  tensor::ExtractOp::create(b, l, input, ValueRange{row, pos});
              if (tokenType.getWidth() < 64)
                token = arith::ExtSIOp::create(b, l, i64, token);
              Value equal = arith::CmpIOp::create(
                  b, l, arith::CmpIPredicate::eq, token, args[1 + k]);
              Value beyond = arith::CmpIOp::create(
                  b, l, arith::CmpIPredicate::sge, index(k), length);
              ok = arith::AndIOp::create(
                  b, l, ok, arith::OrIOp::create(b, l, beyond, equal));
            }
            Value increment = arith::UIToFPOp::create(b, l, b.getF32Type(), ok);
            linalg::YieldOp::create(b, l,
                                    ValueRange{arith::AddFOp::create(
                                        b, l, args.back(), increment)});
          });

      // Scatter to the outputs: counts x [grams, outputs].
      SmallVector<float> scatter(numGrams * numOutputs, 0.0f);
      for (auto [g, o] : llvm::enumerate(outputOf))
        scatter[g * numOutputs + o] =
            mode == "TFIDF" && weighted ? (*weights)[o] : 1.0f;
      Value scatterMatrix = arith::ConstantOp::create(
          rewriter, loc,
          DenseFPElementsAttr::get(
              RankedTensorType::get({numGrams, numOutputs}, f32),
              ArrayRef<float>(scatter)));
      result = linalg::MatmulOp::create(
                   rewriter, loc, TypeRange{outType},
                   ValueRange{countOp.getResult(0), scatterMatrix},
                   ValueRange{createFilled(rewriter, loc, outType, zero)})
                   .getResult(0);

      if (mode == "IDF") {
        SmallVector<float> present(numOutputs, 1.0f);
        if (weighted)
          for (int64_t o = 0; o < numOutputs; ++o)
            present[o] = (*weights)[o];
        Value presentValues = arith::ConstantOp::create(
            rewriter, loc,
            DenseFPElementsAttr::get(RankedTensorType::get({numOutputs}, f32),
                                     ArrayRef<float>(present)));
        auto identity = rewriter.getMultiDimIdentityMap(2);
        auto column = AffineMap::get(2, 0, {getAffineDimExpr(1, ctx)}, ctx);
        result =
            linalg::GenericOp::create(
                rewriter, loc, TypeRange{outType},
                ValueRange{result, presentValues},
                ValueRange{createEmpty(rewriter, loc, outType)},
                ArrayRef<AffineMap>{identity, column, identity},
                ArrayRef<Iterator>{Iterator::parallel, Iterator::parallel},
                [&](OpBuilder &b, Location l, ValueRange args) {
                  Value zeroF = createScalar(b, l, b.getF32Type(), 0);
                  Value seen = arith::CmpFOp::create(
                      b, l, arith::CmpFPredicate::OGT, args[0], zeroF);
                  linalg::YieldOp::create(b, l,
                                          ValueRange{arith::SelectOp::create(
                                              b, l, seen, args[1], zeroF)});
                })
                .getResult(0);
      }
    }

    if (rank == 1)
      result = tensor::CollapseShapeOp::create(
          rewriter, loc, resultType, result,
          ArrayRef<ReassociationIndices>{{0, 1}});
    rewriter.replaceOp(op, result);
    return success();
  }
};

} // namespace

void kiln::populateTfIdfPatterns(RewritePatternSet &patterns) {
  patterns.add<TfIdfVectorizerLowering>(patterns.getContext());
}

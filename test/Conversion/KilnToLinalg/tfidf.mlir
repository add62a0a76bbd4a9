// RUN: kiln-opt %s -split-input-file --kiln-convert-to-linalg -verify-diagnostics | FileCheck %s

// Bigrams with skips over a batch: the counts reduce over (start, skip),
// reading the tokens with tensor.extract; a matmul scatters them to the
// outputs.
// CHECK-LABEL: func.func @tfidf_tf_batch
// CHECK: linalg.generic {{.*}}iterator_types = ["parallel", "parallel", "reduction", "reduction"]
// CHECK: tensor.extract
// CHECK: arith.addf
// CHECK: linalg.matmul
// CHECK-NOT: kiln.tfidf_vectorizer
func.func @tfidf_tf_batch(%x: tensor<2x6xi32>) -> tensor<2x7xf32> {
  %0 = kiln.tfidf_vectorizer %x {mode = "TF", min_gram_length = 1 : i64,
         max_gram_length = 2 : i64, max_skip_count = 5 : i64,
         ngram_counts = array<i64: 0, 4>,
         ngram_indexes = array<i64: 0, 1, 2, 3, 4, 5, 6>,
         pool_int64s = array<i64: 2, 3, 5, 4, 5, 6, 7, 8, 6, 7>}
       : (tensor<2x6xi32>) -> tensor<2x7xf32>
  return %0 : tensor<2x7xf32>
}

// -----

// IDF over a 1-D input: one row, the weights selected where counted.
// CHECK-LABEL: func.func @tfidf_idf
// CHECK: tensor.expand_shape
// CHECK: linalg.matmul
// CHECK: arith.cmpf ogt
// CHECK: arith.select
// CHECK: tensor.collapse_shape
func.func @tfidf_idf(%x: tensor<12xi64>) -> tensor<3xf32> {
  %0 = kiln.tfidf_vectorizer %x {mode = "IDF", min_gram_length = 2 : i64,
         max_gram_length = 2 : i64, max_skip_count = 0 : i64,
         ngram_counts = array<i64: 0, 2>,
         ngram_indexes = array<i64: 0, 0, 0, 1, 2>,
         pool_int64s = array<i64: 2, 3, 5, 4, 5, 6, 7, 8>,
         weights = array<f32: 1.0, 2.0, 3.0, 4.0, 5.0>}
       : (tensor<12xi64>) -> tensor<3xf32>
  return %0 : tensor<3xf32>
}

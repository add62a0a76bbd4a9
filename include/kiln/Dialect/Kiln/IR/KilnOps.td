//===- KilnOps.td - all kiln graph operations --------------*- tablegen -*-===//

#ifndef KILN_DIALECT_KILN_IR_KILNOPS_TD
#define KILN_DIALECT_KILN_IR_KILNOPS_TD

include "kiln/Dialect/Kiln/IR/KilnElementwiseOps.td"
include "kiln/Dialect/Kiln/IR/KilnNNOps.td"
include "kiln/Dialect/Kiln/IR/KilnReductionOps.td"
include "kiln/Dialect/Kiln/IR/KilnTensorOps.td"
include "kiln/Dialect/Kiln/IR/KilnRecurrentOps.td"
include "kiln/Dialect/Kiln/IR/KilnSignalOps.td"
include "kiln/Dialect/Kiln/IR/KilnQuantizedOps.td"
include "kiln/Dialect/Kiln/IR/KilnDetectionOps.td"
include "kiln/Dialect/Kiln/IR/KilnRandomOps.td"

#endif // KILN_DIALECT_KILN_IR_KILNOPS_TD

//===- KilnDialect.td - kiln graph dialect definition ------*- tablegen -*-===//
//
// The kiln dialect is the graph level of the compiler: what the ONNX importer
// produces. ONNX's implicit rules (attribute defaults, auto_pad, negative
// axes, opset differences) are resolved by the importer, so passes that run on
// this dialect never look at ONNX again.
//
//===----------------------------------------------------------------------===//

#ifndef KILN_DIALECT_KILN_IR_KILNDIALECT_TD
#define KILN_DIALECT_KILN_IR_KILNDIALECT_TD

include "mlir/IR/OpBase.td"

def Kiln_Dialect : Dialect {
  let name = "kiln";
  let cppNamespace = "::kiln";
  let summary = "The graph-level dialect of the kiln compiler";
  let description = [{
    Operations on ranked tensors with static and dynamic (symbolic)
    dimensions. Every operation states its semantics fully: attribute
    defaults are filled in, padding is explicit, axes are non-negative, and
    broadcasting follows one rule (numpy-style multidirectional
    broadcasting) wherever an operation allows it. Operations that take
    shape-like operands (`kiln.reshape`, `kiln.slice`, ...) accept any
    tensor; when the operand is a constant the result type is inferred
    statically, otherwise the affected dimensions are dynamic.
  }];
  let hasConstantMaterializer = 1;
  let useDefaultAttributePrinterParser = 0;
}

#endif // KILN_DIALECT_KILN_IR_KILNDIALECT_TD

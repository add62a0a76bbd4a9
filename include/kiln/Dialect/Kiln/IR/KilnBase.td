//===- KilnBase.td - base classes for kiln operations ------*- tablegen -*-===//

#ifndef KILN_DIALECT_KILN_IR_KILNBASE_TD
#define KILN_DIALECT_KILN_IR_KILNBASE_TD

include "kiln/Dialect/Kiln/IR/KilnDialect.td"
include "mlir/IR/OpBase.td"
include "mlir/IR/BuiltinAttributes.td"
include "mlir/IR/CommonAttrConstraints.td"
include "mlir/IR/CommonTypeConstraints.td"
include "mlir/Interfaces/InferTypeOpInterface.td"
include "mlir/Interfaces/SideEffectInterfaces.td"

def Kiln_Tensor : RankedTensorOf<[AnyType]>;

// Result types that a user or an earlier pass wrote down may be more static
// than what inference derives from the operands (a shape operand that only
// later folds to a constant, say): they are accepted when the shapes are
// compatible and the element types equal. `kiln-infer-shapes` refines them.
defvar kilnCompatibleReturnTypes = [{
  bool $cppClass::isCompatibleReturnTypes(::mlir::TypeRange inferred,
                                          ::mlir::TypeRange actual) {
    return ::kiln::detail::areCompatibleReturnTypes(inferred, actual);
  }
}];

class Kiln_Op<string mnemonic, list<Trait> traits = []>
    : Op<Kiln_Dialect, mnemonic, traits> {
  let assemblyFormat = "operands attr-dict `:` functional-type(operands, results)";
}

/// An operation whose result types are inferred from its operands and
/// attributes by an `inferReturnTypes` written in C++.
class Kiln_InferredOp<string mnemonic, list<Trait> traits = []>
    : Kiln_Op<mnemonic, !listconcat([Pure, InferTypeOpAdaptorWithIsCompatible], traits)> {
  let extraClassDefinition = kilnCompatibleReturnTypes;
}

//===----------------------------------------------------------------------===//
// Attribute shorthands. Defaults are never implicit in kiln: the importer
// writes every attribute.
//===----------------------------------------------------------------------===//

defvar Kiln_I64Array = DenseI64ArrayAttr;
def Kiln_Axis : ConfinedAttr<I64Attr, [IntNonNegative]>;

#endif // KILN_DIALECT_KILN_IR_KILNBASE_TD

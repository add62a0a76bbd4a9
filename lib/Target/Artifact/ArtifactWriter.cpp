//===- ArtifactWriter.cpp - Building .kiln artifacts ----------------------===//
//
// Layout written (see Artifact.fbs): a size-prefixed flatbuffer, zero padding
// to a 64-byte boundary, then the embedded constants, each at a 64-byte
// aligned offset. The flatbuffer records the weights' offset, which depends
// on the flatbuffer's own size; the offset field is a fixed-size scalar, so
// building once with a guess and once with the real value converges.
//
//===----------------------------------------------------------------------===//

#include "kiln/Target/Artifact/ArtifactWriter.h"

#include "Artifact_generated.h"
#include "DTypeTable.h"
#include "kiln-runtime/cuda_kernel_abi.h"
#include "kiln-runtime/kernel_abi.h"

#include <fstream>

namespace kiln::artifact {

static constexpr uint64_t kAlignment = KILN_BUFFER_ALIGNMENT;

static uint64_t alignUp(uint64_t value) {
  return (value + kAlignment - 1) / kAlignment * kAlignment;
}

/// FNV-1a 64 of `data` then `more`, as the runtime checks the code object
/// (lib/Runtime/CodeObject.cpp).
static uint64_t fnv1a64(const std::vector<uint8_t> &data,
                        const std::vector<uint8_t> &more = {}) {
  uint64_t hash = 0xcbf29ce484222325ull;
  for (const std::vector<uint8_t> *part : {&data, &more})
    for (uint8_t byte : *part) {
      hash ^= byte;
      hash *= 0x100000001b3ull;
    }
  return hash;
}

static flatbuffers::Offset<fb::Expr>
buildExpr(flatbuffers::FlatBufferBuilder &b, const SizeExpr &expr) {
  std::vector<flatbuffers::Offset<fb::Term>> terms;
  for (const SizeTerm &term : expr.terms)
    terms.push_back(
        fb::CreateTerm(b, term.coeff, b.CreateVector(term.symbols)));
  return fb::CreateExpr(b, expr.constant, b.CreateVector(terms), expr.divisor);
}

static flatbuffers::Offset<
    flatbuffers::Vector<flatbuffers::Offset<fb::TensorSignature>>>
buildSignatures(flatbuffers::FlatBufferBuilder &b,
                const std::vector<TensorDesc> &tensors) {
  std::vector<flatbuffers::Offset<fb::TensorSignature>> list;
  for (const TensorDesc &tensor : tensors) {
    std::vector<flatbuffers::Offset<fb::Expr>> dims;
    for (const SizeExpr &dim : tensor.dims)
      dims.push_back(buildExpr(b, dim));
    list.push_back(fb::CreateTensorSignature(
        b, b.CreateString(tensor.name), static_cast<fb::DType>(tensor.dtype),
        b.CreateVector(dims)));
  }
  return b.CreateVector(list);
}

/// Bytes per element (the runtime's table; the writer does not link it).
static uint64_t dtypeSize(kiln_dtype_t dtype) {
  return dtypes::lookup(dtype).bytes;
}

/// Checks what the flatbuffer cannot express wrongly on its own.
static bool check(const ArtifactDesc &desc, std::string &error) {
  auto bad = [&](std::string message) {
    error = std::move(message);
    return false;
  };
  for (const ConstantDesc &constant : desc.constants) {
    uint64_t bytes = dtypeSize(constant.dtype);
    if (bytes == 0)
      return bad("constant '" + constant.name + "' has an invalid dtype");
    for (int64_t dim : constant.dims)
      bytes *= static_cast<uint64_t>(dim);
    if (bytes != constant.data.size())
      return bad("constant '" + constant.name + "' has " +
                 std::to_string(constant.data.size()) +
                 " bytes of data but its shape needs " + std::to_string(bytes));
    if (constant.external && desc.parameterFile.empty())
      return bad("constant '" + constant.name +
                 "' is external but no parameter file is named");
  }
  for (uint32_t symbol : desc.computedSymbols)
    if (symbol >= desc.symbols.size())
      return bad("computed symbol " + std::to_string(symbol) + " out of range");
  if (desc.computedSymbols.empty() != !desc.shapeKernel)
    return bad("computed symbols and a shape kernel come together");
  if (desc.shapeKernel)
    for (const BindingDesc &binding : desc.shapeKernel->bindings)
      if (binding.kind != BindingKind::Input)
        return bad("the shape kernel may bind inputs only");
  bool cuda = desc.codeFormat == ArtifactDesc::CodeFormat::Cuda;
  if (cuda && desc.codePtx.empty())
    return bad("a CUDA code object needs PTX (codePtx is empty)");
  if (!cuda && (!desc.codePtx.empty() || !desc.codeChip.empty()))
    return bad("PTX and a chip are only for CUDA code objects");
  for (const KernelDesc &kernel : desc.kernels) {
    uint64_t threads = 1;
    for (uint32_t extent : kernel.block)
      threads *= extent;
    if (kernel.block[0] == 0 || kernel.block[1] == 0 || kernel.block[2] == 0 ||
        threads > 1024)
      return bad("kernel '" + kernel.name + "' has a block of " +
                 std::to_string(kernel.block[0]) + "x" +
                 std::to_string(kernel.block[1]) + "x" +
                 std::to_string(kernel.block[2]) +
                 " threads; each extent must be at least 1 and the product "
                 "at most 1024");
  }
  std::vector<const KernelDesc *> allKernels;
  for (const KernelDesc &kernel : desc.kernels)
    allKernels.push_back(&kernel);
  if (desc.shapeKernel)
    allKernels.push_back(&*desc.shapeKernel);
  for (const KernelDesc *kernelPtr : allKernels)
    for (const BindingDesc &binding : kernelPtr->bindings) {
      const KernelDesc &kernel = *kernelPtr;
      size_t limit = binding.kind == BindingKind::Input    ? desc.inputs.size()
                     : binding.kind == BindingKind::Output ? desc.outputs.size()
                     : binding.kind == BindingKind::Buffer
                         ? desc.buffers.size()
                         : desc.constants.size();
      if (binding.index >= limit)
        return bad("kernel '" + kernel.name + "' binds index " +
                   std::to_string(binding.index) + " out of range");
    }
  return true;
}

bool serializeArtifact(const ArtifactDesc &desc, SerializedArtifact &out,
                       std::string &error) {
  if (!check(desc, error))
    return false;
  bool cuda = desc.codeFormat == ArtifactDesc::CodeFormat::Cuda;

  // Constant offsets within the weights section and the parameter file.
  std::vector<uint64_t> offsets;
  uint64_t embeddedSize = 0, externalSize = 0;
  for (const ConstantDesc &constant : desc.constants) {
    uint64_t &cursor = constant.external ? externalSize : embeddedSize;
    cursor = alignUp(cursor);
    offsets.push_back(cursor);
    cursor += constant.data.size();
  }

  auto build = [&](uint64_t weightsOffset) {
    flatbuffers::FlatBufferBuilder b(1024 + desc.codeObject.size() +
                                     desc.codePtx.size());
    std::vector<flatbuffers::Offset<flatbuffers::String>> symbols;
    for (const std::string &symbol : desc.symbols)
      symbols.push_back(b.CreateString(symbol));
    auto symbolsVector = b.CreateVector(symbols);
    auto inputs = buildSignatures(b, desc.inputs);
    auto outputs = buildSignatures(b, desc.outputs);
    std::vector<flatbuffers::Offset<fb::Constant>> constants;
    for (size_t i = 0; i < desc.constants.size(); ++i) {
      const ConstantDesc &constant = desc.constants[i];
      constants.push_back(fb::CreateConstant(
          b, b.CreateString(constant.name),
          static_cast<fb::DType>(constant.dtype), b.CreateVector(constant.dims),
          constant.external ? fb::ConstantLocation::External
                            : fb::ConstantLocation::Embedded,
          offsets[i], constant.data.size()));
    }
    auto constantsVector = b.CreateVector(constants);
    auto arenaSize = buildExpr(b, desc.arenaSize);
    std::vector<flatbuffers::Offset<fb::Buffer>> buffers;
    for (const BufferDesc &buffer : desc.buffers) {
      auto name = b.CreateString(buffer.name);
      auto offset = buildExpr(b, buffer.offset);
      auto size = buildExpr(b, buffer.size);
      buffers.push_back(fb::CreateBuffer(b, name, offset, size));
    }
    auto buffersVector = b.CreateVector(buffers);
    auto buildKernel = [&](const KernelDesc &kernel) {
      std::vector<flatbuffers::Offset<fb::Expr>> grid;
      for (const SizeExpr &extent : kernel.grid)
        grid.push_back(buildExpr(b, extent));
      std::vector<fb::Binding> bindings;
      for (const BindingDesc &binding : kernel.bindings)
        bindings.emplace_back(static_cast<fb::BindingKind>(binding.kind),
                              binding.index);
      auto name = b.CreateString(kernel.name);
      auto symbol = b.CreateString(kernel.symbol);
      auto gridVector = b.CreateVector(grid);
      auto bindingsVector = b.CreateVectorOfStructs(bindings);
      // Block and shared memory mean something only on the GPU; CPU
      // artifacts stay as they were before format 1.2.
      flatbuffers::Offset<flatbuffers::Vector<uint32_t>> block;
      if (cuda)
        block = b.CreateVector(kernel.block.data(), kernel.block.size());
      return fb::CreateKernel(b, name, symbol, gridVector, bindingsVector,
                              block, cuda ? kernel.sharedBytes : 0);
    };
    std::vector<flatbuffers::Offset<fb::Kernel>> kernels;
    for (const KernelDesc &kernel : desc.kernels)
      kernels.push_back(buildKernel(kernel));
    auto kernelsVector = b.CreateVector(kernels);
    flatbuffers::Offset<fb::Kernel> shapeKernel;
    flatbuffers::Offset<flatbuffers::Vector<uint32_t>> computedSymbols;
    if (desc.shapeKernel) {
      shapeKernel = buildKernel(*desc.shapeKernel);
      computedSymbols = b.CreateVector(desc.computedSymbols);
    }
    auto codeTriple = b.CreateString(desc.codeTriple);
    auto codeData = b.CreateVector(desc.codeObject);
    flatbuffers::Offset<flatbuffers::Vector<uint8_t>> codePtx;
    flatbuffers::Offset<flatbuffers::String> codeChip;
    if (cuda) {
      codePtx = b.CreateVector(desc.codePtx);
      codeChip = b.CreateString(desc.codeChip);
    }
    // The format is written even when it is the default, so that the
    // loader's tests can turn a CPU code object into a CUDA one in place.
    b.ForceDefaults(true);
    auto code = fb::CreateCodeObject(
        b, cuda ? fb::CodeFormat::Cuda : fb::CodeFormat::ElfSharedObject,
        codeTriple,
        cuda ? KILN_CUDA_KERNEL_ABI_VERSION : KILN_CPU_KERNEL_ABI_VERSION,
        fnv1a64(desc.codeObject, desc.codePtx), codeData, codePtx, codeChip);
    b.ForceDefaults(false);
    auto producer = b.CreateString(desc.producer);
    auto parameterFile = desc.parameterFile.empty()
                             ? flatbuffers::Offset<flatbuffers::String>()
                             : b.CreateString(desc.parameterFile);
    fb::ArtifactBuilder artifact(b);
    artifact.add_format_major(desc.formatMajor);
    artifact.add_format_minor(desc.formatMinor);
    artifact.add_producer(producer);
    artifact.add_symbols(symbolsVector);
    artifact.add_inputs(inputs);
    artifact.add_outputs(outputs);
    artifact.add_constants(constantsVector);
    artifact.add_arena_size(arenaSize);
    artifact.add_buffers(buffersVector);
    artifact.add_kernels(kernelsVector);
    artifact.add_code(code);
    // Always written (even 0) so that both builds have the same size.
    b.ForceDefaults(true);
    artifact.add_weights_offset(weightsOffset);
    artifact.add_weights_size(embeddedSize);
    b.ForceDefaults(false);
    if (!parameterFile.IsNull())
      artifact.add_parameter_file(parameterFile);
    if (!shapeKernel.IsNull()) {
      artifact.add_computed_symbols(computedSymbols);
      artifact.add_shape_kernel(shapeKernel);
    }
    b.FinishSizePrefixed(artifact.Finish(), fb::ArtifactIdentifier());
    return std::vector<uint8_t>(b.GetBufferPointer(),
                                b.GetBufferPointer() + b.GetSize());
  };

  std::vector<uint8_t> metadata = build(0);
  uint64_t weightsOffset = alignUp(metadata.size());
  metadata = build(weightsOffset);
  if (alignUp(metadata.size()) != weightsOffset) {
    error = "internal error: the metadata size changed between builds";
    return false;
  }

  out.artifact = std::move(metadata);
  out.artifact.resize(weightsOffset + embeddedSize, 0);
  out.parameters.assign(externalSize, 0);
  for (size_t i = 0; i < desc.constants.size(); ++i) {
    const ConstantDesc &constant = desc.constants[i];
    uint8_t *base = constant.external ? out.parameters.data()
                                      : out.artifact.data() + weightsOffset;
    std::copy(constant.data.begin(), constant.data.end(), base + offsets[i]);
  }
  return true;
}

static bool writeBytes(const std::string &path,
                       const std::vector<uint8_t> &bytes, std::string &error) {
  std::ofstream file(path, std::ios::binary | std::ios::trunc);
  file.write(reinterpret_cast<const char *>(bytes.data()),
             static_cast<std::streamsize>(bytes.size()));
  file.close();
  if (!file) {
    error = "cannot write '" + path + "'";
    return false;
  }
  return true;
}

bool writeArtifactFile(const ArtifactDesc &desc, const std::string &path,
                       std::string &error) {
  SerializedArtifact serialized;
  if (!serializeArtifact(desc, serialized, error))
    return false;
  bool needsParameters = false;
  for (const ConstantDesc &constant : desc.constants)
    needsParameters |= constant.external;
  if (needsParameters) {
    std::string directory;
    size_t slash = path.rfind('/');
    if (slash != std::string::npos)
      directory = path.substr(0, slash + 1);
    std::string parameterPath = desc.parameterFile[0] == '/'
                                    ? desc.parameterFile
                                    : directory + desc.parameterFile;
    if (!writeBytes(parameterPath, serialized.parameters, error))
      return false;
  }
  return writeBytes(path, serialized.artifact, error);
}

} // namespace kiln::artifact

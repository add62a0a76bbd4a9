//===- ArtifactLoader.cpp - Validating an artifact into a kiln_model_t ----===//
//
// Everything in an artifact is checked before it is used: the flatbuffer's
// structure (flatbuffers::Verifier), the format version, every index, every
// offset and size against the bytes that hold it, alignments, the code
// object's checksum and its kernel symbols. A malformed file yields a status
// naming the problem; nothing here trusts the file.
//
//===----------------------------------------------------------------------===//

#include "CudaModel.h"
#include "DTypeTable.h"
#include "Model.h"
#include "SyntheticWeights.h"

#include "Artifact_generated.h"
#include "kiln-runtime/cuda_kernel_abi.h"
#include "kiln-runtime/kernel_abi.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <set>
#include <sys/stat.h>

namespace kiln::runtime {
namespace fb = kiln::artifact::fb;

/// The format this runtime reads; see Artifact.fbs for the rules.
constexpr uint32_t kFormatMajor = 1;

static Status invalid(const char *format, const std::string &a = "",
                      const std::string &b = "") {
  return makeError(KILN_STATUS_INVALID_ARTIFACT, format, a.c_str(), b.c_str());
}

static std::string str(uint64_t value) { return std::to_string(value); }

/// Whether `dtype`, read from the file as an integer, is a kiln_dtype_t.
static bool validDtype(int32_t dtype) {
  return kiln::dtypes::lookup(dtype).bytes != 0;
}

/// Converts one Expr, checking its symbols and divisor. `what` names it.
static Status convertExpr(const fb::Expr *expr, size_t numSymbols,
                          const std::string &what, SymbolicExpr &out) {
  if (!expr)
    return invalid("%s is missing", what);
  out.constant = expr->constant();
  out.divisor = expr->divisor();
  if (out.divisor <= 0)
    return invalid("%s has divisor %s; it must be positive", what,
                   std::to_string(out.divisor));
  if (const auto *terms = expr->terms()) {
    for (const fb::Term *term : *terms) {
      SymbolicTerm converted;
      converted.coeff = term->coeff();
      if (const auto *symbols = term->symbols())
        for (uint32_t symbol : *symbols) {
          if (symbol >= numSymbols)
            return invalid("%s refers to symbol %s, but the artifact has "
                           "fewer symbols",
                           what, str(symbol));
          converted.symbols.push_back(symbol);
        }
      out.terms.push_back(std::move(converted));
    }
  }
  return nullptr;
}

static Status convertSignature(const fb::TensorSignature *tensor,
                               const std::vector<std::string> &symbols,
                               const std::string &what, TensorSignature &out) {
  out.name = tensor->name()->str();
  if (out.name.empty())
    return invalid("%s has an empty name", what);
  std::string where = what + " '" + out.name + "'";
  out.dtype = static_cast<kiln_dtype_t>(tensor->dtype());
  if (!validDtype(static_cast<int32_t>(tensor->dtype())))
    return invalid("%s has unknown dtype %s", where,
                   std::to_string(static_cast<int32_t>(tensor->dtype())));
  if (const auto *dims = tensor->dims()) {
    for (uint32_t i = 0; i < dims->size(); ++i) {
      SymbolicExpr dim;
      KILN_RETURN_IF_ERROR(convertExpr(dims->Get(i), symbols.size(),
                                       where + " dim " + str(i), dim));
      if (std::optional<int64_t> size = dim.asConstant()) {
        if (*size < 0)
          return invalid("%s has negative dim %s", where, str(i));
        out.staticDims.push_back(*size);
        out.dimNames.emplace_back();
      } else {
        out.staticDims.push_back(-1);
        out.dimNames.push_back(dim.format(symbols));
      }
      out.dims.push_back(std::move(dim));
    }
  }
  for (const std::string &name : out.dimNames)
    out.dimNamePtrs.push_back(name.empty() ? nullptr : name.c_str());
  return nullptr;
}

static Status convertSignatures(
    const flatbuffers::Vector<flatbuffers::Offset<fb::TensorSignature>> *list,
    const std::vector<std::string> &symbols, const char *what,
    std::vector<TensorSignature> &out) {
  std::set<std::string> seen;
  if (!list)
    return nullptr;
  out.resize(list->size());
  for (uint32_t i = 0; i < list->size(); ++i) {
    KILN_RETURN_IF_ERROR(convertSignature(
        list->Get(i), symbols, std::string(what) + " " + str(i), out[i]));
    if (!seen.insert(out[i].name).second)
      return invalid("two %ss are named '%s'", what, out[i].name);
  }
  return nullptr;
}

/// Checks [offset, offset + size) lies in [0, limit), without overflow.
static bool inBounds(uint64_t offset, uint64_t size, uint64_t limit) {
  return offset <= limit && size <= limit - offset;
}

/// Stands in for an absent parameter file: a zeroed region as large as the
/// external constants need, each then filled with synthetic values.
static Status synthesizeParameters(kiln_model_t &model,
                                   const fb::Artifact &artifact) {
  uint64_t size = 0;
  for (const fb::Constant *constant : *artifact.constants())
    if (constant->location() == fb::ConstantLocation::External &&
        inBounds(constant->offset(), constant->size(), UINT64_MAX))
      size = std::max(size, constant->offset() + constant->size());
  uint8_t *bytes = nullptr;
  KILN_RETURN_IF_ERROR(model.parameters.allocateZeroed(size, bytes));
  for (const fb::Constant *constant : *artifact.constants()) {
    // Checked again (shape against size) by the caller; skip what is wrong.
    uint64_t expected =
        kiln_dtype_size(static_cast<kiln_dtype_t>(constant->dtype()));
    std::vector<int64_t> dims;
    if (const auto *shape = constant->dims())
      for (uint32_t d = 0; d < shape->size(); ++d) {
        int64_t dim = flatbuffers::ReadScalar<int64_t>(shape->Data() + 8 * d);
        dims.push_back(dim);
        expected *= static_cast<uint64_t>(dim < 0 ? 0 : dim);
      }
    if (constant->location() != fb::ConstantLocation::External ||
        expected != constant->size() || expected == 0 ||
        !inBounds(constant->offset(), constant->size(), size))
      continue;
    fillSyntheticWeights(constant->name()->str(),
                         static_cast<kiln_dtype_t>(constant->dtype()), dims,
                         bytes + constant->offset(), constant->size());
  }
  return nullptr;
}

static Status loadConstants(kiln_model_t &model, const fb::Artifact &artifact,
                            const uint8_t *weights, uint64_t weightsSize,
                            const std::string &directory,
                            const LoadOptions &options) {
  const auto *constants = artifact.constants();
  if (!constants)
    return nullptr;
  bool needsParameters = false;
  for (const fb::Constant *constant : *constants)
    needsParameters |= constant->location() == fb::ConstantLocation::External;
  if (needsParameters) {
    if (!artifact.parameter_file() || artifact.parameter_file()->size() == 0)
      return invalid("constants are stored externally but the artifact names "
                     "no parameter file");
    std::string path = artifact.parameter_file()->str();
    if (path.find('\0') != std::string::npos)
      return invalid("the parameter file name contains a NUL byte");
    if (path[0] != '/' && !directory.empty())
      path = directory + "/" + path;
    struct stat info;
    bool absent = ::stat(path.c_str(), &info) != 0 && errno == ENOENT;
    if (absent && options.syntheticWeights) {
      KILN_RETURN_IF_ERROR(synthesizeParameters(model, artifact));
    } else if (absent) {
      return makeError(KILN_STATUS_IO_ERROR,
                       "cannot open parameter file '%s': it does not exist "
                       "(to run without the weights, on made-up values, load "
                       "with "
                       "KILN_LOAD_SYNTHETIC_WEIGHTS: kiln-run and kiln-bench "
                       "--synthetic-weights)",
                       path.c_str());
    } else {
      KILN_RETURN_IF_ERROR(model.parameters.mapFile(path, "parameter file"));
    }
  }
  for (uint32_t i = 0; i < constants->size(); ++i) {
    const fb::Constant *constant = constants->Get(i);
    std::string where =
        "constant " + str(i) + " '" + constant->name()->str() + "'";
    if (!validDtype(static_cast<int32_t>(constant->dtype())))
      return invalid("%s has unknown dtype %s", where,
                     std::to_string(static_cast<int32_t>(constant->dtype())));
    uint64_t bytes =
        kiln_dtype_size(static_cast<kiln_dtype_t>(constant->dtype()));
    // The verifier checks the alignment of a vector's length field (4), not
    // that of its 8-byte elements (an empty one has none to read).
    if (constant->dims() && constant->dims()->size() > 0 &&
        reinterpret_cast<uintptr_t>(constant->dims()->data()) %
                alignof(int64_t) !=
            0)
      return invalid("%s has a misaligned shape vector", where);
    if (const auto *dims = constant->dims())
      for (int64_t dim : *dims)
        if (dim < 0 ||
            __builtin_mul_overflow(bytes, static_cast<uint64_t>(dim), &bytes))
          return invalid("%s has a negative or overflowing shape", where);
    if (constant->size() != bytes)
      return invalid("%s holds %s", where,
                     str(constant->size()) + " bytes but its shape needs " +
                         str(bytes));
    bool external = constant->location() == fb::ConstantLocation::External;
    if (!external && constant->location() != fb::ConstantLocation::Embedded)
      return invalid("%s has an unknown location", where);
    const uint8_t *base = external ? model.parameters.data() : weights;
    uint64_t limit = external ? model.parameters.size() : weightsSize;
    const char *section =
        external ? "the parameter file" : "the weights section";
    if (constant->offset() % KILN_BUFFER_ALIGNMENT != 0)
      return invalid("%s is not 64-byte aligned in %s", where, section);
    if (!inBounds(constant->offset(), constant->size(), limit))
      return invalid("%s lies outside %s (truncated file?)", where, section);
    model.constants.push_back(base + constant->offset());
    model.constantSizes.push_back(constant->size());
  }
  return nullptr;
}

/// Finds, for every symbol, an input dim that is exactly that symbol: the
/// values set for that input then bind it.
static Status findSymbolSources(kiln_model_t &model,
                                const fb::Artifact &artifact) {
  model.symbolSources.assign(model.symbols.size(), {UINT32_MAX, 0});
  if (const auto *computed = artifact.computed_symbols())
    for (uint32_t s : *computed) {
      if (s >= model.symbols.size())
        return invalid("computed symbol %s does not exist", str(s));
      model.symbolSources[s] = {kComputedSymbol, 0};
      model.computedSymbols.push_back(s);
    }
  for (uint32_t i = 0; i < model.inputs.size(); ++i)
    for (uint32_t d = 0; d < model.inputs[i].dims.size(); ++d)
      if (std::optional<uint32_t> s = model.inputs[i].dims[d].asSymbol())
        if (model.symbolSources[*s].first == UINT32_MAX)
          model.symbolSources[*s] = {i, d};
  for (size_t s = 0; s < model.symbols.size(); ++s)
    if (model.symbolSources[s].first == UINT32_MAX)
      return invalid("symbol '%s' is not the size of any input dimension, so "
                     "no input can bind it",
                     model.symbols[s]);
  return nullptr;
}

/// Checks a CUDA code object; the GPU sees it only after every other check
/// (CudaModel::create), so that a malformed artifact is reported as such on
/// machines without a GPU too.
static Status checkCudaCode(kiln_model_t &model, const fb::Artifact &artifact,
                            CudaCode &out) {
  const fb::CodeObject *code = artifact.code();
  out.chip = code->chip() ? code->chip()->str() : "";
  if (out.chip.find('\0') != std::string::npos)
    return invalid("the code object's chip name contains a NUL byte");
  model.device = KILN_DEVICE_CUDA;
  model.target = "cuda:" + (out.chip.empty() ? "?" : out.chip);
  if (code->abi_version() != KILN_CUDA_KERNEL_ABI_VERSION)
    return makeError(KILN_STATUS_UNSUPPORTED_VERSION,
                     "the kernels use CUDA kernel ABI version %u but this "
                     "runtime implements version %u: recompile the model",
                     code->abi_version(), KILN_CUDA_KERNEL_ABI_VERSION);
  if (!code->ptx() || code->ptx()->size() == 0)
    return invalid("the CUDA code object has no PTX");
  out.cubin = code->data()->data();
  out.cubinSize = code->data()->size();
  out.ptx = code->ptx()->data();
  out.ptxSize = code->ptx()->size();
  // FNV-1a runs over the cubin and then the PTX: the hash of the cubin is
  // the state the PTX continues from.
  uint64_t hash = fnv1a64(out.cubin, out.cubinSize);
  for (size_t i = 0; i < out.ptxSize; ++i)
    hash = (hash ^ out.ptx[i]) * 0x100000001b3ull;
  if (hash != code->checksum())
    return invalid("the code object's checksum does not match: the file is "
                   "corrupted");
  return nullptr;
}

static Status loadCode(kiln_model_t &model, const fb::Artifact &artifact,
                       CudaCode &cudaCode) {
  const fb::CodeObject *code = artifact.code();
  if (code->format() == fb::CodeFormat::Cuda)
    return checkCudaCode(model, artifact, cudaCode);
  if (code->format() != fb::CodeFormat::ElfSharedObject)
    return invalid("the code object has unknown format %s",
                   std::to_string(static_cast<int>(code->format())));
  if (code->abi_version() != KILN_CPU_KERNEL_ABI_VERSION)
    return makeError(KILN_STATUS_UNSUPPORTED_VERSION,
                     "the kernels use CPU kernel ABI version %u but this "
                     "runtime implements version %u: recompile the model",
                     code->abi_version(), KILN_CPU_KERNEL_ABI_VERSION);
  const uint8_t *bytes = code->data()->data();
  size_t size = code->data()->size();
  if (fnv1a64(bytes, size) != code->checksum())
    return invalid("the code object's checksum does not match: the file is "
                   "corrupted");
  return model.code.load(bytes, size);
}

/// Converts one kernel; `where` names it in errors.
static Status loadKernel(kiln_model_t &model, const fb::Kernel *kernel,
                         const std::string &where, KernelLaunch &launch) {
  launch.name = kernel->name()->str();
  if (kernel->grid()->size() != 3)
    return invalid("%s has a grid of %s dimensions; it must have 3", where,
                   str(kernel->grid()->size()));
  for (uint32_t d = 0; d < 3; ++d)
    KILN_RETURN_IF_ERROR(
        convertExpr(kernel->grid()->Get(d), model.symbols.size(),
                    where + " grid dim " + str(d), launch.grid[d]));
  if (const auto *bindings = kernel->bindings()) {
    for (uint32_t b = 0; b < bindings->size(); ++b) {
      const fb::Binding *binding = bindings->Get(b);
      if (binding->kind() < fb::BindingKind::MIN ||
          binding->kind() > fb::BindingKind::MAX)
        return invalid("%s binding %s has an unknown kind", where, str(b));
      size_t limit = 0;
      const char *kind = "";
      switch (binding->kind()) {
      case fb::BindingKind::Input:
        limit = model.inputs.size(), kind = "input";
        break;
      case fb::BindingKind::Output:
        limit = model.outputs.size(), kind = "output";
        break;
      case fb::BindingKind::Buffer:
        limit = model.buffers.size(), kind = "buffer";
        break;
      case fb::BindingKind::Constant:
        limit = model.constants.size(), kind = "constant";
        break;
      }
      if (binding->index() >= limit)
        return invalid("%s binds %s, which does not exist", where,
                       std::string(kind) + " " + str(binding->index()));
      launch.bindings.push_back(
          {static_cast<BindingKind>(binding->kind()), binding->index()});
    }
  }
  std::string symbol = kernel->symbol()->str();
  launch.symbol = symbol;
  if (const auto *block = kernel->block()) {
    if (block->size() != 3)
      return invalid("%s has a block of %s dimensions; it must have 3", where,
                     str(block->size()));
    uint64_t threads = 1;
    for (uint32_t d = 0; d < 3; ++d) {
      launch.block[d] = block->Get(d);
      threads *= launch.block[d];
    }
    if (threads == 0 || threads > KILN_CUDA_MAX_BLOCK_THREADS)
      return invalid("%s has a block of %s threads; each extent must be at "
                     "least 1 and the product at most 1024",
                     where,
                     str(launch.block[0]) + "x" + str(launch.block[1]) + "x" +
                         str(launch.block[2]));
  }
  launch.sharedBytes = kernel->shared_bytes();
  if (model.device == KILN_DEVICE_CUDA) {
    // Resolved in the module by CudaModel::create.
    if (symbol.empty() || symbol.find('\0') != std::string::npos)
      return invalid("%s has an empty or malformed symbol", where);
    return nullptr;
  }
  void *address = symbol.find('\0') == std::string::npos
                      ? model.code.lookup(symbol.c_str())
                      : nullptr;
  if (!address)
    return invalid("%s calls symbol '%s', which the code object does not "
                   "export",
                   where, symbol);
  launch.function = reinterpret_cast<kiln_cpu_kernel_fn>(address);
  return nullptr;
}

static Status loadKernels(kiln_model_t &model, const fb::Artifact &artifact) {
  if (const auto *kernels = artifact.kernels()) {
    for (uint32_t i = 0; i < kernels->size(); ++i) {
      const fb::Kernel *kernel = kernels->Get(i);
      KernelLaunch launch;
      KILN_RETURN_IF_ERROR(loadKernel(
          model, kernel,
          "kernel " + str(i) + " '" + kernel->name()->str() + "'", launch));
      model.kernels.push_back(std::move(launch));
    }
  }
  if (const fb::Kernel *kernel = artifact.shape_kernel()) {
    KernelLaunch launch;
    KILN_RETURN_IF_ERROR(loadKernel(model, kernel, "the shape kernel", launch));
    for (const KernelBinding &binding : launch.bindings)
      if (binding.kind != BindingKind::Input)
        return invalid("the shape kernel binds something other than an "
                       "input");
    model.shapeKernel = std::move(launch);
  }
  if (!model.computedSymbols.empty() && !model.shapeKernel)
    return invalid("the artifact has computed symbols but no shape kernel");
  return nullptr;
}

Status loadArtifact(kiln_model_t &model, const std::string &directory,
                    const LoadOptions &options) {
  const uint8_t *file = model.file.data();
  uint64_t fileSize = model.file.size();
  if (fileSize < 8)
    return invalid("the file is %s bytes long, too short to be a kiln "
                   "artifact",
                   str(fileSize));
  if (!flatbuffers::BufferHasIdentifier(file, fb::ArtifactIdentifier(),
                                        /*size_prefixed=*/true))
    return invalid("the file is not a kiln artifact (no 'KILN' identifier)");
  uint32_t flatbufferSize = flatbuffers::ReadScalar<uint32_t>(file);
  if (flatbufferSize > fileSize - sizeof(uint32_t))
    return invalid("the file is truncated: its header announces %s bytes of "
                   "metadata but only %s follow",
                   str(flatbufferSize), str(fileSize - sizeof(uint32_t)));
  flatbuffers::Verifier verifier(file, sizeof(uint32_t) + flatbufferSize);
  if (!fb::VerifySizePrefixedArtifactBuffer(verifier))
    return invalid("the artifact's metadata is malformed (flatbuffer "
                   "verification failed): the file is corrupted or truncated");
  const fb::Artifact &artifact = *fb::GetSizePrefixedArtifact(file);

  if (artifact.format_major() != kFormatMajor)
    return makeError(KILN_STATUS_UNSUPPORTED_VERSION,
                     "the artifact has format version %u.%u but this runtime "
                     "reads version %u.x: recompile the model with a matching "
                     "kiln-compile",
                     artifact.format_major(), artifact.format_minor(),
                     kFormatMajor);

  if (const auto *symbols = artifact.symbols()) {
    std::set<std::string> seen;
    for (const flatbuffers::String *symbol : *symbols) {
      if (!symbol || symbol->size() == 0)
        return invalid("a symbolic dimension has no name");
      if (!seen.insert(symbol->str()).second)
        return invalid("symbol '%s' is declared twice", symbol->str());
      model.symbols.push_back(symbol->str());
    }
  }
  KILN_RETURN_IF_ERROR(convertSignatures(artifact.inputs(), model.symbols,
                                         "input", model.inputs));
  KILN_RETURN_IF_ERROR(convertSignatures(artifact.outputs(), model.symbols,
                                         "output", model.outputs));
  KILN_RETURN_IF_ERROR(findSymbolSources(model, artifact));

  uint64_t weightsOffset = artifact.weights_offset();
  uint64_t weightsSize = artifact.weights_size();
  // Checked even for an empty section: the offset becomes a pointer.
  if (weightsOffset % KILN_BUFFER_ALIGNMENT != 0)
    return invalid("the weights section is not 64-byte aligned");
  if (weightsSize != 0 && weightsOffset < sizeof(uint32_t) + flatbufferSize)
    return invalid("the weights section overlaps the metadata");
  if (!inBounds(weightsOffset, weightsSize, fileSize))
    return invalid("the file is truncated: the weights section ends at "
                   "byte %s but the file has %s bytes",
                   str(weightsOffset + weightsSize), str(fileSize));
  KILN_RETURN_IF_ERROR(loadConstants(model, artifact, file + weightsOffset,
                                     weightsSize, directory, options));

  KILN_RETURN_IF_ERROR(convertExpr(artifact.arena_size(), model.symbols.size(),
                                   "the arena size", model.arenaSize));
  if (const auto *buffers = artifact.buffers()) {
    for (uint32_t i = 0; i < buffers->size(); ++i) {
      const fb::Buffer *buffer = buffers->Get(i);
      BufferPlan plan;
      plan.name = buffer->name() ? buffer->name()->str() : "";
      std::string where = "buffer " + str(i) + " '" + plan.name + "'";
      KILN_RETURN_IF_ERROR(convertExpr(buffer->offset(), model.symbols.size(),
                                       where + " offset", plan.offset));
      KILN_RETURN_IF_ERROR(convertExpr(buffer->size(), model.symbols.size(),
                                       where + " size", plan.size));
      model.buffers.push_back(std::move(plan));
    }
  }

  CudaCode cudaCode;
  KILN_RETURN_IF_ERROR(loadCode(model, artifact, cudaCode));
  KILN_RETURN_IF_ERROR(loadKernels(model, artifact));
  if (model.device == KILN_DEVICE_CUDA)
    for (const BufferPlan &buffer : model.buffers)
      if (buffer.offset.asConstant().value_or(0) % KILN_CUDA_BUFFER_ALIGNMENT !=
          0)
        return invalid("buffer '%s' is not %s-byte aligned in the arena, as "
                       "CUDA kernels need",
                       buffer.name, str(KILN_CUDA_BUFFER_ALIGNMENT));
  if (options.device != KILN_DEVICE_DEFAULT && options.device != model.device)
    return makeError(KILN_STATUS_FAILED_PRECONDITION,
                     "the artifact was compiled for %s, not for %s: compile it "
                     "with --target=%s, or run it on its own device",
                     model.target.c_str(),
                     options.device == KILN_DEVICE_CUDA ? "cuda" : "cpu",
                     options.device == KILN_DEVICE_CUDA ? "cuda:sm_XX" : "cpu");
  if (model.device == KILN_DEVICE_CUDA)
    return CudaModel::create(model, cudaCode, options.cudaDevice, model.cuda);
  return nullptr;
}

} // namespace kiln::runtime

//===- NativeCode.cpp - LLVM dialect to a loadable code object ------------===//

#include "NativeCode.h"

#include "mlir/ExecutionEngine/OptUtils.h"
#include "mlir/Target/LLVMIR/Export.h"
#include "llvm/IR/LLVMContext.h"
#include "llvm/IR/LegacyPassManager.h"
#include "llvm/IR/Module.h"
#include "llvm/MC/TargetRegistry.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Program.h"
#include "llvm/Support/TargetSelect.h"
#include "llvm/Support/raw_ostream.h"
#include "llvm/Target/TargetMachine.h"
#include "llvm/TargetParser/Host.h"

#include <memory>

using namespace kiln::cpu;

NativeTarget kiln::cpu::getHostTarget() {
  NativeTarget target;
  target.triple = llvm::sys::getDefaultTargetTriple();
  target.cpu = llvm::sys::getHostCPUName().str();
  std::string features;
  for (const auto &feature : llvm::sys::getHostCPUFeatures()) {
    if (!features.empty())
      features += ",";
    features += (feature.second ? "+" : "-") + feature.first().str();
  }
  target.features = features;
  return target;
}

namespace {
/// Temporary files removed on every path out.
struct TempFile {
  llvm::SmallString<128> path;
  ~TempFile() {
    if (!path.empty())
      llvm::sys::fs::remove(path);
  }
};
} // namespace

/// Links an object file into a shared object with the system linker. kiln
/// generates everything itself; the linker only lays out the sections and
/// the dynamic symbol table.
static llvm::Expected<std::vector<uint8_t>>
linkSharedObject(llvm::ArrayRef<char> object) {
  TempFile objectFile, sharedFile;
  int fd;
  if (std::error_code ec = llvm::sys::fs::createTemporaryFile(
          "kiln-kernels", "o", fd, objectFile.path))
    return llvm::createStringError("cannot create a temporary file: " +
                                   ec.message());
  {
    llvm::raw_fd_ostream os(fd, /*shouldClose=*/true);
    os.write(object.data(), object.size());
  }
  if (std::error_code ec = llvm::sys::fs::createTemporaryFile(
          "kiln-kernels", "so", sharedFile.path))
    return llvm::createStringError("cannot create a temporary file: " +
                                   ec.message());

  llvm::ErrorOr<std::string> linker = llvm::sys::findProgramByName("ld.lld");
  if (!linker)
    linker = llvm::sys::findProgramByName("ld");
  if (!linker)
    return llvm::createStringError(
        "no linker found (ld.lld or ld on PATH): kiln needs one "
        "to package CPU kernels; install binutils or lld");
  std::string errorMessage;
  llvm::SmallVector<llvm::StringRef> args = {
      *linker, "-shared", "--hash-style=gnu", "-z",           "noexecstack",
      "-s",    "-o",      sharedFile.path,    objectFile.path};
  int rc = llvm::sys::ExecuteAndWait(*linker, args, std::nullopt, {}, 0, 0,
                                     &errorMessage);
  if (rc != 0)
    return llvm::createStringError(
        "linking the kernels with " + *linker + " failed" +
        (errorMessage.empty() ? "" : ": " + errorMessage));
  auto buffer = llvm::MemoryBuffer::getFile(sharedFile.path);
  if (!buffer)
    return llvm::createStringError("cannot read the linked kernels: " +
                                   buffer.getError().message());
  llvm::StringRef bytes = (*buffer)->getBuffer();
  return std::vector<uint8_t>(bytes.begin(), bytes.end());
}

llvm::Expected<std::vector<uint8_t>>
kiln::cpu::emitSharedObject(mlir::ModuleOp module, const NativeTarget &target,
                            unsigned optLevel, std::string *llvmIR) {
  llvm::InitializeNativeTarget();
  llvm::InitializeNativeTargetAsmPrinter();

  std::string error;
  llvm::Triple triple(target.triple);
  const llvm::Target *llvmTarget =
      llvm::TargetRegistry::lookupTarget(triple, error);
  if (!llvmTarget)
    return llvm::createStringError("target " + target.triple + ": " + error);
  // Multiply-adds fuse into FMA instructions (one rounding instead of two,
  // as every peer does): half the instructions of a matrix product.
  llvm::TargetOptions options;
  options.AllowFPOpFusion = llvm::FPOpFusion::Fast;
  std::unique_ptr<llvm::TargetMachine> machine(llvmTarget->createTargetMachine(
      triple, target.cpu, target.features, options, llvm::Reloc::PIC_,
      std::nullopt,
      optLevel >= 3 ? llvm::CodeGenOptLevel::Aggressive
                    : llvm::CodeGenOptLevel::Default));
  if (!machine)
    return llvm::createStringError("cannot create a code generator for " +
                                   target.triple);

  llvm::LLVMContext context;
  std::unique_ptr<llvm::Module> llvmModule =
      mlir::translateModuleToLLVMIR(module, context, "kiln");
  if (!llvmModule)
    return llvm::createStringError("translating the kernels to LLVM IR failed");
  llvmModule->setDataLayout(machine->createDataLayout());
  llvmModule->setTargetTriple(triple);
  if (llvm::Error e = mlir::makeOptimizingTransformer(
          optLevel, 0, machine.get())(llvmModule.get()))
    return std::move(e);
  if (llvmIR) {
    llvm::raw_string_ostream os(*llvmIR);
    llvmModule->print(os, nullptr);
    return std::vector<uint8_t>();
  }

  llvm::SmallVector<char> object;
  llvm::raw_svector_ostream os(object);
  llvm::legacy::PassManager codegen;
  if (machine->addPassesToEmitFile(codegen, os, nullptr,
                                   llvm::CodeGenFileType::ObjectFile))
    return llvm::createStringError("the target cannot emit object files");
  codegen.run(*llvmModule);
  return linkSharedObject(object);
}

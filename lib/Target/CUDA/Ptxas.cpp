//===- Ptxas.cpp - Assembling PTX into a cubin ----------------------------===//

#include "Ptxas.h"

#include "llvm/ADT/ScopeExit.h"
#include "llvm/ADT/SmallString.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Process.h"
#include "llvm/Support/Program.h"
#include "llvm/Support/raw_ostream.h"

using namespace kiln::cuda;

llvm::Expected<std::optional<std::string>>
kiln::cuda::findPtxas(llvm::StringRef explicitPath) {
  if (explicitPath == "none")
    return std::nullopt;
  if (!explicitPath.empty()) {
    if (!llvm::sys::fs::can_execute(explicitPath))
      return llvm::createStringError(
          "--ptxas=" + explicitPath +
          " is not an executable; give the path of CUDA's "
          "ptxas, or 'none' for an artifact with PTX only");
    return explicitPath.str();
  }
  if (std::optional<std::string> env = llvm::sys::Process::GetEnv("KILN_PTXAS");
      env && !env->empty())
    return *env;
  if (llvm::ErrorOr<std::string> found = llvm::sys::findProgramByName("ptxas"))
    return *found;
  std::vector<std::string> toolkitBins = {"/usr/local/cuda/bin"};
  if (std::optional<std::string> home = llvm::sys::Process::GetEnv("CUDA_HOME"))
    toolkitBins.insert(toolkitBins.begin(), *home + "/bin");
  std::vector<llvm::StringRef> paths(toolkitBins.begin(), toolkitBins.end());
  if (llvm::ErrorOr<std::string> found =
          llvm::sys::findProgramByName("ptxas", paths))
    return *found;
  return std::nullopt;
}

std::optional<std::string>
kiln::cuda::findLibdeviceToolkit(llvm::StringRef ptxas) {
  std::vector<std::string> candidates;
  for (const char *variable : {"CUDA_HOME", "CUDA_PATH"})
    if (std::optional<std::string> value = llvm::sys::Process::GetEnv(variable))
      candidates.push_back(*value);
  if (!ptxas.empty())
    candidates.push_back(
        llvm::sys::path::parent_path(llvm::sys::path::parent_path(ptxas))
            .str());
  candidates.push_back("/usr/local/cuda");
  for (const std::string &root : candidates) {
    llvm::SmallString<256> libdevice(root);
    llvm::sys::path::append(libdevice, "nvvm", "libdevice", "libdevice.10.bc");
    if (!root.empty() && llvm::sys::fs::exists(libdevice))
      return root;
  }
  return std::nullopt;
}

/// The number before `unit` in `line` ("12 bytes spill stores"), if any.
static std::optional<uint64_t> numberBefore(llvm::StringRef line,
                                            llvm::StringRef unit) {
  size_t at = line.find(unit);
  if (at == llvm::StringRef::npos)
    return std::nullopt;
  llvm::StringRef head = line.take_front(at).rtrim();
  llvm::StringRef digits = head.substr(head.find_last_not_of("0123456789") + 1);
  uint64_t value;
  if (digits.getAsInteger(10, value))
    return std::nullopt;
  return value;
}

llvm::StringMap<KernelResources>
kiln::cuda::parsePtxasReport(llvm::StringRef text) {
  llvm::StringMap<KernelResources> kernels;
  KernelResources *current = nullptr;
  llvm::SmallVector<llvm::StringRef> lines;
  text.split(lines, '\n');
  for (llvm::StringRef line : lines) {
    for (llvm::StringRef marker :
         {"Compiling entry function '", "Function properties for "}) {
      size_t at = line.find(marker);
      if (at == llvm::StringRef::npos)
        continue;
      llvm::StringRef name = line.drop_front(at + marker.size());
      name = name.take_until([](char c) { return c == '\'' || c == ' '; });
      current = &kernels[name.trim()];
    }
    if (!current)
      continue;
    if (auto v = numberBefore(line, " bytes stack frame"))
      current->stackFrame = *v;
    if (auto v = numberBefore(line, " bytes spill stores"))
      current->spillStores = *v;
    if (auto v = numberBefore(line, " bytes spill loads"))
      current->spillLoads = *v;
    if (auto v = numberBefore(line, " registers"))
      current->registers = *v;
    if (auto v = numberBefore(line, " bytes smem"))
      current->sharedBytes = *v;
  }
  return kernels;
}

llvm::Expected<AssembledPTX> kiln::cuda::assemblePTX(llvm::StringRef ptxas,
                                                     llvm::StringRef ptx,
                                                     llvm::StringRef chip,
                                                     unsigned optLevel) {
  llvm::SmallString<128> ptxFile, cubinFile, logFile;
  auto cleanup = llvm::make_scope_exit([&] {
    for (const auto &f : {ptxFile, cubinFile, logFile})
      if (!f.empty())
        llvm::sys::fs::remove(f);
  });
  for (auto [file, suffix] :
       {std::pair{&ptxFile, "ptx"}, std::pair{&cubinFile, "cubin"},
        std::pair{&logFile, "log"}})
    if (std::error_code ec =
            llvm::sys::fs::createTemporaryFile("kiln", suffix, *file))
      return llvm::createStringError("cannot create a temporary file: " +
                                     ec.message());
  {
    std::error_code ec;
    llvm::raw_fd_ostream os(ptxFile, ec);
    if (ec)
      return llvm::createStringError("cannot write " + ptxFile + ": " +
                                     ec.message());
    os << ptx;
  }
  std::string arch = ("-arch=" + chip).str();
  std::string opt = "-O" + std::to_string(std::min(optLevel, 3u));
  llvm::SmallVector<llvm::StringRef> args = {ptxas, arch,      opt,    "-v",
                                             "-o",  cubinFile, ptxFile};
  std::optional<llvm::StringRef> redirects[] = {std::nullopt, logFile.str(),
                                                logFile.str()};
  std::string message;
  int rc = llvm::sys::ExecuteAndWait(ptxas, args, std::nullopt, redirects,
                                     /*SecondsToWait=*/600, 0, &message);
  auto log = llvm::MemoryBuffer::getFile(logFile);
  std::string logText = log ? (*log)->getBuffer().str() : "";
  if (rc != 0)
    return llvm::createStringError(
        ptxas + " failed" + (message.empty() ? "" : " (" + message + ")") +
        ": " + logText);
  auto cubin = llvm::MemoryBuffer::getFile(cubinFile, /*IsText=*/false);
  if (!cubin)
    return llvm::createStringError("ptxas wrote no cubin: " +
                                   cubin.getError().message());
  AssembledPTX result;
  llvm::StringRef bytes = (*cubin)->getBuffer();
  result.cubin.assign(bytes.begin(), bytes.end());
  result.resources = parsePtxasReport(logText);
  return result;
}

//===- LibraryDependenciesTest.cpp - libkiln_runtime stays LLVM-free ------===//
//
// kiln-run and kiln-bench must run on machines without LLVM, so the runtime
// library may need nothing from LLVM or MLIR: neither a DT_NEEDED entry, nor a
// transitive one (ldd), nor an undefined symbol from their namespaces.
//
//===----------------------------------------------------------------------===//

#include <gtest/gtest.h>

#include <cstdio>
#include <string>

namespace {

/// The output of `command`, or nullopt-like "" plus a skip when it is absent.
bool runCommand(const std::string &command, std::string &output) {
  FILE *pipe = popen((command + " 2>/dev/null").c_str(), "r");
  if (!pipe)
    return false;
  char buffer[4096];
  size_t n;
  while ((n = fread(buffer, 1, sizeof buffer, pipe)) > 0)
    output.append(buffer, n);
  return pclose(pipe) == 0;
}

bool mentionsLlvm(const std::string &text) {
  for (const char *needle : {"libLLVM", "libMLIR", "libmlir", "libclang"})
    if (text.find(needle) != std::string::npos)
      return true;
  return false;
}

TEST(LibraryDependencies, NoLlvmOrMlirInNeededEntries) {
  std::string output;
  if (!runCommand("readelf -d '" KILN_RUNTIME_LIBRARY_PATH "'", output))
    GTEST_SKIP() << "readelf is not available";
  EXPECT_NE(output.find("(NEEDED)"), std::string::npos) << output;
  EXPECT_FALSE(mentionsLlvm(output)) << output;
  // Only the C and C++ runtimes: libc, libstdc++, libm, libgcc_s (and libdl /
  // libpthread on older glibc).
  size_t pos = 0;
  while ((pos = output.find("Shared library: [", pos)) != std::string::npos) {
    pos += 17;
    std::string name = output.substr(pos, output.find(']', pos) - pos);
    bool allowed = false;
    for (const char *prefix :
         {"libc.so", "libstdc++.so", "libm.so", "libgcc_s.so", "libdl.so",
          "libpthread.so", "ld-linux"})
      allowed |= name.rfind(prefix, 0) == 0;
    EXPECT_TRUE(allowed) << "unexpected dependency " << name;
  }
}

TEST(LibraryDependencies, NoLlvmOrMlirThroughLdd) {
  std::string output;
  if (!runCommand("ldd '" KILN_RUNTIME_LIBRARY_PATH "'", output))
    GTEST_SKIP() << "ldd is not available";
  EXPECT_FALSE(mentionsLlvm(output)) << output;
}

TEST(LibraryDependencies, NoLlvmOrMlirSymbols) {
  std::string output;
  if (!runCommand("nm -D --undefined-only '" KILN_RUNTIME_LIBRARY_PATH "'",
                  output))
    GTEST_SKIP() << "nm is not available";
  // Mangled C++ names in namespace llvm or mlir contain "4llvm" / "4mlir".
  for (const char *needle : {"4llvm", "4mlir", "LLVM", "mlir"})
    EXPECT_EQ(output.find(needle), std::string::npos)
        << "undefined symbol mentioning " << needle << ":\n"
        << output;
}

TEST(LibraryDependencies, ExportsOnlyTheCApi) {
  std::string output;
  if (!runCommand("nm -D --defined-only '" KILN_RUNTIME_LIBRARY_PATH "'",
                  output))
    GTEST_SKIP() << "nm is not available";
  size_t start = 0;
  while (start < output.size()) {
    size_t end = output.find('\n', start);
    if (end == std::string::npos)
      end = output.size();
    std::string line = output.substr(start, end - start);
    start = end + 1;
    std::string symbol = line.substr(line.rfind(' ') + 1);
    if (symbol.empty())
      continue;
    EXPECT_EQ(symbol.rfind("kiln_", 0), 0u) << "exported symbol " << symbol;
  }
}

} // namespace

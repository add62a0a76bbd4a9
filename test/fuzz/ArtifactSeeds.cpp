//===- ArtifactSeeds.cpp - Seed corpus for kiln-artifact-loader-fuzzer ----===//
//
// Usage: kiln-artifact-seeds OUTDIR
// Writes the runtime unit tests' artifact and variants of it (external
// weights, a second constant, no symbols...) so that the fuzzer starts from
// files that pass verification and reaches the deeper checks.
//
//===----------------------------------------------------------------------===//

#include "TestArtifacts.h"

#include <cstdio>
#include <fstream>

using namespace kiln;

static bool write(const std::string &path, const std::vector<uint8_t> &bytes) {
  std::ofstream file(path, std::ios::binary);
  file.write(reinterpret_cast<const char *>(bytes.data()),
             static_cast<std::streamsize>(bytes.size()));
  return static_cast<bool>(file);
}

int main(int argc, char **argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s OUTDIR\n", argv[0]);
    return 2;
  }
  std::string dir = argv[1];
  std::vector<artifact::ArtifactDesc> descs;
  descs.push_back(test::testModelDesc(test::testKernels()));
  descs.push_back(test::testModelDesc(test::testKernels(), true));
  artifact::ArtifactDesc two = test::testModelDesc(test::testKernels());
  two.constants.push_back(two.constants[0]);
  two.constants[1].name = "w2";
  descs.push_back(two);
  // A tiny code object keeps the seed small; it fails at the ELF check, but
  // mutations of everything before it are fast to explore.
  artifact::ArtifactDesc small = test::testModelDesc({0x7f, 'E', 'L', 'F'});
  descs.push_back(small);
  for (size_t i = 0; i < descs.size(); ++i) {
    artifact::SerializedArtifact out;
    std::string error;
    if (!artifact::serializeArtifact(descs[i], out, error)) {
      std::fprintf(stderr, "seed %zu: %s\n", i, error.c_str());
      return 1;
    }
    if (!write(dir + "/seed" + std::to_string(i) + ".kiln", out.artifact)) {
      std::fprintf(stderr, "cannot write to %s\n", dir.c_str());
      return 1;
    }
  }
  return 0;
}

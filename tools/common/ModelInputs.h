//===- ModelInputs.h - Tensor files bound to a model's inputs ---*- C++ -*-===//
//
// Both tools take input files by name (`--input x=x.npy`) or by position
// (the k-th file is the model's k-th input, in kiln_model_input_info order),
// read them and bind them to a session.
//
//===----------------------------------------------------------------------===//

#ifndef KILN_TOOLS_COMMON_MODELINPUTS_H
#define KILN_TOOLS_COMMON_MODELINPUTS_H

#include "HostTensor.h"

#include <optional>
#include <string>
#include <vector>

namespace kiln::tools {

/// A tensor file named on the command line.
struct InputFileArg {
  /// The model input it is for; empty for a positional file.
  std::string name;
  std::string path;
};

/// One input of the model and, when a file was given for it, its tensor.
struct ModelInput {
  /// Borrowed from the model.
  kiln_tensor_info_t info;
  std::optional<HostTensor> tensor;
  /// Where the tensor came from, for messages: the file's path (or
  /// "made-up", see SyntheticInputs.h); empty without a tensor.
  std::string source;
};

/// The model's inputs, in order, with the files of `args` read into them.
/// Fails on an unknown input name, an input given twice, more positional
/// files than inputs, and unreadable or malformed files.
bool readModelInputs(const kiln_model_t *model,
                     const std::vector<InputFileArg> &args,
                     std::vector<ModelInput> &out, std::string &error);

/// Binds every input that has a tensor. A rejected input's message is the
/// runtime's, after its source: "x.npy: input 'x' has shape ...".
bool bindModelInputs(kiln_session_t *session,
                     const std::vector<ModelInput> &inputs, std::string &error);

/// "x float32 [batch, 3], y float32 [batch, 4]".
std::string describeSignature(const std::vector<ModelInput> &inputs);

} // namespace kiln::tools

#endif // KILN_TOOLS_COMMON_MODELINPUTS_H

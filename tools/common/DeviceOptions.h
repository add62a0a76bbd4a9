//===- DeviceOptions.h - Device flags of kiln-run and kiln-bench -*- C++
//-*-===//
//
// --device, --no-cuda-graph and --synthetic-weights, shared by both tools:
// parsing, their --help text, and loading a model and creating a session
// the way they ask.
//
//===----------------------------------------------------------------------===//

#ifndef KILN_TOOLS_COMMON_DEVICEOPTIONS_H
#define KILN_TOOLS_COMMON_DEVICEOPTIONS_H

#include "CommandLine.h"
#include "RuntimeHandles.h"

#include <string>

namespace kiln::tools {

struct DeviceOptions {
  /// KILN_DEVICE_DEFAULT: the artifact's own target.
  kiln_device_kind_t device = KILN_DEVICE_DEFAULT;
  bool noCudaGraph = false;
  bool syntheticWeights = false;
};

/// `usage` with its line "@DEVICE_OPTIONS@" replaced by the lines of
/// --help for the device flags.
std::string withDeviceOptionsHelp(const char *usage);

/// Consumes the current argument if it is one of the device flags.
bool parseDeviceOption(CommandLine &args, DeviceOptions &options);

/// Loads `path` as `options` ask (device check, synthetic weights).
bool loadModel(const std::string &path, const DeviceOptions &options,
               ModelPtr &model, std::string &error);

/// Creates a session of `model` as `options` ask (CUDA graphs).
bool createSession(kiln_model_t *model, const DeviceOptions &options,
                   SessionPtr &session, std::string &error);

} // namespace kiln::tools

#endif // KILN_TOOLS_COMMON_DEVICEOPTIONS_H

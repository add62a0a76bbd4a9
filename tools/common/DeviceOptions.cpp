//===- DeviceOptions.cpp - The device flags of kiln-run and kiln-bench ----===//

#include "DeviceOptions.h"

namespace kiln::tools {

static const char *const kDeviceOptionsHelp =
    R"(  --device=DEV           cpu or cuda: where to run; it must be the
                         artifact's own target (the default), else an error
                         names the target the artifact was compiled for
  --no-cuda-graph        CUDA: launch the kernels one by one on every run
                         instead of replaying a CUDA graph captured on the
                         first run (also: KILN_CUDA_GRAPHS=0)
  --synthetic-weights    when the artifact's parameter file is absent, run
                         on deterministic made-up weights (seeded by each
                         constant's name) instead of failing
)";

std::string withDeviceOptionsHelp(const char *usage) {
  std::string text = usage;
  const std::string marker = "@DEVICE_OPTIONS@\n";
  size_t at = text.find(marker);
  if (at != std::string::npos)
    text.replace(at, marker.size(), kDeviceOptionsHelp);
  return text;
}

bool parseDeviceOption(CommandLine &args, DeviceOptions &options) {
  std::string value;
  if (args.flag("--no-cuda-graph")) {
    options.noCudaGraph = true;
  } else if (args.flag("--synthetic-weights")) {
    options.syntheticWeights = true;
  } else if (args.option("--device", value)) {
    if (value == "cpu")
      options.device = KILN_DEVICE_CPU;
    else if (value == "cuda")
      options.device = KILN_DEVICE_CUDA;
    else
      args.fail("unknown --device '" + value + "': use cpu or cuda");
  } else {
    return false;
  }
  return true;
}

bool loadModel(const std::string &path, const DeviceOptions &options,
               ModelPtr &model, std::string &error) {
  kiln_model_load_options_t load;
  kiln_model_load_options_init(&load);
  load.device = options.device;
  if (options.syntheticWeights)
    load.flags |= KILN_LOAD_SYNTHETIC_WEIGHTS;
  kiln_model_t *raw = nullptr;
  if (!checkStatus(kiln_model_load_file_with_options(path.c_str(), &load, &raw),
                   error))
    return false;
  model.reset(raw);
  return true;
}

bool createSession(kiln_model_t *model, const DeviceOptions &options,
                   SessionPtr &session, std::string &error) {
  kiln_session_options_t sessionOptions;
  kiln_session_options_init(&sessionOptions);
  if (options.noCudaGraph)
    sessionOptions.flags |= KILN_SESSION_NO_CUDA_GRAPH;
  kiln_session_t *raw = nullptr;
  if (!checkStatus(
          kiln_session_create_with_options(model, &sessionOptions, &raw),
          error))
    return false;
  session.reset(raw);
  return true;
}

} // namespace kiln::tools

//===- kiln-run.cpp - Run a compiled kiln model once ----------------------===//
//
//   kiln-run model.kiln [--input NAME=FILE]... [FILE]... [--output-dir DIR]
//            [--output-format=npy|pb] [--threads N] [--quiet]
//            [--device=cpu|cuda] [--no-cuda-graph] [--synthetic-weights]
//   kiln-run --batch < JOBS
//
// Loads the artifact with libkiln_runtime, binds the input tensor files
// (.npy or ONNX TensorProto .pb), runs the model once and prints each output
// (name, dtype, shape, first values); with --output-dir it writes them as
// output_<i>.npy (or .pb), in output order. Links only libkiln_runtime.
//
//===----------------------------------------------------------------------===//

#include "CommandLine.h"
#include "DeviceOptions.h"
#include "ElementValues.h"
#include "ModelInputs.h"
#include "RuntimeHandles.h"
#include "TensorFile.h"

#include <cstdio>
#include <filesystem>
#include <iostream>
#include <sstream>
#include <string>
#include <system_error>
#include <vector>

using namespace kiln::tools;

namespace {

constexpr const char *kUsage = R"(usage: kiln-run MODEL.kiln [options] [FILE...]

Runs a compiled kiln model once on the given input tensors and prints its
outputs: name, dtype, shape and the first values.

Inputs are tensor files, .npy (NumPy; C order, little-endian) or .pb (ONNX
TensorProto with inline data), chosen by extension. Give them by name with
--input, or as positional FILEs: the k-th FILE is the model's k-th input.
Every input of the model must be given.

options:
  --input NAME=FILE      the tensor for input NAME (repeatable)
  --output-dir DIR       write the outputs to DIR/output_<i>.npy (or .pb), in
                         output order; DIR is created if needed
  --output-format=FMT    file format of --output-dir: npy (default) or pb
  --threads N            threads running kernels, the caller included
                         (0: one per CPU or $KILN_NUM_THREADS, the default)
@DEVICE_OPTIONS@
  --quiet, -q            print nothing on success
  --version              print the runtime and artifact format versions
  --help, -h             print this help

Exit status: 0 on success, 1 on an error (model, inputs, run, files), 2 on a
usage error.

kiln-run --batch runs many models in one process (a test suite on a GPU,
where creating the CUDA context for every process would dominate): each
line of standard input is one run's arguments, separated by tabs; after
each run it prints "kiln-run-batch: exit N" (N as the exit status above) on
standard error, after that run's messages, and flushes.
)";

/// Ends each run of --batch on standard error.
constexpr const char *kBatchEnd = "kiln-run-batch: exit";

/// How many values of each output the summary shows.
constexpr uint64_t kPreviewValues = 8;

struct Options {
  std::string model;
  std::vector<InputFileArg> inputs;
  std::string outputDir;
  TensorFileFormat outputFormat = TensorFileFormat::Npy;
  int64_t threads = -1; // -1: the runtime's default.
  DeviceOptions device;
  bool quiet = false;
  bool help = false;
  bool version = false;
};

int error(const std::string &message) {
  std::fprintf(stderr, "kiln-run: error: %s\n", message.c_str());
  return 1;
}

int usageError(const std::string &message) {
  std::fprintf(stderr, "kiln-run: error: %s (see kiln-run --help)\n",
               message.c_str());
  return 2;
}

bool parseOptions(int argc, char **argv, Options &options, std::string &err) {
  CommandLine args(argc, argv);
  while (!args.done()) {
    std::string value;
    if (args.flag("--help") || args.flag("-h")) {
      options.help = true;
    } else if (args.flag("--version")) {
      options.version = true;
    } else if (args.flag("--quiet") || args.flag("-q")) {
      options.quiet = true;
    } else if (parseDeviceOption(args, options.device)) {
    } else if (args.option("--input", value)) {
      InputFileArg input;
      if (!splitAssignment(value, input.name, input.path))
        args.fail("--input expects NAME=FILE, got '" + value + "'");
      options.inputs.push_back(input);
    } else if (args.option("--output-dir", value)) {
      options.outputDir = value;
    } else if (args.option("--output-format", value)) {
      std::optional<TensorFileFormat> format = formatFromName(value);
      if (!format)
        args.fail("unknown --output-format '" + value + "': use npy or pb");
      else
        options.outputFormat = *format;
    } else if (args.option("--threads", value)) {
      if (!parseInteger(value, 0, 4096, options.threads))
        args.fail("--threads expects a number from 0 to 4096, got '" + value +
                  "'");
    } else if (args.atOption()) {
      args.fail("unknown option '" + args.next() + "'");
    } else if (!args.failed()) {
      std::string path = args.next();
      if (options.model.empty())
        options.model = path;
      else
        options.inputs.push_back({"", path});
    }
  }
  if (args.failed()) {
    err = args.errorMessage();
    return false;
  }
  if (options.model.empty() && !options.help && !options.version) {
    err = "no model given";
    return false;
  }
  return true;
}

/// Prints "output 0 'out': float32 [2, 4] = [...]".
void printOutput(size_t index, const char *name,
                 const kiln_tensor_view_t &view) {
  uint64_t count = 0;
  elementCount(view.dims, view.rank, count);
  std::printf(
      "output %zu '%s': %s %s = %s\n", index, name, kiln_dtype_name(view.dtype),
      formatShape(view.dims, view.rank).c_str(),
      formatElements(view.dtype, view.data, count, kPreviewValues).c_str());
}

/// One run. `keep`, when given, receives the model, so that a batch holds
/// it until the next model is loaded (the GPU context stays alive).
int run(const Options &options, ModelPtr *keep = nullptr) {
  if (options.threads >= 0) {
    kiln_runtime_options_t runtimeOptions;
    kiln_runtime_options_init(&runtimeOptions);
    runtimeOptions.num_threads = static_cast<int32_t>(options.threads);
    std::string message;
    if (!checkStatus(kiln_runtime_configure(&runtimeOptions), message))
      return error(message);
  }

  std::string message;
  ModelPtr model;
  if (!loadModel(options.model, options.device, model, message))
    return error(message);

  std::vector<ModelInput> inputs;
  if (!readModelInputs(model.get(), options.inputs, inputs, message))
    return error(message);
  for (const ModelInput &input : inputs)
    if (!input.tensor)
      return error("input '" + std::string(input.info.name) +
                   "' is not given: pass --input " + input.info.name +
                   "=FILE (the model's inputs: " + describeSignature(inputs) +
                   ")");

  SessionPtr session;
  if (!createSession(model.get(), options.device, session, message))
    return error(message);
  if (!bindModelInputs(session.get(), inputs, message))
    return error(message);
  if (!checkStatus(kiln_session_run(session.get()), message))
    return error(message);

  if (!options.outputDir.empty()) {
    std::error_code ec;
    std::filesystem::create_directories(options.outputDir, ec);
    if (ec)
      return error(options.outputDir +
                   ": cannot create the directory: " + ec.message());
  }
  size_t numOutputs = kiln_model_num_outputs(model.get());
  for (size_t i = 0; i < numOutputs; ++i) {
    kiln_tensor_info_t info;
    kiln_tensor_view_t view;
    if (!checkStatus(kiln_model_output_info(model.get(), i, &info), message) ||
        !checkStatus(kiln_session_get_output(session.get(), i, &view), message))
      return error(message);
    if (!options.quiet)
      printOutput(i, info.name, view);
    if (options.outputDir.empty())
      continue;
    HostTensor tensor;
    tensor.name = info.name;
    tensor.dtype = view.dtype;
    tensor.dims.assign(view.dims, view.dims + view.rank);
    const uint8_t *bytes = static_cast<const uint8_t *>(view.data);
    tensor.data.assign(bytes, bytes + view.size_bytes);
    std::string path = options.outputDir + "/output_" + std::to_string(i) +
                       formatExtension(options.outputFormat);
    if (!writeTensorFile(path, tensor, options.outputFormat, message))
      return error(message);
    if (!options.quiet)
      std::printf("  written to %s\n", path.c_str());
  }
  if (keep)
    *keep = std::move(model);
  return 0;
}

/// --batch: every line of standard input is one run's tab-separated
/// arguments.
int runBatch() {
  ModelPtr previous;
  std::string line;
  while (std::getline(std::cin, line)) {
    if (!line.empty() && line.back() == '\r')
      line.pop_back();
    std::vector<std::string> words{"kiln-run"};
    std::istringstream fields(line);
    for (std::string word; std::getline(fields, word, '\t');)
      if (!word.empty())
        words.push_back(word);
    std::vector<char *> argv;
    for (std::string &word : words)
      argv.push_back(word.data());
    Options options;
    std::string message;
    int rc;
    ModelPtr current;
    if (!parseOptions(static_cast<int>(argv.size()), argv.data(), options,
                      message)) {
      rc = usageError(message);
    } else if (options.help || options.version) {
      rc = usageError("--help and --version are not runs");
    } else {
      // The thread pool is the process's: a run without --threads gets the
      // default, not the previous run's setting.
      if (options.threads < 0)
        options.threads = 0;
      rc = run(options, &current);
    }
    if (current)
      previous = std::move(current);
    std::fflush(stdout);
    std::fprintf(stderr, "%s %d\n", kBatchEnd, rc);
    std::fflush(stderr);
  }
  return 0;
}

} // namespace

int main(int argc, char **argv) {
  if (argc == 2 && std::string(argv[1]) == "--batch")
    return runBatch();
  Options options;
  std::string message;
  if (!parseOptions(argc, argv, options, message))
    return usageError(message);
  if (options.help) {
    std::fputs(withDeviceOptionsHelp(kUsage).c_str(), stdout);
    return 0;
  }
  if (options.version) {
    uint32_t major = 0, minor = 0;
    kiln_artifact_format_version(&major, &minor);
    std::printf("kiln-run: libkiln_runtime %s, artifact format %u.%u\n",
                kiln_version(), major, minor);
    return 0;
  }
  return run(options);
}

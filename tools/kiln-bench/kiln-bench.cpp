//===- kiln-bench.cpp - Measure the latency of a compiled kiln model ------===//
//
//   kiln-bench model.kiln [--threads N] [--runs N] [--warmup N]
//              [--input NAME=FILE]... [--dim SYMBOL=VALUE]... [--json]
//              [--device=cpu|cuda] [--no-cuda-graph] [--synthetic-weights]
//              [--device-resident]
//
// Binds the given input files and makes up the others (pseudo-random values
// of the signature's shape, symbolic dimensions from --dim), runs the model
// --warmup times untimed and --runs times timed, and prints the median,
// minimum, maximum, 90th percentile and mean latency of kiln_session_run.
// Links only libkiln_runtime.
//
//===----------------------------------------------------------------------===//

#include "CommandLine.h"
#include "DeviceOptions.h"
#include "ModelInputs.h"
#include "RuntimeHandles.h"
#include "SyntheticInputs.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <thread>

using namespace kiln::tools;

namespace {

constexpr const char *kUsage = R"(usage: kiln-bench MODEL.kiln [options]

Measures the latency of one run (kiln_session_run) of a compiled kiln model:
warm-up runs first, then timed runs; prints the median, minimum, maximum,
90th percentile and mean in milliseconds. For a CUDA artifact a run is timed
on the host clock and includes copying the inputs to the GPU, the kernels,
copying the outputs back and the synchronization; --device-resident leaves
the tensors on the GPU.

Inputs not given with --input are made up: the shape the model declares,
symbolic dimensions set with --dim (else taken from the given inputs, else
1), filled with fixed pseudo-random values (floats in [-1, 1), integers in
[0, 16), bools half true).

options:
  --input NAME=FILE      the tensor for input NAME, .npy or .pb (repeatable)
  --dim SYMBOL=VALUE     the size of symbolic dimension SYMBOL for made-up
                         inputs (repeatable; default 1)
  --runs N               timed runs (default 20)
  --warmup N             untimed runs before them (default 3)
  --threads N            threads running kernels, the caller included
                         (0: one per CPU or $KILN_NUM_THREADS, the default)
@DEVICE_OPTIONS@
  --device-resident      CUDA: after the first run, bind the session's device
                         copies of the inputs and its device outputs, so the
                         timed runs copy nothing between host and GPU (the
                         number to compare with a framework's CUDA-graph
                         latency)
  --json                 print one JSON object instead of text: model,
                         target, threads, runs, warmup, cuda_graph,
                         device_resident, median_ms, min_ms, max_ms, p90_ms,
                         mean_ms, stddev_ms, inputs
  --help, -h             print this help

Exit status: 0 on success, 1 on an error (model, inputs, run), 2 on a usage
error.
)";

struct Options {
  std::string model;
  std::vector<InputFileArg> inputs;
  std::map<std::string, int64_t> dims;
  int64_t runs = 20;
  int64_t warmup = 3;
  int64_t threads = -1; // -1: the runtime's default.
  DeviceOptions device;
  bool deviceResident = false;
  bool json = false;
  bool help = false;
};

int error(const std::string &message) {
  std::fprintf(stderr, "kiln-bench: error: %s\n", message.c_str());
  return 1;
}

int usageError(const std::string &message) {
  std::fprintf(stderr, "kiln-bench: error: %s (see kiln-bench --help)\n",
               message.c_str());
  return 2;
}

bool parseOptions(int argc, char **argv, Options &options, std::string &err) {
  CommandLine args(argc, argv);
  while (!args.done()) {
    std::string value;
    if (args.flag("--help") || args.flag("-h")) {
      options.help = true;
    } else if (args.flag("--json")) {
      options.json = true;
    } else if (args.flag("--device-resident")) {
      options.deviceResident = true;
    } else if (parseDeviceOption(args, options.device)) {
    } else if (args.option("--input", value)) {
      InputFileArg input;
      if (!splitAssignment(value, input.name, input.path))
        args.fail("--input expects NAME=FILE, got '" + value + "'");
      options.inputs.push_back(input);
    } else if (args.option("--dim", value)) {
      std::string symbol, size;
      int64_t parsed = 0;
      if (!splitAssignment(value, symbol, size) ||
          !parseInteger(size, 0, INT32_MAX, parsed))
        args.fail("--dim expects SYMBOL=VALUE with VALUE from 0 to " +
                  std::to_string(INT32_MAX) + ", got '" + value + "'");
      else if (!options.dims.emplace(symbol, parsed).second)
        args.fail("--dim " + symbol + " is given twice");
    } else if (args.option("--runs", value)) {
      if (!parseInteger(value, 1, 100000000, options.runs))
        args.fail("--runs expects a number from 1 to 100000000, got '" + value +
                  "'");
    } else if (args.option("--warmup", value)) {
      if (!parseInteger(value, 0, 100000000, options.warmup))
        args.fail("--warmup expects a number from 0 to 100000000, got '" +
                  value + "'");
    } else if (args.option("--threads", value)) {
      if (!parseInteger(value, 0, 4096, options.threads))
        args.fail("--threads expects a number from 0 to 4096, got '" + value +
                  "'");
    } else if (args.atOption()) {
      args.fail("unknown option '" + args.next() + "'");
    } else if (!args.failed()) {
      std::string path = args.next();
      if (!options.model.empty())
        args.fail("unexpected argument '" + path +
                  "': give inputs with --input NAME=FILE");
      options.model = path;
    }
  }
  if (args.failed()) {
    err = args.errorMessage();
    return false;
  }
  if (options.model.empty() && !options.help) {
    err = "no model given";
    return false;
  }
  return true;
}

/// The pool size the runtime uses for `requested` threads. It mirrors the
/// runtime's rule (lib/Runtime/ThreadPool.cpp), which the C API does not
/// report: 0 means $KILN_NUM_THREADS when positive, else one per CPU.
int64_t effectiveThreads(int64_t requested) {
  if (requested > 0)
    return requested;
  if (const char *env = std::getenv("KILN_NUM_THREADS")) {
    int n = std::atoi(env);
    if (n > 0)
      return n;
  }
  unsigned n = std::thread::hardware_concurrency();
  return n ? n : 1;
}

struct Latency {
  double median = 0, min = 0, max = 0, p90 = 0, mean = 0, stddev = 0;
};

/// Statistics of `samples` (milliseconds, at least one).
Latency summarize(std::vector<double> samples) {
  std::sort(samples.begin(), samples.end());
  size_t n = samples.size();
  Latency l;
  l.min = samples.front();
  l.max = samples.back();
  l.median =
      n % 2 ? samples[n / 2] : (samples[n / 2 - 1] + samples[n / 2]) / 2.0;
  // Nearest rank: the smallest sample with at least 90% at or below it.
  size_t rank = static_cast<size_t>(std::ceil(0.9 * static_cast<double>(n)));
  l.p90 = samples[std::max<size_t>(rank, 1) - 1];
  double sum = 0;
  for (double s : samples)
    sum += s;
  l.mean = sum / static_cast<double>(n);
  double squares = 0;
  for (double s : samples)
    squares += (s - l.mean) * (s - l.mean);
  l.stddev = n > 1 ? std::sqrt(squares / static_cast<double>(n - 1)) : 0.0;
  return l;
}

std::string jsonString(const std::string &text) {
  std::string out = "\"";
  for (unsigned char c : text) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c < 0x20) {
      char escaped[8];
      std::snprintf(escaped, sizeof escaped, "\\u%04x", c);
      out += escaped;
    } else {
      out += static_cast<char>(c);
    }
  }
  return out + "\"";
}

void printJson(const Options &options, const char *target, int64_t threads,
               const std::vector<ModelInput> &inputs, const Latency &l) {
  std::printf("{\"model\": %s, \"runtime_version\": %s, \"target\": %s, "
              "\"threads\": %lld, \"runs\": %lld, \"warmup\": %lld, "
              "\"cuda_graph\": %s, \"device_resident\": %s, ",
              jsonString(options.model).c_str(),
              jsonString(kiln_version()).c_str(), jsonString(target).c_str(),
              static_cast<long long>(threads),
              static_cast<long long>(options.runs),
              static_cast<long long>(options.warmup),
              options.device.noCudaGraph ? "false" : "true",
              options.deviceResident ? "true" : "false");
  std::printf("\"median_ms\": %.6f, \"min_ms\": %.6f, \"max_ms\": %.6f, "
              "\"p90_ms\": %.6f, \"mean_ms\": %.6f, \"stddev_ms\": %.6f, ",
              l.median, l.min, l.max, l.p90, l.mean, l.stddev);
  std::printf("\"inputs\": [");
  for (size_t i = 0; i < inputs.size(); ++i) {
    const HostTensor &t = *inputs[i].tensor;
    std::string shape = "[";
    for (size_t d = 0; d < t.dims.size(); ++d)
      shape += (d ? ", " : "") + std::to_string(t.dims[d]);
    std::printf("%s{\"name\": %s, \"dtype\": %s, \"shape\": %s], "
                "\"source\": %s}",
                i ? ", " : "", jsonString(inputs[i].info.name).c_str(),
                jsonString(kiln_dtype_name(t.dtype)).c_str(), shape.c_str(),
                jsonString(inputs[i].source).c_str());
  }
  std::printf("]}\n");
}

void printText(const Options &options, const char *target, int64_t threads,
               const std::vector<ModelInput> &inputs, const Latency &l) {
  std::printf("model: %s (%s)\n", options.model.c_str(), target);
  for (const ModelInput &input : inputs) {
    const HostTensor &t = *input.tensor;
    std::printf("input '%s': %s %s (%s)\n", input.info.name,
                kiln_dtype_name(t.dtype),
                formatShape(t.dims.data(), t.dims.size()).c_str(),
                input.source.c_str());
  }
  if (std::string(target) == "cpu")
    std::printf("threads: %lld, runs: %lld (after %lld warm-up)\n",
                static_cast<long long>(threads),
                static_cast<long long>(options.runs),
                static_cast<long long>(options.warmup));
  else
    std::printf("cuda graph: %s, device-resident: %s, runs: %lld (after "
                "%lld warm-up)\n",
                options.device.noCudaGraph ? "off" : "on",
                options.deviceResident ? "yes" : "no",
                static_cast<long long>(options.runs),
                static_cast<long long>(options.warmup));
  std::printf("latency (ms): median %.4f  min %.4f  max %.4f  p90 %.4f  "
              "mean %.4f  stddev %.4f\n",
              l.median, l.min, l.max, l.p90, l.mean, l.stddev);
}

/// Runs once to copy the inputs to the GPU, then binds the session's device
/// copies of the inputs and its device outputs as caller device memory:
/// later runs move no data between host and GPU.
bool keepTensorsOnDevice(kiln_session_t *session, size_t numOutputs,
                         const std::vector<ModelInput> &inputs,
                         std::string &message) {
  if (!checkStatus(kiln_session_run(session), message))
    return false;
  for (size_t i = 0; i < inputs.size(); ++i) {
    kiln_tensor_view_t view;
    if (!checkStatus(kiln_session_get_input_device(session, i, &view),
                     message) ||
        !checkStatus(kiln_session_set_input_device(
                         session, inputs[i].info.name, view.dtype, view.dims,
                         view.rank, view.data, view.size_bytes),
                     message))
      return false;
  }
  // All views first: binding an output invalidates the run's results.
  std::vector<kiln_tensor_view_t> outputs(numOutputs);
  for (size_t o = 0; o < numOutputs; ++o)
    if (!checkStatus(kiln_session_get_output_device(session, o, &outputs[o]),
                     message))
      return false;
  for (size_t o = 0; o < numOutputs; ++o)
    if (!checkStatus(kiln_session_set_output_device(
                         session, o, const_cast<void *>(outputs[o].data),
                         outputs[o].size_bytes),
                     message))
      return false;
  return true;
}

int run(const Options &options) {
  std::string message;
  if (options.threads >= 0) {
    kiln_runtime_options_t runtimeOptions;
    kiln_runtime_options_init(&runtimeOptions);
    runtimeOptions.num_threads = static_cast<int32_t>(options.threads);
    if (!checkStatus(kiln_runtime_configure(&runtimeOptions), message))
      return error(message);
  }

  ModelPtr model;
  if (!loadModel(options.model, options.device, model, message))
    return error(message);
  if (options.deviceResident &&
      kiln_model_device(model.get()) != KILN_DEVICE_CUDA)
    return error("--device-resident needs a CUDA artifact; " + options.model +
                 " was compiled for " + kiln_model_target(model.get()));

  std::vector<ModelInput> inputs;
  if (!readModelInputs(model.get(), options.inputs, inputs, message) ||
      !synthesizeMissingInputs(inputs, options.dims, message))
    return error(message);

  SessionPtr session;
  if (!createSession(model.get(), options.device, session, message))
    return error(message);
  if (!bindModelInputs(session.get(), inputs, message))
    return error(message);
  if (options.deviceResident &&
      !keepTensorsOnDevice(session.get(), kiln_model_num_outputs(model.get()),
                           inputs, message))
    return error(message);

  for (int64_t i = 0; i < options.warmup; ++i)
    if (!checkStatus(kiln_session_run(session.get()), message))
      return error(message);
  std::vector<double> samples;
  samples.reserve(static_cast<size_t>(options.runs));
  for (int64_t i = 0; i < options.runs; ++i) {
    auto start = std::chrono::steady_clock::now();
    kiln_status_t *status = kiln_session_run(session.get());
    auto end = std::chrono::steady_clock::now();
    if (!checkStatus(status, message))
      return error(message);
    samples.push_back(
        std::chrono::duration<double, std::milli>(end - start).count());
  }

  Latency latency = summarize(std::move(samples));
  int64_t threads = effectiveThreads(options.threads);
  const char *target = kiln_model_target(model.get());
  if (options.json)
    printJson(options, target, threads, inputs, latency);
  else
    printText(options, target, threads, inputs, latency);
  return 0;
}

} // namespace

int main(int argc, char **argv) {
  Options options;
  std::string message;
  if (!parseOptions(argc, argv, options, message))
    return usageError(message);
  if (options.help) {
    std::fputs(withDeviceOptionsHelp(kUsage).c_str(), stdout);
    return 0;
  }
  return run(options);
}

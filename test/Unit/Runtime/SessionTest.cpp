//===- SessionTest.cpp - Running models: shapes, threads, weights ---------===//

#include "TestArtifacts.h"
#include "TestHelpers.h"

#include <atomic>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <random>
#include <thread>
#include <unistd.h>

using namespace kiln::test;

namespace {

ModelPtr loadTestModel() {
  std::vector<uint8_t> bytes = testModelBytes();
  kiln_model_t *raw = nullptr;
  kiln_status_t *status =
      kiln_model_load_memory(bytes.data(), bytes.size(), KILN_LOAD_COPY, &raw);
  EXPECT_EQ(takeError(status), "");
  return ModelPtr(raw);
}

std::vector<float> randomValues(size_t count, unsigned seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> dist(-2.0f, 2.0f);
  std::vector<float> values(count);
  for (float &v : values)
    v = dist(rng);
  return values;
}

/// Runs the test model at `batch` and checks the output against the
/// reference; returns "" or what went wrong.
std::string runAndCheck(kiln_session_t *session, int64_t batch, unsigned seed) {
  std::vector<float> x = randomValues(batch * 3, seed);
  std::vector<float> y = randomValues(batch * 4, seed + 1);
  int64_t xd[2] = {batch, 3}, yd[2] = {batch, 4};
  std::string error = takeError(kiln_session_set_input(
      session, "x", KILN_DTYPE_FLOAT32, xd, 2, x.data(), x.size() * 4));
  if (error.empty())
    error = takeError(kiln_session_set_input_by_index(
        session, 1, KILN_DTYPE_FLOAT32, yd, 2, y.data(), y.size() * 4));
  if (error.empty())
    error = takeError(kiln_session_run(session));
  if (!error.empty())
    return error;
  kiln_tensor_view_t view;
  error = takeError(kiln_session_get_output(session, 0, &view));
  if (!error.empty())
    return error;
  if (view.rank != 2 || view.dims[0] != batch || view.dims[1] != 4 ||
      view.size_bytes != static_cast<size_t>(batch) * 16 ||
      view.dtype != KILN_DTYPE_FLOAT32)
    return "wrong output shape";
  std::vector<float> expected = referenceOutput(x, y, batch);
  const float *got = static_cast<const float *>(view.data);
  for (size_t i = 0; i < expected.size(); ++i)
    if (std::abs(got[i] - expected[i]) > 1e-5f * (1 + std::abs(expected[i])))
      return "output " + std::to_string(i) + " is " + std::to_string(got[i]) +
             ", expected " + std::to_string(expected[i]);
  return "";
}

TEST(Session, SymbolicBatchRunsAtOneAndEight) {
  ModelPtr model = loadTestModel();
  kiln_session_t *raw = nullptr;
  ASSERT_KILN_OK(kiln_session_create(model.get(), &raw));
  SessionPtr session(raw);
  EXPECT_EQ(runAndCheck(session.get(), 1, 1), "");
  EXPECT_EQ(runAndCheck(session.get(), 8, 2), "");
  // Odd batches exercise the ceil-divided grid; shrinking reuses buffers.
  EXPECT_EQ(runAndCheck(session.get(), 37, 3), "");
  EXPECT_EQ(runAndCheck(session.get(), 3, 4), "");
  // A zero batch is a valid, empty run.
  EXPECT_EQ(runAndCheck(session.get(), 0, 5), "");
}

TEST(Session, OutputsByNameAndCopy) {
  ModelPtr model = loadTestModel();
  kiln_session_t *raw = nullptr;
  ASSERT_KILN_OK(kiln_session_create(model.get(), &raw));
  SessionPtr session(raw);
  kiln_tensor_view_t view;
  EXPECT_EQ(takeError(kiln_session_get_output(session.get(), 0, &view)),
            "FAILED_PRECONDITION: no outputs yet: kiln_session_run has not "
            "succeeded on this session");
  ASSERT_EQ(runAndCheck(session.get(), 2, 7), "");
  ASSERT_KILN_OK(kiln_session_get_output_by_name(session.get(), "out", &view));
  std::vector<float> copy(8);
  ASSERT_KILN_OK(
      kiln_session_copy_output(session.get(), 0, copy.data(), copy.size() * 4));
  EXPECT_EQ(std::memcmp(copy.data(), view.data, 32), 0);
  EXPECT_EQ(
      takeError(kiln_session_copy_output(session.get(), 0, copy.data(), 16)),
      "INVALID_ARGUMENT: output 0 ('out') needs 32 bytes but the "
      "destination holds 16");
  EXPECT_EQ(
      takeError(kiln_session_get_output_by_name(session.get(), "nope", &view)),
      "INVALID_ARGUMENT: the model has no output named 'nope' (its outputs: "
      "'out')");
}

TEST(Session, ConcurrentSessionsShareOneModel) {
  kiln_runtime_options_t options;
  kiln_runtime_options_init(&options);
  options.num_threads = 4;
  ASSERT_KILN_OK(kiln_runtime_configure(&options));

  ModelPtr model = loadTestModel();
  constexpr int kThreads = 8, kRuns = 50;
  std::atomic<int> failures{0};
  std::vector<std::string> firstError(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t)
    threads.emplace_back([&, t] {
      kiln_session_t *session = nullptr;
      if (kiln_status_t *status = kiln_session_create(model.get(), &session)) {
        firstError[t] = takeError(status);
        ++failures;
        return;
      }
      for (int run = 0; run < kRuns; ++run) {
        int64_t batch = 1 + (t * 7 + run * 3) % 16;
        std::string error = runAndCheck(session, batch, t * 1000 + run);
        if (!error.empty()) {
          if (firstError[t].empty())
            firstError[t] = error;
          ++failures;
        }
      }
      kiln_session_destroy(session);
    });
  for (std::thread &thread : threads)
    thread.join();
  EXPECT_EQ(failures.load(), 0);
  for (int t = 0; t < kThreads; ++t)
    EXPECT_EQ(firstError[t], "") << "thread " << t;
}

TEST(Session, ThreadCountsFromOneToMany) {
  ModelPtr model = loadTestModel();
  for (int threads : {1, 2, 3, 16, 0}) {
    kiln_runtime_options_t options;
    kiln_runtime_options_init(&options);
    options.num_threads = threads;
    ASSERT_KILN_OK(kiln_runtime_configure(&options));
    kiln_session_t *raw = nullptr;
    ASSERT_KILN_OK(kiln_session_create(model.get(), &raw));
    SessionPtr session(raw);
    EXPECT_EQ(runAndCheck(session.get(), 33, threads), "")
        << threads << " threads";
  }
  kiln_runtime_options_t options;
  kiln_runtime_options_init(&options);
  options.num_threads = -1;
  EXPECT_EQ(takeError(kiln_runtime_configure(&options)),
            "INVALID_ARGUMENT: kiln_runtime_configure: num_threads is -1; it "
            "must be between 0 (one per CPU) and 4096");
  options.struct_size = 0;
  options.num_threads = 1;
  EXPECT_NE(takeError(kiln_runtime_configure(&options))
                .find("initialize the options with kiln_runtime_options_init"),
            std::string::npos);
}

TEST(Session, ExternalParameterFile) {
  char directory[] = "/tmp/kiln-params-XXXXXX";
  ASSERT_NE(mkdtemp(directory), nullptr);
  std::string path = std::string(directory) + "/model.kiln";
  std::string error;
  ASSERT_TRUE(kiln::artifact::writeArtifactFile(
      testModelDesc(testKernels(), /*externalWeights=*/true), path, error))
      << error;
  std::string weights = std::string(directory) + "/weights.bin";
  ASSERT_EQ(readFile(weights).size(), 48u);

  kiln_model_t *raw = nullptr;
  ASSERT_KILN_OK(kiln_model_load_file(path.c_str(), &raw));
  ModelPtr model(raw);
  kiln_session_t *session = nullptr;
  ASSERT_KILN_OK(kiln_session_create(model.get(), &session));
  EXPECT_EQ(runAndCheck(session, 5, 11), "");
  kiln_session_destroy(session);

  // Without the parameter file the load names it.
  unlink(weights.c_str());
  error = takeError(kiln_model_load_file(path.c_str(), &raw));
  EXPECT_NE(error.find("cannot open parameter file '"), std::string::npos)
      << error;
  EXPECT_NE(error.find("weights.bin"), std::string::npos) << error;
  // A truncated parameter file is caught too.
  {
    std::ofstream short_file(weights, std::ios::binary);
    short_file << "short";
  }
  error = takeError(kiln_model_load_file(path.c_str(), &raw));
  EXPECT_NE(error.find("constant 0 'w' lies outside the parameter file"),
            std::string::npos)
      << error;
  unlink(weights.c_str());
  unlink(path.c_str());
  rmdir(directory);
}

} // namespace

//===- CommandLineTest.cpp - Argument parsing of the runtime tools --------===//

#include "CommandLine.h"

#include <gtest/gtest.h>

using namespace kiln::tools;

namespace {

/// argv for CommandLine, argv[0] included.
struct Argv {
  explicit Argv(std::vector<std::string> args) : storage(std::move(args)) {
    storage.insert(storage.begin(), "tool");
    for (std::string &arg : storage)
      pointers.push_back(arg.data());
  }
  int argc() { return static_cast<int>(pointers.size()); }
  char **argv() { return pointers.data(); }
  std::vector<std::string> storage;
  std::vector<char *> pointers;
};

TEST(CommandLine, OptionsFlagsAndPositionals) {
  Argv a({"model.kiln", "--runs", "5", "--json", "--dim=batch=2", "-", "x"});
  CommandLine args(a.argc(), a.argv());
  std::string value;
  EXPECT_FALSE(args.atOption());
  EXPECT_EQ(args.next(), "model.kiln");
  EXPECT_FALSE(args.option("--run", value)); // A prefix is no match.
  EXPECT_TRUE(args.option("--runs", value));
  EXPECT_EQ(value, "5");
  EXPECT_FALSE(args.flag("--js"));
  EXPECT_TRUE(args.flag("--json"));
  EXPECT_TRUE(args.option("--dim", value));
  EXPECT_EQ(value, "batch=2");
  EXPECT_FALSE(args.atOption()); // A lone "-" is not an option.
  EXPECT_EQ(args.next(), "-");
  EXPECT_EQ(args.next(), "x");
  EXPECT_TRUE(args.done());
  EXPECT_FALSE(args.failed());
}

TEST(CommandLine, MissingValueIsAnError) {
  Argv a({"--threads"});
  CommandLine args(a.argc(), a.argv());
  std::string value;
  EXPECT_FALSE(args.option("--threads", value));
  EXPECT_TRUE(args.failed());
  EXPECT_TRUE(args.done());
  EXPECT_EQ(args.errorMessage(), "option --threads needs a value");
  args.fail("a later error");
  EXPECT_EQ(args.errorMessage(), "option --threads needs a value");
}

TEST(CommandLine, Integers) {
  int64_t value = 0;
  EXPECT_TRUE(parseInteger("42", 0, 100, value));
  EXPECT_EQ(value, 42);
  EXPECT_TRUE(parseInteger("-3", -5, 5, value));
  EXPECT_EQ(value, -3);
  EXPECT_FALSE(parseInteger("101", 0, 100, value));
  EXPECT_FALSE(parseInteger("-1", 0, 100, value));
  EXPECT_FALSE(parseInteger("", 0, 100, value));
  EXPECT_FALSE(parseInteger("4x", 0, 100, value));
  EXPECT_FALSE(parseInteger(" 4", 0, 100, value));
  EXPECT_FALSE(parseInteger("99999999999999999999", 0, INT64_MAX, value));
}

TEST(CommandLine, Assignments) {
  std::string name, value;
  EXPECT_TRUE(splitAssignment("x=a/b=c.npy", name, value));
  EXPECT_EQ(name, "x");
  EXPECT_EQ(value, "a/b=c.npy");
  EXPECT_FALSE(splitAssignment("x.npy", name, value));
  EXPECT_FALSE(splitAssignment("=x.npy", name, value));
  EXPECT_FALSE(splitAssignment("x=", name, value));
}

} // namespace

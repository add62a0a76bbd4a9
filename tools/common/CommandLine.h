//===- CommandLine.h - Argument parsing for the runtime tools ---*- C++ -*-===//
//
// kiln-run and kiln-bench cannot use llvm::cl (they must not link LLVM), and
// their flags are few: this walks argv, matching `--flag`, `--flag VALUE`
// and `--flag=VALUE`, and keeps the first usage error.
//
//===----------------------------------------------------------------------===//

#ifndef KILN_TOOLS_COMMON_COMMANDLINE_H
#define KILN_TOOLS_COMMON_COMMANDLINE_H

#include <cstdint>
#include <string>
#include <vector>

namespace kiln::tools {

class CommandLine {
public:
  CommandLine(int argc, char **argv) : args(argv + 1, argv + argc) {}

  /// True when every argument is consumed or after a usage error.
  bool done() const { return failed() || index >= args.size(); }

  /// Consumes the current argument if it is `name` (a flag without value).
  bool flag(const char *name);
  /// Consumes the current argument if it is `name VALUE` or `name=VALUE`.
  /// A missing value is a usage error (and returns false).
  bool option(const char *name, std::string &value);
  /// Whether the current argument looks like an option ("-x", "--x"; a lone
  /// "-" does not).
  bool atOption() const;
  /// The current argument, consumed.
  std::string next() { return args[index++]; }

  /// Records a usage error; the first one is kept and parsing stops.
  void fail(const std::string &message) {
    if (error.empty())
      error = message;
  }
  bool failed() const { return !error.empty(); }
  const std::string &errorMessage() const { return error; }

private:
  std::vector<std::string> args;
  size_t index = 0;
  std::string error;
};

/// Parses a decimal integer in [min, max] (the whole text).
bool parseInteger(const std::string &text, int64_t min, int64_t max,
                  int64_t &out);

/// Splits "NAME=VALUE" at the first '='; false without one or with an empty
/// name or value.
bool splitAssignment(const std::string &text, std::string &name,
                     std::string &value);

} // namespace kiln::tools

#endif // KILN_TOOLS_COMMON_COMMANDLINE_H

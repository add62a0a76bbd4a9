//===- CommandLine.cpp - Argument parsing for the runtime tools -----------===//

#include "CommandLine.h"

#include <cerrno>
#include <cstdlib>
#include <cstring>

namespace kiln::tools {

bool CommandLine::flag(const char *name) {
  if (done() || args[index] != name)
    return false;
  ++index;
  return true;
}

bool CommandLine::option(const char *name, std::string &value) {
  if (done())
    return false;
  const std::string &arg = args[index];
  size_t n = std::strlen(name);
  if (arg.compare(0, n, name) != 0)
    return false;
  if (arg.size() == n) {
    if (index + 1 >= args.size()) {
      fail(std::string("option ") + name + " needs a value");
      return false;
    }
    value = args[index + 1];
    index += 2;
    return true;
  }
  if (arg[n] != '=')
    return false;
  value = arg.substr(n + 1);
  ++index;
  return true;
}

bool CommandLine::atOption() const {
  return !done() && args[index].size() > 1 && args[index][0] == '-';
}

bool parseInteger(const std::string &text, int64_t min, int64_t max,
                  int64_t &out) {
  if (text.empty() || std::strchr("+-0123456789", text[0]) == nullptr)
    return false;
  errno = 0;
  char *end = nullptr;
  long long value = std::strtoll(text.c_str(), &end, 10);
  if (errno != 0 || *end != '\0' || value < min || value > max)
    return false;
  out = value;
  return true;
}

bool splitAssignment(const std::string &text, std::string &name,
                     std::string &value) {
  size_t eq = text.find('=');
  if (eq == std::string::npos || eq == 0 || eq + 1 == text.size())
    return false;
  name = text.substr(0, eq);
  value = text.substr(eq + 1);
  return true;
}

} // namespace kiln::tools

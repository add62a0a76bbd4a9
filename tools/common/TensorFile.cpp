//===- TensorFile.cpp - Reading and writing tensor files ------------------===//

#include "TensorFile.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace kiln::tools {

namespace {

bool endsWith(const std::string &text, const char *suffix) {
  size_t n = std::strlen(suffix);
  return text.size() >= n && text.compare(text.size() - n, n, suffix) == 0;
}

/// The whole regular file at `path`.
bool readWholeFile(const std::string &path, std::vector<uint8_t> &out,
                   std::string &error) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    error = std::string("cannot open: ") + std::strerror(errno);
    return false;
  }
  struct stat info;
  if (::fstat(fd, &info) != 0 || !S_ISREG(info.st_mode)) {
    error = "not a regular file";
    ::close(fd);
    return false;
  }
  out.resize(static_cast<size_t>(info.st_size));
  size_t done = 0;
  while (done < out.size()) {
    ssize_t n = ::read(fd, out.data() + done, out.size() - done);
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0) {
      error = n < 0 ? std::string("cannot read: ") + std::strerror(errno)
                    : "the file shrank while being read";
      ::close(fd);
      return false;
    }
    done += static_cast<size_t>(n);
  }
  ::close(fd);
  return true;
}

} // namespace

std::optional<TensorFileFormat> formatFromExtension(const std::string &path) {
  if (endsWith(path, ".npy"))
    return TensorFileFormat::Npy;
  if (endsWith(path, ".pb"))
    return TensorFileFormat::TensorProto;
  return std::nullopt;
}

std::optional<TensorFileFormat> formatFromName(const std::string &name) {
  if (name == "npy")
    return TensorFileFormat::Npy;
  if (name == "pb")
    return TensorFileFormat::TensorProto;
  return std::nullopt;
}

const char *formatExtension(TensorFileFormat format) {
  return format == TensorFileFormat::Npy ? ".npy" : ".pb";
}

bool readTensorFile(const std::string &path, HostTensor &out,
                    std::string &error) {
  std::optional<TensorFileFormat> format = formatFromExtension(path);
  if (!format) {
    error = path + ": unknown tensor file type: the name must end in .npy "
                   "(NumPy) or .pb (ONNX TensorProto)";
    return false;
  }
  std::vector<uint8_t> bytes;
  std::string problem;
  bool ok = readWholeFile(path, bytes, problem) &&
            (*format == TensorFileFormat::Npy
                 ? parseNpy(bytes.data(), bytes.size(), out, problem)
                 : parseTensorProto(bytes.data(), bytes.size(), out, problem));
  if (!ok)
    error = path + ": " + problem;
  return ok;
}

bool writeTensorFile(const std::string &path, const HostTensor &tensor,
                     TensorFileFormat format, std::string &error) {
  std::vector<uint8_t> bytes;
  std::string problem;
  bool ok = format == TensorFileFormat::Npy
                ? serializeNpy(tensor, bytes, problem)
                : serializeTensorProto(tensor, bytes, problem);
  if (!ok) {
    error = path + ": " + problem;
    return false;
  }
  std::FILE *file = std::fopen(path.c_str(), "wb");
  if (!file) {
    error = path + ": cannot create: " + std::strerror(errno);
    return false;
  }
  bool written =
      std::fwrite(bytes.data(), 1, bytes.size(), file) == bytes.size();
  int savedErrno = errno;
  if (std::fclose(file) != 0 && written) {
    written = false;
    savedErrno = errno;
  }
  if (!written) {
    error = path + ": cannot write: " + std::strerror(savedErrno);
    return false;
  }
  return true;
}

} // namespace kiln::tools

//===- NpyFormat.cpp - NumPy .npy files -----------------------------------===//
//
// The format (numpy/lib/format.py): the magic "\x93NUMPY", a major and a
// minor version byte, the header length (uint16 little-endian for 1.0, uint32
// for 2.0 and 3.0), then the header, a Python dict literal such as
//
//   {'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }
//
// padded with spaces and a newline, and then exactly the raw data.
//
//===----------------------------------------------------------------------===//

#include "TensorFile.h"

#include <cstring>
#include <limits>

namespace kiln::tools {

#if !defined(__BYTE_ORDER__) || __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "the tensor file code assumes a little-endian host"
#endif

namespace {

constexpr char kMagic[] = "\x93NUMPY";
constexpr size_t kMagicSize = 6;

/// A NumPy type string without its byte-order character, and its dtype.
struct NpyType {
  const char *code;
  kiln_dtype_t dtype;
};
constexpr NpyType kNpyTypes[] = {
    {"f2", KILN_DTYPE_FLOAT16}, {"f4", KILN_DTYPE_FLOAT32},
    {"f8", KILN_DTYPE_FLOAT64}, {"i1", KILN_DTYPE_INT8},
    {"i2", KILN_DTYPE_INT16},   {"i4", KILN_DTYPE_INT32},
    {"i8", KILN_DTYPE_INT64},   {"u1", KILN_DTYPE_UINT8},
    {"u2", KILN_DTYPE_UINT16},  {"u4", KILN_DTYPE_UINT32},
    {"u8", KILN_DTYPE_UINT64},  {"b1", KILN_DTYPE_BOOL},
};

/// The dtype of a descr such as "<f4"; false with `error` set otherwise.
bool dtypeFromDescr(const std::string &descr, kiln_dtype_t &out,
                    std::string &error) {
  if (descr.size() >= 2) {
    char order = descr[0];
    std::string code = descr.substr(1);
    for (const NpyType &type : kNpyTypes) {
      if (code != type.code)
        continue;
      bool oneByte = kiln_dtype_size(type.dtype) == 1;
      // '=' is native order, little-endian here; '|' means "not applicable"
      // and is only valid for one-byte types.
      if (order == '<' || order == '=' ||
          (oneByte && order != 0 && std::strchr("|>", order))) {
        out = type.dtype;
        return true;
      }
      if (order == '>') {
        error = "big-endian data ('" + descr +
                "') is not supported: save it as little-endian, e.g. "
                "np.save(path, array.astype('<" +
                code + "'))";
        return false;
      }
    }
  }
  error = "unsupported dtype '" + descr +
          "' (supported: <f2 <f4 <f8 |i1 <i2 <i4 <i8 |u1 <u2 <u4 <u8 |b1)";
  return false;
}

/// The descr kiln writes for `dtype`, or null when NumPy has none.
const char *descrFromDtype(kiln_dtype_t dtype) {
  switch (dtype) {
  case KILN_DTYPE_FLOAT16:
    return "<f2";
  case KILN_DTYPE_FLOAT32:
    return "<f4";
  case KILN_DTYPE_FLOAT64:
    return "<f8";
  case KILN_DTYPE_INT8:
    return "|i1";
  case KILN_DTYPE_INT16:
    return "<i2";
  case KILN_DTYPE_INT32:
    return "<i4";
  case KILN_DTYPE_INT64:
    return "<i8";
  case KILN_DTYPE_UINT8:
    return "|u1";
  case KILN_DTYPE_UINT16:
    return "<u2";
  case KILN_DTYPE_UINT32:
    return "<u4";
  case KILN_DTYPE_UINT64:
    return "<u8";
  case KILN_DTYPE_BOOL:
    return "|b1";
  default:
    return nullptr;
  }
}

/// A parser for the header's dict literal: only what numpy writes (string
/// keys; string, True/False and tuple-of-int values), nothing is evaluated.
class HeaderParser {
public:
  explicit HeaderParser(const std::string &text) : text(text) {}

  bool parse(HostTensor &out, std::string &error) {
    std::string descr;
    bool fortranOrder = false;
    bool haveDescr = false, haveOrder = false, haveShape = false;
    skipSpace();
    if (!consume('{'))
      return fail("the header is not a dict", error);
    while (true) {
      skipSpace();
      if (consume('}'))
        break;
      std::string key;
      if (!parseString(key))
        return fail("expected a quoted key", error);
      skipSpace();
      if (!consume(':'))
        return fail("expected ':' after '" + key + "'", error);
      skipSpace();
      if (key == "descr") {
        if (haveDescr)
          return fail("'descr' appears twice", error);
        if (peek() == '[')
          return fail("structured dtypes are not supported", error);
        if (!parseString(descr))
          return fail("'descr' is not a string", error);
        haveDescr = true;
      } else if (key == "fortran_order") {
        if (haveOrder)
          return fail("'fortran_order' appears twice", error);
        if (consumeWord("True"))
          fortranOrder = true;
        else if (consumeWord("False"))
          fortranOrder = false;
        else
          return fail("'fortran_order' is not True or False", error);
        haveOrder = true;
      } else if (key == "shape") {
        if (haveShape)
          return fail("'shape' appears twice", error);
        if (!parseShape(out.dims, error))
          return false;
        haveShape = true;
      } else {
        return fail("unexpected key '" + key + "'", error);
      }
      skipSpace();
      if (consume(','))
        continue;
      if (consume('}'))
        break;
      return fail("expected ',' or '}' after '" + key + "'", error);
    }
    skipSpace();
    if (pos != text.size())
      return fail("unexpected text after the dict", error);
    if (!haveDescr || !haveOrder || !haveShape)
      return fail(std::string("the header has no '") +
                      (!haveDescr   ? "descr"
                       : !haveOrder ? "fortran_order"
                                    : "shape") +
                      "' key",
                  error);
    if (fortranOrder) {
      error = "Fortran-order arrays are not supported: save a C-order array, "
              "e.g. np.save(path, np.ascontiguousarray(array))";
      return false;
    }
    return dtypeFromDescr(descr, out.dtype, error);
  }

private:
  bool fail(const std::string &what, std::string &error) {
    error = "malformed header at offset " + std::to_string(pos) + ": " + what;
    return false;
  }
  char peek() const { return pos < text.size() ? text[pos] : '\0'; }
  bool consume(char c) {
    if (peek() != c)
      return false;
    ++pos;
    return true;
  }
  bool consumeWord(const char *word) {
    size_t n = std::strlen(word);
    if (text.compare(pos, n, word) != 0)
      return false;
    pos += n;
    return true;
  }
  void skipSpace() {
    while (pos < text.size() && (text[pos] == ' ' || text[pos] == '\t' ||
                                 text[pos] == '\n' || text[pos] == '\r'))
      ++pos;
  }
  bool parseString(std::string &out) {
    char quote = peek();
    if (quote != '\'' && quote != '"')
      return false;
    size_t end = text.find(quote, pos + 1);
    if (end == std::string::npos)
      return false;
    out = text.substr(pos + 1, end - pos - 1);
    pos = end + 1;
    return true;
  }
  bool parseShape(std::vector<int64_t> &dims, std::string &error) {
    if (!consume('('))
      return fail("'shape' is not a tuple", error);
    dims.clear();
    while (true) {
      skipSpace();
      if (consume(')'))
        return true;
      if (peek() < '0' || peek() > '9')
        return fail("a dimension of 'shape' is not a non-negative integer",
                    error);
      uint64_t value = 0;
      while (peek() >= '0' && peek() <= '9') {
        if (__builtin_mul_overflow(value, 10u, &value) ||
            __builtin_add_overflow(value, static_cast<uint64_t>(peek() - '0'),
                                   &value) ||
            value > static_cast<uint64_t>(std::numeric_limits<int64_t>::max()))
          return fail("a dimension of 'shape' is too large", error);
        ++pos;
      }
      consume('L'); // Python 2 wrote long integers as 3L.
      dims.push_back(static_cast<int64_t>(value));
      skipSpace();
      if (consume(','))
        continue;
      if (consume(')'))
        break;
      return fail("expected ',' or ')' in 'shape'", error);
    }
    return true;
  }

  const std::string &text;
  size_t pos = 0;
};

} // namespace

bool parseNpy(const uint8_t *data, size_t size, HostTensor &out,
              std::string &error) {
  if (size < kMagicSize || std::memcmp(data, kMagic, kMagicSize) != 0) {
    error = "not a .npy file (bad magic: it does not start with "
            "\"\\x93NUMPY\")";
    return false;
  }
  if (size < kMagicSize + 2) {
    error = "truncated header: the file ends before the version";
    return false;
  }
  uint8_t major = data[kMagicSize], minor = data[kMagicSize + 1];
  if (major < 1 || major > 3 || minor != 0) {
    error = "unsupported .npy format version " + std::to_string(major) + "." +
            std::to_string(minor) + " (supported: 1.0, 2.0, 3.0)";
    return false;
  }
  size_t lengthSize = major == 1 ? 2 : 4;
  size_t prefix = kMagicSize + 2 + lengthSize;
  if (size < prefix) {
    error = "truncated header: the file ends inside the header length";
    return false;
  }
  uint64_t headerLength = 0;
  for (size_t i = 0; i < lengthSize; ++i)
    headerLength |= static_cast<uint64_t>(data[kMagicSize + 2 + i]) << (8 * i);
  if (headerLength > size - prefix) {
    error = "truncated header: it should be " + std::to_string(headerLength) +
            " bytes but the file has " + std::to_string(size - prefix) +
            " after the header length";
    return false;
  }
  std::string header(reinterpret_cast<const char *>(data + prefix),
                     headerLength);
  HostTensor tensor;
  if (!HeaderParser(header).parse(tensor, error))
    return false;

  uint64_t bytes = 0;
  if (!tensorByteSize(tensor.dtype, tensor.dims.data(), tensor.dims.size(),
                      bytes)) {
    error = "shape " + formatShape(tensor.dims.data(), tensor.dims.size()) +
            " is too large";
    return false;
  }
  uint64_t available = size - prefix - headerLength;
  if (bytes != available) {
    error = "size mismatch: a " + std::string(kiln_dtype_name(tensor.dtype)) +
            " array of shape " +
            formatShape(tensor.dims.data(), tensor.dims.size()) + " has " +
            std::to_string(bytes) + " bytes of data but the file holds " +
            std::to_string(available) +
            (bytes > available ? " (truncated)" : "");
    return false;
  }
  const uint8_t *begin = data + prefix + headerLength;
  tensor.data.assign(begin, begin + bytes);
  out = std::move(tensor);
  return true;
}

bool serializeNpy(const HostTensor &tensor, std::vector<uint8_t> &out,
                  std::string &error) {
  const char *descr = descrFromDtype(tensor.dtype);
  if (!descr) {
    error = std::string("NumPy has no dtype for ") +
            kiln_dtype_name(tensor.dtype) + ": write a .pb file instead";
    return false;
  }
  uint64_t bytes = 0;
  if (!tensorByteSize(tensor.dtype, tensor.dims.data(), tensor.dims.size(),
                      bytes) ||
      bytes != tensor.data.size()) {
    error = "the tensor's data does not match its shape";
    return false;
  }
  std::string shape = "(";
  for (size_t i = 0; i < tensor.dims.size(); ++i)
    shape += (i ? ", " : "") + std::to_string(tensor.dims[i]);
  if (tensor.dims.size() == 1)
    shape += ",";
  shape += ")";
  std::string header = std::string("{'descr': '") + descr +
                       "', 'fortran_order': False, 'shape': " + shape + ", }";
  // Pad with spaces and a final newline so that the data starts at a
  // multiple of 64 bytes, as numpy does; version 2.0 only when the header
  // does not fit version 1.0's 16-bit length.
  auto paddedLength = [&](size_t prefix) {
    size_t total = prefix + header.size() + 1;
    return header.size() + 1 + (64 - total % 64) % 64;
  };
  uint8_t major = paddedLength(kMagicSize + 4) <= 0xffff ? 1 : 2;
  size_t prefix = kMagicSize + (major == 1 ? 4 : 6);
  header.append(paddedLength(prefix) - header.size() - 1, ' ');
  header += '\n';

  out.clear();
  out.reserve(prefix + header.size() + tensor.data.size());
  out.insert(out.end(), kMagic, kMagic + kMagicSize);
  out.push_back(major);
  out.push_back(0);
  for (size_t i = 0; i < prefix - kMagicSize - 2; ++i)
    out.push_back(static_cast<uint8_t>(header.size() >> (8 * i)));
  out.insert(out.end(), header.begin(), header.end());
  out.insert(out.end(), tensor.data.begin(), tensor.data.end());
  return true;
}

} // namespace kiln::tools

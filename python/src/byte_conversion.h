// Keys and values between Python and C++: str is UTF-8, bytes is bytes.
// Reads always return bytes.
#ifndef REGIONKV_PYTHON_BYTE_CONVERSION_H_
#define REGIONKV_PYTHON_BYTE_CONVERSION_H_

#include <pybind11/pybind11.h>

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace regionkv::python {

// A key or value argument seen as bytes. str and bytes are viewed in place,
// without a copy: the view stays valid while the Python object lives (the
// caller's argument), with or without the GIL, as both are immutable. Other
// buffers (bytearray, memoryview; values only) are copied, since another
// thread could change them while the GIL is released. Not movable: the view
// may point into the copy. REQUIRES (construction): the GIL is held.
class ByteArg {
 public:
  enum class Kind { kKey, kValue };
  ByteArg(pybind11::handle object, Kind kind);
  ByteArg(const ByteArg&) = delete;
  ByteArg& operator=(const ByteArg&) = delete;

  std::string_view view() const { return copy_ ? std::string_view(*copy_) : view_; }

 private:
  std::string_view view_;
  std::optional<std::string> copy_;
};

// Owned copies, for the calls that take containers. REQUIRES: the GIL.
std::string key_string(pybind11::handle key);
std::string value_string(pybind11::handle value);
std::vector<std::string> key_strings(pybind11::handle keys);
std::map<std::string, std::string> items_from_mapping(pybind11::handle mapping);

// A stored key handed to Python (a key mangler's argument): str if it is
// valid UTF-8, else bytes. REQUIRES: the GIL.
pybind11::object key_to_python(std::string_view key);

// The name of `object`'s type, for error messages. REQUIRES: the GIL.
std::string type_name(pybind11::handle object);

// REQUIRES: the GIL.
inline pybind11::bytes to_bytes(std::string_view bytes) {
  return pybind11::bytes(bytes.data(), bytes.size());
}

}  // namespace regionkv::python

#endif  // REGIONKV_PYTHON_BYTE_CONVERSION_H_

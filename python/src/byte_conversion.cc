#include "byte_conversion.h"

#include <Python.h>

namespace py = pybind11;

namespace regionkv::python {
namespace {

// str as UTF-8 (cached in the str object), or bytes; nullopt for anything else.
std::optional<std::string_view> view_str_or_bytes(py::handle object) {
  if (PyBytes_Check(object.ptr()))
    return std::string_view(PyBytes_AS_STRING(object.ptr()), PyBytes_GET_SIZE(object.ptr()));
  if (PyUnicode_Check(object.ptr())) {
    Py_ssize_t size = 0;
    const char* data = PyUnicode_AsUTF8AndSize(object.ptr(), &size);
    if (!data) throw py::error_already_set();  // e.g. a lone surrogate
    return std::string_view(data, size);
  }
  return std::nullopt;
}

std::string_view key_view(py::handle key) {
  if (auto view = view_str_or_bytes(key)) return *view;
  throw py::type_error("a key must be str or bytes, not " + type_name(key));
}

// A sequence of keys must not be a single key: iterating a str would take
// each character for a key.
py::iterable key_iterable(py::handle keys) {
  if (PyUnicode_Check(keys.ptr()) || PyBytes_Check(keys.ptr()))
    throw py::type_error("expected an iterable of keys, not a single " + type_name(keys));
  return py::reinterpret_borrow<py::iterable>(keys);
}

}  // namespace

std::string type_name(py::handle object) { return Py_TYPE(object.ptr())->tp_name; }

ByteArg::ByteArg(py::handle object, Kind kind) {
  if (auto view = view_str_or_bytes(object)) {
    view_ = *view;
    return;
  }
  if (kind == Kind::kValue && PyObject_CheckBuffer(object.ptr())) {
    py::buffer_info info = py::reinterpret_borrow<py::buffer>(object).request();
    copy_.emplace(static_cast<const char*>(info.ptr), info.size * info.itemsize);
    return;
  }
  if (kind == Kind::kKey)
    throw py::type_error("a key must be str or bytes, not " + type_name(object));
  throw py::type_error("a value must be bytes or str, not " + type_name(object));
}

std::string key_string(py::handle key) { return std::string(key_view(key)); }

std::string value_string(py::handle value) {
  return std::string(ByteArg(value, ByteArg::Kind::kValue).view());
}

std::vector<std::string> key_strings(py::handle keys) {
  std::vector<std::string> result;
  for (py::handle key : key_iterable(keys)) result.push_back(key_string(key));
  return result;
}

std::map<std::string, std::string> items_from_mapping(py::handle mapping) {
  if (!py::hasattr(mapping, "items"))
    throw py::type_error("expected a mapping of keys to values, not " + type_name(mapping));
  std::map<std::string, std::string> items;
  for (py::handle item : mapping.attr("items")()) {
    auto pair = py::reinterpret_borrow<py::tuple>(item);
    items.insert_or_assign(key_string(pair[0]), value_string(pair[1]));
  }
  return items;
}

py::object key_to_python(std::string_view key) {
  PyObject* text = PyUnicode_DecodeUTF8(key.data(), static_cast<Py_ssize_t>(key.size()), "strict");
  if (text) return py::reinterpret_steal<py::object>(text);
  PyErr_Clear();
  return py::bytes(key.data(), key.size());
}

}  // namespace regionkv::python

// Exceptions thrown by regionkv.
//
// Every regionkv exception derives from regionkv::Error (a std::runtime_error).
// Messages name the region and, where there is one, the raw key. Bad arguments
// are reported with std::invalid_argument instead. A call that throws has
// changed nothing that was stored.
#ifndef REGIONKV_ERRORS_H_
#define REGIONKV_ERRORS_H_

#include <stdexcept>
#include <string>

namespace regionkv {

class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// get/get_multi/erase of a key that is absent or expired.
// get_multi's message lists every missing key.
class NotFound : public Error {
 public:
  using Error::Error;
};

// A locked write whose lease is (nearly) spent, or whose lock record no
// longer carries the lock's fencing token (another holder took it over).
class LockTimeout : public Error {
 public:
  using Error::Error;
};

// get_lock gave up after max_lock_attempts attempts.
class LockUnavailable : public Error {
 public:
  using Error::Error;
};

// configure() on a configured region, or a data call on an unconfigured one.
class ConfigError : public Error {
 public:
  using Error::Error;
};

// The engine or a server failed: I/O error, store directory in use, a
// memcached server down. The message carries the underlying error. On a
// full disk it says "the disk is full"; the store takes writes again once
// space is freed, without a reopen, unless the message says to reopen it
// (docs/reliability.md, "Disk full").
class StorageError : public Error {
 public:
  using Error::Error;
};

// A stored record failed validation (bad header, checksum or length), or
// RocksDB found its own files damaged: a block whose checksum fails, a table
// file that is missing or short, a bad write-ahead log record.
class Corruption : public Error {
 public:
  using Error::Error;
};

// The directory holds no regionkv store: it is missing, is not a directory,
// holds no RocksDB database, or a RocksDB database without the regionkv format
// marker. A store that exists but cannot be read (permissions, I/O, an
// unsupported format version) is a StorageError instead. Thrown by the
// tools' library calls (inspect_store, repair_store); Store::open reports
// these cases as StorageError.
class NotAStore : public Error {
 public:
  using Error::Error;
};

}  // namespace regionkv

#endif  // REGIONKV_ERRORS_H_

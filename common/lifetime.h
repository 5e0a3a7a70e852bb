// Lets the holder of a plain pointer learn that the object behind it is gone,
// without reference counting.
//
// An object that plain pointers may outlive (a region's lock manager, by the
// Locks it issued) owns a Lifetime. A holder keeps the Lifetime's cell and
// generation beside its pointer, and follows the pointer only while the cell
// still holds that generation. The destructor moves the cell's generation on
// and hands the cell back to a process-wide pool that never frees it, so a
// holder can always read its cell, whatever became of the object. Cells are
// reused; generations never are.
//
// Checking costs one atomic load, and copying or dropping a pointer writes no
// shared counter (a Lock is made and dropped per lock cycle, by many threads
// at once). It makes sequential use safe: following a pointer after its
// object was destroyed. Destroying the object while another thread follows
// the pointer remains a race, as it is for any object.
#ifndef REGIONKV_COMMON_LIFETIME_H_
#define REGIONKV_COMMON_LIFETIME_H_

#include <atomic>
#include <cstdint>

namespace regionkv::common {

// Thread-safe.
class Lifetime {
 public:
  using Cell = std::atomic<std::uint64_t>;

  Lifetime();
  ~Lifetime();
  Lifetime(const Lifetime&) = delete;
  Lifetime& operator=(const Lifetime&) = delete;

  const Cell* cell() const { return cell_; }
  std::uint64_t generation() const { return generation_; }

  // Whether the object whose Lifetime gave out `cell` and `generation` still
  // exists. A null cell never does.
  static bool alive(const Cell* cell, std::uint64_t generation) {
    return cell != nullptr && cell->load(std::memory_order_acquire) == generation;
  }

 private:
  Cell* const cell_;
  const std::uint64_t generation_;
};

}  // namespace regionkv::common

#endif  // REGIONKV_COMMON_LIFETIME_H_

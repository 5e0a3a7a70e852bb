#include "common/lifetime.h"

#include <deque>
#include <mutex>
#include <vector>

namespace regionkv::common {
namespace {

// Cells live in a deque, which never moves its elements, and are never
// freed: the pool itself is never destroyed, so even a pointer checked during
// static destruction reads valid memory.
struct CellPool {
  std::mutex mutex;
  std::deque<Lifetime::Cell> cells;       // guarded by mutex
  std::vector<Lifetime::Cell*> free_cells;  // guarded by mutex

  static CellPool& instance() {
    static CellPool* pool = new CellPool();
    return *pool;
  }

  Lifetime::Cell* take() {
    std::lock_guard guard(mutex);
    if (free_cells.empty()) return &cells.emplace_back(0);
    Lifetime::Cell* cell = free_cells.back();
    free_cells.pop_back();
    return cell;
  }

  void give_back(Lifetime::Cell* cell) {
    std::lock_guard guard(mutex);
    free_cells.push_back(cell);
  }
};

}  // namespace

Lifetime::Lifetime()
    : cell_(CellPool::instance().take()), generation_(cell_->load(std::memory_order_relaxed)) {}

Lifetime::~Lifetime() {
  // Release: whoever sees the new generation also sees everything the object
  // did before it went.
  cell_->fetch_add(1, std::memory_order_release);
  CellPool::instance().give_back(cell_);
}

}  // namespace regionkv::common

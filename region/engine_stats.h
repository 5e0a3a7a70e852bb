// The RocksDB figures of StoreStats (EngineStats): the block cache, memtables,
// log and table files, in all and per region, from the database's properties
// and its statistics object. Gathered here, above the engine, because
// StoreStats is the public API's and the engine sees only vocabulary headers.
#ifndef REGIONKV_REGION_ENGINE_STATS_H_
#define REGIONKV_REGION_ENGINE_STATS_H_

#include <rocksdb/db.h>

#include <filesystem>

#include "engine/engine.h"
#include "regionkv/stats.h"

namespace regionkv {

// An open store's figures, its regions' handles held while they are read.
EngineStats engine_stats(engine::Engine& engine);

// The figures of `db`, per region (`regions`) and in all, and of the log
// files in `directory`. Works on a secondary instance too (the log then is
// the primary's, as found in the directory).
EngineStats collect_engine_stats(rocksdb::DB& db,
                                 const engine::Engine::NamedColumnFamilies& regions,
                                 const std::filesystem::path& directory);

}  // namespace regionkv

#endif  // REGIONKV_REGION_ENGINE_STATS_H_

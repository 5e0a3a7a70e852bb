"""Summarises bench/compare-builds' runs: per benchmark and binary, the median
rate over the rounds and the median of its per-run ratio to its floor (the
lock cycles' and the data path's)."""
import json
import re
import statistics
import sys
from pathlib import Path

# Each lock cycle's floor: the least its backing store's calls can cost.
FLOORS = {
    "BM_LockCycle_Memory": "BM_Floor_MutexMap",
    "BM_LockCycle_Memory_Contended": "BM_Floor_MutexMap_Contended",
    "BM_LockCycle_RocksDB": "BM_Floor_RocksDBPutDelete",
    "BM_LockCycle_RocksDB_Contended": "BM_Floor_RocksDBPutDelete",
    "BM_LockCycle_RocksDBPowerLoss": "BM_Floor_RocksDBPutDeleteSync",
    "BM_LockCycle_RocksDBPowerLoss_Contended": "BM_Floor_RocksDBPutDeleteSync",
    # The data path's (bench/data_path_benchmark.cc): raw RocksDB, same options.
    "BM_Region_Set": "BM_Floor_RawPut",
    "BM_Region_Get": "BM_Floor_RawGet",
    "BM_Region_GetMiss": "BM_Floor_RawGetMiss",
    "BM_Region_GetMulti": "BM_Floor_RawMultiGet",
}


def rates(path):
    """{(benchmark, threads): items per second} of one run."""
    found = {}
    for entry in json.loads(path.read_text())["benchmarks"]:
        name, threads = entry["name"].split("/")[0], re.search(r"threads:(\d+)", entry["name"])
        found[(name, int(threads.group(1)) if threads else 1)] = entry["items_per_second"]
    return found


def main(out, pairs):
    labels = [pair.split("=", 1)[0] for pair in pairs]
    runs = {label: [rates(p) for p in sorted(Path(out).glob(f"{label}.*.json"))]
            for label in labels}
    keys = sorted({key for label in labels for run in runs[label] for key in run})
    print(f"{'benchmark':45} {'threads':>7} " + " ".join(f"{l + ' /s':>14} {'ratio':>6}" for l in labels))
    for key in keys:
        cells = []
        for label in labels:
            values = [run[key] for run in runs[label] if key in run]
            floor = FLOORS.get(key[0])
            ratios = [run[key] / run[(floor, key[1])] for run in runs[label]
                      if key in run and (floor, key[1]) in run]
            rate = f"{statistics.median(values):14,.0f}" if values else f"{'-':>14}"
            ratio = f"{statistics.median(ratios):6.2f}" if ratios else f"{'':>6}"
            cells.append(f"{rate} {ratio}")
        print(f"{key[0]:45} {key[1]:>7} " + " ".join(cells))
    print(f"\n{len(runs[labels[0]])} rounds; runs in {out}")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2:])

"""The one table `make bench` ends with: each list page under load (results/list_throughput_<vendor>.json,
written by test_list_throughput.py) at each size on each database, beside the bare page of the same
run. `python -m tests.benchmarks.table` prints it again from the files.

A cell: req/s of the server · mean ms per request as a client waits for it (CONNECTIONS at once) ·
the page's req/s as a share of the bare page's (1.00 = as fast as the bare page) · the workers' CPU
ms per request and the bare page's CPU over the page's (a share that other processes on the
machine move much less). Last columns: each database's mean ms, and CPU ms, at the largest size
over the smallest (the goal: ≤ 1.3)."""
from __future__ import annotations

import json
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "results"
BARE = "bare page (50 rows, 1 query)"


def load() -> dict:
    runs = {}
    for file in sorted(RESULTS.glob("list_throughput_*.json")):
        runs[file.stem.removeprefix("list_throughput_")] = json.loads(file.read_text())
    return runs


def print_throughput_table(runs: dict | None = None):
    runs = load() if runs is None else runs
    if not runs:
        print("No results yet: run tests/benchmarks/test_list_throughput.py")
        return
    columns = [(vendor, size) for vendor, data in runs.items() for size in sorted(data["sizes"], key=int)]
    labels = []
    for data in runs.values():
        for by_size in data["sizes"].values():
            labels += [label for label in by_size["pages"] if label not in labels]
    print("\n" + "=" * 110)
    for vendor, data in runs.items():
        run = data["run"]
        loads = ", ".join(f"{int(size):,}: {lo:.1f}-{hi:.1f}" for size, by_size in sorted(data["sizes"].items(), key=lambda i: int(i[0]))
                          for lo, hi in [by_size["load_average"]])
        print(f"{vendor}: {run['measured_at']}, {run['cpus']} CPUs, gunicorn {run['workers']} sync workers, "
              f"wrk -c{run['connections']} -d{run['seconds']}s; load average during the run ({loads})")
    print("cell: req/s · mean ms per request · req/s as a share of the bare page's · server CPU ms per request "
          "(bare page's CPU / the page's), in the same run")
    header = "| page | " + " | ".join(f"{vendor} {int(size):,}" for vendor, size in columns) + " | " + " | ".join(
        f"{vendor} {int(max(d['sizes'], key=int)):,} / {int(min(d['sizes'], key=int)):,}" for vendor, d in runs.items()) + " |"
    print(header)
    print("| --- |" + " --- |" * (len(columns) + len(runs)))
    for label in labels:
        cells = []
        for vendor, size in columns:
            pages = runs[vendor]["sizes"][size]["pages"]
            row, bare = pages.get(label), pages.get(BARE)
            if row is None:
                cells.append("—")
                continue
            share = f" · {row['req_s'] / bare['req_s']:.2f}" if bare else ""
            cpu = ""
            if "cpu_ms" in row:
                cpu = f" · CPU {row['cpu_ms']:.1f} ms" + (f" ({bare['cpu_ms'] / row['cpu_ms']:.2f})" if bare and row["cpu_ms"] else "")
            cells.append(f"{row['req_s']:.1f} · {row['mean_ms']:.0f} ms{share}{cpu}")
        growth = []
        for vendor, data in runs.items():
            sizes = sorted(data["sizes"], key=int)
            first, last = data["sizes"][sizes[0]]["pages"].get(label), data["sizes"][sizes[-1]]["pages"].get(label)
            if first and last and len(sizes) > 1:
                cpu = f", CPU {last['cpu_ms'] / first['cpu_ms']:.2f}x" if first.get("cpu_ms") and last.get("cpu_ms") else ""
                growth.append(f"{last['mean_ms'] / first['mean_ms']:.2f}x{cpu}")
            else:
                growth.append("—")
        print(f"| {label} | " + " | ".join(cells) + " | " + " | ".join(growth) + " |")
    print("=" * 110)


if __name__ == "__main__":
    print_throughput_table()

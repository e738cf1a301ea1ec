#!/usr/bin/env python3
"""Sums an `ncu --csv --metrics gpu__time_duration.sum` log per kernel name (for tuning):
python3 tools/gpu_kernel_times.py NCU_CSV [STEPS]"""
import collections
import csv
import sys

rows = [r for r in csv.reader(open(sys.argv[1])) if len(r) > 10]
head = rows[0]
name_i, value_i, unit_i = head.index("Kernel Name"), head.index("Metric Value"), head.index("Metric Unit")
steps = float(sys.argv[2]) if len(sys.argv) > 2 else 1.0
total = collections.defaultdict(float)
calls = collections.Counter()
for r in rows[1:]:
    scale = {"nsecond": 1e-3, "usecond": 1.0, "msecond": 1e3}.get(r[unit_i], 1.0)
    key = r[name_i][:90]
    total[key] += float(r[value_i].replace(",", "")) * scale
    calls[key] += 1
all_us = sum(total.values())
print(f"{all_us / steps:.1f} us per step in {sum(calls.values()) / steps:.0f} kernels")
for k, v in sorted(total.items(), key=lambda kv: -kv[1]):
    print(f"{v / steps:9.1f} us/step {calls[k] / steps:6.1f} calls {v / calls[k]:8.2f} us/call  {k}")

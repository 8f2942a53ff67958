#!/usr/bin/env python3
# Usage: python3 bench/diagnostics/fdatasync_preallocation.py <directory on the data filesystem>
# One-off diagnostic: fdatasync after a 1.6 KB append, in a growing file vs a preallocated (zero-filled) one, ext4.
import os, time, statistics, sys
d = sys.argv[1]; n = 1000; rec = b"x" * 1600
def run(prealloc):
    path = os.path.join(d, "prealloc-probe-%s.tmp" % prealloc)
    fd = os.open(path, os.O_CREAT | os.O_TRUNC | os.O_WRONLY)
    if prealloc:
        os.write(fd, b"\0" * (n + 100) * len(rec)); os.fsync(fd); os.lseek(fd, 0, 0)
    times = []
    for i in range(n + 100):
        t = time.perf_counter_ns(); os.write(fd, rec); os.fdatasync(fd); e = time.perf_counter_ns() - t
        if i >= 100: times.append(e / 1000)
    os.close(fd); os.unlink(path)
    times.sort(); return times[len(times)//2], times[int(len(times)*0.99)]
for r in range(3):
    for p in (False, True):
        p50, p99 = run(p); print(("preallocated" if p else "growing     "), "p50 %.0f us p99 %.0f us" % (p50, p99))

"""Peak memory of the current process, for the benchmarks."""

from __future__ import annotations

import resource
from pathlib import Path


def peak_rss_mb() -> float:
    """This process's peak resident set since it started, in MB (``VmHWM``).

    ``ru_maxrss`` is not used where ``/proc`` is available: on Linux it survives ``exec``, so a measuring
    subprocess started by a parent that holds a big table reports the parent's memory as its own.
    """
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

"""The SDK's half of `npm run bench:python` (bench/python.ts drives it).

phase "list": lists the namespace's pods into typed objects ``--repeat`` times; prints the median in ms.
phase "watch": watches the namespace from ``--from`` until ``--events`` events arrived; prints events/s.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import entroos  # noqa: E402
from entroos.models import Pod  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("phase", choices=["list", "watch"])
    parser.add_argument("--namespace", required=True)
    parser.add_argument("--repeat", type=int, default=10)
    parser.add_argument("--events", type=int, default=0)
    parser.add_argument("--from", dest="rv")
    args = parser.parse_args()
    client = entroos.Client()  # ENTROOS_URL / ENTROOS_TOKEN
    if args.phase == "list":
        client.pods.list(args.namespace)  # warm the connection
        times = []
        # This process's CPU time: the SDK's own work (decoding, models), apart from waiting on the server,
        # and less at the mercy of other load on a shared machine than the wall-clock time.
        cpu = []
        count = 0
        for _ in range(args.repeat):
            started, cpu_started = time.perf_counter(), time.process_time()
            pods = client.pods.list(args.namespace)
            times.append((time.perf_counter() - started) * 1000)
            cpu.append((time.process_time() - cpu_started) * 1000)
            count = len(pods)
            assert all(isinstance(p, Pod) for p in pods)
        print(json.dumps({"pods": count, "median_ms": statistics.median(times), "times_ms": times,
                          "median_cpu_ms": statistics.median(cpu)}))
        return
    received = 0
    first = last = 0.0
    watch = client.pods.watch(args.namespace, resource_version=args.rv, timeout=300)
    for event in watch:
        if received == 0:
            first = time.perf_counter()
        received += 1
        last = time.perf_counter()
        _ = event.object.metadata.labels
        if received >= args.events:
            watch.stop()
    seconds = max(last - first, 1e-6)
    print(json.dumps({"events": received, "seconds": seconds, "per_s": (received - 1) / seconds}))


if __name__ == "__main__":
    main()

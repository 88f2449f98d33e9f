"""gunicorn's settings: read from the folder gunicorn starts in by `make run`, deploy/install.sh and the README's
service unit, and named by the benchmarks.

One request at a time per process (gunicorn's sync workers), two processes per core. Python runs one thread at a
time in a process, so threads sharing a process take turns at the CPU and every request in the process waits for the
others; a worker with threads also keeps each browser's connection to itself, however busy it is. Measured by
bench/bench_scale.py at 100,000 applications on PostgreSQL, 2 cores, 16 clients (issue 14):

    2 workers × 4 threads (before): review decision p99 114-148 ms, wizard save p99 182-258 ms, queue 103-164 req/s
    4 workers × 1 thread (gthread, keeping connections): decision p99 214 ms, wizard save p99 250 ms
    4 sync workers: decision p99 75-81 ms, wizard save p99 130-172 ms, queue 170-206 req/s

A sync worker reads the whole request and writes the whole answer itself, so a slow client holds it: on the
internet put it behind a reverse proxy that buffers both (the README's nginx configuration does).
WEB_CONCURRENCY sets the number of processes.
"""
import os

workers = int(os.environ.get("WEB_CONCURRENCY") or min(2 * (os.cpu_count() or 1), 8))
worker_class = "sync"
# seconds a request may run before gunicorn kills its worker mid-request: more than its default 30, which a large
# export on a slow PC could pass
timeout = 120

"""The PDF renderer's own processes (journal.reports.pdf starts them).

Each PDF is made in a process of its own, forked from a renderer server that has
Django set up and WeasyPrint imported already (multiprocessing's "forkserver", with
this module preloaded): a render starts in milliseconds instead of the second or two
Python, Django and WeasyPrint's libraries take to load. The server is a fresh Python
started for the purpose, not a copy of the app's process, so it holds nothing of a
request. It starts with the first PDF an app process makes and ends with that process.

The forked process puts hard limits on itself before it renders: its address space
(RLIMIT_AS: WeasyPrint and the C libraries under it get MemoryError or fail to
allocate) and its CPU time (RLIMIT_CPU: SIGXCPU, then SIGKILL a second later). The
parent adds the wall-clock limit. Django is set up only for the static files: the
fetcher is journal.reports.pdf's own, so the renderer fetches what the parent would,
and no more.
"""

from __future__ import annotations

import errno
import gc
import logging
import os
import resource
import sys
from multiprocessing.connection import Connection

# The exit status when WeasyPrint ran out of the memory it may have (read by the parent).
OUT_OF_MEMORY = 3
# The exit status of any other failure; the parent is sent the exception's name only.
FAILED = 1


def preload() -> None:
    """What the renderer server loads once, for every render forked from it
    (journal.reports.pdf_server calls it)."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "crampjournal.settings")
    import django

    django.setup()
    import weasyprint  # noqa: F401 - loaded here so that each render need not

    from journal.reports import pdf

    # One render here loads fontconfig's caches and Pango's fonts into the server, for
    # every render forked from it. Left to a render under its memory limit, fontconfig
    # could fail to read its cache, rescan the font folders, and (running as root) write
    # an empty cache that hides DejaVu Sans from everything on the machine.
    pdf.write_pdf('<html lang="en"><title>CrampJournal</title><p>CrampJournal</p></html>')
    # Everything loaded so far lives as long as the server: out of the collector's sight
    # (gc.freeze), so that a render's collections walk only the render's own objects,
    # and do not write to, and so copy, the pages each fork shares with the server.
    gc.collect()
    gc.freeze()

    # WeasyPrint's warnings name the report's stylesheets and links; they went nowhere
    # before (the child's stderr was read for its last line only), and go nowhere now.
    for name in ("weasyprint", "fontTools"):
        logging.getLogger(name).handlers = [logging.NullHandler()]
        logging.getLogger(name).propagate = False


def limit(cpu_seconds: int, memory_mb: int) -> None:
    """Hard limits on this process from here on."""
    memory = memory_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    resource.setrlimit(resource.RLIMIT_CPU, (cpu_seconds, cpu_seconds + 1))


# How the loader and C libraries say that mmap failed under RLIMIT_AS: an ImportError
# or OSError rather than a MemoryError.
_NO_MEMORY_WORDS = ("failed to map segment", "cannot allocate memory", "out of memory")


def out_of_memory(error: BaseException | None) -> bool:
    """Whether the error, or one it came from, is the memory limit's doing."""
    while error is not None:
        if isinstance(error, MemoryError) or getattr(error, "errno", None) == errno.ENOMEM:
            return True
        if any(words in str(error).lower() for words in _NO_MEMORY_WORDS):
            return True
        error = error.__cause__ or error.__context__
    return False


def render(result: Connection, html: str, cpu_seconds: int, memory_mb: int) -> None:
    """One PDF, in a process forked for it: sent whole to the parent, then the process's
    peak memory and CPU time; or the process ends with OUT_OF_MEMORY or FAILED (and the exception's
    name: its message could quote the report)."""
    limit(cpu_seconds, memory_mb)
    # No cycle collections in a process that lives for one render: a fifth of its time
    # went to them, for 2 MB of a year's PDF; the memory limit still holds.
    gc.disable()
    try:
        from journal.reports.pdf import write_pdf

        data = write_pdf(html)
    except Exception as error:  # noqa: BLE001 - the parent turns it into a server error
        if out_of_memory(error):
            sys.exit(OUT_OF_MEMORY)
        result.send_bytes(f"PDF renderer failed: {type(error).__name__}".encode())
        sys.exit(FAILED)
    result.send_bytes(data)
    # Then its peak memory (kB, Linux) and the CPU seconds it used, for the log and
    # bench/report.py: on a busy machine the CPU time says what the render cost where
    # the wall-clock time also says how long it waited for a core.
    usage = resource.getrusage(resource.RUSAGE_SELF)
    result.send_bytes(f"{usage.ru_maxrss} {usage.ru_utime + usage.ru_stime:.3f}".encode())

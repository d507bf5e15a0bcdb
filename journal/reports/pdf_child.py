"""The PDF renderer's own process, started for each PDF by journal.reports.pdf:

    python -m journal.reports.pdf_child CPU_SECONDS MEMORY_MB < report.html > report.pdf

It puts hard limits on itself before anything large is imported: its address space
(RLIMIT_AS: WeasyPrint and the C libraries under it get MemoryError or fail to allocate)
and its CPU time (RLIMIT_CPU: SIGXCPU, then SIGKILL a second later). The parent adds
the wall-clock limit. Django is set up here only for the static files: the fetcher is
journal.reports.pdf's own, so the child fetches what the parent would, and no more.
"""

from __future__ import annotations

import errno
import os
import resource
import sys

# The exit status when WeasyPrint ran out of the memory it may have (read by the parent).
OUT_OF_MEMORY = 3


def limit(cpu_seconds: int, memory_mb: int) -> None:
    """Hard limits on this process and whatever it imports from here on."""
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


def main(argv: list[str]) -> int:
    cpu_seconds, memory_mb = int(argv[1]), int(argv[2])
    limit(cpu_seconds, memory_mb)
    try:
        html = sys.stdin.buffer.read().decode()
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "crampjournal.settings")
        import django

        django.setup()
        from journal.reports.pdf import write_pdf

        data = write_pdf(html)
    except Exception as error:  # noqa: BLE001 - the parent turns it into a server error
        if out_of_memory(error):
            return OUT_OF_MEMORY
        # Only the exception's name: its message could quote the report.
        print(f"PDF renderer failed: {type(error).__name__}", file=sys.stderr)
        return 1
    sys.stdout.buffer.write(data)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))

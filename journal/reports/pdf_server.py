"""Imported only by the PDF renderer server (multiprocessing's forkserver, which
journal.reports.pdf starts with this module preloaded): Django and WeasyPrint are
loaded once, for every render forked from it. Never imported by the app itself."""

from journal.reports.pdf_child import preload

preload()

"""gunicorn settings for `make serve` (read from the environment like the app's own)."""

import os

bind = f"{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '8000')}"
wsgi_app = "crampjournal.wsgi:application"
# Threads let one worker wait on the database for one request while serving another.
worker_class = "gthread"
workers = int(os.environ.get("WEB_CONCURRENCY", 2 * (os.cpu_count() or 1)))
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
timeout = 60
graceful_timeout = 20
# Access log on stdout, through a logger that never writes query strings, referrers,
# headers or share-link tokens (see crampjournal/access_log.py).
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-")
access_log_format = '%(h)s "%(r)s" %(s)s %(B)s %(M)sms'
logger_class = "crampjournal.access_log.RedactingLogger"
# No control socket: the app needs no runtime management interface, and several
# instances on one machine would fight over its one default path.
control_socket_disable = True


def _without_server_header() -> None:
    """No "Server: gunicorn" on any answer: it tells a scanner which server to try.

    gunicorn has no setting for it: Response.default_headers writes the status line and
    the Server, Date and Connection headers. This keeps all but Server. It runs here,
    in the master, before the workers fork, so every worker has it."""
    from gunicorn.http.wsgi import Response

    default_headers = Response.default_headers
    if getattr(default_headers, "without_server", False):
        return  # the config is read again on a reload (SIGHUP)

    def without_server(self) -> list[str]:
        return [line for line in default_headers(self) if not line.startswith("Server:")]

    without_server.without_server = True
    Response.default_headers = without_server


_without_server_header()

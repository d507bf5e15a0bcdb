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

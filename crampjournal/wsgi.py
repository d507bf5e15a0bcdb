import io
import os
from collections.abc import Callable, Iterable

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "crampjournal.settings")
django_application = get_wsgi_application()

from django.conf import settings  # noqa: E402  (configured by the line above)


class ChunkedBodyLimit:
    """A chunked request body has no Content-Length, and Django reads none without one
    (it would see an empty form). Read at most one byte past the body limit of it and
    give Django what was read, with its length: a body within the limit works as any
    other, and a longer one is refused with 413 by
    journal.middleware.RequestBodyLimitMiddleware without reading any further."""

    def __init__(self, app: Callable, limit: int) -> None:
        self.app = app
        self.limit = limit

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        chunked = "chunked" in environ.get("HTTP_TRANSFER_ENCODING", "").lower()
        if chunked and not environ.get("CONTENT_LENGTH"):
            body = environ["wsgi.input"].read(self.limit + 1)
            environ["wsgi.input"] = io.BytesIO(body)
            environ["CONTENT_LENGTH"] = str(len(body))
        return self.app(environ, start_response)


application = ChunkedBodyLimit(django_application, settings.REQUEST_BODY_MAX_BYTES)

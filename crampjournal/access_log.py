"""gunicorn's access log without anything private in it.

A query string can hold a filter ("region=calf"), a share link's path holds the token
that opens a person's report, and headers hold cookies. The log keeps the method, the
path with any token replaced, the status, the size and the time taken.
"""

from gunicorn.glogging import Logger

from crampjournal.redaction import redact_path


class RedactingLogger(Logger):
    def atoms(self, resp, req, environ, request_time) -> dict:
        atoms = {
            key: value
            for key, value in super().atoms(resp, req, environ, request_time).items()
            if not key.startswith("{")  # request and response headers
        }
        path = redact_path(environ.get("PATH_INFO", ""))
        atoms.update(U=path, q="-", f="-", a="-", u="-")
        atoms["r"] = f"{atoms['m']} {path} {atoms['H']}"
        return atoms

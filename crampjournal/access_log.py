"""gunicorn's logs without anything private in them.

A query string can hold a filter ("region=calf"), a share link's path holds the token
that opens a person's report, a reset link's the token that sets a new password, and
headers hold cookies. The access log keeps the client's address, the method, the path
with any token replaced, the status, the size and the time taken; the error log's lines
("Error handling request /s/...") go through the same redaction.
"""

from gunicorn.glogging import Logger

from crampjournal.redaction import RedactTokens, redact_path


class RedactingLogger(Logger):
    def setup(self, cfg) -> None:
        super().setup(cfg)
        # On the logger, not its handlers: setup() replaces those when the logs reopen.
        if not any(isinstance(f, RedactTokens) for f in self.error_log.filters):
            self.error_log.addFilter(RedactTokens())

    def atoms(self, resp, req, environ, request_time) -> dict:
        # Imported here: this module is loaded with gunicorn's settings, before Django's.
        from journal.accounts.client_ip import from_meta

        atoms = {
            key: value
            for key, value in super().atoms(resp, req, environ, request_time).items()
            if not key.startswith("{")  # request and response headers
        }
        path = redact_path(environ.get("PATH_INFO", ""))
        # Behind a proxy, the client's address rather than the proxy's (journal.accounts.client_ip).
        atoms["h"] = from_meta(environ) or "-"
        atoms.update(U=path, q="-", f="-", a="-", u="-")
        atoms["r"] = f"{atoms['m']} {path} {atoms['H']}"
        return atoms

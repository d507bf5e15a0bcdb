import datetime as dt


class IsoDateConverter:
    """A calendar day in a URL as YYYY-MM-DD; an impossible date is a 404, not a 500."""

    regex = r"\d{4}-\d{2}-\d{2}"

    def to_python(self, value: str) -> dt.date:
        return dt.date.fromisoformat(value)  # ValueError makes the URL not match

    def to_url(self, value: dt.date) -> str:
        return value.isoformat()

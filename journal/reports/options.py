"""What the person chose to put in a report: read by the report, its PDF and share links."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Options:
    """What the person chose to put in the report."""

    name: str = ""  # their name or initials, as they want it shown; may be empty
    include_notes: bool = False

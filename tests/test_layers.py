"""journal/ is in layers (README, "Layout"): the core (models, units, time zones, the
formatters, the palette, the form fields) at the bottom; the journal's records, the
accounts and the site's plumbing on it; Patterns and the reminders on the records;
the reports on Patterns. Views, URLs, template tags, signals, the admin and the
commands sit on top and may use anything. A module imports only from its own area or a
layer below, so a change to the report can never break logging a cramp. This reads the
imports (also those inside functions) of every module and names each that reaches up or
sideways."""

import ast
import sys
from pathlib import Path

JOURNAL = Path(__file__).resolve().parent.parent / "journal"

# Area -> layer. Areas on one layer do not import each other.
LAYERS = {
    "core": 0,
    "records": 1,
    "accounts": 1,
    "site": 1,
    "patterns": 2,
    "reminders": 2,
    "reports": 3,
}
TOP = {"views", "urls", "templatetags", "signals", "admin", "management", "middleware", "apps"}
# Django asks the session model for its store class (AbstractBaseSession's API); the
# import is inside that method, so the model module itself does not load accounts.
ALLOWED = {("journal.models", "journal.accounts.sessions.db")}


def _module(path: Path) -> str:
    parts = path.relative_to(JOURNAL.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _exists(module: str) -> bool:
    path = JOURNAL.parent.joinpath(*module.split("."))
    return path.with_suffix(".py").exists() or (path / "__init__.py").exists()


def _imports(path: Path) -> set[str]:
    """The journal modules a file imports: `from journal import formatting` is
    journal.formatting, `from journal.models import Episode` is journal.models."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.startswith("journal")}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            if not node.module.startswith("journal"):
                continue
            for alias in node.names:
                sub = f"{node.module}.{alias.name}"
                found.add(sub if _exists(sub) else node.module)
    return found


def _area(module: str) -> str | None:
    """The module's area, or None on top (free to import anything)."""
    parts = module.split(".")[1:]
    if not parts or TOP & set(parts):
        return None
    return parts[0] if parts[0] in LAYERS else "core"


def _reaching_up() -> list[str]:
    wrong = []
    for path in sorted(JOURNAL.rglob("*.py")):
        if "migrations" in path.parts:
            continue
        module = _module(path)
        area = _area(module)
        if area is None:
            continue
        for imported in sorted(_imports(path)):
            target = _area(imported)
            if (module, imported) in ALLOWED or target == area:
                continue
            if target is None or LAYERS[target] >= LAYERS[area]:
                wrong.append(f"{module} ({area}) imports {imported} ({target or 'top'})")
    return wrong


def test_no_module_imports_from_a_layer_above_or_beside_its_own():
    assert _reaching_up() == []


def test_the_check_sees_a_module_that_reaches_up(tmp_path, monkeypatch):
    """The rule itself can fail: a records module importing the reports is named."""
    fake = tmp_path / "journal"
    (fake / "records").mkdir(parents=True)
    (fake / "reports").mkdir()
    for package in (fake, fake / "records", fake / "reports"):
        (package / "__init__.py").write_text("")
    (fake / "reports" / "pdf.py").write_text("")
    (fake / "records" / "services.py").write_text(
        "def later():\n    from journal.reports import pdf\n"
    )
    (fake / "reports" / "clinician.py").write_text("from journal.records import services\n")
    monkeypatch.setattr(sys.modules[__name__], "JOURNAL", fake)
    assert _reaching_up() == [
        "journal.records.services (records) imports journal.reports.pdf (reports)"
    ]


def test_the_areas_are_all_known():
    """A new folder in journal/ gets a layer here (or goes on top) before it is used."""
    folders = {
        p.name
        for p in JOURNAL.iterdir()
        if (p / "__init__.py").exists() and p.name not in {"migrations"}
    }
    assert folders <= set(LAYERS) | TOP

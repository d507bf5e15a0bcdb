"""Known vulnerabilities in the installed Python packages (pip-audit against PyPI's
advisory data): `make audit`, and a step of `.ci/run`.

Exit 1 when a package has a known vulnerability that a newer version fixes (upgrade it);
a vulnerability with no fixed version yet is listed but does not fail. When the
vulnerability service cannot be reached, say so and exit 0: the audit is a check on the
dependencies, not a condition for running the tests offline.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

PIP_AUDIT = str(Path(sys.executable).with_name("pip-audit"))


def verdict(report: dict) -> tuple[list[str], list[str], int]:
    """The lines that fail the audit (a fix exists), those that only warn, and how many
    packages the service had no data for (a mirror without advisories knows none)."""
    failing, warning, unchecked = [], [], 0
    for dependency in report.get("dependencies", []):
        if "skip_reason" in dependency:
            unchecked += 1
        for vuln in dependency.get("vulns", []):
            fixes = vuln.get("fix_versions") or []
            line = f"{dependency['name']} {dependency['version']}: {vuln['id']}"
            if fixes:
                failing.append(f"{line} (fixed in {', '.join(fixes)})")
            else:
                warning.append(f"{line} (no fixed version yet)")
    return failing, warning, unchecked


def main(argv: list[str]) -> int:
    # -l: the packages of this virtual environment only; extra arguments pass through.
    command = [PIP_AUDIT, "--format", "json", "--progress-spinner", "off", "--local", *argv]
    result = subprocess.run(command, capture_output=True, text=True, timeout=600)
    try:
        report = json.loads(result.stdout)
    except json.JSONDecodeError:
        last = (result.stderr.strip().splitlines() or ["no output"])[-1]
        print(f"pip-audit could not check the packages (service unreachable?): {last[:300]}")
        print("Audit SKIPPED; the rest of CI goes on.")
        return 0
    failing, warning, unchecked = verdict(report)
    for line in warning:
        print(f"warning: {line}")
    for line in failing:
        print(f"VULNERABLE: {line}")
    checked = len(report.get("dependencies", [])) - unchecked
    if unchecked:
        print(
            f"pip-audit found no advisory data for {unchecked} packages (the index this "
            "machine reaches may not serve it): those were NOT checked."
        )
        if not checked:
            print("Audit SKIPPED; the rest of CI goes on.")
            return 0
    if failing:
        print(f"{len(failing)} known vulnerabilities with a fix in {checked} packages.")
        return 1
    print(f"No known vulnerability with a fix in {checked} packages.")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

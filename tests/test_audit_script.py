"""`make audit`'s verdict on pip-audit's report: a fixable vulnerability fails CI, one
without a fix only warns, and packages the service knows nothing of are counted, not
passed off as checked."""

from scripts.audit import verdict

REPORT = {
    "dependencies": [
        {
            "name": "django",
            "version": "4.2.0",
            "vulns": [
                {"id": "PYSEC-2023-61", "fix_versions": ["3.2.19", "4.1.9", "4.2.1"]},
            ],
        },
        {"name": "oldthing", "version": "1.0", "vulns": [{"id": "GHSA-x", "fix_versions": []}]},
        {"name": "fine", "version": "2.0", "vulns": []},
        {"name": "unknown", "skip_reason": "Dependency not found on PyPI"},
    ],
    "fixes": [],
}


def test_a_vulnerability_with_a_fix_fails_and_one_without_warns():
    failing, warning, unchecked = verdict(REPORT)
    assert failing == ["django 4.2.0: PYSEC-2023-61 (fixed in 3.2.19, 4.1.9, 4.2.1)"]
    assert warning == ["oldthing 1.0: GHSA-x (no fixed version yet)"]
    assert unchecked == 1


def test_a_clean_report_passes():
    assert verdict({"dependencies": [{"name": "fine", "version": "2.0", "vulns": []}]}) == (
        [],
        [],
        0,
    )

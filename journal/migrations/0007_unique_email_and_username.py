"""One account per email address and per username, whatever their case (journal.identity).

Unique indexes on auth_user for LOWER(email) (non-empty addresses only: an account may
have none) and LOWER(username): the same SQL on SQLite and PostgreSQL. Accounts made
before this may share an address or a name in another case; no account is lost. Among
accounts that share an address the oldest (date_joined, then id) keeps it and the others
lose it (they can still sign in; only reset by email is gone for them). Among names that
differ only in case the oldest keeps its name and the others become "<name>-<id>",
printed so that whoever runs the server can tell those people. Going back drops the
indexes; the cleared addresses and the old names are not restored.
"""

from django.db import migrations
from django.db.models.functions import Lower

EMAIL_INDEX = "auth_user_email_lower_uniq"
USERNAME_INDEX = "auth_user_username_lower_uniq"


def _later_ones(rows) -> list[tuple[int, str]]:
    """(id, value) of every row whose lowered value an older row has already."""
    seen, later = set(), []
    for pk, value, lowered in rows:
        if lowered in seen:
            later.append((pk, value))
        seen.add(lowered)
    return later


def keep_the_oldest(apps, schema_editor) -> None:
    User = apps.get_model("auth", "User")
    users = User.objects.using(schema_editor.connection.alias).order_by("date_joined", "pk")
    # Lowered by the database itself, exactly as the indexes will compare them.
    emails = users.exclude(email="").annotate(lowered=Lower("email"))
    shared = [pk for pk, _ in _later_ones(emails.values_list("pk", "email", "lowered"))]
    if shared:
        users.filter(pk__in=shared).update(email="")
        print(f"\n  0007: {len(shared)} account(s) shared an email address with an older one; "
              "their address was cleared.")
    names = users.annotate(lowered=Lower("username"))
    taken = set(names.values_list("lowered", flat=True))
    for pk, username in _later_ones(names.values_list("pk", "username", "lowered")):
        new = f"{username[:140]}-{pk}"
        while new.lower() in taken:
            new = f"{new[:148]}-x"
        taken.add(new.lower())
        users.filter(pk=pk).update(username=new)
        print(f"\n  0007: username {username!r} differed only in case from an older "
              f"account's; it is now {new!r}.")


class Migration(migrations.Migration):
    dependencies = [
        ("journal", "0006_rate_counter"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [
        migrations.RunPython(keep_the_oldest, migrations.RunPython.noop),
        migrations.RunSQL(
            [
                f"CREATE UNIQUE INDEX {EMAIL_INDEX} ON auth_user (LOWER(email)) "
                "WHERE email <> ''",
                f"CREATE UNIQUE INDEX {USERNAME_INDEX} ON auth_user (LOWER(username))",
            ],
            [f"DROP INDEX {EMAIL_INDEX}", f"DROP INDEX {USERNAME_INDEX}"],
        ),
    ]

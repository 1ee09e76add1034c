import models


def describe(record: models.Account) -> str:
    badge = " [admin]" if record.is_admin() else ""
    return f"{record.name} <{record.email}>{badge}"


def summary(records):
    admins = sum(1 for r in records if isinstance(r, models.Account) and r.is_admin())
    return f"{len(records)} users, {admins} admins"

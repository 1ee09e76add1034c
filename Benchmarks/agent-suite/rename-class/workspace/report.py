import models


def describe(record: models.UserRecord) -> str:
    badge = " [admin]" if record.is_admin() else ""
    return f"{record.name} <{record.email}>{badge}"


def summary(records):
    admins = sum(1 for r in records if isinstance(r, models.UserRecord) and r.is_admin())
    return f"{len(records)} users, {admins} admins"

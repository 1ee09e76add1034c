from models import UserRecord


class Store:
    """Keeps UserRecord objects by email."""

    def __init__(self):
        self._by_email = {}

    def add(self, name, email, roles=()):
        record = UserRecord(name, email.lower(), list(roles))
        self._by_email[record.email] = record
        return record

    def get(self, email) -> UserRecord:
        return self._by_email[email.lower()]

    def all(self):
        return sorted(self._by_email.values(), key=lambda r: r.name)

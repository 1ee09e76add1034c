from pathlib import Path

import models
from models import Account
from report import describe, summary
from store import Store

HERE = Path(__file__).parent


def test_account_class():
    account = Account("Ada", "ada@example.com", ["admin"])
    assert account.is_admin()


def test_old_name_gone():
    assert not hasattr(models, "UserRecord"), "models.UserRecord should have been renamed to Account"
    for name in ["models.py", "store.py", "report.py"]:
        assert "UserRecord" not in (HERE / name).read_text(), f"{name} still mentions UserRecord"


def test_store_creates_accounts():
    store = Store()
    made = store.add("Bob", "BOB@example.com")
    assert isinstance(made, Account)
    assert store.get("bob@example.com") is made


def test_report():
    store = Store()
    store.add("Ada", "ada@example.com", ["admin"])
    store.add("Bob", "bob@example.com")
    assert describe(store.get("ada@example.com")) == "Ada <ada@example.com> [admin]"
    assert summary(store.all()) == "2 users, 1 admins"

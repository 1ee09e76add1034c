from dataclasses import dataclass, field


@dataclass
class UserRecord:
    name: str
    email: str
    roles: list = field(default_factory=list)

    def is_admin(self):
        return "admin" in self.roles

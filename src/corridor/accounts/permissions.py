"""Account permission names: accounts keeps users in django.contrib.auth, whose permissions it uses."""

from __future__ import annotations

from typing import Final

CHANGE_USER: Final = "auth.change_user"  # administration: users, roles, data stewardship

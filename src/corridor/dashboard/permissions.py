"""The dashboard's permission names, the one place views, roles and navigation take them from."""

from __future__ import annotations

from typing import Final

VIEW_DASHBOARD: Final = "dashboard.view_dashboard"

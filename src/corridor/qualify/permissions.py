"""The qualify app's permission names, the one place views, API, roles and navigation take them from."""

from __future__ import annotations

from typing import Final

VIEW_QUALIFICATION: Final = "qualify.view_qualification"
ASSESS_ENTERPRISE: Final = "qualify.assess_enterprise"
MANAGE_POLICIES: Final = "qualify.manage_policies"
EXPORT_CULTIVATION: Final = "qualify.export_cultivation"

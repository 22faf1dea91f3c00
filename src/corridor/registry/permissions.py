"""The registry's permission names, the one place views, API, roles and navigation take them from."""

from __future__ import annotations

from typing import Final

VIEW_ENTERPRISE: Final = "registry.view_enterprise"
ADD_ENTERPRISE: Final = "registry.add_enterprise"
CHANGE_ENTERPRISE: Final = "registry.change_enterprise"
DELETE_ENTERPRISE: Final = "registry.delete_enterprise"
VIEW_YEAR_FACTS: Final = "registry.view_enterpriseyearfacts"
ADD_YEAR_FACTS: Final = "registry.add_enterpriseyearfacts"
CHANGE_YEAR_FACTS: Final = "registry.change_enterpriseyearfacts"
EXPORT_ENTERPRISES: Final = "registry.export_enterprises"
IMPORT_ENTERPRISES: Final = "registry.import_enterprises"
REVERT_IMPORT: Final = "registry.revert_import"
RESTORE_ENTERPRISE: Final = "registry.restore_enterprise"
MERGE_ENTERPRISE: Final = "registry.merge_enterprise"

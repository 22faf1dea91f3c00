"""Investment's permission names, the one place views, API, roles and navigation take them from."""

from __future__ import annotations

from typing import Final

VIEW_PROJECT: Final = "investment.view_project"
VIEW_ALL_PROJECTS: Final = "investment.view_all_projects"
MANAGE_PIPELINE: Final = "investment.manage_pipeline"
# the leader's read-only view: the funnel and the signed and landed projects
VIEW_PIPELINE_SUMMARY: Final = "investment.view_pipeline_summary"
RANK_TARGETS: Final = "investment.rank_targets"
VIEW_TARGETLIST: Final = "investment.view_targetlist"
ADD_TARGETLIST: Final = "investment.add_targetlist"

"""The atlas's permission names, the one place views, API, roles and navigation take them from."""

from __future__ import annotations

from typing import Final

VIEW_CHAIN: Final = "atlas.view_chain"
VIEW_NODELINK: Final = "atlas.view_nodelink"
EDIT_CHAIN_GRAPH: Final = "atlas.edit_chain_graph"
REVIEW_LINKS: Final = "atlas.review_links"
RUN_CLASSIFICATION: Final = "atlas.run_classification"

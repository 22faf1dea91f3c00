"""The stored policy versions as engine Policy trees, and which version of each is in force on a day.

Shared by services and selectors (one rule, one home). Parsed trees are kept per process, keyed on
every stored version's (pk, sha256), so a new or re-synced version is picked up at once.
"""

from __future__ import annotations

from datetime import date

from corridor.engine.qualify import Policy, load_policy_text
from corridor.qualify.models import PolicyVersion

_PARSED: dict[tuple[tuple[int, str], ...], dict[str, Policy]] = {}


def stored_policies() -> dict[str, Policy]:
    """Every stored policy version, parsed, keyed `id@version`."""
    rows = list(PolicyVersion.objects.order_by("pk").values_list("pk", "sha256"))
    stamp = tuple(rows)
    found = _PARSED.get(stamp)
    if found is None:
        found = {}
        for row in PolicyVersion.objects.order_by("policy_id", "version"):
            policy = load_policy_text(row.yaml_text, f"{row.key}.yaml")
            found[policy.key] = policy
        _PARSED.clear()
        _PARSED[stamp] = found
    return found


def in_force(on: date, policies: dict[str, Policy] | None = None) -> list[Policy]:
    """The version of each policy that applies on a day, sorted by id: of the versions in force, the
    one that took effect last (an uploaded version supersedes an open-ended older one)."""
    chosen: dict[str, Policy] = {}
    for policy in (stored_policies() if policies is None else policies).values():
        if not policy.in_force(on):
            continue
        held = chosen.get(policy.id)
        if held is None or (policy.effective_from, policy.version) > (
            held.effective_from,
            held.version,
        ):
            chosen[policy.id] = policy
    return [chosen[k] for k in sorted(chosen)]

"""Qualification for technology-enterprise titles: policies as versioned data, evaluated without Django.

- `load_policies()` reads and validates the packaged policy files (policies/*.yaml), keyed id@version;
- `evaluate(policy, enterprise, on)` explains one enterprise (every criterion, shortfalls, the path);
- `what_if(policies, enterprise, on, facts=…, assessments=…)` the same with some inputs overridden;
- `columnar.evaluate_columns(policy, columns)` the verdicts and scores of many at once (NumPy), the
  batch path; it agrees with `evaluate` verdict for verdict (tests and bench/bench_qualify.py).
Every result carries the policy id and version it was computed with.
"""

from corridor.engine.qualify.evaluate import evaluate, evaluate_all, policies_in_force, what_if
from corridor.engine.qualify.loader import PolicyError, load_policies, load_policy_text
from corridor.engine.qualify.model import Enterprise, Policy, PolicyResult

__all__ = [
    "Enterprise",
    "Policy",
    "PolicyError",
    "PolicyResult",
    "evaluate",
    "evaluate_all",
    "load_policies",
    "load_policy_text",
    "policies_in_force",
    "what_if",
]

"""The URN contract: the URNs of the committed stacks' stateful resources, committed under
``tests/plans/urns/<stack>.txt``.

A URN is a resource's identity to the engine: a rename without an alias deletes and recreates it
(a Kafka cluster, a topic and its records, a user's credentials). ``test_urn_contract`` fails when a
contracted URN is neither planned nor an alias of a planned resource, and when a new one appears
that the contract does not list. After an intended change, regenerate the files and review the diff:

    .venv/bin/python -m tests.plans.urn_contract

``<stack>.former.txt`` lists URNs of earlier releases that deployed stacks may still hold (before
topics and users moved under ``KafkaCatalog``): each must stay an alias of a planned resource, so
upgrading replaces nothing. Those files are history and are never regenerated; a stack added since
(:data:`STACKS_WITH_HISTORY` lists those that have one) has none.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable
from pathlib import Path

from messaging_platform_tools.offline.engine import Recording, Registration

CONTRACT_DIR = Path(__file__).parent / "urns"
# The stacks deployed before topics and users moved under KafkaCatalog: their former URNs are kept.
STACKS_WITH_HISTORY = ("dev", "prod", "external")
CONTRACTED_TYPES = frozenset(
    {
        "kubernetes:kafka.strimzi.io/v1:Kafka",
        "kubernetes:kafka.strimzi.io/v1:KafkaNodePool",
        "kubernetes:kafka.strimzi.io/v1:KafkaTopic",
        "kubernetes:kafka.strimzi.io/v1:KafkaUser",
        "kubernetes:kafka.strimzi.io/v1:KafkaConnect",
        "kubernetes:kafka.strimzi.io/v1:KafkaConnector",
        "kubernetes:kafka.strimzi.io/v1:KafkaBridge",
        "kubernetes:kafka.strimzi.io/v1:KafkaMirrorMaker2",
        "kubernetes:kafka.strimzi.io/v1:KafkaRebalance",
        "kubernetes:core/v1:Secret",
        "kafka:index/topic:Topic",
        "kafka:index/userScramCredential:UserScramCredential",
        "kafka:index/acl:Acl",
    }
)


def contracted(resources: Iterable[Registration]) -> list[Registration]:
    """The resources whose URNs are part of the contract."""
    return sorted((r for r in resources if r.type in CONTRACTED_TYPES), key=lambda r: r.urn)


def contract_file(stack: str) -> Path:
    """Where a stack's contracted URNs are committed."""
    return CONTRACT_DIR / f"{stack}.txt"


def read_contract(stack: str) -> list[str]:
    """The committed URNs of a stack (one per line)."""
    return [line for line in contract_file(stack).read_text().splitlines() if line]


def read_former(stack: str) -> list[str]:
    """URNs of earlier releases of a stack that must stay aliased."""
    return [line for line in (CONTRACT_DIR / f"{stack}.former.txt").read_text().splitlines() if line]


def broken(recording: Recording, promised: Iterable[str]) -> tuple[list[str], list[str]]:
    """(contracted URNs the plan neither has nor aliases, planned URNs the contract lacks)."""
    resources = contracted(recording.resources)
    known = {r.urn for r in resources} | {alias for r in resources for alias in r.aliases}
    promised = list(promised)
    return sorted(set(promised) - known), sorted({r.urn for r in resources} - set(promised))


def main() -> int:
    """Rewrite every committed stack's contract from its current plan."""
    from messaging_platform_tools.offline.project import PulumiProject
    from messaging_platform_tools.offline.runner import plan_stack

    project = PulumiProject.find(Path(__file__).resolve().parents[2])
    CONTRACT_DIR.mkdir(exist_ok=True)
    for stack in project.stacks:
        urns = [r.urn for r in contracted(plan_stack(project, stack, None).recording.resources)]
        contract_file(stack).write_text("".join(f"{urn}\n" for urn in urns))
        print(f"{contract_file(stack)}: {len(urns)} URNs")
    return 0


if __name__ == "__main__":
    sys.exit(main())

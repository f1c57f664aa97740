"""Where a service's prefix grants may reach: the one home of the catalog's cross-domain rules.

A prefix grant covers every name that starts with it, including names of other domains and other
services. So, checked before any ACL exists:
- prefixes that let a service write, create or delete topics (``produces: [{prefix}]``, a Streams
  ``applicationId``) start with the service's own domain namespace (``<domain>.``, ``<domain>-`` or
  ``<domain>_``), unless the service lists the prefix under ``reviewedCrossDomainGrants``;
- prefix reads name at least a whole domain namespace (``orders.``), never a fragment (``o``);
- transactional id prefixes start with the service's own name or domain namespace, and no
  service's transactional ids or Streams application id cover another service's.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from .catalog import ServiceSpec, TopicRef

SEPARATORS = (".", "-", "_")


@dataclass(frozen=True)
class IntentProblem:
    """A problem at ``path`` (keys under the service) with the value that caused it."""

    path: tuple[str | int, ...]
    message: str
    value: str


def own_namespaces(domain: str) -> tuple[str, ...]:
    """The name prefixes that belong to a domain: ``<domain>.``, ``<domain>-``, ``<domain>_``."""
    return tuple(f"{domain}{sep}" for sep in SEPARATORS)


def prefix_problems(name: str, domain: str, service: ServiceSpec, domains: Iterable[str]) -> list[IntentProblem]:
    """Write, read and transactional prefixes of one service that reach outside what it owns."""
    own = own_namespaces(domain)
    reviewed = set(service.reviewed_cross_domain_grants)
    every_domain = tuple(f"{d}." for d in sorted(set(domains)))
    problems: list[IntentProblem] = []
    writes: list[tuple[tuple[str | int, ...], str]] = [
        (("produces", i, "prefix"), ref.prefix) for i, ref in enumerate(service.produces) if isinstance(ref, TopicRef)
    ]
    if service.streams is not None:
        writes.append((("streams", "applicationId"), service.streams.application_id))
    for path, prefix in writes:
        if not prefix.startswith(own) and prefix not in reviewed:
            problems.append(
                IntentProblem(
                    path,
                    f"grants writing, creating and deleting every topic starting with '{prefix}', outside domain "
                    f"'{domain}': start it with '{domain}.' or '{domain}-', or list it under "
                    "reviewedCrossDomainGrants after review",
                    prefix,
                )
            )
    for i, consume in enumerate(service.consumes):
        if consume.prefix is not None and not consume.prefix.startswith(own + every_domain):
            problems.append(
                IntentProblem(
                    ("consumes", i, "prefix"),
                    f"reads every topic starting with '{consume.prefix}', which is not a whole domain namespace: "
                    f"name one ({', '.join(every_domain)}) or the topics themselves",
                    consume.prefix,
                )
            )
    id_prefix = service.transactional.id_prefix if service.transactional is not None else None
    if id_prefix is not None and not id_prefix.startswith((name, *own)):
        problems.append(
            IntentProblem(
                ("transactional", "idPrefix"),
                f"would own every transactional id starting with '{id_prefix}': start it with "
                f"the service name '{name}' or '{domain}.'",
                id_prefix,
            )
        )
    return problems


def _claims(service: ServiceSpec) -> list[tuple[tuple[str | int, ...], str, bool]]:
    """(path, id or prefix, is_prefix) of the ids a service claims: transactional ids and prefixes,
    and its Streams application id (the prefix of its groups, internal topics and transactions)."""
    claims: list[tuple[tuple[str | int, ...], str, bool]] = []
    if service.transactional is not None:
        if service.transactional.id is not None:
            claims.append((("transactional", "id"), service.transactional.id, False))
        if service.transactional.id_prefix is not None:
            claims.append((("transactional", "idPrefix"), service.transactional.id_prefix, True))
    if service.streams is not None:
        claims.append((("streams", "applicationId"), service.streams.application_id, True))
    return claims


def overlap_problems(services: Mapping[str, ServiceSpec]) -> dict[str, list[IntentProblem]]:
    """Per service: its transactional ids or Streams application id that equal, cover or are covered
    by another service's (reported on both services)."""
    found: dict[str, list[IntentProblem]] = {}
    claims = {name: _claims(service) for name, service in services.items()}
    for name, mine in claims.items():
        for path, value, is_prefix in mine:
            for other, theirs in claims.items():
                if other == name:
                    continue
                for their_path, their_value, _ in theirs:
                    if their_value == value or (is_prefix and their_value.startswith(value)):
                        found.setdefault(name, []).append(
                            IntentProblem(path, f"covers service '{other}''s '{their_value}'{_UNIQUE}", value)
                        )
                        found.setdefault(other, []).append(
                            IntentProblem(
                                their_path, f"is covered by service '{name}''s '{value}'{_UNIQUE}", their_value
                            )
                        )
    return found


_UNIQUE = ": transactional ids and Streams application ids must belong to one service"

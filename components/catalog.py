"""The ``KafkaCatalog`` component: a cluster's topics and service users, from catalog YAML or from code."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import pulumi
from pydantic import Field, ValidationError

from .backend import CatalogBackend, PasswordOwner, ServiceCredentials
from .config.catalog import CatalogSettings, CatalogTopic, DeletionPolicy, KafkaTopicName, ServiceName, ServiceSpec
from .config.errors import ConfigError, ConfigProblem, problems_from_validation_error
from .config.intent_bounds import overlap_problems
from .config.resolve import (
    ResolvedCatalog,
    ResolvedService,
    ResolvedTopic,
    name_clashes,
    resolve_service,
    resolve_topic,
)
from .topic import deletion_options, topic_resource_name

CATALOG_TYPE = "messaging-platform:kafka:Catalog"


class TopicArgs(CatalogTopic):
    """A topic declared in code, with the same settings (and checks) as a catalog file's topic.

    Keys are snake_case in Python (``min_insync_replicas``) or camelCase as in YAML; units as in
    YAML (``retention="7d"``, ``max_message_bytes="1MiB"``).
    """

    name: KafkaTopicName = Field(description="The topic's catalog key and Kafka name (unless topic_name is set).")
    domain: str = Field(pattern=r"^[a-z][a-z0-9-]*$", description="Owning domain (label, ACL namespace).")
    deletion: DeletionPolicy | None = Field(
        default=None, description="protect, retain or delete (default: the catalog's deletion policy)."
    )


class ServiceArgs(ServiceSpec):
    """A service declared in code: the same intents (and checks) as a catalog file's service."""

    name: ServiceName = Field(description="The service's name: its KafkaUser and principal User:<name>.")
    domain: str = Field(pattern=r"^[a-z][a-z0-9-]*$", description="Owning domain; its prefixes are the service's.")


@dataclass(frozen=True)
class KafkaCatalogArgs:
    """Inputs of a :class:`KafkaCatalog`."""

    target: CatalogBackend
    """The cluster the topics and users land on: a :class:`KafkaCluster` (Strimzi custom
    resources) or an :class:`ExternalKafkaCluster` (pulumi-kafka) (required)."""
    resolved: ResolvedCatalog | None = None
    """A catalog folder resolved for this stack (``load_stack(...).catalog``), declared at once
    (default: none; declare topics and services with :meth:`KafkaCatalog.add_topic` and
    :meth:`KafkaCatalog.add_service`)."""
    settings: CatalogSettings | None = None
    """Defaults, deletion policy and password owner for topics and services added in code
    (default: the resolved catalog's passwords, deletion ``protect`` and no topic defaults)."""


class KafkaCatalog(pulumi.ComponentResource):
    """Topics and service users of one cluster, validated before anything is registered.

    Topics and users are children of the catalog, named after the target cluster as before the
    catalog existed (``{cluster}-topic-<key>``, ``{cluster}-user-<service>``) and aliased to their
    former parent, the cluster, so moving to this component replaces nothing. Declared from a
    resolved catalog folder, from code with :meth:`add_topic` and :meth:`add_service`, or both:
    everything added in code gets the same checks as catalog YAML (replicas vs brokers,
    ``min.insync.replicas``, name clashes, intents' reach, topic references).
    """

    target: CatalogBackend
    """The cluster the catalog lands on."""
    topics: dict[str, pulumi.Resource]
    """The topic resources by catalog key."""
    services: dict[str, ServiceCredentials]
    """Where each service finds its credentials, by service name."""
    passwords: dict[str, pulumi.Output[str]]
    """SCRAM passwords (secrets) of the services whose password Pulumi owns, by service name."""

    def __init__(self, name: str, args: KafkaCatalogArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__(CATALOG_TYPE, name, None, opts)
        self.target = args.target
        self._target = args.target.target
        self._label = f"KafkaCatalog '{name}'"
        resolved = args.resolved
        default_passwords: PasswordOwner = resolved.passwords if resolved else "pulumi"
        # Safe by default: a topic declared in code without a deletion policy is protected.
        self._settings = args.settings or CatalogSettings(passwords=default_passwords, deletion="protect")
        self._resolved_topics: dict[str, ResolvedTopic] = {}
        self._specs: dict[str, tuple[str, str, ServiceSpec]] = {}
        self._domains: set[str] = set()
        self.topics, self.services, self.passwords = {}, {}, {}
        if resolved is not None:
            self._domains |= {topic.domain for topic in resolved.topics}
            self._domains |= {service.domain for service in resolved.services}
            for topic in resolved.topics:
                self._declare_topic(topic)
            for service in resolved.services:
                self._specs[service.name] = (service.source, service.domain, service.spec)
                self._declare_service(service, resolved.passwords)
        self.register_outputs(
            {"topics": sorted(self.topics), "services": sorted(self.services), "passwords": self.passwords}
        )

    def add_topic(self, args: TopicArgs | Mapping[str, Any]) -> pulumi.Resource:
        """Declare one topic, checked as a catalog file's topic; a ConfigError names what is wrong.

        ``args`` is a :class:`TopicArgs` or the same keys as a mapping (camelCase or snake_case).
        """
        topic = self._validated(TopicArgs, args, "add_topic")
        where = f"{self._label}.add_topic('{topic.name}')"
        settings = self._settings
        if topic.deletion is not None:
            settings = settings.model_copy(update={"deletion": topic.deletion})
        resolved, problems = resolve_topic(
            key=topic.name,
            file=where,
            domain=topic.domain,
            topic=topic,
            settings=settings,
            target=self._target,
            settings_path=f"{self._label}.settings",
            declared_at=where,
        )
        problems += [p for p in name_clashes([*self._resolved_topics.values(), resolved]) if p.path.startswith(where)]
        if topic.name in self._resolved_topics:
            problems.append(ConfigProblem(where, "declares a topic this catalog already has"))
        if problems:
            raise ConfigError(problems, self._label)
        self._domains.add(topic.domain)
        return self._declare_topic(resolved)

    def add_service(self, args: ServiceArgs | Mapping[str, Any]) -> ServiceCredentials:
        """Declare one service: its user, credentials and the ACLs its intents need, checked as a
        catalog file's service (references to this catalog's topics, prefixes' reach, overlaps)."""
        service = self._validated(ServiceArgs, args, "add_service")
        where = f"{self._label}.add_service('{service.name}')"
        if service.name in self._specs:
            raise ConfigError([ConfigProblem(where, "declares a service this catalog already has")], self._label)
        spec = ServiceSpec.model_validate(service.model_dump(exclude={"name", "domain"}))
        specs = {**{name: entry[2] for name, entry in self._specs.items()}, service.name: spec}
        resolved, problems = resolve_service(
            service.name,
            where,
            service.domain,
            spec,
            target=self._target,
            kafka_names={key: topic.kafka_name for key, topic in self._resolved_topics.items()},
            domains=sorted(self._domains | {service.domain}),
            overlaps=overlap_problems(specs).get(service.name, []),
            declared_at=where,
        )
        if problems:
            raise ConfigError(problems, self._label)
        self._specs[service.name] = (where, service.domain, spec)
        self._domains.add(service.domain)
        return self._declare_service(resolved, self._settings.passwords)

    def _validated(self, model: type[TopicArgs] | type[ServiceArgs], args: Any, method: str) -> Any:
        if isinstance(args, model):
            return args
        try:
            return model.model_validate(args)
        except ValidationError as exc:
            label = f"{self._label}.{method}"
            name = args.get("name") if isinstance(args, Mapping) else None
            where = f"{label}('{name}')" if isinstance(name, str) else f"{label}: "
            raise ConfigError(problems_from_validation_error(exc, args, where), self._label) from None

    def _declare_topic(self, topic: ResolvedTopic) -> pulumi.Resource:
        backend = self.target
        name = topic_resource_name(backend.target.name, topic.key)
        former = [pulumi.Alias(name=topic_resource_name(backend.target.name, old)) for old in topic.previous_names]
        opts = pulumi.ResourceOptions.merge(
            deletion_options(topic.deletion),
            pulumi.ResourceOptions(
                parent=self,
                aliases=[
                    pulumi.Alias(parent=backend.catalog_parent),
                    *former,
                    *(pulumi.Alias(name=alias.name, parent=backend.catalog_parent) for alias in former),
                ],
            ),
        )
        self._resolved_topics[topic.key] = topic
        self.topics[topic.key] = backend.create_topic(name, topic, opts)
        return self.topics[topic.key]

    def _declare_service(self, service: ResolvedService, passwords: PasswordOwner) -> ServiceCredentials:
        backend = self.target
        opts = pulumi.ResourceOptions(parent=self, aliases=[pulumi.Alias(parent=backend.catalog_parent)])
        credentials = backend.create_user(f"{backend.target.name}-user-{service.name}", service, passwords, opts)
        self.services[service.name] = credentials
        if credentials.password is not None:
            self.passwords[service.name] = credentials.password
        return credentials

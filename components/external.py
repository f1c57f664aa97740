"""``ExternalKafkaCluster``: a Kafka cluster this platform does not run, as a catalog backend (pulumi-kafka)."""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
import pulumi_kafka as kafka
import pulumi_random as random

from .backend import PasswordOwner, ServiceCredentials
from .config.acls import AclRule
from .config.external import ExternalClusterConfig, SaslConfig
from .config.loader import external_target
from .config.resolve import ResolvedService, ResolvedTopic, TargetCluster
from .specs.topics import topic_config_strings
from .topic import guard_hook, replacement_guard_hook

EXTERNAL_TYPE = "messaging-platform:kafka:ExternalCluster"
SASL_MECHANISMS = {"scram-sha-512": "scram-sha512", "scram-sha-256": "scram-sha256", "plain": "plain"}
RESOURCE_TYPES = {"topic": "Topic", "group": "Group", "cluster": "Cluster", "transactionalId": "TransactionalID"}
PATTERN_TYPES = {"literal": "Literal", "prefix": "Prefixed"}
QUOTA_KEYS = {
    "producer_byte_rate": "producer_byte_rate",
    "consumer_byte_rate": "consumer_byte_rate",
    "request_percentage": "request_percentage",
    "controller_mutation_rate": "controller_mutation_rate",
}
PASSWORD_LENGTH = 32


@dataclass(frozen=True)
class ExternalKafkaClusterArgs:
    """Inputs of an :class:`ExternalKafkaCluster`."""

    config: ExternalClusterConfig
    """How to reach and authenticate to the cluster, and what it offers (brokers, authorizer,
    client authentication), as validated config (required)."""


class ExternalKafkaCluster(pulumi.ComponentResource):
    """A Kafka cluster this platform does not run, managed through its admin API (pulumi-kafka).

    Children: ``{name}-provider``, a ``kafka.Provider`` whose SASL password (and user name, when the
    stack stores it encrypted) is a secret. A
    :class:`~messaging_platform.KafkaCatalog` targeting the cluster declares, with the same
    validation and intents as on Strimzi clusters, ``{name}-topic-<topic>`` (``kafka.Topic``) and
    per service ``{name}-user-<service>-password``, ``{name}-user-<service>-scram``
    (``UserScramCredential``), one ``kafka.Acl`` per operation and an optional ``kafka.Quota``
    (this class is its pulumi-kafka backend).
    """

    provider: kafka.Provider
    """The pulumi-kafka provider every catalog resource on this cluster uses."""
    bootstrap_servers: list[str]
    """The bootstrap addresses the provider connects to."""

    def __init__(self, name: str, args: ExternalKafkaClusterArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__(EXTERNAL_TYPE, name, None, opts)
        config = args.config
        sasl = config.sasl
        self.provider = kafka.Provider(
            f"{name}-provider",
            bootstrap_servers=config.bootstrap_servers,
            tls_enabled=config.tls,
            skip_tls_verify=config.skip_tls_verify,
            ca_cert=config.ca_cert,
            kafka_version=config.kafka_version,
            sasl_mechanism=SASL_MECHANISMS[sasl.mechanism] if sasl else None,
            sasl_username=_username(sasl) if sasl else None,
            sasl_password=pulumi.Output.secret(sasl.password.get_secret_value()) if sasl else None,
            opts=pulumi.ResourceOptions(parent=self),
        )
        self.name = name
        self.config = config
        self.bootstrap_servers = list(config.bootstrap_servers)
        # pulumi-kafka reassigns replicas in place, so only shrinking partitions, renames and
        # dropping compaction are refused. It replaces (deletes and recreates) a topic whose
        # partition count goes down, so deletions of topics still declared are refused too.
        self._declared: dict[str, dict[str, object]] = {}
        self._guards: tuple[pulumi.ResourceHook, pulumi.ResourceHook] | None = None
        self.register_outputs({"bootstrap_servers": self.bootstrap_servers})

    @property
    def target(self) -> TargetCluster:
        """What a catalog may rely on in this cluster (as its config declares it)."""
        return external_target(self.name, self.config)

    @property
    def catalog_parent(self) -> pulumi.Resource:
        """Catalog topics and users were children of the cluster before ``KafkaCatalog``."""
        return self

    def _options(self, opts: pulumi.ResourceOptions, **extra: object) -> pulumi.ResourceOptions:
        own = pulumi.ResourceOptions(provider=self.provider, **extra)  # type: ignore[arg-type]
        return pulumi.ResourceOptions.merge(opts, own)

    def create_topic(self, name: str, topic: ResolvedTopic, opts: pulumi.ResourceOptions) -> pulumi.Resource:
        """A catalog topic as a ``kafka.Topic``, guarded against updates and replacements that lose data
        (catalog backend)."""
        if self._guards is None:
            self._guards = (
                guard_hook(f"{self.name}-topic-guard", cruise_control=True),
                replacement_guard_hook(f"{self.name}-topic-replacement-guard", self._declared),
            )
        update_guard, replacement_guard = self._guards
        config = topic_config_strings(topic)
        self._declared[name] = {
            "name": topic.kafka_name,
            "partitions": topic.partitions,
            "replicationFactor": topic.replicas,
            "config": config,
        }
        return kafka.Topic(
            name,
            name=topic.kafka_name,
            partitions=topic.partitions,
            replication_factor=topic.replicas,
            config=config,
            opts=self._options(
                opts,
                hooks=pulumi.ResourceHookBinding(before_update=[update_guard], before_delete=[replacement_guard]),
            ),
        )

    def create_user(
        self, name: str, service: ResolvedService, password: PasswordOwner, opts: pulumi.ResourceOptions
    ) -> ServiceCredentials:
        """A catalog service as a SCRAM credential, ``kafka.Acl`` per operation and an optional quota
        (catalog backend); the password, when Pulumi owns it, is a ``RandomPassword``."""
        secret: pulumi.Output[str] | None = None
        if password == "pulumi":
            generated = random.RandomPassword(f"{name}-password", length=PASSWORD_LENGTH, special=False, opts=opts)
            secret = pulumi.Output.secret(generated.result)
            kafka.UserScramCredential(
                f"{name}-scram",
                username=service.name,
                scram_mechanism="SCRAM-SHA-512",
                password=secret,
                opts=self._options(opts),
            )
        for rule in service.acls:
            for operation in rule.operations:
                kafka.Acl(
                    f"{name}-acl-{acl_id(rule)}-{operation.lower()}",
                    acl_principal=f"User:{service.name}",
                    acl_host="*",
                    acl_operation=operation,
                    acl_permission_type="Allow",
                    acl_resource_type=RESOURCE_TYPES[rule.resource_type],
                    acl_resource_name="kafka-cluster" if rule.resource_type == "cluster" else rule.name,
                    resource_pattern_type_filter=PATTERN_TYPES[rule.pattern],
                    opts=self._options(opts),
                )
        quotas = service.spec.quotas.model_dump(exclude_none=True) if service.spec.quotas else {}
        if quotas:
            kafka.Quota(
                f"{name}-quota",
                entity_type="user",
                entity_name=service.name,
                config={QUOTA_KEYS[key]: str(value) for key, value in sorted(quotas.items())},
                opts=self._options(opts),
            )
        return ServiceCredentials(service.name, secret, None)


def _username(sasl: SaslConfig) -> pulumi.Input[str]:
    """The admin user name, as a Pulumi secret when the stack file stores it encrypted."""
    return pulumi.Output.secret(sasl.username) if sasl.username_secret else sasl.username


def acl_id(rule: AclRule) -> str:
    """A stable, readable id for an ACL rule's resource (part of the Acl resource names)."""
    return f"{rule.resource_type.lower()}-{rule.pattern}-{rule.name}"

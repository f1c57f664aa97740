"""``ExternalKafkaCluster``: the catalog on a Kafka cluster this platform does not run (pulumi-kafka)."""

from __future__ import annotations

import pulumi
import pulumi_kafka as kafka
import pulumi_random as random

from .config.acls import AclRule
from .config.external import ExternalClusterConfig
from .config.resolve import ResolvedCatalog, ResolvedService, ResolvedTopic
from .specs.topics import topic_config_strings
from .topic import guard_hook, replacement_guard_hook, topic_options, topic_resource_name

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


class ExternalKafkaCluster(pulumi.ComponentResource):
    """Topics, SCRAM credentials, ACLs and quotas of the catalog on an existing cluster.

    The same resolved catalog as for Strimzi clusters (same validation, same intents); only the
    backend differs. Children: ``{name}-provider`` (a ``kafka.Provider`` whose SASL password is a
    secret), ``{name}-topic-<topic>``, and per service ``{name}-user-<service>-password``,
    ``{name}-user-<service>-scram`` (``UserScramCredential``), one ``kafka.Acl`` per operation and
    an optional ``kafka.Quota``.
    """

    passwords: dict[str, pulumi.Output[str]]
    """SCRAM password per service (secrets), when Pulumi owns them."""

    def __init__(
        self,
        name: str,
        config: ExternalClusterConfig,
        catalog: ResolvedCatalog | None = None,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        super().__init__(EXTERNAL_TYPE, name, None, opts)
        sasl = config.sasl
        self.provider = kafka.Provider(
            f"{name}-provider",
            bootstrap_servers=config.bootstrap_servers,
            tls_enabled=config.tls,
            skip_tls_verify=config.skip_tls_verify,
            ca_cert=config.ca_cert,
            kafka_version=config.kafka_version,
            sasl_mechanism=SASL_MECHANISMS[sasl.mechanism] if sasl else None,
            sasl_username=sasl.username if sasl else None,
            sasl_password=pulumi.Output.secret(sasl.password.get_secret_value()) if sasl else None,
            opts=pulumi.ResourceOptions(parent=self),
        )
        self.name = name
        self.passwords = {}
        # pulumi-kafka reassigns replicas in place, so only shrinking partitions, renames and
        # dropping compaction are refused. It replaces (deletes and recreates) a topic whose
        # partition count goes down, so deletions of topics still declared are refused too.
        self._declared: dict[str, dict[str, object]] = {}
        self._guards: list[pulumi.ResourceHook] = []
        if catalog and catalog.topics:
            self._guards = [
                guard_hook(f"{name}-topic-guard", cruise_control=True),
                replacement_guard_hook(f"{name}-topic-replacement-guard", self._declared),
            ]
        for topic in catalog.topics if catalog else ():
            self._topic(topic)
        for service in catalog.services if catalog else ():
            self._service(service, catalog.passwords == "pulumi" if catalog else True)
        self.register_outputs({"passwords": self.passwords})

    def _options(self, **extra: object) -> pulumi.ResourceOptions:
        return pulumi.ResourceOptions(parent=self, provider=self.provider, **extra)  # type: ignore[arg-type]

    def _topic(self, topic: ResolvedTopic) -> None:
        resource_name = topic_resource_name(self.name, topic.key)
        config = topic_config_strings(topic)
        self._declared[resource_name] = {
            "name": topic.kafka_name,
            "partitions": topic.partitions,
            "replicationFactor": topic.replicas,
            "config": config,
        }
        update_guard, replacement_guard = self._guards
        kafka.Topic(
            resource_name,
            name=topic.kafka_name,
            partitions=topic.partitions,
            replication_factor=topic.replicas,
            config=config,
            opts=pulumi.ResourceOptions.merge(
                self._options(
                    hooks=pulumi.ResourceHookBinding(before_update=[update_guard], before_delete=[replacement_guard])
                ),
                topic_options(topic, self.name),
            ),
        )

    def _service(self, service: ResolvedService, pulumi_owned_password: bool) -> None:
        prefix = f"{self.name}-user-{service.name}"
        if pulumi_owned_password:
            password = random.RandomPassword(
                f"{prefix}-password", length=PASSWORD_LENGTH, special=False, opts=pulumi.ResourceOptions(parent=self)
            )
            self.passwords[service.name] = pulumi.Output.secret(password.result)
            kafka.UserScramCredential(
                f"{prefix}-scram",
                username=service.name,
                scram_mechanism="SCRAM-SHA-512",
                password=self.passwords[service.name],
                opts=self._options(),
            )
        for rule in service.acls:
            for operation in rule.operations:
                kafka.Acl(
                    f"{prefix}-acl-{acl_id(rule)}-{operation.lower()}",
                    acl_principal=f"User:{service.name}",
                    acl_host="*",
                    acl_operation=operation,
                    acl_permission_type="Allow",
                    acl_resource_type=RESOURCE_TYPES[rule.resource_type],
                    acl_resource_name="kafka-cluster" if rule.resource_type == "cluster" else rule.name,
                    resource_pattern_type_filter=PATTERN_TYPES[rule.pattern],
                    opts=self._options(),
                )
        quotas = service.spec.quotas.model_dump(exclude_none=True) if service.spec.quotas else {}
        if quotas:
            kafka.Quota(
                f"{prefix}-quota",
                entity_type="user",
                entity_name=service.name,
                config={QUOTA_KEYS[key]: str(value) for key, value in sorted(quotas.items())},
                opts=self._options(),
            )


def acl_id(rule: AclRule) -> str:
    """A stable, readable id for an ACL rule's resource (part of the Acl resource names)."""
    return f"{rule.resource_type.lower()}-{rule.pattern}-{rule.name}"

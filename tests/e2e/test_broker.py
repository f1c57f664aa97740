"""The test broker itself: nobody gets in without credentials, and credentials alone grant nothing.

If these failed, every least-privilege test of the tier could pass vacuously.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from confluent_kafka import KafkaException
from confluent_kafka.admin import (
    AdminClient,
    NewTopic,
)

from .access import CLUSTER_DENIED, TOPIC_DENIED, Probe, run_probe
from .broker import KafkaBroker
from .inspect_broker import apply_acls, delete_acls, delete_scram_users, set_scram_passwords, topics
from .user_operator import AclBinding

pytestmark = pytest.mark.e2e
TOPIC = "e2e.broker-check.v1"
NO_ACLS_USER = "e2e-no-acls"


@pytest.fixture(scope="module")
def admin(broker: KafkaBroker) -> Iterator[AdminClient]:
    """The super user's client, with the module's topic; the topic and users go afterwards."""
    client = AdminClient(broker.admin_config())
    client.create_topics([NewTopic(TOPIC, 1, 1)])[TOPIC].result(30)
    yield client
    client.delete_topics([TOPIC])[TOPIC].result(30)
    delete_scram_users(client, [NO_ACLS_USER], timeout=30)


def _connect_errors(config: dict[str, Any]) -> list[str]:
    """Errors a client reports while it fails to fetch metadata (the connection is refused)."""
    errors: list[str] = []
    settings: dict[str, Any] = {**config, "socket.timeout.ms": 5000, "error_cb": lambda e: errors.append(str(e.name()))}
    admin = AdminClient(settings)
    with pytest.raises(KafkaException):
        admin.list_topics(timeout=8)
    admin.poll(1)  # deliver the error callbacks
    return errors


def test_wrong_password_is_refused(broker: KafkaBroker) -> None:
    assert "_AUTHENTICATION" in _connect_errors(broker.sasl_config("admin", "not-the-password"))


def test_a_client_without_a_certificate_is_refused_by_the_mtls_listener(broker: KafkaBroker) -> None:
    config = broker.mtls_config("nobody")
    del config["ssl.certificate.location"], config["ssl.key.location"]
    errors = _connect_errors(config)
    assert errors and set(errors) <= {"_SSL", "_TRANSPORT", "_ALL_BROKERS_DOWN"}, errors


def test_a_client_that_does_not_trust_the_cluster_ca_is_refused(broker: KafkaBroker) -> None:
    config = broker.admin_config()
    del config["ssl.ca.location"]
    assert "_SSL" in _connect_errors(config)


def test_an_authenticated_user_without_acls_can_do_nothing(broker: KafkaBroker, admin: AdminClient) -> None:
    set_scram_passwords(admin, {NO_ACLS_USER: "no-acls-password"}, timeout=30)
    client = broker.sasl_config(NO_ACLS_USER, "no-acls-password")
    assert run_probe(Probe(NO_ACLS_USER, "produce", topic=TOPIC), client) == TOPIC_DENIED
    assert run_probe(Probe(NO_ACLS_USER, "describe-cluster-configs"), client) == CLUSTER_DENIED
    assert TOPIC not in AdminClient(client).list_topics(timeout=10).topics  # not even visible


def test_a_certificate_user_is_principal_cn_and_gets_exactly_its_acls(broker: KafkaBroker, admin: AdminClient) -> None:
    grant = {
        AclBinding("User:CN=e2e-tls-user", "TOPIC", TOPIC, "LITERAL", operation) for operation in ("DESCRIBE", "WRITE")
    }
    apply_acls(admin, grant)
    try:
        client = broker.mtls_config("e2e-tls-user")
        assert run_probe(Probe("e2e-tls-user", "produce", topic=TOPIC), client) is None
        assert run_probe(Probe("e2e-tls-user", "create-topic", topic="e2e.other.v1"), client) == TOPIC_DENIED
        assert "e2e.other.v1" not in topics(admin)
    finally:
        delete_acls(admin, grant)

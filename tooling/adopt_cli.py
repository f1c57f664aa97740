"""The ``messaging-platform import`` command: connect, read, map, write, validate (see :mod:`.adopt`)."""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
from pathlib import Path
from typing import Any

from messaging_platform.config.errors import ConfigError

from .adopt import adopt, cluster_urn, import_spec, provider_urn, read_cluster, validate, write_catalog
from .offline.check import InputError

EXIT_OK, EXIT_FINDINGS = 0, 1
_JAAS = re.compile(r'(username|password)\s*=\s*"([^"]*)"')
# Java client settings librdkafka has no equivalent for (JKS trust stores): say what to use instead.
_JAVA_ONLY = {
    "ssl.truststore.location": "ssl.ca.location (a PEM file)",
    "ssl.keystore.location": "ssl.certificate.location and ssl.key.location (PEM files)",
}
_IGNORED_JAVA = {"ssl.truststore.password", "ssl.truststore.type", "ssl.keystore.password", "ssl.keystore.type",
                 "ssl.key.password", "ssl.endpoint.identification.algorithm", "sasl.jaas.config"}  # fmt: skip


def add_import_command(commands: Any) -> None:
    """Register ``import`` on the CLI's subparsers."""
    command = commands.add_parser(
        "import",
        help="adopt an existing cluster: catalog YAML and a `pulumi import` file from its topics and ACLs",
        description="Reads topics (partitions, replicas, explicitly set configs), ACLs and SCRAM users with Kafka's "
        "admin client; writes catalog/<domain>.yaml per domain and import.json (Pulumi's bulk import format for the "
        "external-cluster stack); lists what the catalog cannot express. Exit 1 if the written catalog does not "
        "validate.",
    )
    command.add_argument("--bootstrap", required=True, metavar="HOST:PORT", help="bootstrap server(s), comma-separated")
    command.add_argument("--cluster", required=True, help="the stack's external cluster name (resource names)")
    command.add_argument("--stack", "-s", required=True, help="the stack that adopts the cluster (for URNs)")
    command.add_argument("--project", default="messaging-platform", help="Pulumi project name (default: %(default)s)")
    command.add_argument("--out", "-o", type=Path, required=True, help="catalog folder to write (domain files)")
    command.add_argument(
        "--import-file",
        type=Path,
        default=None,
        help="where to write the pulumi import file (default: OUT/../import.json)",
    )
    command.add_argument(
        "--command-config",
        type=Path,
        default=None,
        help="client properties (librdkafka keys; sasl.jaas.config is read)",
    )
    command.add_argument("--security-protocol", default=None, help="PLAINTEXT, SSL, SASL_PLAINTEXT or SASL_SSL")
    command.add_argument("--sasl-mechanism", default=None, help="SCRAM-SHA-512, SCRAM-SHA-256 or PLAIN")
    command.add_argument("--sasl-username", default=None)
    command.add_argument(
        "--sasl-password-env", default="KAFKA_SASL_PASSWORD", metavar="VAR", help="env var with the password"
    )
    command.add_argument("--ca-cert", type=Path, default=None, help="CA certificate (PEM) to verify the brokers")
    command.add_argument(
        "--exclude-principal", action="append", default=[], metavar="USER", help="skip this user (default: the admin)"
    )
    command.add_argument(
        "--include-platform-topics", action="store_true", help="keep `_`-prefixed topics (_schemas, _confluent-*)"
    )
    command.set_defaults(handler=run_import)


def client_config(args: argparse.Namespace) -> dict[str, str | int | float | bool]:
    """librdkafka settings from ``--command-config`` and the flags (flags win)."""
    config: dict[str, str | int | float | bool] = {}
    if args.command_config is not None:
        config.update(read_properties(args.command_config))
    flags = {
        "security.protocol": args.security_protocol,
        "sasl.mechanism": args.sasl_mechanism,
        "sasl.username": args.sasl_username,
        "ssl.ca.location": str(args.ca_cert) if args.ca_cert else None,
    }
    config.update({k: v for k, v in flags.items() if v is not None})
    if "sasl.username" in config and "sasl.password" not in config:
        password = os.environ.get(args.sasl_password_env)
        if password is None:
            raise InputError(f"--sasl-username needs the password in ${args.sasl_password_env} (or sasl.password)")
        config["sasl.password"] = password
    config["bootstrap.servers"] = args.bootstrap
    return config


def read_properties(path: Path) -> dict[str, str]:
    """A Kafka client properties file as librdkafka settings; ``sasl.jaas.config`` gives the SASL user."""
    result: dict[str, str] = {}
    for number, raw in enumerate(path.read_text().splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith(("#", "!")):
            continue
        key, sep, value = line.partition("=")
        if not sep:
            raise InputError(f"{path}:{number}: expected key=value, got {line!r}")
        key, value = key.strip(), value.strip()
        if key in _JAVA_ONLY:
            raise InputError(f"{path}:{number}: {key} is a Java client setting; use {_JAVA_ONLY[key]}")
        if key == "sasl.jaas.config":
            result.update({f"sasl.{k}": v for k, v in _JAAS.findall(value)})
        elif key not in _IGNORED_JAVA:
            result[key] = value
    return result


def run_import(args: argparse.Namespace) -> int:
    """Read the cluster, write the catalog and the import file, validate, report."""
    from confluent_kafka.admin import AdminClient

    config = client_config(args)
    snapshot = read_cluster(AdminClient(dict(config)))
    admin_user = str(config["sasl.username"]) if "sasl.username" in config else None
    excluded = frozenset(args.exclude_principal) | ({admin_user} if admin_user else set())
    adoption = adopt(snapshot, exclude_principals=excluded, include_platform_topics=args.include_platform_topics)
    out: Path = args.out
    if out.exists() and any(out.glob("*.y*ml")):
        raise InputError(f"{out} already holds catalog files; write to an empty folder and merge by review")
    written = write_catalog(adoption, out)
    try:
        resolved = validate(out, args.cluster, snapshot.brokers)
    except ConfigError as exc:
        print(f"the written catalog does not validate (fix it by hand, then rerun on an empty folder):\n{exc}")
        return EXIT_FINDINGS
    spec, import_notes = import_spec(resolved, args.cluster, snapshot, args.stack, args.project)
    import_file = args.import_file or out.resolve().parent / "import.json"
    import_file.write_text(json.dumps(spec, indent=2) + "\n")

    topics = sum(len(d.get("topics", {})) for d in adoption.domains.values())
    services = sum(len(d.get("services", {})) for d in adoption.domains.values())
    kinds = [r["type"] for r in spec["resources"]]
    print(
        f"read {len(snapshot.topics)} topic(s), {len(snapshot.acls)} ACL(s), {len(snapshot.scram_users)} SCRAM user(s) "
        f"from {snapshot.brokers} broker(s)"
    )
    print(f"wrote {len(written)} domain file(s) to {out}: {topics} topic(s), {services} service(s); validated")
    print(
        f"wrote {import_file}: {kinds.count('kafka:index/topic:Topic')} topic(s), "
        f"{kinds.count('kafka:index/acl:Acl')} ACL(s) to import"
    )
    for note in [*adoption.notes, *import_notes]:
        print(f"  note: {note}")
    targets = " ".join(
        f"--target '{urn}'"
        for urn in (
            cluster_urn(args.stack, args.project, args.cluster),
            provider_urn(args.stack, args.project, args.cluster),
        )
    )
    print("next: review the catalog, then")
    print(f"  pulumi up -s {args.stack} {targets} --yes        # the cluster component and its provider only")
    print(f"  pulumi import -s {args.stack} --file {import_file} --protect=false --generate-code=false --yes")
    print(f"  pulumi preview -s {args.stack}                   # shows what the first `pulumi up` adds")
    if adoption.unexpressed:
        print(f"{len(adoption.unexpressed)} ACL(s) not expressible as intents (listed above)", file=sys.stderr)
    return EXIT_OK

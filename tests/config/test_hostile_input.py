"""Input that used to be read silently wrong, or not at all: every case is now an error that names
the file (and line or key), never a traceback, never a silent default."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from messaging_platform.config import ConfigError
from messaging_platform.config.catalog import Catalog
from messaging_platform.config.yaml_input import MAX_DEPTH, StrictLoader, YamlInputError, load_yaml
from messaging_platform_tools.offline.check import InputError, load_objects
from messaging_platform_tools.stack_files import load_stack_file, read_stack_config
from tests.conftest import ALL_STACKS, PROJECT_DIR

ALIAS_BOMB = "a: &a [x,x,x,x,x,x,x,x,x,x]\n" + "".join(
    f"{b}: &{b} [{', '.join([f'*{a}'] * 10)}]\n" for a, b in zip("abcdef", "bcdefg", strict=True)
)

HOSTILE_YAML = [
    ("duplicate-key", "a: 1\nb: 2\na: 3\n", "'a' is first set on line 1 and set again here"),
    ("date", "since: 2024-01-01\n", "line 1, column 8: YAML type timestamp is not used by this input"),
    ("binary", "blob: !!binary aGVsbG8=\n", "YAML type binary is not used"),
    ("set", "s: !!set {a, b}\n", "YAML type set is not used"),
    ("alias-bomb", ALIAS_BOMB, "expands to more than 1,000,000 values"),
    ("self-reference", "a: &a [*a]\n", f"nested more than {MAX_DEPTH} levels deep"),
    ("deep-nesting", "a: " + "[" * 100 + "]" * 100 + "\n", f"nested more than {MAX_DEPTH} levels deep"),
    # Found by tests/config/test_fuzz.py: PyYAML raised a bare ValueError (exit 3) for these.
    ("float-tag-on-text", "n: !!float .nan x\n", "line 1, column 4: '.nan x' is not a valid YAML float"),
    ("int-tag-on-text", "n: !!int abc\n", "'abc' is not a valid YAML int"),
    # Found by tests/config/test_yaml_construction.py: a bare KeyError (exit 3).
    ("bool-tag-on-text", "b: !!bool maybe\n", "line 1, column 4: 'maybe' is not a valid YAML bool"),
]


@pytest.mark.parametrize(("text", "fragment"), [pytest.param(t, f, id=n) for n, t, f in HOSTILE_YAML])
def test_hostile_yaml_is_refused_with_the_file_and_reason(tmp_path: Path, text: str, fragment: str) -> None:
    path = tmp_path / "input.yaml"
    path.write_text(text)
    with pytest.raises(YamlInputError, match=r"^input\.yaml: ") as failure:
        load_yaml(path, "input.yaml")
    assert fragment in str(failure.value)


def test_non_utf8_is_refused_with_the_file_name(tmp_path: Path) -> None:
    path = tmp_path / "latin1.yaml"
    path.write_bytes("owner: caf\xe9\n".encode("latin-1"))
    with pytest.raises(YamlInputError, match=r"latin1.yaml: not UTF-8 text \(byte 10\); save it as UTF-8"):
        load_yaml(path, "latin1.yaml")


def _stack_file(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "Pulumi.dev.yaml"
    path.write_text(body)
    return path


def test_a_duplicate_key_in_a_stack_file_is_an_error_not_the_last_value(tmp_path: Path) -> None:
    path = _stack_file(
        tmp_path, "config:\n  messaging-platform:environment: prod\n  messaging-platform:environment: dev\n"
    )
    with pytest.raises(ConfigError, match="'messaging-platform:environment' is first set on line 2"):
        read_stack_config(path)


def test_a_typo_in_a_config_namespace_is_an_error_with_a_suggestion(tmp_path: Path) -> None:
    path = _stack_file(tmp_path, "config:\n  messaging-platform:environment: dev\n  messaging-platfrom:catalog: {}\n")
    with pytest.raises(ConfigError) as failure:
        read_stack_config(path)
    assert "messaging-platfrom:catalog: unknown config namespace 'messaging-platfrom'" in str(failure.value)
    assert "did you mean 'messaging-platform:'?" in str(failure.value)


def test_provider_namespaces_are_accepted(tmp_path: Path) -> None:
    body = "config:\n  messaging-platform:environment: dev\n  kubernetes:context: kind\n  kafka:tlsEnabled: 'true'\n"
    assert set(read_stack_config(_stack_file(tmp_path, body))) == {
        "messaging-platform:environment",
        "kubernetes:context",
        "kafka:tlsEnabled",
    }


def _catalog(tmp_path: Path, files: dict[str, str]) -> Path:
    folder = tmp_path / "catalog"
    folder.mkdir()
    for name, text in files.items():
        (folder / name).write_text(text)
    return folder


DOMAIN = "domain: orders\ntopics:\n  orders.created.v1: {partitions: 3}\n"


def test_catalog_files_ending_in_yml_are_read(tmp_path: Path) -> None:
    catalog = Catalog.load(_catalog(tmp_path, {"orders.yml": DOMAIN}))
    assert set(catalog.topics) == {"orders.created.v1"}


def test_a_catalog_file_with_an_upper_case_extension_is_refused_not_skipped(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"catalog/orders.YAML: name catalog files <domain>.yaml"):
        Catalog.load(_catalog(tmp_path, {"orders.YAML": DOMAIN}))


def test_a_duplicate_topic_key_in_a_catalog_file_is_refused(tmp_path: Path) -> None:
    text = DOMAIN + "  orders.created.v1: {partitions: 6}\n"
    with pytest.raises(
        ConfigError, match=r"orders.yaml: not valid YAML: line 4, column 3: 'orders.created.v1' is first"
    ):
        Catalog.load(_catalog(tmp_path, {"orders.yaml": text}))


def test_an_unreadable_catalog_file_is_an_error(tmp_path: Path) -> None:
    folder = _catalog(tmp_path, {})
    (folder / "orders.yaml").mkdir()  # unreadable as a file, even for root
    with pytest.raises(ConfigError, match=r"catalog/orders\.yaml: cannot be read \(Is a directory\)"):
        Catalog.load(folder)


def test_check_refuses_a_duplicate_key_in_a_manifest(tmp_path: Path) -> None:
    path = tmp_path / "topic.yaml"
    path.write_text("apiVersion: kafka.strimzi.io/v1\nkind: KafkaTopic\nkind: KafkaUser\n")
    with pytest.raises(InputError, match="'kind' is first set on line 2"):
        load_objects([path])


# Keys that are duplicates once read, however they are written: the loader's fast path (every key a
# plain string, all different) must not let any of these through.
DUPLICATE_SPELLINGS = [
    ("quoted-and-plain", 'a: 1\n"a": 2\n', "'a' is first set on line 1"),
    ("two-int-spellings", "1: x\n0x1: y\n", "'1' is first set on line 1"),
    ("bool-and-int", "true: x\n1: y\n", "'1' is first set on line 1"),
    ("second-of-many", "a: 1\nb: 2\nc: 3\nb: 4\n", "'b' is first set on line 2"),
]


@pytest.mark.parametrize(("text", "fragment"), [pytest.param(t, f, id=n) for n, t, f in DUPLICATE_SPELLINGS])
def test_a_key_written_twice_in_any_spelling_is_refused(tmp_path: Path, text: str, fragment: str) -> None:
    path = tmp_path / "input.yaml"
    path.write_text(text)
    with pytest.raises(YamlInputError, match="set again here") as failure:
        load_yaml(path)
    assert fragment in str(failure.value)


def test_the_strict_loader_parses_with_libyaml() -> None:
    assert yaml.__with_libyaml__, "PyYAML without libyaml: check would parse manifests 3x slower"
    assert issubclass(StrictLoader, yaml.CSafeLoader)


@pytest.mark.parametrize(
    ("text", "fragment"),
    [pytest.param(ALIAS_BOMB, "expands to more than 1,000,000 values", id="alias-bomb"),
     pytest.param("a: &a [*a]\n", f"nested more than {MAX_DEPTH} levels deep", id="self-reference"),
     pytest.param("apiVersion: v1\nkind: &k ConfigMap\n---\n" + ALIAS_BOMB, "expands to more than", id="2nd-doc")],
)  # fmt: skip
def test_check_refuses_a_manifest_beyond_the_alias_bounds(tmp_path: Path, text: str, fragment: str) -> None:
    """libyaml's parser hands every alias to the constructor, which shares the object it points at;
    the bounds are checked on the expanded documents, so they hold for ``check`` as for config."""
    path = tmp_path / "bomb.yaml"
    path.write_text(text)
    with pytest.raises(InputError, match=r"bomb\.yaml: ") as failure:
        load_objects([path])
    assert fragment in str(failure.value)


def test_the_committed_stack_files_still_load() -> None:
    for stack in ALL_STACKS:
        assert load_stack_file(PROJECT_DIR / f"Pulumi.{stack}.yaml").config.environment in ("dev", "prod")


def test_config_errors_never_echo_a_decrypted_secret() -> None:
    """On the `pulumi up` path values arrive decrypted; Pulumi marks the whole key secret."""
    from messaging_platform.config import load_stack_config

    external = {"bootstrapServers": ["kafka:9096"], "brokers": 3, "sasl": {"username": "u", "password": ["hunter2"]}}
    with pytest.raises(ConfigError) as failure:
        load_stack_config(
            {"environment": "prod", "externalClusters": {"legacy": external}}, secret_keys={"externalClusters"}
        )
    assert "hunter2" not in str(failure.value)
    assert "externalClusters.legacy.sasl.password" in str(failure.value)
    assert '(received: "[secret]")' in str(failure.value)


def test_a_config_error_under_an_encrypted_leaf_masks_only_that_leaf() -> None:
    """From a stack file Pulumi knows secrets leaf by leaf: an invalid encrypted username is masked,
    an invalid plain-text value beside it is shown."""
    from messaging_platform.config import load_stack_config

    sasl = {"username": ["hunter2"], "password": "p"}
    external = {"bootstrapServers": ["kafka:9096"], "brokers": "three", "sasl": sasl}
    secret = {"externalClusters.legacy.sasl.username", "externalClusters.legacy.sasl.password"}
    with pytest.raises(ConfigError) as failure:
        load_stack_config({"environment": "prod", "externalClusters": {"legacy": external}}, secret_keys=secret)
    message = str(failure.value)
    assert "hunter2" not in message
    assert "externalClusters.legacy.sasl.username" in message and '(received: "[secret]")' in message
    assert "externalClusters.legacy.brokers" in message and "three" in message

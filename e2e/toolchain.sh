#!/usr/bin/env bash
# Build the end-to-end toolchain from the registries only (Go module proxy, Maven Central) into a
# cache outside the clone: the Pulumi CLI and Python language host, a second CLI for policy-pack
# previews, the kafka and random provider plugins, and the Kafka broker and Connect jars. Versions: e2e/versions.env.
#
#   bash e2e/toolchain.sh            # build what is missing or out of date, print what and how long
#
# Cache: ${MESSAGING_PLATFORM_E2E_CACHE:-~/.cache/messaging-platform/e2e}/<piece>-<versions>/.
# Idempotent: each piece records a stamp of its inputs (tools module files, versions, Go/Java
# version) and is skipped when the stamp and its outputs are there. Go's module and build caches
# stay at their defaults under $HOME, Maven's repository at ~/.m2, so later runs reuse them.
set -euo pipefail
E2E=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=versions.env
source "$E2E/versions.env"
CACHE=${MESSAGING_PLATFORM_E2E_CACHE:-$HOME/.cache/messaging-platform/e2e}
ENGINE_BIN="$CACHE/pulumi-$PULUMI_VERSION-python-host-$PULUMI_LANGUAGE_HOST_VERSION/bin"
export CGO_ENABLED=0

command -v go >/dev/null || { echo "toolchain.sh: go is not on PATH" >&2; exit 2; }
command -v mvn >/dev/null || { echo "toolchain.sh: mvn is not on PATH" >&2; exit 2; }
command -v java >/dev/null || { echo "toolchain.sh: java is not on PATH" >&2; exit 2; }

SUMMARY=()

# piece NAME TOOLS_DIR OUTPUT STAMP_FILE -- COMMAND...: run COMMAND unless STAMP_FILE matches the inputs.
piece() {
  local name=$1 dir=$2 output=$3 stamp_file=$4
  shift 5
  local stamp command="$*"
  # The command with the clone's own path left out: another clone of the same commit is cached too.
  stamp=$( { echo "${command//$E2E/e2e}"; go version; java -version 2>&1 | head -1
             for arg in "$@"; do [ -f "$arg" ] && sha256sum < "$arg"; done  # the build script itself
             cat "$E2E"/tools/*.sh | sha256sum  # and the build scripts the tools modules share
             (cd "$dir" && find . -type f \( -name '*.go' -o -name go.mod -o -name go.sum -o -name '*.sh' \
                -o -name pom.xml -o -name '*.py' \) -not -path './cmd/*/schema.json' -print0 | sort -z \
                | xargs -0 sha256sum); } | sha256sum | cut -d' ' -f1)
  if [ -e "$output" ] && [ -f "$stamp_file" ] && [ "$(cat "$stamp_file")" = "$stamp" ]; then
    SUMMARY+=("$(printf '%-28s %-10s %s' "$name" "cached" "$output")")
    return
  fi
  local start=$SECONDS
  echo "== building $name"
  "$@"
  mkdir -p "$(dirname "$stamp_file")"
  echo "$stamp" > "$stamp_file"
  SUMMARY+=("$(printf '%-28s %-10s %s' "$name" "$((SECONDS - start)) s" "$output")")
}

# The Go modules each tools module requires must be the ones versions.env names.
require_pin() {
  local dir=$1 module=$2 version=$3
  local pinned
  pinned=$(cd "$dir" && GOFLAGS=-mod=mod go list -m -f '{{.Version}}' "$module")
  if [ "$pinned" != "$version" ]; then
    echo "toolchain.sh: $dir/go.mod pins $module $pinned, versions.env says $version" >&2
    exit 2
  fi
}
require_pin "$E2E/tools/pulumi-cli" github.com/pulumi/pulumi/pkg/v3 "v$PULUMI_VERSION"
require_pin "$E2E/tools/pulumi-language-python" github.com/pulumi/pulumi/sdk/v3 "v$PULUMI_LANGUAGE_HOST_VERSION"
require_pin "$E2E/tools/pulumi-policy-cli" github.com/pulumi/pulumi/pkg/v3 "v$PULUMI_POLICY_CLI_VERSION"

TOTAL=$SECONDS
piece "pulumi CLI $PULUMI_VERSION" "$E2E/tools/pulumi-cli" "$ENGINE_BIN/pulumi" "$ENGINE_BIN/.cli.stamp" -- \
  bash "$E2E/tools/build-pulumi-cli.sh" pulumi-cli "$ENGINE_BIN" "$PULUMI_VERSION"
piece "python host $PULUMI_LANGUAGE_HOST_VERSION" "$E2E/tools/pulumi-language-python" \
  "$ENGINE_BIN/pulumi-language-python" "$ENGINE_BIN/.host.stamp" -- \
  bash "$E2E/tools/pulumi-language-python/build.sh" "$ENGINE_BIN" "$PULUMI_LANGUAGE_HOST_VERSION" \
  "$PULUMI_PYTHON_SDK_VERSION"
POLICY_BIN="$CACHE/pulumi-policy-cli-$PULUMI_POLICY_CLI_VERSION-python-host-$PULUMI_LANGUAGE_HOST_VERSION/bin"
piece "policy CLI $PULUMI_POLICY_CLI_VERSION" "$E2E/tools/pulumi-policy-cli" "$POLICY_BIN/pulumi" "$POLICY_BIN/.stamp" -- \
  bash "$E2E/tools/pulumi-policy-cli/build.sh" "$POLICY_BIN" "$PULUMI_POLICY_CLI_VERSION" "$ENGINE_BIN"
KAFKA_PROVIDER="$CACHE/provider-kafka-$PULUMI_KAFKA_VERSION/bin"
piece "kafka provider $PULUMI_KAFKA_VERSION" "$E2E/tools/provider-kafka" "$KAFKA_PROVIDER/pulumi-resource-kafka" \
  "$KAFKA_PROVIDER/.stamp" -- bash "$E2E/tools/build-bridged-provider.sh" kafka "$KAFKA_PROVIDER" "$PULUMI_KAFKA_VERSION"
RANDOM_PROVIDER="$CACHE/provider-random-$PULUMI_RANDOM_VERSION/bin"
piece "random provider $PULUMI_RANDOM_VERSION" "$E2E/tools/provider-random" \
  "$RANDOM_PROVIDER/pulumi-resource-random" "$RANDOM_PROVIDER/.stamp" -- \
  bash "$E2E/tools/build-bridged-provider.sh" random "$RANDOM_PROVIDER" "$PULUMI_RANDOM_VERSION"
KAFKA_HOME="$CACHE/kafka-$KAFKA_VERSION"
piece "kafka $KAFKA_VERSION (broker, connect)" "$E2E/kafka" "$KAFKA_HOME/libs" "$KAFKA_HOME/.stamp" -- \
  bash "$E2E/kafka/build.sh" "$KAFKA_HOME" "$KAFKA_VERSION"

echo
echo "end-to-end toolchain in $CACHE ($((SECONDS - TOTAL)) s):"
printf '  %s\n' "${SUMMARY[@]}"
"$ENGINE_BIN/pulumi" version

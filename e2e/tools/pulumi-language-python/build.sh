#!/usr/bin/env bash
# Build the Pulumi Python language host and install the program executor script next to it.
#
#   usage: build.sh OUT_BIN_DIR HOST_VERSION SDK_VERSION   e.g. build.sh ~/.cache/.../bin 3.79.0 3.272.0
#
# pulumi-language-python: the host's main package from sdk/v3 at HOST_VERSION (must equal go.mod's pin).
# pulumi-language-python-exec: the Python script the host runs programs with, taken from the sdk/v3
#   module at SDK_VERSION (the Python SDK's own release, so the executor matches the installed SDK).
# Idempotent (stamp of the inputs in OUT_BIN_DIR); network only to the Go module proxy.
set -euo pipefail

OUT=${1:?usage: build.sh OUT_BIN_DIR HOST_VERSION SDK_VERSION}
HOST=${2:?usage: build.sh OUT_BIN_DIR HOST_VERSION SDK_VERSION}
SDK=${3:?usage: build.sh OUT_BIN_DIR HOST_VERSION SDK_VERSION}
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
cd "$HERE"
export CGO_ENABLED=0 GOFLAGS='-mod=readonly -buildvcs=false'
MOD=github.com/pulumi/pulumi/sdk/v3

PINNED=$(go list -m -f '{{.Version}}' $MOD)
if [ "$PINNED" != "v$HOST" ]; then
  echo "build.sh: asked for host v$HOST but go.mod pins $MOD $PINNED" >&2
  exit 1
fi
STAMP=$( { echo "host=$HOST sdk=$SDK"; go version; sha256sum go.mod go.sum build.sh; } | sha256sum | cut -d' ' -f1)
if [ -f "$OUT/.language-host.stamp" ] && [ "$(cat "$OUT/.language-host.stamp")" = "$STAMP" ] \
   && [ -x "$OUT/pulumi-language-python" ] && [ -x "$OUT/pulumi-language-python-exec" ]; then
  echo "pulumi-language-python v$HOST: up to date in $OUT"
  exit 0
fi
mkdir -p "$OUT"
rm -f "$OUT/.language-host.stamp"
go build -trimpath -ldflags "-s -w -X $MOD/go/common/version.Version=v$HOST" -o "$OUT/" \
  $MOD/python/cmd/pulumi-language-python
# The executor of the SDK release the project pins (checked against the Go checksum database).
EXEC_DIR=$(GOFLAGS=-mod=mod go mod download -json "$MOD@v$SDK" | python3 -c 'import json,sys; print(json.load(sys.stdin)["Dir"])')
install -m 0755 "$EXEC_DIR/python/cmd/pulumi-language-python-exec" "$OUT/"
echo "$STAMP" > "$OUT/.language-host.stamp"
echo "pulumi-language-python v$HOST (executor from sdk v$SDK) in $OUT"

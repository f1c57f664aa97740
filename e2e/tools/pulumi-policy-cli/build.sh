#!/usr/bin/env bash
# Build the Pulumi CLI used for policy-pack previews, with its policy shim and the Python host.
#
#   usage: build.sh OUT_BIN_DIR VERSION HOST_BIN_DIR   e.g. build.sh ~/.cache/.../bin 3.219.0 ~/.cache/.../host/bin
#
# OUT_BIN_DIR gets: pulumi (../build-pulumi-cli.sh), pulumi-analyzer-policy-python (the shim script
# from the sdk/v3 module at VERSION) and the language host copied from HOST_BIN_DIR (the CLI looks
# for both next to itself). Network only to the Go module proxy.
set -euo pipefail

OUT=${1:?usage: build.sh OUT_BIN_DIR VERSION HOST_BIN_DIR}
VER=${2:?usage: build.sh OUT_BIN_DIR VERSION HOST_BIN_DIR}
HOST=${3:?usage: build.sh OUT_BIN_DIR VERSION HOST_BIN_DIR}
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
bash "$HERE/../build-pulumi-cli.sh" pulumi-policy-cli "$OUT" "$VER"
cd "$HERE"
export GOFLAGS='-mod=readonly -buildvcs=false'
go mod download github.com/pulumi/pulumi/sdk/v3
SDK_DIR=$(go list -m -f '{{.Dir}}' github.com/pulumi/pulumi/sdk/v3)
install -m 0755 "$SDK_DIR/python/dist/pulumi-analyzer-policy-python" "$OUT/"
install -m 0755 "$HOST/pulumi-language-python" "$HOST/pulumi-language-python-exec" "$OUT/"

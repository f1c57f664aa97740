#!/usr/bin/env bash
# Build the Pulumi CLI used for policy-pack previews, with its policy shim and the Python host.
#
#   usage: build.sh OUT_BIN_DIR VERSION HOST_BIN_DIR   e.g. build.sh ~/.cache/.../bin 3.219.0 ~/.cache/.../host/bin
#
# OUT_BIN_DIR gets: pulumi (pkg/v3 at VERSION, which go.mod must pin), pulumi-analyzer-policy-python
# (the shim script from the sdk/v3 module at VERSION) and the language host copied from
# HOST_BIN_DIR (the CLI looks for both next to itself). Network only to the Go module proxy.
set -euo pipefail

OUT=${1:?usage: build.sh OUT_BIN_DIR VERSION HOST_BIN_DIR}
VER=${2:?usage: build.sh OUT_BIN_DIR VERSION HOST_BIN_DIR}
HOST=${3:?usage: build.sh OUT_BIN_DIR VERSION HOST_BIN_DIR}
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
cd "$HERE"
export CGO_ENABLED=0 GOFLAGS='-mod=readonly -buildvcs=false'

PKG_VER=$(go list -m -f '{{.Version}}' github.com/pulumi/pulumi/pkg/v3)
if [ "$PKG_VER" != "v$VER" ]; then
  echo "build.sh: asked for v$VER but go.mod pins pkg/v3 $PKG_VER" >&2
  exit 1
fi
mkdir -p "$OUT"
go build -trimpath -tags osusergo,grpcnotrace \
  -ldflags "-s -w -X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=v$VER" \
  -o "$OUT/" github.com/pulumi/pulumi/pkg/v3/cmd/pulumi
go mod download github.com/pulumi/pulumi/sdk/v3
SDK_DIR=$(go list -m -f '{{.Dir}}' github.com/pulumi/pulumi/sdk/v3)
install -m 0755 "$SDK_DIR/python/dist/pulumi-analyzer-policy-python" "$OUT/"
install -m 0755 "$HOST/pulumi-language-python" "$HOST/pulumi-language-python-exec" "$OUT/"
"$OUT/pulumi" version

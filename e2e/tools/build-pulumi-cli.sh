#!/usr/bin/env bash
# Build the Pulumi CLI from a tools module here (Go module proxy only).
#
#   build-pulumi-cli.sh MODULE OUT_BIN_DIR VERSION     e.g. build-pulumi-cli.sh pulumi-cli ~/.cache/.../bin 3.274.1
#
# MODULE is pulumi-cli (the engine) or pulumi-policy-cli (the CLI for policy-pack previews). VERSION
# must equal the github.com/pulumi/pulumi/pkg/v3 version its go.mod pins (checked). Builds with the
# committed go.mod/go.sum as they are (-mod=readonly: a go.sum mismatch fails, nothing is
# rewritten), with the release's flags and version stamp.
set -euo pipefail

MODULE=${1:?usage: build-pulumi-cli.sh MODULE OUT_BIN_DIR VERSION}
OUT=${2:?usage: build-pulumi-cli.sh MODULE OUT_BIN_DIR VERSION}
VER=${3:?usage: build-pulumi-cli.sh MODULE OUT_BIN_DIR VERSION}
VER=${VER#v}
cd "$(dirname "${BASH_SOURCE[0]}")/$MODULE"
export CGO_ENABLED=0
# -buildvcs=false: the tools module sits in the project's repository; stamping it would relink on every commit.
export GOFLAGS='-mod=readonly -buildvcs=false'

PKG_VER=$(go list -m -f '{{.Version}}' github.com/pulumi/pulumi/pkg/v3)
if [ "$PKG_VER" != "v$VER" ]; then
  echo "build-pulumi-cli.sh: asked for v$VER but $MODULE/go.mod pins pkg/v3 $PKG_VER" >&2
  exit 1
fi
mkdir -p "$OUT"
go build -trimpath -tags osusergo,grpcnotrace \
  -ldflags "-s -w -X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=v$VER" \
  -o "$OUT/" github.com/pulumi/pulumi/pkg/v3/cmd/pulumi
"$OUT/pulumi" version

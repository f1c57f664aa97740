#!/usr/bin/env bash
# Build the Pulumi CLI from its Go module (Go module proxy only).
#
#   usage: build.sh OUT_BIN_DIR VERSION        e.g. build.sh ~/.cache/.../bin 3.274.1
#
# VERSION must equal the github.com/pulumi/pulumi/pkg/v3 version go.mod pins (checked). Builds with
# the committed go.mod/go.sum as they are (-mod=readonly: a go.sum mismatch fails, nothing is
# rewritten), with the release's flags and version stamp. The Python language host is built by
# ../pulumi-language-python/build.sh into the same folder (the CLI looks for it next to itself).
set -euo pipefail

OUT=${1:?usage: build.sh OUT_BIN_DIR VERSION}
VER=${2:?usage: build.sh OUT_BIN_DIR VERSION}
VER=${VER#v}
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
cd "$HERE"
export CGO_ENABLED=0
# -buildvcs=false: the tools module sits in the project's repository; stamping it would relink on every commit.
export GOFLAGS='-mod=readonly -buildvcs=false'

PKG_VER=$(go list -m -f '{{.Version}}' github.com/pulumi/pulumi/pkg/v3)
SDK_VER=$(go list -m -f '{{.Version}}' github.com/pulumi/pulumi/sdk/v3)
if [ "$PKG_VER" != "v$VER" ] || [ "$SDK_VER" != "v$VER" ]; then
  echo "build.sh: asked for v$VER but go.mod pins pkg/v3 $PKG_VER and sdk/v3 $SDK_VER" >&2
  exit 1
fi
mkdir -p "$OUT"
go build -trimpath -tags osusergo,grpcnotrace \
  -ldflags "-s -w -X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=v$VER" \
  -o "$OUT/" github.com/pulumi/pulumi/pkg/v3/cmd/pulumi
"$OUT/pulumi" version

#!/usr/bin/env bash
# Build the Pulumi random resource provider plugin (pulumi-resource-random) from
# github.com/terraform-providers/terraform-provider-random (plugin framework;
# reached through our random-shim module) and the plugin-framework part of the
# Pulumi Terraform bridge (pkg/pf in pulumi-terraform-bridge/v3), all fetched as
# Go modules.
#
#   build.sh BIN_DIR VERSION     e.g. build.sh ~/.cache/.../bin 4.21.4
#
# Steps: build our tfgen main, generate schema.json and bridge-metadata.json
# with it (git-ignored, written only when they changed), build the plugin that
# embeds them.
# Idempotent; the only network use is the Go module proxy.
set -euo pipefail

bin_dir=${1:?usage: build.sh BIN_DIR VERSION}
version=${2:?usage: build.sh BIN_DIR VERSION}
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
cd "$here"

export CGO_ENABLED=0
# No VCS stamping: the folder sits inside the project repo, which is not ours to stamp.
buildflags=(-trimpath -buildvcs=false)
ldflags="-s -w -X main.version=${version}"
mkdir -p "$bin_dir"
bin_dir=$(cd "$bin_dir" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

go build "${buildflags[@]}" -ldflags "$ldflags" -o "$work/pulumi-tfgen-random" ./cmd/pulumi-tfgen-random

# tfgen looks for the Terraform provider's docs; --skip-docs keeps it offline.
if ! "$work/pulumi-tfgen-random" schema --out "$work/schema" --skip-docs --skip-examples \
    >"$work/tfgen.log" 2>&1; then
  cat "$work/tfgen.log" >&2
  exit 1
fi
for f in schema.json bridge-metadata.json; do
  if ! cmp -s "$work/schema/$f" "cmd/pulumi-resource-random/$f"; then
    cp "$work/schema/$f" "cmd/pulumi-resource-random/$f"
  fi
done

go build "${buildflags[@]}" -ldflags "$ldflags" -o "$bin_dir/pulumi-resource-random" ./cmd/pulumi-resource-random
echo "built $bin_dir/pulumi-resource-random ($version)"

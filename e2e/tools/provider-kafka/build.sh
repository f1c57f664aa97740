#!/usr/bin/env bash
# Build the Pulumi kafka resource provider plugin (pulumi-resource-kafka) from
# the Terraform provider github.com/Mongey/terraform-provider-kafka and the
# Pulumi Terraform bridge, both fetched as Go modules.
#
#   build.sh BIN_DIR VERSION     e.g. build.sh ~/.cache/.../bin 3.13.3
#
# Steps: build our tfgen main, generate schema.json with it (git-ignored,
# written only when it changed), build the plugin that embeds it.
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

go build "${buildflags[@]}" -ldflags "$ldflags" -o "$work/pulumi-tfgen-kafka" ./cmd/pulumi-tfgen-kafka

# tfgen looks for the Terraform provider's docs; --skip-docs keeps it offline.
if ! "$work/pulumi-tfgen-kafka" schema --out "$work/schema" --skip-docs --skip-examples \
    >"$work/tfgen.log" 2>&1; then
  cat "$work/tfgen.log" >&2
  exit 1
fi
dst=cmd/pulumi-resource-kafka/schema.json
if ! cmp -s "$work/schema/schema.json" "$dst"; then
  cp "$work/schema/schema.json" "$dst"
fi

go build "${buildflags[@]}" -ldflags "$ldflags" -o "$bin_dir/pulumi-resource-kafka" ./cmd/pulumi-resource-kafka
echo "built $bin_dir/pulumi-resource-kafka ($version)"

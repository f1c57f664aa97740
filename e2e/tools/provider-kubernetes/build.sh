#!/usr/bin/env bash
# Build the Pulumi kubernetes resource provider plugin (pulumi-resource-kubernetes) from the Go module
# github.com/pulumi/pulumi-kubernetes/provider/v4, at the version pinned in go.mod (a pseudo-version:
# the provider module has no tags of its own, and the Go module proxy serves only one commit of it).
#
#   build.sh BIN_DIR VERSION     e.g. build.sh ~/.cache/.../bin 4.25.0
#
# Upstream's main package embeds git-ignored generated files (schema-embed.json,
# terraform-mapping-embed.json), so it cannot be built from the module cache as is. This script
# copies main.go and the JSON files it embeds from the module cache into cmd/pulumi-resource-kubernetes
# (git-ignored), writes the *-embed.json files with prepare_main.py (schema .version = VERSION) and
# builds that folder against our committed go.mod/go.sum. VERSION is also stamped into pkg/version.
# Idempotent; the only network use is the Go module proxy.
set -euo pipefail

bin_dir=${1:?usage: build.sh BIN_DIR VERSION}
version=${2:?usage: build.sh BIN_DIR VERSION}
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
cd "$here"

mod=github.com/pulumi/pulumi-kubernetes/provider/v4
export CGO_ENABLED=0
# No VCS stamping: the folder sits inside the project repo, which is not ours to stamp.
buildflags=(-mod=readonly -trimpath -buildvcs=false)
ldflags="-s -w -X ${mod}/pkg/version.Version=${version}"
mkdir -p "$bin_dir"
bin_dir=$(cd "$bin_dir" && pwd)

go mod download "$mod"
src=$(go list -mod=readonly -m -f '{{.Dir}}' "$mod")
[ -n "$src" ] || { echo "build.sh: $mod is not in the module cache" >&2; exit 1; }
python3 prepare_main.py "$src/cmd/pulumi-resource-kubernetes" cmd/pulumi-resource-kubernetes "$version"

go build "${buildflags[@]}" -ldflags "$ldflags" -o "$bin_dir/pulumi-resource-kubernetes" ./cmd/pulumi-resource-kubernetes
echo "built $bin_dir/pulumi-resource-kubernetes ($version, $mod $(go list -mod=readonly -m -f '{{.Version}}' "$mod"))"

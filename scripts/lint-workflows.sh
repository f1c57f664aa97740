#!/usr/bin/env bash
# Lint the GitHub workflows with actionlint (syntax, expressions, action inputs, the shell in `run:`
# through shellcheck when one is on PATH) and the shell scripts with `bash -n`.
#
#   bash scripts/lint-workflows.sh
#
# actionlint is built from the Go module proxy the first time (about 20 s) and cached under
# ${MESSAGING_PLATFORM_CACHE:-~/.cache/messaging-platform}/actionlint-<version>/.
set -euo pipefail
cd "$(dirname "$0")/.."
ACTIONLINT_VERSION=1.7.12
CACHE=${MESSAGING_PLATFORM_CACHE:-$HOME/.cache/messaging-platform}
BIN="$CACHE/actionlint-$ACTIONLINT_VERSION/actionlint"

if [ ! -x "$BIN" ]; then
  command -v go >/dev/null || { echo "lint-workflows.sh: go is not on PATH (needed to build actionlint)" >&2; exit 2; }
  start=$SECONDS
  GOBIN=$(dirname "$BIN") CGO_ENABLED=0 go install "github.com/rhysd/actionlint/cmd/actionlint@v$ACTIONLINT_VERSION"
  echo "lint-workflows.sh: built actionlint $ACTIONLINT_VERSION in $((SECONDS - start)) s"
fi
"$BIN" -no-color .github/workflows/*.yml
for script in scripts/*.sh; do bash -n "$script"; done
echo "lint-workflows.sh: $(ls .github/workflows/*.yml | wc -l) workflow(s) and $(ls scripts/*.sh | wc -l) script(s) pass"

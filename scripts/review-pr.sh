#!/usr/bin/env bash
# Review what a change does to Kafka, offline (no cluster, no Pulumi state, no Pulumi CLI):
#
#   scripts/review-pr.sh BASE_REF HEAD_REF OUT_DIR
#
# For each stack file Pulumi.<stack>.yaml of HEAD_REF: plan it on BASE_REF and on HEAD_REF (each in a
# git worktree, with that commit's own component library and tooling), `messaging-platform diff` the
# two plans (text and JSON, the head's review levels), `messaging-platform check --env ENV` the head's
# manifests, then write one Markdown summary, OUT_DIR/comment.md, headed by the marker the pull-request
# workflow finds its comment by. A stack without a base plan is reported as new.
#
# Exit codes: 0 nothing blocks; 1 a blocking finding (a diff or check finding, or a head that does
# not plan); 2 bad arguments, an unknown ref, no CRD directory, or a review left incomplete (the base
# does not plan, a command failed); comment.md is written in every case but bad arguments.
#
# Environment: PYTHON (default: .venv/bin/python of this checkout, else python3) must have the
# requirements installed; MESSAGING_PLATFORM_CRDS (default: ../shared/strimzi-1.2.0/crds beside this
# checkout) is the Strimzi CRD directory; REVIEW_STACKS (default: all), space-separated stack names,
# limits the review to those stacks. OUT_DIR/stacks/<stack>/ keeps every plan and output.
set -euo pipefail

if [ $# -ne 3 ]; then
  echo "usage: scripts/review-pr.sh BASE_REF HEAD_REF OUT_DIR" >&2
  exit 2
fi
SCRIPTS=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(git -C "$SCRIPTS" rev-parse --show-toplevel)

resolve() {
  git -C "$REPO" rev-parse --verify --quiet "$1^{commit}" || {
    echo "review-pr.sh: '$1' is not a commit of $REPO (fetch it first: actions/checkout with fetch-depth: 0)" >&2
    exit 2
  }
}
BASE=$(resolve "$1")
HEAD=$(resolve "$2")
mkdir -p "$3"
OUT=$(cd "$3" && pwd)

if [ -z "${PYTHON:-}" ]; then
  if [ -x "$REPO/.venv/bin/python" ]; then PYTHON="$REPO/.venv/bin/python"; else PYTHON=python3; fi
fi
CRDS=${MESSAGING_PLATFORM_CRDS:-$REPO/../shared/strimzi-1.2.0/crds}
if [ ! -d "$CRDS" ]; then
  echo "review-pr.sh: no Strimzi CRD directory at $CRDS: set MESSAGING_PLATFORM_CRDS to the Strimzi 1.2.0 CRDs" >&2
  exit 2
fi
MESSAGING_PLATFORM_CRDS=$(cd "$CRDS" && pwd)
export MESSAGING_PLATFORM_CRDS

WORK=$(mktemp -d)
cleanup() {
  for tree in base head; do
    if [ -d "$WORK/$tree" ]; then git -C "$REPO" worktree remove --force "$WORK/$tree" >/dev/null 2>&1 || true; fi
  done
  rm -rf "$WORK"
  git -C "$REPO" worktree prune || true
}
trap cleanup EXIT

# Each side runs its own code: a worktree, and an import path whose `messaging_platform` and
# `messaging_platform_tools` are that worktree's components/ and tooling/ (ahead of the installed ones).
for tree in base head; do
  if [ "$tree" = base ]; then rev=$BASE; else rev=$HEAD; fi
  git -C "$REPO" worktree add --quiet --detach "$WORK/$tree" "$rev"
  mkdir "$WORK/path-$tree"
  ln -s "$WORK/$tree/components" "$WORK/path-$tree/messaging_platform"
  ln -s "$WORK/$tree/tooling" "$WORK/path-$tree/messaging_platform_tools"
done
# mp TREE ARGS...: the messaging-platform command of TREE, run in TREE.
mp() {
  local tree=$1
  shift
  (cd "$WORK/$tree" && PYTHONPATH="$WORK/path-$tree${PYTHONPATH:+:$PYTHONPATH}" \
    "$PYTHON" -m messaging_platform_tools.launcher "$@")
}
# stacks REV: the stacks of REV (its Pulumi.<stack>.yaml files), only those in REVIEW_STACKS when set.
stacks() {
  git -C "$REPO" ls-tree --name-only "$1" | sed -n 's/^Pulumi\.\(.*\)\.yaml$/\1/p' | while read -r stack; do
    if [ -z "${REVIEW_STACKS:-}" ] || [[ " $REVIEW_STACKS " == *" $stack "* ]]; then echo "$stack"; fi
  done
}

rm -rf "$OUT/stacks" "$OUT/comment.md"
mkdir -p "$OUT/stacks"
stacks "$BASE" > "$OUT/base-stacks.txt"
echo "review ${BASE:0:12} -> ${HEAD:0:12}: stacks $(stacks "$HEAD" | tr '\n' ' ')"
for stack in $(stacks "$HEAD"); do
  dir="$OUT/stacks/$stack"
  mkdir -p "$dir"
  base_plan=null diff=null check=null env=
  head_plan=0
  if grep -qx "$stack" "$OUT/base-stacks.txt"; then  # the base plan runs beside the head's
    base_plan=0
    mp base plan --stack "$stack" --out "$dir/base" --quiet > "$dir/base-plan.txt" 2>&1 &
    base_pid=$!
  fi
  mp head plan --stack "$stack" --out "$dir/head" --quiet > "$dir/head-plan.txt" 2>&1 || head_plan=$?
  if [ "$base_plan" = 0 ]; then wait "$base_pid" || base_plan=$?; fi
  if [ -f "$dir/head/plan.json" ]; then
    env=$("$PYTHON" -c 'import json, sys; e = json.load(open(sys.argv[1])).get("outputs", {}).get("environment"); print(e if isinstance(e, str) else "")' "$dir/head/plan.json")
    if [ -f "$dir/base/plan.json" ]; then
      diff=0
      mp head diff "$dir/base" "$dir/head" > "$dir/diff.txt" 2>&1 || diff=$?
      mp head diff --format json "$dir/base" "$dir/head" > "$dir/diff.json" 2> "$dir/diff-json.err" || true
    fi
    if [ -n "$env" ]; then
      check=0
      mp head check --env "$env" "$dir/head/manifests" > "$dir/check.txt" 2>&1 || check=$?
    fi
  fi
  printf '{"basePlan": %s, "headPlan": %s, "diff": %s, "check": %s, "environment": "%s"}\n' \
    "$base_plan" "$head_plan" "$diff" "$check" "$env" > "$dir/codes.json"
  echo "  $stack: plan base=$base_plan head=$head_plan, diff=$diff, check${env:+ --env $env}=$check"
done

"$PYTHON" "$SCRIPTS/review_comment.py" "$OUT" "$BASE" "$HEAD"

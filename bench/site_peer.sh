#!/usr/bin/env bash
# The yardstick of bench/run's site section: what publishing VERSION... (oldest first) costs with
# the public tools, one process per page, as a hand-made site would do it. Each version is rendered
# with cmark-gfm (the parser policyc uses, with its extensions) and each consecutive pair is
# word-diffed with git, the redline people look at in repositories: N + N-1 commands, output to
# /dev/null. Exits non-zero when a command fails (git diff exits 1 when the files differ: success).
#
#   site_peer.sh VERSION...
set -euo pipefail

previous=
for version; do
  cmark-gfm -e table -e strikethrough -e autolink "$version" >/dev/null
  if [[ -n $previous ]]; then
    status=0
    git diff --no-index --word-diff=porcelain "$previous" "$version" >/dev/null || status=$?
    ((status <= 1)) || exit "$status"
  fi
  previous=$version
done

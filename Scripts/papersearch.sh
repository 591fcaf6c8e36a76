#!/usr/bin/env bash
# The main job on a fresh Debian machine: installs what is missing, builds release, creates the
# default index from the bundled demo corpus (Data/demo-corpus.jsonl) when there is none, then runs
# papersearch with the given arguments (default: the query "long context retrieval").
#   Scripts/papersearch.sh "long context retrieval"
#   Scripts/papersearch.sh related demo:0042
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$root/Scripts/install-deps.sh"
# The release build: a few minutes the first time (2 cores), seconds after that. Its output goes to
# a log; a line every 15 s says how far it is, and a failure shows the errors.
log="$root/.build/papersearch-release-build.log"
mkdir -p "$root/.build"
echo "papersearch.sh: building release (the first build takes a few minutes; log: $log)" >&2
swift build -c release --package-path "$root" > "$log" 2>&1 &
build=$!
last=$SECONDS
while kill -0 "$build" 2>/dev/null; do
  sleep 1
  if (( SECONDS - last >= 15 )); then
    last=$SECONDS
    step="$(grep -o '^\[[0-9]*/[0-9]*\]' "$log" | tail -n 1 || true)"
    echo "papersearch.sh: still building release, step ${step:-[starting]} after ${SECONDS} s" >&2
  fi
done
if ! wait "$build"; then
  echo "papersearch.sh: the release build failed; its errors (full log: $log):" >&2
  grep -E "error:" "$log" | head -n 20 >&2 || tail -n 20 "$log" >&2
  exit 1
fi
echo "papersearch.sh: $(tail -n 1 "$log")" >&2
bin="$root/.build/release/papersearch"
# The default index (or $PAPERSEARCH_DB): build it from the demo corpus when it has no model.
state="$("$bin" info --json 2>/dev/null | sed -n 's/.*"state" : "\([a-z]*\)".*/\1/p' || true)"
if [ -z "$state" ] || [ "$state" = "none" ]; then
  echo "papersearch.sh: no index yet; building one from the demo corpus" >&2
  "$bin" import --quiet "$root/Data/demo-corpus.jsonl" >&2
  "$bin" index --quiet >&2
fi
if [ $# -eq 0 ]; then set -- "long context retrieval"; fi
exec "$bin" "$@"

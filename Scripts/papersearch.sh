#!/usr/bin/env bash
# The main job on a fresh Debian machine: installs what is missing, builds release, creates the
# default index from the bundled demo corpus (Data/demo-corpus.jsonl) when there is none, then runs
# papersearch with the given arguments (default: the query "long context retrieval").
#   Scripts/papersearch.sh "long context retrieval"
#   Scripts/papersearch.sh related demo:0042
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$root/Scripts/install-deps.sh"
echo "papersearch.sh: building release" >&2
swift build -c release --package-path "$root" 2>&1 | tail -n 1 >&2
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

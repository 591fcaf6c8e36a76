#!/usr/bin/env bash
# Side-by-side comparison of papersearch with the Python peers (../shared/peers), same data, same run.
#
# Usage: Scripts/compare-peers.sh [--reps N]        (default 3; env: REPS, PAPERSEARCH_SHARED)
#
# Sets up the peers' venv when missing (peers/setup.sh), builds papersearch (release) and the
# scan-timing tool (Benchmarks/), then for each repetition runs papersearch and the peers on the same
# data, alternating which goes first, and prints one Markdown table of medians with the ratio
# papersearch / peer (for times: < 1 means papersearch is faster; for nDCG/F1: > 1 means better):
#   - import + index of the arXiv sample (105,720 papers)  vs  sk_build.py      (wall, peak RSS)
#   - one query as a whole process                          vs  sk_query.py      (wall, peak RSS)
#   - in-process scan + top-10 over all embeddings          vs  numpy / FAISS    (arxiv_peer.py)
#   - kNN tagging of the papers from 2025-10-01 on           vs  arxiv_peer.py    (time, micro-F1)
#     ("n/a" until `papersearch tag --evaluate` exists)
#   - SciFact test nDCG@10 per mode                          vs  beir_eval.py --stem (run once: deterministic)
# Peak RSS from /usr/bin/time -f %M. Takes ~5 minutes per repetition on 2 cores.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
reps="${REPS:-3}"
while [ $# -gt 0 ]; do
  case "$1" in
    --reps) reps="$2"; shift 2 ;;
    -h|--help) sed -n '2,18p' "$0"; exit 0 ;;
    *) echo "compare-peers: error: unknown argument '$1' (expected --reps N)" >&2; exit 2 ;;
  esac
done
[[ "$reps" =~ ^[1-9][0-9]*$ ]] || { echo "compare-peers: error: --reps '$reps', expected a positive integer" >&2; exit 2; }

# ../shared next to the repository (a git worktree one level deeper also works).
shared="${PAPERSEARCH_SHARED:-}"
if [ -z "$shared" ]; then
  for candidate in "$root/../shared" "$root/../../shared"; do
    if [ -f "$candidate/peers/setup.sh" ]; then shared="$(cd "$candidate" && pwd)"; break; fi
  done
fi
[ -n "$shared" ] && [ -f "$shared/peers/setup.sh" ] || {
  echo "compare-peers: error: no ../shared/peers/setup.sh next to $root (set PAPERSEARCH_SHARED)" >&2; exit 1; }
peers="$shared/peers"
arxiv="$shared/data/arxiv/arxiv_ml_papers.jsonl.gz"
scifact="$shared/data/scifact"
[ -f "$arxiv" ] || { echo "compare-peers: error: missing $arxiv" >&2; exit 1; }

venv="${PEERS_VENV:-$HOME/.cache/papersearch-peers}"
py="$venv/bin/python"
if ! "$py" -c 'import sklearn, faiss, Stemmer' 2>/dev/null; then
  echo "compare-peers: setting up the peers ($peers/setup.sh)" >&2
  PEERS_VENV="$venv" "$peers/setup.sh" >&2
fi

echo "compare-peers: building papersearch and scan-timing (release)" >&2
"$root/Scripts/install-deps.sh"
swift build -c release --package-path "$root" --product papersearch >&2
swift build -c release --package-path "$root/Benchmarks" --product scan-timing >&2
bin="$root/.build/release/papersearch"
scan="$root/Benchmarks/.build/release/scan-timing"

work="$(mktemp -d "${TMPDIR:-/tmp}/compare-peers.XXXXXX")"
trap 'rm -rf "$work"' EXIT
db="$work/arxiv.sqlite"
skout="$work/sk"
results="$work/results.tsv"
: > "$results"
query="long context retrieval"
week="2025-10-01"

# record REP KEY VALUE
record() { printf '%s\t%s\t%s\n' "$1" "$2" "$3" >> "$results"; }

# timed NAME CMD...: runs CMD, stdout to $work/NAME.out, stderr to $work/NAME.err;
# sets WALL (s) and RSS (MB). Returns CMD's status.
timed() {
  local name="$1"; shift
  local status=0 t0 t1
  t0=$(date +%s%N)
  /usr/bin/time -f '%e %M' -o "$work/$name.time" "$@" > "$work/$name.out" 2> "$work/$name.err" || status=$?
  t1=$(date +%s%N)
  read -r _ RSS_KB < <(tail -n 1 "$work/$name.time")
  WALL=$(awk -v ns=$((t1 - t0)) 'BEGIN { printf "%.6f", ns / 1e9 }')
  RSS=$((RSS_KB / 1024))
  return $status
}

# Median wall seconds of N runs of a command (short commands: one run is too noisy).
median_wall() {
  local n="$1"; shift
  local times=() i t0 t1
  for ((i = 0; i < n; i++)); do
    t0=$(date +%s%N); "$@" > /dev/null 2>&1 || true; t1=$(date +%s%N)
    times+=($((t1 - t0)))
  done
  printf '%s\n' "${times[@]}" | sort -n | awk -v n="$n" 'NR == int((n + 1) / 2) { printf "%.6f\n", $1 / 1e9 }'
}

has_tag=0
if "$bin" --help 2>/dev/null | grep -qE '^[[:space:]]+tag([[:space:]]|$)'; then has_tag=1; fi

papersearch_side() {
  local r="$1"
  echo "compare-peers: [$r] papersearch import + index" >&2
  rm -f "$db" "$db-wal" "$db-shm"
  timed ps_import "$bin" import "$arxiv" --db "$db" --quiet
  local w1="$WALL" m1="$RSS"
  timed ps_index "$bin" index --db "$db" --quiet
  record "$r" ps_build "$(awk -v a="$w1" -v b="$WALL" 'BEGIN { print a + b }')"
  record "$r" ps_build_rss "$(( m1 > RSS ? m1 : RSS ))"
  echo "compare-peers: [$r] papersearch queries, scan, tagging" >&2
  timed ps_query "$bin" search "$query" --db "$db"
  record "$r" ps_query_rss "$RSS"
  record "$r" ps_query "$(median_wall 21 "$bin" search "$query" --db "$db")"
  record "$r" ps_query_lsa "$(median_wall 21 "$bin" search "$query" --mode lsa --db "$db")"
  timed ps_scan "$scan" "$db"
  record "$r" ps_scan "$(grep -o 'scan_ms=[0-9.]*' "$work/ps_scan.out" | cut -d= -f2)"
  record "$r" ps_scan_1t "$(grep -o 'scan_1thread_ms=[0-9.]*' "$work/ps_scan.out" | cut -d= -f2)"
  record "$r" ps_related "$(grep -o 'related_ms=[0-9.]*' "$work/ps_scan.out" | cut -d= -f2)"
  if [ "$has_tag" = 1 ] && timed ps_tag "$bin" tag --evaluate --since "$week" --json --db "$db"; then
    record "$r" ps_tag "$WALL"
    record "$r" ps_tag_f1 "$(python3 -c '
import json, sys
def find(x):
    if isinstance(x, dict):
        for k, v in x.items():
            if k in ("microF1", "micro_f1", "microF1Score"): return v
            f = find(v)
            if f is not None: return f
    if isinstance(x, list):
        for v in x:
            f = find(v)
            if f is not None: return f
    return None
v = find(json.load(open(sys.argv[1])))
print("" if v is None else v)' "$work/ps_tag.out")"
  fi
}

peer_side() {
  local r="$1"
  echo "compare-peers: [$r] sk_build.py" >&2
  rm -rf "$skout"
  timed sk_build "$py" "$peers/sk_build.py" "$arxiv" "$skout"
  record "$r" sk_build "$WALL"; record "$r" sk_build_rss "$RSS"
  echo "compare-peers: [$r] sk_query.py, arxiv_peer.py" >&2
  timed sk_query "$py" "$peers/sk_query.py" "$skout" "$query"
  record "$r" sk_query "$WALL"; record "$r" sk_query_rss "$RSS"
  timed arxiv_peer "$py" "$peers/arxiv_peer.py" "$arxiv" --week-start "$week"
  local out="$work/arxiv_peer.out"
  record "$r" np_scan "$(sed -n 's/^numpy single-query scan+top10: \([0-9.]*\) ms.*/\1/p' "$out")"
  record "$r" faiss_scan "$(sed -n 's/^faiss IndexFlatIP 1 thread single query top10: \([0-9.]*\) ms.*/\1/p' "$out")"
  record "$r" knn_time "$(sed -n 's/.*knn time=\([0-9.]*\)s.*/\1/p' "$out")"
  record "$r" knn_f1 "$(sed -n 's/.*micro-F1=\([0-9.]*\).*/\1/p' "$out" | sort -g | tail -n 1)"
}

for r in $(seq 1 "$reps"); do
  if [ $((r % 2)) = 1 ]; then papersearch_side "$r"; peer_side "$r"; else peer_side "$r"; papersearch_side "$r"; fi
done

echo "compare-peers: SciFact (once; the figures are deterministic)" >&2
timed ps_eval "$bin" eval "$scifact" --json --quiet
timed beir "$py" "$peers/beir_eval.py" "$scifact" "$scifact/qrels/test.tsv" --stem

python3 - "$results" "$work/ps_eval.out" "$work/beir.out" "$reps" "$has_tag" "$week" <<'PY'
import json, re, statistics, sys
results, ps_eval, beir, reps, has_tag, week = sys.argv[1:]
vals = {}
for line in open(results):
    _, key, value = line.rstrip("\n").split("\t")
    if value.strip():
        vals.setdefault(key, []).append(float(value))
def med(key):
    v = vals.get(key)
    return statistics.median(v) if v else None
def fmt(x, unit):
    if x is None: return "n/a"
    if unit == "s": return f"{x:.2f} s"
    if unit == "ms": return f"{x:.2f} ms"
    if unit == "MB": return f"{x:.0f} MB"
    return f"{x:.3f}"
rows = []
def row(label, a, b, unit, peer):
    ratio = f"{a / b:.2f}" if a is not None and b else "n/a"
    rows.append((label, fmt(a, unit), f"{fmt(b, unit)} ({peer})", ratio))
row("arXiv import + index, 105,720 papers (wall)", med("ps_build"), med("sk_build"), "s", "sk_build.py")
row("arXiv import + index, peak RSS", med("ps_build_rss"), med("sk_build_rss"), "MB", "sk_build.py")
def ms(x): return None if x is None else 1000 * x
row(f'one query, whole process, hybrid ("long context retrieval"), median of 21', ms(med("ps_query")), ms(med("sk_query")), "ms", "sk_query.py, LSA")
row("one query, whole process, --mode lsa, median of 21", ms(med("ps_query_lsa")), ms(med("sk_query")), "ms", "sk_query.py, LSA")
row("one query, peak RSS (hybrid)", med("ps_query_rss"), med("sk_query_rss"), "MB", "sk_query.py")
row("in-process query: int8 scan + exact top-10 + titles (related), all cores", med("ps_related"), med("np_scan"), "ms", "numpy scan+top10")
row("in-process float32 sgemv scan + top-10, 105,720 x 256 (all cores)", med("ps_scan"), med("np_scan"), "ms", "numpy")
row("in-process scan + top-10, 1 thread", med("ps_scan_1t"), med("faiss_scan"), "ms", "FAISS flat, 1 thread")
tag = has_tag == "1" and med("ps_tag") is not None
row(f"tagging papers from {week} on: time", med("ps_tag") if tag else None, med("knn_time"), "s",
    "kNN product + argpartition, in-process" if tag else "kNN, in-process")
row(f"tagging papers from {week} on: categories micro-F1", med("ps_tag_f1") if tag else None, med("knn_f1"), "f1",
    "kNN k=10, best threshold")
try:
    report = json.load(open(ps_eval))
    ps = {r["mode"]: r["ndcg10"] for r in report["results"]}
except Exception:
    ps = {}
peer = {}
for line in open(beir):
    m = re.match(r"(.*?)\s+nDCG@10=([0-9.]+)", line)
    if m: peer[m.group(1).strip()] = float(m.group(2))
def pick(prefix):
    return next((v for k, v in peer.items() if k.startswith(prefix)), None)
for mode, prefix, name in [("bm25", "bm25 k1=1.2 b=0.75", "BM25 k1=1.2 b=0.75"), ("tfidf", "tfidf", "TF-IDF cosine"),
                           ("lsa", "lsa", "LSA k=256"), ("hybrid", "z(bm25)", "z(BM25)+0.3 z(LSA)")]:
    row(f"SciFact test nDCG@10, {mode}", ps.get(mode), pick(prefix), "f1", f"beir_eval.py --stem, {name}")
print(f"\nMedians of {reps} repetition(s); ratio = papersearch / peer (time: < 1 is faster; nDCG, F1: > 1 is better).\n")
print("| measure | papersearch | peer | ratio |")
print("|---|---|---|---|")
for r in rows:
    print("| " + " | ".join(r) + " |")
PY

// scan-timing: in-process single-query scan latency on a real index, measured like the peer
// (../shared/peers/arxiv_peer.py): the query is the stored embedding of row 12,345, scored against
// every row with one `BLAS.sgemv`, then the top 10 kept with `TopK` (the loop of
// `QueryEngine.search`); 50 repetitions after one warm-up, median and mean reported.
// Also the production query path (`related`: int8 scan + exact re-scoring + titles, see below) and
// the time to load every embedding from the store (`ModelReader.documents`), median of 5.
//
// Usage (release): swift build -c release --package-path Benchmarks --product scan-timing
//                  Benchmarks/.build/release/scan-timing INDEX.sqlite [--reps 50] [--threads N]
// Output: one line "key=value ..." (milliseconds), read by Scripts/compare-peers.sh.
import Foundation
import GRDB
import Core
import NumericKernels
import Store
import Search

func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data("scan-timing: error: \(message)\n".utf8))
    exit(1)
}

var arguments = Array(CommandLine.arguments.dropFirst())
var reps = 50
var threads: Int? = nil
var path: String? = nil
while !arguments.isEmpty {
    let a = arguments.removeFirst()
    switch a {
    case "--reps": reps = Int(arguments.isEmpty ? "" : arguments.removeFirst()) ?? 0
    case "--threads": threads = Int(arguments.isEmpty ? "" : arguments.removeFirst())
    default: path = a
    }
}
guard let path, reps > 0 else { fail("usage: scan-timing INDEX.sqlite [--reps N] [--threads N]") }

func now() -> Double { Double(DispatchTime.now().uptimeNanoseconds) / 1e6 }
func median(_ xs: [Double]) -> Double {
    let s = xs.sorted()
    return s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2
}

do {
    let store = try PaperStore.open(StoreLocation(explicit: path), mode: .readOnly)
    let meta: ModelMetadata = try store.read { db in
        guard let json = try String.fetchOne(db, sql: "SELECT metadata FROM lsa_model WHERE id = 1") else {
            fail("\(path) has no index (run papersearch index)")
        }
        return try JSONDecoder().decode(ModelMetadata.self, from: Data(json.utf8))
    }
    var loads: [Double] = []
    var docs = ModelReader.Documents()
    for _ in 0..<5 {
        let t = now()
        docs = try store.read { db in try ModelReader.documents(db, k: meta.k, rowCount: meta.rowCount) }
        loads.append(now() - t)
    }
    let n = docs.count, k = meta.k
    guard n > 12_345 else { fail("\(path) has \(n) rows, expected more than 12,345") }
    let query = Array(docs.embeddings[(12_345 * k)..<(12_346 * k)])
    var scores = [Float](repeating: 0, count: n)
    func scan() -> [TopK.Entry] {
        docs.embeddings.withUnsafeBufferPointer { e in
            query.withUnsafeBufferPointer { q in
                scores.withUnsafeMutableBufferPointer { s in
                    BLAS.sgemv(transpose: false, m: n, n: k, alpha: 1, a: e.baseAddress!, lda: k,
                               x: q.baseAddress!, beta: 0, y: s.baseAddress!)
                }
            }
        }
        var top = TopK(k: 10)
        // As `QueryEngine.eligibility`: no per-row hashing when no row is dead.
        let noneDead = docs.dead.isEmpty
        for i in 0..<n where noneDead || !docs.dead.contains(i) {
            top.offer(row: i, key: docs.pids[i], score: scores[i])
        }
        return top.entries
    }
    func measure() -> [Double] {
        _ = scan()
        return (0..<reps).map { _ in
            let t = now()
            _ = scan()
            return now() - t
        }
    }
    let times = threads.map { count in BLAS.withThreadCount(count) { measure() } } ?? measure()
    let single = BLAS.withThreadCount(1) { measure() }
    // The production path: `QueryEngine.related` for the paper of row 12,345, which scans the
    // int8 codes (kept in memory from the second query on, as in `eval`), keeps the top 10 with
    // exact float32 re-scoring of every candidate the int8 error bound cannot rule out, and reads
    // the 10 hits' titles from SQLite. One thread.
    let engine = try QueryEngine(store: store)
    guard let id = try store.read({ db in
        try String.fetchOne(db, sql: "SELECT id FROM papers WHERE pid = ?", arguments: [docs.pids[12_345]])
    }) else { fail("no paper for row 12,345") }
    var options = QueryOptions()
    options.limit = 10
    _ = try engine.related(to: id, options: options)
    var related: [Double] = []
    for _ in 0..<reps {
        let t = now()
        _ = try engine.related(to: id, options: options)
        related.append(now() - t)
    }
    print(String(format: "rows=%d k=%d scan_ms=%.3f scan_mean_ms=%.3f scan_1thread_ms=%.3f related_ms=%.3f load_ms=%.1f",
                 n, k, median(times), times.reduce(0, +) / Double(times.count), median(single), median(related),
                 median(loads)))
} catch {
    fail("\(error)")
}

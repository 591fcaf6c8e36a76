// Store benchmark: loading every document row of the model from SQLite.
//
// What: `ModelReader.documents` (pids, 105,720 × 256 float32 embeddings = 108 MB, lengths, norms)
// from the `doc_chunks` table of a store written once in setup (13 chunks of 8,192 rows, as
// `papersearch index` writes them; the file lives in the temporary directory and stays in the page
// cache, so this is the warm-cache cost every `papersearch search` pays before its first scan).
// Reported with MB/s of embeddings loaded.
// Run: cd Benchmarks && swift package benchmark --filter "Store.*"
import Benchmark
import Foundation
import GRDB
import Store

func registerStoreBenchmarks() {
    Benchmark("Store: load all embeddings 105,720x256 from SQLite",
              configuration: BenchConfig.make(iterations: 20, seconds: 10, extra: [BenchConfig.memoryMegabytesPerSecond])
    ) { benchmark in
        let store = try StoreInputs.store()
        var docs = ModelReader.Documents()
        let ns = try timed {
            docs = try store.read { db in
                try ModelReader.documents(db, k: BenchData.k, rowCount: BenchData.documents)
            }
        }
        blackHole(docs.embeddings.count)
        benchmark.measurement(BenchConfig.memoryMegabytesPerSecond,
                              Int(Double(BenchData.documents * BenchData.k * 4) / ns * 1e3))
    } setup: {
        _ = try StoreInputs.store()
    }
}

enum StoreInputs {
    static let path = NSTemporaryDirectory() + "papersearch-bench-\(getpid()).sqlite"
    nonisolated(unsafe) private static var opened: PaperStore?

    /// The store with the synthetic model rows (written on first use, removed at exit).
    static func store() throws -> PaperStore {
        if let opened { return opened }
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
        let store = try PaperStore.open(StoreLocation(explicit: path))
        let n = BenchData.documents
        try store.write { db in
            try PaperStore.appendChunks(
                db, firstRow: 0, chunkRows: 8192, k: BenchData.k, folded: false, pids: (0..<n).map { Int64($0 + 1) },
                embeddings: BenchData.embeddings, lengths: [Float](repeating: 150, count: n),
                norms: [Float](repeating: 1, count: n))
        }
        atexit {
            for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: StoreInputs.path + suffix) }
        }
        opened = store
        return store
    }
}

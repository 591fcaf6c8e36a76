// Query and tagging benchmarks: the dense scans over all embeddings.
//
// Size: 105,720 × 256 float32 unit-row embeddings (108 MB, synthetic Gaussian directions; values do
// not change the cost).
// - "scan+top10": what `papersearch search --mode lsa` / `related` do per query after loading:
//   one `BLAS.sgemv` (E·q) then a `TopK(10)` pass over all rows skipping dead rows (the loop of
//   `QueryEngine.search`); the in-process peer figures are numpy 8.0 ms, FAISS flat 11.9 ms.
//   Reported with MB/s of embeddings read.
// - "int8 scan": what a whole-process query does on an index with `doc_codes`: approximate cosines
//   from the 1-byte codes (27 MB, `QuantizedEmbeddings.dots`, four rows per pass) plus the error
//   bound; the exact re-scoring of the few candidates is not included. Reported with MB/s of codes.
// - "top-10 alone": the selection pass over 105,720 precomputed scores.
// - "sgemm tagging": scores of 1,000 new papers against all 105,720 (C = Q·Eᵀ, 1,000 × 105,720 × 256,
//   54 GFLOP), the kNN tagging product; reported as MFLOP/s.
// BLAS threads: the OpenBLAS default (all cores), as the CLI runs.
// Run: cd Benchmarks && swift package benchmark --filter "Query.*"
import Benchmark
import Foundation
import NumericKernels
import Store
import Search

func registerQueryBenchmarks() {
    let n = BenchData.documents, k = BenchData.k

    Benchmark("Query: sgemv scan 105,720x256 + top-10",
              configuration: BenchConfig.make(iterations: 200, seconds: 10,
                                              extra: [BenchConfig.memoryMegabytesPerSecond], units: .microseconds)
    ) { benchmark in
        let e = BenchData.embeddings
        let q = QueryInputs.query
        var scores = [Float](repeating: 0, count: n)
        let dead = QueryInputs.dead
        var top = TopK(k: 10)
        let ns = timed {
            e.withUnsafeBufferPointer { ep in
                q.withUnsafeBufferPointer { qp in
                    scores.withUnsafeMutableBufferPointer { sp in
                        BLAS.sgemv(transpose: false, m: n, n: k, alpha: 1, a: ep.baseAddress!, lda: k,
                                   x: qp.baseAddress!, beta: 0, y: sp.baseAddress!)
                    }
                }
            }
            for i in 0..<n where !dead.contains(i) {
                top.offer(row: i, key: Int64(i), score: scores[i])
            }
        }
        blackHole(top.entries)
        benchmark.measurement(BenchConfig.memoryMegabytesPerSecond, Int(Double(n * k * 4) / ns * 1e3))
    } setup: {
        _ = BenchData.embeddings
    }

    Benchmark("Query: int8 scan 105,720x256 (doc_codes)",
              configuration: BenchConfig.make(iterations: 200, seconds: 10,
                                              extra: [BenchConfig.memoryMegabytesPerSecond], units: .microseconds)
    ) { benchmark in
        let (codes, quantized) = QueryInputs.codes
        let q = QueryInputs.query
        var scores = [Float](repeating: 0, count: n)
        let ns = timed { blackHole(quantized.dots(codes: codes, q, into: &scores)) }
        blackHole(scores[0])
        benchmark.measurement(BenchConfig.memoryMegabytesPerSecond, Int(Double(n * k) / ns * 1e3))
    } setup: {
        _ = QueryInputs.codes
    }

    Benchmark("Query: top-10 selection alone over 105,720",
              configuration: BenchConfig.make(iterations: 1000, seconds: 5, units: .microseconds)
    ) { _ in
        let scores = QueryInputs.scores
        var top = TopK(k: 10)
        for i in 0..<scores.count { top.offer(row: i, key: Int64(i), score: scores[i]) }
        blackHole(top.entries)
    } setup: {
        _ = QueryInputs.scores
    }

    Benchmark("Query: sgemm tagging 1,000x105,720x256",
              configuration: BenchConfig.make(iterations: 10, seconds: 20, extra: [BenchConfig.mflops])
    ) { benchmark in
        let e = BenchData.embeddings
        let queries = QueryInputs.batch
        let m = 1_000
        var c = [Float](unsafeUninitializedCapacity: m * n) { _, count in count = m * n }
        benchmark.startMeasurement()
        let ns = timed {
            e.withUnsafeBufferPointer { ep in
                queries.withUnsafeBufferPointer { qp in
                    c.withUnsafeMutableBufferPointer { cp in
                        BLAS.sgemm(transposeA: false, transposeB: true, m: m, n: n, k: k, alpha: 1,
                                   a: qp.baseAddress!, lda: k, b: ep.baseAddress!, ldb: k,
                                   beta: 0, c: cp.baseAddress!, ldc: n)
                    }
                }
            }
        }
        benchmark.stopMeasurement()
        blackHole(c[0])
        benchmark.measurement(BenchConfig.mflops, Int(2 * Double(m) * Double(n) * Double(k) / ns * 1e3))
    } setup: {
        _ = BenchData.embeddings
        _ = QueryInputs.batch
    }
}

enum QueryInputs {
    /// One query: the embedding of row 12,345 (as the numpy/FAISS peer does).
    static let query: [Float] = Array(BenchData.embeddings[(12_345 * BenchData.k)..<(12_346 * BenchData.k)])
    /// Rows superseded by a fold-in: none in a fresh fit (the production check still runs).
    static let dead: Set<Int> = []
    /// Scores of `query` against every row.
    static let scores: [Float] = {
        let k = BenchData.k
        return (0..<BenchData.documents).map { i in
            var s: Float = 0
            for j in 0..<k { s += BenchData.embeddings[i * k + j] * query[j] }
            return s
        }
    }()
    /// The int8 codes of all embeddings, as `papersearch index` stores them.
    static let codes: ([Int8], QuantizedEmbeddings) = {
        let (scales, codes) = QuantizedEmbeddings.encode(BenchData.embeddings[...], k: BenchData.k)
        return (codes, QuantizedEmbeddings(k: BenchData.k, scales: scales))
    }()
    /// 1,000 query embeddings (new papers to tag).
    static let batch: [Float] = BenchData.unitRows(rows: 1_000, cols: BenchData.k, seed: BenchData.seed &+ 4)
}

// Indexing benchmarks: TF-IDF construction, the sparse × dense products, randomized SVD.
//
// Size: 105,720 documents; synthetic term counts with Zipf(s = 1) term frequencies over 90,000
// terms, pruned by min_df = 2 / max_df = 0.5 to an ~8.6 M non-zero TF-IDF matrix (the arXiv
// sample gives 8.6 M over ~60 k kept terms; PAPERSEARCH_BENCH_ARXIV uses it instead).
// - "TF-IDF build": `TFIDFMatrix.build` (prune, weight, L2-normalise rows) from `TermCounts`.
// - "A·Ω" / "Aᵀ·Q": one sparse × dense product with l = k + p = 320 dense columns, in the
//   column-major layout `RandomizedSVD` uses (each streams A once per 16/32-column slice);
//   reported as MFLOP/s (2 · nnz · l flops).
// - "RandomizedSVD": the whole fit with the `papersearch index` defaults (k = 256; block Krylov with
//   p = 64, q = 4 warm-up power iterations, 2 blocks: see `RandomizedSVD.Options`).
// Run: cd Benchmarks && swift package benchmark --filter "Indexing.*"
import Benchmark
import Foundation
import NumericKernels
import Indexing

func registerIndexingBenchmarks() {
    let sketch = BenchData.k + RandomizedSVD.Options.defaultOversampling

    Benchmark("Indexing: TF-IDF build 105,720 docs",
              configuration: BenchConfig.make(iterations: 10, seconds: 15)
    ) { _ in
        let counts = BenchData.termCounts
        let tfidf = TFIDFMatrix.build(counts, df: counts.documentFrequencies(), minDF: 2, maxDFShare: 0.5)
        blackHole(tfidf.matrix.nonZeroCount)
    } setup: {
        let m = BenchData.tfidf.matrix
        print("TF-IDF: \(m.rows) x \(m.cols), \(m.nonZeroCount) non-zeros")
    }

    Benchmark("Indexing: sparse A·Ω (8.6M nnz x 320)",
              configuration: BenchConfig.make(iterations: 10, seconds: 20, extra: [BenchConfig.mflops])
    ) { benchmark in
        let a = BenchData.tfidf.matrix
        let omegaT = IndexingInputs.omegaT
        var yT = DenseMatrix(rows: sketch, cols: a.rows)
        benchmark.startMeasurement()
        let ns = timed { a.multiply(columnMajor: omegaT, into: &yT) }
        benchmark.stopMeasurement()
        blackHole(yT.storage[0])
        benchmark.measurement(BenchConfig.mflops, Int(2 * Double(a.nonZeroCount) * Double(sketch) / ns * 1e3))
    } setup: {
        _ = IndexingInputs.omegaT
    }

    Benchmark("Indexing: sparse Aᵀ·Q (8.6M nnz x 320)",
              configuration: BenchConfig.make(iterations: 10, seconds: 20, extra: [BenchConfig.mflops])
    ) { benchmark in
        let a = BenchData.tfidf.matrix
        let qT = IndexingInputs.qT
        var zT = DenseMatrix(rows: sketch, cols: a.cols)
        benchmark.startMeasurement()
        let ns = timed { a.multiplyTransposed(columnMajor: qT, into: &zT) }
        benchmark.stopMeasurement()
        blackHole(zT.storage[0])
        benchmark.measurement(BenchConfig.mflops, Int(2 * Double(a.nonZeroCount) * Double(sketch) / ns * 1e3))
    } setup: {
        _ = IndexingInputs.qT
    }

    Benchmark("Indexing: RandomizedSVD k=256, defaults",
              configuration: BenchConfig.make(iterations: 3, seconds: 60, warmup: 0)
    ) { _ in
        let result = try RandomizedSVD.compute(BenchData.tfidf.matrix, options: .init(k: BenchData.k, seed: 7))
        blackHole(result.singularValues[0])
    } setup: {
        _ = BenchData.tfidf
    }
}

/// Dense operands of the product benchmarks (column-major, held transposed: l rows).
enum IndexingInputs {
    static let sketch = BenchData.k + RandomizedSVD.Options.defaultOversampling
    /// Ωᵀ: l × n Gaussian.
    static let omegaT = BenchData.gaussian(rows: sketch, cols: BenchData.tfidf.matrix.cols, seed: BenchData.seed &+ 2)
    /// Qᵀ: l × m Gaussian (a stand-in for the orthonormal basis: the product cost does not depend on values).
    static let qT = BenchData.gaussian(rows: sketch, cols: BenchData.tfidf.matrix.rows, seed: BenchData.seed &+ 3)
}

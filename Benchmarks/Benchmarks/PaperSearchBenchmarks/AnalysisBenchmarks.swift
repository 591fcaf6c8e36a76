// Analysis benchmarks: tokenization + Snowball stemming throughput.
//
// What: `Analyzer.forEachTerm` (default options: standard tokenizer, English stop words, Snowball)
// over 10,000 abstracts + titles (~12 MB synthetic English-like text, or the first 10,000 papers of
// the arXiv sample with PAPERSEARCH_BENCH_ARXIV), one thread; reported as MB/s of UTF-8 input.
// Also the whole multi-core analysis stage of `papersearch index` (`CorpusAnalyzer`: analyse,
// count, merge dictionaries, sort the vocabulary) on the same texts.
// Run: cd Benchmarks && swift package benchmark --filter "Analysis.*"
import Benchmark
import Foundation
import Core
import TextAnalysis

func registerAnalysisBenchmarks() {
    Benchmark("Analysis: tokenize+stem 10k abstracts, 1 thread",
              configuration: BenchConfig.make(iterations: 10, seconds: 10, extra: [BenchConfig.megabytesPerSecond])
    ) { benchmark in
        let texts = BenchData.texts
        let analyzer: Analyzer
        do { analyzer = try Analyzer() } catch { fatalError("Analyzer: \(error)") }
        var terms = 0
        let ns = timed {
            for paper in texts {
                analyzer.forEachTerm(paper.title) { _ in terms += 1 }
                analyzer.forEachTerm(paper.abstract) { _ in terms += 1 }
            }
        }
        blackHole(terms)
        benchmark.measurement(BenchConfig.megabytesPerSecond, Int(Double(BenchData.textBytes) / ns * 1e3))
    } setup: {
        print("papersearch benchmarks: data \(BenchData.sourceDescription), \(BenchData.textBytes) bytes of text")
    }

    Benchmark("Analysis: CorpusAnalyzer 10k papers, all cores",
              configuration: BenchConfig.make(iterations: 10, seconds: 10, extra: [BenchConfig.megabytesPerSecond])
    ) { benchmark in
        let texts = BenchData.texts
        var result = TermCounts()
        let ns = try timed {
            let corpus = try CorpusAnalyzer(options: AnalyzerOptions(), titleWeight: 1)
            var start = 0
            while start < texts.count {
                let end = min(texts.count, start + 4096)
                corpus.add(batch: Array(texts[start..<end]))
                start = end
            }
            result = corpus.finish()
        }
        blackHole(result.termIDs.count)
        benchmark.measurement(BenchConfig.megabytesPerSecond, Int(Double(BenchData.textBytes) / ns * 1e3))
    } setup: {
        _ = BenchData.textBytes
    }
}

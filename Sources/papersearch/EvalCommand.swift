import ArgumentParser
import Foundation
import Core
import Store
import Indexing
import Search
import Evaluation

struct EvalCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eval",
        abstract: "Ranking quality on a BEIR dataset: nDCG@10, Recall@100, MRR@10 for each mode.",
        discussion: """
            DIR holds corpus.jsonl, queries.jsonl and qrels/test.tsv (BEIR layout). A temporary index is \
            built unless --db is given. --peer-config reproduces ../shared/peers/beir_eval.py's BM25 \
            (no stemming, sklearn stop words and tokenization, k1=0.9, b=0.4).
            """)

    @OptionGroup var global: GlobalOptions
    @Argument(help: ArgumentHelp("BEIR dataset directory.", valueName: "dir")) var directory: String
    @Option(help: "Qrels TSV (default: DIR/qrels/test.tsv).") var qrels: String?
    @Option(name: .customLong("mode"), help: "Modes to evaluate (repeatable; default: all).") var modes: [String] = []
    @Option(name: .short, help: "Latent dimensions of the temporary index.") var k: Int = 256
    @Option(help: "BM25 k1.") var k1: Float?
    @Option(help: "BM25 b.") var b: Float?
    @Option(help: "Hybrid weight of z(LSA).") var alpha: Float?
    @Flag(help: "Analyse and score like the sklearn peer (no stemming, sklearn stop words, k1=0.9, b=0.4).")
    var peerConfig = false
    @Flag(help: "Do not stem.") var noStem = false
    @Flag(help: "Print JSON.") var json = false

    func run() throws {
        let dataset = try BEIRDataset(directory: directory, qrelsPath: qrels)
        var evaluator = Evaluator()
        if !modes.isEmpty { evaluator.modes = try modes.map { try SearchMode.parse($0) } }
        var indexOptions = IndexerOptions()
        indexOptions.k = k
        if peerConfig {
            indexOptions.analyzer = .peerCompatible
            evaluator.query.k1 = 0.9
            evaluator.query.b = 0.4
        }
        if noStem { indexOptions.analyzer.stem = false }
        if let k1 { evaluator.query.k1 = k1 }
        if let b { evaluator.query.b = b }
        if let alpha { evaluator.query.alpha = alpha }
        let report = try evaluator.run(
            dataset, location: global.db.map { StoreLocation(explicit: $0) }, indexOptions: indexOptions,
            progress: global.progress)
        print(json ? try JSONOutput.encode(report) : report.text())
    }
}

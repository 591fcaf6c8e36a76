import ArgumentParser
import Foundation
import Core
import Store
import Indexing

struct IndexCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "index",
        abstract: "Refit the model: TF-IDF, randomized SVD (LSA) embeddings, BM25 postings.",
        discussion: "Replaces the previous model in one transaction; readers see the old or the new one.")

    @OptionGroup var global: GlobalOptions
    @Option(name: .short, help: "Latent dimensions.") var k: Int = 256
    @Option(help: "SVD oversampling p: blocks of k + p columns (default: measured).") var oversampling: Int?
    @Option(help: "SVD power iterations q before the Krylov blocks (default: measured).") var powerIterations: Int?
    @Option(help: "Random seed.") var seed: UInt64 = 0x5EED
    @Option(help: "Keep terms in at least this many papers.") var minDF: Int = 2
    @Option(help: "Keep terms in at most this share of papers.") var maxDF: Double = 0.5
    @Option(help: "Weight of title terms relative to abstract terms.") var titleWeight: Float = 1
    @Flag(help: "Do not stem (Snowball English is on by default).") var noStem = false
    @Flag(help: "Refit only when the index is stale (see 'info').") var ifStale = false
    @Flag(help: "Print JSON.") var json = false

    func run() throws {
        guard k >= 1 && k <= 4096 else {
            throw PaperSearchError.invalidOption(option: "-k", value: "\(k)", expected: "1 to 4096")
        }
        guard minDF >= 1 else {
            throw PaperSearchError.invalidOption(option: "--min-df", value: "\(minDF)", expected: ">= 1")
        }
        guard maxDF > 0 && maxDF <= 1 else {
            throw PaperSearchError.invalidOption(option: "--max-df", value: "\(maxDF)", expected: "a share in (0, 1]")
        }
        guard titleWeight > 0 && titleWeight <= 10 else {
            throw PaperSearchError.invalidOption(option: "--title-weight", value: "\(titleWeight)", expected: "(0, 10]")
        }
        let store = try PaperStore.open(global.location)
        if ifStale {
            let info = try StoreInfo.gather(store)
            if info.index.state == "current" {
                print("index is current (\(info.index.papersInModel) papers); nothing to do")
                return
            }
        }
        var options = IndexerOptions()
        options.k = k
        options.oversampling = oversampling
        options.powerIterations = powerIterations
        options.seed = seed
        options.minDF = minDF
        options.maxDFShare = maxDF
        options.titleWeight = titleWeight
        options.analyzer.stem = !noStem
        let summary = try Indexer(store: store).fit(options: options, progress: global.progress)
        if json {
            print(try JSONOutput.encode(summary))
        } else {
            let total = summary.seconds.values.reduce(0, +)
            let stages = summary.seconds.sorted { $0.key < $1.key }
                .map { String(format: "%@ %.2f s", $0.key, $0.value) }.joined(separator: ", ")
            print("indexed \(summary.papers) papers: \(summary.terms) terms, \(summary.lsaVocabulary) in LSA, "
                + "\(summary.nonZeros) non-zeros, k=\(summary.k) (p=\(summary.oversampling), q=\(summary.powerIterations))"
                + String(format: " in %.2f s", total))
            print("  \(stages)")
        }
    }
}

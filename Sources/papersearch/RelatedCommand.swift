import ArgumentParser
import Foundation
import PaperSearchKit

struct RelatedCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "related",
        abstract: "Papers most similar to a stored paper (cosine of LSA embeddings).",
        discussion: "ID: an arXiv id (2309.17453, 2309.17453v2, cs/0501001), an arxiv.org abs/pdf URL, or demo:0042.")

    @OptionGroup var global: GlobalOptions
    @Argument(help: ArgumentHelp("The paper.", valueName: "id")) var id: String
    @Option(name: [.customShort("n"), .customLong("limit")], help: "Number of results (1-1000).") var limit: Int = 10
    @Option(help: "Only papers in this arXiv category.") var category: String?
    @Option(help: "Only papers published on or after this day (YYYY-MM-DD).") var since: String?
    @Option(help: "Only papers published on or before this day (YYYY-MM-DD).") var until: String?
    @Option(help: "Only papers with this tag.") var tag: String?
    @Flag(help: "Print JSON.") var json = false
    @Flag(help: "Show why each paper ranked: top terms and latent concepts.") var explain = false

    func run() throws {
        var options = QueryOptions()
        options.limit = try CLIValidation.limit(limit)
        options.explain = explain
        options.filter = SearchFilter(
            category: category, since: try since.map { try CLIValidation.date($0, option: "--since") },
            until: try until.map { try CLIValidation.date($0, option: "--until") }, tag: tag)
        let store = try PaperStore.open(global.location, mode: .readOnly)
        let engine = try QueryEngine(store: store)
        let hits = try engine.related(to: id, options: options)
        if json {
            print(try ResultRenderer.json(hits, query: id, mode: "related"))
        } else {
            let renderer = ResultRenderer(color: ResultRenderer.stdoutWantsColor)
            print(renderer.text(hits, queryTerms: [], analyzer: engine.queryAnalyzer))
        }
    }
}

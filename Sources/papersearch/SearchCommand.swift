import ArgumentParser
import Foundation
import PaperSearchKit

struct SearchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "search",
        abstract: "Ranked papers for free text (the default command).",
        discussion: """
            Modes: hybrid (default: z(BM25) + 0.3 z(LSA cosine)), bm25, tfidf (cosine), lsa (cosine).
            Example: papersearch "long context retrieval" --category cs.CL --since 2023-01-01 -n 5
            """)

    @OptionGroup var global: GlobalOptions
    @Argument(help: ArgumentHelp("The query.", valueName: "text")) var words: [String] = []
    @Option(help: "Ranking: hybrid, lsa, tfidf, bm25.") var mode: String = "hybrid"
    @Option(name: [.customShort("n"), .customLong("limit")], help: "Number of results (1-1000).") var limit: Int = 10
    @Option(help: "Only papers in this arXiv category (e.g. cs.CL).") var category: String?
    @Option(help: "Only papers published on or after this day (YYYY-MM-DD).") var since: String?
    @Option(help: "Only papers published on or before this day (YYYY-MM-DD).") var until: String?
    @Option(help: "Only papers with this tag.") var tag: String?
    @Flag(help: "Print JSON.") var json = false
    @Flag(help: "Show why each paper ranked: top terms and latent concepts.") var explain = false

    func run() throws {
        let text = words.joined(separator: " ")
        var options = QueryOptions()
        options.mode = try SearchMode.parse(mode)
        options.limit = try CLIValidation.limit(limit)
        options.explain = explain
        options.filter = SearchFilter(
            category: category, since: try since.map { try CLIValidation.date($0, option: "--since") },
            until: try until.map { try CLIValidation.date($0, option: "--until") }, tag: tag)
        if text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
            throw PaperSearchError.emptyQuery(query: text)
        }
        let store = try PaperStore.open(global.location, mode: .readOnly)
        let engine = try QueryEngine(store: store)
        let hits = try engine.search(text, options: options)
        if json {
            print(try ResultRenderer.json(hits, query: text, mode: options.mode.rawValue))
        } else {
            let renderer = ResultRenderer(color: ResultRenderer.stdoutWantsColor)
            print(renderer.text(hits, queryTerms: Set(engine.queryTerms(text)), analyzer: engine.queryAnalyzer))
        }
    }
}

import ArgumentParser
import Foundation
import Core
import Store
import Search

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
    @OptionGroup var results: ResultOptions

    func run() throws {
        let text = words.joined(separator: " ")
        var options = try results.queryOptions()
        options.mode = try SearchMode.parse(mode)
        if text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
            throw PaperSearchError.emptyQuery(query: text)
        }
        let store = try PaperStore.open(global.location, mode: .readOnly)
        let (hits, analyzer) = try QueryEngine.withSnapshot(of: store) { engine in
            let analyzer = try engine.makeAnalyzer()
            return (try engine.search(text, options: options, analyzer: analyzer), analyzer)
        }
        if results.json {
            print(try ResultRenderer.json(hits, query: text, mode: options.mode.rawValue))
        } else {
            let renderer = ResultRenderer(color: ResultRenderer.stdoutWantsColor)
            print(renderer.text(hits, queryTerms: Set(analyzer.terms(text)), analyzer: analyzer))
        }
    }
}

import ArgumentParser
import Foundation
import Store
import Search

struct RelatedCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "related",
        abstract: "Papers most similar to a stored paper (cosine of LSA embeddings).",
        discussion: "ID: an arXiv id (2309.17453, 2309.17453v2, cs/0501001), an arxiv.org abs/pdf URL, or demo:0042.")

    @OptionGroup var global: GlobalOptions
    @Argument(help: ArgumentHelp("The paper.", valueName: "id")) var id: String
    @OptionGroup var results: ResultOptions

    func run() throws {
        let options = try results.queryOptions()
        let store = try PaperStore.open(global.location, mode: .readOnly)
        let (hits, analyzer) = try QueryEngine.withSnapshot(of: store) { engine in
            let analyzer = try engine.makeAnalyzer()
            return (try engine.related(to: id, options: options, analyzer: analyzer), analyzer)
        }
        if results.json {
            print(try ResultRenderer.json(hits, query: id, mode: "related"))
        } else {
            let renderer = ResultRenderer(color: ResultRenderer.stdoutWantsColor)
            print(renderer.text(hits, queryTerms: [], analyzer: analyzer))
        }
    }
}

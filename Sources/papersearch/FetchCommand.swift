import ArgumentParser
import Foundation
import Core
import Store
import Indexing
import ArxivAPI

struct FetchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fetch",
        abstract: "Fetch papers from the arXiv API (Atom) and store them.",
        discussion: """
            papersearch fetch --id 2309.17453 --id 2310.03025
            papersearch fetch --category cs.CL --from 2023-10-02 --to 2023-10-08
            Pages through results and waits 3 s between requests, as the arXiv API asks.
            """)

    @OptionGroup var global: GlobalOptions
    @Option(name: .customLong("id"), help: "arXiv id or abs URL (repeatable).") var ids: [String] = []
    @Option(help: "arXiv category, e.g. cs.CL.") var category: String?
    @Option(help: "First submission day (YYYY-MM-DD), with --category.") var from: String?
    @Option(help: "Last submission day (YYYY-MM-DD), with --category.") var to: String?
    @Option(help: ArgumentHelp("arXiv API endpoint.", visibility: .hidden))
    var apiURL: String = ProcessInfo.processInfo.environment["PAPERSEARCH_ARXIV_API"]
        ?? "https://export.arxiv.org/api/query"
    @Option(help: ArgumentHelp("Seconds between requests.", visibility: .hidden)) var delay: Double = 3
    @Flag(help: "Print JSON.") var json = false

    func validate() throws {
        if ids.isEmpty && category == nil {
            throw ValidationError("nothing to fetch, expected --id ID or --category CAT --from DATE --to DATE")
        }
        if !ids.isEmpty && category != nil {
            throw ValidationError("use either --id or --category, not both")
        }
        if category != nil && (from == nil || to == nil) {
            throw ValidationError("--category needs --from YYYY-MM-DD and --to YYYY-MM-DD")
        }
        if delay < 0 { throw ValidationError("--delay must be >= 0") }
    }

    func run() async throws {
        guard let base = URL(string: apiURL), base.scheme != nil else {
            throw PaperSearchError.invalidOption(option: "--api-url", value: apiURL, expected: "an http(s) URL")
        }
        let store = try PaperStore.open(global.location)
        let client = ArxivAPIClient(baseURL: base, delay: .milliseconds(Int(delay * 1000)))
        let progress = global.progress
        let report: @Sendable (Int, Int?) -> Void = { fetched, total in
            progress.update("fetched \(fetched)\(total.map { " of \($0)" } ?? "") papers")
        }
        let papers: [Paper]
        let label: String
        if let category, let from, let to {
            papers = try await client.fetch(category: category, from: from, to: to, progress: report)
            label = "arXiv API cat:\(category) \(from)..\(to)"
        } else {
            papers = try await client.fetch(ids: ids, progress: report)
            label = "arXiv API ids"
        }
        progress.finish()
        let summary = try PaperImporter(store: store).store(papers: papers, label: label)
        print(json ? try PaperImporter.Summary.json([summary]) : summary.text())
    }
}

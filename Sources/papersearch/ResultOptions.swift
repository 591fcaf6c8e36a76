import ArgumentParser
import Core
import Search

/// Options shared by the commands that list ranked papers (search, related).
struct ResultOptions: ParsableArguments {
    @Option(name: [.customShort("n"), .customLong("limit")], help: "Number of results (1-1000).") var limit: Int = 10
    @Option(help: "Only papers in this arXiv category (e.g. cs.CL).") var category: String?
    @Option(help: "Only papers published on or after this day (YYYY-MM-DD).") var since: String?
    @Option(help: "Only papers published on or before this day (YYYY-MM-DD).") var until: String?
    @Option(help: "Only papers with this tag.") var tag: String?
    @Flag(help: "Print JSON.") var json = false
    @Flag(help: "Show why each paper ranked: top terms and latent concepts.") var explain = false

    /// Query options with the limit, filter and explain flag validated and filled in.
    func queryOptions() throws -> QueryOptions {
        var options = QueryOptions()
        options.limit = try CLIValidation.limit(limit)
        options.explain = explain
        options.filter = SearchFilter(
            category: category, since: try since.map { try CLIValidation.date($0, option: "--since") },
            until: try until.map { try CLIValidation.date($0, option: "--until") }, tag: tag)
        return options
    }
}

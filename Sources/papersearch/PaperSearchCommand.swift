import ArgumentParser
import Core

/// The `papersearch` command: a query by default, or one of the subcommands.
struct PaperSearchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "papersearch",
        abstract: "Semantic search over scientific paper abstracts (TF-IDF, LSA, BM25) in one SQLite file.",
        discussion: """
            papersearch "long context retrieval"     ranked papers for free text
            papersearch import FILE...               import papers (arXiv JSONL/.gz, BEIR, digest, Atom)
            papersearch fetch --id 2309.17453        fetch papers from the arXiv API
            papersearch info                         what the index holds
            papersearch upgrade                      migrate an index of an older schema
            """,
        version: PaperSearchVersion.string,
        subcommands: [
            SearchCommand.self, RelatedCommand.self, ImportCommand.self, FetchCommand.self, AddCommand.self,
            IndexCommand.self, EvalCommand.self,
            InfoCommand.self, UpgradeCommand.self,
            TagCommand.self, TagsCommand.self, TopicsCommand.self,
        ],
        defaultSubcommand: SearchCommand.self)
}

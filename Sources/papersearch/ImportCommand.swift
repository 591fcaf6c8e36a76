import ArgumentParser
import Foundation
import Formats
import Store
import Indexing

struct ImportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Import paper files into the store (format detected from content).",
        discussion: """
            Formats: arxiv (arXiv metadata JSON lines: the Kaggle arxiv-metadata-oai-snapshot or the \
            arXiv API sample shape, plain or .gz), beir (BEIR corpus.jsonl), digest (weekly digest text), \
            atom (arXiv API Atom feed). All files are one transaction: a bad record (or Ctrl-C) leaves the \
            store as before the command unless --skip-invalid skips bad records. Re-importing updates papers whose version is newer and never duplicates.
            """)

    @OptionGroup var global: GlobalOptions
    @Argument(help: ArgumentHelp("Files to import.", valueName: "file")) var files: [String]
    @Option(help: "Force a format: arxiv, beir, digest, atom.") var format: String?
    @Option(help: "Id namespace for BEIR records (default: the corpus directory name).") var namespace: String?
    @Flag(help: "Skip and count invalid records instead of rolling the import back.") var skipInvalid = false
    @Flag(help: "Print JSON.") var json = false

    func validate() throws {
        if files.isEmpty { throw ValidationError("no file given, expected one or more paper files") }
    }

    func run() throws {
        let forced = try format.map { try ImportFormat.parse($0) }
        let store = try PaperStore.open(global.location)
        let importer = PaperImporter(store: store)
        let progress = global.progress
        // One transaction for all files: the summaries are printed once it has committed.
        let summaries = try importer.importFiles(
            files, options: .init(format: forced, skipInvalid: skipInvalid, namespace: namespace)
        ) { file, count in progress.update("importing \(file): \(count) records") }
        progress.finish()
        if json {
            print(try PaperImporter.Summary.json(summaries))
        } else {
            for summary in summaries { print(summary.text()) }
        }
    }
}

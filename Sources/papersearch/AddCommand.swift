import ArgumentParser
import Foundation
import Core
import Formats
import Store
import Indexing

struct AddCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "add",
        abstract: "Import files and fold their papers into the current model without a refit.")

    @OptionGroup var global: GlobalOptions
    @Argument(help: ArgumentHelp("Files to add.", valueName: "file")) var files: [String]
    @Option(help: "Force a format: arxiv, beir, digest, atom.") var format: String?
    @Flag(help: "Skip and count invalid records instead of rolling back.") var skipInvalid = false
    @Flag(help: "Print JSON.") var json = false

    func run() throws {
        let forced = try format.map { try ImportFormat.parse($0) }
        let store = try PaperStore.open(global.location)
        let summary = try IndexAdder(store: store).add(
            files: files, options: .init(format: forced, skipInvalid: skipInvalid), progress: global.progress)
        if json {
            print(try JSONOutput.encode(summary))
        } else {
            for file in summary.imports { print(file.text()) }
            var line = "folded \(summary.folded) papers into the model (\(summary.newTerms) new terms)"
            if let share = summary.meanCapturedShare {
                line += String(format: "; captured norm share %.3f (fit: %.3f)", share, summary.fittedCapturedMean)
            }
            line += String(format: " in %.2f s", summary.seconds)
            print(line)
            if summary.stale { print("the index is stale: run 'papersearch index' to refit") }
        }
    }
}

import ArgumentParser
import Foundation
import Core
import Store
import Search

struct TopicsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "topics",
        abstract: "The LSA model's latent components named by their top positive and negative terms.")

    @OptionGroup var global: GlobalOptions
    @Option(name: [.customShort("n"), .customLong("limit")], help: "Number of components (1-1000).") var limit: Int = 20
    @Option(help: "Terms at each end of a component (1-100).") var terms: Int = 8
    @Flag(help: "Print JSON.") var json = false

    func run() throws {
        let limit = try CLIValidation.limit(limit)
        guard (1...100).contains(terms) else {
            throw PaperSearchError.invalidOption(option: "--terms", value: "\(terms)", expected: "a number from 1 to 100")
        }
        let store = try PaperStore.open(global.location, mode: .readOnly)
        let topics = try LatentTopics.read(store, limit: limit, terms: terms)
        print(json ? try topics.json() : topics.text())
    }
}

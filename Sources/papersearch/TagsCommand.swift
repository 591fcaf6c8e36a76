import ArgumentParser
import Foundation
import Core
import Store

struct TagsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tags",
        abstract: "Tags as data: add or remove human tags, list tags with counts.",
        subcommands: [Add.self, Remove.self, List.self])

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Add human tags to a stored paper.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: ArgumentHelp("The paper (arXiv id, URL or demo:0042).", valueName: "id")) var id: String
        @Argument(help: ArgumentHelp("Tags (a leading # is dropped).", valueName: "tag")) var tags: [String]

        func run() throws {
            guard !tags.isEmpty else {
                throw PaperSearchError.invalidOption(option: "TAG", value: "", expected: "at least one tag")
            }
            let store = try PaperStore.open(global.location)
            let added = try store.addHumanTags(paper: id, tags: tags)
            print("added \(added) human tags to \(try PaperStore.paperID(id))")
        }
    }

    struct Remove: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Remove tags from a stored paper (human and predicted; arXiv categories stay).")
        @OptionGroup var global: GlobalOptions
        @Argument(help: ArgumentHelp("The paper (arXiv id, URL or demo:0042).", valueName: "id")) var id: String
        @Argument(help: ArgumentHelp("Tags.", valueName: "tag")) var tags: [String]

        func run() throws {
            guard !tags.isEmpty else {
                throw PaperSearchError.invalidOption(option: "TAG", value: "", expected: "at least one tag")
            }
            let store = try PaperStore.open(global.location)
            let removed = try store.removeTags(paper: id, tags: tags)
            print("removed \(removed) tags from \(try PaperStore.paperID(id))")
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Tags with the number of papers per origin, or one paper's tags.")
        @OptionGroup var global: GlobalOptions
        @Option(help: "Only this paper's tags.") var paper: String?
        @Flag(help: "Print JSON.") var json = false

        func run() throws {
            let store = try PaperStore.open(global.location, mode: .readOnly)
            let listing: TagListing
            if let paper {
                listing = TagListing(paper: try PaperStore.paperID(paper), tags: try store.tags(paper: paper))
            } else {
                listing = TagListing(counts: try store.tagCounts())
            }
            print(json ? try JSONOutput.encode(listing) : listing.text())
        }
    }
}

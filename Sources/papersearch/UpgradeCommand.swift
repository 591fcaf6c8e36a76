import ArgumentParser
import Core
import Store

struct UpgradeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "upgrade",
        abstract: "Apply the pending schema migrations to an index written by an older papersearch.",
        discussion: """
            Read-only commands (search, related, info, topics, tags list, tag without --apply/--add) never \
            change the file, so they refuse an index of an older schema and name this command. Write \
            commands (import, index, add, fetch, tags add/remove, tag --apply) upgrade it as they open it.
            """)

    @OptionGroup var global: GlobalOptions
    @Flag(help: "Print JSON.") var json = false

    func run() throws {
        let upgrade = try PaperStore.upgrade(global.location)
        if json {
            print(try JSONOutput.encode(upgrade))
        } else if upgrade.applied.isEmpty {
            print("'\(upgrade.path)' is at schema \(upgrade.toVersion) already; nothing to do")
        } else {
            print("upgraded '\(upgrade.path)' from schema \(upgrade.fromVersion) to \(upgrade.toVersion): applied \(upgrade.applied.joined(separator: ", "))")
        }
    }
}

import ArgumentParser
import Store

struct InfoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "info",
        abstract: "Show what the index holds: papers, tags, sources, index state, file.")

    @OptionGroup var global: GlobalOptions
    @Flag(help: "Print JSON.") var json = false

    func run() throws {
        let store = try PaperStore.open(global.location, mode: .readOnly)
        let info = try StoreInfo.gather(store)
        print(json ? try info.json() : info.text())
    }
}

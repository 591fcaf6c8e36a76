import ArgumentParser
import PaperSearchKit

/// Options every subcommand accepts.
struct GlobalOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp(
        "SQLite index file (default: $PAPERSEARCH_DB, else $XDG_DATA_HOME/papersearch/index.sqlite).",
        valueName: "path"))
    var db: String?

    @Flag(name: .shortAndLong, help: "No progress output on stderr.")
    var quiet = false

    var location: StoreLocation { StoreLocation(explicit: db) }
    var progress: ProgressReporter { ProgressReporter(quiet: quiet) }
}

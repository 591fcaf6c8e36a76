import ArgumentParser
import Store

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

extension GlobalOptions {
    /// `arguments` with global options written before a subcommand moved after it, so that
    /// `papersearch --db x.sqlite info` means `papersearch info --db x.sqlite` (ArgumentParser
    /// would otherwise hand everything to the default subcommand and search for "info").
    /// Anything else is returned unchanged.
    static func hoisted(_ arguments: [String], subcommands: Set<String>) -> [String] {
        var leading: [String] = []
        var i = 0
        while i < arguments.count {
            let argument = arguments[i]
            if argument == "--db", i + 1 < arguments.count {
                leading += [argument, arguments[i + 1]]
                i += 2
            } else if argument.hasPrefix("--db=") || argument == "--quiet" || argument == "-q" {
                leading.append(argument)
                i += 1
            } else {
                break
            }
        }
        guard !leading.isEmpty, i < arguments.count, subcommands.contains(arguments[i]) else { return arguments }
        return [arguments[i]] + leading + arguments[(i + 1)...]
    }
}

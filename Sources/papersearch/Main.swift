import ArgumentParser
import Foundation
import Core

/// Entry point: parses, dispatches, and maps failures to one stderr line and an exit code:
/// 0 success, 1 runtime failure (including a failed write to stdout), 2 usage error,
/// 130/143 interrupted by SIGINT/SIGTERM.
@main
enum Main {
    static func main() async {
        // First, while this is the only thread (see InterruptSignals).
        InterruptSignals.install()
        do {
            let names = Set(PaperSearchCommand.configuration.subcommands.map { $0._commandName })
            let arguments = GlobalOptions.hoisted(Array(CommandLine.arguments.dropFirst()), subcommands: names)
            var command = try PaperSearchCommand.parseAsRoot(arguments)
            if var asyncCommand = command as? AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
            try StandardOutput.check()
        } catch let error as PaperSearchError {
            fail(error.description, code: error.isUsage ? 2 : 1)
        } catch let exit as ExitCode {
            finish(exit.rawValue)
        } catch {
            let code = PaperSearchCommand.exitCode(for: error)
            if code == .success {
                // --help, --version: printed here rather than by exit(withError:), whose exit
                // would not look at the write.
                let text = PaperSearchCommand.fullMessage(for: error)
                if !text.isEmpty { print(text) }
                finish(0)
            }
            let message = PaperSearchCommand.message(for: error)
                .split(separator: "\n").first.map(String.init) ?? "\(error)"
            fail(message.replacingOccurrences(of: "Error: ", with: ""), code: code == .validationFailure ? 2 : 1)
        }
    }

    /// Exits with `code`, or with 1 and the error line when stdout could not be written.
    static func finish(_ code: Int32) -> Never {
        do {
            try StandardOutput.check()
        } catch {
            fail("\(error)", code: 1)
        }
        Foundation.exit(code)
    }

    static func fail(_ message: String, code: Int32) -> Never {
        FileHandle.standardError.write(Data("papersearch: error: \(message)\n".utf8))
        Foundation.exit(code)
    }
}

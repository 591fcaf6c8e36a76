import ArgumentParser
import Foundation
import PaperSearchKit

/// Entry point: parses, dispatches, and maps failures to one stderr line and an exit code:
/// 0 success, 1 runtime failure, 2 usage error.
@main
enum Main {
    static func main() async {
        do {
            let names = Set(PaperSearchCommand.configuration.subcommands.map { $0._commandName })
            let arguments = GlobalOptions.hoisted(Array(CommandLine.arguments.dropFirst()), subcommands: names)
            var command = try PaperSearchCommand.parseAsRoot(arguments)
            if var asyncCommand = command as? AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch let error as PaperSearchError {
            fail(error.description, code: error.isUsage ? 2 : 1)
        } catch let exit as ExitCode {
            Foundation.exit(exit.rawValue)
        } catch {
            let code = PaperSearchCommand.exitCode(for: error)
            if code == .success {
                PaperSearchCommand.exit(withError: error)  // --help, --version
            }
            let message = PaperSearchCommand.message(for: error)
                .split(separator: "\n").first.map(String.init) ?? "\(error)"
            fail(message.replacingOccurrences(of: "Error: ", with: ""), code: code == .validationFailure ? 2 : 1)
        }
    }

    static func fail(_ message: String, code: Int32) -> Never {
        FileHandle.standardError.write(Data("papersearch: error: \(message)\n".utf8))
        Foundation.exit(code)
    }
}

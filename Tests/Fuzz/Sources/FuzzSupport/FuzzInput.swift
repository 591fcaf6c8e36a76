import Foundation
import FuzzDriver
import Core
import Formats

/// What every fuzz target checks, through PaperSearchKit's public API only (so rewrites of
/// the parsers stay covered): an input is parsed to papers or to `PaperSearchError`s whose
/// messages are one line; anything else (a trap, another error type, a two-line message,
/// a paper without id or title) stops the fuzzer.
public enum FuzzInput {
    /// A per-process scratch file the readers open (they read paths, like the CLI does).
    nonisolated(unsafe) private static var scratch: String = {
        let dir = FileManager.default.fileExists(atPath: "/dev/shm") ? "/dev/shm" : NSTemporaryDirectory()
        return (dir as NSString).appendingPathComponent("papersearch-fuzz-\(getpid()).input")
    }()

    /// Writes `data` to the scratch file and reads every paper of it as `format`.
    public static func readAll(_ data: Data, format: ImportFormat) {
        guard FileManager.default.createFile(atPath: scratch, contents: data) else {
            fatalError("cannot write \(scratch)")
        }
        defer { unlink(scratch) }
        var reader: PaperFileReader
        do {
            reader = try PaperFileReader(path: scratch, format: format)
        } catch {
            check(error)
            return
        }
        // Record errors let reading go on; a file error repeats, so stop after it.
        var errors = 0
        while errors < 1_000_000 {
            do {
                guard let paper = try reader.next() else { return }
                check(paper)
            } catch {
                check(error)
                if case .malformedRecord = error as? PaperSearchError { errors += 1; continue }
                if case .missingField = error as? PaperSearchError { errors += 1; continue }
                if case .invalidUTF8 = error as? PaperSearchError { errors += 1; continue }
                if case .invalidArxivID = error as? PaperSearchError { errors += 1; continue }
                return
            }
        }
    }

    /// An error must be a `PaperSearchError` with a one-line message.
    public static func check(_ error: Error) {
        guard let error = error as? PaperSearchError else {
            fatalError("not a PaperSearchError: \(type(of: error)) \(error)")
        }
        checkOneLine(error.description)
    }

    /// A message must be printable on one stderr line.
    public static func checkOneLine(_ message: String) {
        if message.unicodeScalars.contains(where: { $0 == "\n" || $0 == "\r" || $0 == "\0" }) {
            fatalError("multi-line or NUL error message: \(message.debugDescription)")
        }
    }

    /// A parsed paper has an id and a title.
    public static func check(_ paper: Paper) {
        if paper.id.isEmpty { fatalError("paper without id: \(paper)") }
        if paper.title.isEmpty { fatalError("paper without title: \(paper.id)") }
    }
}

/// Runs libFuzzer's driver on `argv` with `body` as the per-input callback.
public enum FuzzMain {
    public static func run(_ body: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt) -> Never {
        var argc = CommandLine.argc
        var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
        exit(LLVMFuzzerRunDriver(&argc, &argv, body))
    }
}

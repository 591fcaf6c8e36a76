import Foundation
import Core

/// The terminal's `ProgressSink`: progress lines on stderr for long work, only when stderr is a
/// terminal and not `--quiet`.
/// Each update rewrites the current line; `finish` ends it.
///
/// `PAPERSEARCH_PROGRESS=1` in the environment turns progress on when stderr is not a terminal
/// (the interruption tests read it through a pipe); `--quiet` still wins.
final class ProgressReporter: ProgressSink, @unchecked Sendable {
    /// The one progress line of the process: every reporter writes to the same stderr, and the
    /// signal thread must know whether a line is open (`endOpenLine`), whichever reporter wrote it.
    private final class Line: @unchecked Sendable {
        let lock = NSLock()
        var open = false
    }

    private static let line = Line()

    private let enabled: Bool
    private var lastWrite: UInt64 = 0

    init(quiet: Bool) {
        enabled = !quiet && (isatty(STDERR_FILENO) == 1 || Self.forcedOn)
    }

    private static var forcedOn: Bool {
        guard let value = getenv("PAPERSEARCH_PROGRESS") else { return false }
        return String(cString: value) == "1"
    }

    /// Shows `message` (rate-limited to ~10 updates a second unless `force`).
    func update(_ message: String, force: Bool) {
        guard enabled else { return }
        let line = Self.line
        line.lock.lock()
        defer { line.lock.unlock() }
        let now = DispatchTime.now().uptimeNanoseconds
        guard force || now - lastWrite > 100_000_000 else { return }
        lastWrite = now
        line.open = true
        FileHandle.standardError.write(Data("\r\u{1B}[K\(message)".utf8))
    }

    /// Ends the progress line, optionally leaving a final message on it.
    func finish(_ message: String?) {
        guard enabled else { return }
        let line = Self.line
        line.lock.lock()
        defer { line.lock.unlock() }
        if let message {
            FileHandle.standardError.write(Data("\r\u{1B}[K\(message)\n".utf8))
        } else if line.open {
            FileHandle.standardError.write(Data("\r\u{1B}[K".utf8))
        }
        line.open = false
    }

    /// Ends an open progress line with a newline, keeping its last message visible (where the
    /// interrupted work stopped). Called from the signal thread; waits at most half a second for
    /// a writer holding the line, so a stderr nobody reads cannot keep the process alive.
    static func endOpenLine() {
        let line = Self.line
        guard line.lock.lock(before: Date(timeIntervalSinceNow: 0.5)) else { return }
        defer { line.lock.unlock() }
        if line.open { FileHandle.standardError.write(Data("\n".utf8)) }
        line.open = false
    }
}

import Foundation

/// Progress lines on stderr for long work, only when stderr is a terminal and not `--quiet`.
/// Each update rewrites the current line; `finish` ends it.
public final class ProgressReporter: @unchecked Sendable {
    private let enabled: Bool
    private let lock = NSLock()
    private var lastWrite: UInt64 = 0
    private var dirty = false

    public init(quiet: Bool) {
        enabled = !quiet && isatty(STDERR_FILENO) == 1
    }

    /// A silent reporter (tests, scripts).
    public static let silent = ProgressReporter(quiet: true)

    /// Shows `message` (rate-limited to ~10 updates a second unless `force`).
    public func update(_ message: String, force: Bool = false) {
        guard enabled else { return }
        lock.lock()
        defer { lock.unlock() }
        let now = DispatchTime.now().uptimeNanoseconds
        guard force || now - lastWrite > 100_000_000 else { return }
        lastWrite = now
        dirty = true
        FileHandle.standardError.write(Data("\r\u{1B}[K\(message)".utf8))
    }

    /// Ends the progress line, optionally leaving a final message on it.
    public func finish(_ message: String? = nil) {
        guard enabled else { return }
        lock.lock()
        defer { lock.unlock() }
        if let message {
            FileHandle.standardError.write(Data("\r\u{1B}[K\(message)\n".utf8))
        } else if dirty {
            FileHandle.standardError.write(Data("\r\u{1B}[K".utf8))
        }
        dirty = false
    }
}

@preconcurrency import Glibc
import Core

/// Command output goes through Swift's `print`, i.e. C stdio's buffered stdout, which records a
/// failed write (ENOSPC on a full disk, EIO) in its error flag and otherwise says nothing, and
/// `exit` flushes without looking. `check` flushes and turns such a failure into an error, so a
/// truncated output file never comes with exit status 0.
enum StandardOutput {
    /// C stdio's `stdout`, which `print` writes to: a C global variable, which Swift 6 accepts
    /// only through a `@preconcurrency` import (hence Glibc, not Foundation, in this file). It
    /// never changes after the process starts, and stdio locks each FILE itself.
    nonisolated(unsafe) static let stream = stdout

    /// Flushes stdout; throws `writeFailed` when this or an earlier write to it failed.
    /// EPIPE (the reader went away, SIGPIPE ignored) stays quiet, as SIGPIPE's default death is.
    static func check() throws {
        errno = 0
        let flushFailed = fflush(stream) != 0
        let code = errno
        guard flushFailed || ferror(stream) != 0 else { return }
        if code == EPIPE { return }
        // An earlier write failed and nothing was left to flush: its errno is gone.
        let reason = flushFailed && code != 0 ? String(cString: strerror(code)) : "write error"
        throw PaperSearchError.writeFailed(target: "standard output", reason: reason)
    }
}

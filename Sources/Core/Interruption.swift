import Foundation

/// Files that must not outlive the process (eval's temporary index and its -wal/-shm). Their
/// owner removes them when it is done; on SIGINT/SIGTERM `Interruption.cleanUp` removes
/// whatever is still registered, because the owner's `defer` never runs when the process ends
/// from the signal thread.
public enum TemporaryFiles {
    private final class Registry: @unchecked Sendable {
        let lock = NSLock()
        var paths: Set<String> = []
    }

    private static let registry = Registry()

    /// Registers `path` for removal on interruption; it need not exist yet.
    public static func register(_ path: String) {
        registry.lock.withLock { _ = registry.paths.insert(path) }
    }

    /// Forgets `path` (after its owner removed it, or kept it on purpose).
    public static func unregister(_ path: String) {
        registry.lock.withLock { _ = registry.paths.remove(path) }
    }

    /// Paths registered now (tests, diagnostics).
    public static var registered: Set<String> {
        registry.lock.withLock { registry.paths }
    }

    /// Unlinks every registered path that exists and forgets them all.
    static func removeAll() {
        let paths = registry.lock.withLock {
            defer { registry.paths = [] }
            return registry.paths
        }
        for path in paths { unlink(path) }
    }
}

/// What a command interrupted by SIGINT/SIGTERM must still do before the process ends: the
/// CLI's signal thread ends its open progress line, calls `cleanUp` and then ends the process
/// with `_exit(128 + signal)`.
/// The database needs nothing here: every command writes inside SQLite transactions, and an
/// uncommitted transaction is rolled back when the process dies (its WAL frames have no commit
/// frame), so the file stays as the last commit left it.
public enum Interruption {
    /// Removes the registered temporary files.
    public static func cleanUp() {
        TemporaryFiles.removeAll()
    }
}

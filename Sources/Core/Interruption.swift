import Foundation

/// Files that must not outlive the process (eval's temporary index and its -wal/-shm). Their
/// owner removes them when it is done; on SIGINT/SIGTERM the CLI's signal thread calls
/// `removeAll`, because the owner's `defer` never runs when the process ends from there.
/// The database needs nothing of the kind: every command writes inside SQLite transactions, and
/// an uncommitted transaction is rolled back when the process dies (its WAL frames have no
/// commit frame), so the file stays as the last commit left it.
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

    /// Unlinks every registered path that exists and forgets them all.
    public static func removeAll() {
        let paths = registry.lock.withLock {
            defer { registry.paths = [] }
            return registry.paths
        }
        for path in paths { unlink(path) }
    }
}

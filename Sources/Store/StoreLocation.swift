import Foundation
#if canImport(Glibc)
import Glibc
#endif
import Core

/// Where the SQLite file lives: `--db PATH`, else `$PAPERSEARCH_DB`, else
/// `$XDG_DATA_HOME/papersearch/index.sqlite` (`~/.local/share/papersearch/index.sqlite` when unset).
public struct StoreLocation: Sendable, Equatable {
    public let path: String
    /// True when the path is the XDG default, whose directory papersearch may create.
    public let isDefault: Bool

    public init(explicit: String?, environment: [String: String] = ProcessInfo.processInfo.environment) {
        if let explicit, !explicit.isEmpty {
            path = explicit
            isDefault = false
        } else if let fromEnv = environment["PAPERSEARCH_DB"], !fromEnv.isEmpty {
            path = fromEnv
            isDefault = false
        } else {
            let dataHome: String
            if let xdg = environment["XDG_DATA_HOME"], xdg.hasPrefix("/") {
                dataHome = xdg
            } else {
                let home = environment["HOME"] ?? NSHomeDirectory()
                dataHome = home + "/.local/share"
            }
            path = dataHome + "/papersearch/index.sqlite"
            isDefault = true
        }
    }

    public var exists: Bool { FileManager.default.fileExists(atPath: path) }

    /// What SQLite opens for a read-only command: `path` itself, or, when this process may not
    /// create files beside it (a read-only directory or mount) and there is no `-wal` file, an
    /// `immutable=1` URI. SQLite cannot read a WAL-mode file without creating its `-shm` file
    /// except as immutable; without a `-wal` every commit is in the main file, and no WAL writer
    /// can be at work, as it would have created one (only a process with more rights could).
    var readOnlyOpenPath: String {
        let dir = (path as NSString).deletingLastPathComponent
        guard access(dir.isEmpty ? "." : dir, W_OK) != 0, access(path + "-wal", F_OK) != 0 else { return path }
        return Self.immutableURI(path)
    }

    /// `path` as an SQLite URI filename with `immutable=1` (`?`, `#` and `%` percent-encoded).
    static func immutableURI(_ path: String) -> String {
        var allowed = CharacterSet.urlPathAllowed
        allowed.remove(charactersIn: "?#%")
        return "file:" + (path.addingPercentEncoding(withAllowedCharacters: allowed) ?? path) + "?immutable=1"
    }

    /// Checks that the database can be created or written here, creating the default
    /// directory when needed. Throws `.databaseLocation` quoting the path and the reason.
    func prepareForWriting() throws {
        let fm = FileManager.default
        var isDir: ObjCBool = false
        if fm.fileExists(atPath: path, isDirectory: &isDir) {
            if isDir.boolValue {
                throw PaperSearchError.databaseLocation(path: path, reason: "it is a directory, expected a file")
            }
            if !fm.isWritableFile(atPath: path) {
                throw PaperSearchError.databaseLocation(path: path, reason: "the file is read-only")
            }
            return
        }
        let dir = (path as NSString).deletingLastPathComponent
        let directory = dir.isEmpty ? "." : dir
        if !fm.fileExists(atPath: directory, isDirectory: &isDir) {
            if isDefault {
                do {
                    try fm.createDirectory(atPath: directory, withIntermediateDirectories: true)
                } catch {
                    throw PaperSearchError.databaseLocation(path: path, reason: "cannot create directory '\(directory)'")
                }
            } else {
                throw PaperSearchError.databaseLocation(path: path, reason: "directory '\(directory)' does not exist")
            }
        } else if !isDir.boolValue {
            throw PaperSearchError.databaseLocation(path: path, reason: "'\(directory)' is not a directory")
        }
        if !fm.isWritableFile(atPath: directory) {
            throw PaperSearchError.databaseLocation(path: path, reason: "directory '\(directory)' is read-only")
        }
    }
}

/// An open descriptor of the database file, used for an flock(2) around opening it: a writer
/// creates the file and holds an exclusive lock while it sets up WAL and migrates, a reader a
/// shared one while it checks the schema, so a second process waits for a half-created or
/// half-migrated file instead of tripping over it. Linux flock locks are independent of SQLite's
/// fcntl locks. The descriptor stays open as long as the store's connections (their
/// configuration keeps this object): closing any descriptor of the file drops the fcntl locks
/// SQLite holds on it in this process.
final class StoreFile: @unchecked Sendable {
    let path: String
    private let fd: Int32
    /// True when this process created the (empty) file.
    let created: Bool
    private let lock = NSLock()
    private var closed = false

    private init(path: String, fd: Int32, created: Bool) {
        self.path = path
        self.fd = fd
        self.created = created
    }

    deinit { close() }

    /// How often a waiting process retries the lock.
    static let pollMicroseconds: UInt32 = 5_000

    /// Opens (creating when absent) `path` and takes the exclusive lock, waiting up to `timeout`
    /// seconds. Throws `.databaseLocation` when the file cannot be created or opened for writing,
    /// `.database(reason: "database is locked ...")` when the lock stays taken.
    static func lockedForWriting(_ path: String, timeout: Double) throws -> StoreFile {
        let deadline = DispatchTime.now().uptimeNanoseconds + UInt64(timeout * 1e9)
        while true {
            var created = true
            var fd = Glibc.open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
            if fd < 0 && errno == EEXIST {
                created = false
                fd = Glibc.open(path, O_RDWR | O_CLOEXEC)
            }
            guard fd >= 0 else {
                let reason = String(cString: strerror(errno))
                let dir = (path as NSString).deletingLastPathComponent
                throw PaperSearchError.databaseLocation(
                    path: path, reason: "cannot create or open the file in '\(dir.isEmpty ? "." : dir)' for writing: \(reason)")
            }
            let file = StoreFile(path: path, fd: fd, created: created)
            guard file.take(LOCK_EX, deadline: deadline) else {
                throw PaperSearchError.database(path: path, reason: lockedReason)
            }
            // Another process that created the file may have removed it again after failing:
            // then this descriptor names a dead file; start over.
            if file.isStillAtPath { return file }
        }
    }

    /// Opens `path` for reading and takes the shared lock (waiting up to `timeout` seconds), so
    /// that a file another process is creating or migrating is read once that is done. Where the
    /// file system refuses locks, reads go ahead without one.
    static func lockedForReading(_ path: String, timeout: Double) throws -> StoreFile {
        let deadline = DispatchTime.now().uptimeNanoseconds + UInt64(timeout * 1e9)
        while true {
            let fd = Glibc.open(path, O_RDONLY | O_CLOEXEC)
            guard fd >= 0 else {
                if errno == ENOENT { throw PaperSearchError.noIndex(path: path) }
                throw PaperSearchError.databaseLocation(path: path, reason: "cannot open the file: \(String(cString: strerror(errno)))")
            }
            let file = StoreFile(path: path, fd: fd, created: false)
            guard file.take(LOCK_SH, deadline: deadline) else {
                throw PaperSearchError.database(path: path, reason: lockedReason)
            }
            if file.isStillAtPath { return file }
        }
    }

    /// Why a command gave up waiting for the lock.
    static let lockedReason = "database is locked (another papersearch is creating or upgrading it)"

    /// Takes `operation` (LOCK_EX / LOCK_SH), polling until `deadline`; false on timeout. On a file
    /// system without flock support (ENOLCK, EINVAL, EOPNOTSUPP) it returns true: the open goes
    /// ahead unlocked, as it did before the lock existed.
    private func take(_ operation: Int32, deadline: UInt64) -> Bool {
        while flock(fd, operation | LOCK_NB) != 0 {
            switch errno {
            case EINTR: continue
            case EWOULDBLOCK:
                if DispatchTime.now().uptimeNanoseconds >= deadline { return false }
                usleep(Self.pollMicroseconds)
            default:
                return true
            }
        }
        return true
    }

    /// Whether `path` still names the file this descriptor has open.
    private var isStillAtPath: Bool {
        var mine = stat(), current = stat()
        guard fstat(fd, &mine) == 0, stat(path, &current) == 0 else { return false }
        return mine.st_dev == current.st_dev && mine.st_ino == current.st_ino
    }

    /// Size of the open file in bytes.
    var size: Int {
        var info = stat()
        return fstat(fd, &info) == 0 ? Int(info.st_size) : -1
    }

    /// Lets other processes through (the descriptor stays open).
    func unlock() {
        lock.withLock { if !closed { _ = flock(fd, LOCK_UN) } }
    }

    /// Removes the file when this process created it and nothing was written to it (after a
    /// failed first open), so a failure leaves no empty database behind.
    func removeIfCreatedAndEmpty() {
        if created && size == 0 && isStillAtPath { unlink(path) }
    }

    /// Closes the descriptor (only once SQLite's connections to the file are closed; `deinit`
    /// does it otherwise).
    func close() {
        lock.withLock {
            if !closed {
                closed = true
                _ = Glibc.close(fd)
            }
        }
    }
}

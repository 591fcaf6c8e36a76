import Foundation
#if canImport(Glibc)
import Glibc
#endif

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
        // Permission bits do not tell everything (root, read-only mounts): try creating the file.
        let fd = Glibc.open(path, O_WRONLY | O_CREAT | O_EXCL, 0o644)
        if fd < 0 {
            let reason = String(cString: strerror(errno))
            throw PaperSearchError.databaseLocation(path: path, reason: "cannot create the file in '\(directory)': \(reason)")
        }
        close(fd)
        unlink(path)
    }
}

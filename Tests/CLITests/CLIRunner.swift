import Foundation
import XCTest

/// Runs the built `papersearch` executable as a whole process, like a user would.
struct CLIRunner {
    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// The executable under test: `$PAPERSEARCH_BIN` when set (Scripts/test.sh runs the crash-safety
    /// trials against the release build that way, since release and debug builds differ), else the
    /// one next to the test bundle (`swift test` builds it into the same directory).
    static func executable() throws -> URL {
        if let chosen = ProcessInfo.processInfo.environment["PAPERSEARCH_BIN"], !chosen.isEmpty {
            guard FileManager.default.isExecutableFile(atPath: chosen) else {
                throw CLIRunnerError.notExecutable(chosen)
            }
            return URL(fileURLWithPath: chosen)
        }
        var dir = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for _ in 0..<4 {
            let candidate = dir.appendingPathComponent("papersearch")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            dir = dir.deletingLastPathComponent()
        }
        for bundle in Bundle.allBundles {
            let candidate = bundle.bundleURL.deletingLastPathComponent().appendingPathComponent("papersearch")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
        }
        throw XCTSkip("papersearch executable not found next to the tests (build it with swift build)")
    }

    let database: String
    var environment: [String: String] = [:]

    /// The configured process for `papersearch ARGS`: `--db <database>` appended unless `noDB`.
    func process(_ arguments: [String], noDB: Bool = false) throws -> Process {
        let process = Process()
        process.executableURL = try Self.executable()
        process.arguments = noDB ? arguments : arguments + ["--db", database]
        var env = ProcessInfo.processInfo.environment
        env["NO_COLOR"] = "1"
        for (key, value) in environment { env[key] = value }
        process.environment = env
        process.standardInput = FileHandle.nullDevice
        return process
    }

    /// Runs `papersearch ARGS --db <database>`-style: `--db` is appended unless `noDB`.
    /// With `stdout`, the child writes its output there (e.g. /dev/full) and `Result.stdout` is empty.
    func run(_ arguments: [String], noDB: Bool = false, stdin: String? = nil, stdout: FileHandle? = nil) throws -> Result {
        let process = try process(arguments, noDB: noDB)
        let out = Pipe(), err = Pipe()
        process.standardOutput = stdout ?? out
        process.standardError = err
        try process.run()
        // Read both pipes before waiting so a large output cannot block the child.
        nonisolated(unsafe) var errData = Data()
        let errReader = Thread { errData = err.fileHandleForReading.readDataToEndOfFile() }
        errReader.start()
        if stdout != nil { try out.fileHandleForWriting.close() }
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        while !errReader.isFinished { usleep(1000) }
        return Result(
            status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
            stderr: String(decoding: errData, as: UTF8.self))
    }
}

enum CLIRunnerError: Error, CustomStringConvertible {
    case notExecutable(String)
    var description: String {
        switch self {
        case .notExecutable(let path): return "PAPERSEARCH_BIN='\(path)' is not an executable file"
        }
    }
}

/// Paths of the shared data beside the repository, when present.
enum SharedData {
    static var root: URL {
        // Tests/CLITests/CLIRunner.swift -> repo -> ../shared/data
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("shared/data")
    }

    static func file(_ relative: String) throws -> String {
        let url = root.appendingPathComponent(relative)
        guard FileManager.default.fileExists(atPath: url.path) else {
            throw XCTSkip("\(url.path) is absent (../shared/data beside the repo); skipping")
        }
        return url.path
    }

    static var repository: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
    }
}

import Foundation
import XCTest

/// A failed write to stdout is a failure: with stdout on /dev/full (every write fails with
/// ENOSPC, as on a full disk) a command prints one error line quoting the errno text and exits
/// 1 instead of leaving a truncated file behind a 0. A reader that goes away early (EPIPE, e.g.
/// `| head -1`) stays as quiet as it always was.
final class OutputErrorCLITests: DemoIndexTestCase {
    override class var demoK: Int { 8 }

    static let fullDiskLine = "papersearch: error: cannot write to standard output: No space left on device\n"

    func testSearchInfoAndHelpOnAFullDiskFailWithOneLine() throws {
        let cli = try demo()
        let full = try XCTUnwrap(FileHandle(forWritingAtPath: "/dev/full"), "no /dev/full")
        defer { try? full.close() }
        // Short outputs (only the final flush fails) and long ones (a write fails mid-way).
        for arguments in [
            ["long context"], ["search", "--json", "-n", "100", "long context retrieval"],
            ["info"], ["info", "--json"], ["related", "demo:0279"], ["--help"], ["--version"],
        ] {
            let result = try cli.run(arguments, stdout: full)
            XCTAssertEqual(result.status, 1, "\(arguments): \(result.stderr)")
            XCTAssertEqual(result.stderr, Self.fullDiskLine, "\(arguments)")
        }
        // The same commands to a pipe still succeed (the check costs nothing when writes work).
        let search = try cli.run(["long context"])
        XCTAssertEqual(search.status, 0, search.stderr)
        XCTAssertTrue(search.stdout.contains("demo:0279"), search.stdout)
    }

    func testAReaderThatClosesEarlyStaysQuiet() throws {
        let cli = try demo()
        for arguments in [["search", "--json", "-n", "300", "long context"], ["info", "--json"]] {
            let process = try cli.process(arguments)
            let out = Pipe(), err = Pipe()
            process.standardOutput = out
            process.standardError = err
            // No reader at all: the first write meets EPIPE (SIGPIPE).
            try out.fileHandleForReading.close()
            try process.run()
            try out.fileHandleForWriting.close()
            let stderr = err.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            XCTAssertEqual(String(decoding: stderr, as: UTF8.self), "", "\(arguments)")
            // As before: SIGPIPE's default action ends the process, status 141 in a shell.
            XCTAssertEqual(process.terminationReason, .uncaughtSignal, "\(arguments)")
            XCTAssertEqual(process.terminationStatus, SIGPIPE, "\(arguments)")
        }
    }
}

import CSparseKernels
import Foundation
import XCTest
@testable import NumericKernels

/// The run-time choice of numerics that Scripts/test.sh uses for its second run: `PAPERSEARCH_BLAS`
/// and `PAPERSEARCH_LAPACK` pick the libraries CNumericsLoader opens, `PAPERSEARCH_SPARSE_KERNELS=portable`
/// the portable sparse kernels. These tests check that the process really runs what the environment
/// asks for (else the second run would silently test the default twice).
final class NumericsSelectionTests: XCTestCase {
    /// The files mapped into this process, resolved (/proc/self/maps names the real files).
    func mappedFiles() throws -> Set<String> {
        // Read to the end: /proc files report size 0, and a sized read stops after the first page.
        guard let handle = FileHandle(forReadingAtPath: "/proc/self/maps") else { return [] }
        defer { try? handle.close() }
        let maps = String(decoding: try handle.readToEnd() ?? Data(), as: UTF8.self)
        return Set(maps.split(separator: "\n").compactMap { line in
            line.split(separator: " ", omittingEmptySubsequences: true).dropFirst(5).first.map(String.init)
        })
    }

    /// The real file behind `path`, every symlink followed (Debian's alternatives chain two).
    func resolved(_ path: String) -> String {
        guard let real = realpath(path, nil) else { return path }
        defer { free(real) }
        return String(cString: real)
    }

    func testTheChosenBLASAndLAPACKAreTheOnesLoaded() throws {
        // One BLAS (sgemm) and one LAPACK(E) call load the libraries.
        let a = DenseMatrix(rows: 2, cols: 3, storage: [1, 2, 3, 4, 5, 6])
        XCTAssertEqual(BLAS.multiply(a, a, transposeB: true), DenseMatrix(rows: 2, cols: 2, storage: [14, 32, 32, 77]))
        var q = NumericsTestSupport.gaussian(rows: 6, cols: 3, seed: 1)
        try LAPACK.thinQR(&q)
        let mapped = try mappedFiles()
        let environment = ProcessInfo.processInfo.environment
        let blas = environment["PAPERSEARCH_BLAS"].flatMap { $0.isEmpty ? nil : $0 }
            ?? "/usr/lib/x86_64-linux-gnu/libblas.so.3"
        guard FileManager.default.fileExists(atPath: blas) else {
            throw XCTSkip("\(blas) not found (not a Debian x86-64 layout)")
        }
        XCTAssertTrue(mapped.contains(resolved(blas)), "\(resolved(blas)) not mapped; mapped: \(mapped.sorted())")
        if let lapack = environment["PAPERSEARCH_LAPACK"], !lapack.isEmpty {
            XCTAssertTrue(mapped.contains(resolved(lapack)), "\(resolved(lapack)) not mapped")
            // Nothing else may provide LAPACK: the default (OpenBLAS) LAPACK is not loaded.
            let defaultLAPACK = resolved("/usr/lib/x86_64-linux-gnu/liblapack.so.3")
            if defaultLAPACK != resolved(lapack) { XCTAssertFalse(mapped.contains(defaultLAPACK)) }
        }
    }

    func testPortableSparseKernelsOnRequest() {
        if ProcessInfo.processInfo.environment["PAPERSEARCH_SPARSE_KERNELS"] == "portable" {
            XCTAssertEqual(papersearch_sparse_kernels_vectorized(), 0)
        } else {
            // On x86-64 the AVX2 + FMA kernels are taken exactly when the CPU has both.
            let cpu = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)) ?? ""
            let flags = Set(cpu.split(separator: "\n").first { $0.hasPrefix("flags") }?
                .split(separator: " ").map(String.init) ?? [])
            #if arch(x86_64)
            XCTAssertEqual(papersearch_sparse_kernels_vectorized() == 1, flags.contains("avx2") && flags.contains("fma"))
            #endif
        }
    }
}

import Foundation
import Core
import NumericKernels

/// Exact k nearest candidates of a batch of unit vectors by cosine similarity: one
/// `cblas_sgemm` per block of queries (S = Q C^T), blocks sized so S stays under
/// `maxScoreBytes`, then a per-row top-k scan on every core. A candidate is eligible for a
/// query only when its date key is below the query's cutoff. Ties go to the smaller pid.
struct NeighbourSearch {
    /// Candidate rows: nc x k unit embeddings, their pids and date keys (Int64.min when unknown,
    /// Int64.max for a row that never votes).
    var embeddings: [Float] = []
    var pids: [Int64] = []
    var dates: [Int64] = []
    /// Rows that may vote (the others carry the date Int64.max).
    var eligible = 0
    let k: Int

    /// Largest score block held at once. Measured (OpenBLAS 0.3.21, 2 threads, 1,000 queries x
    /// 105,720 candidates x 256): 32 MB blocks (79 queries per sgemm) 0.58 s, 64 MB 0.49 s, 128 MB
    /// 0.40 s, one 423 MB block 0.36 s; 128 MB keeps most of the speed at a bounded size.
    static let maxScoreBytes = 128 * 1024 * 1024

    /// Seconds in sgemm and in the top-k scans during the last `search`.
    private(set) var gemmSeconds = 0.0
    private(set) var scanSeconds = 0.0

    init(k: Int) { self.k = k }

    var count: Int { pids.count }

    /// For each of the n queries (row-major n x k), its `neighbours` best eligible candidates,
    /// most similar first. `cutoffs[i]`: only candidates with date < cutoffs[i].
    mutating func search(_ queries: [Float], cutoffs: [Int64], neighbours: Int) -> [[TagVoter.Neighbour]] {
        let n = cutoffs.count
        let nc = count
        var result = [[TagVoter.Neighbour]](repeating: [], count: n)
        guard n > 0, nc > 0, neighbours > 0 else { return result }
        let block = max(1, min(n, Self.maxScoreBytes / (4 * nc)))
        // sgemm with beta = 0 writes every score, so the buffer needs no zeroing.
        let scoreBlock = LargeFloatBuffer(count: block * nc)
        // The buffer must outlive every use of its pointer below.
        defer { withExtendedLifetime(scoreBlock) {} }
        let scores = scoreBlock.pointer
        let threads = ProcessInfo.processInfo.activeProcessorCount
        // When every candidate is older than every cutoff the scan skips the date test.
        let newest = dates.max() ?? Int64.min
        let allEligible = eligible == count && cutoffs.allSatisfy { $0 > newest }
        gemmSeconds = 0
        scanSeconds = 0
        for start in stride(from: 0, to: n, by: block) {
            let rows = min(block, n - start)
            var t0 = DispatchTime.now().uptimeNanoseconds
            queries.withUnsafeBufferPointer { q in
                embeddings.withUnsafeBufferPointer { c in
                    guard let qp = q.baseAddress, let cp = c.baseAddress, let sp = scores.baseAddress else { return }
                    BLAS.sgemm(
                        transposeA: false, transposeB: true, m: rows, n: nc, k: k, alpha: 1,
                        a: qp + start * k, lda: k, b: cp, ldb: k, beta: 0, c: sp, ldc: nc)
                }
            }
            var t1 = DispatchTime.now().uptimeNanoseconds
            gemmSeconds += Double(t1 - t0) / 1e9
            t0 = t1
            // Each part scans its own rows of the block and fills its own slot.
            let parts = min(threads, rows)
            nonisolated(unsafe) let s = UnsafeBufferPointer(scores)
            let collected = UnsafeMutableBufferPointer<[[TagVoter.Neighbour]]>.allocate(capacity: parts)
            collected.initialize(repeating: [])
            defer {
                _ = collected.deinitialize()
                collected.deallocate()
            }
            nonisolated(unsafe) let out = collected
            pids.withUnsafeBufferPointer { pidBuffer in
                dates.withUnsafeBufferPointer { dateBuffer in
                    nonisolated(unsafe) let pidBuffer = pidBuffer, dateBuffer = dateBuffer
                    DispatchQueue.concurrentPerform(iterations: parts) { part in
                        var local: [[TagVoter.Neighbour]] = []
                        for r in (rows * part / parts)..<(rows * (part + 1) / parts) {
                            local.append(Self.top(
                                UnsafeBufferPointer(rebasing: s[(r * nc)..<((r + 1) * nc)]),
                                pids: pidBuffer, dates: dateBuffer, cutoff: allEligible ? nil : cutoffs[start + r],
                                k: neighbours))
                        }
                        out[part] = local
                    }
                }
            }
            let found = Array(collected)
            t1 = DispatchTime.now().uptimeNanoseconds
            scanSeconds += Double(t1 - t0) / 1e9
            var r = start
            for part in found {
                for list in part {
                    result[r] = list
                    r += 1
                }
            }
        }
        return result
    }

    /// The k best eligible entries of one score row (insertion into a sorted buffer).
    static func top(
        _ scores: UnsafeBufferPointer<Float>, pids: UnsafeBufferPointer<Int64>, dates: UnsafeBufferPointer<Int64>,
        cutoff: Int64?, k: Int
    ) -> [TagVoter.Neighbour] {
        let limit = cutoff ?? Int64.max
        let check = cutoff != nil
        var best: [(score: Float, pid: Int64, index: Int)] = []
        best.reserveCapacity(k + 1)
        var floor = -Float.infinity
        for j in 0..<scores.count {
            let s = scores[j]
            if s < floor || (check && dates[j] >= limit) { continue }
            let pid = pids[j]
            if best.count == k {
                let last = best[k - 1]
                if !(s > last.score || (s == last.score && pid < last.pid)) { continue }
                best.removeLast()
            }
            var i = best.count
            while i > 0 && (s > best[i - 1].score || (s == best[i - 1].score && pid < best[i - 1].pid)) { i -= 1 }
            best.insert((s, pid, j), at: i)
            if best.count == k, let last = best.last { floor = last.score }
        }
        return best.map { TagVoter.Neighbour(candidate: $0.index, similarity: $0.score) }
    }
}

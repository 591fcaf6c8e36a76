import Foundation
import GRDB
import XCTest
@testable import Core
@testable import Store
@testable import Tagging


/// Voting, metrics, ISO weeks and tags as data (hand-made examples with exact expected values).
final class TaggingTests: XCTestCase {
    // Candidates 0..3 carry tags: 0 {0, 1}, 1 {0}, 2 {1, 2}, 3 {2}.
    let tags: [[Int32]] = [[0, 1], [0], [1, 2], [2]]
    let neighbours = [
        TagVoter.Neighbour(candidate: 0, similarity: 0.8), TagVoter.Neighbour(candidate: 1, similarity: 0.6),
        TagVoter.Neighbour(candidate: 2, similarity: 0.4), TagVoter.Neighbour(candidate: 3, similarity: 0.2),
    ]

    func options(power: Float, threshold: Float, top: Int = 5) -> TaggingOptions {
        var o = TaggingOptions()
        o.power = power
        o.threshold = threshold
        o.top = top
        o.halfLife = nil
        return o
    }

    func testVotingWeightsBySimilarity() {
        // Weights 0.8, 0.6, 0.4, 0.2 (sum 2.0): tag 0 = 1.4 / 2 = 0.7, tag 1 = 1.2 / 2 = 0.6, tag 2 = 0.6 / 2 = 0.3.
        let votes = TagVoter.vote(neighbours, tags: { self.tags[$0] }, options: options(power: 1, threshold: 0.5))
        XCTAssertEqual(votes.map(\.tag), [0, 1])
        XCTAssertEqual(votes[0].confidence, 0.7, accuracy: 1e-6)
        XCTAssertEqual(votes[1].confidence, 0.6, accuracy: 1e-6)
        XCTAssertEqual(votes[0].supporters, [0, 1])
        XCTAssertEqual(votes[1].supporters, [0, 2])
        let all = TagVoter.scores(neighbours, tags: { self.tags[$0] }, power: 1)
        XCTAssertEqual(all.map(\.tag), [0, 1, 2])
        XCTAssertEqual(all[2].confidence, 0.3, accuracy: 1e-6)
    }

    func testVotingPowerThresholdAndCap() {
        // Weights squared: 0.64, 0.36, 0.16, 0.04 (sum 1.2): tag 0 = 1.0 / 1.2, tag 1 = 0.8 / 1.2, tag 2 = 0.2 / 1.2.
        let all = TagVoter.scores(neighbours, tags: { self.tags[$0] }, power: 2)
        XCTAssertEqual(all[0].confidence, 1.0 / 1.2, accuracy: 1e-6)
        XCTAssertEqual(all[1].confidence, 0.8 / 1.2, accuracy: 1e-6)
        XCTAssertEqual(all[2].confidence, 0.2 / 1.2, accuracy: 1e-6)
        // Above every confidence: the best tag is still kept.
        let forced = TagVoter.vote(neighbours, tags: { self.tags[$0] }, options: options(power: 2, threshold: 0.9))
        XCTAssertEqual(forced.map(\.tag), [0])
        // Threshold 0 would keep all three; the cap keeps two.
        let capped = TagVoter.vote(neighbours, tags: { self.tags[$0] }, options: options(power: 2, threshold: 0, top: 2))
        XCTAssertEqual(capped.map(\.tag), [0, 1])
        // Evidence is cut to the option's count.
        var one = options(power: 1, threshold: 0.5)
        one.evidence = 1
        XCTAssertEqual(TagVoter.vote(neighbours, tags: { self.tags[$0] }, options: one).map(\.supporters), [[0], [0]])
    }

    func testVotingIgnoresNegativeSimilarityAndAppliesFactor() {
        let list = [
            TagVoter.Neighbour(candidate: 1, similarity: 0.5, factor: 0.5),  // weight 0.25, tag 0
            TagVoter.Neighbour(candidate: 3, similarity: 0.25),  // weight 0.25, tag 2
            TagVoter.Neighbour(candidate: 2, similarity: -0.3),  // weight 0
        ]
        let all = TagVoter.scores(list, tags: { self.tags[$0] }, power: 1)
        // Tie at 0.5: tag 0 before tag 2 (ids are in name order); tag 1 only from the negative neighbour.
        XCTAssertEqual(all.map(\.tag), [0, 2, 1])
        XCTAssertEqual(all[0].confidence, 0.5, accuracy: 1e-6)
        XCTAssertEqual(all[1].confidence, 0.5, accuracy: 1e-6)
        XCTAssertEqual(all[2].confidence, 0, accuracy: 1e-6)
        XCTAssertTrue(TagVoter.vote([TagVoter.Neighbour(candidate: 0, similarity: -1)], tags: { self.tags[$0] },
                                    options: options(power: 1, threshold: 0)).isEmpty)
    }

    func testRecencyFactorAndDayNumbers() {
        XCTAssertEqual(BatchTagger.dayNumber(19700101000000), 0)
        XCTAssertEqual(BatchTagger.dayNumber(20000301000000), 11017)
        XCTAssertEqual(BatchTagger.dayNumber(20251001120000), 20362)
        XCTAssertNil(BatchTagger.dayNumber(Int64.max))
        XCTAssertEqual(TaggedCorpus.dateKey("2025-10-01 12:34:56"), 20251001123456)
        XCTAssertEqual(TaggedCorpus.dateKey("2025-10-01"), 20251001000000)
        XCTAssertNil(TaggedCorpus.dateKey("n/a"))
        var search = NeighbourSearch(k: 1)
        search.dates = [20250101000000, 20250701000000]  // 181 and 0 days before 2025-07-01
        var o = TaggingOptions()
        o.halfLife = 181
        let decayed = BatchTagger.decayed(
            [TagVoter.Neighbour(candidate: 0, similarity: 1), TagVoter.Neighbour(candidate: 1, similarity: 1)],
            cutoff: 20250701000000, search: search, options: o)
        XCTAssertEqual(decayed[0].factor, 0.5, accuracy: 1e-6)
        XCTAssertEqual(decayed[1].factor, 1, accuracy: 1e-6)
    }

    func testNeighbourSearchIsExactAndRespectsCutoffs() {
        // 2-d unit vectors; query (1, 0).
        var search = NeighbourSearch(k: 2)
        search.embeddings = [1, 0, 0.6, 0.8, 0, 1, 0.8, 0.6]
        search.pids = [10, 11, 12, 13]
        search.dates = [5, 5, 5, 9]
        search.eligible = 4
        let all = search.search([1, 0], cutoffs: [Int64.max], neighbours: 3)
        XCTAssertEqual(all[0].map(\.candidate), [0, 3, 1])
        XCTAssertEqual(all[0].map(\.similarity), [1, 0.8, 0.6])
        let before = search.search([1, 0, 0, 1], cutoffs: [9, 6], neighbours: 2)
        XCTAssertEqual(before[0].map(\.candidate), [0, 1])  // candidate 3 (date 9) is not before 9
        XCTAssertEqual(before[1].map(\.candidate), [2, 1])
    }

    func testMetricsAgainstHandComputedValues() {
        // Paper 1: P {a, b}, T {a}: 1 hit, F1 2/3. Paper 2: P {c}, T {a, c}: 1 hit, F1 2/3.
        // Paper 3: P {}, T {b}: F1 0. TP 2, FP 1, FN 2: micro-F1 = 4 / 7; samples-F1 = 4 / 9; P@1 = 2 / 3.
        let m = TagMetrics(predicted: [["a", "b"], ["c"], []], truth: [["a"], ["a", "c"], ["b"]])
        XCTAssertEqual(m.truePositives, 2)
        XCTAssertEqual(m.falsePositives, 1)
        XCTAssertEqual(m.falseNegatives, 2)
        XCTAssertEqual(m.microF1, 4.0 / 7.0, accuracy: 1e-12)
        XCTAssertEqual(m.samplesF1, 4.0 / 9.0, accuracy: 1e-12)
        XCTAssertEqual(m.precisionAt1, 2.0 / 3.0, accuracy: 1e-12)
        // The best-ranked tag decides precision@1, not set membership.
        XCTAssertEqual(TagMetrics(predicted: [["x", "a"]], truth: [["a"]]).precisionAt1, 0)
        XCTAssertEqual(TagMetrics(predicted: [], truth: []).microF1, 0)
    }

    func testPidTableMatchesADictionary() {
        var table = PidTable<Int>(maxPid: 10)
        var reference: [Int64: Int] = [:]
        let big = PidTable<Int>.denseLimit + 5
        for (pid, value) in [(Int64(5), 7), (1000, 3), (big, 9), (-1, 4), (0, 1), (5, 8)] {
            table[pid] = value
            reference[pid] = value
        }
        table[1000] = nil
        reference[1000] = nil
        table[2_000_000] = nil  // clearing an absent pid does not grow the table
        for pid in [Int64(-1), 0, 1, 5, 10, 11, 999, 1000, 2_000_000, big, big + 1] {
            XCTAssertEqual(table[pid], reference[pid], "pid \(pid)")
        }
    }

    func testISOWeeks() {
        XCTAssertEqual(ISOWeek.days("2025-W40")?.first, "2025-09-29")
        XCTAssertEqual(ISOWeek.days("2025-W40")?.last, "2025-10-05")
        XCTAssertEqual(ISOWeek.days("2020-W53")?.first, "2020-12-28")
        XCTAssertEqual(ISOWeek.days("2020-W53")?.last, "2021-01-03")
        XCTAssertEqual(ISOWeek.days("2023-w01")?.first, "2023-01-02")
        XCTAssertNil(ISOWeek.days("2021-W53"))
        XCTAssertNil(ISOWeek.days("2025-40"))
        XCTAssertNil(ISOWeek.days("2025-W4"))
    }

    // MARK: - Tags as data

    func makeStore() throws -> (PaperStore, URL) {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("ps-tags-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let store = try PaperStore.open(StoreLocation(explicit: directory.appendingPathComponent("t.sqlite").path))
        try store.write { db in
            try PaperStore.upsert(
                Paper(id: "2401.00001", version: 1, title: "A", abstract: "a", categories: ["cs.CL", "cs.IR"],
                      published: "2024-01-02 10:00:00", source: .arxivJSONL, tags: ["rag"]),
                now: "2024-01-05T00:00:00Z", in: db)
            try PaperStore.upsert(
                Paper(id: "demo:0002", title: "B", abstract: "b", categories: ["cs.LG"], source: .demo),
                now: "2024-01-05T00:00:00Z", in: db)
        }
        return (store, directory)
    }

    func testTagsAddRemoveList() throws {
        let (store, directory) = try makeStore()
        defer { try? FileManager.default.removeItem(at: directory) }
        XCTAssertEqual(try store.addHumanTags(paper: "https://arxiv.org/abs/2401.00001v1", tags: ["#llm", "rag"]), 1)
        XCTAssertEqual(try store.addHumanTags(paper: "demo:0002", tags: ["llm"]), 1)
        XCTAssertThrowsError(try store.addHumanTags(paper: "2401.99999", tags: ["x"])) {
            XCTAssertEqual($0 as? PaperSearchError, .unknownPaper(id: "2401.99999"))
        }
        XCTAssertThrowsError(try store.addHumanTags(paper: "demo:0002", tags: ["two words"]))
        let counts = try store.tagCounts()
        XCTAssertEqual(counts.map(\.tag), ["llm", "cs.CL", "cs.IR", "cs.LG", "rag"])
        XCTAssertEqual(counts[0], TagListing.Count(tag: "llm", human: 2, category: 0, predicted: 0, papers: 2))
        let tags = try store.tags(paper: "2401.00001")
        XCTAssertEqual(tags.map(\.tag), ["llm", "rag", "cs.CL", "cs.IR"])
        XCTAssertEqual(tags.map(\.origin), ["human", "human", "arxiv-category", "arxiv-category"])
        // Removing a category leaves it (it follows the paper's categories); removing a human tag works.
        XCTAssertEqual(try store.removeTags(paper: "2401.00001", tags: ["cs.CL", "llm"]), 1)
        XCTAssertEqual(try store.tags(paper: "2401.00001").map(\.tag), ["rag", "cs.CL", "cs.IR"])
    }

    func testPredictionsNeverTouchHumanTags() throws {
        let (store, directory) = try makeStore()
        defer { try? FileManager.default.removeItem(at: directory) }
        let before = try store.tags(paper: "2401.00001").filter { $0.origin == "human" }
        let missing = try store.storePredictions(
            [(paper: "2401.00001", tags: [(tag: "rag", confidence: 0.9), (tag: "llm", confidence: 0.6)]),
             (paper: "2401.77777", tags: [(tag: "llm", confidence: 0.5)])],
            model: "knn-k50@test", now: "2024-02-01T00:00:00Z")
        XCTAssertEqual(missing, ["2401.77777"])
        var tags = try store.tags(paper: "2401.00001")
        XCTAssertEqual(tags.filter { $0.origin == "human" }, before)
        XCTAssertEqual(before.first?.createdAt, "2024-01-05T00:00:00Z")
        let predicted = tags.filter { $0.origin == "predicted" }
        XCTAssertEqual(predicted.map(\.tag), ["llm"])  // "rag" is already a human tag
        XCTAssertEqual(predicted.first?.model, "knn-k50@test")
        XCTAssertEqual(predicted.first?.confidence ?? 0, 0.6, accuracy: 1e-6)
        // A new prediction replaces the old predicted rows only.
        _ = try store.storePredictions(
            [(paper: "2401.00001", tags: [(tag: "agents", confidence: 0.7)])], model: "knn-k50@test2")
        tags = try store.tags(paper: "2401.00001")
        XCTAssertEqual(tags.filter { $0.origin == "human" }, before)
        XCTAssertEqual(tags.filter { $0.origin == "predicted" }.map(\.tag), ["agents"])
        XCTAssertEqual(tags.filter { $0.origin == "arxiv-category" }.count, 2)
    }
}

import Foundation
import Core
import Formats
import Store

/// Batch tagging by kNN tag propagation (read path: reads the model and papers, writes only
/// predicted tags through the store).
///
/// Each paper of the batch gets a unit embedding (the model's own row when it is in the
/// model, else its title and abstract folded in, see `TextEmbedder`). The whole batch is scored
/// against the tagged papers published before it with `NeighbourSearch` (one sgemm per
/// block), and each paper's k nearest vote its tags (`TagVoter`).
public final class BatchTagger {
    public let store: PaperStore
    public let metadata: ModelMetadata
    /// The model's document rows, loading on their own thread from `init` on, so that reading
    /// the input, folding texts in and loading the tag table overlap with it.
    private let model: BackgroundValue<LoadedModel>
    /// Start of `init` (for the in-process wall time).
    private let started: Double
    private let cpuStarted: Double

    /// The document rows of the model and the live row of each pid.
    struct LoadedModel: Sendable {
        var metadata: ModelMetadata
        var documents: ModelReader.Documents
        var rowByPid: PidTable<Int>
    }

    /// Seconds spent in each step of the last call. The loads run on their own threads and
    /// overlap the other steps, so `wall` (from `init` to the report) is less than their sum.
    public struct Timings: Codable, Sendable, Equatable {
        /// Loading the model's embeddings (background thread, from `init`).
        public var load = 0.0
        /// Loading the evidence tags (background thread).
        public var tags = 0.0
        /// Reading the inputs and folding texts in (calling thread).
        public var embed = 0.0
        /// Waiting for the loads after the embedding step.
        public var wait = 0.0
        public var gather = 0.0
        public var gemm = 0.0
        public var scan = 0.0
        public var vote = 0.0
        /// In-process wall time from `init` to the finished report.
        public var wall = 0.0
        /// Process CPU seconds (all threads) over the same span.
        public var cpu = 0.0
    }
    public private(set) var timings = Timings()

    public init(store: PaperStore) throws {
        started = Self.now()
        cpuStarted = Self.cpuNow()
        self.store = store
        let path = store.location.path
        guard let meta = try store.modelMetadata() else {
            throw PaperSearchError.noIndex(path: path)
        }
        metadata = meta
        model = BackgroundValue {
            // Metadata and rows from one snapshot: one model, even during a re-index.
            guard let (meta, documents) = try store.modelDocuments() else { throw PaperSearchError.noIndex(path: path) }
            var rows = PidTable<Int>(maxPid: documents.pids.max() ?? 0)
            for (row, pid) in documents.pids.enumerated() where !documents.dead.contains(row) { rows[pid] = row }
            return LoadedModel(metadata: meta, documents: documents, rowByPid: rows)
        }
    }

    /// The loaded model, checked to be the one whose metadata this tagger read (a re-index
    /// that committed in between gives a clear error rather than mixed models).
    private func loadedModel() throws -> LoadedModel {
        let loaded = try model.value()
        timings.load = model.seconds
        guard loaded.metadata == metadata else {
            throw PaperSearchError.database(
                path: store.location.path, reason: "the index was rebuilt while tagging; run the command again")
        }
        return loaded
    }

    /// Records the in-process wall and CPU time up to now.
    private func finishTimings() {
        timings.wall = Self.now() - started
        timings.cpu = Self.cpuNow() - cpuStarted
    }

    /// One paper to tag.
    struct Item {
        var id: String
        var title: String
        var abstract: String
        var pid: Int64?
        var published: String?
        /// Only candidates published strictly before this key vote (Int64.max: no limit).
        var cutoff: Int64
        /// Tags carried by the input file (used when the paper is not stored).
        var fileTags: [String]
    }

    // MARK: - Entry points

    /// Tags the papers of input files (digest, JSONL, Atom).
    public func tag(files: [String], format: ImportFormat? = nil, options: TaggingOptions) throws -> TaggingReport {
        try options.validate()
        let start = Self.now()
        var items: [Item] = []
        for file in files {
            var reader = try PaperFileReader(path: file, format: format)
            let fallback = TaggedCorpus.dateKey(reader.digestDate)
            while let paper = try reader.next() {
                var tags = paper.tags
                switch options.tagsFrom {
                case .human: break
                case .categories: tags = paper.categories
                case .all: tags = paper.categories + paper.tags
                }
                items.append(Item(
                    id: paper.id, title: paper.title, abstract: paper.abstract, pid: nil, published: paper.published,
                    cutoff: TaggedCorpus.dateKey(paper.published) ?? fallback ?? Int64.max, fileTags: tags))
            }
        }
        // Papers already stored: their pid and stored publication date.
        var seen = Set<String>()
        items = items.filter { seen.insert($0.id).inserted }
        let stored = try store.pidsAndDates(of: items.map(\.id))
        for i in items.indices {
            guard let (pid, published) = stored[items[i].id] else { continue }
            items[i].pid = pid
            if let published {
                items[i].published = published
                items[i].cutoff = TaggedCorpus.dateKey(published) ?? items[i].cutoff
            }
        }
        timings.embed = Self.now() - start
        return try run(items, options: options)
    }

    /// Tags stored papers published from `since` through `until` (days, inclusive).
    public func tag(since: String, until: String?, options: TaggingOptions) throws -> TaggingReport {
        try options.validate()
        let start = Self.now()
        let items = try storedItems(since: since, until: until)
        timings.embed = Self.now() - start
        return try run(items, options: options)
    }

    /// Stores the suggestions of `report` as predicted tags (never touching human tags).
    public func apply(_ report: TaggingReport) throws -> TaggingReport {
        var result = report
        let predictions = report.papers.map { paper in
            (paper: paper.id, tags: paper.suggestions.map { (tag: $0.tag, confidence: Float($0.confidence)) })
        }
        let missing = try store.storePredictions(predictions, model: report.model)
        result.applied = report.papers.count - missing.count
        result.notStored = missing
        return result
    }

    /// Treats the stored papers from `since` through `until` as new, predicts their tags from
    /// everything published before, and scores them against their own tags, once per options
    /// set (neighbours are searched once, for the largest k).
    public func evaluate(since: String, until: String?, options: [TaggingOptions]) throws -> [TagEvaluation] {
        guard let first = options.first else { return [] }
        for o in options {
            try o.validate()
            guard o.tagsFrom == first.tagsFrom else {
                throw PaperSearchError.invalidOption(
                    option: "--tags-from", value: o.tagsFrom.rawValue, expected: "one source for all settings")
            }
        }
        var start = Self.now()
        let items = try storedItems(since: since, until: until)
        timings.embed = Self.now() - start
        // An empty period would report F1 0.0000 as if it had been measured.
        guard !items.isEmpty else {
            throw PaperSearchError.evaluationWithoutPapers(since: since, until: until, papers: 0, tagSource: first.tagsFrom.rawValue)
        }
        let maxK = options.map(\.neighbours).max() ?? first.neighbours
        let (corpus, search, neighbours) = try neighbours(items, source: first.tagsFrom, k: maxK)
        let truth: [Set<String>] = items.map { item in
            Set((item.pid.flatMap { corpus.tagsByPid[$0] } ?? []).map { corpus.names[Int($0)] })
        }
        guard truth.contains(where: { !$0.isEmpty }) else {
            throw PaperSearchError.evaluationWithoutPapers(
                since: since, until: until, papers: items.count, tagSource: first.tagsFrom.rawValue)
        }
        start = Self.now()
        var results: [TagEvaluation] = []
        for o in options {
            var predicted: [[String]] = []
            predicted.reserveCapacity(items.count)
            for (i, list) in neighbours.enumerated() {
                let voters = Self.decayed(Array(list.prefix(o.neighbours)), cutoff: items[i].cutoff, search: search, options: o)
                let votes = TagVoter.vote(voters, tags: { corpus.tagsByPid[search.pids[$0]] ?? [] }, options: o)
                predicted.append(votes.map { corpus.names[$0.tag] })
            }
            results.append(TagEvaluation(
                since: since, until: until, options: o, candidates: search.eligible,
                metrics: TagMetrics(predicted: predicted, truth: truth)))
        }
        timings.vote = Self.now() - start
        finishTimings()
        return results
    }

    // MARK: - Core

    func storedItems(since: String, until: String?) throws -> [Item] {
        try store.papers(publishedSince: since, until: until).map { paper in
            Item(
                id: paper.id, title: paper.title, abstract: paper.abstract, pid: paper.pid, published: paper.published,
                cutoff: TaggedCorpus.dateKey(paper.published) ?? Int64.max, fileTags: [])
        }
    }

    /// Loads the evidence tags, embeds the batch, gathers the candidates and searches.
    func neighbours(_ items: [Item], source: TagSource, k: Int) throws
        -> (TaggedCorpus, NeighbourSearch, [[TagVoter.Neighbour]])
    {
        // The tag table loads on its own thread while the texts not in the store fold in here
        // (and the model's rows go on loading, see `init`).
        let store = self.store
        let corpusLoad = BackgroundValue { try store.scanTagEvidence { scan in try TaggedCorpus.load(scan, source: source) } }
        var start = Self.now()
        let dims = metadata.k
        var queries = [Float](repeating: 0, count: items.count * dims)
        let unstored = items.indices.filter { items[$0].pid == nil }
        try fold(unstored, of: items, into: &queries)
        timings.embed += Self.now() - start
        start = Self.now()
        let model = try loadedModel()
        let corpus = try corpusLoad.value()
        timings.tags = corpusLoad.seconds
        timings.wait = Self.now() - start
        let documents = model.documents
        // Stored papers: their model row, or folded in too when stored but not yet indexed.
        var unindexed: [Int] = []
        documents.embeddings.withUnsafeBufferPointer { e in
            for (i, item) in items.enumerated() {
                guard let pid = item.pid else { continue }
                guard let row = model.rowByPid[pid] else {
                    unindexed.append(i)
                    continue
                }
                for j in 0..<dims { queries[i * dims + j] = e[row * dims + j] }
            }
        }
        start = Self.now()
        try fold(unindexed, of: items, into: &queries)
        timings.embed += Self.now() - start
        foldedIndices = Set(unstored).union(unindexed)
        start = Self.now()
        let batchPids = Set(items.compactMap(\.pid))
        let maxCutoff = items.map(\.cutoff).max() ?? Int64.max
        var search = NeighbourSearch(k: dims)
        var rows: [Int] = []
        var dates = [Int64](repeating: Int64.max, count: documents.count)
        for row in 0..<documents.count where !documents.dead.contains(row) {
            let pid = documents.pids[row]
            guard corpus.tagsByPid[pid] != nil, !batchPids.contains(pid) else { continue }
            let date = corpus.dateByPid[pid] ?? Int64.min
            guard date < maxCutoff else { continue }
            rows.append(row)
            dates[row] = date
        }
        if rows.count * 4 >= documents.count * 3 {
            // Most rows vote: score the model's matrix in place (no copy); the rest are masked
            // by a date no cutoff admits.
            search.embeddings = documents.embeddings
            search.pids = documents.pids
            search.dates = dates
            search.eligible = rows.count
        } else {
            search.pids = rows.map { documents.pids[$0] }
            search.dates = rows.map { dates[$0] }
            search.eligible = rows.count
            search.embeddings = [Float](unsafeUninitializedCapacity: rows.count * dims) { buffer, initialized in
                documents.embeddings.withUnsafeBufferPointer { e in
                    guard let src = e.baseAddress, let dst = buffer.baseAddress else { return }
                    for (i, row) in rows.enumerated() {
                        (dst + i * dims).update(from: src + row * dims, count: dims)
                    }
                }
                initialized = rows.count * dims
            }
        }
        timings.gather = Self.now() - start
        let found = search.search(queries, cutoffs: items.map(\.cutoff), neighbours: k)
        timings.gemm = search.gemmSeconds
        timings.scan = search.scanSeconds
        return (corpus, search, found)
    }

    /// Folds the texts of `items[indices]` into the latent space, into their rows of `queries`.
    private func fold(_ indices: [Int], of items: [Item], into queries: inout [Float]) throws {
        guard !indices.isEmpty else { return }
        let dims = metadata.k
        let folder = TextEmbedder(options: metadata.analyzer, titleWeight: metadata.titleWeight, k: dims)
        let folded = try folder.embed(indices.map { (items[$0].title, items[$0].abstract) }, store: store)
        for (n, i) in indices.enumerated() {
            for j in 0..<dims { queries[i * dims + j] = folded[n * dims + j] }
        }
    }

    /// Indices of the last batch's items that were folded in from text.
    private var foldedIndices = Set<Int>()

    func run(_ items: [Item], options: TaggingOptions) throws -> TaggingReport {
        let (corpus, search, neighbours) = try neighbours(items, source: options.tagsFrom, k: options.neighbours)
        let start = Self.now()
        var votes: [[TagVoter.Vote]] = []
        var evidencePids = Set<Int64>()
        for (i, found) in neighbours.enumerated() {
            let list = Self.decayed(found, cutoff: items[i].cutoff, search: search, options: options)
            let v = TagVoter.vote(list, tags: { corpus.tagsByPid[search.pids[$0]] ?? [] }, options: options)
            for vote in v { for s in vote.supporters { evidencePids.insert(search.pids[list[s].candidate]) } }
            votes.append(v)
        }
        let titles = try self.titles(Array(evidencePids))
        var papers: [TaggingReport.PaperTags] = []
        for (i, item) in items.enumerated() {
            let list = neighbours[i]
            let suggestions = votes[i].map { vote in
                TaggingReport.Suggestion(
                    tag: corpus.names[vote.tag], confidence: TaggingReport.rounded(vote.confidence),
                    evidence: vote.supporters.map { s in
                        let pid = search.pids[list[s].candidate]
                        let (id, title) = titles[pid] ?? ("pid:\(pid)", "")
                        return TaggingReport.Evidence(
                            id: id, title: title, similarity: TaggingReport.rounded(list[s].similarity))
                    })
            }
            let current = item.pid.flatMap { corpus.tagsByPid[$0] }.map { $0.map { corpus.names[Int($0)] } }
                ?? Array(Set(item.fileTags)).sorted()
            papers.append(TaggingReport.PaperTags(
                id: item.id, title: item.title, published: item.published,
                embedding: foldedIndices.contains(i) ? "folded" : "stored", currentTags: current,
                suggestions: suggestions))
        }
        timings.vote = Self.now() - start
        finishTimings()
        return TaggingReport(
            model: options.modelName(createdAt: metadata.createdAt), options: options, candidates: search.eligible,
            papers: papers)
    }

    /// (id, title) of pids.
    func titles(_ pids: [Int64]) throws -> [Int64: (String, String)] {
        try store.idsAndTitles(ofPids: pids)
    }

    /// Sets each neighbour's recency factor 0.5^(age / half-life) (age in days before the
    /// paper; 1 without a half-life or without dates).
    static func decayed(
        _ list: [TagVoter.Neighbour], cutoff: Int64, search: NeighbourSearch, options: TaggingOptions
    ) -> [TagVoter.Neighbour] {
        guard let halfLife = options.halfLife, cutoff != Int64.max, let day = dayNumber(cutoff) else { return list }
        return list.map { n in
            var n = n
            if let other = dayNumber(search.dates[n.candidate]) {
                n.factor = Float(pow(0.5, Double(max(0, day - other)) / Double(halfLife)))
            }
            return n
        }
    }

    /// Days since 1970-01-01 of a date key YYYYMMDDhhmmss (Hinnant's days_from_civil).
    static func dayNumber(_ key: Int64) -> Int? {
        guard key > 0, key != Int64.max else { return nil }
        let date = Int(key / 1_000_000)
        var y = date / 10000
        let m = (date / 100) % 100, d = date % 100
        guard (1...12).contains(m), (1...31).contains(d) else { return nil }
        y -= m <= 2 ? 1 : 0
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146097 + doe - 719468
    }

    static func cpuNow() -> Double {
        var t = timespec()
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t)
        return Double(t.tv_sec) + Double(t.tv_nsec) / 1e9
    }

    static func now() -> Double { Double(DispatchTime.now().uptimeNanoseconds) / 1e9 }
}

import ArgumentParser
import Foundation
import Core
import Formats
import Store
import Indexing
import Tagging

struct TagCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tag",
        abstract: "Suggest tags for new papers from their nearest tagged neighbours (kNN on LSA embeddings).",
        discussion: """
            INPUT: digest, arXiv JSONL or Atom files; or --week 2025-W40 / --since DATE [--until DATE] for \
            stored papers. Papers in the model use their embedding, others are folded in from title + abstract. \
            Each paper's k nearest tagged papers published before it vote with weight similarity^power; a tag's \
            confidence is its share of the vote. --apply stores the suggestions as predicted tags (human tags \
            are never touched); --add first adds the input files to the index. --evaluate treats the papers \
            from --since as new and scores the predictions against their own tags (micro-F1, samples-F1, \
            precision@1).
            """)

    @OptionGroup var global: GlobalOptions
    @Argument(help: ArgumentHelp("Files of papers to tag.", valueName: "input")) var inputs: [String] = []
    @Option(help: "Stored papers of an ISO week (YYYY-Www).") var week: String?
    @Option(help: "Stored papers published on or after this day (YYYY-MM-DD).") var since: String?
    @Option(help: "Stored papers published on or before this day (YYYY-MM-DD).") var until: String?
    @Option(help: "Which tags neighbours contribute: human, categories or all.") var tagsFrom: String = "all"
    @Option(name: .customShort("k"), help: "Neighbours that vote.") var neighbours: Int = TaggingOptions().neighbours
    @Option(help: "Vote weight exponent: similarity^power.") var power: Float = TaggingOptions().power
    @Option(help: "Minimum confidence of a suggested tag (the best one is always kept).")
    var threshold: Float = TaggingOptions().threshold
    @Option(help: "At most this many tags per paper.") var top: Int = TaggingOptions().top
    @Option(help: "Halve a neighbour's vote for every this many days it is older than the paper (default 180).")
    var halfLife: Float?
    @Flag(help: "No recency decay of the votes.") var noDecay = false
    @Option(help: "Supporting neighbours shown per tag.") var evidence: Int = TaggingOptions().evidence
    @Option(help: "Force the input format: arxiv, digest, atom.") var format: String?
    @Flag(help: "Store the suggestions as predicted tags.") var apply = false
    @Flag(help: "Add the input files to the index first (import and fold in).") var add = false
    @Flag(help: "Evaluate on the stored papers from --since against their own tags.") var evaluate = false
    @Flag(help: "With --evaluate: try a grid of k, power, threshold and top.") var sweep = false
    @Flag(help: "Print step timings on stderr.") var timings = false
    @Flag(help: "Print JSON.") var json = false

    func run() throws {
        var options = TaggingOptions()
        options.neighbours = neighbours
        options.power = power
        options.threshold = threshold
        options.top = top
        options.evidence = evidence
        options.halfLife = noDecay ? nil : (halfLife ?? TaggingOptions().halfLife)
        options.tagsFrom = try TagSource.parse(tagsFrom)
        try options.validate()
        var window: (since: String, until: String?)? = nil
        if let week {
            guard since == nil, until == nil else {
                throw PaperSearchError.invalidOption(option: "--week", value: week, expected: "either --week or --since/--until")
            }
            guard let days = ISOWeek.days(week) else {
                throw PaperSearchError.invalidOption(option: "--week", value: week, expected: "an ISO week YYYY-Www, e.g. 2025-W40")
            }
            window = (days.first, days.last)
        } else if let since {
            window = (try CLIValidation.date(since, option: "--since"),
                      try until.map { try CLIValidation.date($0, option: "--until") })
        } else if let until {
            throw PaperSearchError.invalidOption(option: "--until", value: until, expected: "--since with it")
        }
        if window != nil && !inputs.isEmpty {
            throw PaperSearchError.invalidOption(
                option: "INPUT", value: inputs[0], expected: "either input files or --week/--since, not both")
        }
        if evaluate {
            guard let window else {
                throw PaperSearchError.invalidOption(option: "--evaluate", value: "", expected: "--since DATE or --week")
            }
            try runEvaluation(window, options: options)
            return
        }
        if window == nil && inputs.isEmpty {
            throw PaperSearchError.invalidOption(option: "INPUT", value: "", expected: "input files, --week or --since")
        }
        let forced = try format.map { try ImportFormat.parse($0) }
        let writable = apply || add
        let store = try PaperStore.open(global.location, mode: writable ? .readWrite : .readOnly)
        if add {
            guard !inputs.isEmpty else {
                throw PaperSearchError.invalidOption(option: "--add", value: "", expected: "input files to add")
            }
            _ = try IndexAdder(store: store).add(files: inputs, options: .init(format: forced), progress: global.progress)
        }
        let started = Date()
        let tagger = try BatchTagger(store: store)
        var report: TaggingReport
        if let window {
            report = try tagger.tag(since: window.since, until: window.until, options: options)
        } else {
            report = try tagger.tag(files: inputs, format: forced, options: options)
        }
        if apply { report = try tagger.apply(report) }
        if timings { printTimings(tagger.timings, since: started) }
        print(json ? try JSONOutput.encode(report) : report.text())
    }

    func runEvaluation(_ window: (since: String, until: String?), options: TaggingOptions) throws {
        let store = try PaperStore.open(global.location, mode: .readOnly)
        let started = Date()
        let tagger = try BatchTagger(store: store)
        var grid = [options]
        if sweep {
            grid = []
            for k in [10, 20, 30, 50, 100] {
                for p in [Float(1), 4, 8] {
                    for t in [Float(0.3), 0.35, 0.4, 0.45] {
                        for top in [3, 5] {
                            for h in [nil, Float(90), 180, 365] {
                                var o = options
                                o.neighbours = k
                                o.power = p
                                o.threshold = t
                                o.top = top
                                o.halfLife = h
                                grid.append(o)
                            }
                        }
                    }
                }
            }
        }
        let results = try tagger.evaluate(since: window.since, until: window.until, options: grid)
        if timings { printTimings(tagger.timings, since: started) }
        if json {
            print(sweep ? try JSONOutput.encode(results) : try JSONOutput.encode(results[0]))
        } else {
            print(sweep ? TagEvaluation.table(results) : results[0].text())
        }
    }

    func printTimings(_ t: BatchTagger.Timings, since started: Date) {
        let line = String(
            format: "timings: read+fold %.3f s, model load %.3f s and tags %.3f s (background, overlapping; waited %.3f s), "
                + "gather %.3f s, sgemm %.3f s, top-k %.3f s, vote %.3f s; in-process %.3f s wall, %.3f s CPU "
                + "(command %.3f s wall)\n",
            t.embed, t.load, t.tags, t.wait, t.gather, t.gemm, t.scan, t.vote, t.wall, t.cpu,
            Date().timeIntervalSince(started))
        FileHandle.standardError.write(Data(line.utf8))
    }
}

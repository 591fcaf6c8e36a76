import Foundation

/// The bundled demo corpus (Data/demo-corpus.jsonl) and single arXiv-style records for the search tests.
enum DemoCorpus {
    static var path: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Data/demo-corpus.jsonl").path
    }

    /// One arXiv JSON line (cs.CL, version 1).
    static func record(_ id: String, _ title: String, _ abstract: String, published: String = "2024-01-01 00:00:00") -> String {
        let object: [String: Any] = [
            "id": id, "version": 1, "title": title, "abstract": abstract, "categories": ["cs.CL"],
            "primary_category": "cs.CL", "published": published,
        ]
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data()
        return String(decoding: data, as: UTF8.self)
    }
}

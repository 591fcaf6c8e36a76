import Foundation
import GRDB
import XCTest
@testable import Core
@testable import Store
@testable import Indexing


final class PaperStoreTests: XCTestCase {
    var directory: URL!

    override func setUpWithError() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("ps-store-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: directory)
    }

    func fixture(_ name: String) throws -> String {
        let base = try XCTUnwrap(Bundle.module.url(forResource: "Fixtures", withExtension: nil))
        return base.appendingPathComponent("store/\(name)").path
    }

    func makeStore() throws -> PaperStore {
        try PaperStore.open(StoreLocation(explicit: directory.appendingPathComponent("test.sqlite").path))
    }

    func testLocationPrecedence() {
        XCTAssertEqual(StoreLocation(explicit: "/x/a.sqlite", environment: ["PAPERSEARCH_DB": "/y"]).path, "/x/a.sqlite")
        XCTAssertEqual(StoreLocation(explicit: nil, environment: ["PAPERSEARCH_DB": "/y/b.sqlite"]).path, "/y/b.sqlite")
        XCTAssertEqual(
            StoreLocation(explicit: nil, environment: ["XDG_DATA_HOME": "/data", "HOME": "/home/u"]).path,
            "/data/papersearch/index.sqlite")
        let fallback = StoreLocation(explicit: nil, environment: ["HOME": "/home/u"])
        XCTAssertEqual(fallback.path, "/home/u/.local/share/papersearch/index.sqlite")
        XCTAssertTrue(fallback.isDefault)
    }

    func testSchemaIsWALWithForeignKeysAndNamedMigrations() throws {
        let store = try makeStore()
        try store.read { db in
            XCTAssertEqual(try String.fetchOne(db, sql: "PRAGMA journal_mode"), "wal")
            XCTAssertEqual(try Int.fetchOne(db, sql: "PRAGMA foreign_keys"), 1)
            XCTAssertEqual(
                try String.fetchAll(db, sql: "SELECT identifier FROM grdb_migrations ORDER BY rowid"),
                Schema.migrations.map(\.name))
        }
    }

    func testReimportUpdatesNewerVersionsOnlyAndNeverDuplicates() throws {
        let store = try makeStore()
        let importer = PaperImporter(store: store)
        let first = try importer.importFile(try fixture("papers-v1.jsonl"))
        XCTAssertEqual([first.inserted, first.updated, first.unchanged], [2, 0, 0])
        let again = try importer.importFile(try fixture("papers-v1.jsonl"))
        XCTAssertEqual([again.inserted, again.updated, again.unchanged], [0, 0, 2])
        XCTAssertEqual(try store.paperCount(), 2)
        let second = try importer.importFile(try fixture("papers-v2.jsonl"))
        XCTAssertEqual([second.inserted, second.updated, second.unchanged], [1, 1, 1])
        XCTAssertEqual(try store.paperCount(), 3)
        let revised = try XCTUnwrap(try store.paper(id: "2401.00001"))
        XCTAssertEqual(revised.version, 2)
        XCTAssertEqual(revised.title, "A first paper on sparse retrieval, revised")
        XCTAssertEqual(try store.paper(id: "2401.00002")?.title, "Dense passage encoders revisited")
        XCTAssertEqual(try store.paper(id: "2401.00003")?.tags, ["rag"])
        // Category tags follow the stored categories: v2 of 2401.00001 dropped cs.CL.
        let categories = try store.read { db in
            try String.fetchAll(
                db, sql: "SELECT tag FROM tags WHERE paper_id = '2401.00001' AND origin = 'arxiv-category' ORDER BY tag")
        }
        XCTAssertEqual(categories, ["cs.IR"])
    }

    func testNewerSchemaIsRefused() throws {
        let path = directory.appendingPathComponent("newer.sqlite").path
        _ = try PaperStore.open(StoreLocation(explicit: path))
        let queue = try DatabaseQueue(path: path)
        try queue.write { db in
            try db.execute(sql: "INSERT INTO grdb_migrations (identifier) VALUES ('v99-from-the-future')")
        }
        XCTAssertThrowsError(try PaperStore.open(StoreLocation(explicit: path))) { error in
            guard case .newerSchema = error as? PaperSearchError else { return XCTFail("\(error)") }
            XCTAssertTrue("\(error)".contains("v99-from-the-future"))
        }
    }

    func testMissingAndReadOnlyDirectoriesAreClearErrors() throws {
        let missing = directory.appendingPathComponent("nope/x.sqlite").path
        XCTAssertThrowsError(try PaperStore.open(StoreLocation(explicit: missing))) { error in
            XCTAssertEqual(error as? PaperSearchError,
                .databaseLocation(path: missing, reason: "directory '\(directory.path)/nope' does not exist"))
        }
        // A read-only directory: chmod for ordinary users; root ignores permission bits, so
        // use sysfs, where nobody may create files.
        let readOnly: String
        if getuid() == 0 {
            readOnly = "/sys/papersearch-test.sqlite"
        } else {
            let ro = directory.appendingPathComponent("ro")
            try FileManager.default.createDirectory(at: ro, withIntermediateDirectories: true)
            try FileManager.default.setAttributes([.posixPermissions: 0o555], ofItemAtPath: ro.path)
            readOnly = ro.appendingPathComponent("x.sqlite").path
        }
        XCTAssertThrowsError(try PaperStore.open(StoreLocation(explicit: readOnly))) { error in
            guard case .databaseLocation(let path, let reason) = error as? PaperSearchError else {
                return XCTFail("\(error)")
            }
            XCTAssertEqual(path, readOnly)
            XCTAssertTrue(reason.contains("read-only") || reason.contains("denied"), reason)
        }
    }

    func testReadOnlyOpenOfMissingFileIsNoIndex() {
        let path = directory.appendingPathComponent("absent.sqlite").path
        XCTAssertThrowsError(try PaperStore.open(StoreLocation(explicit: path), mode: .readOnly)) { error in
            XCTAssertEqual(error as? PaperSearchError, .noIndex(path: path))
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: path))
    }

    func testReadOnlyStoreRefusesWritesAndAnEmptyFileIsNoIndex() throws {
        let path = directory.appendingPathComponent("ro.sqlite").path
        _ = try PaperStore.open(StoreLocation(explicit: path))
        let store = try PaperStore.open(StoreLocation(explicit: path), mode: .readOnly)
        XCTAssertEqual(try store.paperCount(), 0)
        XCTAssertThrowsError(try store.write { db in try db.execute(sql: "DELETE FROM papers") }) { error in
            guard case .database(let errorPath, let reason) = error as? PaperSearchError else { return XCTFail("\(error)") }
            XCTAssertEqual(errorPath, path)
            XCTAssertTrue(reason.contains("readonly"), reason)
        }

        let empty = directory.appendingPathComponent("empty.sqlite").path
        XCTAssertTrue(FileManager.default.createFile(atPath: empty, contents: Data()))
        XCTAssertThrowsError(try PaperStore.open(StoreLocation(explicit: empty), mode: .readOnly)) { error in
            XCTAssertEqual(error as? PaperSearchError, .noIndex(path: empty))
        }
        XCTAssertEqual(try FileManager.default.attributesOfItem(atPath: empty)[.size] as? Int, 0)
    }

    func testReadOnlyOpenPathIsAnImmutableURIOnlyWhereNoFileCanBeCreated() throws {
        XCTAssertEqual(StoreLocation.immutableURI("/data/a?b#c%d é.sqlite"), "file:/data/a%3Fb%23c%25d%20%C3%A9.sqlite?immutable=1")
        let writable = directory.appendingPathComponent("x.sqlite").path
        XCTAssertEqual(StoreLocation(explicit: writable).readOnlyOpenPath, writable)
        // A read-only directory (root ignores permission bits: then only a read-only mount is one).
        guard getuid() != 0 else { throw XCTSkip("root may create files in any directory") }
        let ro = directory.appendingPathComponent("ro")
        try FileManager.default.createDirectory(at: ro, withIntermediateDirectories: true)
        let inside = ro.appendingPathComponent("x.sqlite").path
        try FileManager.default.setAttributes([.posixPermissions: 0o555], ofItemAtPath: ro.path)
        defer { try? FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: ro.path) }
        XCTAssertEqual(StoreLocation(explicit: inside).readOnlyOpenPath, StoreLocation.immutableURI(inside))
    }

    /// The creation lock: a second writer waits while the first holds it, and gets it once released.
    func testCreationLockMakesASecondWriterWait() throws {
        let path = directory.appendingPathComponent("locked.sqlite").path
        let first = try StoreFile.lockedForWriting(path, timeout: 1)
        XCTAssertTrue(first.created)
        let start = Date()
        XCTAssertThrowsError(try StoreFile.lockedForWriting(path, timeout: 0.3)) { error in
            XCTAssertEqual(error as? PaperSearchError, .database(path: path, reason: StoreFile.lockedReason))
        }
        XCTAssertGreaterThanOrEqual(Date().timeIntervalSince(start), 0.3)
        XCTAssertThrowsError(try StoreFile.lockedForReading(path, timeout: 0.1))
        first.unlock()
        let second = try StoreFile.lockedForWriting(path, timeout: 1)
        XCTAssertFalse(second.created)
        second.removeIfCreatedAndEmpty()
        XCTAssertTrue(FileManager.default.fileExists(atPath: path), "only the creator removes the file")
        first.removeIfCreatedAndEmpty()
        XCTAssertFalse(FileManager.default.fileExists(atPath: path))
        second.close()
        first.close()
    }
}

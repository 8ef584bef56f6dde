import Foundation
@testable import KabarNode

/// A fresh empty folder under the system's temporary folder, removed by `remove()`.
struct TemporaryFolder {
    let path: String

    init() {
        var template = Array((NSTemporaryDirectory() + "/kabar-store-test-XXXXXX").utf8CString)
        let made = template.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!) }
        precondition(made != nil, "mkdtemp failed")
        path = String(decoding: template.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    func remove() { try? FileManager.default.removeItem(atPath: path) }

    func file(_ name: String) -> String { path + "/" + name }

    func bytes(_ name: String) -> [UInt8] { Array(FileManager.default.contents(atPath: file(name)) ?? Data()) }

    func write(_ bytes: [UInt8], to name: String) {
        _ = FileManager.default.createFile(atPath: file(name), contents: Data(bytes))
    }

    func names() -> [String] { ((try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []).sorted() }
}

/// Every record the log replays, as (type, payload).
func replay(_ directory: String, segmentBytesMax: Int = StoreLog.defaultSegmentBytesMax) throws
    -> (records: [(UInt8, [UInt8])], report: RecoveryReport, log: StoreLog)
{
    var records: [(UInt8, [UInt8])] = []
    let (log, report) = try StoreLog.open(directory: directory, segmentBytesMax: segmentBytesMax) { type, payload, _ in
        records.append((type, Array(payload)))
    }
    return (records, report, log)
}

/// A payload that names its index, `count` bytes long.
func samplePayload(_ index: Int, count: Int = 40) -> [UInt8] {
    (0..<count).map { UInt8(truncatingIfNeeded: index &* 31 &+ $0 &* 7 &+ 1) }
}

import Foundation
import KabarPlatform
import Testing
@testable import KabarNode

@Suite struct StoreLogTests {
    private let segment = "segment-000001.log"

    /// Writes `count` records to a fresh log, closes it, and returns each record's start offset.
    private func writeRecords(_ folder: TemporaryFolder, count: Int, payloadBytes: Int = 40) throws -> [Int64] {
        let (log, _) = try StoreLog.open(directory: folder.path) { _, _, _ in }
        var offsets: [Int64] = []
        for index in 0..<count {
            offsets.append(try log.append(type: 1, payload: samplePayload(index, count: payloadBytes)).offset)
        }
        try log.close()
        return offsets
    }

    @Test func recordsReplayInOrderAfterReopen() throws {
        let folder = TemporaryFolder()
        defer { folder.remove() }
        _ = try writeRecords(folder, count: 10)
        let (records, report, log) = try replay(folder.path)
        defer { try? log.close() }
        #expect(records.count == 10)
        #expect(records.map(\.1) == (0..<10).map { samplePayload($0) })
        #expect(report.isClean)
    }

    @Test func readReturnsTheAppendedPayload() throws {
        let folder = TemporaryFolder()
        defer { folder.remove() }
        let (log, _) = try StoreLog.open(directory: folder.path) { _, _, _ in }
        defer { try? log.close() }
        let location = try log.append(type: 7, payload: samplePayload(3))
        #expect(try log.read(location) == samplePayload(3))
    }

    /// A power cut can leave the last record cut at any byte. Every such file must open, losing
    /// only that record, and take new records afterwards.
    @Test func lastRecordTruncatedAtEveryByteOffsetLosesOnlyThatRecord() throws {
        let folder = TemporaryFolder()
        defer { folder.remove() }
        let offsets = try writeRecords(folder, count: 3)
        let whole = folder.bytes(segment)
        let lastStart = Int(offsets[2])
        for cut in lastStart..<whole.count {
            folder.write(Array(whole[..<cut]), to: segment)
            let (records, report, log) = try replay(folder.path)
            #expect(records.map(\.1) == (0..<2).map { samplePayload($0) }, "cut at \(cut)")
            #expect(report.truncatedBytes == Int64(cut - lastStart), "cut at \(cut)")
            #expect(report.skipped.isEmpty)
            try log.append(type: 1, payload: samplePayload(9))
            try log.close()
            let (again, againReport, reopened) = try replay(folder.path)
            try reopened.close()
            #expect(again.map(\.1) == [samplePayload(0), samplePayload(1), samplePayload(9)], "cut at \(cut)")
            #expect(againReport.isClean)
        }
    }

    /// Any single flipped bit inside a middle record skips exactly that record and reports it.
    @Test func bitFlipInTheMiddleSkipsOnlyThatRecordAndReportsIt() throws {
        let folder = TemporaryFolder()
        defer { folder.remove() }
        let offsets = try writeRecords(folder, count: 5, payloadBytes: 24)
        let whole = folder.bytes(segment)
        let start = Int(offsets[2]), end = Int(offsets[3])
        for bit in (start * 8)..<(end * 8) {
            var damaged = whole
            damaged[bit / 8] ^= 1 << UInt8(bit % 8)
            folder.write(damaged, to: segment)
            let (records, report, log) = try replay(folder.path)
            try log.close()
            #expect(records.map(\.1) == [0, 1, 3, 4].map { samplePayload($0, count: 24) }, "bit \(bit)")
            #expect(report.skipped == [.init(segment: 1, offset: Int64(start), bytes: Int64(end - start))], "bit \(bit)")
            #expect(report.truncatedBytes == 0)
        }
    }

    @Test func garbageAndZeroedTailsAreCutBack() throws {
        let folder = TemporaryFolder()
        defer { folder.remove() }
        _ = try writeRecords(folder, count: 4)
        let whole = folder.bytes(segment)
        var prng = SplitMix(seed: 42)
        let garbage = (0..<1000).map { _ in UInt8(truncatingIfNeeded: prng.next()) }
        for tail in [garbage, [UInt8](repeating: 0, count: 4096), [0x4B, 0x42, 0x52, 0x43]] {
            folder.write(whole + tail, to: segment)
            let (records, report, log) = try replay(folder.path)
            try log.close()
            #expect(records.map(\.1) == (0..<4).map { samplePayload($0) })
            #expect(report.truncatedBytes == Int64(tail.count))
            #expect(folder.bytes(segment) == whole)
        }
    }

    @Test func emptyFolderAndEmptySegmentFileOpen() throws {
        let folder = TemporaryFolder()
        defer { folder.remove() }
        let (records, report, log) = try replay(folder.path + "/store")
        try log.close()
        #expect(records.isEmpty && report.isClean)
        folder.write([], to: "store/segment-000001.log")
        folder.write([1, 2, 3], to: "store/segment-000002.log.tmp")
        let (again, againReport, reopened) = try replay(folder.path + "/store")
        defer { try? reopened.close() }
        #expect(again.isEmpty)
        #expect(againReport.unreadableSegments == ["segment-000001.log"])
        #expect(againReport.removedTemporaryFiles == ["segment-000002.log.tmp"])
        try reopened.append(type: 1, payload: [1])
        #expect(reopened.segmentNumbers == [2])
    }

    @Test func oneDamagedHeaderCopyIsEnough() throws {
        let folder = TemporaryFolder()
        defer { folder.remove() }
        _ = try writeRecords(folder, count: 2)
        var damaged = folder.bytes(segment)
        damaged[3] ^= 0x10
        folder.write(damaged, to: segment)
        let (records, report, log) = try replay(folder.path)
        try log.close()
        #expect(records.count == 2 && report.isClean)
    }

    @Test func secondWriterGetsATypedErrorNamingThePid() throws {
        let folder = TemporaryFolder()
        defer { folder.remove() }
        let (log, _) = try StoreLog.open(directory: folder.path) { _, _, _ in }
        #expect(throws: StoreError.locked(directory: folder.path, processID: getpid())) {
            _ = try StoreLog.open(directory: folder.path) { _, _, _ in }
        }
        let message = StoreError.locked(directory: "/d", processID: 12).message.en
        #expect(message == "another kabar process (pid 12) is using /d; stop it or use another --data folder")
        try log.close()
        let (second, _) = try StoreLog.open(directory: folder.path) { _, _, _ in }
        try second.close()
    }

    @Test func segmentsRollAndReplayInOrder() throws {
        let folder = TemporaryFolder()
        defer { folder.remove() }
        let (log, _) = try StoreLog.open(directory: folder.path, segmentBytesMax: 4096) { _, _, _ in }
        for index in 0..<200 { try log.append(type: 1, payload: samplePayload(index, count: 100)) }
        #expect(log.segmentNumbers.count > 4)
        try log.close()
        let (records, report, reopened) = try replay(folder.path, segmentBytesMax: 4096)
        try reopened.close()
        #expect(records.map(\.1) == (0..<200).map { samplePayload($0, count: 100) })
        #expect(report.isClean)
    }

    @Test func compactionKeepsOnlyWhatIsAskedAndSurvivesReopen() throws {
        let folder = TemporaryFolder()
        defer { folder.remove() }
        let (log, _) = try StoreLog.open(directory: folder.path, segmentBytesMax: 4096) { _, _, _ in }
        for index in 0..<100 { try log.append(type: 1, payload: samplePayload(index, count: 100)) }
        let before = log.segmentNumbers
        var moved: [(RecordLocation, [UInt8])] = []
        try log.compact(keep: { _, payload, _ in payload[0] % 2 == 0 }, moved: { _, payload, location in
            moved.append((location, Array(payload)))
        })
        #expect(Set(log.segmentNumbers).isDisjoint(with: before))
        for (location, payload) in moved { #expect(try log.read(location) == payload) }
        try log.append(type: 1, payload: [1, 2, 3])
        try log.close()
        let (records, _, reopened) = try replay(folder.path, segmentBytesMax: 4096)
        try reopened.close()
        let expected = (0..<100).map { samplePayload($0, count: 100) }.filter { $0[0] % 2 == 0 } + [[1, 2, 3]]
        #expect(records.count == expected.count)
        #expect(records.map(\.1) == expected, "\(records.map { $0.1.first ?? 0 })")
    }

    /// Anyone can write a bulletin body; a record frame hidden in one must never be taken for a
    /// real record when recovery scans through it. The per-segment salt is what stops it.
    @Test func frameHiddenInAPayloadIsNotReplayedWhenItsRecordIsDamaged() throws {
        let folder = TemporaryFolder()
        defer { folder.remove() }
        let hidden = LogFormat.record(type: 2, payload: Array("forged".utf8), salt: 0)
        let (log, _) = try StoreLog.open(directory: folder.path) { _, _, _ in }
        try log.append(type: 1, payload: [1])
        let carrier = try log.append(type: 1, payload: [9, 9] + hidden + [9])
        try log.append(type: 1, payload: [3])
        try log.close()
        var damaged = folder.bytes(segment)
        damaged[Int(carrier.offset) + 9] ^= 0xff
        folder.write(damaged, to: segment)
        let (records, report, reopened) = try replay(folder.path)
        try reopened.close()
        #expect(records.map(\.1) == [[1], [3]])
        #expect(report.skipped.count == 1)
    }
}

/// A tiny deterministic generator for test bytes.
struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

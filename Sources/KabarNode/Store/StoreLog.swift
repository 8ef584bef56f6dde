import Kabar
import KabarPlatform

/// Where one record lives in the log.
public struct RecordLocation: Hashable, Sendable, Comparable, CustomStringConvertible {
    /// The segment's number (`segment-000001.log` is 1).
    public let segment: UInt32
    /// The offset of the record's header in the segment file.
    public let offset: Int64
    /// The payload's length in bytes.
    public let payloadBytes: UInt32

    public static func < (lhs: RecordLocation, rhs: RecordLocation) -> Bool {
        (lhs.segment, lhs.offset) < (rhs.segment, rhs.offset)
    }

    public var description: String { "segment \(segment) offset \(offset)" }
}

/// What opening the log found and repaired. Nothing here stops the store from opening.
public struct RecoveryReport: Sendable, Equatable {
    /// A stretch of a segment that held no valid record and was stepped over.
    public struct SkippedRegion: Sendable, Equatable {
        /// The segment's number.
        public let segment: UInt32
        /// Where the bad bytes start.
        public let offset: Int64
        /// How many bytes were skipped.
        public let bytes: Int64
    }

    /// Valid records read.
    public var records = 0
    /// Bytes cut from the newest segment's torn or corrupted tail.
    public var truncatedBytes: Int64 = 0
    /// Bad stretches in the middle of segments (records after them were still read).
    public var skipped: [SkippedRegion] = []
    /// Segment files whose both header copies were unreadable; left in place, not read.
    public var unreadableSegments: [String] = []
    /// Leftover temporary files (from a crash during segment creation or compaction) removed.
    public var removedTemporaryFiles: [String] = []

    /// True when the log was read with no damage at all.
    public var isClean: Bool {
        truncatedBytes == 0 && skipped.isEmpty && unreadableSegments.isEmpty
    }

    /// Bytes of the log the open could not use (records in them are lost).
    public var damagedBytes: Int64 { truncatedBytes + skipped.reduce(0) { $0 + $1.bytes } }

    /// What the open found, in words for the operator; nil when the log was clean. An
    /// unfinished write cut from the end is what a power cut leaves (nothing reported saved is
    /// in it); a bad stretch elsewhere is damage on the card.
    public var damage: Localized? {
        guard !isClean else { return nil }
        var en: [String] = [], id: [String] = []
        if truncatedBytes > 0 {
            en.append("\(truncatedBytes) bytes of an unfinished write cut from the end of the newest segment (what a power cut leaves; nothing reported saved was in it)")
            id.append("\(truncatedBytes) byte tulisan yang belum selesai dipotong dari akhir segmen terbaru (sisa listrik padam; tidak ada yang dilaporkan tersimpan di situ)")
        }
        for region in skipped.prefix(8) {
            en.append("\(region.bytes) unreadable bytes skipped in segment \(region.segment) at offset \(region.offset) (the records there are lost)")
            id.append("\(region.bytes) byte tak terbaca dilewati di segmen \(region.segment) pada posisi \(region.offset) (rekaman di situ hilang)")
        }
        if skipped.count > 8 {
            en.append("\(skipped.count - 8) more damaged stretches")
            id.append("\(skipped.count - 8) bagian rusak lainnya")
        }
        if !unreadableSegments.isEmpty {
            en.append("segments whose headers cannot be read, left in place unread: \(unreadableSegments.joined(separator: ", "))")
            id.append("segmen yang kepalanya tak terbaca, dibiarkan tanpa dibaca: \(unreadableSegments.joined(separator: ", "))")
        }
        return Localized(en: "the store was damaged: " + en.joined(separator: "; "), id: "penyimpanan rusak: " + id.joined(separator: "; "))
    }
}

/// The store's append-only log: records in numbered segment files, framed and checksummed
/// (`LogFormat`), made durable in groups.
///
/// Theory of operation. `append` writes a record to the newest segment (into the page cache);
/// `sync` makes everything appended so far durable with one `fdatasync` per written segment:
/// a caller appends a batch and syncs once (group commit). A segment rolls over at
/// `segmentBytesMax`; the old one is synced first, and a new one appears by atomic rename, so a
/// segment file is never seen half-made. Nothing already written is ever rewritten in place:
/// compaction writes new segments and only then deletes old ones, oldest first, so at every
/// moment replaying the files in number order yields the same live set.
///
/// `open` replays every record in order. A torn or corrupted tail of the newest segment is cut
/// back to the last good record; a bad stretch in the middle is stepped over (the scan
/// resynchronises on the next frame whose checksum holds) and reported.
///
/// A failed `fdatasync` is final (PostgreSQL's 2018 lesson: the kernel may have dropped the
/// dirty pages and will not report the error twice, so a retry that succeeds proves nothing).
/// `sync` then takes back every record appended since the last good sync: each such segment is
/// cut back to its last synced size and that cut synced, and `sync` throws `.syncFailed`
/// naming what was taken back (`takeRolledBack`), so no caller reports those records saved and
/// none stays in an index. If even the cut cannot be made durable, the log refuses every later
/// write (`.diskFailed`) until the process opens it again, which replays what the disk holds.
///
/// One writer: `open` takes `flock(LOCK_EX | LOCK_NB)` on `lock` in the folder and keeps it.
public final class StoreLog {
    /// Segments roll over when the next record would take them past this size.
    public let segmentBytesMax: Int
    /// The folder holding the segments and the lock.
    public let directory: String
    /// Bytes appended since open (headers included): the numerator of write amplification.
    public private(set) var bytesAppended: Int64 = 0

    struct Segment {
        let number: UInt32
        let salt: UInt64
        let file: any StorageFile
        /// Its name now (the file may have been opened under its temporary name).
        let path: String
        var size: Int64
        /// What a sync (or the open) made durable: a failed sync cuts the file back to it.
        var syncedSize: Int64
    }

    private var segments: [Segment] = []
    private var unsynced: Set<UInt32> = []
    private var lockFile: (any StorageFile)?
    /// The file system under the log (the real one, or a simulated one in tests).
    let disk: any StorageDisk
    /// Set when a failed sync could not even be taken back: every later write is refused.
    private var failedPath: String?
    /// Per segment, the size its records were cut back to by the last failed sync.
    private var rolledBack: [UInt32: Int64] = [:]

    private init(directory: String, segmentBytesMax: Int, lockFile: any StorageFile, disk: any StorageDisk) {
        self.disk = disk
        self.directory = directory
        self.segmentBytesMax = segmentBytesMax
        self.lockFile = lockFile
    }

    /// The default segment size: 16 MiB.
    public static let defaultSegmentBytesMax = 16 << 20

    /// Opens (creating if needed) the log in `directory`, replaying every valid record in order
    /// through `visit`, repairing what a crash left. Throws `.locked` when another process has it.
    public static func open(
        directory: String, segmentBytesMax: Int = defaultSegmentBytesMax, disk: any StorageDisk = SystemDisk.shared,
        visit: (_ type: UInt8, _ payload: UnsafeRawBufferPointer, _ location: RecordLocation) -> Void
    ) throws(StoreError) -> (log: StoreLog, report: RecoveryReport) {
        try StoreError.wrap(directory) { try disk.makeDirectory(directory) }
        let lockFile = try disk.lock(directory)
        let log = StoreLog(
            directory: directory, segmentBytesMax: min(max(segmentBytesMax, 4096), 1 << 30), lockFile: lockFile, disk: disk)
        var report = RecoveryReport()
        let names = try StoreError.wrap(directory) { try disk.contentsOfDirectory(directory) }
        for name in names where name.hasPrefix("segment-") && name.hasSuffix(".tmp") {
            try StoreError.wrap(directory) { try disk.removeFile(log.path(name)) }
            report.removedTemporaryFiles.append(name)
        }
        let numbered = names.compactMap { name in segmentNumber(name).map { ($0, name) } }.sorted { $0.0 < $1.0 }
        var highest: UInt32 = 0
        for (index, (number, name)) in numbered.enumerated() {
            highest = max(highest, number)
            let isNewest = index == numbered.count - 1
            try log.recover(name: name, number: number, isNewest: isNewest, report: &report, visit: visit)
        }
        // An unreadable newest segment is left alone: appends go to a fresh one after it.
        if log.segments.last?.number != highest || log.segments.isEmpty { try log.startSegment(number: highest + 1) }
        if !report.removedTemporaryFiles.isEmpty || report.truncatedBytes > 0 {
            try StoreError.wrap(directory) { try disk.syncDirectory(directory) }
        }
        return (log, report)
    }

    /// Appends one record to the newest segment. Not durable until `sync()`.
    @discardableResult
    public func append(type: UInt8, payload: [UInt8]) throws(StoreError) -> RecordLocation {
        guard lockFile != nil else { throw .closed }
        if let failedPath { throw .diskFailed(path: failedPath) }
        guard payload.count <= LogFormat.recordPayloadBytesMax else {
            throw .recordTooLarge(bytes: payload.count, limit: LogFormat.recordPayloadBytesMax)
        }
        var current = segments[segments.count - 1]
        let recordBytes = Int64(LogFormat.recordHeaderBytes + payload.count)
        if current.size + recordBytes > Int64(segmentBytesMax) && current.size > Int64(LogFormat.firstRecordOffset) {
            try startSegment(number: current.number + 1)
            current = segments[segments.count - 1]
        }
        let record = LogFormat.record(type: type, payload: payload, salt: current.salt)
        let offset = current.size
        do {
            try current.file.write(record, at: offset)
        } catch {
            // A half-written record (no space left, say) must not stay in front of the next one.
            try? current.file.truncate(to: offset)
            throw StoreError.wrapping(error, path: current.path)
        }
        segments[segments.count - 1].size = offset + recordBytes
        unsynced.insert(current.number)
        bytesAppended += recordBytes
        return RecordLocation(segment: current.number, offset: offset, payloadBytes: UInt32(payload.count))
    }

    /// Makes every record appended so far durable: one `fdatasync` per segment written since
    /// the last sync (normally one). Cheap when nothing is pending.
    public func sync() throws(StoreError) {
        if let failedPath { throw .diskFailed(path: failedPath) }
        for number in unsynced.sorted() {
            guard let index = segments.firstIndex(where: { $0.number == number }) else { continue }
            let segment = segments[index]
            do {
                try segment.file.syncData()
            } catch {
                throw takeBackUnsynced(after: StoreError.wrapping(error, path: segment.path))
            }
            segments[index].syncedSize = segment.size
            unsynced.remove(number)
        }
    }

    /// After a failed sync: cuts every segment written since the last good sync back to its
    /// synced size and syncs the cut, never trusting the failed sync again. Returns the error
    /// to throw.
    private func takeBackUnsynced(after failure: StoreError) -> StoreError {
        for number in unsynced.sorted() {
            guard let index = segments.firstIndex(where: { $0.number == number }) else { continue }
            let segment = segments[index]
            rolledBack[number] = min(rolledBack[number] ?? segment.syncedSize, segment.syncedSize)
            do {
                try segment.file.truncate(to: segment.syncedSize)
                try segment.file.syncData()
            } catch {
                failedPath = segment.path
            }
            segments[index].size = segment.syncedSize
        }
        unsynced.removeAll()
        if case .system(let error, let path) = failure { return .syncFailed(error, path: path, final: failedPath != nil) }
        return failure
    }

    /// Where the last failed syncs cut records back (segment, offset): every record at or past
    /// it was taken back. Cleared by the call.
    public func takeRolledBack() -> [UInt32: Int64] {
        defer { rolledBack.removeAll() }
        return rolledBack
    }

    /// True when records were appended since the last `sync`.
    public var hasUnsyncedRecords: Bool { !unsynced.isEmpty }

    /// The payload of the record at `location`, re-checked against its checksum; nil when the
    /// bytes on disk no longer check out (or the segment is gone).
    public func read(_ location: RecordLocation) throws(StoreError) -> [UInt8]? {
        guard let segment = segments.first(where: { $0.number == location.segment }) else { return nil }
        let count = LogFormat.recordHeaderBytes + Int(location.payloadBytes)
        let bytes = try StoreError.wrap(segment.path) { try segment.file.read(count: count, at: location.offset) }
        return bytes.withUnsafeBytes { buffer -> [UInt8]? in
            guard let record = LogFormat.parseRecord(buffer, at: 0, salt: segment.salt) else { return nil }
            return Array(buffer[record.payload])
        }
    }

    /// Bytes the segment files take on disk.
    public var diskBytes: Int64 { segments.reduce(0) { $0 + $1.size } }

    /// The segment numbers, oldest first.
    public var segmentNumbers: [UInt32] { segments.map(\.number) }

    /// Syncs, closes every segment and releases the lock.
    public func close() throws(StoreError) {
        guard let lockFile else { return }
        try sync()
        for segment in segments { try? segment.file.close() }
        segments.removeAll()
        try? lockFile.close()
        self.lockFile = nil
    }

    deinit {
        for segment in segments { try? segment.file.close() }
    }

    // MARK: - Compaction

    /// Rewrites the records `keep` accepts into new segments and deletes every old one, telling
    /// `moved` where each kept record now lives. Crash-safe at every step: new segments appear by
    /// rename after an fsync, and old ones are deleted oldest first only after that, so replay
    /// of whatever files exist always gives the same live set.
    public func compact(
        keep: (_ type: UInt8, _ payload: UnsafeRawBufferPointer, _ location: RecordLocation) -> Bool,
        moved: (_ type: UInt8, _ payload: UnsafeRawBufferPointer, _ location: RecordLocation) -> Void
    ) throws(StoreError) {
        guard lockFile != nil else { throw .closed }
        try sync()
        let old = segments
        let firstNew = (old.last?.number ?? 0) + 1
        try startSegment(number: firstNew)
        var buffer: [UInt8] = []
        for segment in old {
            try readSegment(segment, into: &buffer)
            var failure: StoreError?
            buffer.withUnsafeBytes { bytes in
                var offset = LogFormat.firstRecordOffset
                while let start = LogFormat.nextRecord(bytes, from: offset, salt: segment.salt),
                      let record = LogFormat.parseRecord(bytes, at: start, salt: segment.salt) {
                    offset = record.payload.upperBound
                    let payload = UnsafeRawBufferPointer(rebasing: bytes[record.payload])
                    let location = RecordLocation(segment: segment.number, offset: Int64(start), payloadBytes: UInt32(payload.count))
                    guard failure == nil, keep(record.type, payload, location) else { continue }
                    do {
                        let newLocation = try append(type: record.type, payload: Array(payload))
                        moved(record.type, payload, newLocation)
                    } catch {
                        failure = StoreError.wrapping(error, path: directory)
                    }
                }
            }
            if let failure { throw failure }
        }
        try sync()
        for segment in old {
            let segmentPath = path(Self.segmentName(segment.number))
            try StoreError.wrap(segmentPath) {
                try disk.removeFile(segmentPath)
                try disk.syncDirectory(directory)
            }
            try? segment.file.close()
        }
        segments.removeFirst(old.count)
    }

    // MARK: - Private

    private func path(_ name: String) -> String { directory + "/" + name }

    private static func segmentName(_ number: UInt32) -> String {
        let digits = String(number)
        return "segment-" + String(repeating: "0", count: max(0, 6 - digits.count)) + digits + ".log"
    }

    private static func segmentNumber(_ name: String) -> UInt32? {
        guard name.hasPrefix("segment-"), name.hasSuffix(".log") else { return nil }
        return UInt32(name.dropFirst(8).dropLast(4))
    }

    /// Creates segment `number` by writing its header to a temporary file, syncing it and
    /// renaming it into place; it becomes the one appends go to.
    private func startSegment(number: UInt32) throws(StoreError) {
        try sync()
        let name = Self.segmentName(number)
        let temporary = path(name + ".tmp")
        var random = SystemRandomNumberGenerator()
        let salt = random.next() as UInt64
        let file = try StoreError.wrap(temporary) { () throws -> any StorageFile in
            let file = try disk.open(temporary, create: true, truncate: true)
            try file.write(LogFormat.segmentHeader(number: number, salt: salt), at: 0)
            try file.sync()
            try disk.rename(temporary, to: path(name))
            try disk.syncDirectory(directory)
            return file
        }
        let size = Int64(LogFormat.firstRecordOffset)
        segments.append(Segment(number: number, salt: salt, file: file, path: path(name), size: size, syncedSize: size))
        bytesAppended += size
    }

    private func readSegment(_ segment: Segment, into buffer: inout [UInt8]) throws(StoreError) {
        let size = Int(segment.size)
        if buffer.count < size { buffer = [UInt8](repeating: 0, count: size) }
        let got = try StoreError.wrap(segment.path) { () throws -> Int in
            try buffer.withUnsafeMutableBytes { try segment.file.read(into: UnsafeMutableRawBufferPointer(rebasing: $0[0..<size]), at: 0) }
        }
        buffer.removeSubrange(got...)
    }

    /// Replays one segment file, cutting back a bad tail when it is the newest.
    private func recover(
        name: String, number: UInt32, isNewest: Bool, report: inout RecoveryReport,
        visit: (UInt8, UnsafeRawBufferPointer, RecordLocation) -> Void
    ) throws(StoreError) {
        let filePath = path(name)
        let file = try StoreError.wrap(filePath) { try disk.open(filePath, create: false, truncate: false) }
        let size = try StoreError.wrap(filePath) { try file.size() }
        var buffer = [UInt8](repeating: 0, count: Int(size))
        _ = try StoreError.wrap(filePath) { try buffer.withUnsafeMutableBytes { try file.read(into: $0, at: 0) } }
        var goodEnd = Int64(LogFormat.firstRecordOffset)
        let outcome = buffer.withUnsafeBytes { bytes -> (UInt64, Int64)? in
            guard let header = LogFormat.parseSegmentHeader(bytes) else { return nil }
            var offset = LogFormat.firstRecordOffset
            while offset < bytes.count {
                guard let start = LogFormat.nextRecord(bytes, from: offset, salt: header.salt) else { break }
                if start > offset {
                    report.skipped.append(.init(segment: number, offset: Int64(offset), bytes: Int64(start - offset)))
                }
                guard let record = LogFormat.parseRecord(bytes, at: start, salt: header.salt) else { break }
                let location = RecordLocation(segment: number, offset: Int64(start), payloadBytes: UInt32(record.payload.count))
                visit(record.type, UnsafeRawBufferPointer(rebasing: bytes[record.payload]), location)
                report.records += 1
                offset = record.payload.upperBound
                goodEnd = Int64(offset)
            }
            return (header.salt, goodEnd)
        }
        guard let (salt, end) = outcome else {
            report.unreadableSegments.append(name)
            return
        }
        if end < size {
            if isNewest {
                try StoreError.wrap(filePath) {
                    try file.truncate(to: end)
                    try file.syncData()
                }
                report.truncatedBytes += size - end
            } else {
                report.skipped.append(.init(segment: number, offset: end, bytes: size - end))
            }
        }
        segments.append(Segment(
            number: number, salt: salt, file: file, path: filePath, size: isNewest ? end : size, syncedSize: isNewest ? end : size))
    }
}

extension StoreError {
    static func wrapping(_ error: any Error, path: String) -> StoreError {
        if let error = error as? StoreError { return error }
        if let error = error as? SystemError { return .system(error, path: path) }
        return .system(SystemError("unknown", code: 0), path: path)
    }
}

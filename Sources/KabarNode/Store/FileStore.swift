import Kabar
import KabarCrypto
import KabarPlatform

/// The node's bulletin store on disk: a `BulletinStore` over the crash-safe `StoreLog`, with
/// the index (`BulletinIndex`) rebuilt in memory at open. Documentation/Store.md has the format
/// and the reasoning.
///
/// Records: 1 = bulletin (id ++ encoding), 2 = tombstone (id ++ until), 3 = deletion (id).
/// Open trusts its own CRC-checked log: it does not verify signatures again (every bulletin was
/// checked before it was first written) and reads the index fields from the header of each
/// encoding without decoding it. The id stored beside the bytes is checked against SHA-256 of
/// the bytes when a bulletin is read back (`bulletin(_:)`), the pair of the check made before
/// it was written.
public final class FileStore: BulletinStore {
    /// How the store behaves.
    public struct Options: Sendable {
        /// Segment size before rolling over.
        public var segmentBytesMax = StoreLog.defaultSegmentBytesMax
        /// Disk quota in bytes for the segments; nil for none. Over it, `enforceQuota` evicts
        /// (in the node's order: Documentation/Store.md, "Quota") and compacts.
        public var quotaBytes: Int64?
        /// Which channels are official (evicted last). Default: the official channels of
        /// `ChannelRules.defaults` (`resmi`, `pengumuman`).
        public var isOfficial: @Sendable (String) -> Bool = { ChannelRules.defaults.rule(for: $0).access == .official }
        /// Re-hash every bulletin at open (slower; the read path checks anyway).
        public var verifyIDsAtOpen = false
        /// The file system under the log: the real one, or a simulated one whose crashes
        /// lose what was never synced (Store.md, "Faults").
        public var disk: any StorageDisk = SystemDisk.shared

        /// The defaults.
        public init() {}
    }

    enum RecordType {
        static let bulletin: UInt8 = 1
        static let tombstone: UInt8 = 2
        static let deletion: UInt8 = 3
    }

    /// The folder holding segments and lock.
    public let directory: String
    /// What opening found and repaired.
    public let recovery: RecoveryReport
    /// Bulletin records at open whose bytes did not make a bulletin (or whose id did not match
    /// with `verifyIDsAtOpen`); skipped.
    public private(set) var unreadableRecords = 0
    /// Reads whose bytes no longer matched their id or checksum (disk decay after open).
    public private(set) var readFailures = 0

    private var options: Options
    private let log: StoreLog
    private var index = BulletinIndex()
    private var tombstones: [BulletinID: UnixTime] = [:]
    /// Ids evicted for the quota and not yet taken by the node (`takeEvictions`), at most
    /// `evictionsHeldMax` (a store used without a node drops the oldest).
    private var evictions: [BulletinID] = []
    /// Ids a failed sync took back and the node has not yet taken (`takeLost`); the same bound.
    private var lost: [BulletinID] = []
    static let evictionsHeldMax = 1 << 20

    /// Takes a changed quota and set of official channels (`kabar reload`). A lower quota is
    /// enforced at the next insert, as any growth past it is.
    public func reconfigure(quotaBytes: Int64?, isOfficial: @escaping @Sendable (String) -> Bool) {
        options.quotaBytes = quotaBytes
        options.isOfficial = isOfficial
    }

    /// Opens (creating if needed) the store in `data`'s `store` folder.
    public static func open(in data: DataDirectory, options: Options = Options()) throws(StoreError) -> FileStore {
        try StoreError.wrap(data.path) { try FileSystem.makeDirectory(data.path) }
        do {
            return try FileStore(directory: data.file("store"), options: options)
        } catch .locked(_, let processID) {
            // Name the folder the person passed with --data, not its inner store folder.
            throw .locked(directory: data.path, processID: processID)
        }
    }

    /// Opens (creating if needed) the store in `directory`, replaying and repairing its log.
    public init(directory: String, options: Options = Options()) throws(StoreError) {
        self.directory = directory
        self.options = options
        var index = BulletinIndex()
        var tombstones: [BulletinID: UnixTime] = [:]
        var unreadable = 0
        index.startLoading()
        let (log, report) = try StoreLog.open(directory: directory, segmentBytesMax: options.segmentBytesMax, disk: options.disk) {
            type, payload, location in
            if !Self.replay(type, payload, location, &index, &tombstones, verify: options.verifyIDsAtOpen) {
                unreadable += 1
            }
        }
        index.finishLoading()
        self.log = log
        self.recovery = report
        self.index = index
        self.tombstones = tombstones
        self.unreadableRecords = unreadable
        // A bad stretch inside a segment (a power cut that kept writes out of order, a flipped
        // byte) would be found and reported again at every open: the next `removeExpired` (the
        // node's first expiry tick, within a minute) compacts it away. Not here: an open after a
        // crash must stay about as quick as a clean one.
        repairPending = !report.skipped.isEmpty
    }

    // MARK: - BulletinStore

    public var count: Int { index.count }

    public func contains(_ id: BulletinID) -> Bool { index.entry(id) != nil }

    /// From the index alone: no disk read.
    public func summary(_ id: BulletinID) -> BulletinSummary? {
        guard let entry = index.entry(id) else { return nil }
        return BulletinSummary(
            kind: entry.kind, author: index.author(of: entry), created: entry.created, expires: entry.expires,
            channel: index.channel(of: entry), hasAttachments: entry.hasAttachments)
    }

    /// The ids of live bulletins that list attachments (the index alone: no disk read).
    public var idsWithAttachments: [BulletinID] { index.idsWithAttachments }

    public func bulletin(_ id: BulletinID) -> Bulletin? {
        guard let entry = index.entry(id) else { return nil }
        let location = Self.unpack(entry.location, payloadBytes: BulletinID.byteCount + Int(entry.encodedBytes))
        guard let payload = try? log.read(location), payload.count > BulletinID.byteCount,
              BulletinID(bytes: payload[0..<BulletinID.byteCount]) == id,
              let bulletin = try? Bulletin.decode(Array(payload[BulletinID.byteCount...])),
              bulletin.id == id
        else {
            readFailures += 1
            return nil
        }
        return bulletin
    }

    public func insert(_ bulletin: Bulletin, durability: Durability) throws -> InsertOutcome {
        if index.entry(bulletin.id) != nil { return .duplicate }
        if tombstones[bulletin.id] != nil { return .removed }
        // Assertions in pairs: the bytes we write must hash to the id, as they must when read.
        precondition(BulletinID(hashing: bulletin.encoded) == bulletin.id, "bulletin id does not match its bytes")
        let location = try append(type: RecordType.bulletin, payload: bulletin.id.bytes + bulletin.encoded)
        index.insert(
            id: bulletin.id, summary: BulletinSummary(bulletin), encodedBytes: bulletin.encoded.count,
            location: Self.pack(location))
        if durability == .immediate { try syncLog() }
        return .added
    }

    /// Inserts a batch; with `.immediate`, one sync at the end makes all of it durable (group
    /// commit). (The protocol's version, without `mutating`, for a class held in a `let`.)
    public func insert(contentsOf bulletins: [Bulletin], durability: Durability) throws -> [InsertOutcome] {
        let outcomes = try bulletins.map { try insert($0, durability: .lazy) }
        if durability == .immediate { try syncLog() }
        return outcomes
    }

    @discardableResult
    public func remove(_ id: BulletinID) throws -> Bool {
        guard index.entry(id) != nil else { return false }
        try append(type: RecordType.deletion, payload: id.bytes)
        index.remove(id)
        return true
    }

    public func markRemoved(_ id: BulletinID, until: UnixTime) throws {
        let until = max(tombstones[id] ?? until, until)
        var payload = id.bytes
        withUnsafeBytes(of: until.milliseconds.littleEndian) { payload.append(contentsOf: $0) }
        try append(type: RecordType.tombstone, payload: payload)
        tombstones[id] = until
        index.remove(id)
    }

    public func isRemoved(_ id: BulletinID) -> Bool { tombstones[id] != nil }

    /// Expiry needs no record: an expired bulletin found again at the next open is dropped by
    /// the next call. Compacts when the log holds more than twice what is live.
    public func removeExpired(now: UnixTime) throws -> [BulletinID] {
        let expired = index.expired(now: now)
        index.remove(contentsOf: expired)
        tombstones = tombstones.filter { $0.value > now }
        if repairPending || log.diskBytes > 2 * liveBytesEstimate + Int64(options.segmentBytesMax) { try compact(now: now) }
        return expired
    }

    public func flush() throws { try syncLog() }

    public func takeLost() -> [BulletinID] {
        defer { lost.removeAll() }
        return lost
    }

    /// Syncs the log; when the sync fails, the log has taken back every record since the last
    /// good one, and so does the index (the ids go to `takeLost`).
    private func syncLog() throws {
        do {
            try log.sync()
        } catch {
            forgetTakenBack()
            throw error
        }
    }

    /// Appends a record; an append that rolls the segment over syncs the full one first, and
    /// when that sync fails the index forgets what it took back, as `syncLog` does.
    private func append(type: UInt8, payload: [UInt8]) throws -> RecordLocation {
        do {
            return try log.append(type: type, payload: payload)
        } catch {
            forgetTakenBack()
            throw error
        }
    }

    private func forgetTakenBack() {
        let cuts = log.takeRolledBack()
        guard !cuts.isEmpty else { return }
        let gone = index.ids { entry in
            let location = Self.unpack(entry.location, payloadBytes: 0)
            return cuts[location.segment].map { location.offset >= $0 } ?? false
        }
        index.remove(contentsOf: gone)
        lost += gone
        if lost.count > Self.evictionsHeldMax { lost.removeFirst(lost.count - Self.evictionsHeldMax) }
    }

    public func forEachItem(_ body: (UnixTime, BulletinID) -> Void) { index.forEachItem(body) }

    /// The number of the next change to what is held: a follower that has seen every change
    /// since open holds this (`changes(since:)`). 0 at open.
    public var changesEnd: Int64 { index.changes.end }

    /// The ids inserted or removed since change number `number` (an id may appear twice; ask
    /// `contains` what holds now), from every path that changes what is held: insert, remove,
    /// tombstone, expiry, eviction, compaction and a failed sync taken back. Nil when more
    /// changed since than the store keeps (`StoreChangeFeed`): then compare with `forEachItem`.
    public func changes(since number: Int64) -> ArraySlice<BulletinID>? { index.changes.changes(since: number) }

    public func query(_ query: BulletinQuery) -> [Bulletin] {
        var results: [Bulletin] = []
        index.forEachCandidate(query) { entry in
            if let bulletin = bulletin(entry.id),
               TextSearch.containsAll(query.words, title: bulletin.title, body: bulletin.body) {
                results.append(bulletin)
            }
            return results.count < query.limit
        }
        return results
    }

    public func resolve(prefix: String) throws(IDPrefixError) -> BulletinID { try index.resolve(prefix: prefix) }

    // MARK: - Maintenance

    /// Bytes the segment files take.
    public var diskBytes: Int64 { log.diskBytes }

    /// Bytes appended to the log since open (record headers and segment headers included).
    public var bytesAppended: Int64 { log.bytesAppended }

    /// What the live bulletins and tombstones would take after a compaction.
    public var liveBytesEstimate: Int64 {
        let perRecord = Int64(LogFormat.recordHeaderBytes + BulletinID.byteCount)
        return index.encodedBytes + Int64(index.count) * perRecord + Int64(tombstones.count) * (perRecord + 8)
    }

    /// The last open stepped over a bad stretch that a compaction will rewrite away.
    public private(set) var repairPending = false

    /// How many tombstones are held.
    public var tombstoneCount: Int { tombstones.count }

    /// Drops expired bulletins and tombstones, then rewrites the log with only what is live.
    /// Crash-safe at every step (StoreLog.compact).
    public func compact(now: UnixTime) throws {
        repairPending = false
        index.remove(contentsOf: index.expired(now: now))
        tombstones = tombstones.filter { $0.value > now }
        var keptTombstones = Set<BulletinID>()
        try log.compact(keep: { type, payload, location in
            guard payload.count >= BulletinID.byteCount else { return false }
            let id = Self.loadID(payload)
            switch type {
            case RecordType.bulletin:
                return index.entry(id)?.location == Self.pack(location)
            case RecordType.tombstone:
                return tombstones[id] != nil && keptTombstones.insert(id).inserted
            default:
                return false
            }
        }, moved: { type, payload, location in
            guard type == RecordType.bulletin, payload.count >= BulletinID.byteCount else { return }
            index.relocate(Self.loadID(payload), to: Self.pack(location))
        })
    }

    /// When the segments are over the quota: evicts in `rank`'s order (`BulletinStore`) until
    /// what is live fits in 90% of it, then compacts. Returns the evicted ids.
    @discardableResult
    public func enforceQuota(now: UnixTime, rank: (EvictionCandidate) -> Int?) throws -> [BulletinID] {
        guard let quota = options.quotaBytes, log.diskBytes > quota else { return [] }
        let target = quota / 10 * 9
        var evicted: [BulletinID] = []
        if liveBytesEstimate > target {
            let overhead = Int64(LogFormat.recordHeaderBytes + BulletinID.byteCount)
            for candidate in index.evictionOrder(overhead: overhead, rank: rank) {
                guard liveBytesEstimate > target else { break }
                index.remove(candidate.id)
                evicted.append(candidate.id)
            }
        }
        evictions += evicted
        if evictions.count > Self.evictionsHeldMax { evictions.removeFirst(evictions.count - Self.evictionsHeldMax) }
        // Compaction drops the evicted records; no deletion record is needed, because the
        // compacted log no longer holds them. A crash before it finishes brings them back,
        // which is harmless: eviction is only for space.
        try compact(now: now)
        return evicted
    }

    /// `enforceQuota` in the plain order (expired, community, official and system; for a store
    /// used without a node, and tests).
    @discardableResult
    public func enforceQuota(now: UnixTime) throws -> [BulletinID] {
        let isOfficial = options.isOfficial
        return try enforceQuota(now: now, rank: EvictionCandidate.plainRank(now: now) {
            !isOfficial($0) && $0 != ChannelRules.systemChannel
        })
    }

    public func takeEvictions() -> [BulletinID] {
        defer { evictions.removeAll() }
        return evictions
    }

    /// Makes everything durable, closes the files and releases the lock.
    public func close() throws { try log.close() }

    /// Traps when the index is inconsistent. For tests.
    public func checkInvariants() { index.checkInvariants() }

    // MARK: - Private

    /// Applies one record at open. False when a bulletin record's bytes are unusable.
    private static func replay(
        _ type: UInt8, _ payload: UnsafeRawBufferPointer, _ location: RecordLocation,
        _ index: inout BulletinIndex, _ tombstones: inout [BulletinID: UnixTime], verify: Bool
    ) -> Bool {
        let idBytes = BulletinID.byteCount
        guard payload.count >= idBytes else { return type != RecordType.bulletin }
        let id = loadID(payload)
        switch type {
        case RecordType.bulletin:
            let encoded = UnsafeRawBufferPointer(rebasing: payload[idBytes...])
            if verify && BulletinID(hashing: Array(encoded)) != id { return false }
            guard tombstones[id] == nil else { return true }
            guard let summary = BulletinSummary(encoded: encoded)
                    ?? (try? Bulletin.decode(Array(encoded))).map(BulletinSummary.init)
            else { return false }
            index.insert(id: id, summary: summary, encodedBytes: encoded.count, location: pack(location))
        case RecordType.tombstone:
            guard payload.count == idBytes + 8 else { return true }
            let until = UnixTime(milliseconds: Int64(littleEndian: payload.loadUnaligned(fromByteOffset: idBytes, as: Int64.self)))
            tombstones[id] = max(tombstones[id] ?? until, until)
            index.remove(id)
        case RecordType.deletion:
            index.remove(id)
        default:
            break
        }
        return true
    }

    /// The id in the first 32 bytes of a payload (which must have them). No allocation: this
    /// runs once per record at open.
    private static func loadID(_ payload: UnsafeRawBufferPointer) -> BulletinID {
        func word(_ index: Int) -> UInt64 {
            UInt64(bigEndian: payload.loadUnaligned(fromByteOffset: 8 * index, as: UInt64.self))
        }
        return BulletinID(words: (word(0), word(1), word(2), word(3)))
    }

    /// Segment number in the high 32 bits, offset in the low 32 (segments stay under 4 GiB).
    private static func pack(_ location: RecordLocation) -> UInt64 {
        UInt64(location.segment) << 32 | UInt64(UInt32(truncatingIfNeeded: location.offset))
    }

    private static func unpack(_ packed: UInt64, payloadBytes: Int) -> RecordLocation {
        RecordLocation(
            segment: UInt32(truncatingIfNeeded: packed >> 32), offset: Int64(packed & 0xFFFF_FFFF),
            payloadBytes: UInt32(payloadBytes))
    }
}

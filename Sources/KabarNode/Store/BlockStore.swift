import Kabar
import KabarPlatform

/// The attachments' blocks on disk (Documentation/Attachments.md, "Store"): a crash-safe log of
/// its own in `DIR/blocks`, beside the bulletins' store, in the same record format (length,
/// checksum, torn tail cut back at open).
///
/// Content-addressed both ways: `put` takes a block only under the SHA-256 of its bytes, and
/// `block` hashes what it read again before handing it out, so a bit flipped on the SD card is
/// a missing block (fetched again from a peer), never a wrong file. Blocks go in lazily; the
/// caller `sync`s before it reports an attachment saved.
public final class BlockStore {
    static let blockRecord: UInt8 = 1

    /// The folder.
    public let directory: String
    private let log: StoreLog
    private var locations: [ContentID: RecordLocation] = [:]
    /// Blocks whose bytes failed their hash when read (dropped from the index).
    public private(set) var damagedBlocks = 0
    /// What opening found and repaired.
    public let recovery: RecoveryReport

    /// Opens (creating if needed) the block store of `data`.
    public static func open(in data: DataDirectory) throws(StoreError) -> BlockStore {
        try BlockStore(directory: data.file("blocks"))
    }

    /// Opens (creating if needed) the block log in `directory`, replaying it.
    public init(directory: String) throws(StoreError) {
        self.directory = directory
        var locations: [ContentID: RecordLocation] = [:]
        let (log, report) = try StoreLog.open(directory: directory) { type, payload, location in
            guard type == Self.blockRecord, payload.count >= ContentID.byteCount,
                let id = ContentID(bytes: payload[0..<ContentID.byteCount])
            else { return }
            locations[id] = location
        }
        self.log = log
        self.locations = locations
        recovery = report
    }

    /// Blocks held.
    public var count: Int { locations.count }
    /// Bytes the log takes on disk.
    public var diskBytes: Int64 { log.diskBytes }
    /// Bytes the blocks take (their records on disk).
    public var byteCount: Int64 { log.diskBytes }
    /// Bytes appended since open (to measure write amplification).
    public var bytesAppended: Int64 { log.bytesAppended }

    /// True when the block is held.
    public func contains(_ id: ContentID) -> Bool { locations[id] != nil }

    /// Stores `bytes` under `id`; refuses bytes that do not hash to it. False when already held.
    @discardableResult
    public func put(_ id: ContentID, _ bytes: [UInt8]) throws -> Bool {
        guard bytes.count <= AttachmentManifest.blockBytesMax else { throw AttachmentError.malformed }
        guard ContentID(hashing: bytes) == id else { throw AttachmentError.hashMismatch }
        guard locations[id] == nil else { return false }
        locations[id] = try log.append(type: Self.blockRecord, payload: id.bytes + bytes)
        return true
    }

    /// The block `id`, checked against its hash; nil when not held or damaged.
    public func block(_ id: ContentID) -> [UInt8]? {
        guard let location = locations[id] else { return nil }
        guard let payload = try? log.read(location), payload.count >= ContentID.byteCount else {
            forgetDamaged(id)
            return nil
        }
        let bytes = Array(payload[ContentID.byteCount...])
        guard ContentID(bytes: payload[0..<ContentID.byteCount]) == id, ContentID(hashing: bytes) == id else {
            forgetDamaged(id)
            return nil
        }
        return bytes
    }

    /// Rewrites the log with only the blocks `live` names (the keeper's pass: blocks of
    /// attachments no live post lists, or dropped for space, go). Crash-safe: new segments
    /// appear by rename after an fsync, old ones go only after that (StoreLog.compact).
    /// Returns the blocks dropped.
    @discardableResult
    public func compact(keeping live: Set<ContentID>) throws(StoreError) -> Int {
        let before = locations.count
        var kept: [ContentID: RecordLocation] = [:]
        try log.compact(keep: { type, payload, _ in
            guard type == Self.blockRecord, payload.count >= ContentID.byteCount,
                let id = ContentID(bytes: Array(payload[0..<ContentID.byteCount])), live.contains(id), kept[id] == nil
            else { return false }
            return true
        }, moved: { _, payload, location in
            guard let id = ContentID(bytes: Array(payload[0..<ContentID.byteCount])) else { return }
            kept[id] = location
        })
        locations = kept
        return before - kept.count
    }

    /// Makes every block put so far durable (`fsync`).
    public func sync() throws(StoreError) { try log.sync() }

    /// Closes the log.
    public func close() throws(StoreError) { try log.close() }

    private func forgetDamaged(_ id: ContentID) {
        locations[id] = nil
        damagedBlocks += 1
    }
}

/// The node fetches and serves attachments through the same store the service writes.
extension BlockStore: AttachmentBlockStorage {}

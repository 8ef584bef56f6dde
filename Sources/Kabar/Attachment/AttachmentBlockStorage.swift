/// Where a node keeps attachment blocks: the daemon's `BlockStore` on disk, or memory in the
/// simulator and tests. A class: the node and the node service share one.
public protocol AttachmentBlockStorage: AnyObject {
    /// Bytes the blocks take.
    var byteCount: Int64 { get }
    /// True when the block is held.
    func contains(_ id: ContentID) -> Bool
    /// The block's bytes, checked against `id`; nil when not held (or damaged).
    func block(_ id: ContentID) -> [UInt8]?
    /// Stores `bytes` under `id` (refusing bytes that do not hash to it); false when held already.
    @discardableResult
    func put(_ id: ContentID, _ bytes: [UInt8]) throws -> Bool
}

/// Blocks in memory, bounded (`bytesMax`): the simulator's and the tests' block store.
public final class MemoryBlockStorage: AttachmentBlockStorage {
    private var blocks: [ContentID: [UInt8]] = [:]
    private var bytes = 0
    /// Bytes held, at most.
    public let bytesMax: Int

    /// An empty store of at most `bytesMax` bytes.
    public init(bytesMax: Int = 64 << 20) { self.bytesMax = bytesMax }

    /// Blocks held.
    public var count: Int { blocks.count }
    public var byteCount: Int64 { Int64(bytes) }

    public func contains(_ id: ContentID) -> Bool { blocks[id] != nil }
    public func block(_ id: ContentID) -> [UInt8]? { blocks[id] }

    public func put(_ id: ContentID, _ block: [UInt8]) throws -> Bool {
        guard block.count <= AttachmentManifest.blockBytesMax else { throw AttachmentError.malformed }
        guard ContentID(hashing: block) == id else { throw AttachmentError.hashMismatch }
        guard blocks[id] == nil else { return false }
        guard bytes + block.count <= bytesMax else { throw AttachmentError.tooLarge(size: UInt64(bytes + block.count), limit: UInt64(bytesMax)) }
        blocks[id] = block
        bytes += block.count
        return true
    }
}

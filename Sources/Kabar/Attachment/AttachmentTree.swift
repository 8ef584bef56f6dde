/// Building an attachment's block tree from a file, and walking it back (Documentation/
/// Attachments.md). Pure: blocks come in and go out as bytes; where they live is the caller's.
///
///                      manifest (root, its hash is the attachment's id)
///                     /          \
///             index block  ...  index block        (height >= 1: 32 ids each)
///              /      \
///         data block ... data block                 (1 KiB of the file each)
///
/// Every block is named by its SHA-256 and listed by its parent, so each one checks alone the
/// moment it arrives, from whichever peer sent it.
public enum AttachmentTree {
    /// Splits `bytes` into the tree; returns the manifest and every block below it with its id,
    /// top level first, data blocks last in file order.
    public static func build(_ bytes: [UInt8], type: String, name: String) throws(AttachmentError) -> (manifest: AttachmentManifest, blocks: [(id: ContentID, bytes: [UInt8])]) {
        guard UInt64(bytes.count) <= AttachmentManifest.sizeMax else {
            throw .tooLarge(size: UInt64(bytes.count), limit: AttachmentManifest.sizeMax)
        }
        try AttachmentManifest.check(type: type, name: name)
        let size = UInt64(bytes.count)
        var level: [(id: ContentID, bytes: [UInt8])] = stride(from: 0, to: max(bytes.count, 1), by: AttachmentManifest.dataBlockBytes).map { start in
            let block = Array(bytes[start..<min(start + AttachmentManifest.dataBlockBytes, bytes.count)])
            return (ContentID(hashing: block), block)
        }
        var levels = [level]
        let height = AttachmentManifest.height(forSize: size)
        for _ in 0..<Int(height) {
            level = stride(from: 0, to: level.count, by: AttachmentManifest.idsPerIndexBlock).map { start in
                let block = level[start..<min(start + AttachmentManifest.idsPerIndexBlock, level.count)].flatMap(\.id.bytes)
                return (ContentID(hashing: block), block)
            }
            levels.append(level)
        }
        let manifest = try AttachmentManifest(size: size, height: height, type: type, name: name, children: level.map(\.id))
        return (manifest, levels.reversed().flatMap { $0 })
    }

    /// What a walk of the tree found with the blocks at hand.
    public struct Walk: Sendable, Equatable {
        /// The file, when every block was there.
        public var bytes: [UInt8]?
        /// File bytes held (data blocks present).
        public var have: UInt64
        /// Blocks known to be missing (listed by a block that is present), top level first; at
        /// most the `missingMax` asked for.
        public var missing: [ContentID]
    }

    /// Walks the tree under `manifest`, fetching blocks with `block` (which must return only
    /// bytes whose hash is the id asked for). Each block's length and each index block's id count
    /// are checked against the shape the size fixes. `assemble`: keep the file's bytes (false
    /// to count what is held without copying it). `contains`, when given and not assembling,
    /// answers for data blocks without reading them (a store that checked them on the way in):
    /// counting a 2 MB attachment then reads its 64 index blocks, not its 2,000 data blocks.
    public static func walk(
        _ manifest: AttachmentManifest, assemble: Bool, missingMax: Int = 256, block: (ContentID) -> [UInt8]?,
        contains: ((ContentID) -> Bool)? = nil
    ) throws(AttachmentError) -> Walk {
        var walk = Walk(bytes: assemble ? [] : nil, have: 0, missing: [])
        var complete = true
        // Each entry: the ids of one level, nil where the parent was missing.
        var level: [ContentID?] = manifest.children.map { $0 }
        for depth in stride(from: Int(manifest.height), to: 0, by: -1) {
            let below = AttachmentManifest.blocks(size: manifest.size, level: depth - 1)
            var next: [ContentID?] = []
            next.reserveCapacity(Int(below))
            for (index, id) in level.enumerated() {
                let expected = Int(min(UInt64(AttachmentManifest.idsPerIndexBlock), below - UInt64(index * AttachmentManifest.idsPerIndexBlock)))
                guard let id, let bytes = block(id) else {
                    if let id { note(missing: id, &walk, missingMax) }
                    complete = false
                    next += [ContentID?](repeating: nil, count: expected)
                    continue
                }
                guard bytes.count == expected * 32 else { throw .shapeMismatch }
                for start in stride(from: 0, to: bytes.count, by: 32) { next.append(ContentID(bytes: bytes[start..<start + 32])) }
            }
            level = next
        }
        let last = manifest.size == 0 ? 0 : Int((manifest.size - 1) % UInt64(AttachmentManifest.dataBlockBytes)) + 1
        for (index, id) in level.enumerated() {
            let expected = index == level.count - 1 ? last : AttachmentManifest.dataBlockBytes
            if !assemble, let contains, let id {
                if contains(id) { walk.have += UInt64(expected) } else {
                    note(missing: id, &walk, missingMax)
                    complete = false
                }
                continue
            }
            guard let id, let bytes = block(id) else {
                if let id { note(missing: id, &walk, missingMax) }
                complete = false
                walk.bytes = nil
                continue
            }
            guard bytes.count == expected else { throw .shapeMismatch }
            walk.have += UInt64(bytes.count)
            if complete && assemble { walk.bytes?.append(contentsOf: bytes) }
        }
        if !complete { walk.bytes = nil }
        return walk
    }

    /// Calls `body` with every block of the tree under `manifest` that `block` holds, the
    /// manifest first, then each level top down (the order an importer can check them in).
    public static func forEachBlock(
        _ manifest: AttachmentManifest, block: (ContentID) -> [UInt8]?, _ body: (ContentID, [UInt8]) throws -> Void
    ) rethrows {
        try body(manifest.id, manifest.encoded)
        var level = manifest.children
        for depth in stride(from: Int(manifest.height), through: 0, by: -1) {
            var next: [ContentID] = []
            for id in level {
                guard let bytes = block(id) else { continue }
                try body(id, bytes)
                if depth > 0 {
                    for start in stride(from: 0, to: bytes.count - bytes.count % 32, by: 32) {
                        if let child = ContentID(bytes: bytes[start..<start + 32]) { next.append(child) }
                    }
                }
            }
            level = next
        }
    }

    /// Every block of the tree under `manifest` that is held, with the bytes they take, reading
    /// only the manifest and index blocks (data blocks are checked by `contains`, never read):
    /// what the keeper needs to know which blocks are live.
    public static func heldBlocks(
        _ manifest: AttachmentManifest, block: (ContentID) -> [UInt8]?, contains: (ContentID) -> Bool
    ) -> (ids: [ContentID], bytes: Int64) {
        var ids = [manifest.id]
        var bytes = Int64(manifest.encoded.count)
        var level = manifest.children
        for depth in stride(from: Int(manifest.height), through: 0, by: -1) {
            var next: [ContentID] = []
            for id in level {
                if depth == 0 {
                    guard contains(id) else { continue }
                    ids.append(id)
                    bytes += Int64(AttachmentManifest.blockBytesMax)
                    continue
                }
                guard let index = block(id) else { continue }
                ids.append(id)
                bytes += Int64(index.count)
                for start in stride(from: 0, to: index.count - index.count % 32, by: 32) {
                    if let child = ContentID(bytes: index[start..<start + 32]) { next.append(child) }
                }
            }
            level = next
        }
        return (ids, min(bytes, Int64(manifest.size) + Int64(ids.count) * 32 + Int64(manifest.encoded.count)))
    }

    private static func note(missing id: ContentID, _ walk: inout Walk, _ missingMax: Int) {
        if walk.missing.count < missingMax { walk.missing.append(id) }
    }
}

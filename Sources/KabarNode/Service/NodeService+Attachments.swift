import Foundation
import Kabar
import KabarPlatform

// Attachments (Documentation/Attachments.md): files split into content-addressed blocks, stored
// beside the bulletins, listed by content id in a post's field 6.
extension NodeService {
    /// The block store, opened at first use.
    func blocks() throws(ServiceError) -> BlockStore {
        if let openedBlocks { return openedBlocks }
        do {
            let opened = try BlockStore.open(in: host.data)
            openedBlocks = opened
            return opened
        } catch {
            throw .from(error)
        }
    }

    /// One attachment on `channel`, at most (`attach=` on its line, else `attachment_max`).
    func attachmentSizeMax(on channel: String) -> UInt64 { host.node.configuration.attachments.sizeMax(for: channel) }

    /// Reads each file, splits it into blocks, stores them durably; returns the attachments'
    /// content ids for a post on `channel`. Nothing is signed yet: a refused post leaves blocks
    /// no post lists, which the keeper's next pass drops (NodeService+AttachmentKeeping.swift).
    func storeAttachments(_ paths: [String], channel: String) throws(ServiceError) -> [ContentID] {
        guard !paths.isEmpty else { return [] }
        guard paths.count <= BulletinCodec.referencesMax else {
            throw .invalidInput(Localized(
                en: "at most \(BulletinCodec.referencesMax) attachments per post, not \(paths.count)",
                id: "paling banyak \(BulletinCodec.referencesMax) lampiran per kiriman, bukan \(paths.count)"))
        }
        let store = try blocks()
        var ids: [ContentID] = []
        for path in paths {
            let bytes = try readAttachment(try Self.absolute(path), channel: channel)
            let name = String(path.split(separator: "/").last ?? "file")
            ids.append(try putAttachment(bytes, name: name, type: Self.mediaType(ofFileNamed: name), in: store))
        }
        do { try store.sync() } catch { throw .from(error) }
        return ids
    }

    /// Splits `bytes` (a file a phone sent to the board, say) into blocks and stores them
    /// durably, the block log synced before this returns; returns the attachment's content id.
    /// As for files, nothing is signed here.
    func storeAttachment(_ bytes: [UInt8], name: String, type: String, channel: String) throws(ServiceError) -> ContentID {
        let limit = attachmentSizeMax(on: channel)
        guard bytes.count <= limit else { throw Self.tooLarge(name, size: Int64(bytes.count), limit: limit, channel: channel) }
        let store = try blocks()
        let id = try putAttachment(bytes, name: name, type: type, in: store)
        do { try store.sync() } catch { throw .from(error) }
        return id
    }

    /// A file over its channel's limit, saying which setting sets it.
    static func tooLarge(_ file: String, size: Int64, limit: UInt64, channel: String) -> ServiceError {
        .invalidInput(Localized(
            en: "\(file) is \(size) bytes; an attachment on \(channel) may be at most \(limit) bytes (attachment_max, or attach= on channel.\(channel), in kabar.conf)",
            id: "\(file) berukuran \(size) byte; lampiran di \(channel) paling besar \(limit) byte (attachment_max, atau attach= di channel.\(channel), di kabar.conf)"))
    }

    /// The tree of `bytes` built and every block of it put in `store` (not yet synced).
    private func putAttachment(_ bytes: [UInt8], name: String, type: String, in store: BlockStore) throws(ServiceError) -> ContentID {
        do {
            let tree = try AttachmentTree.build(bytes, type: type, name: name)
            try store.put(tree.manifest.id, tree.manifest.encoded)
            for block in tree.blocks { try store.put(block.id, block.bytes) }
            return tree.manifest.id
        } catch let error as AttachmentError {
            throw .invalidInput(error.localizedMessage)
        } catch {
            throw .from(error)
        }
    }

    private func readAttachment(_ path: String, channel: String) throws(ServiceError) -> [UInt8] {
        let limit = attachmentSizeMax(on: channel)
        let size: Int64
        do {
            guard let status = try FileSystem.status(path), status.isRegularFile else {
                throw ServiceError.invalidInput(Localized(en: "no file at \(path)", id: "tidak ada berkas di \(path)"))
            }
            size = status.size
        } catch let error as ServiceError {
            throw error
        } catch {
            throw .failed(Localized(en: "cannot read \(path): \(error)", id: "tidak dapat membaca \(path): \(error)"))
        }
        guard size <= limit else { throw Self.tooLarge(path, size: size, limit: limit, channel: channel) }
        guard let data = FileManager.default.contents(atPath: path), data.count == Int(size) else {
            throw .failed(Localized(en: "cannot read \(path)", id: "tidak dapat membaca \(path)"))
        }
        return [UInt8](data)
    }

    /// What this node knows and holds of each attachment.
    public func attachmentInfo(_ parameters: AttachmentListParameters) throws(ServiceError) -> [AttachmentInfo] {
        guard parameters.ids.count <= AttachmentListParameters.idsMax else {
            throw .invalidInput(Localized(en: "too many attachment ids", id: "terlalu banyak id lampiran"))
        }
        let store = try blocks()
        return try parameters.ids.map { text throws(ServiceError) in
            let id = try Self.contentID(text)
            guard let manifest = Self.manifest(id, in: store) else {
                return AttachmentInfo(id: id.hex, name: nil, type: nil, size: nil, have: 0)
            }
            let walk = try? AttachmentTree.walk(manifest, assemble: false, block: store.block, contains: store.contains)
            return AttachmentInfo(id: id.hex, name: manifest.name, type: manifest.type, size: manifest.size, have: walk?.have ?? 0)
        }
    }

    /// Writes attachment `parameters.id` to `parameters.path` (never over a file without
    /// `force`); returns its size.
    func getAttachment(_ parameters: AttachmentGetParameters) throws(ServiceError) -> Int {
        let path = try Self.absolute(parameters.path)
        let (_, bytes) = try attachment(try Self.contentID(parameters.id))
        if (parameters.force ?? false) == false, (try? FileSystem.status(path)) ?? nil != nil {
            throw .invalidInput(Localized(
                en: "\(path) exists; add --force to replace it", id: "\(path) sudah ada; tambahkan --force untuk menggantinya"))
        }
        do {
            try FileSystem.replaceFile(path, with: bytes, permissions: 0o644, directory: BundleFile.parentFolder(of: path))
        } catch {
            throw .failed(Localized(en: "cannot write \(path): \(error)", id: "tidak dapat menulis \(path): \(error)"))
        }
        return bytes.count
    }

    /// Attachment `id`'s manifest and bytes, every block checked; a typed error when it is not
    /// here, or not whole yet (saying how much is).
    public func attachment(_ id: ContentID) throws(ServiceError) -> (AttachmentManifest, [UInt8]) {
        let store = try blocks()
        guard let manifest = Self.manifest(id, in: store) else {
            fetchOnDemand(id)
            throw ServiceError(code: "not_found", message: Localized(
                en: "this node does not hold attachment \(id.short) yet", id: "node ini belum menyimpan lampiran \(id.short)"))
        }
        let walk: AttachmentTree.Walk
        do { walk = try AttachmentTree.walk(manifest, assemble: true, block: store.block) } catch { throw .failed(error.localizedMessage) }
        guard let bytes = walk.bytes else {
            // Someone wants it: fetch the rest now, whatever the channel's fetch policy says.
            fetchOnDemand(id)
            throw ServiceError(code: "incomplete", message: Localized(
                en: "this node holds \(walk.have) of \(manifest.size) bytes of \(manifest.name); try again once the rest has arrived",
                id: "node ini baru menyimpan \(walk.have) dari \(manifest.size) byte \(manifest.name); coba lagi setelah sisanya tiba"))
        }
        return (manifest, bytes)
    }

    static func manifest(_ id: ContentID, in store: BlockStore) -> AttachmentManifest? {
        store.block(id).flatMap { try? AttachmentManifest.decode($0) }
    }

    static func contentID(_ text: String) throws(ServiceError) -> ContentID {
        guard let id = ContentID(hex: text.trimmingSpaces), text.trimmingSpaces.utf8.count == 64 else {
            throw .invalidInput(Localized(
                en: "an attachment id is 64 hex characters (see 'kabar show --json'), not '\(text.prefix(80))'",
                id: "id lampiran 64 karakter hex (lihat 'kabar show --json'), bukan '\(text.prefix(80))'"))
        }
        return id
    }

    /// The media type a file name's extension names; `application/octet-stream` otherwise.
    static func mediaType(ofFileNamed name: String) -> String {
        let types = [
            "jpg": "image/jpeg", "jpeg": "image/jpeg", "png": "image/png", "webp": "image/webp", "pdf": "application/pdf",
            "ogg": "audio/ogg", "oga": "audio/ogg", "opus": "audio/ogg", "mp3": "audio/mpeg", "m4a": "audio/mp4", "txt": "text/plain",
        ]
        let ext = name.split(separator: ".").count > 1 ? String(name.split(separator: ".").last ?? "").lowercased() : ""
        return types[ext] ?? "application/octet-stream"
    }
}

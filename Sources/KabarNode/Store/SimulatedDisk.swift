import Kabar
import KabarPlatform

#if canImport(Glibc)
import Glibc
#endif

/// A file system in memory whose power can be cut (Documentation/Store.md, "Faults"), after
/// TigerBeetle's storage simulator and SQLite's crash tests: the real store runs over it.
///
/// Every write lands in a page cache; `fsync`/`fdatasync` make a file's writes durable;
/// creations, renames and removals in a folder become durable when the folder is synced. A
/// power cut (`cut(afterOperations:)`, then `crash()`) throws away what was never made
/// durable, seeded: most files lose every unsynced write, some keep a prefix of them in order,
/// some keep any subset in any order, and the last write kept may be torn at a 512-byte sector.
/// Other faults: a failing `fdatasync` (`failSync`, with Linux's semantics: the dirty pages are
/// marked clean, so what failed never reaches the disk unless written again, while reads still
/// see it), bit rot (`rot`: a byte flipped in a synced sector), and a misdirected write
/// (`misdirectNextWrite`: the bytes land elsewhere in the file).
///
/// Deterministic: the same seed and the same calls give the same disk. Not thread-safe (the
/// store is single-threaded); `@unchecked Sendable` so that `FileStore.Options` can carry it.
public final class SimulatedDisk: StorageDisk, @unchecked Sendable {
    /// Thrown by every call once the power is cut, until `crash()`.
    public struct PowerCut: Error, Equatable {}

    enum Change {
        case write(offset: Int, bytes: [UInt8])
        case truncate(length: Int)
    }

    /// One file's bytes: what survives a crash, what reads see, and the changes between.
    final class Inode {
        var durable: [UInt8] = []
        var current: [UInt8] = []
        var pending: [Change] = []
    }

    private var prng: PRNG
    /// Names to files now, and as a crash would leave them.
    private var names: [String: Inode] = [:]
    private var durableNames: [String: Inode] = [:]
    private var directories: Set<String> = []
    private var locked: Set<String> = []
    /// Bumped by every crash: handles opened before it are dead.
    private(set) var generation = 0

    /// Operations done (calls that touch a file or a folder), for choosing crash points.
    public private(set) var operations = 0
    /// Bytes read since the last `resetCounters` (the cost of an open, deterministically).
    public private(set) var bytesRead = 0
    /// The power goes after this many more operations; nil: never.
    private var cutAt: Int?
    /// True from the cut until `crash()`.
    public private(set) var isCut = false
    /// The next `fsync`/`fdatasync` calls fail with `EIO` while this is above zero.
    public var failSync = 0
    /// The next write lands this many bytes away from where it was aimed (then resets).
    public var misdirectNextWrite: Int?

    /// An empty disk whose crashes draw from `seed`.
    public init(seed: UInt64) {
        prng = PRNG(seed: seed)
    }

    /// The power goes after `count` more operations (0: at the next one).
    public func cut(afterOperations count: Int) { cutAt = operations + count }

    /// Restarts the zero point of `bytesRead`.
    public func resetCounters() { bytesRead = 0 }

    /// The power came back: every file holds what was durable plus, as the seed draws, some of
    /// what was not; unsynced names are gone; every open handle and lock is dead.
    public func crash() {
        // In name order, each file once: the draws, and so the disk, follow from the seed.
        var seen: Set<ObjectIdentifier> = []
        for name in durableNames.keys.sorted() {
            guard let inode = durableNames[name], seen.insert(ObjectIdentifier(inode)).inserted else { continue }
            inode.durable = survivor(of: inode)
            inode.current = inode.durable
            inode.pending = []
        }
        names = durableNames
        locked = []
        generation += 1
        isCut = false
        cutAt = nil
    }

    /// Flips one byte of a synced sector of a file under `folder` (bit rot on the card);
    /// returns the file and offset, or nil when no file has synced bytes.
    @discardableResult
    public func rot(under folder: String) -> (path: String, offset: Int)? {
        let candidates = durableNames.keys.sorted().filter { $0.hasPrefix(folder + "/") && !(durableNames[$0]?.durable.isEmpty ?? true) }
        guard !candidates.isEmpty else { return nil }
        let path = candidates[prng.int(below: candidates.count)]
        guard let inode = durableNames[path] else { return nil }
        let offset = prng.int(below: inode.durable.count)
        inode.durable[offset] ^= UInt8(1 << prng.int(below: 8))
        if offset < inode.current.count { inode.current[offset] = inode.durable[offset] }
        return (path, offset)
    }

    /// The files under `folder` as a crash would leave them (names and durable sizes), for tests.
    public func durableSizes(under folder: String) -> [String: Int] {
        durableNames.filter { $0.key.hasPrefix(folder + "/") }.mapValues(\.durable.count)
    }

    // MARK: StorageDisk

    public func open(_ path: String, create: Bool, truncate: Bool) throws -> any StorageFile {
        try operate()
        let inode: Inode
        if let existing = names[path] {
            inode = existing
        } else {
            guard create else { throw SystemError("open", code: ENOENT) }
            inode = Inode()
            names[path] = inode
        }
        if truncate, !inode.current.isEmpty {
            inode.current = []
            inode.pending.append(.truncate(length: 0))
        }
        return SimulatedFile(disk: self, inode: inode, path: path)
    }

    public func makeDirectory(_ path: String) throws {
        try operate()
        directories.insert(path)
    }

    public func rename(_ source: String, to destination: String) throws {
        try operate()
        guard let inode = names.removeValue(forKey: source) else { throw SystemError("rename", code: ENOENT) }
        names[destination] = inode
    }

    public func removeFile(_ path: String) throws {
        try operate()
        guard names.removeValue(forKey: path) != nil else { throw SystemError("unlink", code: ENOENT) }
    }

    public func contentsOfDirectory(_ path: String) throws -> [String] {
        try operate()
        let prefix = path + "/"
        return names.keys.filter { $0.hasPrefix(prefix) && !$0.dropFirst(prefix.count).contains("/") }
            .map { String($0.dropFirst(prefix.count)) }.sorted()
    }

    public func syncDirectory(_ path: String) throws {
        try operate()
        if failSync > 0 {
            failSync -= 1
            throw SystemError("fsync", code: EIO)
        }
        let prefix = path + "/"
        let inFolder = { (name: String) in name.hasPrefix(prefix) && !name.dropFirst(prefix.count).contains("/") }
        for name in durableNames.keys where inFolder(name) && names[name] == nil { durableNames[name] = nil }
        for (name, inode) in names where inFolder(name) { durableNames[name] = inode }
    }

    public func lock(_ directory: String) throws(StoreError) -> any StorageFile {
        do { try operate() } catch { throw .system(SystemError("flock", code: EIO), path: directory) }
        guard locked.insert(directory).inserted else { throw .locked(directory: directory, processID: nil) }
        let inode = names[directory + "/lock"] ?? Inode()
        names[directory + "/lock"] = inode
        return SimulatedFile(disk: self, inode: inode, path: directory + "/lock", releasesLockOf: directory)
    }

    // MARK: For the files

    /// Counts an operation; throws once the power is cut.
    func operate() throws {
        if let cutAt, operations >= cutAt { isCut = true }
        if isCut { throw PowerCut() }
        operations += 1
    }

    func write(_ bytes: [UInt8], at offset: Int, to inode: Inode) throws {
        try operate()
        var target = offset
        if let shift = misdirectNextWrite {
            misdirectNextWrite = nil
            target = max(0, offset + shift)
        }
        Self.apply(.write(offset: target, bytes: bytes), to: &inode.current)
        inode.pending.append(.write(offset: target, bytes: bytes))
    }

    func truncate(_ inode: Inode, to length: Int) throws {
        try operate()
        Self.apply(.truncate(length: length), to: &inode.current)
        inode.pending.append(.truncate(length: length))
    }

    func sync(_ inode: Inode, function: String) throws {
        try operate()
        if failSync > 0 {
            failSync -= 1
            // Linux: the pages that failed are marked clean and never written; reads still
            // see them until they are evicted. A later sync that succeeds says nothing of them.
            inode.pending = []
            throw SystemError(function, code: EIO)
        }
        inode.durable = inode.current
        inode.pending = []
    }

    func read(_ inode: Inode, count: Int, at offset: Int) throws -> [UInt8] {
        try operate()
        guard offset < inode.current.count else { return [] }
        let bytes = Array(inode.current[offset..<min(inode.current.count, offset + count)])
        bytesRead += bytes.count
        return bytes
    }

    func release(_ directory: String) { locked.remove(directory) }

    // MARK: Private

    /// What a crash leaves of `inode`: its durable bytes with some unsynced changes.
    private func survivor(of inode: Inode) -> [UInt8] {
        var bytes = inode.durable
        guard !inode.pending.isEmpty else { return bytes }
        var kept: [Change]
        switch prng.int(below: 4) {
        case 0, 1:
            // The usual case: nothing written since the last sync reached the card.
            kept = []
        case 2:
            // The writes reached the card in order, up to some point.
            kept = Array(inode.pending.prefix(prng.int(below: inode.pending.count + 1)))
        default:
            // The drive reordered them: any subset, in any order.
            kept = inode.pending.filter { _ in prng.int(below: 2) == 0 }
            for index in kept.indices.reversed() where index > 0 { kept.swapAt(index, prng.int(below: index + 1)) }
        }
        // The last write kept may be torn at a sector boundary.
        if case .write(let offset, let written)? = kept.last, written.count > 512, prng.int(below: 2) == 0 {
            let sectors = (written.count + 511) / 512
            kept[kept.count - 1] = .write(offset: offset, bytes: Array(written.prefix(512 * prng.int(below: sectors))))
        }
        for change in kept { Self.apply(change, to: &bytes) }
        return bytes
    }

    private static func apply(_ change: Change, to bytes: inout [UInt8]) {
        switch change {
        case .write(let offset, let written):
            if bytes.count < offset + written.count { bytes += [UInt8](repeating: 0, count: offset + written.count - bytes.count) }
            bytes.replaceSubrange(offset..<offset + written.count, with: written)
        case .truncate(let length):
            if length < bytes.count { bytes.removeSubrange(length...) } else { bytes += [UInt8](repeating: 0, count: length - bytes.count) }
        }
    }
}

/// An open file of a `SimulatedDisk`; dead once the disk crashed.
final class SimulatedFile: StorageFile {
    let path: String
    private let disk: SimulatedDisk
    private let inode: SimulatedDisk.Inode
    private let generation: Int
    private var isClosed = false
    private let lockedDirectory: String?

    init(disk: SimulatedDisk, inode: SimulatedDisk.Inode, path: String, releasesLockOf directory: String? = nil) {
        self.disk = disk
        self.inode = inode
        self.path = path
        self.generation = disk.generation
        self.lockedDirectory = directory
    }

    private func check() throws {
        guard !isClosed, generation == disk.generation else { throw SystemError("write", code: EBADF) }
    }

    func read(count: Int, at offset: Int64) throws -> [UInt8] {
        try check()
        return try disk.read(inode, count: count, at: Int(offset))
    }

    func read(into buffer: UnsafeMutableRawBufferPointer, at offset: Int64) throws -> Int {
        let bytes = try read(count: buffer.count, at: offset)
        buffer.copyBytes(from: bytes)
        return bytes.count
    }

    func write(_ bytes: [UInt8], at offset: Int64) throws {
        try check()
        try disk.write(bytes, at: Int(offset), to: inode)
    }

    func sync() throws {
        try check()
        try disk.sync(inode, function: "fsync")
    }

    func syncData() throws {
        try check()
        try disk.sync(inode, function: "fdatasync")
    }

    func truncate(to length: Int64) throws {
        try check()
        try disk.truncate(inode, to: Int(length))
    }

    func size() throws -> Int64 {
        try check()
        return Int64(inode.current.count)
    }

    func close() throws {
        guard !isClosed else { return }
        isClosed = true
        if let lockedDirectory, generation == disk.generation { disk.release(lockedDirectory) }
    }
}

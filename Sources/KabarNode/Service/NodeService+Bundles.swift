import Kabar

// Bundles for USB sticks: export and import.
extension NodeService {
    /// Writes the bulletins `parameters` select to a bundle at an absolute path; returns how many.
    public func export(_ parameters: ExportParameters) throws(ServiceError) -> Int {
        let path = try Self.absolute(parameters.path)
        if let channel = parameters.channel, !BulletinCodec.isValidChannelName(channel) {
            throw .invalidInput(BulletinError.invalidChannelName(channel).localizedMessage)
        }
        let now = host.bestTime()
        let store = self.store
        // Attachments ride along when this node holds any blocks (a version 2 bundle; without
        // blocks the bundle stays version 1, which every release reads).
        let blockStore = (try? blocks()).flatMap { $0.count > 0 ? $0 : nil }
        var roots: [ContentID] = []
        var seen: Set<ContentID> = []
        do {
            return try BundleFile.write(to: path, { write in
                try BulletinOperations.forEachExported(
                    from: store, channel: parameters.channel, since: parameters.sinceMs.map(UnixTime.init(milliseconds:)),
                    now: now
                ) { bulletin in
                    for root in bulletin.content.attachments where seen.insert(root).inserted { roots.append(root) }
                    try write(bulletin)
                }
            }, blocks: blockStore.map { blockStore in
                { write in
                    for root in roots {
                        guard let manifest = Self.manifest(root, in: blockStore) else { continue }
                        try AttachmentTree.forEachBlock(manifest, block: blockStore.block) { _, bytes in try write(bytes) }
                    }
                }
            })
        } catch {
            throw .failed(error.localizedMessage)
        }
    }

    /// Takes in the bulletins of the bundle at an absolute path, each through the node's one
    /// door (signatures checked in batches, on every core in the daemon), then makes them
    /// durable with one flush. A full disk stops it: the report says what was stored before.
    public func importBundle(_ parameters: PathParameters) throws(ServiceError) -> ImportReport {
        let path = try Self.absolute(parameters.path)
        var decoder: BundleDecoder<FileBundleSource>
        do {
            decoder = try BundleFile.open(path)
        } catch {
            throw .invalidInput(error.localizedMessage)
        }
        var report = ImportReport()
        let evictedBefore = host.node.counters.evictedBulletins
        var batch: [Bulletin] = []
        var expected = ExpectedBlocks()
        do {
            while report.stoppedBy == nil, let record = try decoder.next() {
                switch record {
                case .undecodable(let error, let id):
                    // Reasons are reported in bundle order: what came before is judged first.
                    submit(&batch, into: &report, expecting: &expected)
                    report.reject(id, because: error.localizedMessage)
                case .bulletin(let bulletin):
                    batch.append(bulletin)
                case .block(let bytes):
                    submit(&batch, into: &report, expecting: &expected)
                    importBlock(bytes, expected: &expected, into: &report)
                }
                if batch.count >= BundleImport.batchCountMax { submit(&batch, into: &report, expecting: &expected) }
            }
        } catch {
            report.bundleProblem = error
        }
        if report.stoppedBy == nil { submit(&batch, into: &report, expecting: &expected) }
        do {
            try openedBlocks?.sync()
            try host.makeDurable()
        } catch {
            report.stoppedBy = ServiceError.from(error).message
        }
        report.evicted = host.node.counters.evictedBulletins - evictedBefore
        return report
    }

    /// Keeps a bundle's block only if a bulletin of the bundle lists its attachment and the tree
    /// above it (already read, top down) names it: a bundle cannot fill the disk with blocks
    /// nothing needs. A block that breaks its tree's shape is skipped.
    private func importBlock(_ bytes: [UInt8], expected: inout ExpectedBlocks, into report: inout ImportReport) {
        let id = ContentID(hashing: bytes)
        guard let role = expected.roles[id] else {
            report.blocksSkipped += 1
            return
        }
        let store: BlockStore
        do { store = try blocks() } catch {
            if report.stoppedBy == nil { report.stoppedBy = error.message }
            return
        }
        // The same bounds as blocks from peers: the attachments' share of the quota, no file
        // over its channel's size limit.
        guard store.byteCount < host.node.configuration.attachments.storeBytesMax else {
            report.blocksSkipped += 1
            return
        }
        do {
            if try store.put(id, bytes) { report.blocksAdded += 1 }
        } catch {
            // A full disk: the rest would fail the same way. What is stored stays.
            if report.stoppedBy == nil { report.stoppedBy = ServiceError.from(error).message }
            return
        }
        switch role {
        case .manifest(let sizeMax):
            guard let manifest = try? AttachmentManifest.decode(bytes), manifest.size <= sizeMax else { return }
            for child in manifest.children { expected.expect(child, as: manifest.height == 0 ? .data : .index(levelsBelow: Int(manifest.height) - 1)) }
        case .index(let levelsBelow):
            guard bytes.count % 32 == 0 else { return }
            for start in stride(from: 0, to: bytes.count, by: 32) {
                if let child = ContentID(bytes: bytes[start..<start + 32]) {
                    expected.expect(child, as: levelsBelow == 0 ? .data : .index(levelsBelow: levelsBelow - 1))
                }
            }
        case .data: break
        }
    }

    /// Submits `batch`; the attachments of every bulletin now held (added, or held before) may
    /// have their blocks in the bundle.
    private func submit(_ batch: inout [Bulletin], into report: inout ImportReport, expecting expected: inout ExpectedBlocks) {
        guard !batch.isEmpty else { return }
        let bulletins = batch
        batch.removeAll(keepingCapacity: true)
        let outcomes = host.withNode { node, now in node.submit(batch: bulletins, durability: .lazy, at: now) }
        for (bulletin, outcome) in zip(bulletins, outcomes) {
            if outcome == .added || outcome == .duplicate {
                let sizeMax = host.node.configuration.attachments.sizeMax(for: bulletin.channel)
                for root in bulletin.content.attachments { expected.expect(root, as: .manifest(sizeMax: sizeMax)) }
            }
            switch outcome {
            case .added: report.added += 1
            case .duplicate: report.alreadyHad += 1
            case .refused(.removed), .refused(.refusedLately): report.reject(bulletin.id, because: BundleImport.retractedReason)
            case .refused(.evicted): continue  // counted with every eviction of the import
            case .refused(.storeFailed(let reason)):
                // The disk is full: the rest would fail the same way. What is stored stays.
                if report.stoppedBy == nil { report.stoppedBy = reason }
            case .refused(let refusal): report.reject(bulletin.id, because: refusal.localizedMessage)
            }
        }
    }

    /// `path` when it is absolute (the node's working folder is not the person's).
    static func absolute(_ path: String) throws(ServiceError) -> String {
        guard path.hasPrefix("/"), path.utf8.count <= 4_096 else {
            throw .invalidInput(Localized(
                en: "the node needs the file's full path (from /), not '\(path.prefix(200))'",
                id: "node perlu jalur lengkap berkas (dari /), bukan '\(path.prefix(200))'"))
        }
        return path
    }
}

/// The blocks an import may keep: those the trees of its bulletins' attachments list, learned
/// top down as manifests and index blocks arrive. Bounded: a bundle cannot grow it without limit.
struct ExpectedBlocks {
    /// Where a block sits in its tree: an index block knows how many index levels lie below it,
    /// so a data block can never be read as a list of ids (which would let a bundle expect
    /// blocks without end); a manifest knows the largest file its post's channel takes.
    enum Role: Equatable { case manifest(sizeMax: UInt64), index(levelsBelow: Int), data }
    var roles: [ContentID: Role] = [:]
    static let rolesMax = 1_000_000

    mutating func expect(_ id: ContentID, as role: Role) {
        guard roles[id] == nil, roles.count < Self.rolesMax else { return }
        roles[id] = role
    }
}

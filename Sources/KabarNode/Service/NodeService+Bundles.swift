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
        do {
            return try BundleFile.write(to: path) { write in
                try BulletinOperations.forEachExported(
                    from: store, channel: parameters.channel, since: parameters.sinceMs.map(UnixTime.init(milliseconds:)),
                    now: now, write)
            }
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
        do {
            while report.stoppedBy == nil, let record = try decoder.next() {
                switch record {
                case .undecodable(let error, let id):
                    // Reasons are reported in bundle order: what came before is judged first.
                    submit(&batch, into: &report)
                    report.reject(id, because: error.localizedMessage)
                case .bulletin(let bulletin): batch.append(bulletin)
                }
                if batch.count >= BundleImport.batchCountMax { submit(&batch, into: &report) }
            }
        } catch {
            report.bundleProblem = error
        }
        if report.stoppedBy == nil { submit(&batch, into: &report) }
        do {
            try host.makeDurable()
        } catch {
            report.stoppedBy = ServiceError.from(error).message
        }
        report.evicted = host.node.counters.evictedBulletins - evictedBefore
        return report
    }

    private func submit(_ batch: inout [Bulletin], into report: inout ImportReport) {
        guard !batch.isEmpty else { return }
        let bulletins = batch
        batch.removeAll(keepingCapacity: true)
        let outcomes = host.withNode { node, now in node.submit(batch: bulletins, durability: .lazy, at: now) }
        for (bulletin, outcome) in zip(bulletins, outcomes) {
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

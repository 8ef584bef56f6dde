import Kabar

/// What an import did: counts, and the rejections grouped by reason.
public struct ImportReport: Sendable, Equatable {
    /// Bulletins rejected for one reason.
    public struct RejectionGroup: Sendable, Equatable {
        /// Why, in both languages.
        public let reason: Localized
        /// How many.
        public internal(set) var count: Int
        /// The first few ids (the hash of the record's bytes when they were not a bulletin).
        public internal(set) var sampleIDs: [BulletinID]
    }

    /// A group lists at most this many ids.
    public static let sampleIDsMax = 3
    /// At most this many reasons are told apart; the rest are counted under `otherReasons`.
    /// (Some messages carry a number, so a hostile bundle could otherwise make a group per
    /// record, and memory and time would grow with it.)
    public static let rejectionGroupsMax = 32
    /// The reason rejections past `rejectionGroupsMax` are counted under.
    public static let otherReasons = Localized(en: "other reasons", id: "alasan lain")

    /// New bulletins stored.
    public var added = 0
    /// Bulletins the store already held.
    public var alreadyHad = 0
    /// Rejections by reason, in the order each reason first appeared.
    public internal(set) var rejections: [RejectionGroup] = []
    /// Why reading stopped early or the bundle failed its own check, if it did. The records
    /// before it were imported.
    public var bundleProblem: BundleError?

    /// An empty report.
    public init() {}

    /// Bulletins rejected, over every reason.
    public var rejected: Int { rejections.reduce(0) { $0 + $1.count } }

    /// True when every record was good and the bundle was whole.
    public var isClean: Bool { rejected == 0 && bundleProblem == nil }

    /// Counts one rejection under `reason` (for a daemon that imports through its `Node`).
    public mutating func reject(_ id: BulletinID, because reason: Localized) {
        var reason = reason
        if rejections.count >= Self.rejectionGroupsMax - 1, !rejections.contains(where: { $0.reason == reason }) {
            reason = Self.otherReasons
        }
        if let index = rejections.firstIndex(where: { $0.reason == reason }) {
            rejections[index].count += 1
            if rejections[index].sampleIDs.count < Self.sampleIDsMax { rejections[index].sampleIDs.append(id) }
        } else {
            rejections.append(RejectionGroup(reason: reason, count: 1, sampleIDs: [id]))
        }
    }
}

/// The work behind `kabar import`.
public enum BundleImport {
    /// Why a bulletin whose id was retracted is refused.
    public static let retractedReason = Localized(
        en: "retracted: its author withdrew it, so it may not come back",
        id: "sudah ditarik: penulisnya menariknya, jadi tidak boleh kembali")

    /// Reads every record of `decoder`, checks each bulletin as a peer's would be checked
    /// (structure and id by decoding, signature, dates against `now`, tombstones, and the
    /// trust layer's `admission` when one is given), and stores the good ones lazily, then
    /// makes them durable with one flush before returning. The admission sees each stored
    /// bulletin (`didStore`), so a retraction or hide in the bundle removes its target, with a
    /// tombstone, and a target later in the bundle (or in a later import) is refused. A store
    /// that inserts through a node (a daemon's) applies the node's policy instead: pass no
    /// admission then; its refusals are reported like the others.
    /// A bulletin the store already holds is counted without checking it again: its id is the
    /// hash of its bytes, so it is the very bulletin that was checked when first stored.
    ///
    /// Records are read `verifyBatch` at a time and the signatures of the new ones are checked
    /// together by `verifier` (on every core, with `ParallelSignatureVerifier`); each record is
    /// then judged and stored in bundle order, exactly as one by one.
    public static func run<Source: BundleSource>(
        _ decoder: inout BundleDecoder<Source>, into store: inout some BulletinStore, now: UnixTime,
        policy: BulletinPolicy = BulletinPolicy(), admission: (any BulletinAdmission)? = nil,
        verifier: any SignatureBatchVerifier = ParallelSignatureVerifier()
    ) throws -> ImportReport {
        var report = ImportReport()
        var admission = admission
        var batch: [BundleRecord] = []
        batch.reserveCapacity(verifyBatch)
        func importBatch() throws {
            let verdicts = verifyNew(batch, in: store, with: verifier)
            for record in batch {
                try importRecord(
                    record, into: &store, now: now, policy: policy, admission: &admission,
                    verdicts: verdicts, report: &report)
            }
            batch.removeAll(keepingCapacity: true)
        }
        do {
            while let record = try decoder.next() {
                batch.append(record)
                if batch.count == verifyBatch { try importBatch() }
            }
        } catch let error as BundleError {
            report.bundleProblem = error
        }
        try importBatch()
        try store.flush()
        return report
    }

    /// Records read before their signatures are checked together.
    public static let verifyBatch = 512

    /// The signature verdicts of the bulletins in `batch` the store does not hold yet.
    private static func verifyNew(
        _ batch: [BundleRecord], in store: some BulletinStore, with verifier: any SignatureBatchVerifier
    ) -> [BulletinID: BulletinError?] {
        var seen = Set<BulletinID>()
        let fresh = batch.compactMap { record -> Bulletin? in
            guard case .bulletin(let bulletin) = record, !store.contains(bulletin.id), !store.isRemoved(bulletin.id),
                seen.insert(bulletin.id).inserted
            else { return nil }
            return bulletin
        }
        let verdicts = verifier.verify(fresh)
        guard verdicts.count == fresh.count else { return [:] }
        var byID: [BulletinID: BulletinError?] = [:]
        byID.reserveCapacity(fresh.count)
        for (bulletin, verdict) in zip(fresh, verdicts) { byID[bulletin.id] = .some(verdict) }
        return byID
    }

    private static func importRecord(
        _ record: BundleRecord, into store: inout some BulletinStore, now: UnixTime, policy: BulletinPolicy,
        admission: inout (any BulletinAdmission)?, verdicts: [BulletinID: BulletinError?], report: inout ImportReport
    ) throws {
        let bulletin: Bulletin
        switch record {
        case .undecodable(let error, let id):
            report.reject(id, because: error.localizedMessage)
            return
        case .bulletin(let decoded):
            bulletin = decoded
        }
        if store.contains(bulletin.id) {
            report.alreadyHad += 1
            return
        }
        if store.isRemoved(bulletin.id) {
            report.reject(bulletin.id, because: retractedReason)
            return
        }
        do {
            if let verdict = verdicts[bulletin.id] {
                if let verdict { throw verdict }
            } else {
                try bulletin.verifySignature()
            }
            try policy.checkTimes(bulletin, now: now)
            try admission?.admit(bulletin, at: now, store: store)
        } catch let error as LocalizedError {
            report.reject(bulletin.id, because: error.localizedMessage)
            return
        } catch {
            report.reject(bulletin.id, because: Localized(verbatim: "\(error)"))
            return
        }
        let outcome: InsertOutcome
        do {
            outcome = try store.insert(bulletin, durability: .lazy)
        } catch let error as TrustError {
            report.reject(bulletin.id, because: error.localizedMessage)
            return
        } catch let error as BulletinError {
            report.reject(bulletin.id, because: error.localizedMessage)
            return
        } catch let error as NodeError {
            report.reject(bulletin.id, because: error.localizedMessage)
            return
        }
        switch outcome {
        case .added:
            report.added += 1
            if let removals = admission?.didStore(bulletin, at: now, store: store) {
                for removal in removals { try store.markRemoved(removal.id, until: removal.until) }
            }
        case .duplicate: report.alreadyHad += 1
        case .removed: report.reject(bulletin.id, because: retractedReason)
        }
    }
}

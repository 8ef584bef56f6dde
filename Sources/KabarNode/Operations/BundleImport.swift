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
    /// Attachment blocks stored, and blocks skipped (no bulletin of the bundle needed them).
    public var blocksAdded = 0
    public var blocksSkipped = 0
    /// Bulletins the store already held.
    public var alreadyHad = 0
    /// Bulletins the store evicted during the import to stay within its disk quota (oldest
    /// community posts first: some of this bundle's, or older ones it held). Not rejections:
    /// the bundle was fine, the quota is full.
    public var evicted = 0
    /// Rejections by reason, in the order each reason first appeared.
    public internal(set) var rejections: [RejectionGroup] = []
    /// Why reading stopped early or the bundle failed its own check, if it did. The records
    /// before it were imported.
    public var bundleProblem: BundleError?
    /// Why the import stopped before the end of the bundle (a full disk), if it did. Every
    /// bulletin counted under `added` is stored and durable.
    public var stoppedBy: Localized?

    /// An empty report.
    public init() {}

    /// Bulletins rejected, over every reason.
    public var rejected: Int { rejections.reduce(0) { $0 + $1.count } }

    /// True when every record was good and the bundle was whole.
    public var isClean: Bool { rejected == 0 && bundleProblem == nil && stoppedBy == nil }

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

/// What `kabar import` shares with the service.
public enum BundleImport {
    /// Why a bulletin whose id was retracted is refused.
    public static let retractedReason = Localized(
        en: "retracted: its author withdrew it, so it may not come back",
        id: "sudah ditarik: penulisnya menariknya, jadi tidak boleh kembali")
    /// Bulletins handed to the node's one door at once: one batch of signature checks.
    public static let batchCountMax = 256
}

import Kabar
import KabarPlatform

/// What one keeper pass did (for the log and tests).
public struct AttachmentKeepingReport: Sendable, Equatable {
    /// Attachments live posts list, and those kept.
    public var listed = 0
    public var kept = 0
    /// Attachments dropped for space (over a channel's budget or the attachments' share).
    public var dropped = 0
    /// Blocks the compaction removed (0 when the log was left as it is).
    public var blocksRemoved = 0
    /// Attachments handed to the node to fetch again (skipped earlier, or given up).
    public var retried = 0
}

// The keeper (Documentation/Attachments.md, "Keeping"): attachments live and die with the
// posts that list them, each channel within its budget; what nothing keeps is compacted away,
// and what should be here but is not is fetched again.
extension NodeService {
    /// How often the daemon runs a pass; and how soon after the last one, at the earliest, when
    /// a file became whole since.
    public static let attachmentKeepingInterval: Int64 = 10 * 60 * 1_000_000
    public static let attachmentKeepingSoon: Int64 = 60 * 1_000_000

    /// One pass: lists the attachments of live posts (and of posts waiting for review), plans
    /// what to keep (`AttachmentKeeping.plan`), compacts the block log when at least an eighth of
    /// it (or 64 blocks) is no longer kept, and tells the node what to fetch again and what to
    /// stop fetching.
    @discardableResult
    public func keepAttachments() throws(ServiceError) -> AttachmentKeepingReport {
        var report = AttachmentKeepingReport()
        let blocks = try blocks()
        let policy = host.node.configuration.attachments
        let channels = settings.channels
        // The newest live post listing each attachment names its channel. A post that cannot
        // be read now (a read error on the card) still lists its files: this pass then drops
        // nothing, rather than the only copy of a file.
        var listed: [ContentID: (channel: String, created: UnixTime)] = [:]
        var unreadable = 0
        for id in store.idsWithAttachments {
            guard let bulletin = store.bulletin(id) else {
                unreadable += 1
                continue
            }
            for root in bulletin.content.attachments where listed[root].map({ $0.created < bulletin.created }) ?? true {
                listed[root] = (bulletin.channel, bulletin.created)
            }
        }
        let pinned = try pendingWebAttachmentRoots()
        var held: [AttachmentKeeping.Held] = []
        var blocksOf: [ContentID: [ContentID]] = [:]
        for root in Set(listed.keys).union(pinned).sorted() {
            let entry = listed[root] ?? (channel: "", created: UnixTime(milliseconds: 0))
            var bytes: Int64 = 0
            if let manifest = Self.manifest(root, in: blocks) {
                let found = AttachmentTree.heldBlocks(manifest, block: blocks.block, contains: blocks.contains)
                blocksOf[root] = found.ids
                bytes = found.bytes
                // A file the policy fetches counts whole, held or not: a new one reserves its
                // room, and the plan drops older files to make it.
                if Self.fetchesUnasked(manifest, channel: entry.channel, policy: policy) { bytes = max(bytes, Int64(manifest.size)) }
            }
            held.append(AttachmentKeeping.Held(
                root: root, channel: entry.channel, created: entry.created, bytes: bytes,
                official: channels.rule(for: entry.channel).access != .community, pinned: pinned.contains(root)))
        }
        report.listed = held.count
        let plan = AttachmentKeeping.plan(held, policy: policy)
        report.kept = plan.kept.count
        report.dropped = plan.dropped.count
        // Kept files keep every block; a file dropped for space keeps its manifest (under a
        // kilobyte), so its post still names it and opening it fetches the rest.
        var live: Set<ContentID> = Set(plan.dropped.filter { blocks.contains($0) })
        for root in plan.kept { live.formUnion(blocksOf[root] ?? []) }
        let dead = blocks.count - live.count
        if unreadable == 0, dead >= max(64, blocks.count / 8) {
            do { report.blocksRemoved = try blocks.compact(keeping: live) } catch { throw .from(error) }
        }
        // Kept but not whole here: skipped when every fetch slot was taken, or given up after
        // its asks went unanswered. The node's policy decides again whether to fetch each.
        let retry = plan.kept.sorted().compactMap { root -> (root: ContentID, channel: String)? in
            guard let entry = listed[root] else { return nil }
            if let manifest = Self.manifest(root, in: blocks) {
                // Whole here, or not fetched until someone opens it: nothing to retry.
                let walk = try? AttachmentTree.walk(manifest, assemble: false, missingMax: 1, block: blocks.block, contains: blocks.contains)
                if walk?.missing.isEmpty == true || !Self.fetchesUnasked(manifest, channel: entry.channel, policy: policy) { return nil }
            }
            return (root, entry.channel)
        }
        report.retried = retry.count
        keptAttachmentChannels = listed.mapValues(\.channel)
        host.withNode { node, now in ((), node.retryAttachments(retry, dropping: plan.dropped, at: now.monotonic)) }
        return report
    }

    /// Whether the node fetches `manifest`'s file without anyone opening it.
    static func fetchesUnasked(_ manifest: AttachmentManifest, channel: String, policy: AttachmentPolicy) -> Bool {
        manifest.size <= policy.sizeMax(for: channel) && policy.fetchesEagerly(size: manifest.size, on: channel)
    }

    /// A post listing attachments was stored: its files may be opened before the keeper's next
    /// pass, and a fetched file may put its channel over budget (the pass runs soon after).
    func noteAttachmentsListed(by bulletin: Bulletin) {
        guard !bulletin.content.attachments.isEmpty else { return }
        for root in bulletin.content.attachments { keptAttachmentChannels[root] = bulletin.channel }
    }

    /// Someone opened attachment `root` (the board, `kabar attachment get`) and this node does
    /// not hold it whole: ask the node to fetch it now, whatever its channel's fetch policy.
    /// Only an attachment a live post lists: a phone asking for made-up ids makes no asks.
    func fetchOnDemand(_ root: ContentID) {
        guard host.isRunning, let channel = keptAttachmentChannels[root] else { return }
        host.withNode { node, now in ((), node.fetchAttachment(root, channel: channel, at: now.monotonic)) }
    }
}

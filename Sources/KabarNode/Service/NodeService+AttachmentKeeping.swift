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
    /// How often the daemon runs a pass.
    public static let attachmentKeepingInterval: Int64 = 10 * 60 * 1_000_000

    /// One pass: lists the attachments of live posts (and of posts waiting for review), plans
    /// what to keep (`AttachmentKeeping.plan`), compacts the block log when at least an eighth of
    /// it (or 64 blocks) is no longer kept, and tells the node each channel's usage and what to
    /// fetch again. A node that never held a block does nothing.
    @discardableResult
    public func keepAttachments() throws(ServiceError) -> AttachmentKeepingReport {
        var report = AttachmentKeepingReport()
        let blocks = try blocks()
        let policy = host.node.configuration.attachments
        let channels = settings.channels
        // The newest live post listing each attachment names its channel.
        var listed: [ContentID: (channel: String, created: UnixTime)] = [:]
        for id in store.idsWithAttachments {
            guard let bulletin = store.bulletin(id), !bulletin.content.attachments.isEmpty else { continue }
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
            }
            held.append(AttachmentKeeping.Held(
                root: root, channel: entry.channel, created: entry.created, bytes: bytes,
                official: channels.rule(for: entry.channel).access != .community, pinned: pinned.contains(root)))
        }
        report.listed = held.count
        let plan = AttachmentKeeping.plan(held, policy: policy)
        report.kept = plan.kept.count
        report.dropped = plan.dropped.count
        var live: Set<ContentID> = []
        for root in plan.kept { live.formUnion(blocksOf[root] ?? []) }
        let dead = blocks.count - live.count
        if dead >= max(64, blocks.count / 8) {
            do { report.blocksRemoved = try blocks.compact(keeping: live) } catch { throw .from(error) }
        }
        // Kept but not whole here: skipped when every fetch slot was taken, or given up after
        // its asks went unanswered. The node's policy decides again whether to fetch each.
        let retry = plan.kept.sorted().compactMap { root -> (root: ContentID, channel: String)? in
            guard let entry = listed[root] else { return nil }
            if let manifest = Self.manifest(root, in: blocks),
                (try? AttachmentTree.walk(manifest, assemble: false, missingMax: 1, block: blocks.block, contains: blocks.contains))?.missing.isEmpty == true {
                return nil
            }
            return (root, entry.channel)
        }
        report.retried = retry.count
        keptAttachmentChannels = listed.mapValues(\.channel)
        host.withNode { node, now in ((), node.noteAttachmentUsage(plan.channelBytes, retry: retry, at: now.monotonic)) }
        return report
    }

    /// Someone opened attachment `root` (the board, `kabar attachment get`) and this node does
    /// not hold it whole: ask the node to fetch it now, whatever its channel's fetch policy.
    /// Only an attachment a live post lists: a phone asking for made-up ids makes no asks.
    func fetchOnDemand(_ root: ContentID) {
        guard host.isRunning, let channel = keptAttachmentChannels[root] else { return }
        host.withNode { node, now in ((), node.fetchAttachment(root, channel: channel, at: now.monotonic)) }
    }
}

/// Which attachments a node keeps when they outgrow their budgets (Documentation/Attachments.md,
/// "Keeping"): pure, so the rule is tested apart from the disk. Attachments live and die with
/// the posts that list them: one no live post lists is not an input here, and its blocks go at
/// the next compaction (an expired post's files go first, by construction).
public enum AttachmentKeeping {
    /// One attachment a live post lists, and what is held of it.
    public struct Held: Sendable, Equatable {
        public var root: ContentID
        /// The channel of the newest live post listing it.
        public var channel: String
        /// That post's creation time: newer is kept first.
        public var created: UnixTime
        /// Bytes of its blocks held here.
        public var bytes: Int64
        /// Listed by a post of an official channel (kept before any community file).
        public var official: Bool
        /// Waiting in the board's review queue: kept whatever the budgets, until approved or
        /// rejected.
        public var pinned: Bool

        public init(root: ContentID, channel: String, created: UnixTime, bytes: Int64, official: Bool, pinned: Bool = false) {
            self.root = root
            self.channel = channel
            self.created = created
            self.bytes = bytes
            self.official = official
            self.pinned = pinned
        }
    }

    /// What to keep, and what it leaves each channel holding.
    public struct Plan: Sendable, Equatable {
        /// Attachments kept (their blocks stay).
        public var kept: Set<ContentID> = []
        /// Attachments dropped for space, most expendable first.
        public var dropped: [ContentID] = []
        /// Bytes the kept attachments hold, per channel.
        public var channelBytes: [String: Int64] = [:]
    }

    /// Keeps, per channel, the newest attachments that fit the channel's budget; then, while
    /// the kept total is over the attachments' share of the disk, drops community files oldest
    /// first and official ones only after every community file is gone.
    public static func plan(_ held: [Held], policy: AttachmentPolicy) -> Plan {
        var plan = Plan()
        var keep: [Held] = []
        let byChannel = Dictionary(grouping: held, by: \.channel)
        for channel in byChannel.keys.sorted() {
            let files = (byChannel[channel] ?? []).sorted { ($0.created, $0.root) > ($1.created, $1.root) }
            var used: Int64 = 0
            for file in files {
                let budget = policy.budgetBytes(for: channel, official: file.official)
                if file.pinned || used + file.bytes <= budget {
                    used += file.bytes
                    keep.append(file)
                } else {
                    plan.dropped.append(file.root)
                }
            }
        }
        var total = keep.reduce(0) { $0 + $1.bytes }
        if total > policy.storeBytesMax {
            // Most expendable first: community before official, then oldest first.
            let order = keep.filter { !$0.pinned }.sorted { ($0.official ? 1 : 0, $0.created, $0.root) < ($1.official ? 1 : 0, $1.created, $1.root) }
            var gone: Set<ContentID> = []
            for file in order where total > policy.storeBytesMax {
                gone.insert(file.root)
                plan.dropped.append(file.root)
                total -= file.bytes
            }
            keep.removeAll { gone.contains($0.root) }
        }
        for file in keep {
            plan.kept.insert(file.root)
            plan.channelBytes[file.channel, default: 0] += file.bytes
        }
        return plan
    }
}

/// What a node fetches and keeps of attachments, per channel (Documentation/Attachments.md,
/// "Policy"): the one place these limits are decided, read by the node when it fetches and by
/// the keeper when it trims.
public struct AttachmentPolicy: Hashable, Sendable {
    /// When a channel's attachments travel.
    public enum Fetch: String, Hashable, Sendable {
        /// As soon as the post is stored, within the channel's budget.
        case eager
        /// Only when someone opens the attachment (small ones still travel eagerly).
        case demand
    }

    /// One channel's settings (`channel.NAME = ... attach=2MB fetch=demand budget=50MB`); nil
    /// fields take the node-wide defaults.
    public struct Channel: Hashable, Sendable {
        /// One attachment, at most.
        public var sizeMax: UInt64?
        /// When its attachments travel.
        public var fetch: Fetch?
        /// Its attachments on disk, at most.
        public var budgetBytes: Int64?

        /// Settings with every field defaulted.
        public init(sizeMax: UInt64? = nil, fetch: Fetch? = nil, budgetBytes: Int64? = nil) {
            self.sizeMax = sizeMax
            self.fetch = fetch
            self.budgetBytes = budgetBytes
        }
    }

    /// One attachment, at most, on a channel that names no `attach=` (`attachment_max`).
    public var sizeMax: UInt64 = 2_000_000
    /// Every attachment's blocks together, at most: past it no new attachment is fetched, and
    /// the keeper trims community attachments, oldest first, then official ones.
    public var storeBytesMax: Int64 = 200_000_000
    /// Past this, no attachment's body is fetched until the keeper has trimmed (only what
    /// someone opens): the share plus an eighth, room for the files that arrive between passes.
    public var storeBytesCeiling: Int64 { storeBytesMax + storeBytesMax / 8 }
    /// An attachment this small travels eagerly on every channel, `fetch=demand` included: a
    /// voice note or a thumbnail costs less than the round trip of asking for it later.
    public var eagerBytesMax: UInt64 = 64 * 1024
    /// Settings by channel name.
    public var channels: [String: Channel] = [:]

    /// The defaults: 2 MB an attachment, every channel eager within its budget.
    public init() {}

    /// One attachment on `channel`, at most.
    public func sizeMax(for channel: String) -> UInt64 { min(channels[channel]?.sizeMax ?? sizeMax, AttachmentManifest.sizeMax) }

    /// When `channel`'s attachments travel: official channels eagerly unless the operator said
    /// otherwise; community channels eagerly too, within their budget.
    public func fetch(for channel: String) -> Fetch { channels[channel]?.fetch ?? .eager }

    /// Whether an attachment of `size` on `channel` is fetched as soon as its post is here.
    public func fetchesEagerly(size: UInt64, on channel: String) -> Bool {
        size <= eagerBytesMax || fetch(for: channel) == .eager
    }

    /// `channel`'s attachments on disk, at most: an official channel may use the whole share,
    /// a community channel a quarter of it unless the operator said otherwise (so one busy
    /// market channel cannot take the photos of a clinic day).
    public func budgetBytes(for channel: String, official: Bool) -> Int64 {
        min(channels[channel]?.budgetBytes ?? (official ? storeBytesMax : storeBytesMax / 4), storeBytesMax)
    }
}

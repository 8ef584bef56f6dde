import Kabar
import KabarPlatform

/// What `kabar run` was told: the config file (`DIR/kabar.conf`, Documentation/Config.md) with
/// the command line's flags laid over it. The defaults work with no file at all.
public struct NodeSettings: Sendable, Equatable {
    /// UDP port for gossip.
    public var port: UInt16 = Wire.defaultPort
    /// The mesh's name; its hash is the network id every datagram carries.
    public var networkName: String = Wire.defaultNetworkName
    /// Static peers, reached by unicast whatever broadcast does.
    public var peers: [SocketAddress] = []
    /// Language of messages; nil: from the environment.
    public var language: Language?
    /// How much the log says.
    public var logLevel: LogLevel = .info
    /// The store's default disk quota: 1 GB, a small share of a hall Pi's 16-32 GB card, and
    /// room for about a million notices. Past it the store evicts community posts before
    /// official ones (Documentation/Store.md).
    public static let quotaBytesDefault: Int64 = 1_000_000_000

    /// The store's disk quota in bytes (`quota` in kabar.conf); nil: none.
    public var quotaBytes: Int64? = NodeSettings.quotaBytesDefault
    /// Channel rules the file names, over Kabar's defaults.
    public var channels: ChannelRules = .defaults
    /// Per-author daily quotas of community channels that the file names (`posts=`, `bytes=`
    /// on a `channel.NAME` line); other channels have `Quota.defaultQuota`.
    public var channelQuotas: [String: Quota] = [:]
    /// Keys of authorities trusted to grant official channels (used by the trust layer).
    public var authorities: [AuthorKey] = []
    /// What people call each authority (`authority = KEY Pemkab Rokan Hilir`): the board marks
    /// an official notice with its authority's name.
    public var authorityLabels: [AuthorKey: String] = [:]
    /// An attachment's size, at most (`attachment_max` in kabar.conf).
    public var attachmentBytesMax: Int64 = 2_000_000
    /// Per-channel attachment settings (`attach=`, `fetch=`, `budget=` on a `channel.NAME` line).
    public var attachmentChannels: [String: AttachmentPolicy.Channel] = [:]

    /// What the node fetches and keeps of attachments: `attachment_max`, the channels' own
    /// settings, and a fifth of the store's quota for all of them.
    public var attachmentPolicy: AttachmentPolicy {
        var policy = AttachmentPolicy()
        policy.sizeMax = UInt64(attachmentBytesMax)
        policy.storeBytesMax = (quotaBytes ?? 1_000_000_000_000) / 5
        policy.channels = attachmentChannels
        return policy
    }
    /// The hall board (`web.*`).
    public var web = WebSettings()

    /// Limits on what a config file can grow.
    public static let peersMax = 64
    public static let authoritiesMax = 64
    public static let channelRulesMax = 64

    /// The defaults.
    public init() {}

    /// The protocol configuration these settings make.
    public var nodeConfiguration: NodeConfiguration {
        var configuration = NodeConfiguration()
        configuration.networkID = Wire.networkID(named: networkName)
        configuration.staticPeers = peers.map(PeerAddress.init)
        configuration.policy = BulletinPolicy(channels: channels)
        configuration.attachments = attachmentPolicy
        return configuration
    }
}

extension PeerAddress {
    /// The protocol's address for a socket address (the same numbers).
    public init(_ address: SocketAddress) {
        switch address {
        case .ipv4(let host, let port): self = .ipv4(address: host, port: port)
        case .ipv6(let high, let low, let scope, let port): self = .ipv6(high: high, low: low, scope: scope, port: port)
        }
    }

    /// The socket address to send to; nil for a simulated host.
    public var socketAddress: SocketAddress? {
        switch self {
        case .ipv4(let host, let port): return .ipv4(address: host, port: port)
        case .ipv6(let high, let low, let scope, let port): return .ipv6(high: high, low: low, scope: scope, port: port)
        case .simulated: return nil
        }
    }
}

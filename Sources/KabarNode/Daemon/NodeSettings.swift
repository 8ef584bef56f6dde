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

    /// Keys this node knows (`known = HEX` lines): never strangers here, and they may vouch.
    public var known: [AuthorKey] = []
    /// What strangers' bulletins may hold here (`strangers = SIZE`, in bytes); nil: the
    /// default share of the quota.
    public var strangerBytes: Int64?
    /// The same as a share of the quota (`strangers = N%`), when given so.
    public var strangerShare: Double?
    /// Per-channel caps (`strangers=SIZE` on a `channel.NAME` line).
    public var channelStrangerBytes: [String: Int64] = [:]
    /// The base stamp cost (`stamp = BITS`).
    public var stampBits = StrangerBudget.defaultStampBits
    /// Per-channel stamp costs (`stamp=BITS` on a `channel.NAME` line).
    public var channelStampBits: [String: Int] = [:]
    /// Strangers' bulletins taken a second (`stranger_rate = N/s`).
    public var strangerRate: Double = 20
    /// ... at once (`stranger_burst = N`).
    public var strangerBurst = 100_000

    /// When this node makes hall reports (`report`, `report_interval`, `report_delay`,
    /// `report_budget`; Documentation/Reach.md).
    public var reportSchedule = ReportSchedule.Settings()
    /// Official bulletins first had within this span go in a report (`report_window`).
    public var reportWindow: TimeSpan = .days(7)
    /// Holdings a report lists at most (`report_holdings`).
    public var reportHoldings = 24

    /// The room strangers get (Documentation/Trust.md, "Strangers"): `strangers` bytes, or its
    /// share of the quota (a tenth by default; no quota, no limit).
    public var strangerBudget: StrangerBudget {
        let bytes: Int64
        if let strangerBytes {
            bytes = strangerBytes
        } else if let quotaBytes {
            bytes = Int64(Double(quotaBytes) * (strangerShare ?? StrangerBudget.defaultShareOfQuota))
        } else {
            bytes = StrangerBudget.unlimited.bytesMax
        }
        return StrangerBudget(
            bytesMax: bytes, channelBytesMax: channelStrangerBytes, stampBits: stampBits, channelStampBits: channelStampBits,
            perSecond: strangerRate, burst: strangerBurst)
    }

    /// Limits on what a config file can grow.
    public static let peersMax = 64
    public static let authoritiesMax = 64
    public static let knownMax = 1_024
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

/// What a bulletin is. The kind is one byte on the wire; kinds this version does not know are
/// carried, stored and forwarded unchanged so that old nodes pass new formats along.
public enum BulletinKind: Hashable, Sendable, CustomStringConvertible {
    /// A post on a channel: title, body, optional replies and an optional superseded post.
    case post
    /// The author (or an authority of the channel) withdraws bulletins named in `references`.
    case retraction
    /// An authority (or a grantee allowed to re-grant) authorises a key on channels.
    case grant
    /// A moderator asks nodes that trust it to hide the bulletins named in `references`.
    case hide
    /// A kind from a later version, carried as it is.
    case unknown(UInt8)

    /// The kind's byte on the wire.
    public var code: UInt8 {
        switch self {
        case .post: return 1
        case .retraction: return 2
        case .grant: return 3
        case .hide: return 4
        case .unknown(let code): return code
        }
    }

    /// The kind with wire byte `code`. Zero is reserved and is not a kind.
    public init?(code: UInt8) {
        switch code {
        case 0: return nil
        case 1: self = .post
        case 2: self = .retraction
        case 3: self = .grant
        case 4: self = .hide
        default: self = .unknown(code)
        }
    }

    /// The name used in JSON and listings: `post`, `retraction`, `grant`, `hide`, `vouch` (kind
    /// 5, which the trust layer reads: Documentation/Trust.md), `kind-N`.
    public var name: String {
        switch self {
        case .post: return "post"
        case .retraction: return "retraction"
        case .grant: return "grant"
        case .hide: return "hide"
        case .unknown(5): return "vouch"
        case .unknown(6): return "report"
        case .unknown(let code): return "kind-\(code)"
        }
    }

    public var description: String { name }
}

/// How the hall board is served (Documentation/Board.md): `web.*` lines in kabar.conf and
/// `kabar run --web-port`.
public struct WebSettings: Sendable, Equatable {
    /// What a phone's post does.
    public enum Posting: String, Sendable, CaseIterable {
        /// Signed and spread at once.
        case open
        /// Held until the operator approves it (REPL `pending`, `approve N`, `reject N`, or the
        /// operator page).
        case review
        /// The board only reads.
        case off
    }

    /// The port browsers use when `port` is nil and the process may bind it.
    public static let preferredPort: UInt16 = 80
    /// The port used when 80 is taken or needs a capability the process lacks.
    public static let fallbackPort: UInt16 = 8080

    /// Serve the board at all (`web.enabled`).
    public var enabled = true
    /// The TCP port (`web.port`, `--web-port`); nil: 80, else 8080.
    public var port: UInt16?
    /// `web.posting`.
    public var posting: Posting = .open
    /// Answer phones' connectivity probes so they open the board (`web.portal`).
    public var portal = false
    /// Posts from phones this hall signs in any 24 hours, at most (`web.posts_per_day`).
    public var postsPerDay = 200
    /// Posts one phone may make in any 24 hours, at most (`web.posts_per_phone`).
    public var postsPerPhone = 10

    /// A limit a config line may set, at most.
    public static let postsPerDayMax = 100_000

    /// The defaults.
    public init() {}
}

/// Set reconciliation: how two peers find out, in few bytes and round trips, which bulletins
/// each of them lacks. The theory of operation is in Documentation/Reconciliation.md.
///
/// The engine is pure: no clock, no IO, no OS randomness. The gossip layer carries its
/// payloads, calls `timeout()` when a session stalls, and pulls or pushes the bulletins named
/// in the `ReconciliationOutcome`.
public enum Reconciliation {
    /// The largest reconciliation payload, sent and accepted. A sync datagram could carry 1,187
    /// bytes (1,200 less the 8-byte header, the session and the direction); the rest is headroom
    /// (Documentation/Reconciliation.md, "Payload size").
    public static let payloadBytesMax = 1_100

    /// The most coded symbols one part of a session may use (indices `0..<symbolsMax`).
    /// About 1.4 symbols decode one difference, so one part finds up to about 5,000.
    public static let symbolsMax = 8_192

    /// The most symbols one round may carry, so a round stays under about 64 frames.
    public static let roundSymbolsMax = 4_096

    /// The most frames one result may take (ids and keys of one part's differences).
    public static let resultFramesMax = 256

    /// The most differences one session reports. Beyond it the outcome is partial
    /// (`complete == false`): pull what it names, then reconcile again.
    public static let differencesMax = 16_384

    /// The most boundaries one split reply carries.
    public static let splitBoundsMax = 32

    /// The most items a part may list outright (a side with nothing in a range asks for a list).
    public static let listItemsMax = 2_048

    /// The most parts one session may run (each split opens up to `splitBoundsMax + 1`).
    public static let partsMax = 512

    /// The most differences one part expects to decode; a larger estimate splits the range.
    static let partDifferencesMax = 4_000

    /// Symbols the initiator sends first when the peer's count tells it nothing.
    static let firstRoundSymbolsMin = 16

    /// The most items a set in a session may hold (bounds the symbol counts on the wire).
    public static let itemsMax = 1 << 32
}

/// What a finished reconciliation found, and what it cost.
///
/// The initiator's outcome is the one to act on: pull `weLack` from the peer and push (or
/// announce) `peerLacks` to it. The responder's outcome says what it learned of one part (its
/// ids the initiator lacks, and the keys of the items the initiator will push to it).
public struct ReconciliationOutcome: Equatable, Sendable {
    /// Ids we hold that the peer lacks, sorted.
    public var peerLacks: [BulletinID] = []
    /// Ids the peer holds that we lack, sorted.
    public var weLack: [BulletinID] = []
    /// Ranges of the order in which we hold nothing and the peer holds something: pull each
    /// whole (initiator: after a give-all result).
    public var weLackRanges: [ReconciliationRange] = []
    /// Responder only: ranges in which the initiator holds nothing (it will pull them whole).
    public var peerLacksRanges: [ReconciliationRange] = []
    /// Responder only: session keys of the initiator's items we lack, sorted (the initiator learns
    /// their ids and pushes them).
    public var weLackKeys: [UInt64] = []
    /// How many items we lack (`weLack.count`, or more when we only know keys or a count).
    public var weLackCount = 0
    /// False when the session stopped at a limit (`Reconciliation.differencesMax` or
    /// `Reconciliation.partsMax`): act on what it found, then reconcile again.
    public var complete = true
    /// Round trips: batches sent that expected a reply (initiator), or replies sent (responder).
    public var roundTrips = 0
    /// Payload bytes this side sent (gossip headers not counted).
    public var bytesSent = 0
    /// Payload bytes this side received.
    public var bytesReceived = 0

    /// An empty outcome.
    public init() {}
}

/// What to do after giving a payload (or a timeout) to a session: send the frames, in order,
/// each as one datagram payload. An empty list means "wait".
public enum ReconciliationStep: Equatable, Sendable {
    /// Send these payloads and keep the session.
    case send([[UInt8]])
    /// The session (initiator) or one part of it (responder) is done; send these payloads too.
    /// A responder stays able to answer retries until the caller drops it.
    case finished(ReconciliationOutcome, send: [[UInt8]])

    /// The payloads to send.
    public var frames: [[UInt8]] {
        switch self {
        case .send(let frames), .finished(_, let frames): return frames
        }
    }

    /// The outcome, when finished.
    public var outcome: ReconciliationOutcome? {
        if case .finished(let outcome, _) = self { return outcome }
        return nil
    }
}

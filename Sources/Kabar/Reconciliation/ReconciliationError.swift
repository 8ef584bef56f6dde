/// Why a reconciliation payload or session failed. Every cause from outside (a peer's payload)
/// ends here, never in a trap.
public enum ReconciliationError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The payload ended before the field named.
    case truncated(String)
    /// A field holds a value the format forbids (named, with the reason).
    case malformed(String)
    /// The payload's first byte names no message this version knows.
    case unknownMessageType(UInt8)
    /// A count or index is beyond the engine's limits (named).
    case limitExceeded(String)
    /// The message is valid but not one this role expects (named).
    case unexpectedMessage(String)
    /// The peer's result contradicts our own set (a key we do not hold, an id we already hold).
    case inconsistentResult(String)
    /// The peer gave up the session (its reason).
    case peerAborted(ReconciliationAbortReason)
    /// The difference could not be decoded within `Reconciliation.symbolsMax` symbols.
    case differenceTooLarge

    public var description: String {
        switch self {
        case .truncated(let what): return "reconciliation payload ends before \(what)"
        case .malformed(let what): return "malformed reconciliation payload: \(what)"
        case .unknownMessageType(let type): return "unknown reconciliation message type \(type)"
        case .limitExceeded(let what): return "reconciliation limit exceeded: \(what)"
        case .unexpectedMessage(let what): return "unexpected reconciliation message: \(what)"
        case .inconsistentResult(let what): return "peer's reconciliation result contradicts our set: \(what)"
        case .peerAborted(let reason): return "peer aborted reconciliation: \(reason)"
        case .differenceTooLarge: return "sets differ too much to decode within the symbol limit"
        }
    }
}

/// Why a responder gave up a session, as carried in an abort message.
public enum ReconciliationAbortReason: UInt8, Sendable, CustomStringConvertible {
    /// The symbols did not decode within the limit and the range cannot be split further.
    case differenceTooLarge = 1
    /// The decoded difference contradicted the responder's set (a corrupt or hostile stream).
    case inconsistent = 2
    /// The session needed more parts than `Reconciliation.partsMax`.
    case tooManyParts = 3

    public var description: String {
        switch self {
        case .differenceTooLarge: return "difference too large"
        case .inconsistent: return "inconsistent symbols"
        case .tooManyParts: return "too many parts"
        }
    }
}

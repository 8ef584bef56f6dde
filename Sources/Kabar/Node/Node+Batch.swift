/// Checks many bulletin signatures at once. The daemon's verifier spreads them over every core
/// (KabarNode's `ParallelSignatureVerifier`); the core itself never starts a thread.
///
/// Every verdict must equal `Bulletin.verifySignature()` on that bulletin alone: a batch only
/// changes when and where the work is done, never its answer.
public protocol SignatureBatchVerifier {
    /// The verdicts for `bulletins`, in order: nil when the signature is valid.
    func verify(_ bulletins: [Bulletin]) -> [BulletinError?]
}

/// One signature after the other, on the calling thread.
public struct SequentialSignatureVerifier: SignatureBatchVerifier {
    /// A verifier.
    public init() {}

    public func verify(_ bulletins: [Bulletin]) -> [BulletinError?] {
        bulletins.map { bulletin -> BulletinError? in
            do throws(BulletinError) {
                try bulletin.verifySignature()
                return nil
            } catch {
                return error
            }
        }
    }
}

extension Node {
    /// Several datagrams that arrived together (one wakeup of the daemon's poll loop), in order.
    ///
    /// The same as calling `receive(_:from:at:)` for each, but the signatures of every new
    /// bulletin they carry are checked first in one call to `signatureVerifier` (on every core),
    /// and bulk transfer acknowledgements are sent once at the end instead of per datagram.
    public mutating func receive(batch datagrams: [(bytes: [UInt8], source: PeerAddress)], at now: NodeTime) -> [NodeAction] {
        guard datagrams.count > 1 else {
            return datagrams.first.map { receive($0.bytes, from: $0.source, at: now) } ?? []
        }
        verifyAhead(datagrams, wall: lastClock?.now ?? now.wall)
        deferringAcknowledgements = true
        var actions: [NodeAction] = []
        for datagram in datagrams { actions += receive(datagram.bytes, from: datagram.source, at: now) }
        deferringAcknowledgements = false
        batchBulletins.removeAll(keepingCapacity: true)
        batchVerdicts.removeAll(keepingCapacity: true)
        flushAcknowledgements(at: now.monotonic)
        return actions + drain()
    }

    /// Decodes the new bulletins `datagrams` carry and checks their signatures in one batch.
    private mutating func verifyAhead(_ datagrams: [(bytes: [UInt8], source: PeerAddress)], wall: UnixTime) {
        guard let signatureVerifier else { return }
        var candidates: [Bulletin] = []
        for datagram in datagrams {
            guard let message = try? MessageCodec.decode(datagram.bytes, network: configuration.networkID) else { continue }
            switch message {
            case .bulletin(let bytes): noteCandidate(bytes, wall: wall, into: &candidates)
            case .transferData(let data): for record in data.records { noteCandidate(record, wall: wall, into: &candidates) }
            default: break
            }
        }
        guard !candidates.isEmpty else { return }
        let verdicts = signatureVerifier.verify(candidates)
        guard verdicts.count == candidates.count else { return }
        for (bulletin, verdict) in zip(candidates, verdicts) { batchVerdicts[bulletin.id] = .some(verdict) }
    }

    private mutating func noteCandidate(_ bytes: [UInt8], wall: UnixTime, into candidates: inout [Bulletin]) {
        let digest = BulletinDigest(of: bytes)
        let id = digest.id
        guard batchBulletins[id] == nil, !store.contains(id), !store.isRemoved(id) else { return }
        guard let bulletin = try? BulletinCodec.decode(bytes, digest: digest) else { return }
        // A stranger's bulletin with no room is refused before its signature (`write`): not
        // worth verifying ahead either.
        if let admission, (try? admission.precheck(bulletin, at: wall)) == nil { return }
        batchBulletins[id] = bulletin
        candidates.append(bulletin)
    }
}

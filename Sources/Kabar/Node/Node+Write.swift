/// What one write into the store came to. Every write (gossip, a local post, an import, a
/// retraction, a grant, a hide, an edit) passes the one door, `Node.write`, and gets one of these.
public enum WriteOutcome: Equatable, Sendable {
    /// New, valid, admitted and now stored.
    case added
    /// The store already held this very bulletin (same id, same bytes).
    case duplicate
    /// Not stored, for a typed reason; the edge renders it in words.
    case refused(WriteRefusal)
}

/// Why the one door refused a bulletin. Typed: the words, in Indonesian and English, are the
/// edge's business (`localizedMessage` is what the CLI and the REPL print).
public enum WriteRefusal: Error, Equatable, Sendable, LocalizedError {
    /// Retracted, hidden or blocked here: its id may not come back until its time.
    case removed(BulletinID)
    /// The bytes, signature or dates break the format's rules.
    case invalid(BulletinError)
    /// The trust rules refuse it (official channel, quota, block, withdrawn...).
    case notAdmitted(TrustError)
    /// The trust rules refused it moments ago; a peer pushed it again (not checked twice).
    case refusedLately(BulletinID)
    /// The store could not write it (a full disk); `reason` is the store's own words.
    case storeFailed(reason: Localized)
    /// Stored, then evicted at once to stay within the disk quota: everything the store holds
    /// matters more (it is older than all of it, or on a community channel when the rest is
    /// official).
    case evicted(BulletinID)

    /// The error a caller that throws (`Node.post`) throws for this refusal.
    public var error: any Error {
        switch self {
        case .removed(let id), .refusedLately(let id): return NodeError.removed(id)
        case .invalid(let error): return error
        case .notAdmitted(let error): return error
        case .storeFailed, .evicted: return self
        }
    }

    public var localizedMessage: Localized {
        switch self {
        case .removed(let id), .refusedLately(let id): return NodeError.removed(id).localizedMessage
        case .invalid(let error): return error.localizedMessage
        case .notAdmitted(let error): return error.localizedMessage
        case .storeFailed(let reason): return reason
        case .evicted(let id):
            return Localized(
                en: "\(id.short) was not kept: the store is at its disk quota and holds only bulletins that matter more",
                id: "\(id.short) tidak disimpan: simpanan sudah mencapai kuota disk dan hanya berisi buletin yang lebih penting")
        }
    }
}

extension Node {
    /// A local write (a post, an import, a trust action signed here): the one door, then the
    /// actions to carry out. `durability: .immediate` means on disk before this returns.
    public mutating func submit(
        _ bulletin: Bulletin, durability: Durability = .immediate, at now: NodeTime
    ) -> (WriteOutcome, [NodeAction]) {
        updateClock(now)
        let outcome = write(bulletin, from: nil, durability: durability, at: now)
        return (outcome, drain())
    }

    /// Many local writes at once (an import): their signatures are checked first in one call to
    /// `signatureVerifier` (on every core in the daemon), then each passes the one door in order.
    public mutating func submit(
        batch bulletins: [Bulletin], durability: Durability = .lazy, at now: NodeTime
    ) -> ([WriteOutcome], [NodeAction]) {
        updateClock(now)
        if let signatureVerifier, bulletins.count > 1 {
            let fresh = bulletins.filter { !store.contains($0.id) && !store.isRemoved($0.id) }
            let verdicts = signatureVerifier.verify(fresh)
            if verdicts.count == fresh.count {
                for (bulletin, verdict) in zip(fresh, verdicts) { batchVerdicts[bulletin.id] = .some(verdict) }
            }
        }
        let outcomes = bulletins.map { write($0, from: nil, durability: durability, at: now) }
        batchVerdicts.removeAll(keepingCapacity: true)
        return (outcomes, drain())
    }

    /// The one door into the store: id first (cheap), then signature, dates and admission, then
    /// the insert and its bookkeeping (`didStore`). `source` is nil for a local write; a peer's
    /// duplicates are counted and refusals reported as events.
    mutating func write(
        _ bulletin: Bulletin, from source: PeerAddress?, durability: Durability, at now: NodeTime, spread: Bool = true
    ) -> WriteOutcome {
        let id = bulletin.id
        if let source { heardOnLink(id, from: source) }
        if store.contains(id) {
            counters.duplicateBulletins += 1
            if let source { emit(.duplicateReceived(id, source: source)) }
            return .duplicate
        }
        if store.isRemoved(id) { return .refused(.removed(id)) }
        // Refused lately (a peer pushes it again at every reconciliation): no second check.
        if source != nil, refused.contains(id, at: now.monotonic) { return .refused(.refusedLately(id)) }
        // The wall time and the check are computed without calling a method on `self`, which
        // here would copy the whole node for the call.
        let wall = lastClock?.now ?? now.wall
        // The cheap trust checks (the block list; a stranger's room, stamp and rate) before
        // the signature: a flood of fresh keys past the strangers' share costs no verification.
        if let admission {
            do throws(TrustError) {
                try admission.precheck(bulletin, at: wall)
            } catch {
                return refuse(bulletin, from: source, because: error, at: now)
            }
        }
        do throws(BulletinError) {
            counters.signatureChecks += 1
            if let verdict = batchVerdicts[id] {
                if let error = verdict { throw error }
            } else {
                try Self.verifySignature(of: bulletin, cache: verifiedSignatures)
            }
            try configuration.policy.checkTimes(bulletin, now: wall)
        } catch {
            wanted[id] = nil
            reject(id: id, source: source, error: error)
            return .refused(.invalid(error))
        }
        let refusal: WriteRefusal
        do {
            try admission?.admit(bulletin, at: wall, store: store)
            switch try store.insert(bulletin, durability: durability) {
            case .added:
                let evicted = enforceQuota(making: bulletin, at: wall)
                guard !evicted.contains(id) else {
                    forgetEvicted(evicted, at: now)
                    wanted[id] = nil
                    return .refused(.evicted(id))
                }
                didStore(bulletin, from: source, at: now, spread: spread)
                noteAttachments(of: bulletin, from: source, at: now.monotonic)
                forgetEvicted(evicted, at: now)
                return .added
            case .duplicate: return .duplicate
            case .removed: return .refused(.removed(id))
            }
        } catch let error as TrustError {
            return refuse(bulletin, from: source, because: error, at: now)
        } catch {
            let message = (error as? any LocalizedError)?.localizedMessage ?? Localized(verbatim: "\(error)")
            refusal = .storeFailed(reason: message)
            forgetLostWrites()
        }
        wanted[id] = nil
        counters.rejectedBulletins += 1
        emit(.bulletinRejected(BulletinRejection(id: id, source: source, error: nil, message: refusal.localizedMessage)))
        return .refused(refusal)
    }

    /// A refusal by the trust rules: remembered (`refused`), so that reconciliation neither
    /// pulls it again nor checks a pushed copy, counted and reported.
    private mutating func refuse(_ bulletin: Bulletin, from source: PeerAddress?, because error: TrustError, at now: NodeTime) -> WriteOutcome {
        let id = bulletin.id
        refused.note(id, at: now.monotonic)
        wanted[id] = nil
        counters.rejectedBulletins += 1
        switch error {
        case .strangersFull, .strangerRate: counters.strangersRefused += 1
        default: break
        }
        let refusal = WriteRefusal.notAdmitted(error)
        emit(.bulletinRejected(BulletinRejection(id: id, source: source, error: nil, message: refusal.localizedMessage)))
        return .refused(refusal)
    }

    /// After an insert: when the store is over its disk quota, evicts by the trust rules'
    /// classes (expired, strangers' without a stamp, with one, the rest of community traffic,
    /// official and system last), oldest first within a class, and never a bulletin of a
    /// higher class than the one just stored (`bulletin`): community traffic never pushes out
    /// official bulletins or grants, strangers never push out anyone else. Returns what the
    /// store dropped (the caller books it: `forgetEvicted`), `bulletin` itself when nothing
    /// it may displace is left.
    mutating func enforceQuota(making bulletin: Bulletin, at wall: UnixTime) -> [BulletinID] {
        let policy = admission
        let incoming = policy?.evictionClass(ofIncoming: bulletin, at: wall) ?? 3
        let id = bulletin.id
        do {
            _ = try store.enforceQuota(now: wall) { candidate in
                if candidate.id == id { return incoming }
                let rank = policy?.evictionClass(of: candidate.id, channel: candidate.channel, expires: candidate.expires, at: wall)
                    ?? (candidate.expires <= wall ? 0 : 3)
                return rank == 0 || rank <= incoming ? rank : nil
            }
        } catch {
            // A compaction cut short (a failing disk): what it dropped is dropped all the same
            // (taken below), what a failed sync took back is booked, and the next insert or
            // flush meets the store's own error.
            forgetLostWrites()
        }
        return store.takeEvictions()
    }

    /// Books what a failed sync took back (`BulletinStore.takeLost`): out of the reconciliation
    /// set, so the next reconciliation fetches them again. The driver calls this after a failed
    /// flush too.
    public mutating func forgetLostWrites() {
        for id in store.takeLost() {
            sync.remove(id)
            admission?.didRemove(id)
        }
    }

    /// Books what the store evicted for its quota: out of the reconciliation set, and not pulled
    /// back by the next reconciliation (`refused`), or the node would fetch and evict it again
    /// for as long as a peer holds it.
    mutating func forgetEvicted(_ evicted: [BulletinID], at now: NodeTime) {
        for id in evicted {
            sync.remove(id)
            admission?.didRemove(id)
            refused.note(id, at: now.monotonic)
            counters.evictedBulletins += 1
            emit(.bulletinEvicted(id))
        }
    }
}

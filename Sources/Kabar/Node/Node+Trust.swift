// The trust layer's hooks into the node: applying retractions and hides after a store,
// installing a policy over the store at start, blocking a key, and the clock warning.
extension BulletinAdmission {
    /// By default a stored bulletin changes nothing.
    public mutating func didStore(_ bulletin: Bulletin, at now: UnixTime, store: some BulletinStore) -> [BulletinRemoval] {
        []
    }
}

extension Node {
    /// Installs `policy` as the node's admission, with its state rebuilt from the store, and
    /// drops what the store still holds that the policy withdraws.
    public mutating func installTrust(_ policy: TrustPolicy, at now: NodeTime) {
        var policy = policy
        let removals = policy.rebuild(from: store, at: wallNow(now))
        admission = policy
        remove(removals)
    }

    /// Drops everything the store holds by `key` (after the key was added to the block list).
    public mutating func dropBulletins(by key: AuthorKey) {
        remove(TrustPolicy.removals(of: key, in: store))
    }

    /// Drops each bulletin and remembers it until its time, so it cannot come back.
    public mutating func remove(_ removals: [BulletinRemoval]) {
        for removal in removals {
            do { try store.markRemoved(removal.id, until: removal.until) } catch { continue }
            sync.remove(removal.id)
            pendingRepairs[removal.id] = nil
            wanted[removal.id] = nil
            emit(.bulletinRemoved(removal.id))
        }
    }

    /// Called once for every bulletin stored: lets the trust layer act on it.
    mutating func applyTrust(after bulletin: Bulletin, at now: NodeTime) {
        let wall = wallNow(now)
        guard let removals = admission?.didStore(bulletin, at: wall, store: store), !removals.isEmpty else { return }
        remove(removals)
    }

    /// Emits `.clockWarning` when the judgement of the node's own clock changes.
    mutating func noteClockJudgement(previous: ClockEstimate?) {
        guard let current = lastClock else { return }
        let before = previous.map { ($0.ownClockIsWrong, $0.uncorrectable) } ?? (false, false)
        guard before != (current.ownClockIsWrong, current.uncorrectable) else { return }
        emit(.clockWarning(current))
    }
}

extension ClockEstimate {
    /// What the operator should read about the clock, or nil when it looks right.
    public var warning: Localized? {
        if uncorrectable {
            return Localized(
                en: "this node's clock is before the build date and no peer can correct it: set the date (date -s)",
                id: "jam node ini sebelum tanggal build dan tidak ada peer yang bisa membetulkannya: atur tanggal (date -s)")
        }
        if ownClockIsWrong {
            let offset = peerMedianOffset ?? .zero
            return Localized(
                en: "this node's clock is off by \(offset) from its peers: using their median time",
                id: "jam node ini selisih \(offset) dari peer-nya: memakai waktu median mereka")
        }
        return nil
    }
}

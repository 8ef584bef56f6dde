// The trust layer's hooks into the node: applying retractions and hides after a store,
// installing a policy over the store at start, blocking a key, and the clock warning.
extension BulletinAdmission {
    /// By default a stored bulletin changes nothing.
    public mutating func didStore(_ bulletin: Bulletin, at now: UnixTime, store: some BulletinStore) -> [BulletinRemoval] {
        []
    }

    /// By default nothing is checked before the signature.
    public func precheck(_ bulletin: Bulletin, at now: UnixTime) throws(TrustError) {}

    /// By default a removal changes nothing.
    public mutating func didRemove(_ id: BulletinID) {}

    /// By default there are no books to settle.
    public mutating func settle(store: some BulletinStore, at now: UnixTime) {}

    /// By default: expired, then community, then the rest.
    public func evictionClass(of id: BulletinID, channel: String, expires: UnixTime, at now: UnixTime) -> Int {
        expires <= now ? 0 : ChannelRules.defaults.rule(for: channel).access == .community ? 3 : 4
    }

    /// By default: as if held.
    public func evictionClass(ofIncoming bulletin: Bulletin, at now: UnixTime) -> Int {
        evictionClass(of: bulletin.id, channel: bulletin.channel, expires: bulletin.expires, at: now)
    }
}

extension Node {
    /// Installs `policy` as the node's admission, with its state rebuilt from the store, and
    /// drops what the store still holds that the policy withdraws.
    public mutating func installTrust(_ policy: TrustPolicy, at now: NodeTime) {
        var policy = policy
        let removals = policy.rebuild(from: store, at: wallNow(now))
        admission = policy
        forgetRefusals()
        remove(removals)
    }

    /// Forgets every refusal, and with them every settled pair (`SettledSync`): a session that
    /// gained nothing because we refused may gain now, so each peer is reconciled again.
    mutating func forgetRefusals() {
        refused.clear()
        for address in peers.keys { peers[address]?.settled = nil }
    }

    /// Drops everything the store holds by `key` (after the key was added to the block list).
    public mutating func dropBulletins(by key: AuthorKey) {
        remove(TrustPolicy.removals(of: key, in: store))
    }

    /// Drops each bulletin and remembers it until its time, so it cannot come back.
    public mutating func remove(_ removals: [BulletinRemoval]) {
        for removal in removals {
            do { try store.markRemoved(removal.id, until: removal.until) } catch { continue }
            admission?.didRemove(removal.id)
            sync.remove(removal.id)
            pendingRepairs[removal.id] = nil
            wanted[removal.id] = nil
            emit(.bulletinRemoved(removal.id))
        }
    }

    /// Called once for every bulletin stored: lets the trust layer act on it.
    mutating func applyTrust(after bulletin: Bulletin, at now: NodeTime) {
        // A new grant or vouch may make a refused post admissible: let reconciliation pull again.
        if bulletin.kind == .grant || Vouch.isVouchKind(bulletin) { forgetRefusals() }
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

/// Ids the trust rules refused lately. Without it, every reconciliation with a peer that holds
/// bulletins this node refuses (an attacker's over-quota flood) finds them missing: this node
/// pulls them, and the peer pushes them, and each copy is verified and refused again, every
/// `syncCooldown`. With it, this node neither pulls them nor checks a pushed copy again. An id is remembered for `memory`;
/// the set is cleared when a grant is stored or the rules change, since a refused post may
/// then be admissible. Bounded: at most `countMax` ids (expired ones dropped first, then all).
struct RefusedIDs: Sendable {
    /// Ids remembered at most: a flood of fresh keys past the strangers' share is refused by
    /// the hundred thousand, and a node that forgot them would pull them all again at the next
    /// reconciliation (about 60 bytes each: 16 MB at most).
    static let countMax = 262_144
    /// How long a refusal is remembered.
    static let memory = TimeSpan.minutes(30)

    private var until: [BulletinID: Instant] = [:]

    /// Remembers that `id` was refused at `now`.
    mutating func note(_ id: BulletinID, at now: Instant) {
        if until.count >= Self.countMax { until = until.filter { $0.value > now } }
        if until.count >= Self.countMax { until.removeAll() }
        until[id] = now + Self.memory
    }

    /// True when `id` was refused within `memory` of `now`.
    func contains(_ id: BulletinID, at now: Instant) -> Bool {
        guard let time = until[id] else { return false }
        return time > now
    }

    /// Forgets every refusal.
    mutating func clear() { until.removeAll() }

    /// Ids remembered (for tests).
    var count: Int { until.count }
}

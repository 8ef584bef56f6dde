import Kabar

// "Received by the regency office" and the office's replies (Documentation/Reach.md, "Received
// by the office"): the service reads its reports and its trust rules' authorities, and the core
// (`OfficeReceipt`) decides.
extension NodeService {
    /// The office's receipt of `bulletin`, by the newest reports of this node's authorities.
    /// Reads one report per authority from the store (not every hall's: a board page stays
    /// cheap with hundreds of halls).
    public func officeReceipt(of bulletin: Bulletin) -> OfficeReceipt? {
        let (authorities, ids): (Set<AuthorKey>, [BulletinID]) = host.withNode { node, now in
            guard let policy = node.admission as? TrustPolicy else { return (([], []), []) }
            let wall = node.clock?.now ?? now.wall
            let authorities = policy.rules.authorities
            return ((authorities, authorities.compactMap { policy.latestReport(by: $0, at: wall) }), [])
        }
        guard !ids.isEmpty else { return nil }
        return OfficeReceipt.of(bulletin, reports: ids.compactMap { store.bulletin($0) }, authorities: authorities)
    }

    /// The keys this node takes for the regency office: the authorities of its trust rules
    /// (kabar.conf's and the data folder's list).
    public func officeKeys() -> Set<AuthorKey> {
        host.withNode { node, _ in ((node.admission as? TrustPolicy)?.rules.authorities ?? [], []) }
    }

    /// Fills `result` for `show`: the office's receipt of `bulletin`, and which authors of the
    /// thread are the office (their replies are marked so).
    func describeOffice(_ bulletin: Bulletin, replies: [Bulletin], into result: inout ControlResult) {
        let offices = officeKeys()
        result.officeReceived = officeReceipt(of: bulletin)?.receivedAt.milliseconds
        let authors = Set(([bulletin] + replies).map(\.author)).intersection(offices)
        if !authors.isEmpty { result.officeAuthors = authors.map(\.hex).sorted() }
    }
}

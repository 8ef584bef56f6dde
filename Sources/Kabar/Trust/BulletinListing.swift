/// What readers see of a set of bulletins: the query-side half of edits.
public enum BulletinListing {
    /// The bulletins of `bulletins` that no post in the set replaces: an edit (a post with
    /// `supersedes`) by the same author hides the version it supersedes, and so on down the
    /// chain. Every kind stays (a listing shows retractions, grants and hides, each with its
    /// kind, so an operator can see them: Documentation/Trust.md, "Edits"); what a reader's
    /// page leaves out is the page's business. Order is kept. O(n).
    public static func current(_ bulletins: [Bulletin]) -> [Bulletin] {
        let byID = Dictionary(bulletins.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        var superseded: Set<BulletinID> = []
        for bulletin in bulletins where bulletin.kind == .post {
            guard let target = bulletin.content.supersedes, let old = byID[target], old.author == bulletin.author else {
                continue
            }
            superseded.insert(target)
        }
        return bulletins.filter { !superseded.contains($0.id) }
    }
}

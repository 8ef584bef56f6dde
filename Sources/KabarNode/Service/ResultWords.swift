import Kabar

/// The words for a write's result, shared by the front ends that show them as lines (the CLI
/// and the REPL): what to print (`lines`) and what to note beside it (`notes`, standard error
/// in the CLI). JSON output is the front end's own.
public struct ResultWords: Sendable, Equatable {
    /// What the result is: an id, a sentence.
    public var lines: [Localized] = []
    /// What else happened (a bulletin removed here).
    public var notes: [Localized] = []

    /// The words for `result`, the answer to `request`.
    public init(_ request: ControlRequest, _ result: ControlResult) {
        switch request {
        case .post, .reply, .edit, .grant:
            lines = result.id.map { [Localized(verbatim: $0)] } ?? []
        case .retract, .hide:
            lines = result.id.map { [Localized(verbatim: $0)] } ?? []
            for removed in result.removed ?? [] {
                let short = String(removed.prefix(12))
                notes.append(Localized(en: "removed \(short) from this node", id: "\(short) dihapus dari node ini"))
            }
        case .authority(let parameters):
            let short = String((parameters.key ?? "").prefix(12))
            switch parameters.action {
            case "add":
                lines = [result.changed == true
                    ? Localized(en: "\(short) is now a trusted authority", id: "\(short) kini otoritas yang dipercaya")
                    : Localized(en: "\(short) was already a trusted authority", id: "\(short) sudah otoritas yang dipercaya")]
            case "remove":
                lines = [Localized(en: "\(short) is no longer a trusted authority", id: "\(short) tidak lagi otoritas yang dipercaya")]
            default:
                let entries = result.authorities ?? []
                lines = entries.isEmpty
                    ? [Localized(
                        en: "no authorities: official channels accept no one (add one with 'kabar authority add KEY')",
                        id: "tidak ada otoritas: kanal resmi tidak menerima siapa pun (tambahkan dengan 'kabar authority add KEY')")]
                    : entries.map { entry in
                        let sources = [entry.inConfig ? "config" : nil, entry.inDataFolder ? "data" : nil].compactMap { $0 }
                        return Localized(verbatim: entry.key.hex + "  " + sources.joined(separator: ","))
                    }
            }
        case .block(let parameters):
            let short = String((parameters.key ?? "").prefix(12))
            switch parameters.action {
            case "add":
                let dropped = result.dropped ?? 0
                lines = [Localized(
                    en: "blocked \(short); dropped \(dropped) of its bulletins", id: "\(short) diblokir; \(dropped) buletinnya dibuang")]
            case "remove":
                lines = [Localized(en: "unblocked \(short)", id: "\(short) tidak diblokir lagi")]
            default:
                let keys = result.keys ?? []
                lines = keys.isEmpty
                    ? [Localized(en: "no blocked keys", id: "tidak ada kunci yang diblokir")]
                    : keys.map { Localized(verbatim: $0) }
            }
        case .known(let parameters):
            let short = String((parameters.key ?? "").prefix(12))
            switch parameters.action {
            case "add":
                lines = [result.changed == true
                    ? Localized(en: "\(short) is now known here: never a stranger, and it may vouch", id: "\(short) kini dikenal di sini: bukan orang asing, dan boleh menjamin")
                    : Localized(en: "\(short) was already known here", id: "\(short) sudah dikenal di sini")]
            case "remove":
                lines = [Localized(en: "\(short) is no longer known here", id: "\(short) tidak lagi dikenal di sini")]
            default:
                let keys = result.keys ?? []
                lines = keys.isEmpty
                    ? [Localized(en: "no known keys besides this node's own", id: "tidak ada kunci yang dikenal selain milik node ini")]
                    : keys.map { Localized(verbatim: $0) }
            }
        case .vouch:
            lines = result.id.map { [Localized(verbatim: $0)] } ?? []
        case .sync:
            let count = result.count ?? 0
            lines = [Localized(en: "syncing with \(count) peers", id: "menyelaraskan dengan \(count) peer")]
        case .reload:
            let changes = result.changes ?? []
            lines = changes.isEmpty
                ? [Localized(en: "kabar.conf reloaded: nothing changed", id: "kabar.conf dimuat ulang: tidak ada yang berubah")]
                : [Localized(en: "kabar.conf reloaded:", id: "kabar.conf dimuat ulang:")] + changes.map {
                    Localized(en: "  " + $0.en, id: "  " + $0.id)
                }
        case .reach:
            if let reach = result.reach { lines = Self.words(reach) }
        case .halls:
            lines = Self.words(result.halls ?? [])
        default:
            break
        }
        if let warning = result.warning { notes.append(warning.localized) }
    }

    /// `reach`: the count, then one line a hall (Reach.md).
    static func words(_ reach: ReachRecord) -> [Localized] {
        let short = String(reach.id.prefix(12))
        var lines = [Localized(
            en: "\(short): \(reach.hallsReached) of \(reach.hallsKnown) halls", id: "\(short): \(reach.hallsReached) dari \(reach.hallsKnown) balai")]
        for hall in reach.halls {
            let name = column(hall.label.isEmpty ? String(hall.node.prefix(12)) : hall.label)
            let last = ReplFormat.dateTime(UnixTime(milliseconds: hall.lastReport))
            let state: Localized
            switch hall.status {
            case "reached":
                let when = ReplFormat.dateTime(UnixTime(milliseconds: hall.firstSeen ?? 0))
                state = Localized(en: "has it since \(when)", id: "memilikinya sejak \(when)")
            case "not_reached": state = Localized(en: "does not have it", id: "belum memilikinya")
            case "not_reported_since": state = Localized(en: "not reported since it was posted", id: "belum melapor sejak dikirim")
            default: state = Localized(en: "cannot tell: older than its report covers", id: "tidak dapat diketahui: lebih lama dari cakupan laporannya")
            }
            lines.append(Localized(en: "  \(name)  \(state.en)  (report \(last))", id: "  \(name)  \(state.id)  (laporan \(last))"))
        }
        return lines
    }

    /// `halls`: one line a hall known by its reports.
    static func words(_ halls: [HallRecord]) -> [Localized] {
        guard !halls.isEmpty else { return [Localized(en: "no hall reports yet", id: "belum ada laporan balai")] }
        return halls.map { hall in
            let name = column(hall.label.isEmpty ? String(hall.node.prefix(12)) : hall.label)
            let last = ReplFormat.dateTime(UnixTime(milliseconds: hall.lastReport))
            let key = String(hall.node.prefix(12))
            return Localized(
                en: "\(name)  \(key)  report \(last)  \(hall.holdings) official  \(hall.storeCount) stored  \(hall.software)",
                id: "\(name)  \(key)  laporan \(last)  \(hall.holdings) resmi  \(hall.storeCount) tersimpan  \(hall.software)")
        }
    }

    /// A label as a 28-character column.
    private static func column(_ text: String) -> String {
        let clipped = text.count <= 28 ? text : String(text.prefix(27)) + "…"
        return clipped + String(repeating: " ", count: 28 - clipped.count)
    }
}

/// Why the trust rules turned a bulletin away. Each case names its rule, in English and
/// Indonesian (Documentation/Trust.md lists them all).
public enum TrustError: Error, Equatable, Sendable, LocalizedError {
    /// The author is on this node's block list.
    case blocked(AuthorKey)
    /// The key may not post to an official channel: no grant from a trusted authority.
    case notAuthorised(channel: String)
    /// Only grants (and their retractions) travel on the system channel.
    case systemChannel(channel: String)
    /// A grant signed by a key that may not grant `channel`.
    case grantNotAllowed(channel: String)
    /// A grantee tried to let its own grantee grant again: one level of re-granting at most.
    case grantTooDeep
    /// A sub-grant gives more than its parent grant: moderation it lacks, or a later expiry.
    case grantExceedsParent(channel: String)
    /// A retraction by a key that is neither the target's author nor a moderator of its channel.
    case retractionNotAllowed(target: BulletinID)
    /// A hide notice from a key this node does not trust to moderate `channel`.
    case hideNotTrusted(channel: String)
    /// A hide notice naming a bulletin on another channel than its own.
    case hideWrongChannel(target: BulletinID)
    /// An edit (`supersedes`) of a post by another author.
    case editNotAuthor(target: BulletinID)
    /// The bulletin was retracted (or hidden) before it arrived here.
    case withdrawn(by: BulletinID)
    /// The author already posted `limit` bulletins on `channel` that day.
    case quotaCount(channel: String, limit: Int)
    /// The author already posted `limit` bytes on `channel` that day.
    case quotaBytes(channel: String, limit: Int)
    /// A vouch signed by a key that may not vouch here (not an authority, a grantee, a key
    /// an authority vouched for, or a key this node knows).
    case vouchNotAllowed
    /// A bulletin of the vouch kind that is not a well-formed vouch.
    case vouchMalformed
    /// A hall report signed by a key that may not vouch here: only keys the network knows may
    /// report on a hall (Documentation/Reach.md).
    case reportNotAllowed
    /// A bulletin of the report kind that is not a well-formed report.
    case reportMalformed(HallReportError)
    /// A report with an office section (holdings of office channels) signed by a key that is
    /// not an authority here: only the regency office says what the office received.
    case reportOfficeNotAuthority
    /// A report older than the one this node holds from the same node (by `newer`).
    case reportSuperseded(by: BulletinID)
    /// The bulletins of unvouched keys already fill their share on `channel` (`limit` bytes
    /// for bulletins without a stamp of `stampBits`, twice that with one); `stamped` says the
    /// bulletin had the stamp (then even the stamped share is full).
    case strangersFull(channel: String, limit: Int64, stampBits: Int, stamped: Bool)
    /// This node takes at most `perSecond` bulletins of unvouched keys a second (after a burst).
    case strangerRate(perSecond: Double)

    public var localizedMessage: Localized {
        switch self {
        case .blocked(let key):
            return Localized(
                en: "key \(key.short) is blocked on this node",
                id: "kunci \(key.short) diblokir di node ini")
        case .notAuthorised(let channel):
            return Localized(
                en: "this key may not post to \(channel): no grant from an authority you trust",
                id: "kunci ini tidak boleh mengirim ke \(channel): tidak ada izin dari otoritas yang Anda percayai")
        case .systemChannel(let channel):
            return Localized(
                en: "only grants may be sent on \(channel), the system channel",
                id: "hanya izin (grant) yang boleh dikirim di \(channel), kanal sistem")
        case .grantNotAllowed(let channel):
            return Localized(
                en: "this key may not grant \(channel): it is not an authority you trust and holds no grant that lets it grant",
                id: "kunci ini tidak boleh memberi izin untuk \(channel): bukan otoritas yang Anda percayai dan tidak punya izin untuk memberi izin")
        case .grantTooDeep:
            return Localized(
                en: "a grantee may not let its own grantee grant again: one level of re-granting at most",
                id: "penerima izin tidak boleh mengizinkan penerimanya memberi izin lagi: paling banyak satu tingkat")
        case .grantExceedsParent(let channel):
            return Localized(
                en: "this grant for \(channel) gives more than the signer's own grant (moderation or a later expiry)",
                id: "izin untuk \(channel) ini memberi lebih dari izin penandatangannya sendiri (moderasi atau masa berlaku lebih lama)")
        case .retractionNotAllowed(let target):
            return Localized(
                en: "this key may not retract \(target.short): only its author or a moderator of its channel may",
                id: "kunci ini tidak boleh menarik \(target.short): hanya penulisnya atau moderator kanalnya yang boleh")
        case .hideNotTrusted(let channel):
            return Localized(
                en: "hide notice refused: this key is not a moderator you trust for \(channel)",
                id: "pemberitahuan sembunyikan ditolak: kunci ini bukan moderator yang Anda percayai untuk \(channel)")
        case .hideWrongChannel(let target):
            return Localized(
                en: "hide notice refused: \(target.short) is on another channel",
                id: "pemberitahuan sembunyikan ditolak: \(target.short) ada di kanal lain")
        case .editNotAuthor(let target):
            return Localized(
                en: "only the author of \(target.short) may edit it",
                id: "hanya penulis \(target.short) yang boleh menyuntingnya")
        case .withdrawn(let by):
            return Localized(
                en: "this bulletin was retracted or hidden (by \(by.short)) and may not come back",
                id: "buletin ini sudah ditarik atau disembunyikan (oleh \(by.short)) dan tidak boleh kembali")
        case .quotaCount(let channel, let limit):
            return Localized(
                en: "this key has reached its quota on \(channel): \(limit) bulletins a day",
                id: "kunci ini sudah mencapai kuota di \(channel): \(limit) buletin per hari")
        case .quotaBytes(let channel, let limit):
            return Localized(
                en: "this key has reached its quota on \(channel): \(limit) bytes a day",
                id: "kunci ini sudah mencapai kuota di \(channel): \(limit) byte per hari")
        case .vouchNotAllowed:
            return Localized(
                en: "vouch refused: only an authority, a grantee, a key an authority vouched for or a key this node knows may vouch",
                id: "jaminan ditolak: hanya otoritas, penerima izin, kunci yang dijamin otoritas, atau kunci yang dikenal node ini yang boleh menjamin")
        case .vouchMalformed:
            return Localized(
                en: "vouch refused: it must name 1 to 64 keys, sorted, in field 9, on channel kabar, and nothing else",
                id: "jaminan ditolak: harus menyebut 1 sampai 64 kunci, terurut, di field 9, di kanal kabar, tanpa isi lain")
        case .reportNotAllowed:
            return Localized(
                en: "hall report refused: only an authority, a grantee, a key an authority vouched for or a key this node knows may report",
                id: "laporan balai ditolak: hanya otoritas, penerima izin, kunci yang dijamin otoritas, atau kunci yang dikenal node ini yang boleh melapor")
        case .reportMalformed(let reason):
            return Localized(
                en: "hall report refused: \(reason.rule.en)",
                id: "laporan balai ditolak: \(reason.rule.id)")
        case .reportOfficeNotAuthority:
            return Localized(
                en: "hall report refused: only an authority's report may list what the regency office received",
                id: "laporan balai ditolak: hanya laporan otoritas yang boleh menyebut apa yang diterima kantor kabupaten")
        case .reportSuperseded(let newer):
            return Localized(
                en: "hall report refused: this node already holds a newer report by the same node (\(newer.short))",
                id: "laporan balai ditolak: node ini sudah memegang laporan yang lebih baru dari node yang sama (\(newer.short))")
        case .strangersFull(let channel, let limit, let stampBits, let stamped):
            if stamped {
                return Localized(
                    en: "bulletins of unvouched keys fill their share on \(channel) here, stamped ones too (\(limit * 2) bytes): it waits until some expire",
                    id: "buletin dari kunci yang belum dijamin sudah memenuhi jatahnya di \(channel), termasuk yang berstempel (\(limit * 2) byte): tunggu sampai ada yang kedaluwarsa")
            }
            return Localized(
                en: "bulletins of unvouched keys fill their share on \(channel) here (\(limit) bytes): a stamp of \(stampBits) bits earns room (kabar post --stamp), or ask a hall to vouch for this key",
                id: "buletin dari kunci yang belum dijamin sudah memenuhi jatahnya di \(channel) (\(limit) byte): stempel \(stampBits) bit memberi tempat (kabar post --stamp), atau minta balai menjamin kunci ini")
        case .strangerRate(let perSecond):
            let rate = perSecond >= 1 ? "\(Int(perSecond))" : String(perSecond)
            return Localized(
                en: "this node takes at most \(rate) bulletins of unvouched keys a second: it waits and comes again",
                id: "node ini menerima paling banyak \(rate) buletin dari kunci yang belum dijamin per detik: tunggu dan kirim lagi")
        }
    }
}

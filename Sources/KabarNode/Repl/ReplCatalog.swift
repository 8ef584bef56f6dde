import Foundation
import Kabar

/// Every message the REPL shows a person, by key. Each key has an English and an Indonesian text;
/// `{0}`, `{1}`... are filled with values. A test checks both languages exist for every key and
/// carry the same placeholders, so no English-only string can slip in.
public enum ReplKey: String, CaseIterable, Sendable {
    case welcome, promptCommand, promptChannel, promptTitle, promptBody
    case channelInvalid, titleEmpty, titleTooLong, titleOneLine, bodyTooLong, bodyEmpty
    case postSaved, postCancelled
    case listEmpty, listHeader, listLine, listChannelInvalid
    case readUsage, readNoListing, readNumberOutOfRange, readNotFound, readAmbiguous, readPrefixTooShort
    case readHeader, readMeta, readReplyOne, readReplies, readReplyMeta, replySaved
    case searchUsage, searchNone, searchHeader
    case peersNone, peersHeader, peerLine
    case statusLine
    case channelsHeader, channelLine
    case accessOfficial, accessCommunity, accessSystem
    case exportUsage, exportDone, importUsage, importDone
    case langUsage, langSwitched
    case unknownCommand, unknownCommandSuggest, seeHelp, unexpectedArgument
    case errorPrefix
    case eventBulletin, eventPeerJoined, eventPeerLeft, eventRefused
    case helpIntro, helpUnknown
    case helpPost, helpLs, helpRead, helpSearch, helpPeers, helpStatus, helpChannels, helpReach, helpHalls
    case helpExport, helpImport, helpLang, helpHelp, helpQuit
    case helpAuthority, helpGrant, helpRetract, helpEdit, helpHide, helpBlock, helpUnblock, helpReply, helpReload
    case goodbye, lineCancelled, firstRun, nodeStarted, logGoesTo
    case textControl, lifetimeDays, postNothingSaved
    case readAttachment, readOfficeReceived
    case pendingNone, pendingHeader, pendingLine, pendingUsage, approved, rejected
    case helpPending, helpApprove, helpReject
}

/// The REPL's message catalog: one `Localized` per `ReplKey`.
public enum ReplCatalog {
    /// The catalog entries.
    public static let entries: [ReplKey: Localized] = [
        .welcome: Localized(
            en: "Kabar is ready. Type 'help' to see what you can do, 'quit' to leave.",
            id: "Kabar siap. Ketik 'help' untuk melihat perintah, 'quit' untuk keluar."),
        .promptCommand: Localized(en: "kabar> ", id: "kabar> "),
        .promptChannel: Localized(en: "channel (e.g. warga): ", id: "kanal (misalnya warga): "),
        .promptTitle: Localized(en: "title: ", id: "judul: "),
        .promptBody: Localized(
            en: "Type the message. End with a line holding only '.' (a line '!' cancels).",
            id: "Ketik pesan. Akhiri dengan baris yang hanya berisi '.' (baris '!' membatalkan)."),
        .channelInvalid: Localized(
            en: "'{0}' is not a channel name: use 1-32 small letters a-z, digits or '-', starting with a letter. Try again.",
            id: "'{0}' bukan nama kanal: gunakan 1-32 huruf kecil a-z, angka atau '-', diawali huruf. Coba lagi."),
        .titleEmpty: Localized(en: "The title is empty. Type a title.", id: "Judul kosong. Ketik judul."),
        .titleTooLong: Localized(
            en: "The title is {0} bytes; the limit is {1}. Type a shorter title.",
            id: "Judul {0} byte; batasnya {1}. Ketik judul yang lebih pendek."),
        .titleOneLine: Localized(en: "The title must be one line.", id: "Judul harus satu baris."),
        .bodyTooLong: Localized(
            en: "The message is {0} bytes; the limit is {1}. The last line was not added: shorten it, or end with '.'.",
            id: "Pesan {0} byte; batasnya {1}. Baris terakhir tidak ditambahkan: persingkat, atau akhiri dengan '.'."),
        .bodyEmpty: Localized(
            en: "The message is empty. Type at least one line before '.'.",
            id: "Pesan kosong. Ketik minimal satu baris sebelum '.'."),
        .postSaved: Localized(en: "Saved and shared: {0} on #{1}.", id: "Tersimpan dan dibagikan: {0} di #{1}."),
        .postCancelled: Localized(en: "Post cancelled; nothing was saved.", id: "Kiriman dibatalkan; tidak ada yang disimpan."),
        .listEmpty: Localized(en: "No bulletins yet.", id: "Belum ada buletin."),
        .listHeader: Localized(en: "{0} bulletin(s), newest first:", id: "{0} buletin, terbaru lebih dulu:"),
        .listLine: Localized(en: "{0}. [{1}] #{2} {3}  ({4})", id: "{0}. [{1}] #{2} {3}  ({4})"),
        .listChannelInvalid: Localized(
            en: "'{0}' is not a channel name. Type 'channels' to see them.",
            id: "'{0}' bukan nama kanal. Ketik 'channels' untuk melihatnya."),
        .readUsage: Localized(
            en: "Usage: read N (a number from the last 'ls') or read ID (at least 8 hex digits).",
            id: "Cara pakai: read N (nomor dari 'ls' terakhir) atau read ID (minimal 8 digit heksa)."),
        .readNoListing: Localized(
            en: "There is no listing yet: type 'ls' first, then 'read 1'.",
            id: "Belum ada daftar: ketik 'ls' dulu, lalu 'read 1'."),
        .readNumberOutOfRange: Localized(
            en: "The last listing has numbers 1 to {0}.", id: "Daftar terakhir bernomor 1 sampai {0}."),
        .readNotFound: Localized(en: "No bulletin starts with '{0}'.", id: "Tidak ada buletin yang diawali '{0}'."),
        .readAmbiguous: Localized(
            en: "Several bulletins start with '{0}': type more digits.",
            id: "Beberapa buletin diawali '{0}': ketik lebih banyak digit."),
        .readPrefixTooShort: Localized(
            en: "An ID needs at least 8 hex digits (0-9, a-f); '{0}' is not one.",
            id: "ID perlu minimal 8 digit heksa (0-9, a-f); '{0}' bukan ID."),
        .readHeader: Localized(en: "#{0}  {1}", id: "#{0}  {1}"),
        .readMeta: Localized(en: "from {0}, {1}, id {2}", id: "dari {0}, {1}, id {2}"),
        .readOfficeReceived: Localized(en: "✓ received by the regency office {0}", id: "✓ diterima kantor kabupaten {0}"),
        .readReplyOne: Localized(en: "1 reply (reply --body \"...\" to answer):", id: "1 balasan (reply --body \"...\" untuk menjawab):"),
        .replySaved: Localized(en: "Reply saved and shared: {0}.", id: "Balasan tersimpan dan dibagikan: {0}."),
        .readReplies: Localized(en: "{0} replies (reply --body \"...\" to answer):", id: "{0} balasan (reply --body \"...\" untuk menjawab):"),
        .readReplyMeta: Localized(en: "  > {0}, {1}, id {2}", id: "  > {0}, {1}, id {2}"),
        .searchUsage: Localized(en: "Usage: search WORDS", id: "Cara pakai: search KATA"),
        .searchNone: Localized(en: "Nothing found for '{0}'.", id: "Tidak ditemukan untuk '{0}'."),
        .searchHeader: Localized(en: "{0} found for '{1}':", id: "{0} ditemukan untuk '{1}':"),
        .peersNone: Localized(
            en: "No peers seen yet. Other halls appear here when they are on the same Wi-Fi.",
            id: "Belum ada rekan terlihat. Balai lain muncul di sini jika berada di Wi-Fi yang sama."),
        .peersHeader: Localized(en: "{0} peer(s):", id: "{0} rekan:"),
        .peerLine: Localized(en: "  {0}  last heard {1}", id: "  {0}  terakhir terdengar {1}"),
        .statusLine: Localized(en: "  {0}: {1}", id: "  {0}: {1}"),
        .channelsHeader: Localized(
            en: "channel       access     default   maximum   held",
            id: "kanal         akses      bawaan    maksimum  disimpan"),
        .channelLine: Localized(en: "{0}", id: "{0}"),
        .accessOfficial: Localized(en: "official", id: "resmi"),
        .accessCommunity: Localized(en: "community", id: "warga"),
        .accessSystem: Localized(en: "system", id: "sistem"),
        .exportUsage: Localized(en: "Usage: export FILE", id: "Cara pakai: export BERKAS"),
        .exportDone: Localized(en: "Wrote {0} bulletin(s) to {1}.", id: "{0} buletin ditulis ke {1}."),
        .importUsage: Localized(en: "Usage: import FILE", id: "Cara pakai: import BERKAS"),
        .importDone: Localized(
            en: "Imported from {0}: {1} new, {2} already held, {3} refused.",
            id: "Diimpor dari {0}: {1} baru, {2} sudah ada, {3} ditolak."),
        .langUsage: Localized(en: "Usage: lang id|en", id: "Cara pakai: lang id|en"),
        .langSwitched: Localized(en: "Language: English.", id: "Bahasa: Indonesia."),
        .unknownCommand: Localized(en: "'{0}' is not a command.", id: "'{0}' bukan perintah."),
        .unknownCommandSuggest: Localized(
            en: "'{0}' is not a command. Did you mean '{1}'?", id: "'{0}' bukan perintah. Maksud Anda '{1}'?"),
        .seeHelp: Localized(en: "Type 'help' to see the commands.", id: "Ketik 'help' untuk melihat perintah."),
        .unexpectedArgument: Localized(
            en: "'{0}' takes no argument. Type 'help {0}'.", id: "'{0}' tidak memakai argumen. Ketik 'help {0}'."),
        .errorPrefix: Localized(en: "Error: {0}", id: "Galat: {0}"),
        .eventBulletin: Localized(en: "* new on #{0}: {1} (from {2})", id: "* baru di #{0}: {1} (dari {2})"),
        .eventPeerJoined: Localized(en: "* peer joined: {0}", id: "* rekan bergabung: {0}"),
        .eventPeerLeft: Localized(en: "* peer gone quiet: {0}", id: "* rekan tidak terdengar lagi: {0}"),
        .eventRefused: Localized(
            en: "* refused {1} bulletin(s) from {0}: {2}", id: "* menolak {1} buletin dari {0}: {2}"),
        .helpIntro: Localized(
            en: "Commands (type 'help COMMAND' for more):", id: "Perintah (ketik 'help PERINTAH' untuk rincian):"),
        .helpUnknown: Localized(en: "There is no command '{0}'.", id: "Tidak ada perintah '{0}'."),
        .helpPost: Localized(
            en: "post            write a bulletin: asks for the channel, the title, then the message",
            id: "post            tulis buletin: menanyakan kanal, judul, lalu isi pesan"),
        .helpLs: Localized(
            en: "ls [CHANNEL]    list bulletins, newest first, numbered for 'read'",
            id: "ls [KANAL]      daftar buletin, terbaru lebih dulu, bernomor untuk 'read'"),
        .helpRead: Localized(
            en: "read N|ID       show a bulletin: N from the last list, or 8+ hex digits of its id",
            id: "read N|ID       tampilkan buletin: N dari daftar terakhir, atau 8+ digit heksa id-nya"),
        .helpSearch: Localized(
            en: "search WORDS    find bulletins whose title or message holds all the words",
            id: "search KATA     cari buletin yang judul atau pesannya memuat semua kata"),
        .helpPeers: Localized(en: "peers           show the other halls this node hears", id: "peers           tampilkan balai lain yang terdengar"),
        .helpReach: Localized(
            en: "reach N|ID      which halls hold a bulletin, by their reports (--svg FILE: the chart)",
            id: "reach N|ID      balai mana yang memegang buletin, menurut laporannya (--svg FILE: grafiknya)"),
        .helpHalls: Localized(en: "halls           every hall known by its reports", id: "halls           semua balai yang dikenal dari laporannya"),
        .helpStatus: Localized(en: "status          show how this node is doing", id: "status          tampilkan keadaan node ini"),
        .helpChannels: Localized(
            en: "channels        show the channels: who may post, how long posts live, how many are held",
            id: "channels        tampilkan kanal: siapa boleh menulis, berapa lama kiriman bertahan, berapa yang disimpan"),
        .helpExport: Localized(
            en: "export FILE     write every bulletin to FILE (e.g. on a USB stick)",
            id: "export BERKAS   tulis semua buletin ke BERKAS (misalnya di flashdisk)"),
        .helpImport: Localized(
            en: "import FILE     take in the bulletins of FILE (from another hall)",
            id: "import BERKAS   ambil buletin dari BERKAS (dari balai lain)"),
        .helpLang: Localized(en: "lang id|en      switch language (Indonesian / English)", id: "lang id|en      ganti bahasa (Indonesia / Inggris)"),
        .helpAuthority: Localized(
            en: "authority add|remove KEY, authority list   the authority keys this node trusts",
            id: "authority add|remove KUNCI, authority list  kunci otoritas yang dipercaya node ini"),
        .helpGrant: Localized(
            en: "grant KEY --channel C [--expires 90d] [--moderator] [--may-grant]   let KEY post to official channel C",
            id: "grant KUNCI --channel C [--expires 90d] [--moderator] [--may-grant]   izinkan KUNCI menulis di kanal resmi C"),
        .helpRetract: Localized(
            en: "retract ID      withdraw your bulletin ID everywhere it reaches",
            id: "retract ID      tarik buletin ID Anda di semua node yang dicapainya"),
        .helpEdit: Localized(
            en: "edit ID [--title \"T\"] --body \"TEXT\"   a new version of your bulletin ID",
            id: "edit ID [--title \"J\"] --body \"TEKS\"   versi baru buletin ID Anda"),
        .helpReply: Localized(
            en: "reply [ID|N] --body \"TEXT\"   answer bulletin ID (or number N of the list, or the one just read)",
            id: "reply [ID|N] --body \"TEKS\"   jawab buletin ID (atau nomor N di daftar, atau yang baru dibaca)"),
        .helpReload: Localized(
            en: "reload          read kabar.conf again and apply it (peers, channels, quotas, log level)",
            id: "reload          baca ulang kabar.conf dan terapkan (peer, kanal, kuota, tingkat log)"),
        .helpHide: Localized(
            en: "hide ID         as a moderator, hide bulletin ID",
            id: "hide ID         sebagai moderator, sembunyikan buletin ID"),
        .helpBlock: Localized(
            en: "block KEY, block list   this node stops storing and passing on KEY's bulletins",
            id: "block KUNCI, block list  node ini berhenti menyimpan dan meneruskan buletin KUNCI"),
        .helpUnblock: Localized(
            en: "unblock KEY     take KEY off the block list",
            id: "unblock KUNCI   hapus KUNCI dari daftar blokir"),
        .helpHelp: Localized(en: "help [COMMAND]  show this help", id: "help [PERINTAH] tampilkan bantuan ini"),
        .helpQuit: Localized(en: "quit            leave (Ctrl-D too)", id: "quit            keluar (juga Ctrl-D)"),
        .textControl: Localized(
            en: "That line holds a control character; type it again.",
            id: "Baris itu memuat karakter kendali; ketik ulang."),
        .lifetimeDays: Localized(en: "{0} d", id: "{0} hari"),
        .postNothingSaved: Localized(
            en: "The post was not saved: {0}", id: "Kiriman tidak tersimpan: {0}"),
        .goodbye: Localized(en: "Goodbye.", id: "Sampai jumpa."),
        .lineCancelled: Localized(en: "(line cancelled)", id: "(baris dibatalkan)"),
        .firstRun: Localized(
            en: "First start: created a new identity and the data folder {0}.",
            id: "Pertama kali: identitas baru dan folder data {0} telah dibuat."),
        .nodeStarted: Localized(en: "Node running, data in {0}.", id: "Node berjalan, data di {0}."),
        .readAttachment: Localized(
            en: "attachment: {1}  {2}  {3} bytes, {4} here\n  kabar attachment get {0}",
            id: "lampiran: {1}  {2}  {3} byte, {4} di sini\n  kabar attachment get {0}"),
        .pendingNone: Localized(en: "No phone post is waiting.", id: "Tidak ada kiriman ponsel yang menunggu."),
        .pendingHeader: Localized(
            en: "Phone posts waiting for your approval ({0}); 'approve N' or 'reject N':",
            id: "Kiriman ponsel menunggu persetujuan Anda ({0}); 'approve N' atau 'reject N':"),
        .pendingLine: Localized(en: "{0}. [{1}] {2}: {3}", id: "{0}. [{1}] {2}: {3}"),
        .pendingUsage: Localized(
            en: "usage: {0} N   (N is a number from 'pending')", id: "cara pakai: {0} N   (N adalah nomor dari 'pending')"),
        .approved: Localized(en: "Approved {0}: stored and spreading.", id: "Disetujui {0}: tersimpan dan menyebar."),
        .rejected: Localized(en: "Rejected {0}: it will not be posted.", id: "Ditolak {0}: tidak akan dikirim."),
        .helpPending: Localized(
            en: "pending         phone posts waiting for approval (web.posting = review)",
            id: "pending         kiriman ponsel yang menunggu persetujuan (web.posting = review)"),
        .helpApprove: Localized(en: "approve N       post waiting post N", id: "approve N       kirim kiriman nomor N yang menunggu"),
        .helpReject: Localized(en: "reject N        drop waiting post N", id: "reject N        buang kiriman nomor N yang menunggu"),
        .logGoesTo: Localized(en: "The log is in {0}.", id: "Log ada di {0}."),
    ]

    /// The text of `key` in `language` with `{0}`, `{1}`... replaced by `values`.
    public static func text(_ key: ReplKey, _ language: Language, _ values: [String] = []) -> String {
        guard let entry = entries[key] else { return key.rawValue }
        var text = entry[language]
        for (index, value) in values.enumerated() {
            text = text.replacingOccurrences(of: "{\(index)}", with: value)
        }
        return text
    }
}

import Kabar

/// The board's words, Indonesian first (Documentation/Board.md). One place, so a translator
/// reads them all together.
enum BoardText {
    static let board = Localized(en: "Board", id: "Papan")
    static let post = Localized(en: "Post", id: "Kirim")
    static let channels = Localized(en: "Channels", id: "Saluran")
    static let search = Localized(en: "Search", id: "Cari")
    static let searchHint = Localized(en: "Search the board", id: "Cari di papan")
    static let official = Localized(en: "Official · verified", id: "Resmi · terverifikasi")
    static let fromPhone = Localized(en: "Sent from a phone at", id: "Dikirim dari ponsel di")
    static let office = Localized(en: "Regency office", id: "Kantor kabupaten")
    static let officeReceived = Localized(en: "Received by the regency office", id: "Diterima kantor kabupaten")
    static let thisHall = Localized(en: "this hall", id: "balai ini")
    static let hall = Localized(en: "hall", id: "balai")
    static let new = Localized(en: "new", id: "baru")
    static let nothingYet = Localized(en: "Nothing here yet.", id: "Belum ada apa-apa di sini.")
    static let noResults = Localized(en: "Nothing found.", id: "Tidak ditemukan.")
    static let channel = Localized(en: "Channel", id: "Saluran")
    static let title = Localized(en: "Title", id: "Judul")
    static let message = Localized(en: "Message", id: "Isi pesan")
    static let send = Localized(en: "Send", id: "Kirim")
    static let reply = Localized(en: "Reply", id: "Balas")
    static let replies = Localized(en: "Replies", id: "Balasan")
    static let writeReply = Localized(en: "Write a reply", id: "Tulis balasan")
    static let newPost = Localized(en: "New post", id: "Kiriman baru")
    static let postingOff = Localized(
        en: "This hall's board does not take posts from phones.", id: "Papan balai ini tidak menerima kiriman dari ponsel.")
    static let reviewNote = Localized(
        en: "The hall's operator reads each post before it goes out.", id: "Operator balai membaca setiap kiriman sebelum dikirim.")
    static let queued = Localized(
        en: "Thank you: your post waits for the operator's approval.", id: "Terima kasih: kiriman Anda menunggu persetujuan operator.")
    static let phoneNote = Localized(
        en: "Your post is signed by this hall for this phone, and shows it came from a phone here.",
        id: "Kiriman Anda ditandatangani balai ini untuk ponsel ini, dan menunjukkan asalnya dari ponsel di sini.")
    static let notFound = Localized(en: "Not found", id: "Tidak ditemukan")
    static let notFoundBody = Localized(
        en: "This bulletin is not on this node (it may have expired or been withdrawn).",
        id: "Buletin ini tidak ada di node ini (mungkin sudah kedaluwarsa atau ditarik).")
    static let refused = Localized(en: "Refused", id: "Ditolak")
    static let foreignForm = Localized(
        en: "This form did not come from this hall's board. Open the board again and send from there.",
        id: "Formulir ini bukan dari papan balai ini. Buka papan lagi dan kirim dari sana.")
    static let bulletins = Localized(en: "bulletins", id: "buletin")
    static let language = Localized(en: "Bahasa Indonesia", id: "English")
    static let operatorTitle = Localized(en: "Operator", id: "Operator")
    static let pin = Localized(en: "PIN", id: "PIN")
    static let enter = Localized(en: "Enter", id: "Masuk")
    static let wrongPin = Localized(en: "Wrong PIN.", id: "PIN salah.")
    static let locked = Localized(
        en: "Too many wrong PINs: wait 15 minutes.", id: "Terlalu banyak PIN salah: tunggu 15 menit.")
    static let noPin = Localized(
        en: "No PIN is set: on the hall's computer run 'kabar web pin'.", id: "Belum ada PIN: di komputer balai jalankan 'kabar web pin'.")
    static let pending = Localized(en: "Waiting for approval", id: "Menunggu persetujuan")
    static let approve = Localized(en: "Approve", id: "Setujui")
    static let reject = Localized(en: "Reject", id: "Tolak")
    static let nonePending = Localized(en: "Nothing waits.", id: "Tidak ada yang menunggu.")
    static let official2 = Localized(en: "official", id: "resmi")
    static let community = Localized(en: "community", id: "warga")
    static let attachment = Localized(en: "Attachment", id: "Lampiran")
    static let download = Localized(en: "Download", id: "Unduh")
    static let arriving = Localized(en: "still arriving", id: "masih dikirim")
    static let notServed = Localized(en: "this kind of file is not shown on the board", id: "jenis berkas ini tidak ditampilkan di papan")
    static let limits = Localized(en: "Title up to 200 bytes, message up to 15,000.", id: "Judul sampai 200 byte, isi sampai 15.000.")
    static let attachLabel = Localized(en: "Photo or voice note (optional)", id: "Foto atau pesan suara (tidak wajib)")
    static let oneFile = Localized(en: "Attach one file per post.", id: "Lampirkan satu berkas per kiriman.")

    /// A post the HTTP layer refused for its size (a photo sent full size, JavaScript off).
    static func tooLarge(bytesMax: Int) -> Localized {
        let size = BoardPages.byteText(UInt64(max(bytesMax, 0)))
        return Localized(
            en: "What was sent is larger than this hall takes (at most \(size)). Choose a smaller photo or a shorter recording, or turn JavaScript on: the board then makes a photo smaller before sending it.",
            id: "Yang dikirim lebih besar dari yang diterima balai ini (paling besar \(size)). Pilih foto yang lebih kecil atau rekaman yang lebih pendek, atau nyalakan JavaScript: papan lalu mengecilkan foto sebelum dikirim.")
    }

    /// The types and the size the board takes, under the file input.
    static func attachNote(bytesMax: Int) -> Localized {
        let size = BoardPages.byteText(UInt64(max(bytesMax, 0)))
        return Localized(
            en: "Photos (JPEG, PNG, WebP) or recordings (Ogg, MP3, M4A, WebM), one file, at most \(size). With JavaScript on, a large photo is made smaller before it is sent.",
            id: "Foto (JPEG, PNG, WebP) atau rekaman (Ogg, MP3, M4A, WebM), satu berkas, paling besar \(size). Bila JavaScript menyala, foto besar dikecilkan dulu sebelum dikirim.")
    }

    // The post form's script (BoardScript) says these; `{from}`, `{to}`, `{size}` and
    // `{seconds}` are filled in by it.
    static let scriptScaling = Localized(en: "Making the photo smaller…", id: "Mengecilkan foto…")
    static let scriptScaled = Localized(en: "Photo made smaller: {from} → {to}.", id: "Foto dikecilkan: {from} → {to}.")
    static func scriptTooLarge(bytesMax: Int) -> Localized {
        let size = BoardPages.byteText(UInt64(max(bytesMax, 0)))
        return Localized(
            en: "This file is {size}; the most this hall takes is \(size). Choose a smaller one.",
            id: "Berkas ini {size}; balai ini menerima paling besar \(size). Pilih yang lebih kecil.")
    }
    static let scriptRecord = Localized(en: "Record a voice note", id: "Rekam pesan suara")
    static let scriptStop = Localized(en: "Stop recording", id: "Berhenti merekam")
    static let scriptRecording = Localized(en: "Recording… {seconds} of 120 seconds", id: "Merekam… {seconds} dari 120 detik")
    static let scriptRecorded = Localized(en: "Voice note ready to send ({seconds} s, {size}).", id: "Pesan suara siap dikirim ({seconds} detik, {size}).")
    static let scriptNoMicrophone = Localized(
        en: "The microphone cannot be used here: record with the phone's recorder and choose the file above.",
        id: "Mikrofon tidak bisa dipakai di sini: rekam dengan perekam suara ponsel lalu pilih berkasnya di atas.")

    /// Month abbreviations.
    static let months: [Language: [String]] = [
        .indonesian: ["Jan", "Feb", "Mar", "Apr", "Mei", "Jun", "Jul", "Agu", "Sep", "Okt", "Nov", "Des"],
        .english: ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"],
    ]

    /// `time` in Western Indonesian Time (UTC+7, Riau's), e.g. "6 Des 2026 08.30 WIB".
    static func date(_ time: UnixTime, _ language: Language) -> String {
        let seconds = time.milliseconds / 1_000 + 7 * 3_600
        let days = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
        let secondOfDay = seconds - days * 86_400
        let (year, month, day) = civil(days: days)
        let hour = secondOfDay / 3_600, minute = secondOfDay / 60 % 60
        let clock = twoDigits(hour) + (language == .indonesian ? "." : ":") + twoDigits(minute)
        return "\(day) \(months[language]?[Int(month) - 1] ?? "") \(year) \(clock) WIB"
    }

    static func twoDigits(_ number: Int64) -> String { number < 10 ? "0\(number)" : "\(number)" }

    /// The proleptic Gregorian date of a day count since 1970-01-01 (Howard Hinnant's algorithm).
    static func civil(days: Int64) -> (year: Int64, month: Int64, day: Int64) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1_460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let shifted = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * shifted + 2) / 5 + 1
        let month = shifted < 10 ? shifted + 3 : shifted - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }
}

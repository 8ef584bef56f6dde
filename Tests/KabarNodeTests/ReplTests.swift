import Kabar
import Testing

@testable import KabarNode

/// A backend in memory: bulletins numbered in the order posted, newest first in listings.
final class FakeReplBackend: ReplBackend {
    var bulletins: [ReplBulletin] = []
    var failNextPost: LocalizedErrorStub? = nil

    struct LocalizedErrorStub: LocalizedError {
        var localizedMessage: Localized { Localized(en: "store is full", id: "penyimpanan penuh") }
    }

    func post(channel: String, title: String, body: String) throws -> ReplBulletin {
        if let failure = failNextPost {
            failNextPost = nil
            throw failure
        }
        let number = bulletins.count + 1
        let id = String(repeating: String(number, radix: 16), count: 64).prefix(64)
        let bulletin = ReplBulletin(
            id: String(id), channel: channel, title: title, body: body, author: "a1b2c3d4e5f6",
            created: UnixTime(milliseconds: 1_800_000_000_000 + Int64(number) * 60_000))
        bulletins.append(bulletin)
        return bulletin
    }

    func list(channel: String?, limit: Int) -> [ReplBulletin] {
        Array(bulletins.reversed().filter { channel == nil || $0.channel == channel }.prefix(limit))
    }

    func bulletins(idPrefix: String) -> [ReplBulletin] { bulletins.filter { $0.id.hasPrefix(idPrefix) } }

    func search(words: [String], limit: Int) -> [ReplBulletin] {
        list(channel: nil, limit: .max).filter { bulletin in
            words.allSatisfy { (bulletin.title + " " + bulletin.body).lowercased().contains($0) }
        }
    }

    func peers() -> [ReplPeer] { [ReplPeer(address: "10.0.0.7:4747", lastHeard: "3 s")] }

    func status() -> [(label: Localized, value: String)] {
        [(Localized(en: "bulletins", id: "buletin"), String(bulletins.count))]
    }

    func channels() -> [ReplChannel] {
        ChannelRules.defaults.sortedRules.map { rule in
            ReplChannel(rule: rule, held: bulletins.filter { $0.channel == rule.name }.count)
        }
    }

    func export(to path: String) -> Int { bulletins.count }

    func importBundle(from path: String) -> ReplImportCounts { ReplImportCounts(added: 2, duplicates: 1, refused: 0) }
}

/// Runs `script` through a piped REPL session and returns everything written.
func pipedSession(_ script: String, language: Language, backend: FakeReplBackend = FakeReplBackend()) -> (output: String, driver: ReplDriver) {
    var output = ""
    let driver = ReplDriver(backend: backend, language: language, interactive: false) { output += $0 }
    driver.start()
    driver.receive(Array(script.utf8))
    driver.endOfInput()
    return (output, driver)
}

@Suite("REPL over a pipe")
struct ReplPipeTests {
    let script = """
        post
        warga
        Panen cabai
        Cabai merah 20 kg dijual.
        Hubungi Pak Amir.
        .
        ls
        read 1
        search cabai amir
        lang id
        help
        lsx
        quit
        status

        """

    @Test func scriptedSessionInEnglishPostsListsReadsAndSearches() {
        let backend = FakeReplBackend()
        let (output, driver) = pipedSession(script, language: .english, backend: backend)
        #expect(backend.bulletins.count == 1)
        #expect(backend.bulletins.first?.body == "Cabai merah 20 kg dijual.\nHubungi Pak Amir.")
        #expect(backend.bulletins.first?.title == "Panen cabai")
        #expect(output.contains("Saved and shared: 111111111111 on #warga."))
        #expect(output.contains("1 bulletin(s), newest first:"))
        #expect(output.contains("1. [11111111] #warga Panen cabai"))
        #expect(output.contains("#warga  Panen cabai\nfrom a1b2c3d4e5f6"))
        #expect(output.contains("\nCabai merah 20 kg dijual.\nHubungi Pak Amir.\n"))
        #expect(output.contains("1 found for 'cabai amir':"))
        #expect(output.contains("Bahasa: Indonesia."))
        // After `lang id` the help and the wrong command speak Indonesian.
        #expect(output.contains("Perintah (ketik 'help PERINTAH' untuk rincian):"))
        #expect(output.contains("'lsx' bukan perintah. Maksud Anda 'ls'?"))
        #expect(output.hasSuffix("Sampai jumpa.\n"))
        #expect(!output.contains("kabar> "))
        #expect(driver.finished)
    }

    @Test func scriptedSessionInIndonesianSpeaksIndonesianThroughout() {
        let (output, _) = pipedSession(script.replacingOccurrences(of: "lang id", with: "lang en"), language: .indonesian)
        #expect(output.contains("Tersimpan dan dibagikan: 111111111111 di #warga."))
        #expect(output.contains("1 buletin, terbaru lebih dulu:"))
        #expect(output.contains("dari a1b2c3d4e5f6"))
        #expect(output.contains("1 ditemukan untuk 'cabai amir':"))
        #expect(output.contains("Language: English."))
        #expect(output.contains("'lsx' is not a command. Did you mean 'ls'?"))
        #expect(output.contains("Type 'help' to see the commands."))
        #expect(output.hasSuffix("Goodbye.\n"))
    }

    @Test func mistakesInAPostAreExplainedAndAskedAgainWithoutLosingThePost() {
        let longTitle = String(repeating: "x", count: 201)
        let backend = FakeReplBackend()
        let (output, _) = pipedSession(
            "post\nWarga Desa!\nwarga\n\(longTitle)\nJudul\n.\nisi\n.\n", language: .english, backend: backend)
        #expect(output.contains("'warga desa!' is not a channel name"))
        #expect(output.contains("The title is 201 bytes; the limit is 200."))
        #expect(output.contains("The message is empty."))
        #expect(backend.bulletins.map(\.title) == ["Judul"])
        #expect(backend.bulletins.map(\.body) == ["isi"])
    }

    @Test func aBodyOverTheLimitKeepsWhatFitsAndSaysWhichLimit() {
        let line = String(repeating: "a", count: 10_000)
        let backend = FakeReplBackend()
        let (output, _) = pipedSession("post warga\nJudul\n\(line)\n\(line)\n.\n", language: .indonesian, backend: backend)
        #expect(output.contains("Pesan 20001 byte; batasnya 15000."))
        #expect(backend.bulletins.first?.body == line)
    }

    @Test func aStoreErrorIsShownInThePersonsLanguageAndTheReplGoesOn() {
        let backend = FakeReplBackend()
        backend.failNextPost = .init()
        let (output, _) = pipedSession("post warga\nJudul\nisi\n.\nls\n", language: .indonesian, backend: backend)
        #expect(output.contains("Kiriman tidak tersimpan: penyimpanan penuh"))
        #expect(output.contains("Belum ada buletin."))
    }

    @Test func readChecksNumbersAndIdPrefixes() {
        let (output, _) = pipedSession(
            "read 1\npost warga\nA\nb\n.\npost pasar\nB\nc\n.\nls\nread 3\nread abc\nread 22222222\nread 99999999\n",
            language: .english)
        #expect(output.contains("There is no listing yet"))
        #expect(output.contains("The last listing has numbers 1 to 2."))
        #expect(output.contains("'abc' is not one"))
        #expect(output.contains("#pasar  B"))
        #expect(output.contains("No bulletin starts with '99999999'."))
    }

    @Test func endOfInputInTheMiddleOfAPostCancelsIt() {
        let backend = FakeReplBackend()
        let (output, driver) = pipedSession("post warga\nJudul\nbaris", language: .english, backend: backend)
        #expect(backend.bulletins.isEmpty)
        #expect(output.contains("Post cancelled; nothing was saved."))
        #expect(driver.finished)
    }

    @Test func peersChannelsImportExportAndHelpForOneCommand() {
        let (output, _) = pipedSession("peers\nchannels\nexport /tmp/x.kabar\nimport /tmp/y.kabar\nhelp read\nhelp nope\npeers 1\n", language: .indonesian)
        #expect(output.contains("1 rekan:\n  10.0.0.7:4747  terakhir terdengar 3 s"))
        #expect(output.contains("resmi         resmi      30 hari   180 hari  0"))
        #expect(output.contains("0 buletin ditulis ke /tmp/x.kabar."))
        #expect(output.contains("Diimpor dari /tmp/y.kabar: 2 baru, 1 sudah ada, 0 ditolak."))
        #expect(output.contains("read N|ID       tampilkan buletin"))
        #expect(output.contains("Tidak ada perintah 'nope'."))
        #expect(output.contains("'peers' tidak memakai argumen."))
    }

    @Test func eventsArePrintedAsLinesOnAPipe() {
        var output = ""
        let driver = ReplDriver(backend: FakeReplBackend(), language: .english, interactive: false) { output += $0 }
        driver.show(.peerJoined("10.0.0.9:4747"))
        #expect(output == "* peer joined: 10.0.0.9:4747\n")
    }
}

@Suite("REPL catalog")
struct ReplCatalogTests {
    @Test func everyKeyHasBothLanguagesWithTheSamePlaceholders() {
        for key in ReplKey.allCases {
            guard let entry = ReplCatalog.entries[key] else {
                Issue.record("\(key) has no catalog entry")
                continue
            }
            #expect(!entry.en.isEmpty && !entry.id.isEmpty, "\(key)")
            #expect(placeholders(entry.en) == placeholders(entry.id), "\(key)")
        }
        #expect(ReplCatalog.entries.count == ReplKey.allCases.count)
    }

    @Test func everyCommandHasHelpAndSuggestionsFindNearCommands() {
        #expect(Repl.closestCommand(to: "serach") == "search")
        #expect(Repl.closestCommand(to: "stat") == "status")
        #expect(Repl.closestCommand(to: "xyzzyq") == nil)
    }

    private func placeholders(_ text: String) -> [String] {
        (0..<10).map { "{\($0)}" }.filter { text.contains($0) }
    }
}

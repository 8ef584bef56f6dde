@testable import Kabar
import KabarCrypto
import Testing

@Suite struct StoreMemoryTests {
    private typealias B = StoreTestBulletins

    @Test func insertIsIdempotentAndItemsAreInTimeThenIdOrder() {
        var store = MemoryStore()
        let bulletins = [5, 1, 3, 2, 4].map { B.make($0) }
        for bulletin in bulletins { #expect(store.insert(bulletin, durability: .lazy) == .added) }
        #expect(store.insert(bulletins[0], durability: .immediate) == .duplicate)
        #expect(store.count == 5)
        #expect(store.items.map(\.id) == [1, 2, 3, 4, 5].map { B.make($0).id })
        #expect(store.all.map(\.id) == [5, 4, 3, 2, 1].map { B.make($0).id })
        store.checkInvariants()
    }

    @Test func tombstonedIdsCannotComeBackUntilTheirTimeIsUp() {
        var store = MemoryStore()
        let bulletin = B.make(1)
        _ = store.insert(bulletin, durability: .lazy)
        store.markRemoved(bulletin.id, until: bulletin.expires)
        #expect(!store.contains(bulletin.id) && store.isRemoved(bulletin.id))
        #expect(store.insert(bulletin, durability: .lazy) == .removed)
        _ = store.removeExpired(now: bulletin.expires)
        #expect(!store.isRemoved(bulletin.id))
        #expect(store.insert(bulletin, durability: .lazy) == .added)
        store.checkInvariants()
    }

    @Test func removeExpiredDropsOnlyExpiredAndReturnsThemSorted() {
        var store = MemoryStore()
        let short = [1, 2].map { B.make($0, lifetime: .hours(1)) }
        let long = B.make(3, lifetime: .days(7))
        for bulletin in short + [long] { _ = store.insert(bulletin, durability: .lazy) }
        let dropped = store.removeExpired(now: short[1].expires)
        #expect(dropped == short.map(\.id).sorted())
        #expect(store.items.map(\.id) == [long.id])
        #expect(store.remove(long.id) && !store.remove(long.id))
        store.checkInvariants()
    }

    @Test func queryFiltersByChannelAuthorAndWordsNewestFirstWithLimit() {
        var store = MemoryStore()
        _ = store.insert(B.make(1, channel: "pasar", title: "Harga padi naik"), durability: .lazy)
        _ = store.insert(B.make(2, key: 1, channel: "pasar", title: "Jual padi", body: "Harga murah"), durability: .lazy)
        _ = store.insert(B.make(3, channel: "warga", title: "Rapat desa", body: "harga tiket"), durability: .lazy)
        _ = store.insert(B.make(4, channel: "pasar", title: "Jual ikan"), durability: .lazy)
        #expect(store.query(BulletinQuery(channel: "pasar")).map(\.title) == ["Jual ikan", "Jual padi", "Harga padi naik"])
        #expect(store.query(BulletinQuery(text: "HARGA padi")).map(\.title) == ["Jual padi", "Harga padi naik"])
        #expect(store.query(BulletinQuery(text: "harg")).count == 3)
        let author = B.make(2, key: 1).author
        #expect(store.query(BulletinQuery(author: author)).map(\.title) == ["Jual padi"])
        #expect(store.query(BulletinQuery(channel: "pasar", limit: 1)).map(\.title) == ["Jual ikan"])
        #expect(store.query(BulletinQuery(channel: "tidak-ada")).isEmpty)
    }

    @Test func prefixResolvesUniqueAndListsCandidatesWhenAmbiguous() throws {
        var store = MemoryStore()
        let bulletins = (1...40).map { B.make($0) }
        for bulletin in bulletins { _ = store.insert(bulletin, durability: .lazy) }
        let target = bulletins[7].id
        #expect(try store.resolve(prefix: String(target.hex.prefix(12)).uppercased()) == target)
        #expect(try store.resolve(prefix: target.hex) == target)
        #expect(throws: IDPrefixError.tooShort("abc")) { try store.resolve(prefix: "abc") }
        #expect(throws: IDPrefixError.notHex("zzzzzzzzz")) { try store.resolve(prefix: "zzzzzzzzz") }
        let missing = target.hex.prefix(8).map { $0 == "0" ? "1" : "0" }.joined()
        if !bulletins.contains(where: { $0.id.hex.hasPrefix(missing) }) {
            #expect(throws: IDPrefixError.notFound(missing)) { try store.resolve(prefix: missing) }
        }
        // Ambiguity is checked on the prefix matcher directly: two ids sharing 8 hex characters.
        let twins = [BulletinID(words: (0xAABB_CCDD_0000_0001, 0, 0, 0)), BulletinID(words: (0xAABB_CCDD_0000_0002, 0, 0, 0))]
        #expect(throws: IDPrefixError.ambiguous("aabbccdd", candidates: twins, count: 2)) {
            try IDPrefix("aabbccdd").resolve(among: twins.reversed())
        }
        let message = IDPrefixError.ambiguous("aabbccdd", candidates: twins, count: 2).message.en
        #expect(message.contains("aabbccdd0000") && message.contains("2 bulletins"))
    }
}

@Suite struct StoreIndexTests {
    private typealias B = StoreTestBulletins

    @Test func summaryFromBytesMatchesTheDecodedBulletin() {
        for bulletin in [B.make(1), B.make(2, key: 2, channel: "resmi", body: "isi")] {
            let summary = bulletin.encoded.withUnsafeBytes { BulletinSummary(encoded: $0) }
            #expect(summary == BulletinSummary(bulletin))
        }
        #expect([UInt8](repeating: 0, count: 120).withUnsafeBytes { BulletinSummary(encoded: $0) } == nil)
    }

    /// Whether a bulletin lists attachments is read from its bytes too (past a long body whose
    /// length takes a two-byte varint), so the keeper reads only those bulletins.
    @Test func summaryFromBytesSaysWhetherThereAreAttachments() throws {
        let plain = B.make(3, body: String(repeating: "b", count: 300))
        var content = plain.content
        content.attachments = [ContentID(hashing: [1]), ContentID(hashing: [2])]
        let attached = try Bulletin.sign(content, with: B.keys[0])
        for (bulletin, expected) in [(plain, false), (attached, true)] {
            let summary = try #require(bulletin.encoded.withUnsafeBytes { BulletinSummary(encoded: $0) })
            #expect(summary.hasAttachments == expected && summary == BulletinSummary(bulletin))
        }
        var index = BulletinIndex()
        index.insert(id: plain.id, summary: BulletinSummary(plain), encodedBytes: 100, location: 0)
        index.insert(id: attached.id, summary: BulletinSummary(attached), encodedBytes: 100, location: 1)
        #expect(index.idsWithAttachments == [attached.id])
    }

    @Test func bulkLoadWithRemovalsAndReinsertsEndsSorted() {
        var index = BulletinIndex()
        index.startLoading()
        let bulletins = (1...6).map { B.make($0) }
        for bulletin in bulletins.reversed() {
            index.insert(id: bulletin.id, summary: BulletinSummary(bulletin), encodedBytes: bulletin.encoded.count, location: 0)
        }
        index.remove(bulletins[2].id)
        index.remove(bulletins[3].id)
        index.insert(id: bulletins[3].id, summary: BulletinSummary(bulletins[3]), encodedBytes: 10, location: 9)
        index.finishLoading()
        index.checkInvariants()
        var ids: [BulletinID] = []
        index.forEachItem { ids.append($1) }
        #expect(ids == [0, 1, 3, 4, 5].map { bulletins[$0].id })
        #expect(index.entry(bulletins[3].id)?.location == 9)
    }

    @Test func evictionTakesExpiredThenCommunityThenOfficialOldestFirst() {
        var index = BulletinIndex()
        let official = B.make(1, channel: "resmi")
        let oldCommunity = B.make(2, channel: "pasar")
        let newCommunity = B.make(3, channel: "warga")
        let expired = B.make(4, channel: "resmi", lifetime: .hours(1))
        for bulletin in [official, oldCommunity, newCommunity, expired] {
            index.insert(id: bulletin.id, summary: BulletinSummary(bulletin), encodedBytes: 100, location: 0)
        }
        let rank = EvictionCandidate.plainRank(now: expired.expires) { $0 != "resmi" && $0 != "pengumuman" }
        let order = index.evictionOrder(overhead: 10, rank: rank)
        #expect(order.map(\.id) == [expired.id, oldCommunity.id, newCommunity.id, official.id])
        #expect(order.allSatisfy { $0.bytes == 110 })
        // A nil rank keeps an entry out of the order altogether.
        #expect(index.evictionOrder(overhead: 0) { $0.channel == "resmi" ? nil : 1 }.map(\.id) == [oldCommunity.id, newCommunity.id])
        #expect(index.encodedBytes == 400)
        index.remove(contentsOf: [expired.id, official.id])
        #expect(index.encodedBytes == 200)
        index.checkInvariants()
    }

    @Test func textSearchFoldsCaseAndCanonicalEquivalence() {
        #expect(TextSearch.words(in: "Banjir! di KAMPUNG-baru, 2026") == ["banjir", "di", "kampung", "baru", "2026"])
        #expect(TextSearch.containsAll(["cafe\u{301}"], title: "Buka CAFÉ baru", body: ""))
        #expect(TextSearch.containsAll(["ÇAY".lowercased()], title: "", body: "çay segar"))
        #expect(!TextSearch.containsAll(["banjir", "padi"], title: "banjir", body: "ikan"))
    }

    /// The byte path for ASCII text answers exactly as the Unicode path: 5,000 random texts of
    /// letters, digits, spaces and punctuation against random query words.
    @Test func asciiSearchAgreesWithTheUnicodePath() {
        var prng = PRNG(seed: 77)
        let alphabet = Array("abcdeABCDE019 -.,!\n".utf8)
        func text(_ length: Int) -> String {
            String(decoding: (0..<length).map { _ in alphabet[prng.int(below: alphabet.count)] }, as: UTF8.self)
        }
        var matched = 0
        for _ in 0..<5_000 {
            let title = text(prng.int(below: 12)), body = text(prng.int(below: 40))
            let query = (0..<(1 + prng.int(below: 2))).map { _ in TextSearch.words(in: text(1 + prng.int(below: 3))).first ?? "a" }
            let textWords = TextSearch.words(in: title) + TextSearch.words(in: body)
            let expected = query.allSatisfy { word in textWords.contains { $0.hasPrefix(word) } }
            #expect(TextSearch.asciiContainsAll(query, title: title, body: body) == expected, "\(query) in \(title) / \(body)")
            if expected { matched += 1 }
        }
        // Both answers occur, so the comparison means something.
        #expect(matched > 500 && matched < 4_500, "\(matched)")
        #expect(TextSearch.asciiContainsAll(["cafe"], title: "CAFÉ", body: "") == nil)
    }
}

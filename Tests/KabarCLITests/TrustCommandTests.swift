import Foundation
@testable import KabarCLI
import Kabar
import KabarCrypto
@testable import KabarNode
import Testing

/// The trust commands end to end, as an operator would use them: data folders, `export` and
/// `import` between them (a USB stick), every refusal naming its rule.
@Suite struct TrustCommandTests {
    /// Three halls: the authority's, a grantee's, and a village node that trusts the authority.
    struct Halls {
        let authority = TestNode()
        let grantee = TestNode()
        let village = TestNode()
        var authorityKey: String { key(authority) }
        var granteeKey: String { key(grantee) }

        func key(_ node: TestNode) -> String { node.run(["id"]).output.trimmingCharacters(in: .newlines) }

        func remove() { [authority, grantee, village].forEach { $0.remove() } }

        /// Exports everything `from` holds and imports it into `into`.
        @discardableResult
        func carry(from: TestNode, to into: TestNode, name: String = UUID().uuidString) -> KabarRun {
            let bundle = from.folder.file(name + ".kabar")
            let export = from.run(["export", bundle])
            precondition(export.code == 0, export.error)
            return into.run(["import", bundle])
        }
    }

    @Test func aGrantedKeysOfficialPostIsAcceptedWhereTheAuthorityIsTrustedAndOthersAreRefused() throws {
        let halls = Halls()
        defer { halls.remove() }
        // Without a grant: refused at the grantee's own node, naming the rule in both languages.
        let refused = halls.grantee.run(["post", "--channel", "resmi", "--title", "Rapat desa", "--body", "x"])
        #expect(refused.code == 1)
        #expect(refused.error.contains("this key may not post to resmi: no grant from an authority you trust"))
        let ditolak = halls.grantee.run(["post", "--channel", "resmi", "--title", "Rapat desa", "--body", "x"], language: .indonesian)
        #expect(ditolak.error.contains("kunci ini tidak boleh mengirim ke resmi: tidak ada izin dari otoritas yang Anda percayai"))

        // The authority's own node must trust its key before it signs grants.
        let untrusted = halls.authority.run(["grant", halls.granteeKey, "--channel", "resmi"])
        #expect(untrusted.code == 1 && untrusted.error.contains("kabar authority add \(halls.authorityKey)"))
        for node in [halls.authority, halls.grantee, halls.village] {
            #expect(node.run(["authority", "add", halls.authorityKey]).code == 0)
        }
        let grant = halls.authority.run(["grant", halls.granteeKey, "--channel", "resmi", "--channel", "pengumuman", "--expires", "30d"])
        #expect(grant.code == 0, "\(grant.error)")
        let grantJSON = try #require(try parseList(halls.authority.run(["list", "--json"]).output).first?["grant"] as? [String: Any])
        #expect(grantJSON["grantee"] as? String == halls.granteeKey && grantJSON["channels"] as? [String] == ["pengumuman", "resmi"])
        #expect(grantJSON["moderator"] as? Bool == false && grantJSON["may_grant"] as? Bool == false)
        #expect(halls.authority.run(["list"]).output.contains("[grant] \(halls.granteeKey.prefix(12)) → pengumuman, resmi"))
        #expect(halls.carry(from: halls.authority, to: halls.grantee).output.hasPrefix("added 1, already had 0, rejected 0"))

        let post = halls.grantee.run(["post", "--channel", "resmi", "--title", "Rapat desa", "--body", "Senin jam 9"])
        #expect(post.code == 0, "\(post.error)")
        let id = post.output.trimmingCharacters(in: .newlines)
        let imported = halls.carry(from: halls.grantee, to: halls.village)
        #expect(imported.code == 0 && imported.output.hasPrefix("added 2, already had 0, rejected 0"), "\(imported.output)")
        #expect(try parseList(halls.village.run(["list", "--json", "--channel", "resmi"]).output).map { $0["id"] as? String } == [id])

        // A node that does not trust the authority rejects both, each with its rule.
        let stranger = TestNode()
        defer { stranger.remove() }
        let strangerImport = halls.carry(from: halls.grantee, to: stranger)
        #expect(strangerImport.code == 1)
        #expect(strangerImport.output.contains("added 0, already had 0, rejected 2"))
        #expect(strangerImport.output.contains("this key may not grant pengumuman"))
        #expect(strangerImport.output.contains("this key may not post to resmi: no grant from an authority you trust"))
        // The grant names only the channels it names.
        let warga = halls.grantee.run(["post", "--channel", "kabar", "--title", "x", "--body", "x"])
        #expect(warga.code == 1 && warga.error.contains("only grants may be sent on kabar"))
    }

    @Test func retractedContentDisappearsAndDoesNotComeBackOnALaterImport() throws {
        let halls = Halls()
        defer { halls.remove() }
        let id = halls.grantee.post("Jual kerbau", channel: "pasar")
        let old = halls.grantee.folder.file("old.kabar")
        #expect(halls.grantee.run(["export", old]).code == 0)
        #expect(halls.village.run(["import", old]).code == 0)

        // Someone else may not retract it, at their own node or anywhere else.
        let notAuthor = halls.village.run(["retract", id])
        #expect(notAuthor.code == 1 && notAuthor.error.contains("this key may not retract \(id.prefix(12)): only its author or a moderator of its channel may"))

        let retract = halls.grantee.run(["retract", id])
        #expect(retract.code == 0, "\(retract.error)")
        #expect(try parseList(halls.grantee.run(["list", "--json", "--channel", "pasar"]).output).allSatisfy { $0["kind"] as? String == "retraction" })
        #expect(halls.grantee.run(["show", id]).code == 1)

        let arrives = halls.carry(from: halls.grantee, to: halls.village)
        #expect(arrives.output.hasPrefix("added 1, already had 0, rejected 0"), "\(arrives.output)")
        #expect(halls.village.run(["show", id]).code == 1)
        // The old stick again: refused, every time (the tombstone is on disk).
        for _ in 0..<2 {
            let again = halls.village.run(["import", old])
            #expect(again.code == 1 && again.output.contains("rejected 1") && again.output.contains("retracted"))
        }
        // A node that sees the retraction before the post refuses the post too.
        let late = TestNode()
        defer { late.remove() }
        halls.carry(from: halls.grantee, to: late)
        let after = late.run(["import", old])
        #expect(after.code == 1 && after.output.contains("rejected 1") && after.output.contains("was retracted or hidden"), "\(after.output)")
    }

    @Test func forgedAndReplayedGrantsRetractionsAndHidesAreRejected() throws {
        let halls = Halls()
        defer { halls.remove() }
        for node in [halls.authority, halls.village] { node.run(["authority", "add", halls.authorityKey]) }
        let spam = halls.grantee.post("SPAM SPAM", channel: "warga")
        halls.carry(from: halls.grantee, to: halls.village)

        // A forged grant (signature altered) and one signed by a non-authority.
        let granteeIdentity = try Identity.load(from: DataDirectory(path: halls.grantee.data))
        let now = UnixTime(milliseconds: Int64(Date().timeIntervalSince1970 * 1000))
        let selfGrant = try TrustOperations.grant(
            GrantRequest(grantee: granteeIdentity.author, channels: ["resmi"], moderator: true), identity: granteeIdentity, now: now)
        var bytes = selfGrant.encoded
        bytes[bytes.count - 1] ^= 1
        let forged = try Bulletin.decode(bytes)
        let target = try #require(BulletinID(hex: spam))
        let spamBulletin = try #require(try halls.grantee.stored(target))
        let hide = try TrustOperations.hide(of: spamBulletin, identity: granteeIdentity, now: now)
        let villageIdentity = try Identity.load(from: DataDirectory(path: halls.village.data))
        let strangerRetraction = try TrustOperations.retraction(of: spamBulletin, identity: villageIdentity, now: now)
        let bundle = halls.grantee.folder.file("forged.kabar")
        _ = try BundleFile.write(to: bundle) { write in
            for bulletin in [forged, selfGrant, hide, strangerRetraction] { try write(bulletin) }
        }
        for _ in 0..<2 {  // and its replay
            let run = halls.village.run(["import", bundle])
            #expect(run.code == 1)
            #expect(run.output.hasPrefix("added 0, already had 0, rejected 4"), "\(run.output)")
            #expect(run.output.contains("signature does not match the author key"))
            #expect(run.output.contains("this key may not grant resmi"))
            #expect(run.output.contains("hide notice refused: this key is not a moderator you trust for warga"))
            #expect(run.output.contains("this key may not retract"))
        }
        #expect(halls.village.run(["show", spam]).code == 0)
        // The hide refused at the grantee's own node too.
        let ownHide = halls.grantee.run(["hide", spam])
        #expect(ownHide.code == 1 && ownHide.error.contains("hide notice refused"))

        // A real moderator's hide is honoured, and its replay and the target's are refused.
        halls.authority.run(["grant", halls.key(halls.village), "--channel", "warga", "--moderator"])
        halls.carry(from: halls.authority, to: halls.village)
        let hidden = halls.village.run(["hide", spam])
        #expect(hidden.code == 0, "\(hidden.error)")
        #expect(halls.village.run(["show", spam]).code == 1)
        let moderated = halls.village.folder.file("moderated.kabar")
        #expect(halls.village.run(["export", moderated]).code == 0)
        halls.grantee.run(["authority", "add", halls.authorityKey])
        let applied = halls.grantee.run(["import", moderated])
        #expect(applied.code == 0, "\(applied.output)")
        #expect(halls.grantee.run(["show", spam]).code == 1)
        #expect(halls.grantee.run(["import", moderated]).output.hasPrefix("added 0, already had 2, rejected 0"))

        // A retracted grant replayed is refused, and stops authorising.
        let grantID = halls.authority.run(["grant", halls.granteeKey, "--channel", "resmi"]).output.trimmingCharacters(in: .newlines)
        let grantStick = halls.authority.folder.file("grant.kabar")
        #expect(halls.authority.run(["export", grantStick]).code == 0)
        #expect(halls.authority.run(["retract", grantID]).code == 0)
        halls.carry(from: halls.authority, to: halls.village)
        let replay = halls.village.run(["import", grantStick])
        #expect(replay.output.contains("retracted") || replay.output.contains("was retracted or hidden"), "\(replay.output)")
    }

    @Test func editsBlocksAndAuthorityListsWork() throws {
        let halls = Halls()
        defer { halls.remove() }
        let id = halls.grantee.post("Harga beras", channel: "pasar", body: "Rp 12.000")
        let edit = halls.grantee.run(["edit", id, "--body", "Rp 11.500"])
        #expect(edit.code == 0, "\(edit.error)")
        let listed = try parseList(halls.grantee.run(["list", "--json", "--channel", "pasar"]).output)
        #expect(listed.count == 1 && listed[0]["body"] as? String == "Rp 11.500" && listed[0]["supersedes"] as? String == id)
        #expect(listed[0]["title"] as? String == "Harga beras")
        // Another key may not edit it.
        halls.carry(from: halls.grantee, to: halls.village)
        let foreign = halls.village.run(["edit", id, "--body", "gratis"])
        #expect(foreign.code == 1 && foreign.error.contains("only the author of \(id.prefix(12)) may edit it"))

        // Block: dropped now, refused on import, listed; unblock takes it off the list.
        let block = halls.village.run(["block", halls.granteeKey])
        #expect(block.code == 0 && block.output.contains("dropped 2"), "\(block.output)\(block.error)")
        #expect(halls.village.run(["block", "list"]).output == halls.granteeKey + "\n")
        let blocked = halls.carry(from: halls.grantee, to: halls.village)
        #expect(blocked.output.contains("rejected 2"), "\(blocked.output)")
        let more = halls.grantee.post("Baru", channel: "pasar")
        let refused = halls.carry(from: halls.grantee, to: halls.village)
        #expect(refused.output.contains("is blocked on this node"), "\(refused.output)")
        #expect(halls.village.run(["unblock", halls.granteeKey]).code == 0)
        #expect(halls.village.run(["block", "list", "--json"]).output == "[]\n")
        #expect(halls.carry(from: halls.grantee, to: halls.village).output.contains("added 1"))
        #expect(halls.village.run(["show", more]).code == 0)

        // Authority lists: data folder and config, merged; removal says where a key lives.
        let config = halls.village.folder.file("data/kabar.conf")
        try "authority = \(halls.authorityKey)\n".write(toFile: config, atomically: true, encoding: .utf8)
        halls.village.run(["authority", "add", halls.granteeKey])
        let list = try #require(try JSONSerialization.jsonObject(with: Data(halls.village.run(["authority", "list", "--json"]).output.utf8)) as? [[String: Any]])
        #expect(list.count == 2)
        #expect(list.contains { $0["key"] as? String == halls.authorityKey && $0["in_config"] as? Bool == true })
        let fromConfig = halls.village.run(["authority", "remove", halls.authorityKey])
        #expect(fromConfig.code == 1 && fromConfig.error.contains("kabar.conf"))
        #expect(halls.village.run(["authority", "remove", halls.granteeKey]).code == 0)
        #expect(halls.village.run(["authority", "remove", halls.granteeKey]).code == 1)
        #expect(halls.village.run(["authority", "add", "xyz"]).code == 2)
    }

    /// `known` and `vouch` as an operator uses them: a vouch by a hall the regency vouched for
    /// makes a villager's key no stranger at a third node; a vouch by a key nobody trusts is
    /// refused, naming its rule; and a stamped post carries its work.
    @Test func knownKeysAndVouchesTravelAndCountOnlyFromKeysThatMayVouch() throws {
        let halls = Halls()
        defer { halls.remove() }
        let villager = String(repeating: "5a", count: 32)
        #expect(halls.village.run(["known", "add", villager]).output.contains("is now known here"))
        #expect(halls.village.run(["known", "list", "--json"]).output.contains(villager))
        #expect(halls.village.run(["known", "remove", villager]).code == 0)
        #expect(halls.village.run(["known", "remove", villager]).code == 1)
        #expect(halls.village.run(["known", "frob"]).code == 2)
        // A node's own key may vouch there; elsewhere a vouch by a key nobody trusts is refused.
        #expect(halls.grantee.run(["vouch", villager]).code == 0)
        let stray = halls.carry(from: halls.grantee, to: halls.village)
        #expect(stray.output.hasPrefix("added 0, already had 0, rejected 1"), "\(stray.output)")
        #expect(stray.output.contains("vouch refused"), "\(stray.output)")
        // The regency vouches for the hall; the hall vouches for the villager; the village node
        // (trusting the regency) takes both.
        for node in [halls.authority, halls.grantee, halls.village] { #expect(node.run(["authority", "add", halls.authorityKey]).code == 0) }
        #expect(halls.authority.run(["vouch", halls.granteeKey]).code == 0)
        #expect(halls.carry(from: halls.authority, to: halls.grantee).output.hasPrefix("added 1"))
        #expect(halls.grantee.run(["vouch", villager, "--expires", "30d"]).code == 0)
        let carried = halls.carry(from: halls.grantee, to: halls.village)
        // The hall's first vouch, made before the regency's reached it, is refused again here
        // (it was made by a key nobody vouched for); the regency's and the second count.
        #expect(carried.output.hasPrefix("added 2, already had 0, rejected 1"), "\(carried.output)")
        #expect(halls.village.run(["list", "--json"]).output.contains("\"kind\":\"vouch\""))
        #expect(halls.village.run(["vouch", "zz"]).code == 2 || halls.village.run(["vouch", "zz"]).code == 1)
        // A stamp on request.
        let stamped = halls.village.run(["post", "--channel", "warga", "--title", "Panen", "--body", "x", "--stamp", "12"])
        #expect(stamped.code == 0, "\(stamped.error)")
        let id = stamped.output.trimmingCharacters(in: .newlines)
        let shown = halls.village.run(["show", id, "--json"]).output
        let object = try #require(try JSONSerialization.jsonObject(with: Data(shown.utf8)) as? [String: Any])
        #expect(object["id"] as? String == id)
        #expect((object["stamp_bits"] as? Int ?? 0) >= 12)
        let vouches = try parseList(halls.village.run(["list", "--json"]).output).compactMap { $0["vouch"] as? [String: Any] }
        #expect(vouches.contains { ($0["keys"] as? [String]) == [villager] })
    }
}

@Suite struct TrustQuotaCommandTests {
    @Test func aConfiguredQuotaStopsTheNextPostWithItsRule() throws {
        let node = TestNode()
        defer { node.remove() }
        try "channel.pasar = community posts=2 bytes=1MB\n".write(toFile: node.data + "/kabar.conf", atomically: true, encoding: .utf8)
        _ = node.post("satu")
        _ = node.post("dua")
        let third = node.run(["post", "--channel", "pasar", "--title", "tiga", "--body", "x"])
        #expect(third.code == 1 && third.error.contains("this key has reached its quota on pasar: 2 bulletins a day"), "\(third.error)")
        // Other channels keep the default quota.
        #expect(node.run(["post", "--channel", "warga", "--title", "tiga", "--body", "x"]).code == 0)
        try "channel.pasar = community posts=lots\n".write(toFile: node.data + "/kabar.conf", atomically: true, encoding: .utf8)
        let bad = node.run(["post", "--channel", "pasar", "--title", "empat", "--body", "x"])
        #expect(bad.code == 2 && bad.error.contains("posts= takes a number of posts a day"), "\(bad.error)")
    }
}

extension TestNode {
    /// The bulletin `id` as the node's store holds it (opened and closed again).
    func stored(_ id: BulletinID) throws -> Bulletin? {
        let store = try FileStore.open(in: DataDirectory(path: data))
        defer { try? store.close() }
        return store.bulletin(id)
    }

}

import Kabar
import KabarNode
import KabarPlatform
import Testing

@Suite struct DaemonConfigTests {
    @Test func everyKeyIsReadAndCommentsIgnored() throws {
        let key = String(repeating: "ab", count: 32)
        let text = """
            # a hall on the river
            port = 4800
            network = rokan-hilir   # the regency's mesh
            peer = 10.0.0.7:4747
            peer = 10.0.0.8
            language = id
            log_level = debug
            quota = 500MB

            channel.pasar = community lifetime=3d max=10d attach=500KB fetch=demand budget=20MB
            channel.banjir = official lifetime=1d attach=5MB
            channel.keluhan = community office lifetime=30d
            channel.aspirasi = community lifetime=20d
            authority = \(key)   Pemkab Rokan Hilir
            web.port = 8080
            web.posting = review
            web.portal = on
            web.posts_per_day = 50
            web.posts_per_phone = 3
            web.enabled = yes
            """
        let settings = try ConfigFile.parse(text, path: "/d/kabar.conf")
        #expect(settings.port == 4800)
        #expect(settings.networkName == "rokan-hilir")
        #expect(settings.peers == [.ipv4(address: 0x0a00_0007, port: 4747), .ipv4(address: 0x0a00_0008, port: 4747)])
        #expect(settings.language == .indonesian)
        #expect(settings.logLevel == .debug)
        #expect(settings.quotaBytes == 500_000_000)
        #expect(settings.channels.rule(for: "pasar") == ChannelRule(name: "pasar", access: .community, defaultLifetime: .days(3), maximumLifetime: .days(10)))
        #expect(settings.channels.rule(for: "banjir").access == .official)
        #expect(settings.channels.rule(for: "banjir").defaultLifetime == .days(1))
        // `office`: the regency office lists what it holds there in its reports (Reach.md); a
        // line without the word clears it, even on the default `aspirasi`.
        #expect(settings.channels.rule(for: "keluhan").office && settings.channels.rule(for: "keluhan").defaultLifetime == .days(30))
        #expect(!settings.channels.rule(for: "aspirasi").office && !settings.channels.rule(for: "pasar").office)
        #expect(NodeSettings().channels.rule(for: "aspirasi").office)
        #expect(settings.authorities.map(\.hex) == [key])
        #expect(settings.authorityLabels.values.map { $0 } == ["Pemkab Rokan Hilir"])
        #expect(settings.web.port == 8080 && settings.web.posting == .review && settings.web.portal && settings.web.enabled)
        #expect(settings.web.postsPerDay == 50 && settings.web.postsPerPhone == 3)
        #expect(settings.nodeConfiguration.networkID == Wire.networkID(named: "rokan-hilir"))
        #expect(settings.nodeConfiguration.staticPeers.count == 2)
        let attachments = settings.nodeConfiguration.attachments
        #expect(attachments.sizeMax(for: "pasar") == 500_000 && attachments.sizeMax(for: "banjir") == 5_000_000)
        #expect(attachments.sizeMax(for: "warga") == 2_000_000)
        #expect(attachments.fetch(for: "pasar") == .demand && attachments.fetch(for: "banjir") == .eager)
        // A fifth of the 500 MB quota for attachments; pasar has its own budget, a community
        // channel without one gets a quarter of the share, an official one all of it.
        #expect(attachments.storeBytesMax == 100_000_000)
        #expect(attachments.budgetBytes(for: "pasar", official: false) == 20_000_000)
        #expect(attachments.budgetBytes(for: "warga", official: false) == 25_000_000)
        #expect(attachments.budgetBytes(for: "banjir", official: true) == 100_000_000)
        // Small files travel eagerly even on a demand channel.
        #expect(attachments.fetchesEagerly(size: 40_000, on: "pasar") && !attachments.fetchesEagerly(size: 400_000, on: "pasar"))
    }

    @Test func noFileMeansDefaults() throws {
        let data = DataDirectory(path: "/nonexistent/kabar-\(MonotonicClock.now())")
        #expect(try ConfigFile.load(from: data) == NodeSettings())
        #expect(NodeSettings().port == 4747)
    }

    @Test func badLinesNameFileLineAndProblem() {
        let cases: [(String, Int, String)] = [
            ("port = 4747\nport = 70000", 2, "port must be a number"),
            ("just words", 1, "expected 'key = value'"),
            ("\n\ncolour = blue", 3, "unknown key 'colour'"),
            ("peer = 10.0.0.300:4747", 1, "peer '10.0.0.300:4747'"),
            ("quota = lots", 1, "quota must be a size"),
            ("log_level = loud", 1, "log_level is error"),
            ("authority = 12ab", 1, "authority must be a public key"),
            ("channel.pasar = public", 1, "must start with official or community"),
            ("channel.pasar = community lifetime=9d max=2d", 1, "longer than max"),
            ("channel.Pasar! = community", 1, "channel"),
            ("channel.pasar = community fetch=sometimes", 1, "fetch= is eager or demand"),
            ("channel.pasar = community attach=big", 1, "attach= takes a size"),
            ("channel.pasar = community attach=20MB", 1, "attach= is at most"),
            ("channel.pasar = community budget=-3", 1, "budget= takes a size"),
            ("network = Bad Name", 1, "network name"),
            ("port =", 1, "has no value"),
            ("language = fr", 1, "language is id or en"),
            ("web.posting = maybe", 1, "web.posting is open, review or off"),
            ("web.portal = sometimes", 1, "web.portal is on or off"),
            ("web.posts_per_day = -1", 1, "web.posts_per_day is a whole number"),
            ("web.colour = red", 1, "unknown key 'web.colour'"),
            ("web.port = 0", 1, "port must be a number"),
        ]
        for (text, line, fragment) in cases {
            do {
                _ = try ConfigFile.parse(text, path: "/d/kabar.conf")
                Issue.record("accepted: \(text)")
            } catch {
                #expect(error.line == line, "\(text)")
                #expect(error.path == "/d/kabar.conf")
                #expect(error.description.hasPrefix("/d/kabar.conf:\(line): "), "\(error)")
                #expect(error.problem.en.contains(fragment), "\(error) should say \(fragment)")
                #expect(!error.problem.id.isEmpty)
            }
        }
    }

    @Test func limitsBoundWhatAFileCanGrow() {
        let longLine = "network = " + String(repeating: "a", count: ConfigFile.lineBytesMax)
        #expect(throws: ConfigError.self) { try ConfigFile.parse(longLine, path: "f") }
        let manyPeers = (0...NodeSettings.peersMax).map { "peer = 10.0.0.\($0 % 250 + 1):\($0 + 1)" }.joined(separator: "\n")
        #expect(throws: ConfigError.self) { try ConfigFile.parse(manyPeers, path: "f") }
    }

    @Test func quotaUnits() throws {
        #expect(try ConfigFile.parseByteCount("2GB") == 2_000_000_000)
        #expect(try ConfigFile.parseByteCount("1GiB") == 1 << 30)
        #expect(try ConfigFile.parseByteCount("100kb") == 100_000)
        #expect(try ConfigFile.parseByteCount("4096") == 4_096)
        #expect(throws: ConfigFile.ValueError.self) { try ConfigFile.parseByteCount("99999999999TB") }
        #expect(throws: ConfigFile.ValueError.self) { try ConfigFile.parseByteCount("0MB") }
    }

    /// Strangers' settings (Trust.md, "Strangers"): a size or a share of the quota, the rate, the
    /// burst, the stamp, known keys, and per-channel caps and stamps; bad values name the key.
    @Test func strangersBudgetIsReadAsASizeOrAShareWithItsRateStampAndKnownKeys() throws {
        let key = String(repeating: "cd", count: 32)
        let text = """
            quota = 20MB
            strangers = 25%
            stranger_rate = 50/s
            stranger_burst = 60000
            stamp = 22
            known = \(key)
            channel.pasar = community posts=100 strangers=1MB stamp=18
            """
        let settings = try ConfigFile.parse(text, path: "/d/kabar.conf")
        let budget = settings.strangerBudget
        #expect(budget.bytesMax == 5_000_000)
        #expect(budget.bytesMax(for: "pasar") == 1_000_000 && budget.bytesMax(for: "warga") == 5_000_000)
        #expect(budget.stampBits(for: "pasar") == 18 && budget.stampBits(for: "warga") == 22)
        #expect(budget.perSecond == 50 && budget.burst == 60_000)
        #expect(settings.known.map(\.hex) == [key])
        #expect(settings.channelQuotas["pasar"]?.countPerDayMax == 100)
        // A size is a size; no quota means no limit; the default is a tenth of the quota.
        #expect(try ConfigFile.parse("strangers = 3MB", path: "f").strangerBudget.bytesMax == 3_000_000)
        #expect(try ConfigFile.parse("quota = 20MB", path: "f").strangerBudget.bytesMax == 2_000_000)
        #expect(NodeSettings().strangerBudget.bytesMax == 100_000_000)
        for bad in ["strangers = 120%", "strangers = lots", "stranger_rate = fast", "stranger_burst = 0", "stamp = 40", "known = abc",
                    "channel.pasar = community stamp=x", "channel.pasar = community strangers=-1"] {
            #expect(throws: ConfigError.self, "\(bad)") { try ConfigFile.parse(bad, path: "f") }
        }
    }
}

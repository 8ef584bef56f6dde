import Foundation
import Kabar
import KabarNode
import KabarSimulation

/// `kabar debug backlog FILE`: a bundle of signed, live bulletins for volume tests.
///
/// The same backlog the simulator preloads (`Backlog.make`): `--count` community posts by
/// `--authors` keys with `--body-bytes` bodies, created over the last ten days so they are live
/// for days yet. Deterministic by `--seed` (apart from the creation times, which follow the
/// wall clock). The bulk netns script imports it into one daemon and times another's first sync;
/// the spam netns script makes 100,000 posts by 100,000 fresh keys (`--authors` up to 1,000,000:
/// one key each, every key a stranger to the node that receives them).
enum DebugBacklogCommand: Command {
    static let spec = CommandSpec(
        path: ["debug", "backlog"],
        summary: Localized(
            en: "(for tests) write a bundle of N signed, live bulletins",
            id: "(untuk uji) tulis bundel berisi N buletin bertanda tangan yang masih berlaku"),
        positionals: [PositionalSpec("FILE")],
        options: [
            .value("--count", "N", help: Localized(en: "bulletins (1 to 1000000, default 50000)", id: "jumlah buletin (1 sampai 1000000, bawaan 50000)")),
            .value("--authors", "K", help: Localized(en: "signing keys (1 to 1000000, default 125)", id: "kunci penanda tangan (1 sampai 1000000, bawaan 125)")),
            .value("--body-bytes", "B", help: Localized(en: "body length (0 to 4000, default 200)", id: "panjang isi (0 sampai 4000, bawaan 200)")),
            .value("--seed", "S", help: Localized(en: "seed of keys and order (default 1)", id: "benih kunci dan urutan (bawaan 1)")),
            .json,
        ])

    static func run(_ arguments: ParsedArguments, _ context: CommandContext) throws -> Int32 {
        let path = arguments.positionals[0]
        let count = try arguments.integer("--count", in: 1...1_000_000) ?? 50_000
        let authors = try arguments.integer("--authors", in: 1...1_000_000) ?? 125
        let bodyBytes = try arguments.integer("--body-bytes", in: 0...4_000) ?? 200
        let seed = try arguments.integer("--seed", in: 0...Int(Int32.max)) ?? 1
        let now = UnixTime(milliseconds: Int64(Date().timeIntervalSince1970 * 1000))
        let bulletins = Backlog.make(
            count: count, authors: authors, officialShare: 0, bodyBytes: bodyBytes, now: now, seed: UInt64(seed))
        let written: Int
        do {
            written = try BundleFile.write(to: path) { emit in for bulletin in bulletins { try emit(bulletin) } }
        } catch { throw CLIError.failed(error.localizedMessage) }
        let bytes = bulletins.reduce(0) { $0 + $1.encoded.count }
        if arguments.flag("--json") {
            context.print("{\"bulletins\": \(written), \"bulletin_bytes\": \(bytes)}")
        } else {
            context.print(context.text(Localized(
                en: "wrote \(written) bulletins (\(bytes) bytes of bulletins) to \(path)",
                id: "menulis \(written) buletin (\(bytes) bita buletin) ke \(path)")))
        }
        return 0
    }
}
